"""Django groups for the staff roles, kept in step with ``Role`` after every migrate.

A user's role in an authority is a ``Membership``; the matching group carries the model-level
permissions (Wagtail admin access, the identity permission, the auditor's read-all)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Membership, Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.INTAKE: ["wagtailadmin.access_admin", "cases.view_case", "cases.add_case", "cases.view_identity"],
    Role.INSPECTOR: ["wagtailadmin.access_admin", "cases.view_case"],
    Role.HEAD_OF_UNIT: ["wagtailadmin.access_admin", "cases.view_case", "cases.view_identity"],
    Role.HEAD_OF_AGENCY: ["wagtailadmin.access_admin", "cases.view_case", "cases.view_identity"],
    Role.AUDITOR: ["wagtailadmin.access_admin", "cases.view_case", "cases.view_all_cases"],
    Role.ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        "cases.view_case",
        "cases.view_identity",
        "cases.add_holiday",
        "cases.change_holiday",
        "cases.delete_holiday",
        "cases.view_holiday",
        "cases.add_authority",
        "cases.change_authority",
        "cases.view_authority",
        "cases.add_membership",
        "cases.change_membership",
        "cases.view_membership",
    ],
}


def group_name(role: str) -> str:
    return f"kntc:{role}"


def ensure_role_groups(**kwargs) -> None:
    # post_migrate reaches this app before auth has created its permissions (and a flush removes
    # them): create the ones the roles use first.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for label in ("cases", "wagtailadmin"):
        create_permissions(apps.get_app_config(label), verbosity=0)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                wanted.append(perm)
        group.permissions.set(wanted)


@transaction.atomic
def membership_grant(*, user, authority, role: str, actor=None, request=None, note: str = "") -> Membership:
    """Give ``user`` a role in ``authority`` (and the role's group), and log it (append-only
    ``GrantLogEntry``). Staff requests go through ``cases.audit.grants.grant_request``, which
    decides whether a second person must approve first; ``actor=None`` is the system (seeding,
    an operator's command)."""
    from .audit.models import GrantLogEntry

    membership, _ = Membership.objects.update_or_create(
        user=user, authority=authority, role=role, defaults={"active": True}
    )
    group, _ = Group.objects.get_or_create(name=group_name(role))
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _forget(user)
    GrantLogEntry.objects.create(
        action=GrantLogEntry.Action.GRANTED,
        actor=actor,
        grantee=user,
        authority=authority,
        role=role,
        request=request,
        note=note,
    )
    return membership


def _forget(user) -> None:
    for cache in ("_kntc_memberships", "_kntc_scope", "_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)


@transaction.atomic
def membership_revoke(*, user, authority, role: str, actor=None, note: str = "") -> None:
    from .audit.models import GrantLogEntry

    changed = Membership.objects.filter(user=user, authority=authority, role=role, active=True).update(
        active=False
    )
    if not Membership.objects.filter(user=user, role=role, active=True).exists():
        user.groups.remove(*Group.objects.filter(name=group_name(role)))
    _forget(user)
    if changed:
        GrantLogEntry.objects.create(
            action=GrantLogEntry.Action.REVOKED,
            actor=actor,
            grantee=user,
            authority=authority,
            role=role,
            note=note,
        )
