#!/usr/bin/env bash
# Start, stop or check the real services the tests use, all on 127.0.0.1:
#   PostgreSQL :54329, Redis :6389, Elasticsearch :9209.
# usage: scripts/services.sh start|stop|status|up [postgres] [redis] [elasticsearch]   (up: exit 0 if running)
# `start replica` / `stop replica` (never part of the default set; `make bench` uses it): a streaming
# replica of that PostgreSQL on :54330 (KNTC_PG_REPLICA_PORT), a fresh pg_basebackup -R of the whole
# cluster under $KNTC_SERVICES_DIR/pg-replica with a replication slot on the primary; `stop replica`
# stops it, removes its data and drops the slot (a slot left behind would keep WAL on the primary).
# Data lives under $KNTC_SERVICES_DIR (default /tmp/kntc-services), outside the checkout, so the
# non-root users PostgreSQL and Elasticsearch run as can reach it wherever the clone is.
# Another set of services (scripts/faults.sh) runs beside these with its own KNTC_SERVICES_DIR and
# KNTC_PG_PORT, KNTC_REDIS_PORT, KNTC_ES_PORT, KNTC_ES_TRANSPORT_PORT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# shellcheck disable=SC1091
source "$root/config/versions.env"

RUN_DIR="${KNTC_SERVICES_DIR:-/tmp/kntc-services}"
PG_PORT="${KNTC_PG_PORT:-54329}"
PG_REPLICA_PORT="${KNTC_PG_REPLICA_PORT:-54330}"
PG_REPLICA_SLOT="${KNTC_PG_REPLICA_SLOT:-kntc_replica}"
REDIS_PORT="${KNTC_REDIS_PORT:-6389}"
ES_PORT="${KNTC_ES_PORT:-9209}"
ES_TRANSPORT_PORT="${KNTC_ES_TRANSPORT_PORT:-9309}"
ES_USER="${KNTC_ES_USER:-kntc-es}"
ES_HOME="$RUN_DIR/elasticsearch-$ELASTICSEARCH_VERSION"
ES_ZIP="${KNTC_ES_ZIP:-$root/.cache/elasticsearch-$ELASTICSEARCH_VERSION.zip}"
ES_HEAP="${KNTC_ES_HEAP:-512m}"

die() { echo "services.sh: $*" >&2; exit 1; }
pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || die "PostgreSQL is not installed (run scripts/install_services.sh)"
  echo "$d"
}
java_home() {
  # Elasticsearch 8.19 runs on Java 17+; prefer the newest JDK on the machine.
  local j
  for j in "${ES_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-17-openjdk-amd64; do
    [ -n "$j" ] && [ -x "$j/bin/java" ] && { echo "$j"; return; }
  done
  die "no Java 17+ found for Elasticsearch"
}
wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq "$secs"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  die "$name did not become ready in ${secs}s"
}

start_postgres() {
  local bin; bin=$(pg_bin)
  local data="$RUN_DIR/pg"
  mkdir -p "$RUN_DIR"; chmod 755 "$RUN_DIR"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown postgres:postgres "$data"; chmod 700 "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB -c wal_level=replica -c max_wal_senders=10 -c max_replication_slots=10" >/dev/null \
      || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL failed to start"; }
  fi
  wait_for PostgreSQL 30 "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='kntc'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE kntc LOGIN SUPERUSER PASSWORD 'kntc'"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kntc'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE kntc OWNER kntc"
  echo "postgres: $(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc 'SHOW server_version') on 127.0.0.1:$PG_PORT"
}
stop_postgres() {
  local bin; bin=$(pg_bin)
  [ -d "$RUN_DIR/pg" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$RUN_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
  echo "postgres: stopped"
}

# The replica: what a streaming standby needs from the primary is wal_level=replica (or logical), a
# free WAL sender and a "replication" line in pg_hba.conf for 127.0.0.1 (initdb writes one, trust).
pg_primary() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtAX "$@"; }
start_replica() {
  local bin; bin=$(pg_bin)
  local data="$RUN_DIR/pg-replica"
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "the primary is not running on :$PG_PORT (start postgres first)"
  if runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "postgres replica: already running on 127.0.0.1:$PG_REPLICA_PORT"; return
  fi
  case "$(pg_primary -c 'SHOW wal_level')" in
    replica|logical) ;;
    *) die "the primary on :$PG_PORT has wal_level=$(pg_primary -c 'SHOW wal_level'): a replica needs wal_level=replica (restart it with scripts/services.sh, which sets it)" ;;
  esac
  pg_primary -c "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type = 'host'" | grep -q 1 \
    || die "the primary's pg_hba.conf has no host line for replication"
  local size; size=$(pg_primary -c "SELECT pg_size_pretty(sum(pg_database_size(datname))) FROM pg_database")
  echo "postgres replica: pg_basebackup of the whole cluster on :$PG_PORT ($size) into $data"
  rm -rf "$data"; mkdir -p "$data"; chown postgres:postgres "$data"; chmod 700 "$data"
  pg_primary -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$PG_REPLICA_SLOT' AND NOT active" >/dev/null
  local t0=$SECONDS
  runuser -u postgres -- "$bin/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$data" \
    -R -X stream -C -S "$PG_REPLICA_SLOT" -c fast >"$RUN_DIR/pg-replica-basebackup.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/pg-replica-basebackup.log" >&2; die "pg_basebackup failed"; }
  echo "postgres replica: base backup in $((SECONDS - t0)) s"
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 120 start \
    -o "-h 127.0.0.1 -p $PG_REPLICA_PORT -k /tmp -c hot_standby=on -c hot_standby_feedback=on -c cluster_name=kntc_replica -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB" >/dev/null \
    || { tail -n 20 "$data/server.log" >&2; die "the replica failed to start"; }
  wait_for "PostgreSQL replica" 60 "$bin/pg_isready" -h 127.0.0.1 -p "$PG_REPLICA_PORT"
  [ "$(psql -h 127.0.0.1 -p "$PG_REPLICA_PORT" -U postgres -qtAX -c 'SELECT pg_is_in_recovery()')" = t ] \
    || die "the server on :$PG_REPLICA_PORT is not a standby"
  echo "postgres replica: $(psql -h 127.0.0.1 -p "$PG_REPLICA_PORT" -U postgres -qtAX -c 'SHOW server_version') on 127.0.0.1:$PG_REPLICA_PORT, streaming from :$PG_PORT (slot $PG_REPLICA_SLOT)"
}
stop_replica() {
  local bin; bin=$(pg_bin)
  local data="$RUN_DIR/pg-replica"
  [ -d "$data" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$data" "$RUN_DIR/pg-replica-basebackup.log"
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    pg_primary -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$PG_REPLICA_SLOT'" >/dev/null || true
  fi
  echo "postgres replica: stopped, data removed, slot $PG_REPLICA_SLOT dropped"
}

start_redis() {
  command -v redis-server >/dev/null || die "redis-server is not installed (run scripts/install_services.sh)"
  mkdir -p "$RUN_DIR/redis"
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$RUN_DIR/redis" \
      --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log" --save "" --appendonly no \
      --databases 64
  fi
  wait_for Redis 20 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  echo "redis: $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^redis_version://p') on 127.0.0.1:$REDIS_PORT"
}
stop_redis() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  echo "redis: stopped"
}

