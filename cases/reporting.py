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

from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase
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


def awaiting_approval_q() -> Q:
    """Cases whose verification report with its draft decision waits for the head's review
    (approve, return with comments, or sign: ``cases.verification``; Law on Complaints Art 29(4),
    Law on Denunciations Art 32). A submitted report is always the case's latest: another is
    submitted only after it was returned."""
    from .verification.models import VerificationReport

    submitted = VerificationReport.objects.filter(
        case=OuterRef("pk"), status=VerificationReport.Status.SUBMITTED
    )
    return Q(status__in=["verifying", "dialogue"]) & Q(Exists(submitted))


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


# ------------------------------------------------------------------------------ periods
# What a periodic report (``cases.reports``) counts for a period of whole local days
# [start, end]: every date of a case placed before, in or after the period (or never reached), so
# "received in the period", "carried over from the previous period", "handled in the period",
# "still open at its end" are stated once, here. A case received at 23:59 on the period's last day
# is in it; one received at 00:00 the next day is not (Asia/Ho_Chi_Minh).

BEFORE, IN, AFTER, NEVER = "before", "in", "after", "never"
POSITIONS = (BEFORE, IN, AFTER, NEVER)

# Letter handling that ends a letter at triage (xử lý đơn), with its ``closed_at`` set then.
TRIAGE_END_STATUSES = frozenset({"rejected", "transferred", "guided", "merged"})
# Statuses a case reaches by withdrawal or by ending resolution, without a decision.
ENDED_WITHOUT_DECISION = frozenset({"withdrawn", "terminated", "closed"})
# Reasons that file a letter as not eligible for handling (xếp lưu: Circular 05/2021/TT-TTCP,
# formerly Circular 07/2014 Art 28; anonymous letters, Law on Denunciations Art 25). Other refusals
# are the competent body's non-acceptance of an eligible letter (Law on Complaints Art 11, Law on
# Denunciations Art 29(1)).
INELIGIBLE_REASONS = frozenset(
    {"XLD-28-ineligible", "XLD-28-illegible", "XLD-28-resolved", "TC-25", "TC-25-2-insufficient"}
)
END_EVENTS = ("case.withdrawn", "case.terminated")


def received_q(start: dt.date, end_inclusive: dt.date) -> Q:
    """Cases received in the period (local days)."""
    lo, hi = day_bounds(start, end_inclusive)
    return Q(received_at__gte=lo, received_at__lt=hi)


def accepted_q(start: dt.date, end_inclusive: dt.date) -> Q:
    """Cases accepted (thụ lý) in the period."""
    lo, hi = day_bounds(start, end_inclusive)
    return Q(accepted_at__gte=lo, accepted_at__lt=hi)


def _end_event_time():
    """When a case was first withdrawn or its resolution ended (the event's time)."""
    from .models import CaseEvent

    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=END_EVENTS)
        .order_by("created_at")
        .values("created_at")[:1],
        output_field=DateTimeField(),
    )


def handled_at_expression():
    """When the letter was handled (xử lý đơn: accepted, refused, transferred, guided, merged, or
    withdrawn before any of these); NULL while it waits."""
    return SqlCase(
        When(accepted_at__isnull=False, then=F("accepted_at")),
        When(status__in=sorted(TRIAGE_END_STATUSES), then=F("closed_at")),
        When(status__in=sorted(ENDED_WITHOUT_DECISION), decided_at__isnull=True, then=_end_event_time()),
        default=Value(None),
        output_field=DateTimeField(),
    )


def ended_at_expression():
    """When the case left the backlog: its decision, conclusion or answer; the end of its letter
    handling when it was not accepted; its withdrawal or the end of its resolution. NULL while it is
    open (``backlog_q``): every case in an open status has no end, so the backlog at a moment and
    ``backlog_q`` agree now."""
    return SqlCase(
        When(decided_at__isnull=False, then=F("decided_at")),
        When(status__in=sorted(TRIAGE_END_STATUSES), then=F("closed_at")),
        When(status__in=sorted(ENDED_WITHOUT_DECISION), then=_end_event_time()),
        default=Value(None),
        output_field=DateTimeField(),
    )


