"""The protection panel on the case page and its screens: shown to those who may take or decide a
request, hidden from the others; every action listed, disabled ones with their reason; the whole
process driven through the forms, in Vietnamese with dd/mm/yyyy dates."""

import pytest
from django.urls import reverse

from cases.models import CaseEvent, IdentityAccessLog, Role
from cases.protection.models import ProtectionRequest
from tests.factories import UserFactory
from tests.leaks import english_leaks

from .conftest import CHILD, CHILD_ADDRESS, DENOUNCER, written_request


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def detail(case):
    return reverse("cases_admin:detail", args=[case.reference])


def step_url(case, req, step):
    return reverse("protection_admin:step", args=[case.reference, req.pk, step])


def test_the_panel_shows_the_request_its_file_and_the_actions_with_reasons(world, case, login):
    req = written_request(world, case)
    client = login(world.user(Role.HEAD_OF_UNIT))
    html = client.get(detail(case)).content.decode()
    assert 'data-testid="protection-panel"' in html
    assert f"BV-{req.pk}" in html and "05/10/2026" in html and "08/10/2026" in html  # dd/mm/yyyy
    assert "Người tố cáo, Con đẻ" in html
    # allowed for the head: decide; disabled with its reason: confirm a written request
    assert f'href="{step_url(case, req, "apply")}"' in html
    assert 'data-reason-for="confirm"' in html and "Điều 50 khoản 1" in html
    assert 'data-reason-for="change"' in html and "Điều 54 khoản 1" in html
    # the panel never names the protected people
    assert CHILD not in html and CHILD_ADDRESS not in html
    assert english_leaks(html) == []


def test_the_intake_officer_sees_decisions_disabled_with_the_reason(world, case, login):
    req = written_request(world, case)
    html = login(world.user(Role.INTAKE)).get(detail(case)).content.decode()
    assert 'data-reason-for="apply"' in html and "Chỉ người giải quyết tố cáo" in html
    assert f'href="{step_url(case, req, "document")}"' in html  # keeps the file
    assert refused(login(world.user(Role.INTAKE)).get(step_url(case, req, "apply")))


