"""Who may do what to which case. One gate per verb: ``user_can_<verb>_case`` answers,
``check_can(verb, ...)`` raises.

Scope (``cases.scope``, the one rule every read asks): a staff member acts on cases of the
authority they belong to and its sub-units (by ``Authority.path``); an oversight auditor sees every
case and can change nothing; the accused and the accused unit are excluded from the case whatever
their role (Law on Denunciations 2018 Arts 47, 56). Identity
(Law on Denunciations 2018 Art 56) is readable only with the ``cases.view_identity`` permission,
which the resolver's heads and the intake officers hold, never the verification team by default."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from .actors import Citizen, System
from .errors import PermissionDeniedError
from .models import Authority, Case, Membership, Role
from .protection import permissions as protection_permissions
from .scope import staff_scope

R = Role

# Verb -> roles allowed (within their authority sub-tree). The system (``actors.SYSTEM``) may do
# what ``SYSTEM_VERBS`` lists; a citizen with their case's key, what ``CITIZEN_VERBS`` lists.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "view": frozenset(R.values),
    "submit": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "classify": frozenset({R.INTAKE, R.INSPECTOR, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "accept": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "reject": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "transfer": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "guide": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "merge": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "assign": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "verify": frozenset({R.INSPECTOR, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "dialogue": frozenset({R.INSPECTOR, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "note": frozenset({R.INTAKE, R.INSPECTOR, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "attach": frozenset({R.INTAKE, R.INSPECTOR, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "extend": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "suspend": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "resume": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "withdraw": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "terminate": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "conclude": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    # Approve or return the verification report and its draft (cases.verification).
    "approve": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    # Sign and issue a decision or notice with the agency's key (cases.delivery).
    "sign": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    # Record the sending of a result, its receipt or its return; print envelopes (the clerk).
    "deliver": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "publish": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "close": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "second_level": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    # The superior's head decides on a denouncer's follow-up (Law on Denunciations 2018 Arts 37(2),
    # 38(2), 38(5)); the lower body's head sends the report asked of it (Art 38(3)).
    "review": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "report_followup": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "escalate": frozenset({R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "view_identity": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
}
# What the system does on its own: schedule and escalate, flag stalled cases, recompute, register
# seeded or imported letters. Never a decision on a case.
SYSTEM_VERBS = frozenset({"view", "submit", "escalate", "note", "classify"})
# What the person who filed a case may do with its tracking key (Law on Complaints Arts 10, 12(1);
# Law on Denunciations Arts 9(2), 33).
CITIZEN_VERBS = frozenset({"view", "withdraw", "supplement"})
# An inspector acts only on the cases assigned to them.
ASSIGNEE_ONLY_ROLES = frozenset({R.INSPECTOR})
READ_ONLY_VERBS = frozenset({"view"})


def _memberships(user: Any) -> list[tuple[str, str]]:
    """(role, authority path) pairs of the user's active memberships, cached on the user object."""
    cached = getattr(user, "_kntc_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, active=True).values_list("role", "authority__path")
        )
        user._kntc_memberships = cached
    return cached


def is_auditor(user: Any) -> bool:
    if user is None or isinstance(user, System | Citizen):
        return False
    return bool(user.is_authenticated) and any(r == R.AUDITOR for r, _p in _memberships(user))


def roles_for_case(user: Any, case: Case) -> set[str]:
    """Roles the user holds over this case's authority (directly or through a parent)."""
    if (
        not user
        or isinstance(user, AnonymousUser | System | Citizen)
        or not user.is_authenticated
        or not user.is_active
    ):
        return set()
    if staff_scope(user).excluded(case):
        return set()  # the accused and the accused unit hold no role over the case
    path = case.authority.path if case.authority is not None else None
    roles = set()
    for role, auth_path in _memberships(user):
        if role == R.AUDITOR:
            roles.add(role)  # read-only, everywhere
        elif path is None:
            # Authority "không rõ": triage belongs to the top-level bodies' intake and heads.
            if auth_path.count("/") == 2:
                roles.add(role)
        elif path.startswith(auth_path):
            roles.add(role)
    return roles


