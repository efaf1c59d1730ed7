"""The public reception page: each public place with its address, regular hours and the heads'
upcoming public reception days, in Vietnamese and English; nothing personal on it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.models import Role
from cases.reception import services as reception
from cases.reception.models import ReceptionPlace, RegularHours

pytestmark = pytest.mark.django_db
ICT = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def places(world):
    from cases.roles import ensure_role_groups

    ensure_role_groups()
    main = ReceptionPlace.objects.create(
        authority=world.hn,
        name_vi="Trụ sở Tiếp công dân Thành phố Hà Nội",
        name_en="Hanoi Citizen Reception Office",
        address_vi="Số 1 Tôn Thất Thuyết, Cầu Giấy, Hà Nội",
        address_en="1 Ton That Thuyet Street, Cau Giay, Hanoi",
        phone="024 3333 4444",
    )
    RegularHours.objects.create(place=main, weekday=0, opens=dt.time(8), closes=dt.time(11, 30))
    RegularHours.objects.create(place=main, weekday=0, opens=dt.time(13, 30), closes=dt.time(17))
    RegularHours.objects.create(place=main, weekday=3, opens=dt.time(8), closes=dt.time(11, 30))
    hidden = ReceptionPlace.objects.create(
        authority=world.hn, name_vi="Phòng tiếp nội bộ", address_vi="Không công khai", public=False
    )
    future = dt.datetime.now(ICT) + dt.timedelta(days=10)
    reception.session_plan(
        actor=world.user(Role.INTAKE),
        authority=world.hn,
        place=main,
        starts_at=future.replace(hour=8, minute=0, second=0, microsecond=0),
        presider=world.user(Role.HEAD_OF_AGENCY),
        presider_title="Chủ tịch UBND Thành phố",
    )
    return main, hidden


def test_the_schedule_and_address_in_both_languages(client, places):
    vi = client.get("/lich-tiep-cong-dan/").content.decode()
    assert "Số 1 Tôn Thất Thuyết, Cầu Giấy, Hà Nội" in vi
    assert "Thứ Hai: 08:00–11:30, 13:30–17:00" in vi and "Thứ Năm: 08:00–11:30" in vi
    assert "Chủ tịch UBND Thành phố" in vi and "từ 08:00" in vi
    assert "Phòng tiếp nội bộ" not in vi
    en = client.get("/en/citizen-reception/").content.decode()
    assert "1 Ton That Thuyet Street, Cau Giay, Hanoi" in en and "Hanoi Citizen Reception Office" in en
    assert "Monday: 08:00–11:30, 13:30–17:00" in en and "Regular reception hours" in en


def test_a_page_with_no_place_says_so(client):
    assert "Chưa có thông tin nơi tiếp công dân." in client.get("/lich-tiep-cong-dan/").content.decode()
