"""The admin home page of each staff role (it replaces Wagtail's "Search all pages…" dashboard).

Every count is ``listing.filtered_cases(user, preset, params).count()`` and links to
``listing.list_url(preset, params)``: the same base queryset and the same filter set as the list
it opens, so a tile and its list cannot disagree (``tests/workspace/test_home.py`` checks each
one). What the filters mean is ``cases.reporting``'s business (backlog, overdue, duplicates…)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import permissions, rules
from ..models import Case, Deadline, Membership, Role
from ..monitoring.services import last_sweep
from . import common, listing

WEEK_WORKING_DAYS = 5
# Accepted and not ended: the cases someone must be handling.
HANDLING = [Case.Status.ACCEPTED, Case.Status.VERIFYING, Case.Status.DIALOGUE, Case.Status.SUSPENDED]


@dataclass
class Tile:
    key: str
    label: str
    count: int
    url: str
    hint: str = ""
    tone: str = "neutral"  # neutral | warn | danger


@dataclass
class Section:
    key: str
    title: str
    tiles: list[Tile] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    rows_title: str = ""
    links: list[dict] = field(default_factory=list)


def tile(user, key, label, preset="all", params=None, hint="", tone="neutral") -> Tile:
    count = listing.filtered_cases(user, preset, params).count()
    return Tile(
        key=key,
        label=str(label),
        count=count,
        url=listing.list_url(preset, params),
        hint=str(hint),
        tone=tone if count else "neutral",
    )


def _roles(user) -> set[str]:
    return {r for r, _p in permissions._memberships(user)}


def _today() -> dt.date:
    return timezone.localdate()


def _date_param(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def intake_section(user) -> Section:
    today = _date_param(_today())
    return Section(
        key="intake",
        title=gettext("Tiếp nhận, xử lý đơn"),
        tiles=[
            tile(
                user,
                "received_today",
                _("Đã tiếp nhận hôm nay"),
                params={"received_after": today, "received_before": today},
                hint=_("Đơn thư, trực tiếp và trực tuyến nhận trong ngày"),
            ),
            tile(
                user,
                "triage",
                _("Chờ phân loại, xử lý"),
                "triage",
                hint=_("Đơn đã nhận, chưa thụ lý/chuyển/hướng dẫn"),
                tone="warn",
            ),
            tile(
                user,
                "triage_overdue",
                _("Quá hạn xử lý đơn"),
                "triage",
                {"overdue": "1"},
                hint=_("Quá thời hạn thụ lý hoặc chuyển đơn"),
                tone="danger",
            ),
            tile(
                user,
                "duplicates",
                _("Nghi trùng"),
                "duplicates",
                hint=_("Cần gộp, liên kết hoặc xác nhận không trùng"),
                tone="warn",
            ),
        ],
        links=[
            {"label": gettext("Tiếp nhận đơn (thư, trực tiếp)"), "url": reverse("cases_admin:register")},
        ],
    )


def inspector_section(user) -> Section:
    mine = listing.filtered_cases(user, "mine")
    rows = []
    now = timezone.now()
    for case in mine.select_related("authority").order_by("next_due_at", "id")[:10]:
        deadline = (
            Deadline.objects.filter(case=case, state=Deadline.State.OPEN)
            .exclude(rule_code__in=sorted(rules.CONFIDENTIAL_RULES))
            .order_by("due_at")
            .first()
        )
        rows.append(
            {
                "case": case,
                "url": reverse("cases_admin:detail", args=[case.reference]),
                "due": deadline.due_date if deadline else None,
                "rule": deadline.rule_code if deadline else "",
                "overdue": bool(case.next_due_at and case.next_due_at < now),
            }
        )
    return Section(
        key="inspector",
        title=gettext("Việc của tôi"),
        tiles=[
            tile(user, "mine", _("Hồ sơ tôi đang xử lý"), "mine"),
            tile(
                user,
                "mine_week",
                _("Đến hạn trong tuần"),
                "mine",
                {"due_within": WEEK_WORKING_DAYS},
                hint=_("Trong 5 ngày làm việc tới"),
                tone="warn",
            ),
            tile(user, "mine_overdue", _("Quá hạn"), "mine", {"overdue": "1"}, tone="danger"),
            tile(
                user,
                "mine_waiting",
                _("Chờ tôi bắt đầu xác minh"),
                "mine",
                {"status": Case.Status.ACCEPTED},
                hint=_("Đã thụ lý, đã giao cho tôi"),
                tone="warn",
            ),
        ],
        rows=rows,
        rows_title=gettext("Hồ sơ của tôi theo hạn gần nhất"),
    )


def head_section(user, *, agency: bool) -> Section:
    level = 2 if agency else 1
    tiles = [
        tile(
            user,
            "unassigned",
            _("Chưa phân công"),
            params={"status": HANDLING, "assignee": "none"},
            hint=_("Đã thụ lý, chưa có người xử lý"),
            tone="warn",
        ),
        tile(
            user,
            "approval",
            _("Chờ duyệt báo cáo, dự thảo"),
            params={"approval": "1"},
            hint=_("Báo cáo kết quả xác minh kèm dự thảo quyết định/kết luận đã trình"),
            tone="warn",
        ),
        tile(
            user,
            "proposed",
            _("Chờ quyết định thụ lý"),
            params={"proposed": "1"},
            hint=_("Đã phân loại, chờ lãnh đạo quyết định"),
            tone="warn",
        ),
        tile(user, "overdue", _("Quá hạn"), params={"backlog": "1", "overdue": "1"}, tone="danger"),
        tile(
            user,
            "escalated",
            _("Chuyển cấp đến tôi"),
            params={"backlog": "1", "escalation": level},
            hint=_("Cảnh báo từ cấp %(level)s trở lên") % {"level": level},
            tone="danger",
        ),
    ]
    overdue = listing.filtered_cases(user, "all", {"backlog": "1", "overdue": "1"})
    counts = list(overdue.order_by().values("assignee").annotate(n=Count("id")).order_by("-n"))
    users = {u.pk: u for u in common.staff_in_scope(user).filter(pk__in=[r["assignee"] for r in counts])}
    from django.contrib.auth import get_user_model

    missing = {r["assignee"] for r in counts if r["assignee"] and r["assignee"] not in users}
    users.update({u.pk: u for u in get_user_model().objects.filter(pk__in=missing)})
    rows = []
    for row in counts:
        pk = row["assignee"]
        params = {"backlog": "1", "overdue": "1", "assignee": str(pk) if pk else "none"}
        rows.append(
            {
                "name": common.user_display(users[pk]) if pk else gettext("Chưa phân công"),
                "count": row["n"],
                "url": listing.list_url("all", params),
                "params": params,
            }
        )
    return Section(
        key="agency" if agency else "unit",
        title=gettext("Lãnh đạo cơ quan") if agency else gettext("Lãnh đạo đơn vị"),
        tiles=tiles,
        rows=rows,
        rows_title=gettext("Hồ sơ quá hạn theo người xử lý"),
        links=[
            {"label": gettext("Nhật ký truy cập (xem nhân thân)"), "url": reverse("cases_admin:access_log")}
        ]
        if agency
        else [],
    )


def auditor_section(user) -> Section:
    return Section(
        key="auditor",
        title=gettext("Tổng hợp giám sát"),
        tiles=[
            tile(user, "backlog", _("Đang giải quyết (tồn đọng)"), params={"backlog": "1"}),
            tile(
                user,
                "overdue",
                _("Tồn đọng quá hạn"),
                params={"backlog": "1", "overdue": "1"},
                tone="danger",
            ),
            tile(user, "stalled", _("Ngưng trệ"), params={"stalled": "1"}, tone="warn"),
            tile(
                user,
                "old",
                _("Tồn đọng từ 90 ngày"),
                params={"backlog": "1", "age": "90-179"},
                hint=_("Nhận cách đây 90–179 ngày"),
                tone="warn",
            ),
            tile(
                user, "escalated", _("Đã chuyển cấp"), params={"backlog": "1", "escalation": 1}, tone="warn"
            ),
            tile(user, "duplicates", _("Nghi trùng"), "duplicates"),
        ],
        links=[
            {"label": gettext("Bảng giám sát tồn đọng"), "url": "/admin/oversight/"},
            {"label": gettext("Nhật ký truy cập"), "url": reverse("cases_admin:access_log")},
        ],
    )


def sections_for(user) -> list[Section]:
    roles = _roles(user)
    sections: list[Section] = []
    if user.is_superuser and not roles:
        roles = {Role.HEAD_OF_AGENCY}
    if Role.AUDITOR in roles:
        return [auditor_section(user)]
    if Role.INTAKE in roles:
        sections.append(intake_section(user))
    if Role.INSPECTOR in roles:
        sections.append(inspector_section(user))
    if Role.HEAD_OF_AGENCY in roles or Role.ADMINISTRATOR in roles:
        sections.append(head_section(user, agency=True))
    elif Role.HEAD_OF_UNIT in roles:
        sections.append(head_section(user, agency=False))
    return sections


def role_labels(user) -> list[str]:
    memberships = list(Membership.objects.filter(user=user, active=True).select_related("authority"))
    return [f"{m.get_role_display()} · {m.authority.name_vi}" for m in memberships]


def sweep_summary(user) -> dict | None:
    """The last escalation sweep, for heads and auditors."""
    roles = _roles(user)
    if not (roles & {Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY, Role.AUDITOR, Role.ADMINISTRATOR}) and not (
        user.is_superuser
    ):
        return None
    run = last_sweep()
    return {"run": run, "stale": run is None or run.started_at < timezone.now() - dt.timedelta(hours=1)}
