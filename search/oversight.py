"""What the oversight dashboard shows, computed once per request: who may see which part of the
authority tree, the open backlog rolled up through the hierarchy, on-time rates, the cases most
often transferred, extended or escalated.

Access (one gate, ``oversight_scope``): superusers and auditors see everything; heads of unit and
heads of agency see their authorities' sub-trees (``Authority.path``); everybody else sees nothing
(the views answer 403). Every list of cases also leaves out those the viewer is excluded from as
the accused or the accused unit (``cases.scope``, the rule every staff read asks)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import reporting
from cases.models import Authority, Case, Membership, Role
from cases.reporting import OnTime
from cases.scope import StaffScope, staff_scope

from .criteria import AGE_BUCKET_KEYS, BacklogCell, open_statuses_in_order

HEAD_ROLES = frozenset({Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY})
NO_AUTHORITY = ""
SELF = "__self__"


# --------------------------------------------------------------------------------------- access


@dataclass(frozen=True)
class OversightScope:
    everything: bool
    roots: tuple[Authority, ...] = ()  # disjoint sub-trees a head may see
    staff: StaffScope | None = None  # the viewer's staff scope: its accused exclusion applies

    @property
    def within(self) -> tuple[str, ...] | None:
        """Authority codes for the backends' ``within`` filter; None = no restriction."""
        return None if self.everything else tuple(a.code for a in self.roots)

    def allows(self, authority: Authority | None) -> bool:
        if self.everything:
            return True
        if authority is None:
            return False
        return any(authority.path.startswith(root.path) for root in self.roots)

    def case_q(self, prefix: str = "") -> Q:
        if self.everything:
            q = Q()
        else:
            q = Q(**{f"{prefix}pk__in": []})
            for root in self.roots:
                q |= Q(**{f"{prefix}authority__path__startswith": root.path})
        exclusion = self.staff.exclusion_q(prefix) if self.staff is not None else None
        return q & ~exclusion if exclusion is not None else q

    def cases(self) -> QuerySet[Case]:
        return Case.objects.filter(self.case_q())

    def authorities(self) -> QuerySet[Authority]:
        qs = Authority.objects.order_by("path")
        if self.everything:
            return qs
        q = Q(pk__in=[])
        for root in self.roots:
            q |= Q(path__startswith=root.path)
        return qs.filter(q)


def oversight_scope(user) -> OversightScope | None:
    """The part of the authority tree ``user`` may oversee, or None (no access)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    staff = staff_scope(user)
    if staff.everything:  # superusers and auditors (cases.scope)
        return OversightScope(everything=True, staff=staff)
    memberships = Membership.objects.filter(user=user, active=True).select_related("authority")
    roles = [(m.role, m.authority) for m in memberships]
    heads = sorted({a.pk: a for role, a in roles if role in HEAD_ROLES}.values(), key=lambda a: a.path)
    roots: list[Authority] = []
    for authority in heads:  # sorted by path: a parent comes before its sub-units
        if not any(authority.path.startswith(root.path) for root in roots):
            roots.append(authority)
    if not roots:
        return None
    return OversightScope(everything=False, roots=tuple(roots), staff=staff)


def user_can_view_oversight(user) -> bool:
    return oversight_scope(user) is not None


# ------------------------------------------------------------------------------------ hierarchy


@dataclass
class Level:
    """A place in the tree the dashboard is looking at: the top (node None) or one authority."""

    scope: OversightScope
    node: Authority | None
    paths: dict[str, str] = field(default_factory=dict)  # code -> path, every authority

    def __post_init__(self) -> None:
        if not self.paths:
            self.paths = dict(Authority.objects.values_list("code", "path"))

    @property
    def within(self) -> tuple[str, ...] | None:
        """What the backends should be limited to at this level."""
        if self.node is not None:
            return (self.node.code,)
        return self.scope.within

    def row_key(self, code: str) -> str | None:
        """Which row of this level a case of authority ``code`` counts in (None: not shown here)."""
        if not code:
            return NO_AUTHORITY if self.node is None and self.scope.everything else None
        path = self.paths.get(code)
        if path is None:
            return None
        if self.node is not None:
            if path == self.node.path:
                return SELF
            if not path.startswith(self.node.path):
                return None
            return path[len(self.node.path) :].split("/")[0]
        if self.scope.everything:
            return path.strip("/").split("/")[0]
        for root in self.scope.roots:
            if path.startswith(root.path):
                return root.code
        return None

    def row_authorities(self) -> list[Authority]:
        """The bodies that get a row at this level (with zeros when they have nothing)."""
        if self.node is not None:
            return list(Authority.objects.filter(parent=self.node).order_by("code"))
        if self.scope.everything:
            return list(Authority.objects.filter(parent__isnull=True).order_by("code"))
        return list(self.scope.roots)

    def breadcrumbs(self) -> list[Authority]:
        """The chain from the top of the viewer's scope down to the node."""
        if self.node is None:
            return []
        codes = [c for c in self.node.path.split("/") if c]
        by_code = {a.code: a for a in Authority.objects.filter(code__in=codes)}
        chain = [by_code[c] for c in codes if c in by_code]
        return [a for a in chain if self.scope.allows(a)]

    def has_children(self) -> set[int]:
        return set(
            Authority.objects.filter(parent__isnull=False).values_list("parent_id", flat=True).distinct()
        )


