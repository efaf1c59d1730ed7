"""Turn the raw results of bench/run.py (one JSON file per scale) into the report:

    .venv/bin/python bench/report.py --out-dir bench/results var/bench/raw-100k.json var/bench/raw-1m.json

writes ``latest.json`` (machine, date, every figure, the targets and whether each was met),
``latest.md`` (the table, the targets, by how much a missed one is missed, the profile that shows
why) and ``latest.png`` (the chart). Medians over the runs are quoted everywhere; ratios are taken
run by run (intake and bare view alternated under the same load) and their median quoted.
``notes.md`` in the output folder, if present, is appended to latest.md as the hand-written analysis."""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "intake_rate": ("Intake throughput", ">=", 100, "cases/s"),
    "intake_p95": ("Intake p95 latency", "<=", 150, "ms"),
    "intake_ratio": ("Intake cost ÷ bare-insert cost", "<=", 3, "×"),
    "tracking_p95": ("Tracking look-up p95", "<=", 50, "ms"),
    "stalled_es_p95": ("Stalled-case query p95 (Elasticsearch)", "<=", 100, "ms"),
    "sweep_100k": ("Escalation sweep, 100,000 due among 1,000,000", "<=", 60, "s"),
    "sweep_linear": ("Sweep time proportional to cases due (ms/case, largest N ÷ smallest N)", "<=", 2, "×"),
    "rebuild_rate": ("Search rebuild throughput", ">=", 5000, "cases/s"),
    "deadlines": ("Deadline engine, 100,000 deadlines", "<", 1, "s"),
    "generation_1m": ("generate_cases, 1,000,000 cases (projected from its rate)", "<", 15, "min"),
    "report_page": ("Yearly periodic report of the province, printable page (p50)", "<", 10, "s"),
    "replica_backlog_p95": (
        "Backlog aggregation of the province on the read replica, under intake load (p95)",
        "<=",
        150,
        "ms",
    ),
    # Staff pages (section "pages"): the slowest page of each scale, and at every scale (PER_SCALE).
    "pages_worst_p95": (
        "Slowest staff page p95 (every list preset, case page, home, dashboard tabs; head and inspector)",
        "<=",
        200,
        "ms",
    ),
    "dashboard_backlog_p95": (
        "Backlog aggregation of the province on the dashboard's backend (p95)",
        "<=",
        150,
        "ms",
    ),
    # The primary serves a browser's reads for REPLICA_PIN_SECONDS after its own write: the lag must
    # stay below it for read-your-own-writes to hold (config/replica.py).
    "replica_lag": ("Replication lag under intake load (max)", "<", 30, "s"),
}


# Targets that must hold at every scale: the worst scale is quoted, not the largest.
PER_SCALE = {"pages_worst_p95", "dashboard_backlog_p95"}


