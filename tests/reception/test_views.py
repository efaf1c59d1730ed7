"""The reception workspace's pages: with and without permission, across agencies; recording a visit
through the form; identity masked until revealed (and logged); the printed documents."""

import pytest
from django.urls import reverse

from cases.models import Case, Role
from cases.reception import services as reception
from cases.reception.models import HeadSession, Visit, VisitIdentityAccess

from .conftest import at, complaint_visit, person


def refused(response) -> bool:
    return response.status_code in (403, 404) or (response.status_code == 302 and response.url == "/admin/")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def visit_post(world, place, **kw):
    data = {
        "authority": world.hn.pk,
        "place": place.pk,
        "received_at": "",
        "channel": "in_person",
        "content_kind": "complaint",
        "summary": "Khiếu nại quyết định thu hồi đất của UBND phường.",
        "request": "Đề nghị hủy quyết định.",
        "group_size": "1",
        "handling": "received",
        "in_competence": "on",
        "contested_act": "Quyết định 15/QĐ-UBND",
        "persons-TOTAL_FORMS": "8",
        "persons-INITIAL_FORMS": "0",
        "persons-0-full_name": "Lê Văn Khiếu",
        "persons-0-national_id": "001200099999",
        "persons-0-address": "5 Hàng Đào, Hà Nội",
        "documents-TOTAL_FORMS": "4",
        "documents-INITIAL_FORMS": "0",
        "documents-0-name": "Đơn khiếu nại",
        "documents-0-pages": "2",
        "documents-0-condition": "photocopy",
    }
    data.update(kw)
    return data