def position_expression(field: str, lo: dt.datetime, hi: dt.datetime):
    """``before`` / ``in`` / ``after`` the period [lo, hi), or ``never`` (NULL)."""
    return SqlCase(
        When(**{f"{field}__isnull": True}, then=Value(NEVER)),
        When(**{f"{field}__lt": lo}, then=Value(BEFORE)),
        When(**{f"{field}__lt": hi}, then=Value(IN)),
        default=Value(AFTER),
        output_field=CharField(),
    )


def _end_event_position(lo: dt.datetime, hi: dt.datetime):
    """Where the first withdrawal or end of resolution falls: written with EXISTS (one per bound)
    rather than the event's time, so a report's grouped query can hash its groups."""
    from .models import CaseEvent

    events = CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=END_EVENTS)
    return SqlCase(
        When(Exists(events.filter(created_at__lt=lo)), then=Value(BEFORE)),
        When(Exists(events.filter(created_at__lt=hi)), then=Value(IN)),
        When(Exists(events), then=Value(AFTER)),
        default=Value(NEVER),
        output_field=CharField(),
    )


def handled_position_expression(lo: dt.datetime, hi: dt.datetime):
    """``position_expression`` of ``handled_at_expression``, without computing the time."""
    return SqlCase(
        When(accepted_at__isnull=False, then=position_expression("accepted_at", lo, hi)),
        When(status__in=sorted(TRIAGE_END_STATUSES), then=position_expression("closed_at", lo, hi)),
        When(
            status__in=sorted(ENDED_WITHOUT_DECISION),
            decided_at__isnull=True,
            then=_end_event_position(lo, hi),
        ),
        default=Value(NEVER),
        output_field=CharField(),
    )


def ended_position_expression(lo: dt.datetime, hi: dt.datetime):
    """``position_expression`` of ``ended_at_expression``, without computing the time."""
    return SqlCase(
        When(decided_at__isnull=False, then=position_expression("decided_at", lo, hi)),
        When(status__in=sorted(TRIAGE_END_STATUSES), then=position_expression("closed_at", lo, hi)),
        When(status__in=sorted(ENDED_WITHOUT_DECISION), then=_end_event_position(lo, hi)),
        default=Value(NEVER),
        output_field=CharField(),
    )


def handling_expression():
    """How the letter was handled: accepted, rejected (non-acceptance of an eligible letter),
    ineligible (filed), guided, transferred, urged (transferred to a lower body that had not
    resolved it, from a visit: Law on Citizen Reception Art 26(1)(b)), merged (a duplicate),
    withdrawn (before acceptance), or "" (waiting)."""
    from .reception.models import Visit

    urged = Exists(Visit.objects.filter(case=OuterRef("pk"), handling=Visit.Handling.URGED))
    return SqlCase(
        When(accepted_at__isnull=False, then=Value("accepted")),
        When(status="merged", then=Value("merged")),
        When(status="rejected", reason_code__in=sorted(INELIGIBLE_REASONS), then=Value("ineligible")),
        When(status="rejected", then=Value("rejected")),
        When(status="guided", then=Value("guided")),
        When(Q(status="transferred", channel="in_person") & urged, then=Value("urged")),
        When(status="transferred", then=Value("transferred")),
        When(status__in=sorted(ENDED_WITHOUT_DECISION), then=Value("withdrawn")),
        default=Value(""),
        output_field=CharField(),
    )


def resolution_expression():
    """How the resolution of an accepted case ended: decided (decision, conclusion or answer),
    withdrawn (the whole content withdrawn), terminated (ended otherwise), or "" (not ended)."""
    from .models import CaseEvent

    withdrawn = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind="case.withdrawn"))
    return SqlCase(
        When(accepted_at__isnull=True, then=Value("")),
        When(decided_at__isnull=False, then=Value("decided")),
        When(Q(status__in=sorted(ENDED_WITHOUT_DECISION)) & withdrawn, then=Value("withdrawn")),
        When(status__in=sorted(ENDED_WITHOUT_DECISION), then=Value("terminated")),
        default=Value(""),
        output_field=CharField(),
    )


