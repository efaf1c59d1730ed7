"""Finding 2: nobody grants a role wider than their own scope, or a role that reads identity,
without a second person (a head of agency at that scope); every grant and revocation is in an
append-only log the grantee cannot edit."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cases.audit import grants
from cases.audit.models import GrantLogEntry, GrantRequest
from cases.errors import PermissionDeniedError
from cases.models import Membership, Role
from cases.permissions import user_can_view_identity
from cases.selectors import case_list_for_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept_admin(world):
    user = UserFactory(username="dept_admin")
    from cases.roles import membership_grant

    membership_grant(user=user, authority=world.hn_sxd, role=Role.ADMINISTRATOR)
    return user


def _add_membership(client, user, authority, role):
    return client.post(
        "/admin/case-memberships/new/",
        {"user": user.pk, "authority": authority.pk, "role": role, "active": "on"},
    )


def test_a_department_administrator_cannot_give_itself_a_city_role(world, dept_admin, login):
    client = login(dept_admin)
    r = _add_membership(client, dept_admin, world.hn, Role.HEAD_OF_AGENCY)
    assert r.status_code == 302
    # No role yet: a request waits for a head of agency of the city.
    assert not Membership.objects.filter(user=dept_admin, authority=world.hn, active=True).exists()
    request = GrantRequest.objects.get(grantee=dept_admin, authority=world.hn)
    assert request.state == GrantRequest.State.PENDING
    assert "tự cấp quyền" in request.why and "rộng hơn" in request.why
    # Neither the requester nor a department head may approve it.
    with pytest.raises(PermissionDeniedError):
        grants.grant_approve(actor=dept_admin, request=request)
    with pytest.raises(PermissionDeniedError):
        grants.grant_approve(actor=world.user(Role.HEAD_OF_UNIT), request=request)
    # Nothing changed for the attacker: no city case is theirs to read.
    fresh = type(dept_admin).objects.get(pk=dept_admin.pk)
    assert not case_list_for_user(fresh).filter(authority=world.hn).exists()


def test_an_identity_role_waits_for_the_head_of_agency_then_is_logged(world, dept_admin, login):
    clerk = UserFactory(username="clerk")
    client = login(dept_admin)
    _add_membership(client, clerk, world.hn_sxd, Role.INTAKE)  # within scope, but reads identity
    request = GrantRequest.objects.get(grantee=clerk)
    assert not Membership.objects.filter(user=clerk).exists()
    head = world.user(Role.HEAD_OF_AGENCY)  # head of agency of the city, above the department
    r = login(head).post("/admin/cases/grants/", {"request": request.pk, "decision": "approve", "note": "ok"})
    assert r.status_code == 302
    assert Membership.objects.filter(
        user=clerk, authority=world.hn_sxd, role=Role.INTAKE, active=True
    ).exists()
    actions = list(GrantLogEntry.objects.filter(grantee=clerk).order_by("pk").values_list("action", "actor"))
    assert actions == [
        (GrantLogEntry.Action.REQUESTED, dept_admin.pk),
        (GrantLogEntry.Action.APPROVED, head.pk),
        (GrantLogEntry.Action.GRANTED, head.pk),
    ]


def test_an_inspector_role_within_scope_is_given_at_once(world, dept_admin, login):
    someone = UserFactory(username="new_inspector")
    _add_membership(login(dept_admin), someone, world.hn_sxd, Role.INSPECTOR)
    assert Membership.objects.filter(user=someone, role=Role.INSPECTOR, active=True).exists()
    entry = GrantLogEntry.objects.get(grantee=someone)
    assert entry.action == GrantLogEntry.Action.GRANTED and entry.actor_id == dept_admin.pk


def test_the_edit_form_cannot_repoint_a_role(world, dept_admin, login):
    someone = UserFactory(username="inspector_x")
    _add_membership(login(dept_admin), someone, world.hn_sxd, Role.INSPECTOR)
    membership = Membership.objects.get(user=someone)
    client = login(dept_admin)
    client.post(
        f"/admin/case-memberships/edit/{membership.pk}/",
        {"user": dept_admin.pk, "authority": world.hn.pk, "role": Role.HEAD_OF_AGENCY, "active": ""},
    )
    membership.refresh_from_db()
    assert (membership.user_id, membership.authority_id, membership.role) == (
        someone.pk,
        world.hn_sxd.pk,
        Role.INSPECTOR,
    )
    assert membership.active is False  # the switch did its one job: a logged revocation
    assert GrantLogEntry.objects.filter(grantee=someone, action=GrantLogEntry.Action.REVOKED).exists()
    assert not Membership.objects.filter(user=dept_admin, authority=world.hn).exists()


def test_the_grant_log_is_append_only_even_in_sql(world):
    entry = GrantLogEntry.objects.filter(grantee=world.user(Role.INTAKE)).first()
    assert entry is not None  # the world's grants are logged (actor: the system)
    with pytest.raises(PermissionError):
        GrantLogEntry.objects.filter(pk=entry.pk).update(note="edited")
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE case_audit_grantlogentry SET actor_id = NULL WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM case_audit_grantlogentry WHERE id = %s", [entry.pk])


def test_revoking_takes_identity_away_at_once_and_is_logged(world):
    from cases.roles import membership_grant

    user = UserFactory(username="temp_intake")
    membership = membership_grant(user=user, authority=world.hn_sxd, role=Role.INTAKE)
    admin = world.user(Role.ADMINISTRATOR)
    grants.grant_revoke(actor=admin, membership=membership)
    assert not Membership.objects.filter(user=user, active=True).exists()
    assert GrantLogEntry.objects.filter(
        grantee=user, action=GrantLogEntry.Action.REVOKED, actor=admin
    ).exists()
    from tests.workspace.conftest import make_case

    case = make_case(world)
    assert not user_can_view_identity(type(user).objects.get(pk=user.pk), case)


def _authority_post(client, url, authority, **changes):
    data = {
        "code": authority.code,
        "name_vi": authority.name_vi,
        "name_en": authority.name_en or "",
        "level": authority.level,
        "parent": authority.parent_id or "",
        "valid_from": "",
        "valid_to": "",
        **changes,
    }
    if authority.remote_area:
        data["remote_area"] = "on"
    return client.post(url, data)


def test_a_department_administrator_cannot_pull_another_body_into_its_scope(world, dept_admin, login):
    """The same hole as a self-grant, through the authority tree: moving a sibling (or a new body)
    under one's own unit would bring its cases into one's scope (cases.scope follows the path)."""
    from cases.models import Authority

    client = login(dept_admin)
    ward = world.hn_ward
    # The sibling body is not even listed, and its edit page is a 404.
    listing = client.get("/admin/case-authorities/").content.decode()
    assert world.hn_sxd.code in listing and ward.code not in listing
    assert client.get(f"/admin/case-authorities/edit/{ward.pk}/").status_code == 404
    assert (
        _authority_post(
            client, f"/admin/case-authorities/edit/{ward.pk}/", ward, parent=world.hn_sxd.pk
        ).status_code
        == 404
    )
    # Its own top body keeps its place: the parent field is disabled, a posted parent is ignored.
    _authority_post(
        client, f"/admin/case-authorities/edit/{world.hn_sxd.pk}/", world.hn_sxd, parent=world.hp.pk
    )
    assert Authority.objects.get(pk=world.hn_sxd.pk).parent_id == world.hn.pk
    # A new body may be created only under a body it administers.
    created = _authority_post(
        client,
        "/admin/case-authorities/new/",
        world.hn_sxd,
        code="HN-X",
        name_vi="Cơ quan mới",
        parent=world.hn.pk,
    )
    assert created.status_code == 200 and not Authority.objects.filter(code="HN-X").exists()
    form = created.context["form"]
    assert "parent" in form.errors and world.hn not in form.fields["parent"].queryset
    ok = _authority_post(
        client,
        "/admin/case-authorities/new/",
        world.hn_sxd,
        code="HN-SXD-P1",
        name_vi="Phòng Quản lý nhà",
        parent=world.hn_sxd.pk,
    )
    assert ok.status_code == 302 and Authority.objects.get(code="HN-SXD-P1").path.startswith(
        world.hn_sxd.path
    )
    assert Authority.objects.get(pk=ward.pk).parent_id == world.hn.pk
