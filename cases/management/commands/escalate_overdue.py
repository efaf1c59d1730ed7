import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.monitoring.services import escalation_sweep_recorded


class Command(BaseCommand):
    help = (
        "Cảnh báo, chuyển cấp hồ sơ sắp/quá hạn và đánh dấu hồ sơ ngưng trệ / warn before deadlines, "
        "escalate breaches up the ladder, flag stalled cases. The periodic task runs the same service."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO datetime to sweep as of (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        when = None
        if now:
            try:
                when = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        report = escalation_sweep_recorded(now=when, dry_run=dry_run)
        for line in report.planned:
            self.stdout.write(f"would: {line}")
        self.stdout.write(
            f"{'DRY RUN: ' if dry_run else ''}examined {report.examined} cases due; "
            f"warnings {report.warnings}, escalations {report.escalations}, stalled {report.stalled}, "
            f"notices {report.notices}"
        )
        if report.failed_chunks:
            raise CommandError(
                f"{report.failed_chunks} chunk(s) of cases failed and were rolled back (see the log); "
                "the next sweep tries them again"
            )