def on_time_expression(lo: dt.datetime, hi: dt.datetime):
    """For a case decided in [lo, hi): ``on_time`` or ``late`` per ``on_time_case_q`` (the
    dashboard's and the public page's definition: a met resolution limit, late when one of them was
    missed), "" otherwise (outside the denominator). PostgreSQL hashes the two EXISTS once per
    query, so a report over a whole province reads the deadlines twice, not once per case."""
    from .models import Deadline

    resolution = Deadline.objects.filter(
        case=OuterRef("pk"), rule_code__in=sorted(rules.RESOLUTION_RULES), state=Deadline.State.MET
    )
    decided_in = Q(decided_at__gte=lo, decided_at__lt=hi)
    return SqlCase(
        When(decided_in & Exists(resolution.filter(missed=True)), then=Value("late")),
        When(decided_in & Exists(resolution), then=Value("on_time")),
        default=Value(""),
        output_field=CharField(),
    )


def age_bucket_expression(today: dt.date):
    """The age bucket (``AGE_BUCKETS``) a case has on ``today``."""
    whens = [When(age_q(today, lo, hi), then=Value(key)) for key, _label, lo, hi in AGE_BUCKETS]
    return SqlCase(*whens, default=Value(AGE_BUCKETS[0][0]), output_field=CharField())


def prior_expression():
    """What the letter says about earlier resolution (the "tình trạng giải quyết" columns):
    ``first_done`` a second-level complaint (the first-level decision exists), ``second_done`` a
    complaint refused because a second-level decision exists (Law on Complaints Art 11(7)),
    ``court`` refused because a court has the matter (Art 11(9)), ``redenounced_concluded`` /
    ``redenounced_pending`` a re-denunciation whose earlier case was / was not concluded, "" none."""
    from django.db.models import Func

    from .models import Case

    previous_decided = Subquery(
        Case.objects.filter(pk=OuterRef("previous_case_id")).values("decided_at")[:1],
        output_field=DateTimeField(),
    )
    # Looked up only for re-denunciations (a nested CASE is evaluated lazily; a join would read
    # every case).
    earlier = Func(
        previous_decided,
        template=(
            "CASE WHEN %(expressions)s IS NULL THEN 'redenounced_pending' ELSE 'redenounced_concluded' END"
        ),
        output_field=CharField(),
    )
    return SqlCase(
        When(reason_code="KN-11-7", then=Value("second_done")),
        When(reason_code="KN-11-9", then=Value("court")),
        When(kind="complaint", complaint_level="second", then=Value("first_done")),
        When(kind="denunciation", previous_case__isnull=False, then=earlier),
        default=Value(""),
        output_field=CharField(),
    )


def signers_expression():
    """``many`` (two or more named senders), ``one``, or ``none`` (anonymous)."""
    from .models import Party

    return SqlCase(
        When(Exists(Party.objects.filter(case=OuterRef("pk"), position__gte=1)), then=Value("many")),
        When(Exists(Party.objects.filter(case=OuterRef("pk"))), then=Value("one")),
        default=Value("none"),
        output_field=CharField(),
    )


