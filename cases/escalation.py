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

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import services, workflow
from .deadline_services import working_calendar
from .models import Authority, Case, Deadline, Escalation, EscalationPolicy, Membership, Role
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
    planned: list[str] = field(default_factory=list)


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
    """Users holding ``role`` in the authority or its nearest ancestor that has one (memoised per
    sweep in ``cache``: many due cases share a handful of authorities)."""
    key = (authority.pk if authority else None, role, above)
    if cache is not None and key in cache:
        return list(cache[key])
    found = _heads_lookup(authority, role, chain, above=above)
    if cache is not None:
        cache[key] = found
    return list(found)


def _heads_lookup(authority, role, chain, *, above):
    from django.contrib.auth import get_user_model

    current = authority.pk if authority else None
    if above and current is not None:
        current = chain.get(current)
    while current is not None:
        users = list(
            get_user_model()
            .objects.filter(
                memberships__authority_id=current,
                memberships__role=role,
                memberships__active=True,
                is_active=True,
            )
            .distinct()
        )
        if users:
            return users
        current = chain.get(current)
    return []


def _notify(users, *, case: Case, template: str, context: dict, key: str, report: SweepReport) -> None:
    from notifications.redaction import case_needles
    from notifications.services import notification_enqueue

    case._identity_needles = case_needles(case)  # once per case, not once per message

    for user in users:
        for channel in ("inapp", "email"):
            row = notification_enqueue(
                recipient_user=user,
                channel=channel,
                template=template,
                context=context,
                case=case,
                language=getattr(user, "language", "vi") or "vi",
                dedupe_key=f"{key}:user:{user.pk}:{channel}",
            )
            report.notifications += row is not None


def _take_step(deadline: Deadline, step: str, level: int) -> bool:
    """Record that ``step`` was taken for ``deadline``; False if it already was (by us or a
    concurrent sweep)."""
    try:
        with transaction.atomic():
            _, created = Escalation.objects.get_or_create(
                deadline=deadline, step=step, defaults={"case_id": deadline.case_id, "level": level}
            )
    except IntegrityError:
        return False
    return created


def escalation_sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> SweepReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = working_calendar()
    ladders = _policies()
    chain = dict(Authority.objects.values_list("pk", "parent_id"))
    report = SweepReport(now=now)
    heads: dict = {}
    max_lead = max((ladder.max_lead for ladder in ladders.values()), default=0)
    horizon = timezone.make_aware(
        dt.datetime.combine(cal.add_working_days(today, max_lead), dt.time.max),
        timezone.get_current_timezone(),
    )
    due = (
        Case.objects.filter(status__in=ACTIVE, next_due_at__lte=horizon)
        .select_related("authority", "assignee")
        .order_by("next_due_at")
    )
    for case in due.iterator(chunk_size=2000):
        report.examined += 1
        ladder = ladder_for(case.authority, ladders, chain)
        deadlines = Deadline.objects.filter(case=case, state=Deadline.State.OPEN, due_at__lte=horizon)
        for deadline in deadlines:
            _sweep_deadline(case, deadline, ladder, chain, cal, today, now, report, dry_run, heads)
    _sweep_stalled(ladders, chain, cal, today, report, dry_run, heads)
    return report


