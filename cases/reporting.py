"""The reporting definitions: what "backlog", "age", "overdue", "stalled", "on time" and "likely
duplicate" mean, stated once.

Public statistics (``publicsite.statistics``), the oversight dashboard and its tabs
(``search.views``), the workspace filters and presets (``cases.admin.listing``), the exports, the
API's statistics endpoint, the escalation sweep and both search backends (database and
Elasticsearch, through ``search.criteria``) compute with these functions, so a figure and the list
behind it count the same set. ``METHODS`` is the methods note shown on the public statistics page
and in ``docs/reporting.md``.

- **Backlog** (tồn đọng): cases in an open status (``workflow.OPEN_STATES``: received, accepted,
  verifying, dialogue, suspended).
- **Age**: whole calendar days from the local (Asia/Ho_Chi_Minh) date of receipt to today; a case
  received 30 days ago is 30 days old and falls in "30–59 ngày". Buckets ``[lo, hi)``.
- **Overdue** (quá hạn): a case with a running deadline whose end has passed (``next_due_at`` before
  now), whatever its status: a decided case that has not been sent is overdue too. Paused deadlines
  (suspension) never are. "Overdue backlog" is the backlog and overdue.
- **Stalled** (ngưng trệ): an active case (open, not suspended) with no handling for at least the
  working days its authority's escalation policy sets for its status (the nearest policy up the
  tree, else the default policy, else ``rules.DEFAULT_STALLED_AFTER``). What a citizen sends is
  not handling.
- **On time** (đúng hạn), per case: of the cases whose decision or conclusion was issued in the
  period (``decided_at``), those with a resolution limit (K4, K5, K6, T4) met without being late;
  the rate is on time / (on time + late). Cases ended by withdrawal, merger, transfer, termination
  or refusal have no resolved limit and are outside the denominator.
- **Sent on time** (gửi kết quả đúng hạn), per case: of the cases whose sending limit (K7, K9, T6:
  send the decision or conclusion) was met in the period (``met_at``, the recorded dispatch of
  ``cases.delivery``), those with none of them late; rate = on time / (on time + late). A returned
  letter leaves the dispatch standing (the law measures the sending) and a pending delivery.
- **Likely duplicate** (nghi trùng): an open case flagged at registration by
  ``cases.duplicates.find_duplicates`` (``rules.duplicate_signals``) and not yet merged, linked or
  cleared by staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules, workflow
from .deadlines import WorkingCalendar

# ------------------------------------------------------------------------------ time helpers


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day`` (Asia/Ho_Chi_Minh), aware."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_bounds(start: dt.date, end_inclusive: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in local time: a period of whole local days."""
    return day_start(start), day_start(end_inclusive + dt.timedelta(days=1))


# ------------------------------------------------------------------------------ backlog, age

BACKLOG_STATUSES = workflow.OPEN_STATES

# (key, label, lo, hi): a case ``lo <= age < hi`` days old; the last bucket has no upper bound.
AGE_BUCKETS: tuple[tuple[str, object, int, int | None], ...] = (
    ("0-29", _("0–29 ngày"), 0, 30),
    ("30-59", _("30–59 ngày"), 30, 60),
    ("60-89", _("60–89 ngày"), 60, 90),
    ("90-179", _("90–179 ngày"), 90, 180),
    ("180+", _("Từ 180 ngày"), 180, None),
)
AGE_BUCKET_KEYS = tuple(b[0] for b in AGE_BUCKETS)


def age_days(received_at: dt.datetime, today: dt.date) -> int:
    return max(0, (today - local_date(received_at)).days)


def age_bucket_of(days: int) -> str:
    for key, _label, lo, hi in AGE_BUCKETS:
        if days >= lo and (hi is None or days < hi):
            return key
    return AGE_BUCKETS[0][0]


def age_bucket_range(key: str) -> tuple[int, int | None]:
    for k, _label, lo, hi in AGE_BUCKETS:
        if k == key:
            return lo, hi
    raise ValueError(f"unknown age bucket {key!r}")


def age_bucket_label(key: str) -> str:
    for k, label, _lo, _hi in AGE_BUCKETS:
        if k == key:
            return str(label)
    return key


def received_before_age(today: dt.date, days: int) -> dt.datetime:
    """Cases at least ``days`` days old were received strictly before this instant."""
    return day_start(today - dt.timedelta(days=days) + dt.timedelta(days=1))