# The facts a report can ask of a case for a period [lo, hi) ending on ``end`` (inclusive): name ->
# builder(lo, hi, end). Plain columns (kind, status, outcome, channel, complaint_level) are facts
# too. The reports group by the facts they need and count; a cell's drill-down filters on the same.
FACTS = {
    "received": lambda lo, hi, end: position_expression("received_at", lo, hi),
    "handled": lambda lo, hi, end: handled_position_expression(lo, hi),
    "accepted": lambda lo, hi, end: position_expression("accepted_at", lo, hi),
    "ended": lambda lo, hi, end: ended_position_expression(lo, hi),
    "decided": lambda lo, hi, end: position_expression("decided_at", lo, hi),
    "handling": lambda lo, hi, end: handling_expression(),
    "resolution": lambda lo, hi, end: resolution_expression(),
    "on_time": lambda lo, hi, end: on_time_expression(lo, hi),
    "age_end": lambda lo, hi, end: age_bucket_expression(end),
    "prior": lambda lo, hi, end: prior_expression(),
    "signers": lambda lo, hi, end: signers_expression(),
    "repeat": lambda lo, hi, end: SqlCase(
        When(previous_case__isnull=False, then=Value(True)), default=Value(False), output_field=BooleanField()
    ),
}
PLAIN_FACTS = ("kind", "status", "outcome", "channel", "complaint_level")
# Facts that are built on other annotations.
_NEEDS: dict[str, tuple[str, ...]] = {}


def period_facts(queryset, start: dt.date, end_inclusive: dt.date, facts):
    """``queryset`` annotated with the period facts named in ``facts`` (as ``f_<name>``), for the
    period of local days [start, end_inclusive]."""
    lo, hi = day_bounds(start, end_inclusive)
    wanted = [f for f in facts if f not in PLAIN_FACTS]
    helpers = {h for f in wanted for h in _NEEDS.get(f, ())}
    present = queryset.query.annotations
    if "handled_at" in helpers and "handled_at" not in present:
        queryset = queryset.annotate(handled_at=handled_at_expression())
    if "ended_at" in helpers and "ended_at" not in present:
        queryset = queryset.annotate(ended_at=ended_at_expression())
    annotations = {f"f_{name}": FACTS[name](lo, hi, end_inclusive) for name in wanted}
    annotations.update({f"f_{name}": F(name) for name in facts if name in PLAIN_FACTS})
    return queryset.annotate(**annotations)


# Facts of a visit of the reception register (``cases.reception.models.Visit``) for a period: when
# it was received, whether at an officer's regular reception, a head's session or a session the
# head authorised someone to hold, whether the visitors were a group (``rules.is_group_visit``),
# whether its matter had been received before, how it was handled. Plain columns too.
def _visit_session_expression():
    return SqlCase(
        When(session__isnull=True, then=Value("regular")),
        When(session__authorised=True, then=Value("authorised")),
        default=Value("head"),
        output_field=CharField(),
    )