@pytest.mark.parametrize("who", ["inspector", "administrator", "auditor", "superuser"])
def test_the_panel_is_not_shown_to_who_has_no_need_to_know(world, case, login, who):
    req = written_request(world, case)
    if who == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = world.user(
            {"inspector": Role.INSPECTOR, "administrator": Role.ADMINISTRATOR, "auditor": Role.AUDITOR}[who]
        )
    client = login(user)
    response = client.get(detail(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="protection-panel"' not in html
    if who == "auditor":  # oversight reads the trace of the steps and reads, never the identity
        assert "Tiếp nhận đề nghị bảo vệ người tố cáo" in html
    else:  # the others do not even learn that a request exists (Art 48(2)(b))
        assert f"BV-{req.pk}" not in html and "bảo vệ người tố cáo" not in html.lower()
    assert CHILD not in html
    for url in (
        step_url(case, req, "apply"),
        reverse("protection_admin:identity", args=[case.reference, req.pk]),
        reverse("protection_admin:new", args=[case.reference]),
    ):
        assert refused(client.get(url)), url


def test_another_agency_does_not_find_the_screens(world, case, login):
    req = written_request(world, case)
    client = login(world.user(Role.HEAD_OF_UNIT, "hp"))
    assert client.get(step_url(case, req, "apply")).status_code == 404


def test_the_whole_process_through_the_forms(world, case, login):
    intake = login(world.user(Role.INTAKE))
    response = intake.post(
        reverse("protection_admin:new", args=[case.reference]),
        {
            "channel": "written",
            "requested_on": "05/10/2026",
            "signed": "on",
            "reasons": "Con tôi bị đe dọa.",
            "measures": ["confidentiality", "life_health"],
            "protect_denouncer": "on",
            "relative_1_relation": "child",
            "relative_1_name": CHILD,
            "relative_1_address": CHILD_ADDRESS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    req = ProtectionRequest.objects.get(case=case)
    assert [p.relation for p in req.persons.all()] == ["denouncer", "child"]
    # a refusal without reasons is refused on the form with its article
    head = login(world.user(Role.HEAD_OF_UNIT))
    response = head.post(step_url(case, req, "refuse"), {"reasons": ""})
    assert response.status_code == 400 and "Điều 51 khoản 3" in response.content.decode()
    # a decision on life and health is the police's: the form says so
    response = head.post(
        step_url(case, req, "apply"),
        {
            "measures": ["life_health"],
            "basis": "Điều 51",
            "responsibilities": "Công an",
            "starts_on": "06/10/2026",
        },
    )
    assert response.status_code == 400 and "Điều 49 khoản 3" in response.content.decode()
    response = head.post(
        step_url(case, req, "apply"),
        {
            "measures": ["confidentiality"],
            "basis": "Luật Tố cáo 2018, Điều 51, 52, 56",
            "responsibilities": "Đoàn xác minh giữ bí mật",
            "starts_on": "06/10/2026",
            "decision_number": "15/QĐ-SXD",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "applied" and req.starts_on.isoformat() == "2026-10-06"
    notice = req.notices.first()
    response = intake.post(
        reverse("protection_admin:notice_sent", args=[case.reference, req.pk, notice.pk]), {"channel": "hand"}
    )
    assert response.status_code == 302
    response = head.post(step_url(case, req, "end"), {"ground": "grounds_ceased", "note": ""})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "ended"
    html = head.get(detail(case)).content.decode()
    assert "Đã chấm dứt" in html and "Chấm dứt việc áp dụng biện pháp bảo vệ" in html  # panel and timeline


def test_the_identity_screen_asks_a_reason_shows_the_people_and_logs_the_read(world, case, login):
    req = written_request(world, case)
    client = login(world.user(Role.HEAD_OF_UNIT))
    url = reverse("protection_admin:identity", args=[case.reference, req.pk])
    form = client.get(url).content.decode()
    assert CHILD not in form and english_leaks(form) == []
    response = client.post(url, {"reason": "Ký quyết định áp dụng biện pháp bảo vệ"})
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert CHILD in html and CHILD_ADDRESS in html and DENOUNCER in html
    assert (
        CaseEvent.objects.filter(case=case, kind="protection.identity_read", visibility="internal").count()
        == 1
    )
    assert IdentityAccessLog.objects.filter(case=case, action="reveal_identity").count() == 1
    timeline = client.get(detail(case)).content.decode()
    assert "Xem nhân thân người được bảo vệ" in timeline and CHILD not in timeline


def test_the_lists_and_the_home_page_never_name_the_protection_limit(world, case, login):
    written_request(world, case)  # T14 (due 08/10) comes before T3 (12/10)
    for role in (Role.INSPECTOR, Role.HEAD_OF_UNIT):
        client = login(world.user(role))
        for url in (reverse("cases_admin:index"), "/admin/"):
            html = client.get(url).content.decode()
            assert "T14" not in html and CHILD not in html, (role, url)
    listing = login(world.user(Role.HEAD_OF_UNIT)).get(reverse("cases_admin:index")).content.decode()
    assert case.reference in listing and "T3" in listing


def test_every_form_reads_in_vietnamese(world, case, login):
    req = written_request(world, case)
    client = login(world.user(Role.HEAD_OF_UNIT))
    pages = [reverse("protection_admin:new", args=[case.reference])]
    pages += [step_url(case, req, s) for s in ("apply", "refer", "refuse", "document")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert english_leaks(html) == [], url
        assert "dd/mm/yyyy" in html, url
    # an invalid date is answered in Vietnamese
    response = client.post(step_url(case, req, "apply"), {"starts_on": "2026-10-06"})
    assert "Nhập ngày theo dạng dd/mm/yyyy." in response.content.decode()


def _found(client, q):
    response = client.get("/admin/cases/", {"q": q})
    assert response.status_code == 200
    return {c.reference for c in response.context["object_list"]}


def test_a_protected_denouncer_is_found_by_id_and_revealed_only_by_who_needs_to_know(world, case, login):
    from cases import documents
    from cases.roles import membership_grant

    root = UserFactory(username="root", is_superuser=True)
    other_intake = UserFactory(username="hn_intake2")
    membership_grant(user=other_intake, authority=world.hn, role=Role.INTAKE)
    # before any request, the superuser and any intake officer may find and reveal, as before
    assert _found(login(root), "001199012345") == {case.reference}
    written_request(world, case)
    assert _found(login(world.user(Role.HEAD_OF_UNIT)), "001199012345") == {case.reference}
    assert _found(login(world.user(Role.INTAKE)), "001199012345") == {case.reference}  # the handler
    for user in (root, other_intake):
        client = login(user)
        assert _found(client, "001199012345") == set()
        html = client.get(detail(case)).content.decode()
        assert DENOUNCER not in html and "Không có quyền xem" in html
    # a notice to the denouncer made by the superuser carries placeholders, not the identity
    notice = documents.render_notice(case=case, code="thu_ly_to_cao_tb_nguoi_to_cao", user=root)
    assert not notice.identity_included and DENOUNCER not in notice.text
