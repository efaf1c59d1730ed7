"""The escalation sweep: nothing overdue goes unnoticed. This module plans; the writes are the
set-based services ``services.case_escalate_many`` and ``services.case_flag_stalled_many``.

Before a breach the handler is warned (default 3 and 1 working days before); at breach the case
climbs the ladder configured per authority (``EscalationPolicy``): level 1 the head of unit, level 2
the head of agency after a further number of working days, level 3 the superior authority. Each
step is an ``Escalation`` row, unique per (deadline, step), taken with one
``INSERT … ON CONFLICT DO NOTHING RETURNING``: what it returns is what this sweep, and no concurrent
one, acts on, so running the sweep twice, or in two workers at once, does nothing the second time.
Who is told is the notifications listener's business (``cases.effects.DeadlineNotice``).

The sweep reads only cases due within the longest warning lead (the indexed ``Case.next_due_at``),
so its cost grows with the cases due, not with all cases. Suspended cases and paused deadlines are
skipped. Stalled cases are ``cases.reporting``'s definition (the same query the workspace filter
and the oversight dashboard use), flagged once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from . import reporting, services
from .actors import SYSTEM
from .deadline_services import working_calendar
from .deadlines import WorkingCalendar
from .effects import DeadlineNotice
from .models import Authority, Case, Deadline, Escalation, EscalationPolicy
from .services.escalation import ACTIVE_STATES, Climb, lock_cases

logger = logging.getLogger(__name__)

DEFAULT_WARN_LEADS = (3, 1)
DEFAULT_LEVEL2_AFTER = 3
DEFAULT_LEVEL3_AFTER = 5
ACTIVE = sorted(ACTIVE_STATES)
# Every status is swept: a case in any status may owe the agency a deadline (a decision to send, a
# conclusion to act on). A suspended case's resolution clocks are paused (not ``open``), so what
# still runs on it is the suspension decision to send (T5, K16).
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Ladder:
    warn_leads: tuple[int, ...]
    level2_after: int
    level3_after: int

    @property
    def max_lead(self) -> int:
        return max(self.warn_leads, default=0)


@dataclass
class SweepReport:
    now: dt.datetime
    examined: int = 0
    warnings: int = 0
    escalations: int = 0
    stalled: int = 0
    notices: int = 0
    failed_chunks: int = 0
    planned: list[str] = field(default_factory=list)

    def add(self, other: SweepReport) -> None:
        """Count what a committed chunk did (a chunk rolled back counts for nothing)."""
        for name in ("warnings", "escalations", "stalled", "notices"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def ladders() -> dict[int | None, Ladder]:
    found = {}
    for p in EscalationPolicy.objects.all():
        found[p.authority_id] = Ladder(
            warn_leads=tuple(sorted({int(x) for x in (p.warn_leads or DEFAULT_WARN_LEADS)}, reverse=True)),
            level2_after=p.level2_after,
            level3_after=p.level3_after,
        )
    found.setdefault(None, Ladder(DEFAULT_WARN_LEADS, DEFAULT_LEVEL2_AFTER, DEFAULT_LEVEL3_AFTER))
    return found


def ladder_for(
    authority_id: int | None, found: dict[int | None, Ladder], chain: dict[int, int | None]
) -> Ladder:
    """The ladder of the authority or its nearest ancestor that has one, else the default."""
    current = authority_id
    while current is not None:
        if current in found:
            return found[current]
        current = chain.get(current)
    return found[None]


@dataclass
class _Run:
    now: dt.datetime
    today: dt.date
    cal: WorkingCalendar
    ladders: dict
    chain: dict
    horizon: dt.datetime
    report: SweepReport
    dry_run: bool


@dataclass
class _Step:
    """One rung for one deadline: ``warn-N`` before the breach (level 0), ``L1``-``L3`` after it.
    ``days``: working days left (warning) or overdue (breach); of several warning leads taken at
    once, only the nearest one is told."""

    case: Case
    deadline: Deadline
    step: str
    level: int
    days: int
    notify: bool = True

    @property
    def key(self) -> tuple[int, str]:
        return (self.deadline.pk, self.step)

    def notice(self) -> DeadlineNotice:
        return DeadlineNotice(
            case=self.case, deadline=self.deadline, step=self.step, level=self.level, days=self.days
        )


def sweep_context(*, now: dt.datetime | None = None, dry_run: bool = False) -> _Run:
    """What every chunk of one sweep plans with: the clock, the calendar, the ladders, the horizon.
    The in-process sweep builds it once; each chunk task of a sweep spread over the workers builds
    it again from the sweep's ``now`` (decision 0014), so every chunk plans against the same day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = working_calendar()
    found = ladders()
    max_lead = max((ladder.max_lead for ladder in found.values()), default=0)
    horizon = timezone.make_aware(
        dt.datetime.combine(cal.add_working_days(today, max_lead), dt.time.max),
        timezone.get_current_timezone(),
    )
    return _Run(
        now=now,
        today=today,
        cal=cal,
        ladders=found,
        chain=dict(Authority.objects.values_list("pk", "parent_id")),
        horizon=horizon,
        report=SweepReport(now=now),
        dry_run=dry_run,
    )


