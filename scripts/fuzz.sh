#!/usr/bin/env bash
# make fuzz: schemathesis over the public API's OpenAPI schema (issue 16).
#
# A fresh PostgreSQL database (FUZZ_DATABASE_URL, default kntc_fuzz on the services'
# PostgreSQL), migrated, with two authorities; the product served by Django's
# server on 127.0.0.1:$FUZZ_PORT with the public rate limits raised (one client sends everything);
# schemathesis runs every phase — examples, coverage, fuzzing and the stateful phase, which follows
# the schema's links: file a case, then read, supplement and withdraw it with the reference and
# key of the receipt. Fails on any 5xx response or on fewer than FUZZ_MIN_REQUESTS requests,
# counted from the server's own access log.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${FUZZ_PORT:-8716}
EXAMPLES=${FUZZ_MAX_EXAMPLES:-400}
MIN_REQUESTS=${FUZZ_MIN_REQUESTS:-5000}
OUT=${FUZZ_OUT:-var/fuzz}
export DJANGO_SETTINGS_MODULE=config.settings.test
export DATABASE_URL=${FUZZ_DATABASE_URL:-postgres://kntc:kntc@127.0.0.1:54329/kntc_fuzz}
export CACHE_URL=${FUZZ_CACHE_URL:-redis://127.0.0.1:6389/40}
export CELERY_BROKER_URL=${FUZZ_BROKER_URL:-redis://127.0.0.1:6389/41}
export CELERY_RESULT_BACKEND=${FUZZ_RESULT_BACKEND:-redis://127.0.0.1:6389/42}
export CELERY_TASK_ALWAYS_EAGER=true
export PUBLIC_RATE_LIMIT_SUBMIT=1000000/h PUBLIC_RATE_LIMIT_TRACK=1000000/h PUBLIC_RATE_LIMIT_UPLOAD=1000000/h
export PRIVATE_STORAGE_ROOT="$PWD/$OUT/private"
mkdir -p "$OUT"

"$PY" - <<'PYEOF'
import os
import psycopg
from urllib.parse import urlparse

url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PYEOF
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py import_holidays cases/data/holidays_vn_2025_2027.csv > /dev/null
"$PY" manage.py shell -c '
from cases.models import Authority
city, _ = Authority.objects.get_or_create(code="HN", defaults={"name_vi": "UBND Thành phố Hà Nội", "level": "provincial"})
Authority.objects.get_or_create(code="HN-SXD", defaults={"name_vi": "Sở Xây dựng Hà Nội", "level": "department", "parent": city})
'

LOG="$OUT/server.log"
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "fuzz: something already listens on 127.0.0.1:$PORT; set FUZZ_PORT" >&2
  exit 1
fi
"$PY" manage.py runserver --noreload --nothreading "127.0.0.1:$PORT" > "$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break
  sleep 1
done

set +e
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/schema/" \
  --phases examples,coverage,fuzzing,stateful \
  --checks not_a_server_error \
  --max-examples "$EXAMPLES" \
  --request-timeout 30 \
  --seed "${FUZZ_SEED:-16}" --generation-database none \
  --report junit --report-dir "$OUT" \
  --suppress-health-check all
ST=$?
set -e
kill $SERVER 2>/dev/null || true
wait $SERVER 2>/dev/null || true

REQUESTS=$(grep -cE '"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) [^"]*" [0-9]{3} ' "$LOG" || true)
ERRORS=$(grep -cE '"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) [^"]*" 5[0-9]{2} ' "$LOG" || true)
echo "fuzz: $REQUESTS requests served, $ERRORS server errors (schemathesis exit $ST; log $LOG)"
if [ "$ERRORS" -ne 0 ] || [ "$ST" -ne 0 ]; then
  grep -E '" 5[0-9]{2} ' "$LOG" | head -20
  exit 1
fi
if [ "$REQUESTS" -lt "$MIN_REQUESTS" ]; then
  echo "fuzz: fewer than $MIN_REQUESTS requests; raise FUZZ_MAX_EXAMPLES" >&2
  exit 1
fi