def g(d: dict, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def fmt(v, unit: str = "", digits: int = 1) -> str:
    if v is None:
        return "—"
    if isinstance(v, float | int):
        if abs(v) >= 1000:
            s = f"{v:,.0f}"
        elif digits == 0:
            s = f"{v:.0f}"
        else:
            s = f"{v:.{digits}f}"
    else:
        s = str(v)
    return f"{s} {unit}".strip()


def met(value, op: str, target) -> bool | None:
    if value is None:
        return None
    return {">=": value >= target, "<=": value <= target, "<": value < target}[op]


def miss_by(value, op: str, target) -> str:
    if value is None:
        return ""
    if op == ">=":
        return f"{(target - value) / target * 100:.0f}% short ({value:,.1f} vs {target:,})"
    return f"{value / target:.1f}× the target ({value:,.1f} vs {target:,})"


def figures(raw: dict) -> dict:
    """The headline figures of one scale."""
    http = raw.get("http", {})
    search = raw.get("search", {})
    sweep = g(raw, "sweep", "levels", default={}) or {}
    f = {
        "cases": raw.get("cases_at_start"),
        "intake_rate": g(http, "intake", "cases_per_s"),
        "intake_p50": g(http, "intake", "p50_ms"),
        "intake_p95": g(http, "intake", "p95_ms"),
        "bare_rate": g(http, "bare", "per_s"),
        "bare_p50": g(http, "bare", "p50_ms"),
        "bare_p95": g(http, "bare", "p95_ms"),
        "intake_ratio": g(http, "ratio", "throughput"),
        "intake_ratio_latency": g(http, "ratio", "mean_latency"),
        "tracking_rate": g(http, "tracking", "per_s"),
        "tracking_p50": g(http, "tracking", "p50_ms"),
        "tracking_p95": g(http, "tracking", "p95_ms"),
        "rebuild_rate": g(search, "rebuild", "cases_per_s"),
        "rebuild_seconds": g(search, "rebuild", "seconds"),
        "rebuild_bulk_rate": (
            round(g(search, "rebuild", "documents") / g(search, "rebuild", "bulk_seconds"), 1)
            if g(search, "rebuild", "bulk_seconds")
            else None
        ),
        "intake_cpu_ms": g(http, "intake", "cpu_ms_per_request"),
        "intake_cpu_ms_app": g(http, "intake", "cpu_ms_per_request_app"),
        "intake_cpu_ms_db": g(http, "intake", "cpu_ms_per_request_db"),
        "bare_cpu_ms": g(http, "bare", "cpu_ms_per_request"),
        "intake_ratio_cpu": g(http, "ratio", "cpu"),
        "tracking_cpu_ms": g(http, "tracking", "cpu_ms_per_request"),
        "deadlines_s": g(raw, "extras", "deadlines", "median_s"),
        "generation_rate": g(raw, "extras", "generation", "cases_per_s"),
        "generation_1m_min": g(raw, "extras", "generation", "projected_1m_minutes"),
        "storage_bytes_per_case": g(raw, "storage", "bytes_per_case"),
        "storage_rows_per_case": g(raw, "storage", "rows_per_case"),
        "intake_sql": g(raw, "profiles", "intake", "sql_per_request"),
        "tracking_sql": g(raw, "profiles", "tracking", "sql_per_request"),
    }
    for backend in ("database", "elasticsearch"):
        for q in (
            "stalled_30d_page",
            "stalled_20wd_page",
            "overdue_5d_page",
            "stalled_30d_count",
            "stalled_30d_rows_page",
            "backlog_aggregation",
            "backlog_aggregation_commune",
        ):
            f[f"{backend}:{q}:p50"] = g(search, backend, q, "p50_ms")
            f[f"{backend}:{q}:p95"] = g(search, backend, q, "p95_ms")
    f["stalled_es_p95"] = f["elasticsearch:stalled_30d_page:p95"]
    f["deadlines"] = f["deadlines_s"]
    f["generation_1m"] = f["generation_1m_min"]
    f["rebuild_capped"] = g(search, "rebuild", "capped")
    f["rebuild_projected_s"] = g(search, "rebuild", "projected_seconds")
    f["sweep"] = {
        int(n): {
            "seconds": lv.get("seconds"),
            "ms_per_case": lv.get("ms_per_case"),
            "capped": lv.get("capped"),
            "runs": len(lv.get("runs", [])),
        }
        for n, lv in sweep.items()
    }
    if f["sweep"]:
        ns = sorted(f["sweep"])
        lo, hi = f["sweep"][ns[0]]["ms_per_case"], f["sweep"][ns[-1]]["ms_per_case"]
        f["sweep_linear"] = round(hi / lo, 2) if lo and hi and len(ns) > 1 else None
        f["sweep_100k"] = f["sweep"].get(100_000, {}).get("seconds")
    f["report_compute"] = g(raw, "reports", "compute", "p50_s")
    f["report_page"] = g(raw, "reports", "page", "p50_s")
    f["report_xlsx"] = g(raw, "reports", "xlsx", "p50_s")
    for key, lv in (g(raw, "caselist", default={}) or {}).items():
        if isinstance(lv, dict) and "p50_ms" in lv:
            f[f"caselist:{key}:p50"] = lv["p50_ms"]
            f[f"caselist:{key}:p95"] = lv["p95_ms"]
    pages = g(raw, "pages", default={}) or {}
    for key, lv in pages.items():
        if key.count(":") == 1 and isinstance(lv, dict) and "p50_ms" in lv:
            f[f"pages:{key}:p50"] = lv["p50_ms"]
            f[f"pages:{key}:p95"] = lv["p95_ms"]
            f[f"pages:{key}:sql"] = lv.get("sql_statements")
    f["pages_worst_p95"] = pages.get("worst_p95_ms")
    f["pages_worst_page"] = pages.get("worst_page")
    f["dashboard_backlog_p95"] = g(pages, "backlog_dashboard_backend", "p95_ms")
    f["dashboard_backlog_p50"] = g(pages, "backlog_dashboard_backend", "p50_ms")
    f["dashboard_backlog_backend"] = g(pages, "backlog_dashboard_backend", "backend")
    replica = raw.get("replica", {}) or {}
    f["replica_skipped"] = replica.get("skipped") or replica.get("error")
    for target in ("primary", "replica"):
        for name in ("backlog", "overview"):
            for p in ("p50", "p95"):
                f[f"replica:idle:{name}:{target}:{p}"] = g(replica, "idle", f"{name}:{target}", f"{p}_ms")
                f[f"replica:loaded:{name}:{target}:{p}"] = g(replica, "loaded", target, f"{name}_{p}_ms")
        f[f"replica:loaded:intake:{target}"] = g(replica, "loaded", target, "intake_cases_per_s")
        f[f"replica:loaded:cpu_primary:{target}"] = g(replica, "loaded", target, "cpu_s_primary_cluster")
        f[f"replica:loaded:cpu_replica:{target}"] = g(replica, "loaded", target, "cpu_s_replica_cluster")
    f["replica_backlog_p95"] = f["replica:loaded:backlog:replica:p95"]
    f["replica_lag"] = g(replica, "loaded", "replica", "lag_max_s")
    f["replica_catch_up_s"] = g(replica, "catch_up_s")
    idle_probe = g(replica, "own_write_visible_idle", default={}) or {}
    loaded_probes = [
        g(replica, "loaded", t, default={}) or {} for t in ("primary", "replica") if g(replica, "loaded", t)
    ]
    f["replica_own_write"] = (
        {
            "idle_p50": idle_probe.get("p50_ms"),
            "idle_max": idle_probe.get("max_ms"),
            "idle_stale": idle_probe.get("first_read_stale"),
            "idle_n": idle_probe.get("n"),
            "loaded_p50": max((p.get("own_write_visible_p50_ms") or 0 for p in loaded_probes), default=None),
            "loaded_max": max((p.get("own_write_visible_max_ms") or 0 for p in loaded_probes), default=None),
            "loaded_stale": sum(p.get("own_write_first_read_stale") or 0 for p in loaded_probes),
            "loaded_n": sum(p.get("own_write_probes") or 0 for p in loaded_probes),
        }
        if idle_probe
        else None
    )
    return f


def profile_excerpt(rel: str | None, lines: int = 16) -> str:
    """The top of a profile: the section listing this project's functions (cProfile), else the
    inclusive list (py-spy)."""
    if not rel:
        return ""
    path = ROOT / rel
    if not path.exists():
        return ""
    text = path.read_text().splitlines()
    header = text[0] if text else ""
    marker = next((i for i, ln in enumerate(text) if ln.startswith("--- this project")), None)
    if marker is not None:
        body = [ln for ln in text[marker + 1 :] if re.search(r"\d+\.\d{3} .*\(", ln)]
        body = [re.sub(r"\S*/(cases|publicsite|notifications|search)/", r"\1/", ln) for ln in body]
        cols = "   ncalls  tottime  percall  cumtime  percall function"
        return "\n".join([header, cols, *body[:lines]])
    marker = next((i for i, ln in enumerate(text) if ln.startswith("--- inclusive")), None)
    if marker is not None:
        body = [ln for ln in text[marker + 1 :] if ln.strip() and not ln.startswith("---")]
        body = [ln for ln in body if re.search(r"\((search|cases|publicsite|notifications)/", ln)]
        return "\n".join([header, *body[:lines]])
    return header


def evaluate(by_label: dict[str, dict]) -> dict:
    """Targets on the largest scale that has the figure."""
    labels = sorted(by_label, key=lambda k: by_label[k]["figures"].get("cases") or 0)
    out = {}
    for key, (title, op, target, unit) in TARGETS.items():
        value = scale = None
        if key in PER_SCALE:
            have = [(lb, by_label[lb]["figures"].get(key)) for lb in labels]
            have = [(lb, v) for lb, v in have if v is not None]
            if have:
                scale, value = max(have, key=lambda lv: lv[1])
        for label in [] if key in PER_SCALE else reversed(labels):
            v = by_label[label]["figures"].get(key)
            if v is not None:
                value, scale = v, label
                break
        if (
            key == "sweep_100k"
            and scale
            and by_label[scale]["figures"]["sweep"].get(100_000, {}).get("capped")
        ):
            title = title + " (projected from a capped run)"
        if key == "rebuild_rate" and scale and by_label[scale]["figures"].get("rebuild_capped"):
            title = title + " (rate of a capped run)"
        ok = met(value, op, target)
        out[key] = {
            "title": title,
            "op": op,
            "target": target,
            "unit": unit,
            "value": value,
            "scale": scale,
            "met": ok,
            "miss": "" if ok or ok is None else miss_by(value, op, target),
        }
    return out


def why(key: str, raw: dict) -> tuple[str, str | None]:
    """What the measurements say about a miss, and the profile that shows it."""
    if key in ("intake_rate", "intake_p95", "intake_ratio"):
        p = g(raw, "profiles", "intake", default={}) or {}
        b = g(raw, "profiles", "bare", default={}) or {}
        return (
            f"the intake runs {p.get('sql_per_request')} SQL statements per request "
            f"(bare view: {b.get('sql_per_request')}); "
            f"{p.get('ms_per_request_under_cprofile')} ms per request "
            f"in-process under cProfile vs {b.get('ms_per_request_under_cprofile')} ms for the bare view",
            p.get("profile"),
        )
    if key == "tracking_p95":
        p = g(raw, "profiles", "tracking", default={}) or {}
        return f"{p.get('sql_per_request')} SQL statements per look-up", p.get("profile")
    if key in ("sweep_100k", "sweep_linear"):
        levels = g(raw, "sweep", "levels", default={}) or {}
        prof = next((lv.get("profile") for lv in levels.values() if lv.get("profile")), None)
        per = ", ".join(
            f"{int(n):,} due: {lv.get('ms_per_case')} ms/case"
            for n, lv in sorted(levels.items(), key=lambda kv: int(kv[0]))
        )
        return (
            f"the cost per due case is flat ({per}); it is the Python work of building each case's "
            "rows (events with their hash chain, history, outbox with redaction) in one process, "
            "with about 15 SQL statements and 3 COPY per chunk of 500 cases",
            prof,
        )
    if key == "rebuild_rate":
        return "see the py-spy profile of the rebuild command", g(raw, "search", "rebuild", "profile")
    if key == "pages_worst_p95":
        pages = g(raw, "pages", default={}) or {}
        slow = sorted(
            ((k, v) for k, v in pages.items() if k.count(":") == 1 and isinstance(v, dict) and "p95_ms" in v),
            key=lambda kv: -kv[1]["p95_ms"],
        )
        over = [
            f"`{k}` {v['p95_ms']} ms ({v.get('sql_statements')} SQL)" for k, v in slow if v["p95_ms"] > 200
        ]
        return "pages over 200 ms at p95: " + ", ".join(over), None
    if key == "stalled_es_p95":
        return "see the per-query table", None
    return "", None


def sweep_cell(f: dict, n: int) -> str:
    lv = f.get("sweep", {}).get(n)
    if not lv:
        return "—"
    text = f"{fmt(lv['seconds'], 's', 2)} · {fmt(lv['ms_per_case'], digits=2)}"
    if lv.get("capped"):
        text = "projected " + text + " (capped run)"
    elif lv["runs"] == 1:
        text += " (1 run)"
    return text


def write_markdown(report: dict, out: Path, notes: str) -> None:
    labels = report["scales_order"]
    scales = report["scales"]
    m = report["machine"]
    L = []
    L.append("# Benchmarks at national scale")
    L.append("")
    L.append(
        f"Run of {report['date']} on `{m.get('hostname')}`: {m.get('cpu')}, {m.get('cpus')} CPUs, "
        f"{m.get('memory_gb')} GB RAM; PostgreSQL {m.get('postgresql')} "
        f"({', '.join(f'{k}={v}' for k, v in (m.get('postgresql_settings') or {}).items())}), "
        f"Elasticsearch {m.get('elasticsearch')} (512 MB heap), Redis {m.get('redis')}, "
        f"Python {m.get('python')}, Django {m.get('django')}. All services and the load generator on "
        f"the same machine, over 127.0.0.1. Load average at the start: {m.get('loadavg')}."
    )
    L.append("")
    L.append(
        "Medians of several runs; p50/p95 are per-request percentiles within a run, then the median "
        "over runs. See [README](../README.md) for how each figure is measured."
    )
    L.append("")
    L.append("![chart](latest.png)")
    L.append("")
    header = (
        "| Measurement | "
        + " | ".join(f"{scales[lb]['figures'].get('cases'):,} cases" for lb in labels)
        + " |"
    )
    L.append(header)
    L.append("|---|" + "---|" * len(labels))

    def row(title, fn):
        L.append(f"| {title} | " + " | ".join(fn(scales[lb]["figures"]) for lb in labels) + " |")

    row(
        "Intake via `POST /api/v1/cases/` (cases/s · p50 · p95)",
        lambda f: f"{fmt(f['intake_rate'])}/s · {fmt(f['intake_p50'])} · {fmt(f['intake_p95'], 'ms')}",
    )
    row(
        "Bare-insert view (requests/s · p50 · p95)",
        lambda f: f"{fmt(f['bare_rate'])}/s · {fmt(f['bare_p50'])} · {fmt(f['bare_p95'], 'ms')}",
    )
    row(
        "Intake cost ÷ bare cost (1/throughput; mean latency)",
        lambda f: f"{fmt(f['intake_ratio'], '×', 2)}; {fmt(f['intake_ratio_latency'], '×', 2)}",
    )
    row(
        "CPU ms per request, workers + their PostgreSQL sessions: intake (app + db) · bare · ratio",
        lambda f: (
            (
                f"{fmt(f['intake_cpu_ms'])} ({fmt(f['intake_cpu_ms_app'])} + {fmt(f['intake_cpu_ms_db'])}) · "
                f"{fmt(f['bare_cpu_ms'], digits=2)} · {fmt(f['intake_ratio_cpu'], '×')}"
            )
            if f.get("intake_cpu_ms") is not None
            else "—"
        ),
    )
    row(
        "CPU ms per tracking look-up (workers + PostgreSQL)",
        lambda f: fmt(f.get("tracking_cpu_ms")),
    )
    row(
        "SQL statements per intake / per tracking look-up",
        lambda f: f"{fmt(f['intake_sql'], digits=0)} / {fmt(f['tracking_sql'], digits=0)}",
    )
    row(
        "Tracking `GET /api/v1/cases/{ref}/` (look-ups/s · p50 · p95)",
        lambda f: f"{fmt(f['tracking_rate'])}/s · {fmt(f['tracking_p50'])} · {fmt(f['tracking_p95'], 'ms')}",
    )
    for q, title in (
        ("stalled_30d_page", "Stalled ≥30 days, first 50"),
        ("stalled_20wd_page", "Stalled ≥20 working days, first 50"),
        ("overdue_5d_page", "Overdue ≥5 days, first 50"),
        ("stalled_30d_count", "Stalled ≥30 days, count"),
        ("stalled_30d_rows_page", "Stalled ≥30 days, 50 rows as listed"),
        ("backlog_aggregation", "Backlog aggregation, whole province"),
        ("backlog_aggregation_commune", "Backlog aggregation, one commune"),
    ):
        row(
            f"{title}: PostgreSQL p50/p95 · Elasticsearch p50/p95 (ms)",
            lambda f, q=q: (
                f"{fmt(f[f'database:{q}:p50'])}/{fmt(f[f'database:{q}:p95'])} · "
                f"{fmt(f[f'elasticsearch:{q}:p50'])}/{fmt(f[f'elasticsearch:{q}:p95'])}"
            ),
        )
    all_ns = sorted({n for lb in labels for n in scales[lb]["figures"].get("sweep", {})})
    for n in all_ns:
        row(
            f"Escalation sweep, {n:,} due (s · ms per case)",
            lambda f, n=n: sweep_cell(f, n),
        )
    row(
        "Search rebuild, Elasticsearch (cases/s · s)",
        lambda f: (
            f"{fmt(f['rebuild_rate'])}/s · {fmt(f['rebuild_seconds'], 's')}"
            + (
                f" (capped; whole index projected {fmt(f['rebuild_projected_s'], 's')})"
                if f["rebuild_capped"]
                else ""
            )
            + (f" (bulk load alone: {fmt(f['rebuild_bulk_rate'])}/s)" if f.get("rebuild_bulk_rate") else "")
        ),
    )
    ckeys = sorted(
        {k.rsplit(":", 1)[0] for lb in labels for k in scales[lb]["figures"] if k.startswith("caselist:")}
    )
    for ck in ckeys:
        row(
            f"Inspector case list `{ck.split(':', 1)[1]}` p50/p95 (ms)",
            lambda f, ck=ck: f"{fmt(f.get(ck + ':p50'))}/{fmt(f.get(ck + ':p95'))}",
        )
    pkeys = sorted(
        {k.rsplit(":", 1)[0] for lb in labels for k in scales[lb]["figures"] if k.startswith("pages:")}
    )
    for pk in pkeys:
        row(
            f"Staff page `{pk.split(':', 1)[1]}` p50/p95 (ms) · SQL statements",
            lambda f, pk=pk: (
                f"{fmt(f.get(pk + ':p50'))}/{fmt(f.get(pk + ':p95'))} · {fmt(f.get(pk + ':sql'), digits=0)}"
            ),
        )
    if any(scales[lb]["figures"].get("dashboard_backlog_p95") is not None for lb in labels):
        row(
            "Backlog aggregation, province, on the dashboard's backend p50/p95 (ms)",
            lambda f: (
                f"{fmt(f.get('dashboard_backlog_p50'))}/{fmt(f.get('dashboard_backlog_p95'))}"
                f" ({f.get('dashboard_backlog_backend') or '—'})"
            ),
        )
    row(
        "Yearly periodic report: computed · page · XLSX, p50 (s)",
        lambda f: " · ".join(fmt(f.get(k), "s") for k in ("report_compute", "report_page", "report_xlsx")),
    )
    row(
        "Storage per case (bytes · rows)",
        lambda f: f"{fmt(f['storage_bytes_per_case'])} B · {fmt(f['storage_rows_per_case'], digits=2)}",
    )
    if any(scales[lb]["figures"].get("replica:idle:backlog:replica:p50") is not None for lb in labels):

        def pair(f, phase, name):
            return " · ".join(
                f"{fmt(f.get(f'replica:{phase}:{name}:{t}:p50'))}/{fmt(f.get(f'replica:{phase}:{name}:{t}:p95'))}"
                for t in ("primary", "replica")
            )

        for phase, when in (("idle", "idle"), ("loaded", "under intake load")):
            row(
                f"Backlog aggregation, province, {when}: on primary p50/p95 · on replica p50/p95 (ms)",
                lambda f, phase=phase: pair(f, phase, "backlog"),
            )
            row(
                f"Oversight overview page, {when}: on primary p50/p95 · on replica p50/p95 (ms)",
                lambda f, phase=phase: pair(f, phase, "overview"),
            )
        row(
            "Intake cases/s while the dashboard reads the primary · the replica",
            lambda f: " · ".join(fmt(f.get(f"replica:loaded:intake:{t}")) for t in ("primary", "replica")),
        )
        row(
            "CPU s per load run of the primary · the replica cluster: dashboard on primary; on replica",
            lambda f: "; ".join(
                f"{fmt(f.get(f'replica:loaded:cpu_primary:{t}'))} · "
                f"{fmt(f.get(f'replica:loaded:cpu_replica:{t}'))}"
                for t in ("primary", "replica")
            ),
        )
        row(
            "A write read back from the replica at once: visible after p50/max (ms), first read stale; "
            "idle · under intake load",
            lambda f: (
                (
                    "{idle_p50}/{idle_max} ms, {idle_stale} of {idle_n} stale · "
                    "{loaded_p50}/{loaded_max} ms, {loaded_stale} of {loaded_n} stale"
                ).format(**{k: fmt(v, digits=0 if k.endswith(("_n", "_stale")) else 1) for k, v in o.items()})
                if (o := f.get("replica_own_write"))
                else "—"
            ),
        )
        row(
            "Replication lag under intake load, max (s) · catch-up before the section (s)",
            lambda f: f"{fmt(f.get('replica_lag'), 's', 3)} · {fmt(f.get('replica_catch_up_s'), 's', 2)}",
        )
    elif any(scales[lb]["figures"].get("replica_skipped") for lb in labels):
        row(
            "Oversight dashboard on the primary and on a streaming replica",
            lambda f: f"not measured: {f.get('replica_skipped') or '—'}",
        )
    row("Deadline engine, 100,000 deadlines (s)", lambda f: fmt(f["deadlines_s"], "s", 3))
    row(
        "generate_cases (cases/s · 1M projected)",
        lambda f: f"{fmt(f['generation_rate'])}/s · {fmt(f['generation_1m_min'], 'min')}",
    )
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| Target | Goal | Measured | Scale | Met | By how much |")
    L.append("|---|---|---|---|---|---|")
    for t in report["targets"].values():
        mark = "✅" if t["met"] else ("—" if t["met"] is None else "❌")
        L.append(
            f"| {t['title']} | {t['op']} {t['target']:,} {t['unit']} | {fmt(t['value'], t['unit'], 2)} | "
            f"{t['scale'] or '—'} | {mark} | {t['miss']} |"
        )
    misses = [k for k, t in report["targets"].items() if t["met"] is False]
    shown: set[str] = set()
    if misses:
        L.append("")
        L.append("## Missed targets: what the measurements show")
        for key in misses:
            t = report["targets"][key]
            raw = scales[t["scale"]]["raw"]
            text, prof = why(key, raw)
            L.append("")
            L.append(f"### {t['title']}: {t['miss']}")
            L.append("")
            if text:
                L.append(text + ".")
            if prof and prof in shown:
                L.append("")
                L.append(f"Profile: [`{prof}`](../../{prof}), excerpt above.")
            elif prof:
                shown.add(prof)
                L.append("")
                L.append(f"Profile: [`{prof}`](../../{prof}). Top of it (this project's functions):")
                L.append("")
                L.append("```")
                L.append(profile_excerpt(prof))
                L.append("```")
    for lb in labels:
        sweep = g(scales[lb]["raw"], "sweep", "levels", default={}) or {}
        big = max(sweep, key=int, default=None)
        if big and sweep[big].get("explain"):
            L.append("")
            L.append(
                f"## The sweep's selection query ({int(big):,} due among "
                f"{scales[lb]['figures'].get('cases'):,} cases): EXPLAIN (ANALYZE, BUFFERS)"
            )
            L.append("")
            L.append("```")
            L.extend(sweep[big]["explain"])
            L.append("```")
    if notes.strip():
        L.append("")
        L.append(notes.strip())
    out.write_text("\n".join(L) + "\n")


def write_chart(report: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["scales_order"]
    figs = [report["scales"][lb]["figures"] for lb in labels]
    names = [f"{f['cases']:,}" for f in figs]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    fig.suptitle(
        f"KNTC case tracker benchmarks — {report['date'][:10]} — "
        f"{report['machine'].get('cpus')} CPUs, all on one machine",
        fontsize=12,
    )

    ax = axes[0][0]
    x = range(len(labels))
    w = 0.38
    ax.bar([i - w / 2 for i in x], [f["intake_rate"] or 0 for f in figs], w, label="intake API (cases/s)")
    ax.bar([i + w / 2 for i in x], [f["bare_rate"] or 0 for f in figs], w, label="bare INSERT view (req/s)")
    ax.axhline(100, color="red", ls="--", lw=1, label="target ≥ 100 cases/s")
    for i, f in enumerate(figs):
        ax.text(
            i - w / 2,
            (f["intake_rate"] or 0),
            f"p95 {fmt(f['intake_p95'], 'ms', 0)}\n×{fmt(f['intake_ratio'], '', 2)}",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(list(x), [f"{n} cases" for n in names])
    ax.set_title("Intake under load (gunicorn 2 workers, wrk 4 connections)")
    ax.legend(fontsize=8)

    ax = axes[0][1]
    items = [
        ("tracking p95", "tracking_p95", None),
        ("stalled 50 PG", "database:stalled_30d_page:p95", None),
        ("stalled 50 ES", "elasticsearch:stalled_30d_page:p95", None),
        ("backlog PG", "database:backlog_aggregation:p95", None),
        ("backlog ES", "elasticsearch:backlog_aggregation:p95", None),
        ("backlog PG\nprimary, load", "replica:loaded:backlog:primary:p95", None),
        ("backlog PG\nreplica, load", "replica:loaded:backlog:replica:p95", None),
    ]
    w = 0.8 / max(1, len(labels))
    for j, (lb, f) in enumerate(zip(names, figs, strict=True)):
        ax.bar(
            [i + j * w for i in range(len(items))],
            [f.get(k) or 0 for _t, k, _ in items],
            w,
            label=f"{lb} cases",
        )
    ax.set_xticks(
        [i + w * (len(labels) - 1) / 2 for i in range(len(items))], [t for t, _k, _ in items], fontsize=8
    )
    ax.axhline(50, color="orange", ls="--", lw=1, label="tracking target 50 ms")
    ax.axhline(100, color="red", ls="--", lw=1, label="stalled (ES) target 100 ms")
    ax.set_yscale("log")
    ax.set_ylabel("p95 ms (log)")
    ax.set_title("Look-ups and queries, p95")
    ax.legend(fontsize=8)

    ax = axes[1][0]
    for lb, f in zip(names, figs, strict=True):
        pts = sorted((n, v["seconds"]) for n, v in (f.get("sweep") or {}).items() if v.get("seconds"))
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=f"{lb} cases")
    ax.axhline(60, color="red", ls="--", lw=1, label="target: 100,000 due ≤ 60 s")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cases due")
    ax.set_ylabel("sweep seconds")
    ax.set_title("Escalation sweep time vs cases due")
    if any(v.get("capped") for f in figs for v in (f.get("sweep") or {}).values()):
        ax.text(
            0.98,
            0.02,
            "some points projected from capped runs",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="dimgray",
        )
    ax.legend(fontsize=8)

    ax = axes[1][1]
    ax.bar(range(len(labels)), [f["rebuild_rate"] or 0 for f in figs], 0.5, label="search_index rebuild (ES)")
    ax.axhline(5000, color="red", ls="--", lw=1, label="target ≥ 5,000 cases/s")
    ax.set_xticks(list(range(len(labels))), [f"{n} cases" for n in names])
    ax.set_ylabel("cases/s")
    ax.set_title("Search rebuild throughput")
    ax.legend(fontsize=8)

    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", default="bench/results")
    parser.add_argument("raw", nargs="+")
    args = parser.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    raws = [json.loads(Path(p).read_text()) for p in args.raw]
    raws.sort(key=lambda r: r.get("cases_at_start") or 0)
    scales = {r["label"]: {"figures": figures(r), "raw": r} for r in raws}
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": raws[-1].get("machine", {}),
        "scales_order": [r["label"] for r in raws],
        "scales": scales,
    }
    report["targets"] = evaluate(scales)
    (out_dir / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    notes_path = out_dir / "notes.md"
    write_markdown(report, out_dir / "latest.md", notes_path.read_text() if notes_path.exists() else "")
    try:
        write_chart(report, out_dir / "latest.png")
    except Exception as exc:  # the chart is a convenience; the JSON and the table are the record
        print(f"report: chart not drawn: {exc}")
    print(f"report: {out_dir / 'latest.json'}, {out_dir / 'latest.md'}, {out_dir / 'latest.png'}")
    for _key, t in report["targets"].items():
        status = "met" if t["met"] else ("n/a" if t["met"] is None else f"MISSED {t['miss']}")
        print(f"  {t['title']}: {fmt(t['value'], t['unit'], 2)} [{t['scale']}] {status}")


if __name__ == "__main__":
    main()