def age_q(today: dt.date, lo: int | None, hi: int | None) -> Q:
    """Cases ``lo <= age < hi`` days old (either bound may be None)."""
    q = Q()
    if lo:
        q &= Q(received_at__lt=received_before_age(today, lo))
    if hi is not None:
        q &= Q(received_at__gte=received_before_age(today, hi))
    return q


def backlog_q() -> Q:
    return Q(status__in=sorted(BACKLOG_STATUSES))


def overdue_q(now: dt.datetime) -> Q:
    return Q(next_due_at__lt=now)


def duplicates_q() -> Q:
    return Q(duplicate_suspected=True, status__in=sorted(BACKLOG_STATUSES))


def proposed_for_acceptance_q() -> Q:
    """Letters classified by the letter-handling officer and still waiting for the head's decision
    to accept, refuse or transfer (Circular 05/2021/TT-TTCP: the officer proposes, the head
    decides): received, with a ``case.classified`` event."""
    from .models import CaseEvent

    classified = CaseEvent.objects.filter(case=OuterRef("pk"), kind="case.classified")
    return Q(status="received") & Q(Exists(classified))


# ------------------------------------------------------------------------------ stalled


@dataclass(frozen=True)
class StalledClause:
    """Cases in ``status`` last active before ``activity_before`` are stalled, for the cases of
    ``authority_ids`` (None: of every authority but ``excluded_ids``; ``unknown``: also cases with
    no authority yet)."""

    status: str
    activity_before: dt.datetime
    authority_ids: tuple[int, ...] | None
    excluded_ids: tuple[int, ...] = ()
    unknown: bool = False


@dataclass(frozen=True)
class PolicyView:
    """What the stalled definition needs of the escalation policies: {authority id or None (the
    default policy): its stalled_after} and the authority tree ({id: parent id})."""

    stalled_after: Mapping[int | None, Mapping[str, object]]
    parents: Mapping[int, int | None]

    def governing(self, authority_id: int | None) -> int | None:
        """The authority whose policy governs ``authority_id`` (None: the default)."""
        current = authority_id
        while current is not None:
            if current in self.stalled_after:
                return current
            current = self.parents.get(current)
        return None

    def thresholds(self, governing: int | None) -> dict[str, int]:
        return rules.stalled_thresholds(self.stalled_after.get(governing))


def policy_view() -> PolicyView:
    from .models import Authority, EscalationPolicy

    return PolicyView(
        stalled_after={p.authority_id: p.stalled_after or {} for p in EscalationPolicy.objects.all()},
        parents=dict(Authority.objects.values_list("pk", "parent_id")),
    )


def stalled_clauses(
    now: dt.datetime, calendar: WorkingCalendar, policies: PolicyView | None = None
) -> list[StalledClause]:
    """The stalled definition as clauses on (authority, status, last activity) for ``now``."""
    policies = policies or policy_view()
    today = local_date(now)
    governed: dict[int | None, list[int]] = {}
    for authority_id in policies.parents:
        governed.setdefault(policies.governing(authority_id), []).append(authority_id)
    explicit = sorted(k for k in governed if k is not None)
    others = tuple(sorted(a for k, ids in governed.items() if k is not None for a in ids))
    clauses: list[StalledClause] = []
    cutoffs: dict[int, dt.datetime] = {}

    def before(n: int) -> dt.datetime:
        if n not in cutoffs:
            cutoffs[n] = day_start(rules.idle_cutoff(today, n, calendar) + dt.timedelta(days=1))
        return cutoffs[n]

    for status, n in sorted(policies.thresholds(None).items()):
        clauses.append(
            StalledClause(
                status=status,
                activity_before=before(n),
                authority_ids=None,
                excluded_ids=others,
                unknown=True,
            )
        )
    for governing in explicit:
        for status, n in sorted(policies.thresholds(governing).items()):
            clauses.append(
                StalledClause(
                    status=status, activity_before=before(n), authority_ids=tuple(sorted(governed[governing]))
                )
            )
    return clauses


def stalled_q(clauses: Iterable[StalledClause]) -> Q:
    q = Q(pk__in=[])
    for c in clauses:
        part = Q(status=c.status, last_activity_at__lt=c.activity_before)
        if c.authority_ids is not None:
            part &= Q(authority_id__in=list(c.authority_ids))
        elif c.excluded_ids:
            # On a nullable column Django negates as NOT (IN (...) AND IS NOT NULL): cases with no
            # authority yet stay in (they are governed by the default policy).
            part &= ~Q(authority_id__in=list(c.excluded_ids))
        q |= part
    return q


