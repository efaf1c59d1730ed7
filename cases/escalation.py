"""The escalation sweep: nothing overdue goes unnoticed.

Before a breach the assignee is warned (default 3 and 1 working days before); at breach the case
climbs the ladder configured per authority (``EscalationPolicy``): level 1 the head of unit, level 2
the head of agency after a further number of working days, level 3 the superior authority (for a
denunciation, Law on Denunciations 2018 Art 38(2): the superior requests a report within 5 working
days, recorded as deadline T10). Each step is an ``Escalation`` row, unique per (deadline, step), so
running the sweep twice, or in two workers at once, does nothing the second time.

The sweep is set-based on the indexed ``Case.next_due_at``: it reads only cases due within the
longest warning lead, so its cost grows with the cases due, not with all cases. Suspended cases and
paused deadlines are skipped. Cases with no handling for N working days (per status) are flagged
as stalled."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from . import services, workflow
from .bulk import copy_history, copy_insert, update_rows
from .deadline_services import working_calendar
from .events import event_build
from .models import (
    Authority,
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    Escalation,
    EscalationPolicy,
    Membership,
    Party,
    Role,
)
from .models import CaseStatus as S

logger = logging.getLogger(__name__)

DEFAULT_WARN_LEADS = (3, 1)
DEFAULT_LEVEL2_AFTER = 3
DEFAULT_LEVEL3_AFTER = 5
DEFAULT_STALLED_AFTER = {
    S.RECEIVED: 10,
    S.ACCEPTED: 15,
    S.VERIFYING: 20,
    S.DIALOGUE: 10,
}
ACTIVE = [s for s in workflow.OPEN_STATES if s != S.SUSPENDED]


@dataclass(frozen=True)
class Ladder:
    warn_leads: tuple[int, ...]
    level2_after: int
    level3_after: int
    stalled_after: dict

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
    notifications: int = 0
    failed_chunks: int = 0
    planned: list[str] = field(default_factory=list)

    def add(self, other: SweepReport) -> None:
        """Count what a committed chunk did (a chunk rolled back counts for nothing)."""
        for name in ("warnings", "escalations", "stalled", "notifications"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _policies() -> dict[int | None, Ladder]:
    ladders = {}
    for p in EscalationPolicy.objects.all():
        ladders[p.authority_id] = Ladder(
            warn_leads=tuple(sorted({int(x) for x in (p.warn_leads or DEFAULT_WARN_LEADS)}, reverse=True)),
            level2_after=p.level2_after,
            level3_after=p.level3_after,
            stalled_after={**DEFAULT_STALLED_AFTER, **(p.stalled_after or {})},
        )
    ladders.setdefault(
        None,
        Ladder(DEFAULT_WARN_LEADS, DEFAULT_LEVEL2_AFTER, DEFAULT_LEVEL3_AFTER, dict(DEFAULT_STALLED_AFTER)),
    )
    return ladders


def ladder_for(authority: Authority | None, ladders: dict[int | None, Ladder], chain: dict[int, int | None]):
    """The policy of the authority or its nearest ancestor that has one, else the default."""
    current = authority.pk if authority else None
    while current is not None:
        if current in ladders:
            return ladders[current]
        current = chain.get(current)
    return ladders[None]


def _heads(
    authority: Authority | None,
    role: str,
    chain: dict[int, int | None],
    *,
    above: bool = False,
    cache: dict | None = None,
):
    """Users holding ``role`` in the authority or its nearest ancestor that has one. ``cache`` (one
    per sweep) holds every active membership, read once: many due cases share few authorities."""
    if cache is None:
        cache = {}
    if "members" not in cache:
        cache["members"] = _active_members()
    members = cache["members"]
    current = authority.pk if authority else None
    if above and current is not None:
        current = chain.get(current)
    while current is not None:
        users = members.get((current, role))
        if users:
            return list(users)
        current = chain.get(current)
    return []


def _active_members() -> dict[tuple[int, str], list]:
    from django.contrib.auth import get_user_model

    members: dict[tuple[int, str], list] = {}
    users = {}
    active = Membership.objects.filter(active=True, user__is_active=True)
    rows = list(active.values_list("authority_id", "role", "user_id"))
    for user in get_user_model().objects.filter(pk__in={user_id for _, _, user_id in rows}):
        users[user.pk] = user
    for authority_id, role, user_id in sorted(rows):
        found = members.setdefault((authority_id, role), [])
        if users[user_id] not in found:
            found.append(users[user_id])
    return members


def _messages(users, *, case: Case, template: str, context: dict, key: str) -> list:
    """In-app and e-mail messages to each of ``users`` about ``case``, deduplicated by ``key``."""
    from notifications.services import Message

    return [
        Message(
            recipient_user=user,
            channel=channel,
            template=template,
            context=context,
            case=case,
            language=getattr(user, "language", "vi") or "vi",
            dedupe_key=f"{key}:user:{user.pk}:{channel}",
        )
        for user in users
        for channel in ("inapp", "email")
    ]


@dataclass
class _Run:
    """What one sweep knows besides the cases: the clock, the calendar, the ladders, the heads."""

    now: dt.datetime
    today: dt.date
    cal: object
    ladders: dict
    chain: dict
    horizon: dt.datetime
    report: SweepReport
    dry_run: bool
    heads: dict = field(default_factory=dict)


@dataclass
class _Step:
    """One rung to take for one deadline: ``warn-N`` before the breach (level 0), ``L1``-``L3``
    after it. ``days`` is the working days left (warning) or overdue (breach); of several warning
    leads taken at once, only the nearest one sends a message."""

    case: Case
    deadline: Deadline
    step: str
    level: int
    days: int
    notify: bool = True

    @property
    def key(self) -> tuple[int, str]:
        return (self.deadline.pk, self.step)


CHUNK_SIZE = 500


def escalation_sweep(
    *, now: dt.datetime | None = None, dry_run: bool = False, chunk_size: int = CHUNK_SIZE
) -> SweepReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = working_calendar()
    ladders = _policies()
    max_lead = max((ladder.max_lead for ladder in ladders.values()), default=0)
    horizon = timezone.make_aware(
        dt.datetime.combine(cal.add_working_days(today, max_lead), dt.time.max),
        timezone.get_current_timezone(),
    )
    run = _Run(
        now=now,
        today=today,
        cal=cal,
        ladders=ladders,
        chain=dict(Authority.objects.values_list("pk", "parent_id")),
        horizon=horizon,
        report=SweepReport(now=now),
        dry_run=dry_run,
    )
    due = list(
        Case.objects.filter(status__in=ACTIVE, next_due_at__lte=horizon)
        .order_by("next_due_at", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(due), chunk_size):
        _sweep_chunk(run, due[start : start + chunk_size])
    _sweep_stalled(run)
    return run.report


def _sweep_chunk(run: _Run, case_ids: list[int]) -> int:
    """Plan the steps of a chunk of due cases, take the new ones in one INSERT and act on them in
    bulk, in one transaction. Returns the number of deadlines looked at."""
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=case_ids, status__in=ACTIVE).select_related(
            "authority", "assignee"
        )
    }
    deadlines = list(
        Deadline.objects.filter(
            case_id__in=list(cases), state=Deadline.State.OPEN, due_at__lte=run.horizon
        ).order_by("case_id", "due_at", "pk")
    )
    run.report.examined += len(cases)
    steps = [step for d in deadlines for step in _plan(run, cases[d.case_id], d)]
    if not steps:
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
        # take share locks on the same rows), so a sweep and a service never wait on each other
        # in a cycle.
        locked = _lock_cases({s.case.pk for s in steps})
        # A case suspended or closed since the plan was made is left alone.
        active = [s for s in steps if s.case.pk in locked and locked[s.case.pk].status in ACTIVE]
        if not active:
            return
        fresh = _take_steps(active, timezone.now())  # when it was done, not the sweep's --now
        fresh_steps = [s for s in active if s.key in fresh]
        _raise_levels(run, [s for s in fresh_steps if s.level > 0], locked)
        _notify_steps(run, [s for s in fresh_steps if s.notify], locked, report)

    _commit_chunk(run, list(cases), work)
    return len(deadlines)


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


def _lock_cases(case_ids) -> dict[int, Case]:
    return {
        c.pk: c
        for c in Case.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(case_ids))
        .select_related("authority", "assignee")
        .order_by("pk")
    }


def _commit_chunk(run: _Run, case_ids: list[int], work) -> None:
    """Run ``work`` for one chunk in its own transaction. A deadlock is retried once; any other
    failure is logged (case ids only) and counted, and the sweep goes on with the next chunk, so
    one bad case cannot hold back every case after it."""
    for attempt in (1, 2):
        delta = SweepReport(now=run.now)
        try:
            with transaction.atomic():
                work(delta)
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
    ladder = ladder_for(case.authority, run.ladders, run.chain)
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


def _raise_levels(run: _Run, steps: list[_Step], locked: dict[int, Case]) -> None:
    """Raise the escalation level of the cases whose new breach steps go above it: one event per
    level climbed (hash chain kept), one history record per case, written in bulk. A denunciation
    reaching level 3 goes through ``services.case_escalate``, which also opens the superior's report
    deadline (Law on Denunciations 2018 Art 38(2), rule T10). ``locked``: the chunk's cases, locked;
    a case the service replaces is replaced there too."""
    from search.tasks import index_cases_task

    by_case: dict[int, list[_Step]] = {}
    for s in steps:
        by_case.setdefault(s.case.pk, []).append(s)
    if not by_case:
        return
    events, changed = [], []
    for case_id, case_steps in by_case.items():
        case = locked.get(case_id)
        if case is None:
            continue
        climbs = sorted((s for s in case_steps if s.level > case.escalation_level), key=lambda s: s.level)
        if case.kind == CaseKind.DENUNCIATION and any(s.level >= 3 for s in climbs):
            for s in climbs:
                if s.level > case.escalation_level:
                    case = services.case_escalate(
                        case=case, actor=None, level=s.level, **_escalation_reason(s)
                    )
            locked[case_id] = case
            continue
        for s in climbs:
            if s.level <= case.escalation_level:
                continue  # two deadlines breached at once: one climb per level
            reason = _escalation_reason(s)
            events.append(
                event_build(
                    case=case,
                    kind="case.escalated",
                    actor_role="system",
                    data={
                        "from": case.escalation_level,
                        "to": s.level,
                        "reason": reason["reason"],
                        "deadline": s.deadline.pk,
                        **reason["data"],
                    },
                )
            )
            case.escalation_level = s.level
        if events and events[-1].case_id == case.pk:
            case.version += 1
            case.updated_at = timezone.now()
            case._change_reason = f"escalated to level {case.escalation_level}"
            changed.append(case)
    if changed:
        copy_insert(CaseEvent, events)
        update_rows(Case, changed, ["escalation_level", "version", "updated_at", "event_head", "event_count"])
        copy_history(changed)
        ids = [c.pk for c in changed]
        transaction.on_commit(lambda: _enqueue_index_many(index_cases_task, ids))


def _escalation_reason(s: _Step) -> dict:
    return {
        "deadline_id": s.deadline.pk,
        "reason": f"{s.deadline.rule_code}: quá hạn {s.days} ngày làm việc / {s.days} working days",
        "data": {"rule": s.deadline.rule_code, "due_date": s.deadline.due_date.isoformat()},
    }


def _enqueue_index_many(task, case_ids: list[int]) -> None:
    # As services._enqueue_index: a broker outage leaves the cases dirty for the reconcile.
    try:
        task.delay(case_ids=case_ids)
    except Exception as exc:
        logger.warning("search index update for %s cases not queued (%s)", len(case_ids), exc)
        from search.sync import mark_dirty

        for case_id in case_ids:
            mark_dirty(case_id, error=f"enqueue failed: {exc}")


def _notify_steps(run: _Run, steps: list[_Step], cases: dict[int, Case], report: SweepReport) -> None:
    """The messages of the new steps, written to the outbox in one INSERT: a warning to the
    assignee (or the head of unit), a breach to the head of unit and the assignee, level 2 to the
    head of agency, level 3 to the head of the superior authority."""
    from notifications.redaction import identity_needles
    from notifications.services import notification_enqueue_many, staff_case_context

    if not steps:
        return
    parties: dict[int, list[Party]] = {}
    for party in Party.objects.filter(case_id__in={s.case.pk for s in steps}):
        parties.setdefault(party.case_id, []).append(party)
    messages = []
    for s in steps:
        case = s.case
        if case.pk in cases:
            case.escalation_level = cases[case.pk].escalation_level
        if getattr(case, "_identity_needles", None) is None:
            case._identity_needles = identity_needles(parties.get(case.pk, []))
        context = {
            **staff_case_context(case=case),
            "rule": s.deadline.rule_code,
            "deadline_title_vi": s.deadline.title_vi,
            "deadline_title_en": s.deadline.title_en,
            "legal_basis": s.deadline.legal_basis_vi,
            "deadline_due_date": s.deadline.due_date.strftime("%d/%m/%Y"),
        }
        recipients, template = _recipients(run, s)
        if s.level == 0:
            context["days_left"] = s.days
            report.warnings += 1
        else:
            context.update(level=s.level, days_overdue=s.days)
            report.escalations += 1
        messages += _messages(
            recipients, case=case, template=template, context=context, key=f"esc:{s.deadline.pk}:{s.step}"
        )
    report.notifications += len(notification_enqueue_many(messages))


def _recipients(run: _Run, s: _Step) -> tuple[list, str]:
    case, heads, chain = s.case, run.heads, run.chain
    if s.level == 0:
        recipients = (
            [case.assignee]
            if case.assignee_id
            else _heads(case.authority, Role.HEAD_OF_UNIT, chain, cache=heads)
        )
        return recipients, "deadline.warning"
    if s.level == 1:
        recipients = _heads(case.authority, Role.HEAD_OF_UNIT, chain, cache=heads)
        if case.assignee_id and case.assignee not in recipients:
            recipients.append(case.assignee)
        return recipients, "deadline.breached"
    agency_heads = _heads(case.authority, Role.HEAD_OF_AGENCY, chain, cache=heads)
    if s.level == 2:
        return agency_heads, "case.escalated"
    agency = _agency_of(case.authority, agency_heads, cache=heads)
    above = _heads(agency, Role.HEAD_OF_AGENCY, chain, above=True, cache=heads) if agency else []
    return above, "case.escalated"


def _agency_of(authority: Authority | None, heads, *, cache: dict) -> Authority | None:
    """The authority where the head of agency sits (for level 3: its superior)."""
    if not heads or authority is None:
        return authority
    key = ("agency", authority.pk, heads[0].pk)
    if key not in cache:
        cache[key] = authority
        memberships = Membership.objects.filter(
            user=heads[0], role=Role.HEAD_OF_AGENCY, active=True
        ).select_related("authority")
        for m in memberships:
            if authority.path.startswith(m.authority.path):
                cache[key] = m.authority
                break
    return cache[key]


def _sweep_stalled(run: _Run) -> None:
    """Flag cases with no handling for N working days (per status, per authority policy)."""
    thresholds = sorted({n for ladder in run.ladders.values() for n in ladder.stalled_after.values()})
    if not thresholds:
        return
    # A case can only be stalled if its last activity is before the smallest threshold's cut-off.
    cutoff_day = _working_days_before(run.cal, run.today, min(thresholds))
    cutoff = timezone.make_aware(
        dt.datetime.combine(cutoff_day, dt.time.min), timezone.get_current_timezone()
    )
    # Ids first, in one plain query: through a server-side cursor the planner prefers a fast-start
    # scan of every open case to the small index of the unflagged ones (case_unflagged_activity_idx).
    candidate_ids = list(
        Case.objects.filter(status__in=ACTIVE, stalled_since__isnull=True, last_activity_at__lt=cutoff)
        .order_by("last_activity_at", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(candidate_ids), CHUNK_SIZE):
        _stalled_chunk(run, candidate_ids[start : start + CHUNK_SIZE])


def _stalled_chunk(run: _Run, case_ids: list[int]) -> None:
    """Flag the idle cases of a chunk in bulk: under row locks, re-checked (someone may have acted
    meanwhile), one ``case.stalled`` event and history record each, their handler and head told."""
    idle_for: dict[int, tuple[int, int]] = {}
    for case in Case.objects.filter(pk__in=case_ids).select_related("authority"):
        threshold = ladder_for(case.authority, run.ladders, run.chain).stalled_after.get(case.status)
        if not threshold:
            continue
        idle = run.cal.working_days_between(timezone.localdate(case.last_activity_at), run.today)
        if idle >= threshold:
            idle_for[case.pk] = (idle, threshold)
            if run.dry_run:
                run.report.planned.append(f"{case.reference} stalled {idle}")
    if run.dry_run or not idle_for:
        return
    _commit_chunk(run, list(idle_for), lambda report: _flag_stalled(run, idle_for, report))


def _flag_stalled(run: _Run, idle_for: dict[int, tuple[int, int]], report: SweepReport) -> None:
    from search.tasks import index_cases_task

    locked = (
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(idle_for), status__in=ACTIVE, stalled_since__isnull=True)
        .select_related("authority", "assignee")
        .order_by("pk")
    )
    now = timezone.now()
    events, flagged = [], []
    for case in locked:
        # Read again under the lock: someone may have acted on the case since the plan was made.
        threshold = ladder_for(case.authority, run.ladders, run.chain).stalled_after.get(case.status)
        idle = run.cal.working_days_between(timezone.localdate(case.last_activity_at), run.today)
        if not threshold or idle < threshold:
            continue
        idle_for[case.pk] = (idle, threshold)
        case.stalled_since = now
        data = {"working_days_without_activity": idle, "threshold": threshold, "status": case.status}
        events.append(event_build(case=case, kind="case.stalled", actor_role="system", data=data))
        case.version += 1
        case.updated_at = now
        case._change_reason = "stalled"
        flagged.append(case)
    if not flagged:
        return
    copy_insert(CaseEvent, events)
    update_rows(Case, flagged, ["stalled_since", "version", "updated_at", "event_head", "event_count"])
    copy_history(flagged)
    ids = [c.pk for c in flagged]
    transaction.on_commit(lambda: _enqueue_index_many(index_cases_task, ids))
    _notify_stalled(run, flagged, idle_for, report)


def _notify_stalled(
    run: _Run, cases: list[Case], idle_for: dict[int, tuple[int, int]], report: SweepReport
) -> None:
    from notifications.redaction import identity_needles
    from notifications.services import notification_enqueue_many, staff_case_context

    parties: dict[int, list[Party]] = {}
    for party in Party.objects.filter(case_id__in=[c.pk for c in cases]):
        parties.setdefault(party.case_id, []).append(party)
    messages = []
    for case in cases:
        case._identity_needles = identity_needles(parties.get(case.pk, []))
        recipients = _heads(case.authority, Role.HEAD_OF_UNIT, run.chain, cache=run.heads)
        if case.assignee_id and case.assignee not in recipients:
            recipients.append(case.assignee)
        context = {
            **staff_case_context(case=case),
            "idle_days": idle_for[case.pk][0],
            "since": timezone.localtime(case.last_activity_at).strftime("%d/%m/%Y"),
        }
        messages += _messages(
            recipients,
            case=case,
            template="case.stalled",
            context=context,
            key=f"stalled:{case.pk}:{case.stalled_since:%Y%m%d}",
        )
        report.stalled += 1
    report.notifications += len(notification_enqueue_many(messages))


def _working_days_before(cal, day: dt.date, n: int) -> dt.date:
    current = day
    for _ in range(n):
        current = cal.previous_working_day(current)
    return current