# ------------------------------------------------------------------------------------- backlog


@dataclass
class BacklogRow:
    key: str
    label: str
    authority: Authority | None = None
    drillable: bool = False
    by_status: dict[str, int] = field(default_factory=dict)
    by_bucket: dict[str, int] = field(default_factory=dict)
    total: int = 0
    overdue: int = 0

    @property
    def code(self) -> str:
        return self.authority.code if self.authority is not None else ""


@dataclass
class BacklogReport:
    rows: list[BacklogRow]
    by_status: dict[str, int]
    by_bucket: dict[str, int]
    total: int
    overdue: int
    statuses: list[str]


def backlog_report(level: Level, cells: list[BacklogCell]) -> BacklogReport:
    statuses = open_statuses_in_order()
    parents = level.has_children()
    rows: dict[str, BacklogRow] = {}
    for authority in level.row_authorities():
        rows[authority.code] = BacklogRow(
            key=authority.code,
            label=authority.name_vi,
            authority=authority,
            drillable=authority.pk in parents,
        )
    if level.node is not None:
        rows[SELF] = BacklogRow(
            key=SELF,
            label=str(_("Trực tiếp tại %(name)s") % {"name": level.node.name_vi}),
            authority=level.node,
        )
    by_status: dict[str, int] = defaultdict(int)
    by_bucket: dict[str, int] = defaultdict(int)
    total = overdue = 0
    for cell in cells:
        key = level.row_key(cell.authority)
        if key is None:
            continue
        row = rows.get(key)
        if row is None:
            row = rows[key] = BacklogRow(
                key=key, label=str(_("Chưa xác định cơ quan")) if key == NO_AUTHORITY else key
            )
        row.by_status[cell.status] = row.by_status.get(cell.status, 0) + cell.count
        row.by_bucket[cell.bucket] = row.by_bucket.get(cell.bucket, 0) + cell.count
        row.total += cell.count
        row.overdue += cell.overdue
        by_status[cell.status] += cell.count
        by_bucket[cell.bucket] += cell.count
        total += cell.count
        overdue += cell.overdue
    ordered = sorted(rows.values(), key=lambda r: (r.key == SELF, -r.total, r.label))
    if level.node is not None and rows[SELF].total == 0:
        ordered = [r for r in ordered if r.key != SELF]
    return BacklogReport(
        rows=ordered,
        by_status={s: by_status.get(s, 0) for s in statuses},
        by_bucket={b: by_bucket.get(b, 0) for b in AGE_BUCKET_KEYS},
        total=total,
        overdue=overdue,
        statuses=statuses,
    )


# ------------------------------------------------------------------------------------- on time

PERIODS = {
    "month": (TruncMonth, _("Tháng")),
    "quarter": (TruncQuarter, _("Quý")),
    "year": (TruncYear, _("Năm")),
}


def level_cases(level: Level, *, kind: str | None = None, exact: bool = False) -> QuerySet[Case]:
    """The cases a level of the dashboard looks at (``exact``: the node's own cases only)."""
    if level.node is not None:
        qs = (
            Case.objects.filter(authority=level.node)
            if exact
            else Case.objects.filter(authority__path__startswith=level.node.path)
        )
    else:
        qs = level.scope.cases()
    return qs.filter(kind=kind) if kind else qs


@dataclass
class OntimeRow:
    key: str
    label: str
    authority: Authority | None
    drillable: bool
    rate: OnTime


@dataclass
class PeriodPoint:
    start: date
    end: date
    label: str
    rate: OnTime


