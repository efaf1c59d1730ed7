"""The working-day calendar (the Holiday table): import a yearly notice, add, correct, confirm or
remove a day, then recompute the open deadlines it moves.

Every change goes through ``holidays_import``, ``holiday_save`` or ``holiday_delete``: they check
the actor, validate every row before writing anything, write in one transaction, record each row
change in Wagtail's audit log (Reports > Site history) and call
``cases.deadline_services.calendar_changed`` so open deadlines follow the new calendar (their
original due date is kept and each case that moved gets a ``deadline.recomputed`` event).

Calendar kinds (Labour Code 45/2019/QH14 Arts 111–112; the yearly MoHA/PM notices):
``holiday``, ``compensatory`` and ``swapped_off`` are days off; ``makeup_workday`` is a Saturday
or Sunday worked to make up a swapped day. An unconfirmed row is read as protects the citizen
(``deadlines.reading_for``): worked for a limit the agency must meet, off for one the citizen must
meet; deadlines that depend on it are provisional until it is confirmed."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TextIO

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import deadlines as engine
from .actors import Citizen, System, history_user
from .deadline_services import OFF_KINDS, calendar_changed, working_calendar
from .errors import PermissionDeniedError, ValidationError
from .models import Holiday

__all__ = [
    "OFF_KINDS",
    "CalendarImportError",
    "HolidayChange",
    "HolidayRowInput",
    "ImportReport",
    "RowError",
    "check_can_manage_calendar",
    "holiday_day_problems",
    "holiday_delete",
    "holiday_rows_read",
    "holiday_save",
    "holidays_import",
    "user_can_manage_calendar",
]

KINDS = engine.CALENDAR_KINDS
REQUIRED_COLUMNS = ("date", "kind", "name")
OPTIONAL_COLUMNS = ("source", "confirmed")
_TRUE = frozenset({"true", "1", "yes", "y", "có", "co", "x"})
_FALSE = frozenset({"false", "0", "no", "n", "không", "khong"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEKDAY_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NAME_MAX: int = Holiday._meta.get_field("name").max_length or 200
_SOURCE_MAX: int = Holiday._meta.get_field("source").max_length or 300


# ------------------------------------------------------------------------------------ permission


def user_can_manage_calendar(user) -> bool:
    """The calendar is national, not per agency: superusers and holders of the model permission,
    and the system (``SYSTEM``: management commands, data migrations)."""
    if isinstance(user, System):
        return True
    if user is None or isinstance(user, Citizen):
        return False
    return bool(user.is_active and (user.is_superuser or user.has_perm("cases.change_holiday")))


def check_can_manage_calendar(user) -> None:
    if not user_can_manage_calendar(user):
        raise PermissionDeniedError(_("Bạn không có quyền sửa lịch ngày làm việc."))


# ---------------------------------------------------------------------------------------- input


class HolidayRowInput(NamedTuple):
    """One row as read, still text. ``source``/``confirmed`` are None when the file has no such
    column: an existing row then keeps its value, and a new row is confirmed with no source."""

    line: int  # the line in the file (the header is line 1); shown in error messages
    date: str
    kind: str
    name: str
    source: str | None = None
    confirmed: str | None = None
    problem: str = ""  # a reading problem (e.g. the wrong number of cells), reported with the rest


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.line} / row {self.line}: {self.message}"


class CalendarImportError(ValidationError):
    """The file or the row was refused; nothing was written. ``errors`` names every bad row."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__(
            f"Lịch không được cập nhật: {len(self.errors)} lỗi, không ghi gì. "
            f"/ Calendar not updated: {len(self.errors)} error(s), nothing written.\n"
            + "\n".join(str(e) for e in self.errors),
            field_errors={"rows": [str(e) for e in self.errors]},
        )


