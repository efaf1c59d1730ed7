#!/usr/bin/env bash
# What `make bench` runs: benchmarks at national scale against the real services of `make test`.
#
#   make bench                      # 100,000 and 1,000,000 cases -> bench/results/latest.{json,md,png}
#   BENCH_SCALE=small make bench    # 20,000 cases, shorter runs  -> var/bench/results-small/
#   BENCH_SCALES="1m:1000000" make bench   # any label:count list (one database per label)
#   BENCH_SECTIONS=storage,search make bench   # only some sections (see bench/run.py)
#   BENCH_REPLICA=0 make bench      # without the streaming replica (section "replica" is skipped)
#
# The section "replica" runs after every other section of every scale: a streaming replica of the
# PostgreSQL primary (scripts/services.sh start replica: pg_basebackup -R of the WHOLE cluster, every
# bench database included, into $KNTC_SERVICES_DIR/pg-replica on 127.0.0.1:54330) is started then,
# measured against, and stopped and removed at the end.
#
# One PostgreSQL database per scale (kntc_bench_<label>), created and migrated when missing; cases
# are generated (manage.py generate_cases, via bench/prepare.py) only when the database holds fewer
# than asked, so a rerun goes straight to the measurements. Services that were not running are
# started and, at the end, stopped again; services that were already up are left alone.
# Everything listens on and is driven over 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
PG_PORT="${KNTC_PG_PORT:-54329}"
REDIS_PORT="${KNTC_REDIS_PORT:-6389}"
ES_PORT="${KNTC_ES_PORT:-9209}"
SCALE="${BENCH_SCALE:-full}"

# Sweeps of 10,000+ due cases and the index rebuild stop after a cap and report the rate they had and
# the time the whole job would take at that rate (marked "capped" / "projected" in the report).
case "$SCALE" in
  full)
    SCALES="${BENCH_SCALES:-100k:100000 1m:1000000}"
    RUN_ARGS=(--runs 3 --seconds 15 --query-runs 30 --profile-requests 100 --sweep-runs 3
      --sweep-cap-seconds "${BENCH_SWEEP_CAP:-180}" --rebuild-cap-seconds "${BENCH_REBUILD_CAP:-420}")
    OUT_DIR="${BENCH_RESULTS_DIR:-bench/results}"
    ;;
  small)
    SCALES="${BENCH_SCALES:-small:20000}"
    RUN_ARGS=(--runs 2 --seconds 8 --query-runs 10 --profile-requests 30 --sweep-runs 2
      --sweep-cap-seconds 60 --rebuild-cap-seconds 300)
    OUT_DIR="${BENCH_RESULTS_DIR:-var/bench/results-small}"
    ;;
  *) echo "bench.sh: BENCH_SCALE must be full or small" >&2; exit 2 ;;
esac
export BENCH_RESULTS_DIR="$OUT_DIR"

echo "== bench dependencies"
$PY -m pip install -q -r bench/requirements.txt
if ! command -v wrk >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
fi
bash scripts/install_services.sh