# The kinds of chunk a sweep is made of: due cases, the citizens' windows (one chunk), stalled cases.
DUE, WINDOWS, STALLED = "due", "windows", "stalled"


def sweep_plan(run: _Run, chunk_size: int = CHUNK_SIZE) -> list[tuple[str, list[int]]]:
    """The chunks of one sweep, in the order the in-process sweep runs them: the due cases (those
    with ``next_due_at`` inside the horizon, indexed), the windows, the stalled candidates."""
    due = list(
        Case.objects.filter(next_due_at__lte=run.horizon)
        .order_by("next_due_at", "pk")
        .values_list("pk", flat=True)
    )
    chunks: list[tuple[str, list[int]]] = [
        (DUE, due[start : start + chunk_size]) for start in range(0, len(due), chunk_size)
    ]
    chunks.append((WINDOWS, []))
    stalled = [] if run.dry_run else stalled_candidates(run.now, run.cal)
    chunks += [(STALLED, stalled[start : start + chunk_size]) for start in range(0, len(stalled), chunk_size)]
    return chunks


def sweep_chunk_run(run: _Run, kind: str, case_ids: list[int], record=None) -> None:
    """Run one chunk of ``kind``; ``record(report)`` (when given) runs inside the chunk's
    transaction after its work, so what records the chunk commits or rolls back with it."""
    if kind == DUE:
        _sweep_chunk(run, case_ids, record)
    elif kind == WINDOWS:
        _sweep_windows(run, record)
    elif kind == STALLED:
        _sweep_stalled_chunk(run, case_ids, record)
    else:
        raise ValueError(f"unknown sweep chunk kind {kind!r}")


def escalation_sweep(
    *, now: dt.datetime | None = None, dry_run: bool = False, chunk_size: int = CHUNK_SIZE
) -> SweepReport:
    """The whole sweep in this process (the ``escalate_overdue`` command, tests, the bench); the
    periodic task spreads the same chunks over the workers (``cases.tasks``)."""
    run = sweep_context(now=now, dry_run=dry_run)
    for kind, ids in sweep_plan(run, chunk_size):
        sweep_chunk_run(run, kind, ids)
    if dry_run:
        _sweep_stalled_dry(run)
    return run.report


