"""manage.py compute_deadline RULE START_DATE [--complex] [--especially-complex] [--remote]
[--second-level] [--dismissal] [--multi-site] [--extensions N|D1,D2] [--paused FROM:TO ...]

Prints the due date (YYYY-MM-DD) on the first line, then how it was counted, using the working-day
calendar in the database (``cases.deadline_services.working_calendar``) read as the rule's bearer
requires: an unconfirmed day off is a working day for a limit the agency must meet and a day off for
one the citizen must meet (``deadlines.reading_for``); ``--reading`` shows the other reading. For
checking a date by hand, answering a citizen, or auditing a stored deadline."""

from __future__ import annotations

import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError

from cases import deadlines as engine
from cases.deadline_services import unconfirmed_days, working_calendar

UNIT_TEXT = {
    "calendar_days": ("ngày", "calendar days"),
    "working_days": ("ngày làm việc", "working days"),
    "years": ("năm", "years"),
}
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str, what_vi: str, what_en: str) -> dt.date:
    """YYYY-MM-DD, or DD/MM/YYYY as written in Vietnamese documents."""
    text = text.strip()
    try:
        if _ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        m = _VN_DATE.match(text)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise CommandError(
        f"{what_vi} {text!r} không hợp lệ (cần YYYY-MM-DD hoặc DD/MM/YYYY). "
        f"/ Invalid {what_en} {text!r} (expected YYYY-MM-DD or DD/MM/YYYY)."
    )


def parse_pause(text: str) -> tuple[dt.date, dt.date]:
    """FROM:TO, both days included and not counted."""
    parts = text.split(":")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise CommandError(
            f"Khoảng tạm dừng {text!r} không hợp lệ (cần TỪ:ĐẾN, ví dụ 2026-03-02:2026-03-06). "
            f"/ Invalid pause {text!r} (expected FROM:TO, e.g. 2026-03-02:2026-03-06)."
        )
    start = parse_date(parts[0], "Ngày bắt đầu tạm dừng", "pause start")
    end = parse_date(parts[1], "Ngày kết thúc tạm dừng", "pause end")
    if end < start:
        raise CommandError(
            f"Khoảng tạm dừng {text!r} kết thúc trước khi bắt đầu. / Pause {text!r} ends before it starts."
        )
    return start, end


def parse_extensions(text: str) -> int | list[int]:
    """N maximum-length extensions, or the length of each in days: 30,15."""
    text = text.strip()
    try:
        if "," in text:
            lengths = [int(p) for p in text.split(",")]
            if all(n > 0 for n in lengths):
                return lengths
        else:
            count = int(text)
            if count >= 0:
                return count
    except ValueError:
        pass
    raise CommandError(
        f"--extensions {text!r} không hợp lệ (cần số lần, ví dụ 1, hoặc số ngày mỗi lần, ví dụ 30,15). "
        f"/ Invalid --extensions {text!r} (a count, e.g. 1, or each extension's days, e.g. 30,15)."
    )