es_up() { curl -fs "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null; }
start_elasticsearch() {
  [ -f "$ES_ZIP" ] || die "Elasticsearch $ELASTICSEARCH_VERSION is not downloaded (run scripts/install_services.sh)"
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  mkdir -p "$RUN_DIR"; chmod 755 "$RUN_DIR"
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    rm -rf "$ES_HOME"
    (cd "$RUN_DIR" && unzip -q "$ES_ZIP")
    cat >> "$ES_HOME/config/elasticsearch.yml" <<YML
cluster.name: kntc-test
node.name: kntc-test-1
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
    chown -R "$ES_USER" "$ES_HOME"
  fi
  if ! es_up; then
    ES_JAVA_HOME="$(java_home)" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
      runuser -u "$ES_USER" -- "$ES_HOME/bin/elasticsearch" -d -p "$ES_HOME/es.pid" >"$RUN_DIR/es-start.log" 2>&1 \
      || { tail -n 30 "$RUN_DIR/es-start.log" >&2; tail -n 30 "$ES_HOME/logs/"*.log >&2 2>/dev/null; die "Elasticsearch failed to start"; }
  fi
  wait_for Elasticsearch 120 es_up || true
  es_up || { tail -n 30 "$ES_HOME/logs/kntc-test.log" >&2 2>/dev/null; die "Elasticsearch is not answering on :$ES_PORT"; }
  echo "elasticsearch: $(curl -fsS "http://127.0.0.1:$ES_PORT/_nodes/_local/http" | python3 -c 'import json,sys; print(next(iter(json.load(sys.stdin)["nodes"].values()))["version"])') on 127.0.0.1:$ES_PORT"
}
stop_elasticsearch() {
  # The pid file, else the process by its home (a start that lost a race removes the file on exit).
  local pids
  pids=$(cat "$ES_HOME/es.pid" 2>/dev/null || true)
  [ -n "$pids" ] || pids=$(pgrep -f -- "-Des.path.home=$ES_HOME" || true)
  for pid in $pids; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$ES_HOME/es.pid"
  echo "elasticsearch: stopped"
}

is_up() {
  case "$1" in
    postgres) pg_isready -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1 ;;
    replica) pg_isready -h 127.0.0.1 -p "$PG_REPLICA_PORT" >/dev/null 2>&1 ;;
    redis) redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 ;;
    elasticsearch) es_up ;;
    *) die "unknown service $1" ;;
  esac
}

status() {
  local ok=0
  pg_isready -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1 && echo "postgres: up" || { echo "postgres: DOWN"; ok=1; }
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && echo "redis: up" || { echo "redis: DOWN"; ok=1; }
  es_up && echo "elasticsearch: up" || { echo "elasticsearch: DOWN"; ok=1; }
  return $ok
}

action="${1:-}"; shift || true
services=("$@"); [ ${#services[@]} -gt 0 ] || services=(postgres redis elasticsearch)
case "$action" in
  start) for s in "${services[@]}"; do "start_$s"; done ;;
  stop) for s in "${services[@]}"; do "stop_$s"; done ;;
  status) status ;;
  up) for s in "${services[@]}"; do is_up "$s" || exit 1; done ;;
  *) die "usage: $0 start|stop|status|up [postgres] [redis] [elasticsearch] [replica]" ;;
esac
