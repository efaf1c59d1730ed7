"""What every verb does around its own change: lock the row, check the actor, move the status,
append the event, save the row with its history record, keep the deadlines and ``next_due_at``
current, and tell the after-change port (``cases.effects``) what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import deadline_services as dl
from .. import effects, permissions, rules, workflow
from ..actors import Actor, Citizen, System, event_actor, stamp
from ..errors import ConflictError, ValidationError
from ..events import event_record
from ..models import Case, CaseEvent, Role, Visibility
from ..reasons import Reason, ReasonTable, reason_in_force


def local_today(at: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(at or timezone.now())


def lock(case: Case | int, expected_version: int | None = None) -> Case:
    """The case row, locked for the transaction; ``ConflictError`` when someone changed it since
    the form was opened (``expected_version``)."""
    pk = case.pk if isinstance(case, Case) else case
    locked: Case = Case.objects.select_for_update(of=("self",)).select_related("authority").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("Hồ sơ vừa được người khác cập nhật; vui lòng xem lại thay đổi rồi thực hiện lại."),
            code="conflict",
        )
    return locked


def actor_role(actor: Actor | None, case: Case) -> str:
    """The role an event records for ``actor`` on ``case``."""
    if isinstance(actor, System):
        return "system"
    if isinstance(actor, Citizen):
        return "citizen"
    if actor is None:
        return ""
    if actor.is_superuser:
        return Role.ADMINISTRATOR
    roles = permissions.roles_for_case(actor, case)
    for role in (Role.HEAD_OF_AGENCY, Role.HEAD_OF_UNIT, Role.INSPECTOR, Role.INTAKE, Role.ADMINISTRATOR):
        if role in roles:
            return role
    return ""


def record(
    case: Case,
    kind: str,
    actor: Actor,
    *,
    visibility: str = Visibility.INTERNAL,
    data: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Append one event to the case's chain (the caller saves the case afterwards)."""
    return event_record(
        case=case,
        kind=kind,
        actor=event_actor(actor),
        actor_role=actor_role(actor, case),
        visibility=visibility,
        data=dict(data or {}),
    )


def save(
    case: Case,
    actor: Actor,
    reason: str,
    fields: Sequence[str],
    events: Sequence[CaseEvent] = (),
    *,
    activity: bool = True,
    secrets: Mapping[str, str] | None = None,
) -> Case:
    """Bump the version, record activity and write the row (and its history record), then tell the
    listeners.

    ``activity=False`` for what is not handling: the system's escalation or stalled marking, and
    what a citizen sends; it must not make a stalled case look active. ``secrets`` go to the
    notifications listener only (the receipt's access key), never into an event."""
    case.version += 1
    if activity:
        case.last_activity_at = timezone.now()
        case.stalled_since = None
    dl.case_refresh_next_due(case)
    stamp(case, actor, reason)
    case.save(
        update_fields=sorted(
            set(fields)
            | {"version", "last_activity_at", "stalled_since", "next_due_at", "event_head", "event_count"}
            | {"updated_at"}
        )
    )
    effects.case_changed([case.pk], events=events, secrets=secrets, cases=[case])
    return case


def transition(case: Case, new_status: str) -> None:
    workflow.check_transition(case.kind, case.status, new_status)
    case.status = new_status


def statutory_reason(table: ReasonTable, code: str, kind: str, on: dt.date) -> Reason:
    """The version of reason ``code`` in force on ``on``, if it applies to ``kind``."""
    reason = reason_in_force(table, code, on)
    if reason is None or kind not in reason.kinds:
        raise ValidationError(
            _("Mã lý do không hợp lệ cho loại đơn này."), field_errors={"reason_code": [f"'{code}'"]}
        )
    return reason


# ``ValidationError.code`` of a refusal because of the case's state (not of what was typed): the
# API answers 409 Conflict for it, 400 for the rest.
STATE = "state"


def require_verdict(verdict: rules.Verdict, field: str | None = None) -> None:
    """Refuse with the rule's own reason."""
    if not verdict:
        raise ValidationError(
            verdict.reason, field_errors={field: [verdict.reason]} if field else None, code=STATE
        )


def clean_text(field: str, value: str | None, *, required: bool = False) -> str:
    """``value`` stripped, after the limits of ``rules.TEXT_LIMITS`` (one rule for every door)."""
    text = (value or "").strip()
    problem = rules.text_problem(field, text, required=required)
    if problem:
        raise ValidationError(problem, field_errors={field: [problem]})
    return text