echo "== services"
# "Already running" must never be mistaken for "down" (on a busy machine a probe can time out): a
# service counts as running if its process is alive or it answers, tried for up to 15 seconds; only
# a service this script really had to start is stopped at the end.
RUN_DIR="${KNTC_SERVICES_DIR:-/tmp/kntc-services}"
pid_alive() { [ -s "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }
postgres_up() {
  pid_alive "$RUN_DIR/pg/postmaster.pid" || pg_isready -q -t 5 -h 127.0.0.1 -p "$PG_PORT"
}
redis_up() {
  pid_alive "$RUN_DIR/redis.pid" || redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
}
elasticsearch_up() {
  local pidfile
  for pidfile in "$RUN_DIR"/elasticsearch-*/es.pid; do pid_alive "$pidfile" && return 0; done
  [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ES_PORT/_cluster/health" || true)" != 000 ]
}
running() { local _; for _ in 1 2 3; do "${1}_up" && return 0; sleep 5; done; return 1; }
started=()
replica_started=0
cleanup() {
  if [ "$replica_started" = 1 ]; then
    echo "== stopping the replica this run started"
    bash scripts/services.sh stop replica || true
  fi
  if [ ${#started[@]} -gt 0 ]; then
    echo "== stopping what this run started: ${started[*]}"
    bash scripts/services.sh stop "${started[@]}" || true
  fi
}
trap cleanup EXIT
for s in postgres redis elasticsearch; do
  if running "$s"; then
    echo "$s: already running (left running)"
  else
    bash scripts/services.sh start "$s"
    started+=("$s")
  fi
done

export DJANGO_SETTINGS_MODULE=config.settings.bench
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtA)
mkdir -p var/bench "$OUT_DIR"
SECTIONS="${BENCH_SECTIONS:-storage,http,profiles,search,caselist,pages,sweep,reports,extras,replica}"
# The replica's section apart: it runs once every other section of every scale is done.
want_replica=0
case ",$SECTIONS," in *,replica,*) want_replica=1 ;; esac
OTHER_SECTIONS=$(echo "$SECTIONS" | tr ',' '\n' | grep -vx replica | paste -sd, - || true)
raws=()
for spec in $SCALES; do
  label=${spec%%:*}
  count=${spec#*:}
  db="kntc_bench_$label"
  export BENCH_DATABASE_URL="postgres://kntc:kntc@127.0.0.1:$PG_PORT/$db"
  export ELASTICSEARCH_INDEX_PREFIX="kntc-bench-$label"
  echo "== scale $label: $count cases in $db"
  fresh=0
  if [ -z "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    "${PSQL[@]}" -c "CREATE DATABASE $db OWNER kntc"
    fresh=1
  fi
  $PY manage.py migrate --noinput -v 0
  if [ "$fresh" = 1 ] || [ "$("${PSQL[@]}" -d "$db" -c 'SELECT count(*) FROM cases_holiday')" = 0 ]; then
    $PY manage.py import_holidays cases/data/holidays_vn_2025_2027.csv >/dev/null
  fi
  $PY bench/prepare.py --cases "$count"
  # N cases due for the sweep: up to 100,000 among 1,000,000 (at most a tenth of the cases).
  due=1000
  [ "$count" -ge 100000 ] && due=1000,10000
  [ "$count" -ge 1000000 ] && due=1000,10000,100000
  # The replica's pass below adds its section to this scale's file (--merge): start it fresh.
  [ "$want_replica" = 1 ] && rm -f "var/bench/raw-$label.json"
  if [ -n "$OTHER_SECTIONS" ]; then
    $PY bench/run.py --label "$label" --out "var/bench/raw-$label.json" "${RUN_ARGS[@]}" --sweep-due "$due" \
      --sections "$OTHER_SECTIONS"
  fi
  raws+=("var/bench/raw-$label.json")
done

if [ "$want_replica" = 1 ] && [ "${BENCH_REPLICA:-1}" = 0 ]; then
  echo "== replica: skipped (BENCH_REPLICA=0): no streaming replica, the section records why"
elif [ "$want_replica" = 1 ]; then
  echo "== replica: a streaming replica of the primary on 127.0.0.1:${KNTC_PG_REPLICA_PORT:-54330}"
  echo "   (pg_basebackup copies the whole cluster on :$PG_PORT, every bench database included; BENCH_REPLICA=0 skips this)"
  if ! bash scripts/services.sh up replica; then
    replica_started=1
    bash scripts/services.sh start replica
  else
    echo "replica: already running (left running)"
  fi
fi
if [ "$want_replica" = 1 ]; then
  for spec in $SCALES; do
    label=${spec%%:*}
    db="kntc_bench_$label"
    export BENCH_DATABASE_URL="postgres://kntc:kntc@127.0.0.1:$PG_PORT/$db"
    export ELASTICSEARCH_INDEX_PREFIX="kntc-bench-$label"
    if [ "${BENCH_REPLICA:-1}" != 0 ]; then
      export BENCH_REPLICA_DATABASE_URL="postgres://kntc:kntc@127.0.0.1:${KNTC_PG_REPLICA_PORT:-54330}/$db"
    fi
    echo "== scale $label: the dashboard on the primary and on the replica"
    $PY bench/run.py --label "$label" --out "var/bench/raw-$label.json" "${RUN_ARGS[@]}" --merge \
      --sections replica
  done
  unset BENCH_REPLICA_DATABASE_URL
fi

echo "== report"
$PY bench/report.py --out-dir "$OUT_DIR" "${raws[@]}"
