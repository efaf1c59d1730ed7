"""Who may give whom which role (issue 16, finding 2).

An administrator gives roles within the sub-tree of the authority where they are administrator.
Two kinds of grant wait for a second person, a head of agency at the granted authority or above
it, who is neither the requester nor the grantee:

- a grant wider than the requester's own scope (outside their administrator sub-trees, or the
  auditor role, which reads every authority's cases);
- a grant of a role that reads identity (``cases.view_identity``: Law on Denunciations 2018
  Art 56 — who may learn the denouncer's name is a decision, not a setting).

Nobody grants themselves anything without that second person. Revoking narrows access: an
administrator in scope does it at once. Every request, decision, grant and revocation is a row
of ``GrantLogEntry`` (append-only, also in PostgreSQL), written here and by ``cases.roles``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Authority, Membership, Role
from cases.roles import ROLE_PERMISSIONS, membership_grant, membership_revoke

from .models import GrantLogEntry, GrantRequest

IDENTITY_ROLES = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if "cases.view_identity" in perms)
EVERYWHERE_ROLES = frozenset({Role.AUDITOR})  # roles whose reads are not bounded by the authority


def _paths(user, role: str) -> list[str]:
    return list(
        Membership.objects.filter(user=user, role=role, active=True).values_list("authority__path", flat=True)
    )


def administers(user, authority: Authority) -> bool:
    """Is ``user`` an administrator of ``authority`` (directly or through a parent)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(authority.path.startswith(p) for p in _paths(user, Role.ADMINISTRATOR))


def may_approve(user, authority: Authority) -> bool:
    """A head of agency at ``authority`` or a body above it (superusers too)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(authority.path.startswith(p) for p in _paths(user, Role.HEAD_OF_AGENCY))


def approval_reasons(*, actor, grantee, authority: Authority, role: str) -> list[str]:
    """Why this grant needs a second person (empty: the requester may grant it alone)."""
    reasons = []
    if actor.pk == grantee.pk:
        reasons.append(str(_("tự cấp quyền cho chính mình")))
    if not administers(actor, authority) or role in EVERYWHERE_ROLES:
        reasons.append(str(_("rộng hơn phạm vi quản trị của người đề nghị")))
    if role in IDENTITY_ROLES:
        reasons.append(str(_("vai trò được xem nhân thân người khiếu nại, tố cáo")))
    return reasons


def _log(action, *, actor, grantee, authority, role, request=None, note="") -> GrantLogEntry:
    return GrantLogEntry.objects.create(
        action=action,
        actor=actor,
        grantee=grantee,
        authority=authority,
        role=role,
        request=request,
        note=note,
    )


@transaction.atomic
def grant_request(
    *, actor, grantee, authority: Authority, role: str, note: str = ""
) -> Membership | GrantRequest:
    """Give ``grantee`` the role now if ``actor`` may do it alone; otherwise file a request that
    waits for a head of agency at that scope. Returns the membership or the pending request."""
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    if (
        actor is None
        or not actor.is_authenticated
        or not (actor.is_superuser or _paths(actor, Role.ADMINISTRATOR))
    ):
        raise PermissionDeniedError(_("Chỉ quản trị hệ thống được đề nghị cấp quyền."))
    if Membership.objects.filter(user=grantee, authority=authority, role=role, active=True).exists():
        raise ValidationError(_("Cán bộ đã có vai trò này tại cơ quan này."))
    reasons = (
        []
        if actor.is_superuser and actor.pk != grantee.pk
        else approval_reasons(actor=actor, grantee=grantee, authority=authority, role=role)
    )
    if not reasons:
        return membership_grant(user=grantee, authority=authority, role=role, actor=actor, note=note)
    existing = GrantRequest.objects.filter(
        grantee=grantee, authority=authority, role=role, state=GrantRequest.State.PENDING
    ).first()
    if existing is not None:
        return existing
    request = GrantRequest.objects.create(
        grantee=grantee, authority=authority, role=role, requested_by=actor, why="; ".join(reasons), note=note
    )
    _log(
        GrantLogEntry.Action.REQUESTED,
        actor=actor,
        grantee=grantee,
        authority=authority,
        role=role,
        request=request,
        note=request.why,
    )
    return request


def _pending(request: GrantRequest) -> GrantRequest:
    locked = GrantRequest.objects.select_for_update().select_related("authority").get(pk=request.pk)
    if locked.state != GrantRequest.State.PENDING:
        raise ValidationError(_("Yêu cầu này đã được xử lý."))
    return locked


def _check_approver(actor, request: GrantRequest) -> None:
    if actor.pk in (request.requested_by_id, request.grantee_id):
        raise PermissionDeniedError(
            _("Người đề nghị và người được cấp quyền không thể tự phê duyệt; cần một người thứ hai.")
        )
    if not may_approve(actor, request.authority):
        raise PermissionDeniedError(
            _("Chỉ thủ trưởng cơ quan %(authority)s hoặc cơ quan cấp trên được phê duyệt."),
            params={"authority": request.authority.name_vi},
        )


@transaction.atomic
def grant_approve(*, actor, request: GrantRequest, note: str = "") -> Membership:
    request = _pending(request)
    _check_approver(actor, request)
    request.state, request.decided_by, request.decided_at = GrantRequest.State.APPROVED, actor, timezone.now()
    request.note = (request.note + "\n" + note).strip() if note else request.note
    request.save(update_fields=["state", "decided_by", "decided_at", "note"])
    _log(
        GrantLogEntry.Action.APPROVED,
        actor=actor,
        grantee=request.grantee,
        authority=request.authority,
        role=request.role,
        request=request,
        note=note,
    )
    return membership_grant(
        user=request.grantee, authority=request.authority, role=request.role, actor=actor, request=request
    )


@transaction.atomic
def grant_refuse(*, actor, request: GrantRequest, note: str = "") -> GrantRequest:
    request = _pending(request)
    withdrawing = actor.pk == request.requested_by_id
    if not withdrawing:
        _check_approver(actor, request)
    request.state = GrantRequest.State.WITHDRAWN if withdrawing else GrantRequest.State.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    _log(
        GrantLogEntry.Action.WITHDRAWN if withdrawing else GrantLogEntry.Action.REFUSED,
        actor=actor,
        grantee=request.grantee,
        authority=request.authority,
        role=request.role,
        request=request,
        note=note,
    )
    return request


@transaction.atomic
def grant_revoke(*, actor, membership: Membership, note: str = "") -> None:
    """Take a role away (an administrator of that authority, or a head of agency above it)."""
    if not (administers(actor, membership.authority) or may_approve(actor, membership.authority)):
        raise PermissionDeniedError(_("Bạn không có quyền thu hồi vai trò tại cơ quan này."))
    membership_revoke(
        user=membership.user, authority=membership.authority, role=membership.role, actor=actor, note=note
    )