def _period_end(start: date, period: str) -> date:
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: date, period: str) -> str:
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1}/{start.year}"
    return f"{start.month:02d}/{start.year}"


def ontime_report(level: Level, *, start: date, end: date, period: str, kind: str | None = None):
    """On-time resolution (``cases.reporting``: per case, by the day the decision or conclusion was
    issued) for the cases resolved in [start, end), per row of the level and per period."""
    end_inclusive = end - timedelta(days=1)
    qs = level_cases(level, kind=kind)
    parents = level.has_children()
    rows: dict[str, OntimeRow] = {
        a.code: OntimeRow(a.code, a.name_vi, a, a.pk in parents, OnTime()) for a in level.row_authorities()
    }
    if level.node is not None:
        rows[SELF] = OntimeRow(
            SELF, str(_("Trực tiếp tại %(name)s") % {"name": level.node.name_vi}), level.node, False, OnTime()
        )
    total = OnTime()
    for code, counts in reporting.on_time_counts(
        qs, start, end_inclusive, group_by="authority__code"
    ).items():
        key = level.row_key(code or "")
        if key is None:
            continue
        if key not in rows:
            rows[key] = OntimeRow(key, str(_("Chưa xác định cơ quan")), None, False, OnTime())
        rows[key].rate.add(counts)
        total.add(counts)
    trunc = PERIODS[period][0]
    points: dict[date, OnTime] = defaultdict(OnTime)
    annotated = reporting.with_resolution_outcome(qs.filter(reporting.resolved_q(start, end_inclusive)))
    for item in (
        annotated.filter(reporting.on_time_population_q())
        .annotate(p=trunc("decided_at", tzinfo=timezone.get_current_timezone()))
        .values("p")
        .annotate(
            on_time=Count("id", filter=Q(resolution_late=False)),
            late=Count("id", filter=Q(resolution_late=True)),
        )
        .order_by()
    ):
        points[timezone.localtime(item["p"]).date()].add(OnTime(item["on_time"], item["late"]))
    series = []
    cursor = _period_start(start, period)
    while cursor < end:
        series.append(
            PeriodPoint(
                cursor,
                _period_end(cursor, period),
                period_label(cursor, period),
                points.get(cursor, OnTime()),
            )
        )
        cursor = _period_end(cursor, period)
    ordered = sorted(rows.values(), key=lambda r: (r.key == SELF, -(r.rate.resolved), r.label))
    ordered = [r for r in ordered if r.key != SELF or r.rate.resolved]
    return ordered, series, total


def ontime_cases(
    level: Level,
    *,
    start: date,
    end: date,
    outcome: str | None,
    kind: str | None = None,
    exact: bool = False,
) -> QuerySet[Case]:
    """The cases behind an on-time figure: resolved in [start, end), in the denominator, on time or
    late (``outcome``) or both."""
    qs = reporting.with_resolution_outcome(
        level_cases(level, kind=kind, exact=exact).filter(
            reporting.resolved_q(start, end - timedelta(days=1))
        )
    ).filter(reporting.on_time_population_q())
    if outcome in ("on_time", "late"):
        qs = qs.filter(reporting.on_time_case_q(outcome))
    return qs


def _period_start(d: date, period: str) -> date:
    if period == "year":
        return date(d.year, 1, 1)
    if period == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return date(d.year, d.month, 1)


# ------------------------------------------------------------------------------------ top cases

TOP_METRICS = {
    "transfer_count": _("Chuyển đơn nhiều lần nhất"),
    "extension_count": _("Gia hạn nhiều lần nhất"),
    "escalation_level": _("Cảnh báo, chuyển cấp cao nhất"),
    "reassignment_count": _("Đổi người xử lý nhiều lần nhất"),
}


def top_cases(level: Level, metric: str, *, open_only: bool = True, kind: str | None = None, limit: int = 20):
    from cases.workflow import OPEN_STATES

    if metric not in TOP_METRICS:
        raise ValueError(metric)
    qs = Case.objects.filter(**{f"{metric}__gt": 0}).select_related("authority", "assignee")
    if level.node is not None:
        qs = qs.filter(authority__path__startswith=level.node.path)
    else:
        qs = qs.filter(level.scope.case_q())
    if open_only:
        qs = qs.filter(status__in=OPEN_STATES)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by(f"-{metric}", "last_activity_at", "id")[:limit])


age_bucket_label = reporting.age_bucket_label
