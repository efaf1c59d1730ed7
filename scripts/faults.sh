#!/usr/bin/env bash
# What `make faults` runs: fault injection against services of its own (bench/faults.py says what it
# injects and checks). PostgreSQL, Redis and Elasticsearch are started by scripts/services.sh on free
# ports with their data under a temporary directory, so the shared services of `make test` (and
# anyone's tests running against them) are never touched; everything this run started is stopped and
# its directory removed at the end, whatever happens (FAULTS_KEEP=1 keeps the directory and its logs).
#
#   make faults                         # all six faults -> bench/results/faults.md
#   FAULTS_ARGS="--phases redis,postgres" make faults
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash scripts/install_services.sh
$PY -c "import aiosmtpd" 2>/dev/null || $PY -m pip install -q -r requirements.txt

RUN_DIR=$(mktemp -d /tmp/kntc-faults.XXXXXX)
chmod 755 "$RUN_DIR"  # PostgreSQL and Elasticsearch run as their own users below it
export KNTC_SERVICES_DIR="$RUN_DIR/services"
cleanup() {
  # bench/faults.py stops what it started; this is the backstop if it was killed. The ports are in
  # the run's env file; without it nothing was started.
  if [ -f "$RUN_DIR/ports.env" ]; then
    # shellcheck disable=SC1091
    set -a; source "$RUN_DIR/ports.env"; set +a
    for s in elasticsearch redis postgres; do bash scripts/services.sh stop "$s" >/dev/null 2>&1 || true; done
  fi
  if [ "${FAULTS_KEEP:-0}" = 1 ]; then echo "faults: run directory kept: $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
}
trap cleanup EXIT
# shellcheck disable=SC2086
$PY bench/faults.py --run-dir "$RUN_DIR" ${FAULTS_ARGS:-}
