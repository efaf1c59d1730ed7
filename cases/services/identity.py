"""Access to identity (Law on Denunciations 2018 Art 56): every reveal of a party's identity, every
opening of a file that carries it, every opening and export of a case by staff is one row of the
access log, written here and nowhere else. A reveal is also an internal event on the case's
timeline, so the head of agency and the auditors see it where they read the case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from config.bulk import bulk_writer

from .. import permissions, rules
from ..errors import PermissionDeniedError, ValidationError
from ..events import event_record
from ..models import Attachment, Case, IdentityAccessLog, Party
from ..protection.permissions import protected_identity_verdict
from .base import actor_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _timeline_event(case: Case, user: User, kind: str, data: dict[str, Any]) -> None:
    """Append an internal event without touching the case's version (a reveal is not a change
    someone editing the case must reconcile) or its activity (reading is not handling)."""
    locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    event_record(case=locked, kind=kind, actor=user, actor_role=actor_role(user, locked), data=data)
    # event_head and event_count are not history-tracked fields: no history record is owed.
    with bulk_writer("cases.services.identity"):
        Case.objects.filter(pk=locked.pk).update(event_head=locked.event_head, event_count=locked.event_count)
    case.event_head, case.event_count = locked.event_head, locked.event_count


@transaction.atomic
def identity_access_record(
    *,
    user: User,
    case: Case,
    action: str,
    reason: str = "",
    party: Party | None = None,
    attachment: Attachment | None = None,
) -> IdentityAccessLog:
    """Write one access-log row (and, for an identity reveal, the internal timeline event)."""
    log = IdentityAccessLog.objects.create(user=user, case=case, party=party, action=action, reason=reason)
    if action == IdentityAccessLog.Action.REVEAL_IDENTITY:
        data: dict[str, Any] = {"reason": reason}
        if party is not None:
            data["party"] = party.position + 1
        if attachment is not None:
            data["attachment"] = attachment.original_name
        _timeline_event(case, user, "identity.revealed", data)
    return log


def party_identity_reveal(*, user: User, party: Party, reason: str) -> dict[str, str]:
    """A party's identity for a user with the identity permission in scope, with a stated reason.
    Every reveal writes an access-log row and an internal timeline event."""
    case = party.case
    # A denouncer who asked for protection: need to know only, superusers and administrators
    # included (Law on Denunciations 2018 Arts 8(3), 56; cases.protection.permissions).
    verdict = protected_identity_verdict(user, case)
    if not verdict:
        raise PermissionDeniedError(verdict.reason)
    if not permissions.user_can_view_identity(user, case):
        raise PermissionDeniedError(_("Bạn không có quyền xem nhân thân người gửi đơn."))
    reason = (reason or "").strip()
    problem = rules.control_character_problem(reason)
    if problem:
        raise ValidationError(problem, field_errors={"reason": [problem]})
    if len(reason) < rules.REVEAL_REASON_MIN or len(reason) > rules.max_length("reveal_reason"):
        message = _("Nêu lý do xem nhân thân (từ %(min)s đến %(max)s ký tự).") % {
            "min": rules.REVEAL_REASON_MIN,
            "max": rules.max_length("reveal_reason"),
        }
        raise ValidationError(message, field_errors={"reason": [message]})
    identity_access_record(
        user=user, case=case, party=party, action=IdentityAccessLog.Action.REVEAL_IDENTITY, reason=reason
    )
    return {
        "full_name": party.full_name,
        "national_id": party.national_id,
        "address": party.address,
        "phone": party.phone,
        "email": party.email,
    }
