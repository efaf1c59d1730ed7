"""Every staff page, rendered in Vietnamese, is in Vietnamese: no English string from the list of
known leaks (Wagtail's chrome included), exports with Vietnamese labels, names family-name first."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Role
from tests.leaks import english_leaks

from .conftest import accepted, make_case


def _pages(case):
    ref = case.reference
    return [
        "/admin/",
        "/admin/cases/",
        "/admin/cases/triage/",
        "/admin/cases/mine/",
        "/admin/cases/duplicates/",
        "/admin/cases/?q=khongtimthay",
        "/admin/cases/?status=received",
        f"/admin/cases/{ref}/",
        f"/admin/cases/{ref}/duplicates/",
        "/admin/notifications/",
        "/admin/account/",
        "/admin/cases/register/",
        "/admin/cases/audit/access-log/",
        "/admin/oversight/",
        # Pages added by the reception, reports, delivery and grants work (issues 16, 18, 20).
        reverse("reception_admin:register"),
        reverse("reception_admin:visit_new"),
        reverse("reception_admin:sessions"),
        reverse("reception_admin:places"),
        reverse("periodic_reports:index"),
        reverse("periodic_reports:view") + "?authority=HN&kind=q3&year=2026",
        reverse("delivery_admin:daily"),
        reverse("delivery_admin:sent_list"),
        reverse("cases_admin:grants"),
        "/admin/case-authorities/",
        "/admin/case-memberships/",
    ]


def test_login_page_is_vietnamese(db):
    html = Client().get("/admin/login/").content.decode()
    assert english_leaks(html) == []
    assert "Mật khẩu" in html and "Quên mật khẩu?" in html and "Ghi nhớ đăng nhập" in html


@pytest.mark.parametrize(
    "role", [Role.INTAKE, Role.INSPECTOR, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY, Role.AUDITOR]
)
def test_staff_pages_have_no_english_leaks(world, login, role):
    case = accepted(world)
    make_case(world)
    client = login(world.user(role))
    leaks = {}
    for url in _pages(case):
        response = client.get(url)
        if response.status_code != 200:
            continue
        found = english_leaks(response.content.decode())
        if found:
            leaks[url] = found
    assert leaks == {}


def test_leak_check_can_fail():
    assert english_leaks('<p>15 thông báo chưa đọc · 15 unread</p><input placeholder="Search…">') == [
        "15 thông báo chưa đọc · 15 unread",
        "Search…",
    ]
