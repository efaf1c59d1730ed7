"""Escalation and stalled cases, set-based: the one write path for raising a case's warning level
and for flagging idle cases, whether for one case (a head of agency escalating by hand) or for a
chunk of the sweep (``cases.escalation``), in the manner of Zulip's ``bulk_add_subscriptions``.

These are the documented bulk writers of history-tracked rows (``config.bulk.bulk_writer``): the
events go in with COPY (hash chain per case), the case rows with one ``UPDATE … FROM (VALUES …)``,
one history record per case with COPY, all under the caller's row locks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.bulk import bulk_writer, copy_history, copy_insert, update_rows

from .. import effects, permissions, rules
from ..actors import SYSTEM, Actor, history_user, is_staff_user, stamp
from ..deadlines import WorkingCalendar
from ..errors import ValidationError
from ..events import event_build
from ..models import Case, CaseEvent, Deadline
from ..reporting import PolicyView
from ..workflow import OPEN_STATES
from .base import actor_role, clean_text, lock

ACTIVE_STATES = frozenset(s for s in OPEN_STATES if s != Case.Status.SUSPENDED)


@dataclass(frozen=True)
class Climb:
    """Raise ``case_id`` to ``level`` (1 head of unit, 2 head of agency, 3 the superior)."""

    case_id: int
    level: int
    reason: str
    data: Mapping[str, Any] = field(default_factory=dict)


def lock_cases(case_ids: Iterable[int]) -> dict[int, Case]:
    """The cases, locked in id order (the services' lock order, so no two writers wait on each
    other in a cycle)."""
    return {
        c.pk: c
        for c in Case.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(case_ids)))
        .select_related("authority", "assignee")
        .order_by("pk")
    }


def _write(cases: list[Case], events: list[CaseEvent], fields: Sequence[str], actor: Actor) -> None:
    now = timezone.now()
    for case in cases:
        case.version += 1
        case.updated_at = now
        stamp(case, actor, getattr(case, "_change_reason", ""))
    with bulk_writer("cases.services.escalation"):
        copy_insert(CaseEvent, events)
        update_rows(Case, cases, [*fields, "version", "updated_at", "event_head", "event_count"])
        copy_history(cases)


def case_escalate_many(
    *,
    climbs: Sequence[Climb],
    actor: Actor = SYSTEM,
    locked: dict[int, Case] | None = None,
    notices: Sequence[effects.DeadlineNotice] = (),
) -> list[Case]:
    """Raise the warning level of many cases: one ``case.escalated`` event per level climbed (two
    deadlines breached at once climb once), one history record per case, then the port (with the
    sweep's deadline ``notices``, which the notifications listener turns into messages). A level
    at or below the case's current one is skipped. ``locked``: the cases, already locked by the
    caller (else they are locked here). Returns the cases whose level went up."""
    by_case: dict[int, list[Climb]] = {}
    for climb in climbs:
        by_case.setdefault(climb.case_id, []).append(climb)
    locked = locked if locked is not None else lock_cases(by_case)
    staff = is_staff_user(actor)
    events: list[CaseEvent] = []
    changed: list[Case] = []
    for case_id, case_climbs in sorted(by_case.items()):
        case = locked.get(case_id)
        # Any status owes what its open deadlines say (a decision not yet sent); a suspended case's
        # resolution clocks are paused, so only its suspension decision to send can climb.
        if case is None:
            continue
        permissions.check_can("escalate", actor, case)
        climbed = False
        for climb in sorted(case_climbs, key=lambda c: c.level):
            if climb.level <= case.escalation_level:
                continue
            events.append(
                event_build(
                    case=case,
                    kind="case.escalated",
                    actor=history_user(actor),
                    actor_role=actor_role(actor, case),
                    data={
                        "from": case.escalation_level,
                        "to": climb.level,
                        "reason": climb.reason,
                        **climb.data,
                    },
                )
            )
            case.escalation_level = climb.level
            climbed = True
        if climbed:
            setattr(case, "_change_reason", f"escalated to level {case.escalation_level}")  # noqa: B010
            if staff:  # a head escalating by hand is handling the case; the sweep is not
                case.last_activity_at = timezone.now()
                case.stalled_since = None
            changed.append(case)
    if changed:
        fields = ["escalation_level"] + (["last_activity_at", "stalled_since"] if staff else [])
        _write(changed, events, fields, actor)
    if changed or notices:
        effects.case_changed(
            sorted({c.pk for c in changed} | {n.case.pk for n in notices}),
            events=events,
            notices=notices,
            cases=changed,
            reindex=bool(changed),
        )
    return changed


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: Actor,
    level: int,
    reason: str,
    deadline_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Raise one case's warning level by hand (a head of agency): ``case_escalate_many`` with one
    row."""
    case = lock(case)
    permissions.check_can("escalate", actor, case)
    if level <= case.escalation_level or level > 3:
        raise ValidationError(_("Cấp cảnh báo phải cao hơn cấp hiện tại và không quá 3."))
    reason = clean_text("reason_text", reason, required=True)
    case_escalate_many(
        climbs=[Climb(case.pk, level, reason, {"deadline": deadline_id, **(data or {})})],
        actor=actor,
        locked={case.pk: case},
    )
    return case


@dataclass(frozen=True)
class StalledFlag:
    case: Case
    idle_working_days: int
    threshold: int


def case_flag_stalled_many(
    *,
    case_ids: Sequence[int],
    today: dt.date,
    calendar: WorkingCalendar,
    policies: PolicyView,
    actor: Actor = SYSTEM,
) -> list[StalledFlag]:
    """Flag idle cases as stalled (``reporting``'s definition: no handling for the working days
    the case's policy sets for its status): locked and re-checked here (someone may have acted
    since they were selected), one ``case.stalled`` event and history record each, then the port
    (the notifications listener tells their handler and head of unit)."""
    locked = lock_cases(case_ids)
    now = timezone.now()
    flags: list[StalledFlag] = []
    events: list[CaseEvent] = []
    for case in locked.values():
        if case.status not in ACTIVE_STATES or case.stalled_since is not None:
            continue
        overrides = policies.stalled_after.get(policies.governing(case.authority_id))
        threshold = rules.stalled_threshold(case.status, overrides)
        idle = calendar.working_days_between(timezone.localdate(case.last_activity_at), today)
        if threshold is None or idle < threshold:
            continue
        permissions.check_can("escalate", actor, case)
        case.stalled_since = now
        data = {"working_days_without_activity": idle, "threshold": threshold, "status": case.status}
        events.append(event_build(case=case, kind="case.stalled", actor_role="system", data=data))
        setattr(case, "_change_reason", "stalled")  # noqa: B010
        flags.append(StalledFlag(case, idle, threshold))
    if flags:
        cases = [f.case for f in flags]
        _write(cases, events, ["stalled_since"], actor)
        effects.case_changed([c.pk for c in cases], events=events, cases=cases)
    return flags


def deadlines_lapse_many(
    *,
    deadlines: Sequence[Deadline],
    locked: dict[int, Case],
    notices: Sequence[effects.DeadlineNotice] = (),
    at: dt.datetime,
    actor: Actor = SYSTEM,
) -> list[Deadline]:
    """Close the windows that have run out (the sweep, for deadlines the agency does not owe): a
    citizen's own time limit lapses (``ended``, reason ``lapsed``: a second complaint was not filed
    within K8/K2, an ending notice was not answered within K13 — Law on Complaints 2011 Arts 11(8),
    33, 48), a decision's effect date is reached (``met``: K11, Art 44). One internal event per
    deadline; then the port (with the sweep's warnings)."""
    by_case: dict[int, list[Deadline]] = {}
    for deadline in deadlines:
        by_case.setdefault(deadline.case_id, []).append(deadline)
    events: list[CaseEvent] = []
    changed: list[Case] = []
    for case_id, rows in sorted(by_case.items()):
        case = locked.get(case_id)
        if case is None:
            continue
        permissions.check_can("escalate", actor, case)
        for deadline in rows:
            fresh = Deadline.objects.select_for_update().get(pk=deadline.pk)
            if fresh.state != Deadline.State.OPEN:
                continue
            effect = fresh.bearer == "event"
            fresh.met_at = fresh.due_at
            fresh.missed = False
            if effect:
                fresh.state = Deadline.State.MET
            else:
                fresh.state, fresh.end_reason = Deadline.State.ENDED, Deadline.EndReason.LAPSED
            setattr(fresh, "_change_reason", "took effect" if effect else "lapsed")  # noqa: B010
            fresh.save()
            events.append(
                event_build(
                    case=case,
                    kind="decision.effective" if effect else "deadline.lapsed",
                    actor_role="system",
                    data={
                        "rule": fresh.rule_code,
                        "due_date": fresh.due_date.isoformat(),
                        "deadline": fresh.pk,
                    },
                )
            )
        if events and events[-1].case_id == case.pk:
            setattr(case, "_change_reason", "time limit passed")  # noqa: B010
            changed.append(case)
    if changed:
        _write(changed, events, [], actor)
    if changed or notices:
        effects.case_changed(
            sorted({c.pk for c in changed} | {n.case.pk for n in notices}),
            events=events,
            notices=notices,
            cases=changed,
        )
    return [d for d in deadlines if d.case_id in {c.pk for c in changed}]