def _sweep_chunk(run: _Run, case_ids: list[int], record=None) -> int:
    """Plan the steps of a chunk of due cases, take the new ones in one INSERT and act on them in
    bulk, in one transaction. Returns the number of deadlines looked at."""
    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids).select_related("authority", "assignee")}
    deadlines = list(
        Deadline.objects.filter(
            case_id__in=list(cases), state=Deadline.State.OPEN, bearer="agency", due_at__lte=run.horizon
        ).order_by("case_id", "due_at", "pk")
    )
    run.report.examined += len(cases)
    steps = [step for d in deadlines for step in _plan(run, cases[d.case_id], d)]
    if not steps:
        if record is not None:
            _commit_chunk(run, list(cases), lambda report: None, record)
        return len(deadlines)
    if run.dry_run:
        taken = set(
            Escalation.objects.filter(deadline_id__in={s.deadline.pk for s in steps}).values_list(
                "deadline_id", "step"
            )
        )
        run.report.planned += [
            f"{s.case.reference} {s.deadline.rule_code} {s.step}"
            for s in steps
            if s.notify and s.key not in taken
        ]
        return len(deadlines)

    def work(report: SweepReport) -> None:
        # Cases first, in id order, as the services lock them; then the steps (whose foreign keys
        # take share locks on the same rows), so a sweep and a service never wait in a cycle.
        locked = lock_cases({s.case.pk for s in steps})
        # A deadline paused (the case was suspended), met or ended since the plan was made is left
        # alone; read under the case locks, so no service changes it meanwhile.
        running = set(
            Deadline.objects.filter(
                pk__in=[s.deadline.pk for s in steps], state=Deadline.State.OPEN
            ).values_list("pk", flat=True)
        )
        active = [s for s in steps if s.case.pk in locked and s.deadline.pk in running]
        if not active:
            return
        fresh = _take_steps(active, timezone.now())  # when it was done, not the sweep's --now
        fresh_steps = [s for s in active if s.key in fresh]
        for s in fresh_steps:
            s.case = locked[s.case.pk]
        climbs = [
            Climb(
                s.case.pk,
                s.level,
                _reason(s),
                {
                    "deadline": s.deadline.pk,
                    "rule": s.deadline.rule_code,
                    "due_date": s.deadline.due_date.isoformat(),
                },
            )
            for s in fresh_steps
            if s.level > 0
        ]
        notices = [s.notice() for s in fresh_steps if s.notify]
        services.case_escalate_many(climbs=climbs, actor=SYSTEM, locked=locked, notices=notices)
        report.warnings += sum(1 for s in fresh_steps if s.notify and s.level == 0)
        report.escalations += sum(1 for s in fresh_steps if s.notify and s.level > 0)
        report.notices += len(notices)

    _commit_chunk(run, list(cases), work, record)
    return len(deadlines)


def _reason(s: _Step) -> str:
    return f"{s.deadline.rule_code}: quá hạn {s.days} ngày làm việc / {s.days} working days overdue"


def _log_failed_chunk(case_ids: list[int], exc: Exception) -> None:
    # The error's kind and SQL state only: a database error's message can quote a row it was
    # writing (a subject, a history record), and a subject may carry a citizen's name.
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    logger.error(
        "escalation sweep: chunk of cases %s failed (%s%s); rolled back, the next sweep tries again",
        case_ids,
        type(exc).__name__,
        f", SQL state {sqlstate}" if sqlstate else "",
    )


def _commit_chunk(run: _Run, case_ids: list[int], work: Callable[[SweepReport], None], record=None) -> None:
    """Run ``work`` for one chunk in its own transaction. A deadlock is retried once; any other
    failure is logged (case ids only) and counted, and the sweep goes on with the next chunk, so
    one bad case cannot hold back every case after it. ``record(delta)`` runs last inside the
    same transaction (a chunk task's record of itself)."""
    for attempt in (1, 2):
        delta = SweepReport(now=run.now)
        delta.examined = len(case_ids)
        try:
            with transaction.atomic():
                work(delta)
                if record is not None:
                    record(delta)
        except OperationalError as exc:
            if attempt == 1 and getattr(exc.__cause__, "sqlstate", None) == "40P01":
                logger.warning("escalation sweep: deadlock on a chunk of %s cases, retrying", len(case_ids))
                continue
            _log_failed_chunk(case_ids, exc)
        except Exception as exc:
            _log_failed_chunk(case_ids, exc)
        else:
            run.report.add(delta)
            return
        run.report.failed_chunks += 1
        return


def _plan(run: _Run, case: Case, deadline: Deadline) -> list[_Step]:
    """The rungs the ladder of the case's authority puts this deadline on today."""
    ladder = ladder_for(case.authority_id, run.ladders, run.chain)
    if run.now <= deadline.due_at:
        remaining = run.cal.working_days_between(run.today, deadline.due_date)
        leads = [lead for lead in ladder.warn_leads if remaining <= lead]
        nearest = min(leads, default=None)
        return [_Step(case, deadline, f"warn-{lead}", 0, remaining, notify=lead == nearest) for lead in leads]
    overdue = max(1, run.cal.working_days_between(deadline.due_date, run.today))
    level = 1
    if overdue >= ladder.level2_after:
        level = 2
    if overdue >= ladder.level2_after + ladder.level3_after:
        level = 3
    return [_Step(case, deadline, f"L{n}", n, overdue) for n in range(1, level + 1)]


