#!/usr/bin/env bash
# What `make test` runs: install and start the real services, then lint, checks and the whole
# suite against them; stop what this script started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash scripts/install_services.sh
started=0
cleanup() { [ "$started" = 1 ] && bash scripts/services.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
started=1
echo "== services"
bash scripts/services.sh start

export DJANGO_SETTINGS_MODULE=config.settings.test
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== django checks"
$PY manage.py check --fail-level WARNING
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "makemigrations --check: model changes without a migration" >&2; exit 1; }
echo "== pytest"
set +e
$PY -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "pytest collected no tests: that is a failure here, not a pass" >&2
  exit 1
fi
exit "$rc"