def _sweep_deadline(case, deadline, ladder, chain, cal, today, now, report, dry_run, heads) -> None:
    from notifications.services import staff_case_context

    context = {
        **staff_case_context(case=case),
        "rule": deadline.rule_code,
        "deadline_title_vi": deadline.title_vi,
        "deadline_title_en": deadline.title_en,
        "legal_basis": deadline.legal_basis_vi,
        "deadline_due_date": deadline.due_date.strftime("%d/%m/%Y"),
    }
    if now <= deadline.due_at:
        remaining = cal.working_days_between(today, deadline.due_date)
        leads = [lead for lead in ladder.warn_leads if remaining <= lead]
        if not leads:
            return
        step = f"warn-{min(leads)}"
        if dry_run:
            report.planned.append(f"{case.reference} {deadline.rule_code} {step}")
            return
        with transaction.atomic():
            fresh = [_take_step(deadline, f"warn-{lead}", 0) for lead in leads]
            if not fresh[-1]:
                return
            recipients = (
                [case.assignee]
                if case.assignee_id
                else _heads(case.authority, Role.HEAD_OF_UNIT, chain, cache=heads)
            )
            _notify(
                recipients,
                case=case,
                template="deadline.warning",
                context={**context, "days_left": remaining},
                key=f"esc:{deadline.pk}:{step}",
                report=report,
            )
            report.warnings += 1
        return

    overdue = max(1, cal.working_days_between(deadline.due_date, today))
    level = 1
    if overdue >= ladder.level2_after:
        level = 2
    if overdue >= ladder.level2_after + ladder.level3_after:
        level = 3
    for step_level in range(1, level + 1):
        step = f"L{step_level}"
        if dry_run:
            if not Escalation.objects.filter(deadline=deadline, step=step).exists():
                report.planned.append(f"{case.reference} {deadline.rule_code} {step}")
            continue
        with transaction.atomic():
            if not _take_step(deadline, step, step_level):
                continue
            current = Case.objects.only("escalation_level").get(pk=case.pk).escalation_level
            if step_level > current:
                services.case_escalate(
                    case=case,
                    actor=None,
                    level=step_level,
                    deadline_id=deadline.pk,
                    reason=f"{deadline.rule_code}: quá hạn {overdue} ngày làm việc / {overdue} working days",
                    data={"rule": deadline.rule_code, "due_date": deadline.due_date.isoformat()},
                )
            if step_level == 1:
                recipients = _heads(case.authority, Role.HEAD_OF_UNIT, chain, cache=heads)
                template = "deadline.breached"
            elif step_level == 2:
                recipients = _heads(case.authority, Role.HEAD_OF_AGENCY, chain, cache=heads)
                template = "case.escalated"
            else:
                agency_heads = _heads(case.authority, Role.HEAD_OF_AGENCY, chain, cache=heads)
                agency = _agency_of(case.authority, agency_heads)
                recipients = (
                    _heads(agency, Role.HEAD_OF_AGENCY, chain, above=True, cache=heads) if agency else []
                )
                template = "case.escalated"
            if case.assignee_id and case.assignee not in recipients and step_level == 1:
                recipients = [*recipients, case.assignee]
            _notify(
                recipients,
                case=case,
                template=template,
                context={**context, "level": step_level, "days_overdue": overdue},
                key=f"esc:{deadline.pk}:{step}",
                report=report,
            )
            report.escalations += 1


def _agency_of(authority: Authority | None, heads) -> Authority | None:
    """The authority where the head of agency sits (for level 3: its superior)."""
    if not heads or authority is None:
        return authority
    membership = Membership.objects.filter(
        user=heads[0], role=Role.HEAD_OF_AGENCY, active=True
    ).select_related("authority")
    for m in membership:
        if authority.path.startswith(m.authority.path):
            return m.authority
    return authority


def _sweep_stalled(ladders, chain, cal, today, report, dry_run, heads) -> None:
    """Flag cases with no handling for N working days (per status, per authority policy)."""
    from notifications.services import staff_case_context

    thresholds = sorted({n for ladder in ladders.values() for n in ladder.stalled_after.values()})
    if not thresholds:
        return
    # A case can only be stalled if its last activity is before the smallest threshold's cut-off.
    cutoff_day = _working_days_before(cal, today, min(thresholds))
    cutoff = timezone.make_aware(
        dt.datetime.combine(cutoff_day, dt.time.min), timezone.get_current_timezone()
    )
    candidates = (
        Case.objects.filter(status__in=ACTIVE, stalled_since__isnull=True, last_activity_at__lt=cutoff)
        .select_related("authority", "assignee")
        .order_by("last_activity_at")
    )
    for case in candidates.iterator(chunk_size=2000):
        ladder = ladder_for(case.authority, ladders, chain)
        threshold = ladder.stalled_after.get(case.status)
        if not threshold:
            continue
        idle = cal.working_days_between(timezone.localdate(case.last_activity_at), today)
        if idle < threshold:
            continue
        if dry_run:
            report.planned.append(f"{case.reference} stalled {idle}")
            continue
        with transaction.atomic():
            flagged = services.case_mark_stalled(case=case, working_days=idle, threshold=threshold)
            if flagged is None:
                continue
            recipients = _heads(case.authority, Role.HEAD_OF_UNIT, chain, cache=heads)
            if case.assignee_id and case.assignee not in recipients:
                recipients.append(case.assignee)
            _notify(
                recipients,
                case=case,
                template="case.stalled",
                context={
                    **staff_case_context(case=case),
                    "idle_days": idle,
                    "since": timezone.localtime(case.last_activity_at).strftime("%d/%m/%Y"),
                },
                key=f"stalled:{case.pk}:{flagged.stalled_since:%Y%m%d}",
                report=report,
            )
            report.stalled += 1


def _working_days_before(cal, day: dt.date, n: int) -> dt.date:
    current = day
    for _ in range(n):
        current = cal.previous_working_day(current)
    return current