def stalled_now_q(now: dt.datetime | None = None, calendar: WorkingCalendar | None = None) -> Q:
    from .deadline_services import working_calendar

    now = now or timezone.now()
    return stalled_q(stalled_clauses(now, calendar or working_calendar()))


# ------------------------------------------------------------------------------ on time


@dataclass
class OnTime:
    on_time: int = 0
    late: int = 0

    @property
    def resolved(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Percent on time, one decimal; None when nothing was resolved."""
        return round(100.0 * self.on_time / self.resolved, 1) if self.resolved else None

    def add(self, other: OnTime) -> None:
        self.on_time += other.on_time
        self.late += other.late


def resolved_q(start: dt.date, end_inclusive: dt.date) -> Q:
    """Cases whose decision, conclusion or answer was issued in the period (local days)."""
    lo, hi = day_bounds(start, end_inclusive)
    return Q(decided_at__gte=lo, decided_at__lt=hi)


def with_resolution_outcome(queryset):
    """Annotate ``resolution_met`` (a resolution limit was met: in the on-time denominator) and
    ``resolution_late`` (one of them late)."""
    from .models import Deadline

    resolution = Deadline.objects.filter(
        case=OuterRef("pk"), rule_code__in=sorted(rules.RESOLUTION_RULES), state=Deadline.State.MET
    )
    return queryset.annotate(
        resolution_met=Exists(resolution), resolution_late=Exists(resolution.filter(missed=True))
    )


def on_time_population_q() -> Q:
    return Q(resolution_met=True)


def on_time_case_q(outcome: str) -> Q:
    """Among annotated cases: ``on_time`` or ``late`` (the two parts of the denominator)."""
    if outcome == "on_time":
        return Q(resolution_met=True, resolution_late=False)
    if outcome == "late":
        return Q(resolution_met=True, resolution_late=True)
    raise ValueError(outcome)


def on_time_counts(queryset, start: dt.date, end_inclusive: dt.date, *, group_by: str | None = None):
    """On-time and late counts of the cases of ``queryset`` resolved in the period: one
    :class:`OnTime`, or {value of ``group_by``: OnTime}."""
    from django.db.models import Count

    qs = with_resolution_outcome(queryset.filter(resolved_q(start, end_inclusive))).filter(
        on_time_population_q()
    )
    aggregates = {
        "on_time": Count("id", filter=Q(resolution_late=False)),
        "late": Count("id", filter=Q(resolution_late=True)),
    }
    if group_by is None:
        row = qs.order_by().aggregate(**aggregates)
        return OnTime(row["on_time"], row["late"])
    return {
        row[group_by]: OnTime(row["on_time"], row["late"])
        for row in qs.order_by().values(group_by).annotate(**aggregates)
    }


def default_on_time_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The dashboard's "12 months": the twelve whole months up to and including this one."""
    months = today.year * 12 + today.month - 1 - 11
    return dt.date(months // 12, months % 12 + 1, 1), today


# ------------------------------------------------------------------------------ sent on time


def with_send_outcome(queryset, start: dt.date, end_inclusive: dt.date):
    """Annotate ``send_met`` (a sending limit K7/K9/T6 was met in the period: in the denominator)
    and ``send_late`` (one of those late)."""
    from .models import Deadline

    lo, hi = day_bounds(start, end_inclusive)
    sent = Deadline.objects.filter(
        case=OuterRef("pk"),
        rule_code__in=sorted(rules.SEND_RULES),
        state=Deadline.State.MET,
        met_at__gte=lo,
        met_at__lt=hi,
    )
    return queryset.annotate(send_met=Exists(sent), send_late=Exists(sent.filter(missed=True)))


def sent_on_time_case_q(outcome: str) -> Q:
    """Among annotated cases: ``on_time`` or ``late`` (the two parts of the denominator)."""
    if outcome == "on_time":
        return Q(send_met=True, send_late=False)
    if outcome == "late":
        return Q(send_met=True, send_late=True)
    raise ValueError(outcome)


def sent_on_time_cases(queryset, start: dt.date, end_inclusive: dt.date, outcome: str):
    """The list behind the figure: the cases counted as sent ``on_time`` or ``late``."""
    return with_send_outcome(queryset, start, end_inclusive).filter(sent_on_time_case_q(outcome))


def sent_on_time_counts(queryset, start: dt.date, end_inclusive: dt.date) -> OnTime:
    """How many cases of ``queryset`` had their result sent on time, and late, in the period."""
    from django.db.models import Count

    row = (
        with_send_outcome(queryset, start, end_inclusive)
        .filter(send_met=True)
        .order_by()
        .aggregate(
            on_time=Count("id", filter=Q(send_late=False)),
            late=Count("id", filter=Q(send_late=True)),
        )
    )
    return OnTime(row["on_time"], row["late"])


# ------------------------------------------------------------------------------ the methods note
# (key, term, definition): the dashboard shows every entry, the public statistics page those of
# PUBLIC_METHODS (it shows no stalled or duplicate figures).

METHODS = (
    (
        "backlog",
        _("Tồn đọng"),
        _(
            "Hồ sơ đang ở trạng thái chưa kết thúc: đã tiếp nhận, đã thụ lý, đang xác minh, đối thoại "
            "hoặc tạm đình chỉ, tại thời điểm xem."
        ),
    ),
    (
        "age",
        _("Thời gian tồn đọng"),
        _(
            "Số ngày theo lịch từ ngày nhận đơn (giờ Việt Nam) đến hôm nay. Hồ sơ nhận cách đây đúng "
            "30 ngày thuộc nhóm 30–59 ngày. Nhóm: 0–29, 30–59, 60–89, 90–179 và từ 180 ngày."
        ),
    ),
    (
        "overdue",
        _("Quá hạn"),
        _(
            "Hồ sơ có một thời hạn đang chạy đã qua ngày cuối cùng, dù ở trạng thái nào (ví dụ đã có "
            "quyết định nhưng chưa gửi). Thời hạn đang tạm dừng do tạm đình chỉ không tính là quá hạn."
        ),
    ),
    (
        "stalled",
        _("Ngưng trệ"),
        _(
            "Hồ sơ đang giải quyết (không tạm đình chỉ) không có hoạt động xử lý trong số ngày làm việc "
            "mà quy tắc cảnh báo của cơ quan quy định cho trạng thái hiện tại (mặc định: tiếp nhận 10, "
            "thụ lý 15, xác minh 20, đối thoại 10 ngày làm việc). Việc người dân bổ sung tài liệu không "
            "tính là hoạt động xử lý."
        ),
    ),
    (
        "on_time",
        _("Giải quyết đúng hạn"),
        _(
            "Tính theo hồ sơ: trong các hồ sơ có quyết định, kết luận hoặc văn bản trả lời ban hành "
            "trong kỳ và có thời hạn giải quyết theo luật (khiếu nại lần đầu, lần hai, khiếu nại kỷ "
            "luật, tố cáo), tỷ lệ hồ sơ được giải quyết không quá thời hạn (đã tính gia hạn và thời "
            "gian tạm đình chỉ). Hồ sơ kết thúc do rút đơn, gộp, chuyển đơn, đình chỉ hoặc không thụ "
            "lý không thuộc mẫu số."
        ),
    ),
    (
        "sent_on_time",
        _("Gửi kết quả đúng hạn"),
        _(
            "Tính theo hồ sơ: trong các hồ sơ có thời hạn gửi quyết định hoặc kết luận (Luật Khiếu nại, "
            "Điều 32, Điều 41 khoản 1; Luật Tố cáo, Điều 35 khoản 3) được hoàn thành trong kỳ, tỷ lệ hồ "
            "sơ đã gửi cho người gửi đơn (và người bị tố cáo, nếu có) không quá thời hạn. Thời điểm gửi "
            "là thời điểm giao bưu chính, gửi thư điện tử, nhắn tin hoặc trao trực tiếp đã ghi nhận; thư "
            "bị trả lại không làm mất việc gửi đúng hạn nhưng được đưa lại vào danh sách phải gửi."
        ),
    ),
    (
        "duplicate",
        _("Nghi trùng"),
        _(
            "Đơn đang xử lý mà khi tiếp nhận trùng người gửi (số định danh) và loại đơn với một hồ sơ "
            "nhận trong 90 ngày trước, hoặc cùng người bị khiếu nại/tố cáo với tiêu đề tương tự, chưa "
            "được cán bộ gộp, liên kết hoặc xác nhận không trùng."
        ),
    ),
)
PUBLIC_METHODS = ("backlog", "age", "on_time")


def methods(keys: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(term, definition) in the active language, for ``keys`` (every entry by default)."""
    return [(str(term), str(text)) for key, term, text in METHODS if keys is None or key in keys]