class Command(BaseCommand):
    help = (
        "Tính hạn theo quy tắc thời hạn và lịch ngày làm việc trong cơ sở dữ liệu; dòng đầu là ngày hết hạn "
        "YYYY-MM-DD. / Compute a statutory due date with the working-day calendar in the database; the "
        "first line is the due date YYYY-MM-DD. START_DATE is the triggering event's day (not counted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("rule", help="mã quy tắc / rule code (K1–K16, T1–T13, R1–R6)")
        parser.add_argument(
            "start_date",
            help="ngày xảy ra sự kiện, không tính / the triggering event's day, not counted "
            "(YYYY-MM-DD or DD/MM/YYYY)",
        )
        parser.add_argument("--complex", action="store_true", help="vụ việc phức tạp / complex case")
        parser.add_argument(
            "--especially-complex",
            action="store_true",
            help="vụ việc đặc biệt phức tạp / especially complex case",
        )
        parser.add_argument(
            "--remote",
            action="store_true",
            help="vùng sâu, vùng xa, đi lại khó khăn / remote area",
        )
        parser.add_argument(
            "--second-level", action="store_true", help="giải quyết lần hai / second-level resolution"
        )
        parser.add_argument(
            "--dismissal",
            action="store_true",
            help="kỷ luật buộc thôi việc (K2 lần hai) / dismissal (K2 second level)",
        )
        parser.add_argument(
            "--multi-site",
            action="store_true",
            help="xác minh nhiều địa điểm (T1) / verification at several sites (T1)",
        )
        parser.add_argument(
            "--extensions",
            default="0",
            metavar="N",
            help="số lần gia hạn tối đa, hoặc số ngày từng lần (30,15) / number of maximum-length "
            "extensions, or each one's days (30,15)",
        )
        parser.add_argument(
            "--paused",
            action="extend",
            nargs="+",
            default=[],
            metavar="FROM:TO",
            help="khoảng tạm dừng, tính cả hai đầu, không tính vào thời hạn / suspension, both days "
            "included, not counted",
        )
        parser.add_argument(
            "--reading",
            choices=["agency", "citizen"],
            help="cách đọc ngày nghỉ chưa xác nhận (mặc định theo người phải thực hiện thời hạn) / how "
            "unconfirmed days are read (default: as the rule's bearer requires)",
        )

    def handle(self, *args, **options):
        code = options["rule"].strip().upper()
        start = parse_date(options["start_date"], "Ngày bắt đầu", "start date")
        rules = engine.load_rules()
        try:
            rule = rules.get(code, start)
        except engine.UnknownRule as exc:
            raise CommandError(f"{exc} (K1–K16, T1–T13, R1–R6)") from exc
        extensions = parse_extensions(options["extensions"])
        pauses = [parse_pause(p) for p in options["paused"]]
        variants = {
            "complex": options["complex"],
            "especially_complex": options["especially_complex"],
            "remote": options["remote"],
            "second_level": options["second_level"],
            "dismissal": options["dismissal"],
            "multi_site": options["multi_site"],
            "extensions": extensions,
            "paused": pauses,
        }
        reading = options.get("reading") or engine.reading_for(rule.bearer)
        calendar = working_calendar(reading)
        try:
            due = engine.compute_due(rule, start, calendar, **variants)
        except engine.DeadlineError as exc:  # unknown variant, no numeric limit, extension refused
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(f"Không tính được hạn. / Cannot compute the due date: {exc}") from exc
        for line in self.describe(due, calendar, pauses, reading):
            self.stdout.write(line)
        for line in self.unconfirmed_warning(due, variants, reading):
            self.stdout.write(line)

    def unconfirmed_warning(self, due: engine.DueDate, variants: dict, reading: engine.Reading) -> list[str]:
        """When the other reading of the unconfirmed days gives another date, the date is
        provisional: name the days and the other date."""
        other_reading: engine.Reading = "citizen" if reading == "agency" else "agency"
        other = engine.compute_due(due.rule, due.trigger_date, working_calendar(other_reading), **variants)
        if other.due_date == due.due_date:
            return []
        dates = (due.trigger_date, due.due_date, other.due_date)
        days = ", ".join(d.isoformat() for d in unconfirmed_days() if min(dates) <= d <= max(dates))
        return [
            f"TẠM TÍNH / PROVISIONAL: hạn phụ thuộc ngày chưa được công bố chính thức ({days}); cách đọc "
            f"còn lại cho {other.due_date.isoformat()} / the date depends on day(s) not yet officially "
            f"announced ({days}); the other reading gives {other.due_date.isoformat()}"
        ]

    def describe(
        self, due: engine.DueDate, calendar: engine.WorkingCalendar, pauses, reading: engine.Reading
    ) -> list[str]:
        rule = due.rule
        unit_vi, unit_en = UNIT_TEXT[rule.unit]
        lines = [
            due.due_date.isoformat(),
            f"Quy tắc / rule: {rule.code} (phiên bản từ / version of {rule.valid_from.isoformat()}; "
            f"độ tin cậy / confidence {rule.confidence}): {rule.title_vi} / {rule.title_en}",
            f"Căn cứ pháp lý: {rule.legal_basis_vi}",
            f"Legal basis: {rule.legal_basis_en}",
        ]
        before = rule.direction == "before"
        if before:
            first, last = due.due_date, due.trigger_date
            lines.append(
                f"Sự kiện / event: {due.trigger_date.isoformat()}; hạn là ít nhất {due.limit_days} {unit_vi} "
                f"trước đó / due at least {due.limit_days} {unit_en} before it"
            )
        else:
            first, last = due.trigger_date + dt.timedelta(days=1), due.due_date
            lines.append(
                f"Sự kiện / event: {due.trigger_date.isoformat()} (không tính / not counted); bắt đầu đếm "
                f"/ counting starts {first.isoformat()}"
            )
        limit = f"Thời hạn / limit: {due.limit_days} {unit_vi} / {unit_en}"
        if due.extension_days:
            limit += f" (gồm gia hạn / including extensions of {due.extension_days} {unit_vi} / {unit_en})"
        lines.append(limit)
        span = (due.trigger_date - due.due_date if before else due.due_date - due.trigger_date).days
        working = (
            calendar.working_days_between(due.due_date, due.trigger_date)
            if before
            else calendar.working_days_between(due.trigger_date, due.due_date)
        )
        lines.append(
            f"Đã đếm / counted: {due.limit_days} {unit_vi} / {unit_en}; "
            f"{first.isoformat()} → {last.isoformat()}: {span} ngày / calendar days, trong đó "
            f"{working} ngày làm việc / of which {working} working days"
        )
        if pauses:
            ranges = ", ".join(f"{a.isoformat()}:{b.isoformat()}" for a, b in pauses)
            lines.append(
                f"Tạm dừng / paused: {due.paused_days} {unit_vi} không tính "
                f"/ {unit_en} not counted ({ranges})"
            )
        if due.rolled_forward_from:
            lines.append(
                f"Dời hạn / rolled forward: {due.rolled_forward_from.isoformat()} không phải ngày làm "
                "việc, hạn là ngày làm việc tiếp theo / is not a working day, so the period ends on the "
                "next working day (Bộ luật Dân sự / Civil Code 2015 Art 148(5))"
            )
        if due.rolled_back_from:
            lines.append(
                f"Dời hạn / rolled back: {due.rolled_back_from.isoformat()} không phải ngày làm việc, hạn là "
                f"ngày làm việc liền trước / is not a working day, so the last working day before it applies"
            )
        coverage = (
            f"{calendar.coverage[0].isoformat()}..{calendar.coverage[1].isoformat()}"
            if calendar.coverage
            else "không có / none"
        )
        lines.append(
            f"Lịch / calendar: phiên bản / version {due.calendar_version}; phạm vi / coverage {coverage}; "
            + (
                "ngày nghỉ chưa xác nhận được tính là ngày nghỉ (thời hạn của người dân) / unconfirmed "
                "days off count as days off (a limit the citizen must meet)"
                if reading == "citizen"
                else "ngày nghỉ chưa xác nhận được tính là ngày làm việc (thời hạn của cơ quan) / "
                "unconfirmed days off count as working days (a limit the agency must meet)"
            )
        )
        if rule.confidence == "U":
            lines.append(
                f"CẢNH BÁO / WARNING: quy tắc {rule.code} chưa được xác nhận với văn bản pháp luật [U]; "
                f"kiểm tra căn cứ trước khi dùng / rule {rule.code} is unconfirmed against the statute [U]; "
                "verify the legal basis before relying on it"
            )
        if due.provisional:
            lines.append(
                f"CẢNH BÁO / WARNING: khoảng {first.isoformat()} → {last.isoformat()} vượt ra ngoài phạm "
                f"vi lịch ({coverage}); ngày lễ ở đó chưa có, hạn chỉ là tạm tính / the period leaves the "
                "calendar's coverage; holidays there are unknown, so the date is provisional"
            )
        return lines
