"""The ``replica`` section of ``bench/run.py``: the oversight dashboard's reads on the primary and on
the streaming replica (scripts/services.sh ``start replica``: a second PostgreSQL cluster made with
``pg_basebackup -R`` on 127.0.0.1:54330), idle and while wrk's intake load runs on the primary.

What is measured, per target (``primary``: the reads pinned to the primary as after one's own write;
``replica``: routed by ``config.replica`` as in production):

- ``backlog``: ``DatabaseBackend.aggregate_backlog()`` for the whole province (the dashboard's
  backlog table on the database backend);
- ``overview``: ``GET /admin/oversight/`` as a head of the province through Django's test client,
  with the database search backend (so every figure of the page is read from PostgreSQL);
- under load: intake cases/s and p95 from wrk (gunicorn, 2 sync workers, on the primary), the
  CPU seconds of each cluster's processes, and the replication lag sampled on both sides
  (``now() - pg_last_xact_replay_timestamp()`` on the replica, ``replay_lag`` and the bytes not yet
  replayed in ``pg_stat_replication`` on the primary);
- own write: a committed UPDATE on the primary, then the replica read at once and until it shows
  it: how long a write takes to reach the replica and how often a read right after it would have
  been stale (why a reader's pages after their own write read the primary: ``config/replica.py``).

On one machine the replica shares the CPUs with the primary, gunicorn and wrk: what it shows here is
where the work goes (the primary's share of the CPU while the dashboard is read) and how far behind
the replica falls under the intake load, not the speed-up of a replica on its own machine."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

RUN_DIR = Path(os.environ.get("KNTC_SERVICES_DIR", "/tmp/kntc-services"))
SLOT_APP = "kntc_replica"  # the replica's cluster_name, its application_name on the primary


def _cluster_pids(data_dir: Path) -> list[int]:
    """The postmaster of the cluster in ``data_dir`` and every process it started."""
    try:
        master = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [master, *(int(x) for x in out.split())]


def _cpu(pids: list[int]) -> dict[int, float]:
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


class ClusterCpu:
    """CPU seconds a cluster's processes used between start() and stop() (new sessions in full)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    def start(self) -> None:
        self.before = _cpu(_cluster_pids(self.data_dir))

    def stop(self) -> float:
        after = _cpu(_cluster_pids(self.data_dir))
        return round(sum(v - self.before.get(pid, 0.0) for pid, v in after.items()), 2)


def _one(alias: str, sql: str, params=None):
    with connections[alias].cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchone()