def holiday_rows_read(fh: TextIO) -> list[HolidayRowInput]:
    """Read a CSV with columns ``date,kind,name`` (required) and ``source,confirmed`` (optional).

    Only the header is checked here (missing, unknown or repeated columns; an unknown column is
    refused because a misspelt ``confirmed`` would otherwise be silently ignored); the rows are
    validated by ``holidays_import``."""
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise CalendarImportError(
            [RowError(1, "tệp rỗng, không có dòng tiêu đề / empty file, no header")]
        ) from None
    columns = [c.strip().lstrip("\ufeff").lower() for c in header]
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            f"thiếu cột {', '.join(missing)} (cần date,kind,name) "
            f"/ missing column(s) {', '.join(missing)} (date,kind,name are required)"
        )
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(
            f"cột không xác định {', '.join(map(repr, unknown))} (chỉ có date,kind,name,source,confirmed) "
            f"/ unknown column(s) {', '.join(map(repr, unknown))} (allowed: date,kind,name,source,confirmed)"
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        problems.append(f"cột lặp lại {', '.join(repeated)} / repeated column(s) {', '.join(repeated)}")
    if problems:
        raise CalendarImportError([RowError(1, p) for p in problems])

    index = {c: i for i, c in enumerate(columns)}
    rows: list[HolidayRowInput] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) != len(columns):
            got, want = len(cells), len(columns)
            problem = f"có {got} cột, tiêu đề có {want} / {got} cells, the header has {want}"
            rows.append(HolidayRowInput(line, "", "", "", problem=problem))
            continue

        def cell(name: str, cells=cells) -> str | None:
            return cells[index[name]] if name in index else None

        rows.append(
            HolidayRowInput(
                line,
                cell("date") or "",
                cell("kind") or "",
                cell("name") or "",
                cell("source"),
                cell("confirmed"),
            )
        )
    return rows


# ------------------------------------------------------------------------------------ validation


@dataclass(frozen=True)
class _Values:
    line: int
    date: dt.date
    kind: str
    name: str
    source: str | None
    confirmed: bool | None


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _row_problems(row: HolidayRowInput) -> tuple[list[str], _Values | None]:
    if row.problem:
        return [row.problem], None
    problems: list[str] = []
    day = _parse_date(row.date)
    if day is None:
        problems.append(
            f"ngày {row.date!r} không hợp lệ (cần YYYY-MM-DD) / invalid date {row.date!r} (YYYY-MM-DD)"
        )
    elif not engine._FIRST_DAY <= day <= engine._LAST_DAY:
        problems.append(
            f"ngày {day} ngoài phạm vi {engine._FIRST_DAY.year}–{engine._LAST_DAY.year} "
            f"/ date {day} outside {engine._FIRST_DAY.year}–{engine._LAST_DAY.year}"
        )
        day = None
    kind = row.kind.strip().lower()
    if kind not in KINDS:
        problems.append(
            f"loại {row.kind!r} không hợp lệ (cần một trong {', '.join(sorted(KINDS))}) "
            f"/ unknown kind {row.kind!r} (expected one of {', '.join(sorted(KINDS))})"
        )
        kind = ""
    name = row.name.strip()
    if not name:
        problems.append("thiếu tên ngày / the name is empty")
    elif len(name) > _NAME_MAX:
        problems.append(f"tên dài quá {_NAME_MAX} ký tự / the name is longer than {_NAME_MAX} characters")
    source = row.source.strip() if row.source is not None else None
    if source is not None and len(source) > _SOURCE_MAX:
        problems.append(
            f"căn cứ dài quá {_SOURCE_MAX} ký tự / the source is longer than {_SOURCE_MAX} characters"
        )
    confirmed: bool | None = None
    if row.confirmed is not None:
        value = row.confirmed.strip().lower()
        if value in _TRUE:
            confirmed = True
        elif value in _FALSE:
            confirmed = False
        else:
            problems.append(
                f"confirmed phải là true hoặc false, không phải {row.confirmed!r} "
                f"/ confirmed must be true or false, not {row.confirmed!r}"
            )
    if day is not None and kind:
        problems.extend(holiday_day_problems(day, kind))
    if problems or day is None:
        return problems, None
    return problems, _Values(row.line, day, kind, name, source, confirmed)


def holiday_day_problems(day: dt.date | None, kind: str | None) -> list[str]:
    """What is wrong with this kind on this day (also ``Holiday.clean``, so the admin forms cannot
    store a day the calendar would refuse, such as a make-up day on a weekday)."""
    if day is None or not kind:
        return []
    problems = []
    if not engine._FIRST_DAY <= day <= engine._LAST_DAY:
        problems.append(
            f"ngày {day} ngoài phạm vi {engine._FIRST_DAY.year}–{engine._LAST_DAY.year} "
            f"/ date {day} outside {engine._FIRST_DAY.year}–{engine._LAST_DAY.year}"
        )
    weekday = day.weekday() < 5
    vi, en = _WEEKDAY_VI[day.weekday()], _WEEKDAY_EN[day.weekday()]
    if kind == Holiday.Kind.MAKEUP_WORKDAY and weekday:
        problems.append(
            f"ngày làm bù {day:%d/%m/%Y} là {vi}, không phải thứ Bảy hoặc Chủ nhật "
            f"/ make-up working day {day} is a {en}, not a Saturday or Sunday"
        )
    if kind in (Holiday.Kind.COMPENSATORY, Holiday.Kind.SWAPPED_OFF) and not weekday:
        problems.append(
            f"ngày nghỉ bù/hoán đổi {day:%d/%m/%Y} là {vi}, đã là ngày nghỉ cuối tuần "
            f"/ compensatory or swapped day off {day} is a {en}, already a weekend day off"
        )
    return problems


