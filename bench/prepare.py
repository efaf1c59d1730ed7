"""Make the bench database hold at least ``--cases`` generated cases (``manage.py generate_cases``),
and remember how fast the generation went (table ``bench_meta``), so a rerun skips it.

Run by scripts/bench.sh with DJANGO_SETTINGS_MODULE=config.settings.bench and BENCH_DATABASE_URL
pointing at the scale's database (already created and migrated)."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

PREFIX = "BEN"  # generated cases: references BEN-<year>-<id>; the API's intakes use HN-...


def meta_get(key: str):
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
        row = cur.fetchone()
    return None if row is None else (json.loads(row[0]) if isinstance(row[0], str) else row[0])


def meta_set(key: str, value) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, json.dumps(value)],
        )


def generated_count() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case WHERE reference LIKE %s", [PREFIX + "-%"])
        return cur.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
    existing = generated_count()
    missing = args.cases - existing
    if missing <= 0:
        print(f"prepare: {existing:,} generated cases already there (wanted {args.cases:,}); nothing to do")
        return
    print(f"prepare: generating {missing:,} cases (have {existing:,}) ...", flush=True)
    anchor = timezone.now().replace(microsecond=0)
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command(
        "generate_cases",
        count=missing,
        seed=args.seed + existing,  # a later top-up gets different cases
        prefix=PREFIX,
        anchor=anchor.isoformat(),
        stdout=out,
    )
    seconds = time.perf_counter() - t0
    last = [line for line in out.getvalue().splitlines() if line.strip()][-1]
    print("prepare: " + last, flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    runs = meta_get("generation") or []
    runs.append(
        {
            "cases": missing,
            "seconds": round(seconds, 1),
            "cases_per_s": round(missing / seconds, 1),
            "anchor": anchor.isoformat(),
            "at": timezone.now().isoformat(),
            "command_output": last,
        }
    )
    meta_set("generation", runs)


if __name__ == "__main__":
    main()
