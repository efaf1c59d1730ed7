"""Benchmark the pure deadline engine: 100,000 deadlines over mixed rules, trigger dates and case flags.

Run: .venv/bin/python bench/bench_deadlines.py [--n 100000] [--runs 5]
Prints one JSON line: the median wall time of the runs and the rate. Needs no Django settings.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases.deadlines import compute_due, load_calendar_csv, load_rules


def build_workload(n: int, seed: int = 2026) -> list[tuple[str, date, dict[str, object]]]:
    """A fixed, mixed workload: every rule with a numeric limit, triggers across 2025–2027."""
    rules = load_rules()
    rng = random.Random(seed)
    codes = sorted({r.code for r in rules if r.limit is not None})
    start = date(2025, 1, 1)
    work: list[tuple[str, date, dict[str, object]]] = []
    while len(work) < n:
        code = rng.choice(codes)
        trigger = start + timedelta(days=rng.randrange(3 * 365 - 120))
        try:
            rule = rules.get(code, trigger)
        except ValueError:  # K15/K16/R6 exist only from 2026-07-01
            continue
        flags: dict[str, object] = {}
        roll = rng.random()
        if roll < 0.15:
            flags["complex"] = True
        elif roll < 0.2:
            flags["especially_complex"] = True
        if rng.random() < 0.1:
            flags["remote"] = True
        if code == "T4" and (flags.get("complex") or flags.get("especially_complex")) and rng.random() < 0.5:
            flags["extensions"] = 1
        if rule.direction == "after" and rule.unit != "years" and rng.random() < 0.1:
            p = trigger + timedelta(days=rng.randrange(1, 20))
            flags["paused"] = [(p, p + timedelta(days=rng.randrange(0, 15)))]
        work.append((code, trigger, flags))
    return work


def run_once(work, rules, calendar) -> float:
    t0 = time.perf_counter()
    for code, trigger, flags in work:
        compute_due(rules.get(code, trigger), trigger, calendar, **flags)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    rules = load_rules()
    t0 = time.perf_counter()
    calendar = load_calendar_csv()
    calendar_build_s = time.perf_counter() - t0
    work = build_workload(args.n)
    times = [run_once(work, rules, calendar) for _ in range(args.runs)]
    median = statistics.median(times)
    print(
        json.dumps(
            {
                "benchmark": "deadlines.compute_due",
                "n": args.n,
                "runs": args.runs,
                "median_s": round(median, 4),
                "per_second": round(args.n / median),
                "min_s": round(min(times), 4),
                "max_s": round(max(times), 4),
                "calendar_build_s": round(calendar_build_s, 4),
                "calendar_version": calendar.version,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
