#!/usr/bin/env bash
# What `make test` runs: install and start the real services, then lint, checks and the whole
# suite against them; stop what this script started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash scripts/install_services.sh
# Stop, at the end, only what this run started (a developer's running services stay up).
started=()
cleanup() { [ ${#started[@]} -gt 0 ] && bash scripts/services.sh stop "${started[@]}" >/dev/null 2>&1 || true; }
trap cleanup EXIT
echo "== services"
for service in postgres redis elasticsearch; do
  bash scripts/services.sh up "$service" || started+=("$service")
  bash scripts/services.sh start "$service"
done

export DJANGO_SETTINGS_MODULE=config.settings.test
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== django checks"
$PY manage.py check --fail-level WARNING
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "makemigrations --check: model changes without a migration" >&2; exit 1; }
echo "== pytest"
set +e
if [ $# -gt 0 ]; then
  $PY -m pytest "$@"
  rc=$?
else
  # The fault-injection tests of the search outbox kill their own database session and take the
  # broker away; late in one long process (after the services and browser tests) they fail on a
  # state something leaves behind, not yet understood (docs/decisions/0008-working-through-faults.md,
  # "Known issue"), so they get a process of their own, first.
  $PY -m pytest tests/search/test_pending_and_drain.py
  rc_faults=$?
  $PY -m pytest --ignore=tests/search/test_pending_and_drain.py
  rc=$?
  if [ "$rc" = 0 ] && [ "$rc_faults" != 0 ]; then rc=$rc_faults; fi
fi
set -e
if [ "$rc" = 5 ]; then
  echo "pytest collected no tests: that is a failure here, not a pass" >&2
  exit 1
fi
exit "$rc"
