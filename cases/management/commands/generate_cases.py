import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cases.generation import generate_cases
from cases.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Sinh hồ sơ tổng hợp để đo hiệu năng / write deterministic synthetic cases (with history, events "
        "and deadlines) for benchmarks. Fast on PostgreSQL (COPY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--anchor", help="ISO datetime the data is 'now' for (default: now)")
        parser.add_argument("--years", type=float, default=3.0, help="spread of received dates")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--prefix", default="SYN", help="reference prefix (never the real one)")

    def handle(self, *args, count, seed, anchor, years, batch_size, prefix, **options):
        if count <= 0:
            raise CommandError("--count must be positive")
        anchor_dt = None
        if anchor:
            try:
                anchor_dt = dt.datetime.fromisoformat(anchor)
            except ValueError as exc:
                raise CommandError(f"--anchor: {exc}") from exc
            if anchor_dt.tzinfo is None:
                raise CommandError("--anchor needs a time zone, e.g. 2026-11-26T09:00:00+07:00")

        with progress_bar(self, total=count, unit="case", desc="generate_cases") as bar:

            def progress(done, seconds):
                bar.update(done - bar.n)

            report = generate_cases(
                count=count,
                seed=seed,
                anchor=anchor_dt,
                years=years,
                batch_size=batch_size,
                prefix=prefix,
                progress=progress,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.cases:,} cases ({report.rows:,} rows) in {report.seconds:.1f} s: "
                f"{report.rate:,.0f} cases/s"
            )
        )