VISIT_FACTS = {
    "received": lambda lo, hi, end: position_expression("received_at", lo, hi),
    "session": lambda lo, hi, end: _visit_session_expression(),
    "group": lambda lo, hi, end: SqlCase(
        When(group_size__gte=rules.group_visit_min(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    ),
}
VISIT_PLAIN_FACTS = ("repeat", "handling", "content_kind", "channel", "in_competence")
# A head's session is held in the period when it took place then (cancelled and planned ones never).
SESSION_FACTS = {
    "held": lambda lo, hi, end: SqlCase(
        When(~Q(state="held"), then=Value(NEVER)),
        When(starts_at__lt=lo, then=Value(BEFORE)),
        When(starts_at__lt=hi, then=Value(IN)),
        default=Value(AFTER),
        output_field=CharField(),
    ),
}
SESSION_PLAIN_FACTS = ("authorised", "kind")


def visit_period_facts(queryset, start: dt.date, end_inclusive: dt.date, facts):
    lo, hi = day_bounds(start, end_inclusive)
    annotations: dict[str, object] = {
        f"f_{n}": VISIT_FACTS[n](lo, hi, end_inclusive) for n in facts if n in VISIT_FACTS
    }
    annotations.update({f"f_{n}": F(n) for n in facts if n in VISIT_PLAIN_FACTS})
    return queryset.annotate(**annotations)


def session_period_facts(queryset, start: dt.date, end_inclusive: dt.date, facts):
    lo, hi = day_bounds(start, end_inclusive)
    annotations: dict[str, object] = {
        f"f_{n}": SESSION_FACTS[n](lo, hi, end_inclusive) for n in facts if n in SESSION_FACTS
    }
    annotations.update({f"f_{n}": F(n) for n in facts if n in SESSION_PLAIN_FACTS})
    return queryset.annotate(**annotations)


def facts_q(where) -> Q:
    """The condition ``{fact: [allowed values]}`` on a queryset annotated by ``*period_facts``."""
    q = Q()
    for name, values in sorted(where.items()):
        q &= Q(**{f"f_{name}__in": list(values)})
    return q


def touches_period_q(start: dt.date, end_inclusive: dt.date) -> Q:
    """Cases a report for the period can count: received before its end and not ended before its
    start (needs the ``ended_at`` annotation)."""
    lo, hi = day_bounds(start, end_inclusive)
    return Q(received_at__lt=hi) & (Q(ended_at__isnull=True) | Q(ended_at__gte=lo))


def may_touch_period_q(start: dt.date, end_inclusive: dt.date) -> Q:
    """A superset of ``touches_period_q`` read from the case's own columns (no event lookup, so a
    report's grouped scan stays a plain scan): received before the end, and not decided, nor ended
    at triage, before the start. Cases withdrawn or ended before the start stay in it; every
    report figure's own conditions (ended / handled in or after the period) leave them out."""
    lo, hi = day_bounds(start, end_inclusive)
    decided_ok = Q(decided_at__isnull=True) | Q(decided_at__gte=lo)
    triage_ok = ~Q(status__in=sorted(TRIAGE_END_STATUSES)) | Q(closed_at__isnull=True) | Q(closed_at__gte=lo)
    return Q(received_at__lt=hi) & decided_ok & triage_ok


def backlog_at_q(moment: dt.datetime) -> Q:
    """Cases open at ``moment``: received before it and not ended before it (``ended_at``
    annotation). At now, the same cases as ``backlog_q``."""
    return Q(received_at__lt=moment) & (Q(ended_at__isnull=True) | Q(ended_at__gte=moment))


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
# What the periodic reports add (shown in their methods note and in docs/reporting.md).
PERIOD_METHODS = (
    (
        "period",
        _("Kỳ báo cáo"),
        _(
            "Các ngày trọn vẹn theo giờ Việt Nam từ ngày đầu đến hết ngày cuối kỳ: đơn nhận lúc 23:59 "
            "ngày cuối kỳ thuộc kỳ này, đơn nhận lúc 00:00 ngày hôm sau thuộc kỳ sau."
        ),
    ),
    (
        "carried",
        _("Kỳ trước chuyển sang"),
        _(
            "Đơn nhận trước ngày đầu kỳ mà đến đầu kỳ chưa xử lý xong (xử lý đơn), hoặc vụ việc đã thụ lý "
            "trước đầu kỳ mà đến đầu kỳ chưa giải quyết xong (giải quyết)."
        ),
    ),
    (
        "handled",
        _("Đã xử lý"),
        _(
            "Đơn đã được thụ lý, trả lời không thụ lý, xếp lưu, hướng dẫn, chuyển đơn, đôn đốc, gộp vào "
            "hồ sơ trùng hoặc đã rút trước khi thụ lý, tính theo thời điểm của việc đó."
        ),
    ),
    (
        "resolved",
        _("Đã giải quyết"),
        _(
            "Vụ việc đã thụ lý có quyết định, kết luận hoặc văn bản trả lời, hoặc đã rút toàn bộ, "
            "hoặc đã đình chỉ giải quyết, tính theo thời điểm của việc đó."
        ),
    ),
    (
        "backlog_end",
        _("Tồn đọng cuối kỳ"),
        _(
            "Hồ sơ đã nhận trước hết ngày cuối kỳ và đến thời điểm đó chưa kết thúc (chưa có quyết "
            "định, kết luận, trả lời, chưa kết thúc xử lý đơn, chưa rút hoặc đình chỉ); tuổi tính đến "
            "ngày cuối kỳ theo các nhóm của mục «Thời gian tồn đọng»."
        ),
    ),
)


def methods(keys: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(term, definition) in the active language, for ``keys`` (every entry by default)."""
    return [(str(term), str(text)) for key, term, text in METHODS if keys is None or key in keys]