def lag_sample() -> dict:
    """The replica's lag now, from both sides."""
    replica = settings.DATABASE_READ_REPLICA
    (seconds,) = _one(replica, "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
    row = _one(
        "default",
        "SELECT extract(epoch FROM replay_lag), pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) "
        "FROM pg_stat_replication WHERE application_name = %s",
        [SLOT_APP],
    )
    return {
        "replay_age_s": float(seconds) if seconds is not None else None,
        "replay_lag_s": float(row[0]) if row and row[0] is not None else 0.0,
        "bytes_behind": int(row[1]) if row and row[1] is not None else None,
    }


def catch_up(timeout: float = 600) -> float:
    """Wait until the replica has replayed everything the primary had written; seconds waited."""
    (target,) = _one("default", "SELECT pg_current_wal_lsn()::text")
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        (done,) = _one(
            settings.DATABASE_READ_REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
        )
        if done:
            return round(time.perf_counter() - t0, 2)
        time.sleep(0.2)
    raise RuntimeError(f"the replica did not catch up with {target} in {timeout:.0f} s")


PROBE_TABLE = "bench_replica_probe"


def probe_setup() -> None:
    with connections["default"].cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {PROBE_TABLE} (id int PRIMARY KEY, n bigint NOT NULL)")
        cur.execute(f"INSERT INTO {PROBE_TABLE} VALUES (1, 0) ON CONFLICT (id) DO NOTHING")  # noqa: S608


def probe_drop() -> None:
    with connections["default"].cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {PROBE_TABLE}")


def probe() -> tuple[float, bool]:
    """One committed write on the primary, then the replica read at once and again until it shows
    it: (milliseconds until the replica had it, whether the first read was stale). What a page
    read from the replica right after its reader's own write would have seen."""
    with connections["default"].cursor() as cur:
        cur.execute(f"UPDATE {PROBE_TABLE} SET n = n + 1 WHERE id = 1 RETURNING n")  # noqa: S608
        (n,) = cur.fetchone()
    t0 = time.perf_counter()
    first_stale = None
    while time.perf_counter() - t0 < 30:
        (seen,) = _one(settings.DATABASE_READ_REPLICA, f"SELECT n FROM {PROBE_TABLE} WHERE id = 1")  # noqa: S608
        if first_stale is None:
            first_stale = seen < n
        if seen >= n:
            break
        time.sleep(0.002)
    return (time.perf_counter() - t0) * 1000, bool(first_stale)


def probe_summary(samples: list[tuple[float, bool]], run) -> dict:
    if not samples:
        return {"n": 0}
    return {
        **run.summary_ms([ms for ms, _stale in samples]),
        "first_read_stale": sum(stale for _ms, stale in samples),
    }


def _stats(values_ms: list[float], run) -> dict:
    return run.summary_ms(values_ms) if values_ms else {"n": 0}


def measure(args, run) -> dict:
    """``run`` is bench/run.py's module (its wrk, Gunicorn, intake script and helpers)."""
    from config.replica import PIN_COOKIE, primary_scope
    from search.backends.database import DatabaseBackend

    if not settings.DATABASE_READ_REPLICA:
        return {
            "skipped": "no replica configured: scripts/bench.sh starts one unless BENCH_REPLICA=0 "
            "(BENCH_REPLICA_DATABASE_URL)"
        }
    replica = settings.DATABASE_READ_REPLICA
    out: dict = {
        "replica": f"{settings.DATABASES[replica]['HOST']}:{settings.DATABASES[replica]['PORT']}",
        "primary": f"{settings.DATABASES['default']['HOST']}:{settings.DATABASES['default']['PORT']}",
        "replica_version": _one(replica, "SHOW server_version")[0],
        "in_recovery": _one(replica, "SELECT pg_is_in_recovery()")[0],
        "catch_up_s": catch_up(),
    }
    if not out["in_recovery"]:
        raise RuntimeError(f"{out['replica']} is not a standby")
    probe_setup()
    head, _inspector = run.bench_users()
    backend = DatabaseBackend()
    client = Client()
    client.force_login(head)
    catch_up()  # the bench users and the session, written just now

    def backlog(target: str) -> float:
        t0 = time.perf_counter()
        if target == "primary":
            with primary_scope(pinned=True):
                backend.aggregate_backlog(now=timezone.now())
        else:
            backend.aggregate_backlog(now=timezone.now())
        return (time.perf_counter() - t0) * 1000

    def overview(target: str) -> float:
        if target == "primary":
            client.cookies[PIN_COOKIE] = "1"
        else:
            client.cookies.pop(PIN_COOKIE, None)
        t0 = time.perf_counter()
        response = client.get("/admin/oversight/")
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed

    checks = {"backlog": backlog, "overview": overview}
    with override_settings(SEARCH_BACKEND="database"):
        # Where the reads went, once each (so a routing fault cannot pass for a measurement).
        routed: dict = {}
        for target in ("primary", "replica"):
            with (
                CaptureQueriesContext(connections["default"]) as on_primary,
                CaptureQueriesContext(connections[replica]) as on_replica,
            ):
                backlog(target)
                overview(target)
            cases_sql = ('"cases_case"', "cases_case")
            routed[target] = {
                "statements_on_primary": len(on_primary.captured_queries),
                "statements_on_replica": len(on_replica.captured_queries),
                "case_reads_on_primary": sum(
                    any(t in q["sql"] for t in cases_sql) for q in on_primary.captured_queries
                ),
                "case_reads_on_replica": sum(
                    any(t in q["sql"] for t in cases_sql) for q in on_replica.captured_queries
                ),
            }
        out["routing"] = routed
        if routed["replica"]["case_reads_on_primary"] or not routed["replica"]["case_reads_on_replica"]:
            raise RuntimeError(f"the dashboard's case reads were not routed to the replica: {routed}")
        if routed["primary"]["statements_on_replica"]:
            raise RuntimeError(f"pinned reads reached the replica: {routed}")
        for target in ("primary", "replica"):  # warm-up
            for check in checks.values():
                check(target)

        idle: dict = {}
        for name, check in checks.items():
            for target in ("primary", "replica"):
                times = [check(target) for _ in range(args.query_runs)]
                idle[f"{name}:{target}"] = run.summary_ms(times)
                run.log(
                    f"   idle   {name:9} {target:8} p50 {idle[f'{name}:{target}']['p50_ms']:8.1f} ms  "
                    f"p95 {idle[f'{name}:{target}']['p95_ms']:8.1f} ms"
                )
        out["idle"] = idle
        out["own_write_visible_idle"] = probe_summary([probe() for _ in range(args.query_runs)], run)
        out["loaded"] = _under_load(args, run, checks)
    out["lag_after_load_catch_up_s"] = catch_up()
    probe_drop()
    return out


def _under_load(args, run, checks) -> dict:
    """wrk's intake load on the primary (as the http section), the dashboard read meanwhile from
    one target in a loop; runs alternate primary, replica, primary, ..."""
    from cases.models import Authority

    run.flush_broker()
    authorities = list(
        Authority.objects.filter(code__startswith="HN-").order_by("code").values_list("code", flat=True)
    )
    known_on = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    run.VAR.mkdir(parents=True, exist_ok=True)
    script = run.VAR / "replica-intake.lua"
    script.write_text(run.intake_lua("/api/v1/cases/", authorities, known_on))
    port = run.free_port(args.port + 7)
    primary_cpu, replica_cpu = ClusterCpu(RUN_DIR / "pg"), ClusterCpu(RUN_DIR / "pg-replica")
    runs: list[dict] = []
    with run.Gunicorn(port) as server:
        run.log(f"   gunicorn on 127.0.0.1:{port}; warm-up")
        run.wrk(port, script, 3, args.connections)
        for i in range(args.runs * 2):
            target = ("primary", "replica")[i % 2]
            times: dict[str, list[float]] = {name: [] for name in checks}
            lags: list[dict] = []
            probes: list[tuple[float, bool]] = []
            result: dict = {}
            load = threading.Thread(
                target=lambda result=result: result.update(
                    run.wrk(port, script, args.seconds, args.connections)
                )
            )
            primary_cpu.start()
            replica_cpu.start()
            app_pids = server.worker_pids()
            app0 = sum(_cpu(app_pids).values())
            load.start()
            time.sleep(0.5)  # the load is on
            while load.is_alive():
                for name, check in checks.items():
                    times[name].append(check(target))
                lags.append(lag_sample())
                probes.append(probe())
            load.join()
            app1 = sum(_cpu(app_pids).values())
            ages = [s["replay_age_s"] for s in lags if s["replay_age_s"] is not None]
            entry = {
                "target": target,
                "intake_cases_per_s": result.get("ok_per_second"),
                "intake_p95_ms": result.get("p95_ms"),
                "intake_errors": result.get("errors"),
                "cpu_s_primary_cluster": primary_cpu.stop(),
                "cpu_s_replica_cluster": replica_cpu.stop(),
                "cpu_s_gunicorn": round(app1 - app0, 2),
                **{name: _stats(values, run) for name, values in times.items()},
                "own_write_visible": probe_summary(probes, run),
                "lag": {
                    "samples": len(lags),
                    "replay_age_p50_s": round(statistics.median(ages), 3) if ages else None,
                    "replay_age_max_s": round(max(ages), 3) if ages else None,
                    "replay_lag_max_s": round(max(s["replay_lag_s"] for s in lags), 3) if lags else None,
                    "bytes_behind_max": max((s["bytes_behind"] or 0) for s in lags) if lags else None,
                },
            }
            runs.append(entry)
            run.log(
                f"   load run {i + 1} dashboard on {target:8}: intake {entry['intake_cases_per_s']}/s "
                f"p95 {entry['intake_p95_ms']} ms | backlog p50 {entry['backlog'].get('p50_ms')} "
                f"p95 {entry['backlog'].get('p95_ms')} ms | overview p50 {entry['overview'].get('p50_ms')} "
                f"p95 {entry['overview'].get('p95_ms')} ms | CPU s primary {entry['cpu_s_primary_cluster']} "
                f"replica {entry['cpu_s_replica_cluster']} | lag max {entry['lag']['replay_age_max_s']} s | "
                f"own write on replica after p50 {entry['own_write_visible'].get('p50_ms')} "
                f"max {entry['own_write_visible'].get('max_ms')} ms, first read stale "
                f"{entry['own_write_visible'].get('first_read_stale')}/{entry['own_write_visible'].get('n')}"
            )
    run.flush_broker()
    summary: dict = {"runs": runs}
    for target in ("primary", "replica"):
        mine = [r for r in runs if r["target"] == target]

        def med(key, sub=None, mine=mine):
            values = [(r[key] if sub is None else r[key].get(sub)) for r in mine]
            values = [v for v in values if v is not None]
            return round(statistics.median(values), 2) if values else None

        summary[target] = {
            "intake_cases_per_s": med("intake_cases_per_s"),
            "intake_p95_ms": med("intake_p95_ms"),
            "backlog_p50_ms": med("backlog", "p50_ms"),
            "backlog_p95_ms": med("backlog", "p95_ms"),
            "overview_p50_ms": med("overview", "p50_ms"),
            "overview_p95_ms": med("overview", "p95_ms"),
            "cpu_s_primary_cluster": med("cpu_s_primary_cluster"),
            "cpu_s_replica_cluster": med("cpu_s_replica_cluster"),
            "own_write_visible_p50_ms": med("own_write_visible", "p50_ms"),
            "own_write_visible_max_ms": max(
                (r["own_write_visible"].get("max_ms") or 0 for r in mine), default=None
            ),
            "own_write_first_read_stale": sum(
                r["own_write_visible"].get("first_read_stale", 0) for r in mine
            ),
            "own_write_probes": sum(r["own_write_visible"].get("n", 0) for r in mine),
            "lag_max_s": max(
                (r["lag"]["replay_age_max_s"] for r in mine if r["lag"]["replay_age_max_s"] is not None),
                default=None,
            ),
        }
    return summary