def user_can(verb: str, user: Any, case: Case) -> bool:
    """May ``user`` (a staff user, ``SYSTEM`` or a ``Citizen``) do ``verb`` on ``case``? ``None``
    is nobody: always no."""
    if user is None:
        return False
    if isinstance(user, System):
        return verb in SYSTEM_VERBS
    if isinstance(user, Citizen):
        return verb in CITIZEN_VERBS and user.owns(case.pk)
    if not user.is_authenticated or not user.is_active:
        return False
    if verb not in READ_ONLY_VERBS and is_auditor(user):
        return False  # an auditor can never change anything
    if user.is_superuser:
        return staff_scope(user).excluded(case) is None
    roles = roles_for_case(user, case)
    allowed = ACTION_ROLES[verb] & roles
    if verb == "view_identity" and not user.has_perm("cases.view_identity"):
        return False
    if not allowed:
        return False
    # Roles that act only on their own cases (inspectors) need to be the assignee.
    return not (
        allowed <= ASSIGNEE_ONLY_ROLES and verb not in READ_ONLY_VERBS and case.assignee_id != user.pk
    )


def why_not(verb: str, user: Any, case: Case) -> str:
    """Why ``user`` may not do ``verb`` on ``case`` ("" when they may), in the words the case page
    shows beside the disabled button: the roles that may ("chỉ Trưởng phòng, Thủ trưởng cơ quan"),
    or that an inspector acts only on the cases assigned to them."""
    if user_can(verb, user, case):
        return ""
    if is_auditor(user):
        return str(_("tài khoản kiểm tra, giám sát chỉ được xem"))
    roles = roles_for_case(user, case)
    allowed = ACTION_ROLES.get(verb, frozenset())
    if allowed & roles & ASSIGNEE_ONLY_ROLES and case.assignee_id != getattr(user, "pk", None):
        return str(_("chỉ người được giao xử lý hồ sơ"))
    labels = [str(label) for value, label in R.choices if value in allowed and value != R.ADMINISTRATOR]
    return str(_("chỉ %(roles)s")) % {"roles": ", ".join(labels)}


def check_can(verb: str, user: Any, case: Case) -> None:
    if not user_can(verb, user, case):
        raise PermissionDeniedError(
            _("Bạn không có quyền thực hiện thao tác này đối với hồ sơ %(reference)s."),
            params={"reference": case.reference},
            code=f"forbidden:{verb}",
        )


def user_can_view_case(user: Any, case: Case) -> bool:
    return user_can("view", user, case)


def user_can_view_identity(user: Any, case: Case) -> bool:
    """The identity permission in scope; on a denunciation whose denouncer asked for protection,
    need to know only, superusers and administrators included (Law on Denunciations 2018 Arts 8(3),
    56; ``cases.protection.permissions``)."""
    return user_can("view_identity", user, case) and bool(
        protection_permissions.protected_identity_verdict(user, case)
    )


def can_register_for(user: Any, authority: Authority | None) -> bool:
    """May ``user`` register a letter for this authority (None = unknown)? A citizen filing online
    and the system (seeding, imports) may; a staff member where they hold an intake role."""
    if user is None:
        return False
    if isinstance(user, System):
        return True
    if isinstance(user, Citizen):
        return user.case_id is None
    if not user.is_authenticated or is_auditor(user):
        return False
    if user.is_superuser:
        return True
    path = authority.path if authority else None
    for role, auth_path in _memberships(user):
        if role in ACTION_ROLES["submit"] and (path is None or path.startswith(auth_path)):
            return True
    return False


def conflict_of_interest(case: Case, user: Any) -> str | None:
    """Why ``user`` may not handle ``case`` (None if they may): the person accused, a member of
    the unit accused, or a staff member bearing the accused's name (Law on Denunciations 2018
    Art 47; Decree 31/2019 Art 10 excludes relatives and interested persons from verification).
    The same exclusion ``cases.scope`` applies to every read; the assignment list, the assignment
    service and the verification team ask it here."""
    if user is None or isinstance(user, System | Citizen):
        return None
    return staff_scope(user).excluded(case)
