"""Fixtures for the protection of denouncers: an accepted denunciation with its denouncer, and a
written request to protect the denouncer and a child."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import services
from cases.actors import Citizen
from cases.models import Case, Role
from cases.protection import services as protection
from cases.protection.models import Channel, Measure, Relation

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 10, 5, 9, tzinfo=ICT)  # a Monday

DENOUNCER = "Trần Thị Bình"
DENOUNCER_ADDRESS = "12 Hàng Bạc, Hoàn Kiếm, Hà Nội"
CHILD = "Lê Minh Khôi"
CHILD_ADDRESS = "88 phố Lò Đúc, Hai Bà Trưng, Hà Nội"
CHILD_PHONE = "0933444555"


@pytest.fixture(autouse=True)
def role_groups(db):
    from cases.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_now(START)
    return set_now


def denunciation(world, **kw) -> Case:
    values = {
        "actor": Citizen.filing(),
        "kind": "denunciation",
        "subject": "Tố cáo cán bộ địa chính nhận tiền",
        "description": "Cán bộ địa chính phường nhận tiền để làm sổ đỏ.",
        "parties": [
            services.PartyInput(
                full_name=DENOUNCER,
                national_id="001199012345",
                address=DENOUNCER_ADDRESS,
                phone="0987654321",
                email="binh.tran@example.vn",
            )
        ],
        "authority": world.hn_sxd,
        "accused_name": "Phạm Văn Cường",
        "accused_position": "cán bộ địa chính",
        "received_at": START - dt.timedelta(hours=1),
    }
    values.update(kw)
    case = services.case_submit(**values).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def case(world, clock):
    return denunciation(world)


def written_request(world, case, actor=None, **kw):
    values = {
        "case": case,
        "actor": actor or world.user(Role.INTAKE),
        "channel": Channel.WRITTEN,
        "requested_on": START.date(),
        "reasons": "Người bị tố cáo đe dọa con tôi trên đường đi học; tôi bị đe dọa chuyển công tác.",
        "measures": [Measure.CONFIDENTIALITY, Measure.LIFE_HEALTH],
        "persons": [
            protection.PersonInput(relation=Relation.DENOUNCER),
            protection.PersonInput(
                relation=Relation.CHILD, full_name=CHILD, address=CHILD_ADDRESS, phone=CHILD_PHONE
            ),
        ],
        "signed": True,
    }
    values.update(kw)
    return protection.protection_request_record(**values)


@pytest.fixture
def request_(world, case):
    return written_request(world, case)