def test_register_and_visit_pages_with_and_without_permission(world, place, login, frozen):
    frozen(at(2026, 11, 5, 10))
    visit = complaint_visit(
        world, place=place, documents=[reception.DocumentInput("Đơn", 2, "photocopy")]
    ).visit
    urls = [
        reverse("reception_admin:register"),
        reverse("reception_admin:visit", args=[visit.pk]),
        reverse("reception_admin:receipt", args=[visit.pk]),
        reverse("reception_admin:sessions"),
        reverse("reception_admin:places"),
    ]
    for role in (Role.INTAKE, Role.HEAD_OF_AGENCY, Role.AUDITOR):
        client = login(world.user(role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
    client = login(world.user(Role.INTAKE, "hp"))  # another agency: not its register
    assert refused(client.get(reverse("reception_admin:visit", args=[visit.pk])))
    assert "001200000000" not in client.get(reverse("reception_admin:register")).content.decode()
    assert refused(login(world.user(Role.AUDITOR)).get(reverse("reception_admin:visit_new")))


def test_identity_is_masked_until_revealed_with_a_reason(world, place, login, frozen):
    frozen(at(2026, 11, 5, 10))
    visit = complaint_visit(world, place=place).visit
    client = login(world.user(Role.HEAD_OF_AGENCY))
    page = client.get(reverse("reception_admin:visit", args=[visit.pk])).content.decode()
    assert "Nguyễn Văn Dân 0" not in page and "001200000000" not in page
    response = client.post(
        reverse("reception_admin:visit", args=[visit.pk]), {"action": "reveal", "reason": "Liên hệ công dân"}
    )
    assert "Nguyễn Văn Dân 0" in response.content.decode()
    assert VisitIdentityAccess.objects.filter(visit=visit, reason="Liên hệ công dân").count() == 1
    # the auditor reads the register, never the identity
    auditor = login(world.user(Role.AUDITOR))
    response = auditor.post(
        reverse("reception_admin:visit", args=[visit.pk]), {"action": "reveal", "reason": "Kiểm tra thử"}
    )
    assert "Nguyễn Văn Dân 0" not in response.content.decode()
    printed = auditor.get(
        reverse("reception_admin:receipt", args=[visit.pk])
        if visit.documents.exists()
        else reverse("reception_admin:register_print")
    )
    assert "Nguyễn Văn Dân 0" not in printed.content.decode()


def test_recording_a_visit_through_the_form(world, place, login, frozen):
    frozen(at(2026, 11, 5, 10))
    client = login(world.user(Role.INTAKE))
    assert client.get(reverse("reception_admin:visit_new")).status_code == 200
    response = client.post(reverse("reception_admin:visit_new"), visit_post(world, place))
    assert response.status_code == 302, response.content.decode()[:3000]
    visit = Visit.objects.get()
    assert visit.case.channel == Case.Channel.IN_PERSON and visit.documents.count() == 1
    page = client.get(response.url).content.decode()
    # The tracking key, once, on the same printable slip as a letter registered at the desk.
    assert visit.case.reference in page and "Mã bí mật" in page and "mã tra cứu" not in page.lower()
    assert 'data-testid="slip"' in page and "GIẤY BIÊN NHẬN ĐƠN VÀ PHIẾU HẸN" in page
    assert "data-kntc-print" in page
    again = client.get(response.url).content.decode()
    assert "Mã bí mật (chỉ hiển thị một lần)" not in again and 'data-testid="slip"' not in again
    receipt = client.get(reverse("reception_admin:receipt", args=[visit.pk])).content.decode()
    assert "GIẤY BIÊN NHẬN" in receipt and "Lê Văn Khiếu" in receipt  # the intake officer may read it
    assert VisitIdentityAccess.objects.filter(visit=visit, action="print").exists()


def test_bad_input_is_a_clear_error_and_nothing_is_written(world, place, login, frozen):
    frozen(at(2026, 11, 5, 10))
    client = login(world.user(Role.INTAKE))
    response = client.post(
        reverse("reception_admin:visit_new"),
        visit_post(world, place, **{"group_size": "12", "persons-0-is_representative": ""}),
    )
    assert response.status_code == 400
    response = client.post(reverse("reception_admin:visit_new"), visit_post(world, place, contested_act=""))
    assert response.status_code == 400 and "Luật Khiếu nại 2011, Điều 8" in response.content.decode()
    response = client.post(
        reverse("reception_admin:visit_new"),
        visit_post(world, place, handling="refused", refusal_ground="nope"),
    )
    assert response.status_code == 400
    assert not Visit.objects.exists() and not Case.objects.exists()


def test_refusal_notice_is_issued_by_the_head_from_the_visit_page(world, place, login, frozen):
    frozen(at(2026, 11, 4, 10))
    visit = reception.visit_record(
        actor=world.user(Role.INTAKE),
        authority=world.hn,
        content_kind="complaint",
        summary="Khiếu nại kéo dài về vụ việc đã giải quyết.",
        handling="refused",
        persons=[person(7)],
        refusal_ground="L9-3",
    ).visit
    url = reverse("reception_admin:visit", args=[visit.pk])
    intake = login(world.user(Role.INTAKE))
    assert "notice-form" not in intake.get(url).content.decode()
    head = login(world.user(Role.HEAD_OF_AGENCY))
    page = head.get(url).content.decode()
    assert "notice-form" in page and "09/11/2026" in page  # due date: 3 working days
    response = head.post(
        url,
        {
            "action": "notice",
            "number": "5/TB-TCD",
            "notice_date": "04/11/2026",
            "signer_title": "Chủ tịch UBND Thành phố",
            "recipients": "Như trên",
        },
    )
    assert response.status_code == 302
    printed = head.get(reverse("reception_admin:refusal_notice", args=[visit.pk])).content.decode()
    assert (
        "Về việc từ chối tiếp công dân" in printed and "5/TB-TCD" in printed and "Nguyễn Văn Dân 7" in printed
    )
    assert "Luật Tiếp công dân số 42/2013/QH13, Điều 9 khoản 3" in printed


def test_session_pages_and_conclusion_form(world, place, login, frozen):
    frozen(at(2026, 11, 5, 7))
    client = login(world.user(Role.INTAKE))
    response = client.post(
        reverse("reception_admin:session_new"),
        {
            "authority": world.hn.pk,
            "place": place.pk,
            "starts_at": "05/11/2026 08:00",
            "kind": "periodic",
            "presider": world.user(Role.HEAD_OF_AGENCY).pk,
            "presider_title": "Chủ tịch UBND Thành phố",
            "public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = HeadSession.objects.get()
    frozen(at(2026, 11, 5, 11))
    case = complaint_visit(world, place=place, session=session, received_at=at(2026, 11, 5, 8, 30)).case
    head = login(world.user(Role.HEAD_OF_AGENCY))
    url = reverse("reception_admin:session", args=[session.pk])
    assert case.reference in head.get(url).content.decode()  # offered as the first instruction's case
    response = head.post(
        url,
        {
            "action": "conclude",
            "conclusions": "Giao Sở Xây dựng kiểm tra, trả lời công dân.",
            "notice_number": "125/TB-UBND",
            "notice_date": "05/11/2026",
            "attendees": "Sở Xây dựng",
            "recipients": "Sở Xây dựng",
            "ins-TOTAL_FORMS": "3",
            "ins-INITIAL_FORMS": "0",
            "ins-0-case": case.reference,
            "ins-0-unit": world.hn_sxd.pk,
            "ins-0-content": "Kiểm tra, trả lời công dân",
            "ins-0-due_date": "20/11/2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = head.get(url).content.decode()
    assert "20/11/2026" in page and "Nghị định 154/2026/NĐ-CP, Điều 25 khoản 2" in page
    notice = head.get(reverse("reception_admin:session_notice", args=[session.pk])).content.decode()
    assert "125/TB-UBND" in notice and "Sở Xây dựng Hà Nội" in notice
    assert refused(login(world.user(Role.INTAKE, "hp")).get(url))


def test_places_are_managed_with_their_hours(world, login):
    client = login(world.user(Role.INTAKE))
    response = client.post(
        reverse("reception_admin:place_new"),
        {
            "authority": world.hn.pk,
            "name_vi": "Trụ sở Tiếp công dân",
            "name_en": "Citizen Reception Office",
            "address_vi": "1 Tôn Thất Thuyết",
            "address_en": "1 Ton That Thuyet",
            "public": "on",
            "active": "on",
            "hours-TOTAL_FORMS": "4",
            "hours-INITIAL_FORMS": "0",
            "hours-0-weekday": "0",
            "hours-0-opens": "08:00",
            "hours-0-closes": "11:30",
            "hours-1-weekday": "1",
            "hours-1-opens": "13:30",
            "hours-1-closes": "12:00",
        },
    )
    assert response.status_code == 400  # closes before it opens
    assert not place_count()


def place_count():
    from cases.reception.models import ReceptionPlace

    return ReceptionPlace.objects.count()
