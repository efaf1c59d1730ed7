"""Fixtures for citizen reception: a reception place per authority, the role groups, people."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.reception import services as reception
from cases.reception.models import ReceptionPlace, RegularHours

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=9, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=ICT)


@pytest.fixture(autouse=True)
def role_groups(db):
    from cases.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture
def frozen(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


@pytest.fixture
def place(world):
    p = ReceptionPlace.objects.create(
        authority=world.hn,
        name_vi="Trụ sở Tiếp công dân Thành phố Hà Nội",
        name_en="Hanoi Citizen Reception Office",
        address_vi="Số 1 Tôn Thất Thuyết, Cầu Giấy, Hà Nội",
        address_en="1 Ton That Thuyet, Cau Giay, Hanoi",
        phone="024 3333 4444",
    )
    for weekday in range(5):
        RegularHours.objects.create(place=p, weekday=weekday, opens=dt.time(8), closes=dt.time(11, 30))
        RegularHours.objects.create(place=p, weekday=weekday, opens=dt.time(13, 30), closes=dt.time(17))
    return p


def person(n=0, **kw):
    values = {
        "full_name": f"Nguyễn Văn Dân {n}",
        "national_id": f"0012000{n:05d}",
        "id_issued": "01/01/2022, Cục Cảnh sát QLHC về TTXH",
        "address": f"{n} phố Huế, Hai Bà Trưng, Hà Nội",
        "phone": "0912000111",
    }
    values.update(kw)
    return reception.PersonInput(**values)


def complaint_visit(world, **kw):
    """A visitor brings a complaint that the reception office takes in (a case is opened)."""
    from cases.models import Role

    values = {
        "actor": world.user(Role.INTAKE),
        "authority": world.hn,
        "content_kind": "complaint",
        "summary": "Khiếu nại Quyết định thu hồi đất số 15/QĐ-UBND ngày 01/10/2026.",
        "request": "Đề nghị hủy quyết định, bồi thường đúng giá.",
        "handling": "received",
        "persons": [person()],
        "contested_act": "Quyết định 15/QĐ-UBND ngày 01/10/2026 của UBND phường",
        "contested_act_known_on": dt.date(2026, 10, 5),
    }
    values.update(kw)
    return reception.visit_record(**values)
