"""Who may act on a protection request and who may read the protected people's identity.

Need to know (Law on Denunciations 2018 Arts 8(3), 48(2)(b), 56): the identity of a protected
person is read by the resolver (the heads: Trưởng phòng, Thủ trưởng cơ quan, through their role over
the case's authority) and by the staff member who took the request and keeps its file, with the
identity permission granted to their role — and by nobody else. Being a superuser, an
administrator or an auditor is not a need to know: unlike ``cases.permissions.user_can``, nothing
here lets a superuser through, and the administrator role is not among the roles that read. The
accused and the accused unit hold no role over the case (``cases.scope``), so they never pass."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import permissions as case_permissions
from ..actors import Citizen, System
from ..models import CaseKind, Role
from ..rules import ALLOWED, Verdict, refused
from .models import ProtectionRequest

HEADS = frozenset({Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY})
RECEIVERS = frozenset({Role.INTAKE, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY})
IDENTITY_PERMISSION = "view_identity"


def _staff_problem(user: Any) -> Verdict | None:
    if user is None or isinstance(user, System | Citizen) or not getattr(user, "is_authenticated", False):
        return refused(_("Cần đăng nhập bằng tài khoản cán bộ."))
    if not user.is_active:
        return refused(_("Tài khoản đã bị khóa."))
    if case_permissions.is_auditor(user):
        return refused(
            _(
                "Tài khoản kiểm tra, giám sát chỉ được xem, không xem nhân thân người được bảo vệ "
                "(Luật Tố cáo 2018, Điều 56)."
            )
        )
    return None


def _granted_identity(user: Any) -> bool:
    """The identity permission as granted to the user's groups or to the user, never implied by
    ``is_superuser`` (``User.has_perm`` answers yes to a superuser for everything)."""
    cached = getattr(user, "_kntc_protection_perm", None)
    if cached is None:
        cached = (
            user.groups.filter(
                permissions__codename=IDENTITY_PERMISSION, permissions__content_type__app_label="cases"
            ).exists()
            or user.user_permissions.filter(
                codename=IDENTITY_PERMISSION, content_type__app_label="cases"
            ).exists()
        )
        user._kntc_protection_perm = cached
    return bool(cached)


def _roles(user: Any, case) -> set[str]:
    """Roles from memberships over the case's authority (none for the accused), auditor and
    administrator left out: neither is a need to know."""
    return case_permissions.roles_for_case(user, case) - {Role.AUDITOR, Role.ADMINISTRATOR}


_NOT_SUPERUSER = _(
    "Quyền quản trị hệ thống không phải là căn cứ để biết nhân thân người được bảo vệ "
    "(Luật Tố cáo 2018, Điều 8 khoản 3, Điều 56)."
)


def can_receive(user: Any, case) -> Verdict:
    """Take a request (Art 50): the intake officers and the heads of the resolving body."""
    problem = _staff_problem(user)
    if problem is not None:
        return problem
    roles = _roles(user, case)
    if not roles & RECEIVERS or not _granted_identity(user):
        return refused(
            _NOT_SUPERUSER
            if user.is_superuser
            else _(
                "Chỉ cán bộ tiếp nhận hoặc người giải quyết tố cáo được tiếp nhận đề nghị bảo vệ "
                "(Luật Tố cáo 2018, Điều 50 khoản 1, Điều 56)."
            )
        )
    return ALLOWED


def can_decide(user: Any, case) -> Verdict:
    """Decide, request the competent body, refuse, change and end: the resolver (Arts 51, 52, 54),
    i.e. the head of unit or of agency over the case."""
    problem = _staff_problem(user)
    if problem is not None:
        return problem
    if not _roles(user, case) & HEADS or not _granted_identity(user):
        return refused(
            _NOT_SUPERUSER
            if user.is_superuser
            else _(
                "Chỉ người giải quyết tố cáo (Trưởng phòng, Thủ trưởng cơ quan) quyết định việc bảo vệ "
                "(Luật Tố cáo 2018, Điều 51 khoản 1, Điều 54)."
            )
        )
    return ALLOWED


def _need_to_know(user: Any, case, handler_ids) -> Verdict:
    problem = _staff_problem(user)
    if problem is not None:
        return problem
    roles = _roles(user, case)
    if _granted_identity(user) and (roles & HEADS or (user.pk in handler_ids and roles & RECEIVERS)):
        return ALLOWED
    return refused(
        _NOT_SUPERUSER
        if user.is_superuser
        else _(
            "Chỉ người giải quyết tố cáo và cán bộ thụ lý đề nghị bảo vệ được biết nhân thân người được bảo "
            "vệ (Luật Tố cáo 2018, Điều 8 khoản 3, Điều 48 khoản 2 điểm b, Điều 56)."
        )
    )


def can_read_identity(user: Any, request) -> Verdict:
    """Read who the protected people are and where they live: the resolver's heads and the staff
    member keeping the request's file, each with the identity permission of their role (Art 56)."""
    return _need_to_know(user, request.case, {request.handler_id})


def protected_identity_verdict(user: Any, case) -> Verdict:
    """On a denunciation whose denouncer asked for protection, the denouncer's identity too is
    read on a need-to-know basis only (the same rule as ``can_read_identity``); on any other case,
    allowed (``cases.permissions.user_can_view_identity`` decides)."""
    if case.kind != CaseKind.DENUNCIATION or case.pk is None:
        return ALLOWED
    handler_ids = set(ProtectionRequest.objects.filter(case_id=case.pk).values_list("handler_id", flat=True))
    if not handler_ids:
        return ALLOWED
    return _need_to_know(user, case, handler_ids)


def can_keep_file(user: Any, request) -> Verdict:
    """Add to the protection file and record the notices sent (Art 53(1)(b)): who may read it."""
    return can_read_identity(user, request)


def can_see_panel(user: Any, case) -> bool:
    """Whether the case page shows the protection panel at all: staff who may take a request or
    decide one. Others (the verification team, auditors, administrators by role alone) do not learn
    that a request exists (Art 48(2)(b))."""
    return bool(can_receive(user, case)) or bool(can_decide(user, case))


PROTECTION_EVENT_PREFIX = "protection."


def knows_of_protection(user: Any, case) -> bool:
    """Who may learn that a protection exists at all (its events on the timeline, its T14/T15 limit
    among the case's deadlines): those who see the panel, and the oversight auditor, who reads the
    trace of every identity read (Art 56) but never the identity itself."""
    return can_see_panel(user, case) or case_permissions.is_auditor(user)
