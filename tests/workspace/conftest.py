"""Fixtures for the inspector workspace: cases made through the services, logged-in clients."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.actors import Citizen
from cases.models import Case, Role

PERSON = {
    "full_name": "Trần Thị Bình",
    "national_id": "001199012345",
    "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
    "phone": "0987654321",
    "email": "binh.tran@example.vn",
}


def make_case(world, kind="complaint", tree="hn", actor=None, **kw) -> Case:
    authority = world.hn_sxd if tree == "hn" else world.hp_sxd
    person = {**PERSON, **kw.pop("person", {})}
    defaults = {
        "kind": kind,
        "subject": "Khiếu nại việc thu hồi đất"
        if kind == "complaint"
        else "Tố cáo cán bộ địa chính nhận tiền",
        "description": "Nội dung đơn: đề nghị xem xét, giải quyết theo quy định.",
        "parties": [] if kind == "anonymous_report" else [services.PartyInput(**person)],
        "authority": authority,
        "contested_act": "Quyết định 12/QĐ-UBND ngày 01/03/2026" if kind == "complaint" else "",
        "accused_name": "Ông Nguyễn Văn X" if kind == "denunciation" else "",
        "actor": actor or Citizen.filing(),
    }
    defaults.update(kw)
    return services.case_submit(**{"actor": Citizen.filing(), **defaults}).case


def refused(response) -> bool:
    """Wagtail answers PermissionDenied in the admin with a redirect to the dashboard and an error
    message (403 for XHR); either is a refusal."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def accepted(world, kind="denunciation", tree="hn", assign=True, **kw) -> Case:
    case = make_case(world, kind, tree=tree, **kw)
    intake = world.user(Role.INTAKE, tree)
    case = services.case_accept(case=case, actor=intake)
    if assign:
        case = services.case_assign(
            case=case, actor=world.user(Role.HEAD_OF_UNIT, tree), assignee=world.user(Role.INSPECTOR, tree)
        )
    return fresh(case)


@pytest.fixture(autouse=True)
def role_groups(db):
    """The role groups with their permissions. On a fresh database the post_migrate hook that
    fills them runs before the cases permissions exist (reported to the lead), so fill them here."""
    from cases.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def yesterday():
    return timezone.now() - dt.timedelta(days=1)