def _validate(rows: Iterable[HolidayRowInput]) -> list[_Values]:
    """Every row, every problem; raises CalendarImportError before anything is written."""
    errors: list[RowError] = []
    values: list[_Values] = []
    seen: dict[dt.date, _Values] = {}
    for row in rows:
        problems, value = _row_problems(row)
        if value is not None:
            other = seen.get(value.date)
            if other is not None:
                kinds = {other.kind, value.kind}
                if Holiday.Kind.MAKEUP_WORKDAY in kinds and kinds & set(OFF_KINDS):
                    problems.append(
                        f"ngày {value.date} vừa là ngày nghỉ vừa là ngày làm bù (xem dòng {other.line}) "
                        f"/ {value.date} is both a day off and a make-up working day (see row {other.line})"
                    )
                else:
                    problems.append(
                        f"ngày {value.date} bị trùng với dòng {other.line} / duplicate date {value.date} "
                        f"(also on row {other.line})"
                    )
            else:
                seen[value.date] = value
        errors.extend(RowError(row.line, p) for p in problems)
        if value is not None and not problems:
            values.append(value)
    if errors:
        raise CalendarImportError(errors)
    return values


# --------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class HolidayChange:
    action: str  # "added" | "changed" | "removed"
    date: dt.date
    kind: str
    name: str
    confirmed: bool
    line: int | None = None
    fields: tuple[tuple[str, object, object], ...] = ()  # (field, old, new) for "changed"

    def describe(self) -> str:
        label = {"added": "Thêm / added", "changed": "Sửa / changed", "removed": "Xoá / removed"}[self.action]
        where = f" (dòng / row {self.line})" if self.line else ""
        text = f"{label}: {self.date.isoformat()} {self.kind} «{self.name}»"
        if self.action == "changed":
            text += ": " + "; ".join(f"{f} {_show(old)} → {_show(new)}" for f, old, new in self.fields)
        elif not self.confirmed:
            text += " [chưa xác nhận / unconfirmed]"
        return text + where


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    added: list[HolidayChange] = field(default_factory=list)
    changed: list[HolidayChange] = field(default_factory=list)
    removed: list[HolidayChange] = field(default_factory=list)
    unchanged: list[dt.date] = field(default_factory=list)
    calendar_version_before: str = ""
    calendar_version_after: str = ""
    # calendar_changed()'s result: checked, moved, moved_cases, calendar_version; None if not run.
    recompute: dict | None = None

    @property
    def changes(self) -> list[HolidayChange]:
        return sorted(self.added + self.changed + self.removed, key=lambda c: (c.date, c.action))

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)


# ---------------------------------------------------------------------------------------- writes


def _audit(holiday: Holiday, action: str, actor, data: dict) -> None:
    from wagtail.log_actions import log

    log(
        instance=holiday,
        action=action,
        user=history_user(actor),
        data=data,
        content_changed=action != "wagtail.delete",
        deleted=action == "wagtail.delete",
    )


def _remove(holiday: Holiday, actor, report: ImportReport, reason: str) -> None:
    report.removed.append(
        HolidayChange("removed", holiday.date, holiday.kind, holiday.name, holiday.confirmed)
    )
    _audit(holiday, "wagtail.delete", actor, {"date": holiday.date.isoformat(), "reason": reason})
    holiday.delete()


