"""Following a case on the tracking page: look-up, status, deadlines, timeline, decisions,
supplements, withdrawal, the private download and who may see what."""

import re
import time

import pytest
from django.test import Client

from cases import rules, services
from cases.actors import Citizen
from cases.errors import ValidationError
from cases.models import Case, CaseEvent, IdentityAccessLog, Role, Visibility
from publicsite import access

from .conftest import PERSON, named_file, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def file_case(world, kind="complaint", **kw):
    defaults = {
        "kind": kind,
        "subject": "Khiếu nại quyết định thu hồi đất",
        "description": "Tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.",
        "parties": [services.PartyInput(**PERSON)],
        "authority": world.hn_sxd,
        "contested_act": "Quyết định 12/QĐ-UBND" if kind == "complaint" else "",
        "accused_name": "Nguyễn Văn Bị Tố" if kind == "denunciation" else "",
        "files": [services.FileInput("don.pdf", pdf_bytes(), "application/pdf")],
    }
    defaults.update(kw)
    return services.case_submit(**{"actor": Citizen.filing(), **defaults})


def look_up(client, reference, key, url="/tra-cuu/"):
    return client.post(url, {"action": "lookup", "reference": reference, "access_key": key})


def test_lookup_with_key_shows_status_deadlines_with_legal_basis_and_timeline(client, world):
    result = file_case(world)
    response = look_up(client, result.case.reference, result.access_key.lower().replace("-", " "))
    assert response.status_code == 303
    assert response["Location"] == f"/tra-cuu/?ma={result.case.reference}"
    assert result.access_key not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert 'id="case-status">Đã tiếp nhận<' in html
    deadline = result.case.deadlines.get(rule_code="K3")
    assert deadline.title_vi in html and deadline.legal_basis_vi in html
    assert deadline.due_date.strftime("%d/%m/%Y") in html
    assert "ngày làm việc" in html  # time remaining in the rule's unit
    assert "Đơn đã được tiếp nhận" in html
    assert "Sở Xây dựng Hà Nội" in html


def test_unknown_reference_and_wrong_key_get_the_same_answer(client, world):
    result = file_case(world)
    wrong_key = look_up(client, result.case.reference, "AAAA-BBBB-CCCC-DDDD")
    unknown = look_up(Client(), "HN-2026-999999", result.access_key)
    assert wrong_key.status_code == unknown.status_code == 200

    def main(response):
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        html = re.sub(r'value="HN-[0-9-]+"', "", html)
        return html[html.index("<main") : html.index("</main>")]

    assert main(wrong_key) == main(unknown)
    assert "Không tìm thấy hồ sơ với mã hồ sơ và mã bí mật này" in main(unknown)
    assert "no-store" in wrong_key["Cache-Control"] and "no-store" in unknown["Cache-Control"]


def test_without_a_grant_the_reference_alone_shows_nothing(client, world):
    result = file_case(world)
    html = client.get(f"/tra-cuu/?ma={result.case.reference}").content.decode()
    assert result.case.subject not in html
    assert 'name="access_key"' in html and f'value="{result.case.reference}"' in html


def test_the_grant_is_scoped_to_one_reference_and_expires(client, world, settings):
    first, second = file_case(world), file_case(world, subject="Đơn thứ hai")
    look_up(client, first.case.reference, first.access_key)
    assert (
        "Khiếu nại quyết định thu hồi đất"
        in client.get(f"/tra-cuu/?ma={first.case.reference}").content.decode()
    )
    assert "Đơn thứ hai" not in client.get(f"/tra-cuu/?ma={second.case.reference}").content.decode()
    session = client.session
    grants = session[access.SESSION_KEY]
    assert first.access_key not in str(dict(session.items()))  # the key is never kept
    grants[first.case.reference] = int(time.time()) - 1
    session[access.SESSION_KEY] = grants
    session.save()
    assert 'name="access_key"' in client.get(f"/tra-cuu/?ma={first.case.reference}").content.decode()


def test_forget_ends_the_session_access(client, world):
    result = file_case(world)
    look_up(client, result.case.reference, result.access_key)
    client.post("/tra-cuu/", {"action": "forget", "reference": result.case.reference})
    assert result.case.subject not in client.get(f"/tra-cuu/?ma={result.case.reference}").content.decode()


