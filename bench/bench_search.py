"""Benchmark the search backends on synthetic cases: stalled-case queries, counts, the backlog
aggregation and full-text search, p50/p95 per backend, against the real PostgreSQL and Elasticsearch.

Run it on a database of its own (it migrates it and adds synthetic cases with cases.generation):

    DATABASE_URL=postgres://kntc:kntc@127.0.0.1:54329/kntc_bench \\
    DJANGO_SETTINGS_MODULE=config.settings.test ELASTICSEARCH_INDEX_PREFIX=kntc-bench \\
    .venv/bin/python bench/bench_search.py --cases 100000 --runs 30

Prints one JSON line per (backend, query) and a last line checking that both backends returned
the same cases for every query."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Authority, Case  # noqa: E402
from search.backends import get_backend  # noqa: E402
from search.criteria import StalledCriteria  # noqa: E402
from search.sync import rebuild  # noqa: E402
from search.timeutil import working_calendar  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def queries(sub_unit: str | None) -> dict[str, object]:
    q: dict[str, object] = {
        "stalled_30d_page": ("find", StalledCriteria(days=30), 50),
        "stalled_30d_all": ("find", StalledCriteria(days=30), None),
        "stalled_20wd_page": ("find", StalledCriteria(days=20, working_days=True), 50),
        "overdue_5d_page": ("find", StalledCriteria(overdue_by=5), 50),
        "bounced_3x_extended": ("find", StalledCriteria(min_transfers=2, min_extensions=1), None),
        "count_30d": ("count", StalledCriteria(days=30), None),
        "backlog_aggregation": ("aggregate", None, None),
        "fulltext_khieu_nai_dat": ("search", "khieu nai dat", 500),
        "fulltext_to_cao_can_bo": ("search", "to cao can bo", 500),
    }
    if sub_unit:
        q["stalled_60d_subunit_page"] = ("find", StalledCriteria(days=60, authority=sub_unit), 50)
        q["backlog_aggregation_subunit"] = ("aggregate", (sub_unit,), None)
    return q


def run(backend, kind, arg, limit, now, calendar):
    if kind == "find":
        return backend.find_stalled(arg, now=now, limit=limit, calendar=calendar)
    if kind == "count":
        return backend.count_stalled(arg, now=now, calendar=calendar)
    if kind == "aggregate":
        cells = backend.aggregate_backlog(now=now, within=arg)
        return sorted((c.authority, c.status, c.bucket, c.count, c.overdue) for c in cells)
    return sorted(backend.search(arg, limit=limit))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse the indexes built last time")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    existing = Case.objects.count()
    if existing < args.cases:
        from cases.generation import generate_cases

        t0 = time.perf_counter()
        generate_cases(count=args.cases - existing, seed=args.seed, prefix="BEN")
        print(json.dumps({"generated": args.cases - existing, "seconds": round(time.perf_counter() - t0, 1)}))
    total = Case.objects.count()
    backends = [get_backend("database"), get_backend("elasticsearch")]
    if not args.skip_rebuild:
        for backend in backends:
            t0 = time.perf_counter()
            n = rebuild(backend)
            backend.refresh()
            print(
                json.dumps(
                    {"rebuild": backend.name, "documents": n, "seconds": round(time.perf_counter() - t0, 1)}
                )
            )

    now = timezone.now()
    calendar = working_calendar()
    sub_unit = (
        Authority.objects.filter(parent__isnull=False).order_by("code").values_list("code", flat=True).first()
    )
    answers: dict[tuple[str, str], object] = {}
    for backend in backends:
        for name, (kind, arg, limit) in queries(sub_unit).items():
            run(backend, kind, arg, limit, now, calendar)  # warm-up
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                answers[(backend.name, name)] = result = run(backend, kind, arg, limit, now, calendar)
                times.append((time.perf_counter() - t0) * 1000)
            size = result if isinstance(result, int) else len(result)
            print(
                json.dumps(
                    {
                        "backend": backend.name,
                        "query": name,
                        "cases": total,
                        "results": size,
                        "p50_ms": round(statistics.median(times), 2),
                        "p95_ms": round(percentile(times, 95), 2),
                        "runs": args.runs,
                    }
                )
            )
    mismatches = []
    for name, (kind, _arg, limit) in queries(sub_unit).items():
        db, es = answers[("database", name)], answers[("elasticsearch", name)]
        if kind == "search" and limit is not None and max(len(db), len(es)) >= limit:
            continue  # truncated: the two rank differently (relevance vs recency), sets differ at the cut
        if db != es:
            mismatches.append(name)
    print(json.dumps({"same_answers": not mismatches, "mismatches": mismatches}))


if __name__ == "__main__":
    main()
