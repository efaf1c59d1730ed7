"""What the stalled-case finder and the backlog aggregation are asked, independent of the backend.

``StalledCriteria.resolve(now, calendar)`` turns relative criteria ("30 working days without
activity", "overdue by 5 days", "received 60 to 90 days ago") into absolute datetime thresholds once,
so the database and Elasticsearch backends filter on exactly the same instants."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.workflow import OPEN_STATES

from .timeutil import age_threshold, day_start, inactivity_cutoff, local_date

# Age of the open backlog, in calendar days since the case was received: [min, max).
AGE_BUCKETS: tuple[tuple[str, object, int, int | None], ...] = (
    ("0-30", _("Dưới 30 ngày"), 0, 30),
    ("30-60", _("30–59 ngày"), 30, 60),
    ("60-90", _("60–89 ngày"), 60, 90),
    ("90-180", _("90–179 ngày"), 90, 180),
    ("180+", _("Từ 180 ngày"), 180, None),
)
AGE_BUCKET_KEYS = tuple(b[0] for b in AGE_BUCKETS)
_ONE_DAY = timedelta(days=1)


def age_bucket(key: str) -> tuple[int, int | None]:
    for k, _label, lo, hi in AGE_BUCKETS:
        if k == key:
            return lo, hi
    raise ValueError(f"unknown age bucket {key!r}")


def open_statuses_in_order() -> list[str]:
    from cases.models import CaseStatus

    return [s.value for s in CaseStatus if s.value in OPEN_STATES]


@dataclass(frozen=True)
class StalledCriteria:
    """Only open cases (``cases.workflow.OPEN_STATES``) are ever "stalled". All criteria are ANDed;
    ``None`` means "no condition"."""

    days: int | None = None  # no activity for at least N days ...
    working_days: bool = False  # ... counted in working days instead of calendar days
    overdue_by: int | None = None  # next deadline passed at least K days ago (0: passed at all)
    min_transfers: int | None = None
    min_extensions: int | None = None
    min_escalation: int | None = None
    min_reassignments: int | None = None
    min_suspensions: int | None = None
    authority: str | None = None  # authority code; includes its sub-units
    kind: str | None = None
    statuses: tuple[str, ...] = ()  # empty: every open status
    assignee_id: int | None = None
    received_age_min: int | None = None  # received at least N days ago
    received_age_max: int | None = None  # received fewer than N days ago
    # Permission scope: authority codes whose sub-trees the viewer may see. None = everything.
    within: tuple[str, ...] | None = field(default=None)

    def with_(self, **changes) -> StalledCriteria:
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, False, ()) for f in fields(self))

    def resolve(self, now: datetime | None = None, calendar=None) -> ResolvedCriteria:
        now = now or timezone.now()
        today = local_date(now)
        statuses = tuple(sorted(OPEN_STATES if not self.statuses else set(self.statuses) & OPEN_STATES))
        activity_before = None
        if self.days is not None:
            if self.working_days and calendar is None:
                from .timeutil import working_calendar

                calendar = working_calendar()
            cutoff = inactivity_cutoff(today, self.days, working=self.working_days, calendar=calendar)
            activity_before = day_start(cutoff) + _ONE_DAY
        due_before = None
        if self.overdue_by is not None:
            due_before = min(now, age_threshold(today, self.overdue_by)) if self.overdue_by > 0 else now
        received_before = age_threshold(today, self.received_age_min) if self.received_age_min else None
        received_from = (
            age_threshold(today, self.received_age_max) if self.received_age_max is not None else None
        )
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
            within=self.within,
            kind=self.kind,
            assignee_id=self.assignee_id,
        )


@dataclass(frozen=True)
class ResolvedCriteria:
    now: datetime
    statuses: tuple[str, ...]
    activity_before: datetime | None  # last_activity_at < this
    due_before: datetime | None  # next_due_at < this
    received_before: datetime | None  # received_at < this
    received_from: datetime | None  # received_at >= this
    min_counts: dict[str, int | None]
    authority: str | None
    within: tuple[str, ...] | None
    kind: str | None
    assignee_id: int | None


@dataclass(frozen=True)
class BacklogCell:
    """Open cases of one authority (exactly that body, not its sub-units), status and age bucket."""

    authority: str  # code, "" when the case has no authority yet
    status: str
    bucket: str
    count: int
    overdue: int