def test_timeline_shows_complainant_events_only_and_nobody_s_identity(client, world):
    result = file_case(world)
    case = result.case
    intake = world.user(Role.INTAKE)
    services.case_accept(case=case, actor=intake, note="Ghi chú nội bộ: xem lại hồ sơ đất")
    services.note_add(
        case=case, actor=intake, text="NỘI BỘ: người này hay khiếu nại", visibility=Visibility.INTERNAL
    )
    services.note_add(
        case=case, actor=intake, text="Mời ông/bà bổ sung sổ đỏ", visibility=Visibility.COMPLAINANT
    )
    look_up(client, case.reference, result.access_key)
    html = client.get(f"/tra-cuu/?ma={case.reference}").content.decode()
    assert "Đơn đã được thụ lý giải quyết" in html
    assert "Mời ông/bà bổ sung sổ đỏ" in html
    assert "NỘI BỘ" not in html and "Ghi chú nội bộ" not in html
    assert intake.get_full_name() not in html and intake.username not in html
    for secret in ("Trần Thị Bình", "001199012345", "binh.tran@example.vn", "0987", "Hàng Bạc"):
        assert secret not in html
    assert 'id="case-status">Đã thụ lý<' in html


def test_decision_can_be_downloaded_and_withdrawal_is_no_longer_offered(client, world):
    result = file_case(world)
    case = result.case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_conclude(
        case=case,
        actor=world.user(Role.HEAD_OF_UNIT),
        outcome=Case.Outcome.PARTLY_RIGHT,
        summary="Khiếu nại đúng một phần; điều chỉnh mức bồi thường.",
        decision_number="45/QĐ-SXD",
        decision_file=services.FileInput("quyet-dinh-45.pdf", pdf_bytes("decision"), "application/pdf"),
    )
    look_up(client, case.reference, result.access_key)
    html = client.get(f"/tra-cuu/?ma={case.reference}").content.decode()
    assert "Đã có quyết định giải quyết" in html and "45/QĐ-SXD" in html
    assert "Khiếu nại đúng một phần" in html
    decision = case.attachments.get(kind="decision")
    assert f'href="/tai-lieu/{decision.pk}/"' in html
    download = client.get(f"/tai-lieu/{decision.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes("decision")
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"] and download["X-Content-Type-Options"] == "nosniff"
    assert 'value="withdraw"' not in html
    # posting a withdrawal anyway is refused and changes nothing
    client.post("/tra-cuu/", {"action": "withdraw_confirm", "reference": case.reference, "confirm": "on"})
    assert Case.objects.get(pk=case.pk).status == "decided"


def test_download_needs_the_grant_for_that_case_or_staff_permission(client, world):
    result = file_case(world)
    attachment = result.case.attachments.get()
    assert client.get(f"/tai-lieu/{attachment.pk}/").status_code == 404
    other = file_case(world)
    look_up(client, other.case.reference, other.access_key)  # a grant for another case
    assert client.get(f"/tai-lieu/{attachment.pk}/").status_code == 404
    assert client.get("/tai-lieu/999999/").status_code == 404
    # staff of the authority may; staff of another province may not; the denouncer's own
    # letters need the identity permission (tested on a denunciation)
    staff = Client()
    staff.force_login(world.user(Role.INSPECTOR))
    assert staff.get(f"/tai-lieu/{attachment.pk}/").status_code == 200
    stranger = Client()
    stranger.force_login(world.user(Role.INSPECTOR, tree="hp"))
    assert stranger.get(f"/tai-lieu/{attachment.pk}/").status_code == 404
    denunciation = file_case(world, kind="denunciation")
    letter = denunciation.case.attachments.get()
    assert letter.contains_identity
    assert staff.get(f"/tai-lieu/{letter.pk}/").status_code == 404  # inspector: no identity permission
    intake = Client()
    intake.force_login(world.user(Role.INTAKE))  # intake officers hold the identity permission
    assert intake.get(f"/tai-lieu/{letter.pk}/").status_code == 200
    log = IdentityAccessLog.objects.get(case=denunciation.case)
    assert log.user == world.user(Role.INTAKE) and log.action == "reveal_identity"


def test_internal_documents_are_never_served_to_the_citizen(client, world):
    result = file_case(world)
    internal = services.attachment_add(
        case=result.case,
        actor=world.user(Role.INTAKE),
        files=[services.FileInput("noi-bo.pdf", pdf_bytes("internal"), "application/pdf")],
        visibility=Visibility.INTERNAL,
    )[0]
    look_up(client, result.case.reference, result.access_key)
    html = client.get(f"/tra-cuu/?ma={result.case.reference}").content.decode()
    assert "noi-bo.pdf" not in html
    assert client.get(f"/tai-lieu/{internal.pk}/").status_code == 404


def test_supplement_documents(client, world):
    result = file_case(world)
    look_up(client, result.case.reference, result.access_key)
    response = client.post(
        "/tra-cuu/",
        {
            "action": "supplement",
            "reference": result.case.reference,
            "note": "Bổ sung sổ đỏ",
            "files": [named_file("so-do.png", png_bytes(), "image/png")],
        },
    )
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert "Đã nhận 1 tài liệu bổ sung" in html
    assert "so-do.png" in html and "Tài liệu được bổ sung" in html
    added = result.case.attachments.get(original_name="so-do.png")
    assert added.kind == "supplement" and added.visibility == "complainant"
    assert CaseEvent.objects.filter(case=result.case, kind="attachment.added", actor_role="citizen").exists()


def test_supplement_refuses_bad_files_and_writes_nothing(client, world):
    result = file_case(world)
    look_up(client, result.case.reference, result.access_key)
    before = result.case.attachments.count()
    html = client.post(
        "/tra-cuu/",
        {
            "action": "supplement",
            "reference": result.case.reference,
            "files": [named_file("x.pdf", b"<html>")],
        },
    ).content.decode()
    assert "x.pdf: chỉ nhận tệp PDF" in html
    html = client.post(
        "/tra-cuu/", {"action": "supplement", "reference": result.case.reference, "note": "   "}
    ).content.decode()
    assert "Vui lòng nhập nội dung bổ sung hoặc chọn tệp." in html
    assert result.case.attachments.count() == before
    assert not CaseEvent.objects.filter(case=result.case, kind="case.supplemented").exists()


def test_supplement_in_writing_without_a_file(client, world):
    """Law on Complaints 2011 Art 12(1): the complainant may present evidence and explain it; a
    written explanation needs no file. The handler sees it; it is not agency handling."""
    result = file_case(world)
    case = Case.objects.get(pk=result.case.pk)
    activity = case.last_activity_at
    look_up(client, result.case.reference, result.access_key)
    response = client.post(
        "/tra-cuu/",
        {
            "action": "supplement",
            "reference": result.case.reference,
            "note": "Quyết định được niêm yết ngày 05/03, không được giao trực tiếp cho tôi.",
        },
    )
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert "Đã nhận thông tin bổ sung" in html
    assert "Ông/bà đã bổ sung thông tin" in html and "niêm yết ngày 05/03" in html
    event = CaseEvent.objects.get(case=result.case, kind="case.supplemented")
    assert event.visibility == "complainant" and event.actor_role == "citizen" and event.actor is None
    assert result.case.attachments.count() == 1  # only the one filed with the case
    case.refresh_from_db()
    assert case.last_activity_at == activity


def test_supplement_refused_once_the_case_is_finished(world):
    result = file_case(world)
    services.case_reject(case=result.case, actor=world.user(Role.INTAKE), reason_code="KN-11-6")
    with pytest.raises(ValidationError):
        services.case_supplement(
            case=result.case, actor=Citizen.with_key(result.case.pk), text="Thêm thông tin"
        )
    with pytest.raises(ValidationError):
        services.case_supplement(
            case=result.case,
            actor=Citizen.with_key(result.case.pk),
            text="x" * (rules.max_length("supplement_text") + 1),
        )
    assert not CaseEvent.objects.filter(case=result.case, kind="case.supplemented").exists()


def test_actions_need_a_live_grant(client, world):
    result = file_case(world)
    response = client.post(
        "/tra-cuu/",
        {
            "action": "supplement",
            "reference": result.case.reference,
            "files": [named_file("a.pdf", pdf_bytes())],
        },
    )
    assert response.status_code == 303
    assert result.case.attachments.count() == 1
    client.post(
        "/tra-cuu/", {"action": "withdraw_confirm", "reference": result.case.reference, "confirm": "on"}
    )
    assert Case.objects.get(pk=result.case.pk).status == "received"


def test_withdraw_asks_to_confirm_then_withdraws(client, world):
    result = file_case(world, kind="denunciation")
    look_up(client, result.case.reference, result.access_key)
    html = client.get(f"/tra-cuu/?ma={result.case.reference}").content.decode()
    assert "Rút đơn" in html
    confirm = client.post(
        "/tra-cuu/",
        {"action": "withdraw", "reference": result.case.reference, "statement": "Đã được giải quyết"},
    )
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Xác nhận rút đơn" in html
    assert "Điều 33 khoản 3" in html  # a denunciation may still be resolved
    assert "Đã được giải quyết" in html
    assert Case.objects.get(pk=result.case.pk).status == "received"  # nothing yet
    not_ticked = client.post(
        "/tra-cuu/", {"action": "withdraw_confirm", "reference": result.case.reference, "statement": "x"}
    )
    assert "Vui lòng đánh dấu để xác nhận rút đơn." in not_ticked.content.decode()
    assert Case.objects.get(pk=result.case.pk).status == "received"
    done = client.post(
        "/tra-cuu/",
        {
            "action": "withdraw_confirm",
            "reference": result.case.reference,
            "statement": "Đã được giải quyết",
            "confirm": "on",
        },
    )
    assert done.status_code == 303
    case = Case.objects.get(pk=result.case.pk)
    assert case.status == "received" and case.withdrawal_requested_at is not None
    html = client.get(done["Location"]).content.decode()
    # The page says exactly what follows: the signed letter (Mẫu 02) or minutes (Mẫu 03), then the
    # agency decides, with a reason, to end or continue (Law on Denunciations Art 33(3)).
    assert "Đã ghi nhận yêu cầu rút tố cáo" in html and "Mẫu 02" in html and "Điều 33 khoản 3" in html
    assert 'data-testid="withdrawal-pending"' in html and 'value="withdraw"' not in html
    services.case_withdraw(
        case=case,
        actor=world.user(Role.HEAD_OF_UNIT),
        statement="Đơn rút có chữ ký",
        evidence="signed_letter",
        continue_resolution=True,
        continue_reason="Có căn cứ việc rút tố cáo do bị đe dọa",
    )
    html = client.get(done["Location"]).content.decode()
    assert "vụ việc vẫn được tiếp tục giải quyết" in html
    assert "Có căn cứ việc rút tố cáo do bị đe dọa" in html  # the decision's reason, to the citizen


def test_lookups_are_rate_limited(client, world, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": "10/h", "track": "3/h"}
    result = file_case(world)
    for _ in range(3):
        assert look_up(client, result.case.reference, "AAAA-BBBB-CCCC-DDDD").status_code == 200
    blocked = look_up(client, result.case.reference, result.access_key)  # even the right key
    assert blocked.status_code == 429 and "Retry-After" in blocked
    assert (
        look_up(Client(REMOTE_ADDR="10.1.1.1"), result.case.reference, result.access_key).status_code == 303
    )


def test_rate_limit_uses_the_address_the_trusted_proxy_saw(client, world, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": "10/h", "track": "1/h"}
    settings.PUBLIC_TRUSTED_PROXY_COUNT = 1
    first = client.post(
        "/tra-cuu/",
        {"action": "lookup", "reference": "HN-1", "access_key": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert first.status_code != 429
    again = client.post(
        "/tra-cuu/",
        {"action": "lookup", "reference": "HN-1", "access_key": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert again.status_code == 429
    other = client.post(
        "/tra-cuu/",
        {"action": "lookup", "reference": "HN-1", "access_key": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert other.status_code != 429


def test_english_tracking_page(client, world):
    result = file_case(world)
    response = look_up(client, result.case.reference, result.access_key, url="/en/track/")
    assert response["Location"] == f"/en/track/?ma={result.case.reference}"
    html = client.get(response["Location"]).content.decode()
    deadline = result.case.deadlines.get(rule_code="K3")
    assert deadline.title_en in html and deadline.legal_basis_en in html
    assert "Received" in html and "Your letter was received" in html
    assert "working day" in html


def test_the_assignee_hears_of_a_supplement_but_not_its_words(world):
    from notifications.models import Notification

    result = file_case(world)
    services.case_accept(case=result.case, actor=world.user(Role.INTAKE))
    inspector = world.user(Role.INSPECTOR)
    services.case_assign(case=result.case, actor=world.user(Role.HEAD_OF_UNIT), assignee=inspector)
    services.case_supplement(
        case=result.case,
        actor=Citizen.with_key(result.case.pk),
        text="Số điện thoại mới của tôi là 0912 000 111",
    )
    services.case_supplement(
        case=result.case,
        actor=Citizen.with_key(result.case.pk),
        files=[services.FileInput("so-do.png", png_bytes(), "image/png")],
    )
    told = Notification.objects.filter(template="case.supplemented", recipient_user=inspector)
    assert sorted(told.values_list("channel", flat=True)) == ["email", "email", "inapp", "inapp"]
    assert sorted(n.context["documents"] for n in told) == [0, 0, 1, 1]
    assert not [n for n in told if "0912" in str(n.context)]
