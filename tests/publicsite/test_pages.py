"""The Wagtail page tree in both languages, the language switch, the entry points and the
receipt message that goes to the citizen's own address."""

import re

import pytest
from django.core import mail
from django.test import Client

from publicsite.models import GuidePage, HomePage, IntakePage, ReceptionPage, StatisticsPage, TrackingPage
from publicsite.setup import ensure_site

from .conftest import Citizen

pytestmark = pytest.mark.django_db

PAGES = [
    ("/", "/en/"),
    ("/gui-don/", "/en/file-a-case/"),
    ("/tra-cuu/", "/en/track/"),
    ("/thong-ke/", "/en/statistics/"),
    ("/huong-dan/", "/en/guide/"),
    ("/lich-tiep-cong-dan/", "/en/citizen-reception/"),
]


@pytest.mark.parametrize(("vi", "en"), PAGES)
def test_every_page_exists_in_both_languages_with_a_switch_to_the_other(client, vi, en):
    for url, lang, other in ((vi, "vi", en), (en, "en", vi)):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in html
        other_lang = "en" if lang == "vi" else "vi"
        assert re.search(
            rf'<a href="{re.escape(other)}" lang="{other_lang}" hreflang="{other_lang}"', html
        ), url
        assert re.search(
            rf'<a href="{re.escape(url)}" lang="{lang}" hreflang="{lang}" aria-current="true"', html
        )


def test_english_pages_read_in_english(client):
    html = client.get("/en/").content.decode()
    assert "Complaints and denunciations" in html and "File a case online" in html
    assert "Skip to main content" in html
    guide = client.get("/en/guide/").content.decode()
    assert "90 days" in guide and "Art 30" in guide


def test_home_page_has_clear_entry_points(client):
    html = client.get("/").content.decode()
    main = html[html.index("<main") :]
    for href, title in (
        ("/gui-don/", "Gửi đơn trực tuyến"),
        ("/tra-cuu/", "Tra cứu hồ sơ"),
        ("/thong-ke/", "Thống kê công khai"),
        ("/huong-dan/", "Hướng dẫn: quyền, thủ tục, thời hạn"),
        ("/lich-tiep-cong-dan/", "Lịch tiếp công dân"),
    ):
        assert f'<a href="{href}">{title}</a>' in main


def test_guide_explains_rights_procedures_and_deadlines(client):
    html = client.get("/huong-dan/").content.decode()
    for phrase in (
        "90 ngày",
        "10 ngày",
        "30 ngày",
        "7 ngày làm việc",
        "giữ bí mật",
        "Rút khiếu nại",
        "Điều 29",
    ):
        assert phrase in html


def test_editors_change_the_guide_and_the_site_shows_it(client):
    guide = GuidePage.objects.get(locale__language_code="vi")
    guide.body = "<p>Nội dung mới do biên tập viên viết.</p>"
    guide.save_revision().publish()
    assert "Nội dung mới do biên tập viên viết." in client.get("/huong-dan/").content.decode()


def test_language_switch_keeps_the_wizard_step(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    html = client.get("/gui-don/?step=2").content.decode()
    assert 'href="/en/file-a-case/?step=2"' in html
    english = client.get("/en/file-a-case/?step=2").content.decode()
    assert "2. Who is filing" in english  # the draft is kept across languages


def test_ensure_site_rebuilds_missing_pages_in_both_languages():
    StatisticsPage.objects.filter(locale__language_code="en").delete()
    IntakePage.objects.all().delete()
    ensure_site()
    for model in (IntakePage, TrackingPage, StatisticsPage, GuidePage, ReceptionPage, HomePage):
        assert set(model.objects.values_list("locale__language_code", flat=True)) == {"vi", "en"}
    vi = IntakePage.objects.get(locale__language_code="vi")
    en = IntakePage.objects.get(locale__language_code="en")
    assert vi.translation_key == en.translation_key
    assert Client().get("/en/file-a-case/").status_code == 200
    ensure_site()  # idempotent
    assert IntakePage.objects.count() == 2


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_receipt_message_goes_to_the_citizen_s_own_address_with_the_key(
    client, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe()
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.sign()
    receipt = client.get(response["Location"]).content.decode()
    reference = re.search(r'id="receipt-reference">([^<]+)<', receipt).group(1)
    key = re.search(r'id="receipt-key">([^<]+)<', receipt).group(1)
    messages = [m for m in mail.outbox if reference in m.subject + m.body]
    assert messages, [m.subject for m in mail.outbox]
    assert all(m.to == ["binh.tran@example.vn"] for m in messages)
    assert all(key in m.body for m in messages)
    assert "mã hồ sơ và mã bí mật được gửi một lần" in receipt  # the receipt says so


def test_editors_can_preview_every_page():
    for model in (HomePage, IntakePage, TrackingPage, StatisticsPage, GuidePage, ReceptionPage):
        for page in model.objects.all():
            response = page.make_preview_request()
            assert response.status_code == 200, (model.__name__, page.locale.language_code)
