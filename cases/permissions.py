"""Who may do what to which case. One gate per verb: ``user_can_<verb>_case`` answers,
``check_can(verb, ...)`` raises.

Scope: a staff member acts on cases of the authority they belong to and its sub-units (by
``Authority.path``). An oversight auditor sees every case and can change nothing. Identity
(Law on Denunciations 2018 Art 56) is readable only with the ``cases.view_identity`` permission,
which the resolver's heads and the intake officers hold, never the verification team by default."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .errors import PermissionDeniedError
from .models import Case, Membership, Role

R = Role

# Verb -> roles allowed (within their authority sub-tree). The system (actor None) may do all.
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
    "publish": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "close": frozenset({R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "second_level": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "escalate": frozenset({R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
    "view_identity": frozenset({R.INTAKE, R.HEAD_OF_UNIT, R.HEAD_OF_AGENCY, R.ADMINISTRATOR}),
}
# An inspector acts only on the cases assigned to them.
ASSIGNEE_ONLY_ROLES = frozenset({R.INSPECTOR})
READ_ONLY_VERBS = frozenset({"view"})


def _memberships(user) -> list[tuple[str, str]]:
    """(role, authority path) pairs of the user's active memberships, cached on the user object."""
    cached = getattr(user, "_kntc_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, active=True).values_list("role", "authority__path")
        )
        user._kntc_memberships = cached
    return cached


def is_auditor(user) -> bool:
    return bool(user and user.is_authenticated) and any(r == R.AUDITOR for r, _ in _memberships(user))


def roles_for_case(user, case: Case) -> set[str]:
    """Roles the user holds over this case's authority (directly or through a parent)."""
    if not user or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return set()
    path = case.authority.path if case.authority_id else None
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


def user_can(verb: str, user, case: Case) -> bool:
    if user is None:
        return True  # the system
    if not user.is_authenticated or not user.is_active:
        return False
    if verb not in READ_ONLY_VERBS and is_auditor(user):
        return False  # an auditor can never change anything
    if user.is_superuser:
        return True
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


def check_can(verb: str, user, case: Case) -> None:
    if not user_can(verb, user, case):
        raise PermissionDeniedError(
            f"Bạn không có quyền thực hiện thao tác này đối với hồ sơ {case.reference} / "
            f"you may not do this ({verb}) on case {case.reference}"
        )


def user_can_view_case(user, case: Case) -> bool:
    return user_can("view", user, case)


def user_can_view_identity(user, case: Case) -> bool:
    return user_can("view_identity", user, case)


def can_register_for(user, authority) -> bool:
    """May the user register a paper letter or visit for this authority (None = unknown)?"""
    if user is None:
        return True
    if not user.is_authenticated or is_auditor(user):
        return False
    if user.is_superuser:
        return True
    path = authority.path if authority else None
    for role, auth_path in _memberships(user):
        if role in ACTION_ROLES["submit"] and (path is None or path.startswith(auth_path)):
            return True
    return False