def _take_steps(steps: list[_Step], now: dt.datetime) -> set[tuple[int, str]]:
    """Insert the Escalation rows of ``steps``; returns the keys this call inserted. A step taken
    before, or by a concurrent sweep (which waits on the unique index, then skips), is not in it.
    Rows go in key order, so two sweeps never wait on each other in a cycle."""
    rows = sorted({s.key: s for s in steps}.items())
    table = connection.ops.quote_name(Escalation._meta.db_table)
    created_at = connection.ops.adapt_datetimefield_value(now)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params = [
        p for (deadline_id, step), s in rows for p in (s.case.pk, deadline_id, step, s.level, created_at)
    ]
    sql = (
        f"INSERT INTO {table} (case_id, deadline_id, step, level, created_at) VALUES {values} "  # noqa: S608 - placeholders only
        "ON CONFLICT (deadline_id, step) DO NOTHING RETURNING deadline_id, step"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(deadline_id, step) for deadline_id, step in cursor.fetchall()}


def _sweep_windows(run: _Run, record=None) -> None:
    """The deadlines the agency does not owe: a citizen's own window (a second complaint, K8/K2; the
    30 days after an ending notice, K13) and the day a decision takes effect (K11). Before the end
    the handler is warned (the same leads as any deadline); at the end the window lapses, or the
    decision takes effect, recorded once on the case; nothing escalates (nobody in the agency is
    late)."""
    deadlines = list(
        Deadline.objects.filter(
            state=Deadline.State.OPEN, bearer__in=["citizen", "event"], due_at__lte=run.horizon
        )
        .select_related("case", "case__authority", "case__assignee")
        .order_by("case_id", "due_at", "pk")
    )
    if not deadlines:
        if record is not None:
            _commit_chunk(run, [], lambda report: None, record)
        return
    steps: list[_Step] = []
    for d in deadlines:
        ladder = ladder_for(d.case.authority_id, run.ladders, run.chain)
        if run.now <= d.due_at:
            remaining = run.cal.working_days_between(run.today, d.due_date)
            leads = [lead for lead in ladder.warn_leads if remaining <= lead]
            nearest = min(leads, default=None)
            steps += [
                _Step(d.case, d, f"warn-{lead}", 0, remaining, notify=lead == nearest) for lead in leads
            ]
        else:
            steps.append(_Step(d.case, d, "lapsed", 0, 0))
    run.report.examined += len({d.case_id for d in deadlines})
    if run.dry_run:
        run.report.planned += [
            f"{s.case.reference} {s.deadline.rule_code} {s.step}" for s in steps if s.notify
        ]
        return

    def work(report: SweepReport) -> None:
        locked = lock_cases({s.case.pk for s in steps})
        fresh = _take_steps([s for s in steps if s.case.pk in locked], timezone.now())
        fresh_steps = [s for s in steps if s.key in fresh]
        for s in fresh_steps:
            s.case = locked[s.case.pk]
        lapsed = [s.deadline for s in fresh_steps if s.step == "lapsed"]
        notices = [s.notice() for s in fresh_steps if s.notify]
        services.deadlines_lapse_many(deadlines=lapsed, locked=locked, notices=notices, at=run.now)
        report.warnings += sum(1 for s in fresh_steps if s.notify and s.step != "lapsed")
        report.notices += len(notices)

    _commit_chunk(run, sorted({d.case_id for d in deadlines}), work, record)


def stalled_candidates(now: dt.datetime, calendar) -> list[int]:
    """Ids of the cases ``reporting`` calls stalled that are not flagged yet, least recently
    active first. Ids first, in one plain query: through a server-side cursor the planner prefers a
    fast-start scan of every open case to the small partial index of the unflagged ones."""
    clauses = reporting.stalled_clauses(now, calendar)
    return list(
        Case.objects.filter(reporting.stalled_q(clauses), stalled_since__isnull=True)
        .order_by("last_activity_at", "pk")
        .values_list("pk", flat=True)
    )


def _sweep_stalled_dry(run: _Run) -> None:
    candidate_ids = stalled_candidates(run.now, run.cal)
    run.report.planned += [
        f"{ref} stalled"
        for ref in Case.objects.filter(pk__in=candidate_ids).values_list("reference", flat=True)
    ]


def _sweep_stalled_chunk(run: _Run, ids: list[int], record=None) -> None:
    """Flag one chunk of the stalled cases (its own transaction)."""
    policies = reporting.policy_view()

    def work(report: SweepReport) -> None:
        report.examined = 0  # counted among the due cases' examined, not again
        flags = services.case_flag_stalled_many(
            case_ids=ids, today=run.today, calendar=run.cal, policies=policies, actor=SYSTEM
        )
        report.stalled += len(flags)

    _commit_chunk(run, ids, work, record)
