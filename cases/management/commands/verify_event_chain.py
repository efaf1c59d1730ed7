from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.events import chain_verify
from cases.models import Case


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký sự kiện mọi hồ sơ / verify every case's hash-chained event log. "
        "Exits 0 when intact, 1 naming the case and event when a row was altered, inserted or removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case", action="append", default=[], help="reference(s) to check (default: all)"
        )
        parser.add_argument(
            "--against",
            action="append",
            default=[],
            metavar="CHECKPOINTS",
            help="exported checkpoint file(s) or directory: prove no case was rewritten after them",
        )
        parser.add_argument(
            "--public-key", default=None, help="the trusted public key (PEM) the checkpoints were signed with"
        )

    def handle(self, *args, **options):
        if options["against"]:
            return self._against(options)
        ids = None
        if options["case"]:
            ids = list(Case.objects.filter(reference__in=options["case"]).values_list("pk", flat=True))
            if len(ids) != len(set(options["case"])):
                raise CommandError("Không tìm thấy hồ sơ / unknown case reference")
        report = chain_verify(ids)
        if report.ok:
            self.stdout.write(
                f"OK: {report.events_checked} events checked in {report.cases_checked} cases; "
                "all chains intact."
            )
            return
        for problem in report.problems[:200]:
            self.stderr.write(problem)
        raise CommandError(
            f"{len(report.problems)} problem(s) in the event log ({report.events_checked} events checked)"
        )

    def _against(self, options):
        from cases.audit import checkpoints

        key = None
        if options["public_key"]:
            key = checkpoints.load_public_key(Path(options["public_key"]).read_bytes())
        report = checkpoints.verify_against([Path(p) for p in options["against"]], public_key=key)
        if not report.checkpoints:
            raise CommandError("no checkpoint file found")
        if report.ok:
            self.stdout.write(
                f"OK: {report.cases_checked} cases in {report.checkpoints} checkpoint(s) "
                "unchanged since signed."
            )
            return
        for problem in report.problems[:200]:
            self.stderr.write(problem)
        raise CommandError(f"{len(report.problems)} case(s) differ from the signed checkpoints")
