"""manage.py import_holidays FILE.csv [--dry-run] [--prune] [--recompute]

Thin wrapper around ``cases.calendar_services.holidays_import``: read, validate every row, write
(or not), recompute the open deadlines, print what happened. Any bad row: nothing is written and the
command exits non-zero naming each row and the reason."""

from django.core.management.base import BaseCommand, CommandError

from cases.actors import SYSTEM
from cases.calendar_services import CalendarImportError, holiday_rows_read, holidays_import


class Command(BaseCommand):
    help = (
        "Nhập lịch ngày nghỉ/làm bù từ tệp CSV (cột date,kind,name; tuỳ chọn source,confirmed) rồi tính lại "
        "các thời hạn đang chạy. / Import the working-day calendar from a CSV (columns date,kind,name; "
        "optional source,confirmed) and recompute open deadlines. Kinds: holiday, compensatory, "
        "swapped_off, makeup_workday. Idempotent; any bad row: nothing is written, exit status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp CSV / CSV file (UTF-8)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="chỉ báo những gì sẽ thay đổi, không ghi gì / report what would change, write nothing",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help=(
                "xoá các ngày của những năm có trong tệp mà tệp không liệt kê / also remove the rows of "
                "the years the file covers that the file does not list"
            ),
        )
        parser.add_argument(
            "--recompute",
            action="store_true",
            help=(
                "tính lại thời hạn kể cả khi lịch không đổi (ví dụ sau khi sửa bảng quy tắc thời hạn) "
                "/ recompute open deadlines even if the file changes nothing (e.g. after correcting the "
                "rule table)"
            ),
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                rows = holiday_rows_read(fh)
            report = holidays_import(
                rows,
                actor=SYSTEM,
                dry_run=options["dry_run"],
                prune=options["prune"],
                recompute=options["recompute"],
            )
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path} / cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"Tệp {path} không phải UTF-8 / {path} is not UTF-8: {exc}") from exc
        except CalendarImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path}: {len(exc.errors)} lỗi, không ghi gì vào lịch. "
                f"/ {len(exc.errors)} error(s), nothing was written."
            ) from exc

        if report.dry_run:
            self.stdout.write("[Chạy thử / dry run] Không ghi gì vào cơ sở dữ liệu. / Nothing is written.")
        for change in report.changes:
            self.stdout.write(change.describe())
        if report.has_changes:
            added, changed, removed = len(report.added), len(report.changed), len(report.removed)
            same = len(report.unchanged)
            if report.dry_run:
                self.stdout.write(
                    f"Sẽ thêm {added}, sửa {changed}, xoá {removed}, giữ nguyên {same}. "
                    f"/ Would add {added}, change {changed}, remove {removed}; {same} unchanged."
                )
            else:
                self.stdout.write(
                    f"Thêm {added}, sửa {changed}, xoá {removed}, giữ nguyên {same}. "
                    f"/ Added {added}, changed {changed}, removed {removed}; {same} unchanged."
                )
        else:
            self.stdout.write(
                f"Không có thay đổi: {len(report.unchanged)} dòng đã khớp với lịch trong cơ sở dữ liệu. "
                f"/ No changes: all {len(report.unchanged)} rows already match the calendar in the database."
            )
        if report.calendar_version_before != report.calendar_version_after:
            self.stdout.write(
                f"Phiên bản lịch / calendar version: {report.calendar_version_before} → "
                f"{report.calendar_version_after}"
            )
        else:
            self.stdout.write(
                f"Phiên bản lịch không đổi / calendar version unchanged: {report.calendar_version_after}"
            )
        if report.recompute is not None:
            checked, moved, cases = (report.recompute[k] for k in ("checked", "moved", "moved_cases"))
            will_vi, verb_en = ("sẽ ", "would move") if report.dry_run else ("", "moved")
            self.stdout.write(
                f"Đã kiểm tra {checked} thời hạn đang chạy; {moved} thời hạn của {cases} hồ sơ {will_vi}được "
                f"dời. / Checked {checked} open deadline(s); {moved} in {cases} case(s) {verb_en}."
            )
