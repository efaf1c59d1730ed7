"""What the case finder and the backlog aggregation are asked, independent of the backend.

The definitions (backlog, age buckets, overdue, stalled, likely duplicate) are ``cases.reporting``;
``StalledCriteria.resolve(now, calendar)`` turns relative criteria ("stalled by the policy",
"30 working days without activity", "overdue", "30–59 days old") into absolute thresholds and
clauses once, so the database and Elasticsearch backends filter on exactly the same instants and
select the same cases."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta

from django.utils import timezone

from cases import reporting
from cases.reporting import AGE_BUCKET_KEYS, AGE_BUCKETS, StalledClause
from cases.workflow import OPEN_STATES

__all__ = [
    "AGE_BUCKETS",
    "AGE_BUCKET_KEYS",
    "BacklogCell",
    "ResolvedCriteria",
    "StalledCriteria",
    "age_bucket",
    "open_statuses_in_order",
]


# A status no case has: the empty answer when a criterion excludes every status.
NO_STATUS = "__none__"


def _all_statuses() -> list[str]:
    from cases.models import CaseStatus

    return list(CaseStatus.values)


def age_bucket(key: str) -> tuple[int, int | None]:
    return reporting.age_bucket_range(key)


def open_statuses_in_order() -> list[str]:
    from cases.models import CaseStatus

    return [s.value for s in CaseStatus if s.value in OPEN_STATES]


@dataclass(frozen=True)
class StalledCriteria:
    """A question for the finder. Every criterion is ANDed; ``None``/``False`` means "no
    condition". By default only the backlog (open cases) is searched; ``open_only=False`` searches
    every case (the overdue figure counts decided cases not yet sent, too)."""

    stalled: bool = False  # stalled by the escalation policy (reporting's definition)
    days: int | None = None  # no activity for at least N days ...
    working_days: bool = False  # ... counted in working days instead of calendar days
    overdue_by: int | None = None  # next deadline passed at least K days ago (0: passed at all)
    age: str | None = None  # age bucket key (reporting.AGE_BUCKETS)
    duplicate: bool = False  # flagged as a likely duplicate
    min_transfers: int | None = None
    min_extensions: int | None = None
    min_escalation: int | None = None
    min_reassignments: int | None = None
    min_suspensions: int | None = None
    authority: str | None = None  # authority code; includes its sub-units ...
    authority_only: bool = False  # ... unless only the body's own cases are asked for
    kind: str | None = None
    statuses: tuple[str, ...] = ()  # empty: every open status (every status if not open_only)
    assignee_id: int | None = None
    received_age_min: int | None = None  # received at least N days ago
    received_age_max: int | None = None  # received fewer than N days ago
    open_only: bool = True
    closed_only: bool = False  # only cases whose handling has ended (decided, closed, withdrawn...)
    # Permission scope: authority codes whose sub-trees the viewer may see. None = everything.
    within: tuple[str, ...] | None = field(default=None)

    def with_(self, **changes) -> StalledCriteria:
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, False, ()) for f in fields(self) if f.name != "open_only")

    def resolve(self, now: datetime | None = None, calendar=None) -> ResolvedCriteria:
        now = now or timezone.now()
        today = reporting.local_date(now)
        if self.closed_only or self.open_only:
            pool = set(OPEN_STATES) if not self.closed_only else set(_all_statuses()) - set(OPEN_STATES)
            statuses = tuple(sorted(pool if not self.statuses else set(self.statuses) & pool))
            if self.statuses and not statuses:
                statuses = (NO_STATUS,)  # only closed statuses asked of the backlog: nothing
        else:
            statuses = tuple(sorted(self.statuses)) if self.statuses else ()
        if (self.stalled or (self.days is not None and self.working_days)) and calendar is None:
            from cases.deadline_services import working_calendar

            calendar = working_calendar()
        activity_before = None
        if self.days is not None:
            if self.working_days:
                from cases import rules

                cutoff = rules.idle_cutoff(today, self.days, calendar)
            else:
                cutoff = today - timedelta(days=self.days)
            activity_before = reporting.day_start(cutoff + timedelta(days=1))
        due_before = None
        if self.overdue_by is not None:
            due_before = (
                min(now, reporting.received_before_age(today, self.overdue_by))
                if self.overdue_by > 0
                else now
            )
        lo, hi = self.received_age_min, self.received_age_max
        if self.age:
            lo, hi = reporting.age_bucket_range(self.age)
        received_before = reporting.received_before_age(today, lo) if lo else None
        received_from = reporting.received_before_age(today, hi) if hi is not None else None
        return ResolvedCriteria(
            now=now,
            statuses=statuses,
            activity_before=activity_before,
            due_before=due_before,
            received_before=received_before,
            received_from=received_from,
            min_counts={
                "transfer_count": self.min_transfers,
                "extension_count": self.min_extensions,
                "escalation_level": self.min_escalation,
                "reassignment_count": self.min_reassignments,
                "suspension_count": self.min_suspensions,
            },
            authority=self.authority,
            authority_only=self.authority_only,
            within=self.within,
            kind=self.kind,
            assignee_id=self.assignee_id,
            stalled_clauses=tuple(reporting.stalled_clauses(now, calendar)) if self.stalled else None,
            duplicate=self.duplicate,
        )


@dataclass(frozen=True)
class ResolvedCriteria:
    now: datetime
    statuses: tuple[str, ...]  # empty: any status
    activity_before: datetime | None  # last_activity_at < this
    due_before: datetime | None  # next_due_at < this
    received_before: datetime | None  # received_at < this
    received_from: datetime | None  # received_at >= this
    min_counts: dict[str, int | None]
    authority: str | None
    within: tuple[str, ...] | None
    kind: str | None
    assignee_id: int | None
    authority_only: bool = False
    stalled_clauses: tuple[StalledClause, ...] | None = None  # OR of these (reporting.stalled_q)
    duplicate: bool = False  # duplicate_suspected is set


@dataclass(frozen=True)
class BacklogCell:
    """Open cases of one authority (exactly that body, not its sub-units), status and age bucket."""

    authority: str  # code, "" when the case has no authority yet
    status: str
    bucket: str
    count: int
    overdue: int
