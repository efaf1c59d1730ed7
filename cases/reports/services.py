"""Filing a periodic report (nộp báo cáo): the figures and the facts of everything they count are
frozen, hashed and stored (``models.FiledReport``); who may see and file reports."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import permissions, rules
from cases.actors import Actor, history_user, is_staff_user
from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Authority, Role
from cases.scope import staff_scope

from .compute import Report, compute_report
from .models import FiledReport
from .specs import Period, Regime

FILING_ROLES = frozenset({Role.HEAD_OF_AGENCY, Role.HEAD_OF_UNIT, Role.ADMINISTRATOR})
VIEWING_ROLES = frozenset({Role.HEAD_OF_AGENCY, Role.HEAD_OF_UNIT, Role.ADMINISTRATOR, Role.INTAKE})


def _roles_over(user, authority: Authority) -> set[str]:
    return {role for role, path in permissions._memberships(user) if authority.path.startswith(path)}


def user_can_view_reports(user, authority: Authority) -> bool:
    """Oversight auditors (everywhere), and the heads, administrators and reception officers of the
    authority or a body above it."""
    if not is_staff_user(user) or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # The one staff scope (cases.scope) says who sees everywhere: auditors and superusers; a model
    # permission such as view_all_cases widens nothing, as on every other staff read.
    if staff_scope(user).everything:
        return True
    return bool(_roles_over(user, authority) & VIEWING_ROLES)


def user_can_file_reports(user, authority: Authority) -> bool:
    """Heads (of agency or unit) and administrators of the authority or above; never an auditor."""
    if (
        not is_staff_user(user)
        or not getattr(user, "is_authenticated", False)
        or permissions.is_auditor(user)
    ):
        return False
    if user.is_superuser:
        return True
    return bool(_roles_over(user, authority) & FILING_ROLES)


def report_authorities(user):
    """The authorities whose reports ``user`` may see."""
    qs = Authority.objects.order_by("path")
    if staff_scope(user).everything:
        return qs
    paths = [path for role, path in permissions._memberships(user) if role in VIEWING_ROLES]
    from django.db.models import Q

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def filed_versions(authority: Authority, period: Period, regime: Regime):
    return FiledReport.objects.filter(
        authority=authority, regime=regime.code, period_start=period.start, period_end=period.end
    ).order_by("-version")


@transaction.atomic
def report_file(
    *,
    actor: Actor,
    authority: Authority,
    period: Period,
    regime: Regime,
    number: str,
    signer_name: str,
    signer_title: str,
    report_date: dt.date | None = None,
    recipients: str = "",
    note: str = "",
    computed: Report | None = None,
) -> FiledReport:
    """Freeze the report as it stands: its figures, its reporting units and the facts of every case,
    visit and session it counts, hashed. A period filed before gets a new version that names the one
    it replaces (a correction); the earlier one stays as it was."""
    if not user_can_file_reports(actor, authority):
        raise PermissionDeniedError(_("Bạn không có quyền nộp báo cáo của cơ quan này."))
    today = timezone.localdate()
    errors = {}

    def clean(field: str, value: str, limit: str, required: bool = False) -> str:
        text = (value or "").strip()
        problem = rules.text_problem(limit, text, required=required)
        if problem:
            errors[field] = [problem]
        return text

    number = clean("number", number, "decision_number", required=True)
    signer_name = clean("signer_name", signer_name, "full_name", required=True)
    signer_title = clean("signer_title", signer_title, "accused_position", required=True)
    recipients = clean("recipients", recipients, "reason_text")
    note = clean("note", note, "note")
    report_date = report_date or today
    if report_date > today:
        errors["report_date"] = [_("Ngày báo cáo không được sau hôm nay.")]
    if period.end >= today:
        errors["period"] = [
            _("Chỉ nộp báo cáo khi kỳ báo cáo đã kết thúc (hết ngày %(d)s).")
            % {"d": f"{period.end:%d/%m/%Y}"}
        ]
    if errors:
        raise ValidationError(_("Thông tin nộp báo cáo chưa hợp lệ."), field_errors=errors)
    report = computed if computed is not None and computed.objects is not None else None
    if report is None:
        report = compute_report(authority, period, regime, keep_objects=True)
    previous = filed_versions(authority, period, regime).select_for_update().first()
    cells = report.cells()
    rows = [[r.key, r.label, r.code] for r in report.rows]
    facts = {source: list(cube.facts) for source, cube in report.cubes.items()}
    snapshot = FiledReport.pack(report.objects or {})
    filed = FiledReport(
        authority=authority,
        regime=regime.code,
        period_kind=period.kind,
        period_year=period.year,
        period_start=period.start,
        period_end=period.end,
        version=(previous.version + 1) if previous else 1,
        replaces=previous,
        number=number,
        report_date=report_date,
        signer_name=signer_name,
        signer_title=signer_title,
        recipients=recipients,
        note=note,
        filed_by=history_user(actor),
        cells=cells,
        rows=rows,
        facts=facts,
        snapshot=snapshot,
    )
    filed.content_hash = FiledReport.compute_hash(filed.header(), cells, rows, facts, snapshot)
    filed.save()
    return filed
