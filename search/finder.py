"""The stalled-case finder's results: ids from a backend, rows from the database.

``find_stalled_rows`` is what the ``find_stalled`` command and the oversight dashboard show: the
backend selects and orders, the database supplies the current values (and, when a queryset is
passed, the viewer's permissions)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.redaction import needles_by_case, redact
from config.replica import reads_from_replica

from .backends import get_backend
from .criteria import StalledCriteria
from .timeutil import local_date, working_calendar

COLUMNS: tuple[tuple[str, object], ...] = (
    ("reference", _("Mã hồ sơ")),
    ("status", _("Trạng thái")),
    ("kind", _("Loại đơn")),
    ("authority", _("Cơ quan")),
    ("authority_name", _("Tên cơ quan")),
    ("assignee", _("Người xử lý")),
    ("received_at", _("Ngày nhận")),
    ("last_activity_at", _("Hoạt động gần nhất")),
    ("days_since_activity", _("Số ngày không hoạt động")),
    ("working_days_since_activity", _("Số ngày làm việc không hoạt động")),
    ("next_due_at", _("Hạn gần nhất")),
    ("overdue", _("Quá hạn")),
    ("overdue_days", _("Số ngày quá hạn")),
    ("escalation_level", _("Cấp cảnh báo")),
    ("transfer_count", _("Số lần chuyển")),
    ("extension_count", _("Số lần gia hạn")),
    ("reassignment_count", _("Số lần đổi người xử lý")),
    ("suspension_count", _("Số lần tạm đình chỉ")),
    ("subject", _("Tiêu đề")),
)


# The exports: Vietnamese labels for people, the codes in their own columns for machines.
EXPORT_COLUMNS: tuple[tuple[str, object], ...] = (
    ("reference", _("Mã hồ sơ")),
    ("status_label", _("Trạng thái")),
    ("status", _("Mã trạng thái")),
    ("kind_label", _("Loại đơn")),
    ("kind", _("Mã loại đơn")),
    ("authority_name", _("Cơ quan")),
    ("authority", _("Mã cơ quan")),
    *(
        (k, label)
        for k, label in COLUMNS
        if k not in {"reference", "status", "kind", "authority", "authority_name"}
    ),
)


def case_row(case: Case, *, now: datetime, calendar) -> dict:
    today = local_date(now)
    activity_day = local_date(case.last_activity_at)
    overdue = case.next_due_at is not None and case.next_due_at < now
    return {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "authority": case.authority.code if case.authority_id else "",
        "authority_name": case.authority.name_vi if case.authority_id else "",
        "assignee": case.assignee.get_username() if case.assignee_id else "",
        "received_at": case.received_at,
        "last_activity_at": case.last_activity_at,
        "days_since_activity": max(0, (today - activity_day).days),
        "working_days_since_activity": max(0, calendar.working_days_between(activity_day, today)),
        "next_due_at": case.next_due_at,
        "overdue": overdue,
        "overdue_days": max(0, (today - local_date(case.next_due_at)).days) if overdue else 0,
        "escalation_level": case.escalation_level,
        "transfer_count": case.transfer_count,
        "extension_count": case.extension_count,
        "reassignment_count": case.reassignment_count,
        "suspension_count": case.suspension_count,
        "subject": case.subject,
    }


def rows_for_ids(ids: list[int], *, now: datetime | None = None, queryset=None, calendar=None) -> list[dict]:
    """Rows for these case ids, in the given order; ids outside ``queryset`` are dropped."""
    now = now or timezone.now()
    calendar = calendar or working_calendar()
    qs = (queryset if queryset is not None else Case.objects.all()).select_related("authority", "assignee")
    by_id = {c.pk: c for c in qs.filter(pk__in=ids)}
    rows = [case_row(by_id[i], now=now, calendar=calendar) for i in ids if i in by_id]
    # The oversight lists never need identity: what a citizen typed into a subject is masked.
    needles = needles_by_case([row["id"] for row in rows])
    for row in rows:
        row["subject"] = redact(row["subject"], needles.get(row["id"], []))
    return rows


@reads_from_replica()
def find_stalled_rows(
    criteria: StalledCriteria,
    *,
    now: datetime | None = None,
    backend=None,
    limit: int | None = None,
    offset: int = 0,
    queryset=None,
) -> list[dict]:
    now = now or timezone.now()
    backend = backend or get_backend()
    calendar = working_calendar()
    ids = backend.find_stalled(criteria, now=now, limit=limit, offset=offset, calendar=calendar)
    return rows_for_ids(ids, now=now, queryset=queryset, calendar=calendar)