def _apply(value: _Values, existing: Holiday | None, actor, report: ImportReport, reason: str) -> None:
    if existing is None:
        holiday = Holiday.objects.create(
            date=value.date,
            kind=value.kind,
            name=value.name,
            source=value.source or "",
            confirmed=True if value.confirmed is None else value.confirmed,
        )
        report.added.append(
            HolidayChange("added", holiday.date, holiday.kind, holiday.name, holiday.confirmed, value.line)
        )
        _audit(holiday, "wagtail.create", actor, {"reason": reason, "line": value.line})
        return
    wanted: dict[str, object] = {"kind": value.kind, "name": value.name}
    if value.source is not None:
        wanted["source"] = value.source
    if value.confirmed is not None:
        wanted["confirmed"] = value.confirmed
    diffs = tuple((f, getattr(existing, f), new) for f, new in wanted.items() if getattr(existing, f) != new)
    if not diffs:
        report.unchanged.append(existing.date)
        return
    for f, _old, new in diffs:
        setattr(existing, f, new)
    existing.save(update_fields=[f for f, _, _ in diffs])
    report.changed.append(
        HolidayChange(
            "changed", existing.date, existing.kind, existing.name, existing.confirmed, value.line, diffs
        )
    )
    _audit(
        existing,
        "wagtail.edit",
        actor,
        {"reason": reason, "line": value.line, "changes": {f: [_show(o), _show(n)] for f, o, n in diffs}},
    )


def _finish(report: ImportReport, actor, *, recompute: bool) -> None:
    """Recompute the deadlines the change moves (also in a dry run, which is rolled back)."""
    report.calendar_version_after = working_calendar().version
    if report.has_changes or recompute:
        report.recompute = calendar_changed(actor=actor)
    if report.dry_run:
        transaction.set_rollback(True)


def holidays_import(
    rows: Iterable[HolidayRowInput],
    *,
    actor,
    dry_run: bool = False,
    prune: bool = False,
    recompute: bool = False,
) -> ImportReport:
    """Bring the Holiday table in line with ``rows`` (a yearly notice or the shipped CSV).

    * Every row is validated first (date, kind, name, make-up day on a weekday, compensatory or
      swapped day on a weekend, duplicate date, a day both off and make-up); any error raises
      :class:`CalendarImportError` naming each bad row, and nothing is written.
    * New dates are added, differing rows changed, identical rows left alone: a second run of the
      same file changes nothing. Columns the file lacks (``source``, ``confirmed``) are kept.
    * ``prune``: also remove the rows of the years the file covers that the file does not list
      (how a day that turned out not to be off, e.g. an unenacted 24/11, leaves the calendar).
    * After a change the open deadlines are recomputed (``calendar_changed``); ``recompute``
      forces that even without a change (e.g. after correcting the rule table).
    * ``dry_run``: everything runs, including the recomputation, then is rolled back, so the
      report says exactly what a real run would change.
    """
    check_can_manage_calendar(actor)
    rows = list(rows)
    values = _validate(rows)
    report = ImportReport(dry_run=dry_run, rows=len(values))
    with transaction.atomic():
        report.calendar_version_before = working_calendar().version
        existing = {h.date: h for h in Holiday.objects.select_for_update().order_by("date")}
        listed = {v.date for v in values}
        if prune:
            years = {d.year for d in listed}
            for day, holiday in existing.items():
                if day.year in years and day not in listed:
                    _remove(holiday, actor, report, "import --prune: not in the file")
        for value in values:
            _apply(value, existing.get(value.date), actor, report, "import")
        _finish(report, actor, recompute=recompute)
    return report


def holiday_save(
    *,
    actor,
    date: dt.date,
    kind: str,
    name: str,
    source: str = "",
    confirmed: bool = True,
    holiday: Holiday | None = None,
) -> ImportReport:
    """Add one day, or correct ``holiday`` (its date too), e.g. confirm it once the official
    notice is verified; then recompute the open deadlines it moves. For the admin forms."""
    check_can_manage_calendar(actor)
    row = HolidayRowInput(0, date.isoformat(), kind, name, source, "true" if confirmed else "false")
    (value,) = _validate([row])
    report = ImportReport(dry_run=False, rows=1)
    with transaction.atomic():
        report.calendar_version_before = working_calendar().version
        existing = Holiday.objects.select_for_update().filter(date=value.date).first()
        if holiday is not None:
            holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
            if holiday.date != value.date:
                if existing is not None:
                    raise CalendarImportError(
                        [RowError(0, f"ngày {value.date} đã có trong lịch / {value.date} is already listed")]
                    )
                _remove(holiday, actor, report, "moved to another date")
        _apply(value, existing, actor, report, "edited")
        _finish(report, actor, recompute=False)
    return report


def holiday_delete(*, actor, holiday: Holiday) -> ImportReport:
    """Remove a day (e.g. a proposed holiday that was not enacted) and recompute."""
    check_can_manage_calendar(actor)
    report = ImportReport(dry_run=False, rows=0)
    with transaction.atomic():
        report.calendar_version_before = working_calendar().version
        holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
        _remove(holiday, actor, report, "deleted")
        _finish(report, actor, recompute=False)
    return report
