"""One scale of ``make bench``: every measurement against one bench database, results as JSON.

    DJANGO_SETTINGS_MODULE=config.settings.bench BENCH_DATABASE_URL=postgres://.../kntc_bench_1m \\
    ELASTICSEARCH_INDEX_PREFIX=kntc-bench-1m .venv/bin/python bench/run.py --label 1m \\
    --out var/bench/raw-1m.json

scripts/bench.sh runs it once per scale (after bench/prepare.py has generated the cases) and then
bench/report.py, which turns the raw files into bench/results/latest.{json,md,png}.

Sections, in this order (a failing section is recorded as an error, the others still run):
  storage   bytes and rows per case of the case, its history, parties, events and deadlines
  intake    POST /api/v1/cases/ under wrk against gunicorn (2 sync workers), and the bare-insert view,
            alternated run by run so each run gives a ratio measured under the same conditions
  tracking  GET /api/v1/cases/{reference}/ with X-Access-Key, same server and load
  profiles  cProfile top functions and SQL queries per request (intake, tracking, bare)
  search    `manage.py search_index rebuild` (Elasticsearch) timed, then stalled-case queries and
            the backlog aggregation through both backends (search.backends.get_backend)
  caselist  the inspector workspace's case list (/admin/cases/) on the whole province
  pages     every workspace list preset, case pages, the role home pages and the oversight
            dashboard's tabs, as a head of the province and as a commune inspector
  sweep     cases.escalation.escalation_sweep with exactly N cases due, inside a rolled-back transaction
  reports   the yearly periodic report of the whole province (cases.reports): computed, rendered as
            the printable page and as XLSX, with one visit of the reception register per 25 cases
            added inside a rolled-back transaction
  extras    the deadline engine (bench/bench_deadlines.py) and the generation rate (bench_meta)
  replica   the oversight dashboard (backlog aggregation, overview page) on the primary and on the
            streaming replica, idle and under wrk's intake load on the primary, with the replication
            lag (bench/bench_replica.py; scripts/bench.sh starts the replica, BENCH_REPLICA=0 skips it)
Loopback only: every request goes to 127.0.0.1."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import signals  # noqa: E402
from django.db import (  # noqa: E402
    connection,
    reset_queries,
    transaction,
)
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.bare import TABLE_SQL  # noqa: E402

# Django empties the query log when a request starts; the statement counts below are read right
# after each captured request, and the log is emptied by hand before one.
signals.request_started.disconnect(reset_queries)

PY = sys.executable
VAR = ROOT / "var" / "bench"
PROFILES = ROOT / os.environ.get("BENCH_RESULTS_DIR", "bench/results") / "profiles"
GEN_PREFIX = "BEN"
HISTORY_TABLES = [
    ("cases_case", "case"),
    ("cases_historicalcase", "case history"),
    ("cases_caseevent", "events"),
    ("cases_party", "parties"),
    ("cases_historicalparty", "party history"),
    ("cases_deadline", "deadlines"),
    ("cases_historicaldeadline", "deadline history"),
]


# ------------------------------------------------------------------------------ helpers


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank on the sorted values (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values_ms: list[float]) -> dict:
    return {
        "n": len(values_ms),
        "p50_ms": round(statistics.median(values_ms), 2),
        "p95_ms": round(percentile(values_ms, 95), 2),
        "mean_ms": round(statistics.fmean(values_ms), 2),
        "max_ms": round(max(values_ms), 2),
    }


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def sql_one(sql: str, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchone()


def case_count() -> int:
    return sql_one("SELECT count(*) FROM cases_case")[0]


def timed_section(name: str, func, results: dict, *args, **kwargs) -> None:
    log(f"== {name}")
    started = time.perf_counter()
    before = loadavg()
    try:
        results[name] = func(*args, **kwargs)
    except Exception as exc:  # one failing section must not lose the others
        traceback.print_exc()
        results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    results[name]["section_seconds"] = round(time.perf_counter() - started, 1)
    results[name]["loadavg_before"] = before
    results[name]["loadavg_after"] = loadavg()
    log(f"   {name} done in {results[name]['section_seconds']} s")


# ------------------------------------------------------------------------------ machine


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    pg = sql_one("SHOW server_version")[0]
    es = redis_v = None
    with contextlib.suppress(Exception):
        from search.backends.elasticsearch import get_client

        nodes = get_client().nodes.info(node_id="_local", metric="http")["nodes"]
        es = next(iter(nodes.values()))["version"]
    with contextlib.suppress(Exception):
        import redis

        redis_v = redis.Redis.from_url(settings.CELERY_BROKER_URL).info("server")["redis_version"]
    pg_settings = {}
    for name in ("shared_buffers", "fsync", "synchronous_commit", "max_connections"):
        pg_settings[name] = sql_one(f"SHOW {name}")[0]
    git = {}
    with contextlib.suppress(Exception):  # read-only: which code was measured
        git["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.split("\n")
        git["uncommitted_changes"] = [line[3:] for line in changed if line.strip()]
    return {
        "git": git,
        "hostname": socket.gethostname(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "postgresql_settings": pg_settings,
        "elasticsearch": es,
        "redis": redis_v,
        "wrk": shutil.which("wrk") is not None,
        "loadavg": loadavg(),
    }


# ------------------------------------------------------------------------------ storage


def storage() -> dict:
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    cases = case_count()
    tables = {}
    total_bytes = total_rows = 0
    for table, label in HISTORY_TABLES:
        size, heap, idx = sql_one(
            "SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_indexes_size(%s)",
            [table, table, table],
        )
        rows = sql_one(f"SELECT count(*) FROM {table}")[0]  # noqa: S608 - fixed table names
        tables[table] = {
            "label": label,
            "rows": rows,
            "rows_per_case": round(rows / cases, 2),
            "bytes": size,
            "heap_bytes": heap,
            "index_bytes": idx,
            "bytes_per_case": round(size / cases),
        }
        total_bytes += size
        total_rows += rows
    return {
        "cases": cases,
        "tables": tables,
        "total_bytes": total_bytes,
        "bytes_per_case": round(total_bytes / cases),
        "rows_per_case": round(total_rows / cases, 2),
        "database_bytes": sql_one("SELECT pg_database_size(current_database())")[0],
        "note": "pg_total_relation_size (heap + TOAST + indexes) after ANALYZE, divided by all cases in the "
        "database (generated ones and those the intake runs added).",
    }


# ------------------------------------------------------------------------------ HTTP load (gunicorn + wrk)


def free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def proc_cpu_seconds(pids: list[int]) -> float:
    """user + system CPU seconds consumed so far by these processes (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def db_backend_pids() -> list[int]:
    """PostgreSQL server processes serving other sessions on the bench database (the workers')."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [r[0] for r in cur.fetchall()]


class Gunicorn:
    def __init__(self, port: int, workers: int = 2):
        self.port = port
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        VAR.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.bench")
        self.log = open(VAR / "gunicorn.log", "ab")
        self.proc = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {VAR / 'gunicorn.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1."):
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in 60 s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_status":%d,"errors_connect":%d,' ..
    '"errors_read":%d,"errors_write":%d,"errors_timeout":%d,"lat_mean_us":%.1f,"lat_stdev_us":%.1f,' ..
    '"lat_p50_us":%d,"lat_p90_us":%d,"lat_p95_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def intake_lua(path: str, authorities: list[str], known_on: str) -> str:
    """A complaint with one complainant (identity, phone and e-mail: the outbox gets an e-mail and an
    SMS row), a fresh 12-digit ID number each time (so duplicate detection reads, but seldom matches)."""
    auths = ",".join(f'"{a}"' for a in authorities)
    return (
        f"""
local authorities = {{{auths}}}
local counter = 0
init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
  counter = counter + 1
  local nid = string.format("0%02d%09d", math.random(1, 96), math.random(0, 999999999))
  local phone = string.format("09%08d", math.random(0, 99999999))
  local n = math.random(1, 999)
  local body = string.format(
    '{{"kind":"complaint","subject":"Khiếu nại quyết định thu hồi đất số %d/QĐ-UBND",' ..
    '"description":"Tôi không đồng ý với mức bồi thường khi thu hồi đất tại thửa số %d, tờ bản đồ số 7.",' ..
    '"contested_act":"Quyết định %d/QĐ-UBND của UBND phường","contested_act_known_on":"{known_on}",' ..
    '"authority":"%s","accused_name":"UBND phường",' ..
    '"parties":[{{"full_name":"Trần Thị Bình","national_id":"%s",' ..
    '"address":"12 Hàng Bạc, Hoàn Kiếm, Hà Nội",' ..
    '"phone":"%s","email":"nguoidan%d@example.vn"}}],' ..
    '"declaration":true,"signature":"Trần Thị Bình","consent":true}}',
    n, n, n, authorities[math.random(#authorities)], nid, phone, n)
  local headers = {{["Content-Type"] = "application/json", ["Accept-Language"] = "vi"}}
  return wrk.format("POST", "{path}", headers, body)
end
"""
        + LUA_DONE
    )


def tracking_lua(pairs: list[tuple[str, str]]) -> str:
    refs = ",".join(f'"{r}"' for r, _k in pairs)
    keys = ",".join(f'"{k}"' for _r, k in pairs)
    return (
        f"""
local refs = {{{refs}}}
local keys = {{{keys}}}
init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
  local i = math.random(#refs)
  return wrk.format("GET", "/api/v1/cases/" .. refs[i] .. "/", {{["X-Access-Key"] = keys[i]}}, nil)
end
"""
        + LUA_DONE
    )


def wrk(port: int, script: Path, seconds: int, connections: int) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {out[-2000:]}")
    raw = json.loads(line[len("BENCHJSON ") :])
    secs = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in raw if k.startswith("errors_"))
    return {
        "requests": raw["requests"],
        "seconds": round(secs, 2),
        "per_second": round(raw["requests"] / secs, 1),
        "ok_per_second": round((raw["requests"] - raw["errors_status"]) / secs, 1),
        "p50_ms": round(raw["lat_p50_us"] / 1000, 2),
        "p90_ms": round(raw["lat_p90_us"] / 1000, 2),
        "p95_ms": round(raw["lat_p95_us"] / 1000, 2),
        "p99_ms": round(raw["lat_p99_us"] / 1000, 2),
        "mean_ms": round(raw["lat_mean_us"] / 1000, 2),
        "max_ms": round(raw["lat_max_us"] / 1000, 2),
        "errors": errors,
        "errors_detail": {k: raw[k] for k in raw if k.startswith("errors_") and raw[k]},
        "connections": connections,
    }


def median_of(runs: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 2)


def flush_broker() -> int:
    """Drop the tasks the intake queued (no worker runs during the bench). Only the bench's own
    Redis database (BENCH_REDIS_DB) is touched."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    n = client.dbsize()
    client.flushdb()
    return n


def tracking_pairs(count: int, seed: int) -> list[tuple[str, str]]:
    """Known access keys on ``count`` generated cases picked at random (the generator stores a hash
    no key matches): the key hashes are written with one UPDATE; history is not needed here."""
    from cases.references import hash_access_key, new_access_key

    rng = random.Random(seed)
    lo, hi = sql_one("SELECT min(id), max(id) FROM cases_case WHERE reference LIKE %s", [GEN_PREFIX + "-%"])
    ids = sorted({rng.randint(lo, hi) for _ in range(count * 2)})
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, reference FROM cases_case WHERE id = ANY(%s) AND reference LIKE %s",
            [ids, GEN_PREFIX + "-%"],
        )
        rows = cur.fetchall()[:count]
        pairs, updates = [], []
        for pk, reference in rows:
            key = new_access_key()
            pairs.append((reference, key))
            updates.append((hash_access_key(reference, key), pk))
        cur.executemany("UPDATE cases_case SET access_key_hash = %s WHERE id = %s", updates)
    return pairs


def http_load(args) -> dict:
    from cases.models import Authority

    with connection.cursor() as cur:
        cur.execute(TABLE_SQL)
        cur.execute("TRUNCATE bench_bare_intake")
    authorities = list(
        Authority.objects.filter(code__startswith="HN-").order_by("code").values_list("code", flat=True)
    )
    known_on = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    VAR.mkdir(parents=True, exist_ok=True)
    intake_script = VAR / "intake.lua"
    bare_script = VAR / "bare.lua"
    track_script = VAR / "tracking.lua"
    intake_script.write_text(intake_lua("/api/v1/cases/", authorities, known_on))
    bare_script.write_text(intake_lua("/bench/bare/", authorities, known_on))
    pairs = tracking_pairs(2000, seed=7)
    track_script.write_text(tracking_lua(pairs))
    flush_broker()
    cases_before = case_count()
    port = free_port(args.port)
    result: dict = {
        "server": "gunicorn config.wsgi, 2 sync workers, 127.0.0.1",
        "load": f"wrk 1 thread, {args.connections} connections, {args.seconds} s per run, closed loop",
        "runs": args.runs,
    }
    intake_runs, bare_runs, track_runs = [], [], []

    def measured(server: Gunicorn, script: Path) -> dict:
        """One wrk run, with the CPU time the two workers and their database sessions used, per
        request: a figure other load on a shared machine disturbs much less than wall time."""
        app_pids, db_pids = server.worker_pids(), db_backend_pids()
        app0, db0 = proc_cpu_seconds(app_pids), proc_cpu_seconds(db_pids)
        run = wrk(port, script, args.seconds, args.connections)
        app1, db1 = proc_cpu_seconds(app_pids), proc_cpu_seconds(db_pids)
        n = max(run["requests"], 1)
        run["cpu_ms_per_request_app"] = round((app1 - app0) / n * 1000, 2)
        run["cpu_ms_per_request_db"] = round((db1 - db0) / n * 1000, 2)
        run["cpu_ms_per_request"] = round(run["cpu_ms_per_request_app"] + run["cpu_ms_per_request_db"], 2)
        run["db_sessions"] = len(db_pids)
        return run

    with Gunicorn(port) as server:
        log(f"   gunicorn on 127.0.0.1:{port}; warm-up")
        for script in (intake_script, bare_script, track_script):
            wrk(port, script, 3, args.connections)
        for i in range(args.runs):
            intake_runs.append(measured(server, intake_script))
            bare_runs.append(measured(server, bare_script))
            ir, br = intake_runs[-1], bare_runs[-1]
            ir["ratio_throughput"] = round(br["ok_per_second"] / max(ir["ok_per_second"], 0.01), 2)
            ir["ratio_mean_latency"] = round(ir["mean_ms"] / max(br["mean_ms"], 0.01), 2)
            ir["ratio_cpu"] = round(ir["cpu_ms_per_request"] / max(br["cpu_ms_per_request"], 0.01), 2)
            log(
                f"   run {i + 1}: intake {ir['ok_per_second']}/s p50 {ir['p50_ms']} p95 {ir['p95_ms']} ms"
                f" | bare {br['ok_per_second']}/s p50 {br['p50_ms']} p95 {br['p95_ms']} ms"
                f" | cost ratio {ir['ratio_throughput']}; CPU ms/request {ir['cpu_ms_per_request']} vs "
                f"{br['cpu_ms_per_request']} (ratio {ir['ratio_cpu']})"
            )
        for i in range(args.runs):
            track_runs.append(measured(server, track_script))
            tr = track_runs[-1]
            log(f"   tracking run {i + 1}: {tr['ok_per_second']}/s p50 {tr['p50_ms']} p95 {tr['p95_ms']} ms")
    created = case_count() - cases_before
    queued = flush_broker()
    result["intake"] = {
        "runs": intake_runs,
        "cases_per_s": median_of(intake_runs, "ok_per_second"),
        "p50_ms": median_of(intake_runs, "p50_ms"),
        "p95_ms": median_of(intake_runs, "p95_ms"),
        "mean_ms": median_of(intake_runs, "mean_ms"),
        "errors": sum(r["errors"] for r in intake_runs),
        "cpu_ms_per_request": median_of(intake_runs, "cpu_ms_per_request"),
        "cpu_ms_per_request_app": median_of(intake_runs, "cpu_ms_per_request_app"),
        "cpu_ms_per_request_db": median_of(intake_runs, "cpu_ms_per_request_db"),
        "cases_created": created,
        "tasks_queued_to_redis": queued,
    }
    result["bare"] = {
        "runs": bare_runs,
        "per_s": median_of(bare_runs, "ok_per_second"),
        "p50_ms": median_of(bare_runs, "p50_ms"),
        "p95_ms": median_of(bare_runs, "p95_ms"),
        "mean_ms": median_of(bare_runs, "mean_ms"),
        "errors": sum(r["errors"] for r in bare_runs),
        "cpu_ms_per_request": median_of(bare_runs, "cpu_ms_per_request"),
        "cpu_ms_per_request_app": median_of(bare_runs, "cpu_ms_per_request_app"),
        "cpu_ms_per_request_db": median_of(bare_runs, "cpu_ms_per_request_db"),
    }
    result["ratio"] = {
        "definition": "cost per request = 1 / throughput at saturation (same load, same run): "
        "bare requests/s ÷ intake cases/s; median over the runs",
        "throughput": round(statistics.median(r["ratio_throughput"] for r in intake_runs), 2),
        "mean_latency": round(statistics.median(r["ratio_mean_latency"] for r in intake_runs), 2),
        "cpu": round(statistics.median(r["ratio_cpu"] for r in intake_runs), 2),
        "cpu_definition": "CPU seconds of the 2 gunicorn workers and of their PostgreSQL sessions "
        "(/proc utime+stime) per request, intake ÷ bare, median over the runs",
    }
    result["tracking"] = {
        "runs": track_runs,
        "per_s": median_of(track_runs, "ok_per_second"),
        "p50_ms": median_of(track_runs, "p50_ms"),
        "p95_ms": median_of(track_runs, "p95_ms"),
        "mean_ms": median_of(track_runs, "mean_ms"),
        "errors": sum(r["errors"] for r in track_runs),
        "cpu_ms_per_request": median_of(track_runs, "cpu_ms_per_request"),
        "cases_with_known_keys": len(pairs),
    }
    (VAR / "tracking_pairs.json").write_text(json.dumps(pairs[:200]))
    return result


# ------------------------------------------------------------------------------ in-process profiles


def write_profile(name: str, prof: cProfile.Profile, header: str, top: int = 25) -> str:
    PROFILES.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    buf.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    buf.write("\n--- this project's functions (cases, publicsite, notifications, search), cumulative ---\n")
    project = pstats.Stats(prof, stream=buf)  # not strip_dirs: the path tells the app
    project.sort_stats("cumulative").print_stats(rf"{ROOT}/(cases|publicsite|notifications|search)/", top)
    path = PROFILES / f"{name}.txt"
    text = header + "\n\n" + re.sub(r"\n{3,}", "\n\n", buf.getvalue())
    path.write_text(text)
    return str(path.relative_to(ROOT))


def profiles(args) -> dict:
    """cProfile of N requests through Django's test client (same view code, no network), and the
    SQL statements per request, for intake, tracking and the bare view."""
    from django.test import Client

    pairs = json.loads((VAR / "tracking_pairs.json").read_text())
    client = Client()
    n = args.profile_requests

    def body(i: int) -> str:
        return json.dumps(
            {
                "kind": "complaint",
                "subject": f"Khiếu nại quyết định thu hồi đất số {i}/QĐ-UBND",
                "description": f"Tôi không đồng ý với mức bồi thường khi thu hồi đất tại thửa số {i}.",
                "contested_act": f"Quyết định {i}/QĐ-UBND của UBND phường",
                "contested_act_known_on": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
                "authority": "HN-S03",
                "accused_name": "UBND phường",
                "parties": [
                    {
                        "full_name": "Trần Thị Bình",
                        "national_id": f"0{random.randint(10, 96)}{random.randint(0, 999999999):09d}",
                        "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
                        "phone": f"09{random.randint(0, 99999999):08d}",
                        "email": f"nguoidan{i}@example.vn",
                    }
                ],
                "declaration": True,
                "signature": "Trần Thị Bình",
                "consent": True,
            },
            ensure_ascii=False,
        )

    out = {}
    targets = {
        "intake": lambda i: client.post("/api/v1/cases/", body(i), content_type="application/json"),
        "bare": lambda i: client.post("/bench/bare/", body(i), content_type="application/json"),
        "tracking": lambda i: client.get(
            f"/api/v1/cases/{pairs[i % len(pairs)][0]}/", HTTP_X_ACCESS_KEY=pairs[i % len(pairs)][1]
        ),
    }
    for name, call in targets.items():
        for i in range(5):
            call(i)  # warm-up
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            r = call(99)
        assert r.status_code in (200, 201), (name, r.status_code, r.content[:300])
        queries = len(ctx.captured_queries)
        statements = [q["sql"].split(" ")[0] + " " + _table_of(q["sql"]) for q in ctx.captured_queries]
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for i in range(n):
            call(1000 + i)
        prof.disable()
        per_request_ms = (time.perf_counter() - t0) / n * 1000
        path = write_profile(
            f"{name}-{args.label}",
            prof,
            f"{name}: {n} requests through django.test.Client on {case_count():,} cases; "
            f"{queries} SQL statements per request; {per_request_ms:.1f} ms per request under cProfile",
        )
        out[name] = {
            "sql_per_request": queries,
            "ms_per_request_under_cprofile": round(per_request_ms, 1),
            "profile": path,
        }
        if name != "bare":
            out[name]["sql_statements"] = statements
    flush_broker()
    return out


def _table_of(sql: str) -> str:
    m = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', sql)
    return m.group(1) if m else ""


# ------------------------------------------------------------------------------ search


def search(args) -> dict:
    from search.backends import get_backend
    from search.criteria import StalledCriteria
    from search.finder import find_stalled_rows
    from search.timeutil import working_calendar

    out: dict = {}
    cases = case_count()
    # 1. Rebuild the Elasticsearch index with the management command, sampled by py-spy when it can.
    cmd = [PY, "manage.py", "search_index", "rebuild", "--backend", "elasticsearch", "--json"]
    spy = str(Path(PY).parent / "py-spy")
    profile_raw = VAR / f"rebuild-{args.label}.pyspy.txt"
    use_spy = args.pyspy and Path(spy).exists()
    if use_spy:
        cmd = [spy, "record", "--nonblocking", "-r", "20", "-f", "raw", "-o", str(profile_raw), "--", *cmd]
    log(f"   rebuilding the Elasticsearch index of {cases:,} cases (cap {args.rebuild_cap_seconds or '-'} s)")
    from search.backends.elasticsearch import get_client

    es_client = get_client()
    alias = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-cases"
    before = set(es_client.indices.get(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True))
    progress: list[tuple[float, int]] = []  # (seconds, documents bulk-indexed into the new index)
    stdout_path, stderr_path = VAR / "rebuild.out", VAR / "rebuild.err"
    with open(stdout_path, "w") as so, open(stderr_path, "w") as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=so, stderr=se, start_new_session=True)
        capped = False
        while proc.poll() is None:
            time.sleep(2)
            elapsed = time.perf_counter() - t0
            with contextlib.suppress(Exception):
                names = set(es_client.indices.get(index=f"{alias}-*", ignore_unavailable=True)) - before
                if names:
                    stats = es_client.indices.stats(index=",".join(names), metric="indexing")
                    progress.append((elapsed, stats["_all"]["primaries"]["indexing"]["index_total"]))
            if args.rebuild_cap_seconds and elapsed > args.rebuild_cap_seconds:
                capped = True
                os.killpg(proc.pid, signal.SIGINT)  # the command deletes its half-built index
                proc.wait(120)
                break
        seconds = time.perf_counter() - t0
    stdout, stderr = stdout_path.read_text(), stderr_path.read_text()
    if not capped and proc.returncode != 0:
        raise RuntimeError(f"search_index rebuild failed: {stderr[-3000:]}")
    match = re.search(r'"documents":\s*(\d+)', stdout)
    documents = int(match.group(1)) if match else cases
    bulk_done = next((t for t, n in progress if n >= documents), None)
    out["rebuild"] = {
        "command": "manage.py search_index rebuild --backend elasticsearch",
        "documents": documents,
        "seconds": round(seconds, 1),
        "cases_per_s": round(documents / seconds, 1),
        "bulk_seconds": round(bulk_done, 1) if bulk_done else None,
        "includes": "new versioned index, bulk load, alias swap, then the catch-up reconcile "
        "(a full database-vs-index fingerprint check)",
        "capped": capped,
        "progress": [(round(t, 1), n) for t, n in progress[:: max(1, len(progress) // 40)]],
    }
    if capped:
        done_t, done_n = progress[-1] if progress else (seconds, 0)
        rate = done_n / done_t if done_t else 0
        out["rebuild"].update(
            {
                "documents": done_n,
                "cases_per_s": round(rate, 1),
                "projected_seconds": round(cases / rate, 1) if rate else None,
                "note": f"stopped after {seconds:.0f} s (cap); rate = documents bulk-indexed so far ÷ time; "
                "the Elasticsearch queries below could not run on this scale",
            }
        )
        seconds, documents = done_t, done_n
        # If the interrupted command could not delete its half-built index, do it here (ours only).
        with contextlib.suppress(Exception):
            try:
                behind_alias = set(es_client.indices.get_alias(name=alias))
            except Exception:  # no alias yet
                behind_alias = set()
            for name in set(es_client.indices.get(index=f"{alias}-*", ignore_unavailable=True)) - before:
                if name not in behind_alias:
                    es_client.indices.delete(index=name, ignore_unavailable=True)
    if use_spy and profile_raw.exists():
        out["rebuild"]["profile"] = collapse_profile(
            profile_raw,
            f"rebuild-{args.label}",
            f"search_index rebuild of {documents:,} cases ({seconds:.0f} s), py-spy samples",
        )
    log(f"   rebuild: {documents:,} documents in {seconds:.1f} s = {documents / seconds:,.0f}/s")

    # 2. Queries through both backends.
    backends = ("database",) if out["rebuild"]["capped"] else ("database", "elasticsearch")
    if "elasticsearch" in backends:
        get_backend("elasticsearch").refresh()
    now = timezone.now()
    calendar = working_calendar()
    queries = {
        "stalled_30d_page": lambda b: b.find_stalled(
            StalledCriteria(days=30), now=now, limit=50, calendar=calendar
        ),
        "stalled_20wd_page": lambda b: b.find_stalled(
            StalledCriteria(days=20, working_days=True), now=now, limit=50, calendar=calendar
        ),
        "overdue_5d_page": lambda b: b.find_stalled(
            StalledCriteria(overdue_by=5), now=now, limit=50, calendar=calendar
        ),
        "stalled_30d_count": lambda b: b.count_stalled(StalledCriteria(days=30), now=now, calendar=calendar),
        "stalled_30d_rows_page": lambda b: find_stalled_rows(
            StalledCriteria(days=30), now=now, backend=b, limit=50
        ),
        "backlog_aggregation": lambda b: sorted(
            (c.authority, c.status, c.bucket, c.count, c.overdue) for c in b.aggregate_backlog(now=now)
        ),
        "backlog_aggregation_commune": lambda b: sorted(
            (c.authority, c.status, c.bucket, c.count, c.overdue)
            for c in b.aggregate_backlog(now=now, within=("HN-X007",))
        ),
    }
    answers: dict = {}
    for backend_name in backends:
        backend = get_backend(backend_name)
        out[backend_name] = {}
        for qname, q in queries.items():
            q(backend)  # warm-up
            times = []
            for _ in range(args.query_runs):
                t0 = time.perf_counter()
                res = q(backend)
                times.append((time.perf_counter() - t0) * 1000)
            answers[(backend_name, qname)] = res
            size = res if isinstance(res, int) else len(res)
            out[backend_name][qname] = {**summary_ms(times), "results": size}
            log(
                f"   {backend_name:13} {qname:28} p50 {out[backend_name][qname]['p50_ms']:8.2f} ms  "
                f"p95 {out[backend_name][qname]['p95_ms']:8.2f} ms  ({size} results)"
            )
    out["same_answers"] = {
        q: answers[("database", q)] == answers.get(("elasticsearch", q))
        for q in queries
        if not q.endswith("rows_page") and "elasticsearch" in backends
    }
    out["query_runs"] = args.query_runs
    return out


def collapse_profile(raw: Path, name: str, header: str, top: int = 25) -> str:
    """Top functions from py-spy's collapsed stacks: by own samples and by inclusive samples."""
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    lines = [header, f"{total} samples", "", "--- inclusive (function and what it calls) ---"]
    for f, n in sorted(incl.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"{100 * n / total:6.1f}%  {f}")
    lines += ["", "--- own time ---"]
    for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"{100 * n / total:6.1f}%  {f}")
    PROFILES.mkdir(parents=True, exist_ok=True)
    path = PROFILES / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path.relative_to(ROOT))


# ------------------------------------------------------------------------------ inspector case list


def bench_users():
    from django.contrib.auth import get_user_model

    from cases.models import Authority, Role
    from cases.roles import membership_grant

    User = get_user_model()
    root = Authority.objects.get(code="HN")
    commune = Authority.objects.get(code="HN-X007")
    head, created = User.objects.get_or_create(
        username="bench-head", defaults={"email": "bench-head@example.vn", "is_staff": True}
    )
    if created:
        membership_grant(user=head, authority=root, role=Role.HEAD_OF_UNIT)
        membership_grant(user=head, authority=root, role=Role.HEAD_OF_AGENCY)
    inspector, created = User.objects.get_or_create(
        username="bench-inspector", defaults={"email": "bench-inspector@example.vn", "is_staff": True}
    )
    if created:
        membership_grant(user=inspector, authority=commune, role=Role.INSPECTOR)
    return head, inspector


def caselist(args) -> dict:
    """GET /admin/cases/ (and the overdue preset) through Django's test client as a head of unit
    of the whole province and as an inspector of one commune: the query, the capped count and the
    rendering of a page of 50, p50/p95; and the SQL statements per page."""
    from django.test import Client

    head, inspector = bench_users()
    out = {}
    for who, user in (("head_province", head), ("inspector_commune", inspector)):
        client = Client()
        client.force_login(user)
        for preset, url in (
            ("all", "/admin/cases/"),
            ("overdue", "/admin/cases/overdue/"),
            ("all_results_by_received", "/admin/cases/results/?ordering=-received_at"),
        ):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            n_sql = len(ctx.captured_queries)
            times = []
            for _ in range(args.query_runs):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            out[f"{who}:{preset}"] = {
                **summary_ms(times),
                "sql_statements": n_sql,
                "sql_ms": round(sql_ms, 1),
                "url": url,
            }
            log(
                f"   {who:18} {preset:24} p50 {out[f'{who}:{preset}']['p50_ms']:8.1f} ms  "
                f"p95 {out[f'{who}:{preset}']['p95_ms']:8.1f} ms  sql {sql_ms:6.1f} ms "
                f"({n_sql} statements)"
            )
    return out


def _page_timings(client, url: str, runs: int) -> dict:
    """One warm-up GET, one GET with its SQL captured, then ``runs`` timed GETs of ``url``."""
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        **summary_ms(times),
        "sql_statements": len(ctx.captured_queries),
        "sql_ms": round(sql_ms, 1),
        "url": url,
    }


def pages(args) -> dict:
    """The staff pages beside the case list, through Django's test client as a head of unit of
    the whole province and as an inspector of one commune: every workspace list preset
    (cases.admin.listing.PRESETS), three case pages of the user's own scope, the role's home page
    (/admin/) and the oversight dashboard with each of its tabs; p50/p95 over --query-runs and the
    SQL statements per page. Target: p95 <= 200 ms per page (bench/report.py)."""
    from django.test import Client
    from django.urls import reverse

    from cases.admin import listing
    from search.oversight import user_can_view_oversight

    head, inspector = bench_users()
    out = {}
    for who, user in (("head_province", head), ("inspector_commune", inspector)):
        client = Client()
        client.force_login(user)
        urls = [(f"list_{k}", reverse(v["url"])) for k, v in listing.PRESETS.items()]
        refs = list(
            listing.filtered_cases(user, "all").order_by("-pk").values_list("reference", flat=True)[:3]
        )
        urls += [(f"case_{i + 1}", reverse("cases_admin:detail", args=[ref])) for i, ref in enumerate(refs)]
        urls.append(("home", "/admin/"))
        if user_can_view_oversight(user):
            for name in ("overview", "stalled", "ontime", "ontime_cases", "top", "search"):
                urls.append((f"oversight_{name}", reverse(f"oversight:{name}")))
        for page, url in urls:
            key = f"{who}:{page}"
            try:
                out[key] = _page_timings(client, url, args.query_runs)
            except AssertionError as exc:
                out[key] = {"error": repr(exc), "url": url}
                log(f"   {who:18} {page:24} {exc!r}")
                continue
            log(
                f"   {who:18} {page:24} p50 {out[key]['p50_ms']:8.1f} ms  p95 {out[key]['p95_ms']:8.1f} ms  "
                f"sql {out[key]['sql_ms']:6.1f} ms ({out[key]['sql_statements']} statements)  {url}"
            )
    # The province-wide backlog aggregation on the backend the dashboard uses (search.backends).
    from search.backends import get_backend

    backend = get_backend()
    now = timezone.now()
    backend.aggregate_backlog(now=now)
    times = []
    for _ in range(args.query_runs):
        t0 = time.perf_counter()
        backend.aggregate_backlog(now=now)
        times.append((time.perf_counter() - t0) * 1000)
    out["backlog_dashboard_backend"] = {**summary_ms(times), "backend": type(backend).__name__}
    bl = out["backlog_dashboard_backend"]
    log(
        f"   backlog aggregation, province, {bl['backend']}: "
        f"p50 {bl['p50_ms']:.1f} ms  p95 {bl['p95_ms']:.1f} ms"
    )
    ok = [v["p95_ms"] for k, v in out.items() if k.count(":") == 1 and "p95_ms" in v]
    out["worst_p95_ms"] = max(ok) if ok else None
    out["worst_page"] = max(
        (k for k, v in out.items() if k.count(":") == 1 and "p95_ms" in v),
        key=lambda k: out[k]["p95_ms"],
        default=None,
    )
    return out


# ------------------------------------------------------------------------------ periodic reports


def _reception_load(year_start: dt.datetime, year_end: dt.datetime, n: int) -> int:
    """Inside the caller's transaction: ``n`` visits over the year (a visit per 25 cases, a group
    one in twenty, a matter seen twice one in eight) and a head's session a week per authority."""
    from cases.models import Authority

    rng = random.Random(7)
    authorities = list(Authority.objects.filter(path__startswith="/HN/").values_list("pk", flat=True))
    head, _inspector = bench_users()
    span = (year_end - year_start).total_seconds()
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM reception_receptionplace LIMIT 1")
        row = cur.fetchone()
        if row is None:
            cur.execute(
                "INSERT INTO reception_receptionplace (authority_id, name_vi, name_en, address_vi, "
                "address_en, phone, email, notes_vi, notes_en, public, active) VALUES "
                "(%s, 'Trụ sở TCD', '', 'Hà Nội', '', '', '', '', '', true, true) RETURNING id",
                [authorities[0]],
            )
            row = cur.fetchone()
        place = row[0]
        sessions = []
        for week in range(0, int(span // (7 * 86400))):
            at = year_start + dt.timedelta(days=7 * week, hours=8)
            cur.execute(
                "INSERT INTO reception_headsession (authority_id, place_id, kind, adhoc_ground, starts_at, "
                "state, presider_id, presider_title, authorised, attendees, public, conclusions, "
                "notice_number, notice_recipients, cancel_reason, created_at) VALUES (%s, %s, 'periodic', "
                "'', %s, 'held', %s, 'Chủ tịch', false, '', true, '', '', '', '', now()) RETURNING id",
                [authorities[0], place, at, head.pk],
            )
            sessions.append((cur.fetchone()[0], at))
        with cur.cursor.copy(
            "COPY reception_visit (authority_id, place_id, session_id, year, number, received_at, "
            "channel, officer_id, content_kind, summary, request, group_size, prior_resolution, "
            "in_competence, handling, referred_to_text, referral_number, guidance, created_case, "
            "matter_key, repeat, follow_up, note, receipt_number, receipt_copies, created_at) FROM STDIN"
        ) as copy:
            for i in range(n):
                at = year_start + dt.timedelta(seconds=rng.random() * span)
                session = sessions[i % len(sessions)] if sessions and i % 10 == 0 else None
                when = session[1] + dt.timedelta(minutes=i % 180) if session else at
                repeat = i % 8 == 0 and i > 0
                copy.write_row(
                    (
                        authorities[i % len(authorities)],
                        place,
                        session[0] if session else None,
                        when.year,
                        900000 + i,
                        when,
                        "in_person",
                        head.pk,
                        rng.choice(["complaint", "denunciation", "petition"]),
                        "Nội dung lượt tiếp (dữ liệu thử)",
                        "",
                        6 if i % 20 == 0 else 1,
                        "",
                        True,
                        rng.choice(["received", "guided", "explained", "explained", "refused"]),
                        "",
                        "",
                        "",
                        False,
                        f"visit:{i - 1 if repeat else i}",
                        repeat,
                        "",
                        "",
                        "",
                        0,
                        when,
                    )
                )
    return n


def reports(args) -> dict:
    """The yearly report of the province under the regime in force (``cases.reports``): computed
    (``compute_report``), rendered as the printable page and downloaded as XLSX through the test
    client as the province's head; p50 of ``--report-runs`` runs each (after one warm-up), with the
    reception register filled for the year inside a transaction that is rolled back."""
    from django.test import Client

    from cases.models import Authority
    from cases.reports import compute, specs

    today = timezone.localdate()
    year = today.year  # the current year: the period with the most cases (15/12 last year to now)
    period, regime = specs.standard_period("year", year)
    head, _inspector = bench_users()
    hn = Authority.objects.get(code="HN")
    out: dict = {
        "period": [period.start.isoformat(), period.end.isoformat()],
        "regime": regime.code,
        "runs": args.report_runs,
    }
    query = f"/admin/reports/view/?authority=HN&kind=year&year={year}"
    try:
        with transaction.atomic():
            lo = timezone.make_aware(dt.datetime.combine(period.start, dt.time(8)))
            hi = timezone.make_aware(dt.datetime.combine(min(period.end, today), dt.time(17)))
            cases_in = sql_one(
                "SELECT count(*) FROM cases_case WHERE received_at >= %s AND received_at < %s", [lo, hi]
            )[0]
            out["visits_added"] = _reception_load(lo, hi, max(1000, cases_in // 25))
            out["cases_received_in_period"] = cases_in
            client = Client()
            client.force_login(head)
            measures = {
                "compute": lambda: compute.compute_report(hn, period, regime),
                "page": lambda: client.get(query),
                "xlsx": lambda: client.get(query + "&format=xlsx"),
            }
            for name, fn in measures.items():
                result = fn()  # warm-up
                if name != "compute":
                    assert result.status_code == 200, (name, result.status_code)
                else:
                    out["figures_total_received"] = result.form(regime.forms[1].code).values["total"][3]
                times = []
                for _ in range(args.report_runs):
                    t0 = time.perf_counter()
                    response = fn()
                    times.append(time.perf_counter() - t0)
                out[name] = {
                    "p50_s": round(statistics.median(times), 2),
                    "max_s": round(max(times), 2),
                    "runs_s": [round(t, 2) for t in times],
                }
                if name == "page":
                    out["page_bytes"] = len(response.content)
                if name == "xlsx":
                    out["xlsx_bytes"] = len(response.content)
                log(f"   report {name:8} p50 {out[name]['p50_s']:6.2f} s  max {out[name]['max_s']:6.2f} s")
            raise _Rollback
    except _Rollback:
        pass
    return out


class _Rollback(Exception):
    pass


# ------------------------------------------------------------------------------ escalation sweep

ACTIVE_SQL = None


def _active_statuses() -> list[str]:
    from cases.escalation import ACTIVE

    return [str(s) for s in ACTIVE]


def make_due(n: int, now: dt.datetime) -> dict:
    """Inside the caller's transaction: exactly ``n`` cases due (one deadline each, breached one
    working day ago, escalation level 0), every other case outside the sweep's horizon, and the
    idle ones already flagged stalled (the steady state of a sweep that runs every 15 minutes)."""
    from cases.deadline_services import working_calendar

    cal = working_calendar()
    today = timezone.localdate(now)
    due_day = cal.previous_working_day(today)
    tz = timezone.get_current_timezone()
    due_at = timezone.make_aware(dt.datetime.combine(due_day, dt.time(23, 59, 59)), tz)
    active = _active_statuses()
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_due (id bigint PRIMARY KEY, deadline_id bigint) ON COMMIT DROP")
        # Prefer cases that are open with a running deadline; fill up with others (reopened here).
        cur.execute(
            """
            INSERT INTO bench_due (id)
            SELECT c.id FROM cases_case c
            WHERE c.reference LIKE %s AND EXISTS (SELECT 1 FROM cases_deadline d WHERE d.case_id = c.id)
            ORDER BY (c.status = ANY(%s) AND c.next_due_at IS NOT NULL) DESC, md5(c.id::text)
            LIMIT %s""",
            [GEN_PREFIX + "-%", active, n],
        )
        cur.execute(
            """
            UPDATE bench_due b SET deadline_id = s.id FROM (
              SELECT DISTINCT ON (d.case_id) d.case_id, d.id FROM cases_deadline d
              JOIN bench_due b2 ON b2.id = d.case_id
              ORDER BY d.case_id, (d.state = 'open') DESC, d.id) s
            WHERE s.case_id = b.id"""
        )
        cur.execute(
            "UPDATE cases_case SET stalled_since = %s WHERE status = ANY(%s) AND stalled_since IS NULL",
            [now, active],
        )
        cur.execute(
            "UPDATE cases_case SET next_due_at = %s WHERE status = ANY(%s) AND next_due_at IS NOT NULL "
            "AND id NOT IN (SELECT id FROM bench_due)",
            [now + dt.timedelta(days=3650), active],
        )
        cur.execute(
            """
            UPDATE cases_case c SET
              status = CASE WHEN c.status = ANY(%s) THEN c.status ELSE 'verifying' END,
              next_due_at = %s, escalation_level = 0, stalled_since = %s
            FROM bench_due b WHERE b.id = c.id""",
            [active, due_at, now],
        )
        cur.execute(
            """
            UPDATE cases_deadline d SET due_at = d.due_at + interval '3650 days'
            FROM bench_due b WHERE d.case_id = b.id AND d.id <> b.deadline_id AND d.state = 'open'"""
        )
        cur.execute(
            """
            UPDATE cases_deadline d
            SET state = 'open', due_at = %s, due_date = %s, met_at = NULL, missed = false
            FROM bench_due b WHERE d.id = b.deadline_id""",
            [due_at, due_day],
        )
        cur.execute("DELETE FROM cases_escalation e USING bench_due b WHERE e.deadline_id = b.deadline_id")
        cur.execute("ANALYZE bench_due")
    return {"setup_seconds": round(time.perf_counter() - t0, 1), "due_day": due_day.isoformat()}


def sweep_selection_sql(now: dt.datetime):
    """The sweep's selection query, built the way escalation_sweep builds it."""
    from cases.deadline_services import working_calendar
    from cases.escalation import ACTIVE
    from cases.escalation import ladders as sweep_ladders
    from cases.models import Case

    cal = working_calendar()
    ladders = sweep_ladders()
    max_lead = max((ladder.max_lead for ladder in ladders.values()), default=0)
    horizon = timezone.make_aware(
        dt.datetime.combine(cal.add_working_days(timezone.localdate(now), max_lead), dt.time.max),
        timezone.get_current_timezone(),
    )
    qs = (
        Case.objects.filter(status__in=ACTIVE, next_due_at__lte=horizon)
        .order_by("next_due_at", "pk")
        .values_list("pk", flat=True)
    )
    return qs


class SweepCapped(Exception):
    pass


@contextlib.contextmanager
def counting_sweep(cap_seconds: float | None):
    """Count the deadlines the sweep has handled (wrapping ``cases.escalation._sweep_chunk`` in this
    process only) and, past ``cap_seconds``, stop it by raising: the run is then reported as capped,
    with the rate it had and the time the whole N would take at that rate."""
    from cases import escalation

    original = escalation._sweep_chunk
    state = {"handled": 0, "started": time.perf_counter()}

    def wrapper(*a, **kw):
        if cap_seconds and time.perf_counter() - state["started"] > cap_seconds:
            raise SweepCapped
        handled = original(*a, **kw)
        state["handled"] += handled
        return handled

    escalation._sweep_chunk = wrapper
    try:
        yield state
    finally:
        escalation._sweep_chunk = original


def steady_state_stalled_flags() -> dict:
    """Committed once, before the timed runs: every open case is flagged stalled, as a sweep that
    runs every 15 minutes leaves them, then VACUUM. Flagging them inside each rolled-back run
    instead would leave a dead index entry per case in the stalled-candidates index and time the
    scan of a million dead entries, which production never sees."""
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE cases_case SET stalled_since = now() WHERE status = ANY(%s) AND stalled_since IS NULL",
            [_active_statuses()],
        )
        flagged = cur.rowcount
        if flagged:
            cur.execute("VACUUM ANALYZE cases_case")
    return {"flagged": flagged, "seconds": round(time.perf_counter() - t0, 1)}


def sweep(args) -> dict:
    from cases.escalation import escalation_sweep

    bench_users()  # heads of unit and of agency at the province: breaches notify someone
    out: dict = {
        "method": (
            "inside one transaction that is rolled back afterwards: exactly N cases get one deadline "
            "breached "
            "one working day ago (escalation level 0), all other cases are moved past the sweep horizon and "
            "idle cases count as already flagged stalled (committed once before the runs, see "
            "steady_state); then escalation_sweep(now=...) is timed. Nested "
            "atomic blocks become savepoints; on_commit work (index tasks) is dropped with the rollback."
        ),
        "levels": {},
    }
    out["steady_state"] = steady_state_stalled_flags()
    for n in args.sweep_due:
        runs = args.sweep_runs if n < 10_000 else args.sweep_runs_large
        if n == args.sweep_profile_at:
            runs += 1  # the first run is under cProfile and not counted
        level = {"due": n, "runs": []}
        for r in range(runs):
            now = timezone.now()
            with transaction.atomic():
                setup = make_due(n, now)
                qs = sweep_selection_sql(now)
                selected = qs.count()
                if r == 0:
                    sql, params = qs.query.sql_with_params()
                    with connection.cursor() as cur:
                        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                        level["explain"] = [row[0] for row in cur.fetchall()]
                prof = None
                if r == 0 and n == args.sweep_profile_at:
                    prof = cProfile.Profile()
                capped = False
                cap = args.sweep_cap_seconds if n >= 10_000 else None
                statements = [0]

                def count_sql(execute, sql, params, many, context, statements=statements):
                    statements[0] += 1
                    return execute(sql, params, many, context)

                with counting_sweep(cap) as state, connection.execute_wrapper(count_sql):
                    t0 = state["started"] = time.perf_counter()
                    if prof:
                        prof.enable()
                    try:
                        report = escalation_sweep(now=now)
                    except SweepCapped:
                        capped, report = True, None
                    if prof:
                        prof.disable()
                    seconds = time.perf_counter() - t0
                transaction.set_rollback(True)
            handled = state["handled"]
            run = {
                **setup,
                "selected": selected,
                "seconds": round(seconds, 2),
                "cases_per_s": round(handled / seconds, 1) if seconds else None,
                "handled": handled,
                "capped": capped,
                "sql_per_case": round(statements[0] / max(handled, 1), 1),
                "examined": report.examined if report else None,
                "warnings": report.warnings if report else None,
                "escalations": report.escalations if report else None,
                "stalled": report.stalled if report else None,
                "notices": report.notices if report else None,
                "profiled": prof is not None,
            }
            if capped:
                run["projected_seconds"] = round(n / (handled / seconds), 1) if handled else None
            if prof:
                level["profile"] = write_profile(
                    f"sweep-{n}-{args.label}",
                    prof,
                    f"escalation_sweep with {n:,} due among {case_count():,} cases, under cProfile "
                    f"({seconds:.1f} s with the profiler; this run is not counted in the median)",
                )
            level["runs"].append(run)
            note = " (cProfile, not counted)" if prof else ""
            if capped:
                note += f" CAPPED, projected {run['projected_seconds']} s"
            log(
                f"   sweep N={n:,}: selected {selected:,}, handled {handled:,} in {seconds:.2f} s{note}; "
                f"escalations {run['escalations']}, notifications {run['notifications']} "
                f"(setup {setup['setup_seconds']} s)"
            )
        counted = [x for x in level["runs"] if not x["profiled"]] or level["runs"]
        level["capped"] = any(x["capped"] for x in counted)
        level["seconds"] = round(
            statistics.median(x.get("projected_seconds") or x["seconds"] for x in counted), 2
        )
        level["ms_per_case"] = round(
            statistics.median(x["seconds"] / max(x["handled"], 1) * 1000 for x in counted), 3
        )
        out["levels"][str(n)] = level
    # Rolled-back updates leave dead rows behind; clean them so storage and reruns are not skewed.
    with connection.cursor() as cur:
        for table in (
            "cases_case",
            "cases_deadline",
            "cases_caseevent",
            "cases_historicalcase",
            "notifications_notification",
            "cases_escalation",
        ):
            with contextlib.suppress(Exception):
                cur.execute(f"VACUUM ANALYZE {table}")
    return out


# ------------------------------------------------------------------------------ extras


def extras(args) -> dict:
    out = {}
    proc = subprocess.run(
        [PY, "bench/bench_deadlines.py", "--n", "100000", "--runs", str(max(3, args.runs))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("{")), None)
    out["deadlines"] = json.loads(line) if line else {"error": proc.stderr[-2000:]}
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_meta WHERE key = 'generation'")
        row = cur.fetchone()
    gen = (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else []
    total_cases = sum(g["cases"] for g in gen)
    total_seconds = sum(g["seconds"] for g in gen)
    out["generation"] = {
        "batches": gen,
        "cases": total_cases,
        "seconds": round(total_seconds, 1),
        "cases_per_s": round(total_cases / total_seconds, 1) if total_seconds else None,
        "projected_1m_minutes": round(1_000_000 / (total_cases / total_seconds) / 60, 1)
        if total_seconds
        else None,
    }
    return out


# ------------------------------------------------------------------------------ main


def replica(args) -> dict:
    from bench.bench_replica import measure

    return measure(args, sys.modules[__name__])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=3, help="load runs per measurement")
    parser.add_argument("--seconds", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--query-runs", type=int, default=30)
    parser.add_argument("--profile-requests", type=int, default=100)
    parser.add_argument("--sweep-due", default="1000,10000,100000")
    parser.add_argument("--sweep-runs", type=int, default=3)
    parser.add_argument("--sweep-runs-large", type=int, default=1)
    parser.add_argument("--sweep-profile-at", type=int, default=1000)
    parser.add_argument(
        "--sweep-cap-seconds",
        type=float,
        default=300,
        help="stop a sweep of 10,000+ due after this long and project its time from the rate so far",
    )
    parser.add_argument(
        "--sections", default="storage,http,profiles,search,caselist,pages,sweep,reports,extras"
    )
    parser.add_argument("--report-runs", type=int, default=3)
    parser.add_argument("--no-pyspy", dest="pyspy", action="store_false")
    parser.add_argument("--merge", action="store_true", help="keep the other sections already in --out")
    parser.add_argument(
        "--rebuild-cap-seconds",
        type=float,
        default=0,
        help="stop the index rebuild after this long and report the rate so far (0: no cap)",
    )
    args = parser.parse_args()
    args.sweep_due = [int(x) for x in args.sweep_due.split(",") if x]
    sections = args.sections.split(",")

    cases = case_count()
    args.sweep_due = [n for n in args.sweep_due if n <= cases // 2] or args.sweep_due[:1]
    previous = json.loads(Path(args.out).read_text()) if args.merge and Path(args.out).exists() else {}
    results: dict = {
        **previous,
        "label": args.label,
        "cases_at_start": cases,
        "database": settings.DATABASES["default"]["NAME"],
        "es_index_prefix": settings.ELASTICSEARCH_INDEX_PREFIX,
        "started_at": timezone.now().isoformat(),
        "machine": machine(),
        "options": {k: v for k, v in vars(args).items() if k != "out"},
    }
    log(f"bench {args.label}: {cases:,} cases in {results['database']}")
    steps = {
        "storage": (storage,),
        "http": (http_load, args),
        "profiles": (profiles, args),
        "search": (search, args),
        "caselist": (caselist, args),
        "pages": (pages, args),
        "sweep": (sweep, args),
        "reports": (reports, args),
        "extras": (extras, args),
        "replica": (replica, args),
    }
    for name in sections:
        func, *fargs = steps[name]
        timed_section(name, func, results, *fargs)
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    results["finished_at"] = timezone.now().isoformat()
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
