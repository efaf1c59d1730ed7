"""The web intake wizard through the test client: every step, every refusal, the receipt."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from cases import rules
from cases.models import Attachment, Case, CaseEvent, Deadline, Party
from cases.selectors import case_get_for_tracking
from publicsite import intake

from .conftest import PERSON, Citizen, docx_bytes, named_file, odt_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def receipt_codes(html: str) -> tuple[str, str]:
    reference = re.search(r'id="receipt-reference">([^<]+)<', html).group(1)
    key = re.search(r'id="receipt-key">([^<]+)<', html).group(1)
    return reference, key


def test_step_one_explains_each_kind_and_its_rules(client, world):
    response = client.get("/gui-don/")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh", "Tin báo không nêu tên"):
        assert label in html
    assert "90 ngày" in html  # the complaint time limit
    assert "họ tên thật, địa chỉ" in html  # a denunciation needs a real name and address
    assert "Điều 25" in html  # the anonymous track
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-store" in response["Cache-Control"]


def test_full_complaint_with_attachment_gives_receipt_with_key_and_acceptance_deadline(client, world):
    citizen = Citizen(client)
    response = citizen.choose("complaint")
    assert response.status_code == 303 and response["Location"].endswith("step=2")
    assert citizen.identify().status_code == 303
    response = citizen.describe(files=[named_file("Đơn khiếu nại (bản chụp).pdf", pdf_bytes())])
    assert response.status_code == 303 and response["Location"].endswith("step=4")
    review = citizen.step(4).content.decode()
    assert "Trần Thị Bình" in review and "Don_khieu_nai_ban_chup_.pdf" in review
    assert "Sở Xây dựng Hà Nội" in review

    response = citizen.sign()
    assert response.status_code == 303 and response["Location"].endswith("step=receipt")
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    reference, key = receipt_codes(html)
    case = Case.objects.get(reference=reference)
    assert case_get_for_tracking(reference, key) == case
    assert case.kind == "complaint" and case.channel == "online" and case.authority.code == "HN-SXD"
    assert case.parties.get().full_name == "Trần Thị Bình"
    acceptance = Deadline.objects.filter(case=case, state="open").order_by("due_at").first()
    assert acceptance.rule_code == "K3"
    assert acceptance.due_date.strftime("%d/%m/%Y") in html
    assert acceptance.legal_basis_vi in html
    assert "no-store" in receipt["Cache-Control"]
    # the attachment is stored outside public media, under a sanitised name, with a sniffed type
    attachment = case.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "Don_khieu_nai_ban_chup_.pdf"
    assert "media" not in attachment.file.name and attachment.visibility == "complainant"
    # the key never appears in a URL
    assert key not in response["Location"]
    # shown once: the receipt page does not show the key again
    again = client.get("/gui-don/?step=receipt").content.decode()
    assert key not in again and "chỉ hiển thị một lần" in again


def test_receipt_session_can_follow_the_new_case_right_away(client, world):
    receipt = Citizen(client).file_complaint()
    reference, _key = receipt_codes(receipt.content.decode())
    page = client.get(f"/tra-cuu/?ma={reference}")
    assert "Đã tiếp nhận" in page.content.decode()


def test_steps_cannot_be_skipped(client, world):
    response = client.get("/gui-don/?step=4")
    assert response.status_code == 303 and response["Location"].endswith("step=1")
    Citizen(client).choose("complaint")
    response = client.get("/gui-don/?step=3")
    assert response.status_code == 303 and response["Location"].endswith("step=2")


def test_no_kind_chosen_is_an_error_tied_to_the_field(client, world):
    response = Citizen(client).step(1, {"nav": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng chọn loại đơn." in html
    assert 'class="error-summary"' in html and 'href="#id_kind_0"' in html


def test_identity_errors_are_tied_to_their_inputs(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    response = citizen.identify(
        [{"full_name": "", "national_id": "12345", "address": "", "phone": "abc", "email": "x@"}]
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nhập họ và tên." in html
    assert "Vui lòng nhập địa chỉ liên hệ." in html
    assert "12 chữ số" in html
    assert "Số điện thoại không hợp lệ" in html
    assert "Địa chỉ thư điện tử không hợp lệ." in html
    # the error is announced with the input it belongs to
    assert re.search(
        r'id="id_p0-full_name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_p0-full_name"', html
    )
    assert 'id="id_p0-full_name-error"' in html
    assert re.search(r'aria-describedby="[^"]*id_p0-full_name-error', html)
    assert 'href="#id_p0-full_name"' in html


def test_denunciation_needs_id_and_a_way_to_contact(client, world):
    citizen = Citizen(client)
    citizen.choose("denunciation")
    person = {**PERSON, "national_id": "", "phone": "", "email": ""}
    html = citizen.identify([person]).content.decode()
    assert "số định danh cá nhân để cơ quan xác minh" in html
    assert "số điện thoại hoặc thư điện tử" in html
    assert citizen.identify([{**PERSON, "phone": "", "email": "binh@example.vn"}]).status_code == 303


def test_denunciation_needs_the_person_or_body_accused(client, world):
    citizen = Citizen(client)
    citizen.choose("denunciation")
    citizen.identify()
    html = citizen.describe(accused_name="", contested_act="", contested_act_known_on="").content.decode()
    assert "người hoặc cơ quan có hành vi vi phạm" in html


def test_complaint_needs_the_act_and_the_date_it_became_known(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    html = citizen.describe(contested_act="", contested_act_known_on="").content.decode()
    assert "Vui lòng nêu quyết định hoặc hành vi bị khiếu nại" in html
    assert "Vui lòng nhập ngày ông/bà nhận được hoặc biết" in html
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "Ngày này chưa đến" in citizen.describe(contested_act_known_on=future).content.decode()
    assert "Ngày không hợp lệ" in citizen.describe(contested_act_known_on="31/02/2026").content.decode()


def test_complaint_after_90_days_needs_a_reason_which_reaches_the_case(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    old = (timezone.localdate() - dt.timedelta(days=120)).isoformat()
    response = citizen.describe(contested_act_known_on=old)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã quá 90 ngày" in html and "Điều 9" in html
    assert (
        citizen.describe(contested_act_known_on=old, delay_reason="Tôi nằm viện 2 tháng").status_code == 303
    )
    citizen.sign()
    case = Case.objects.get()
    assert "Tôi nằm viện 2 tháng" in case.description
    assert case.contested_act_known_on.isoformat() == old


def test_a_complaint_exactly_90_days_old_needs_no_reason(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    day90 = (timezone.localdate() - dt.timedelta(days=90)).isoformat()
    assert citizen.describe(contested_act_known_on=day90).status_code == 303


def test_group_needs_a_representative_and_all_members_are_saved(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    response = citizen.identify(nav="add")
    assert response.status_code == 303
    html = citizen.step(2).content.decode()
    assert 'name="p1-full_name"' in html and "Người thứ 2 trong nhóm" in html
    second = {"full_name": "Lê Văn Cường", "national_id": "001088004321", "address": "5 Hàng Đào, Hà Nội"}
    html = citizen.identify([dict(PERSON), second]).content.decode()
    assert "phải cử ít nhất một người đại diện" in html
    too_many = [{**PERSON, "national_id": f"0011990{i:05d}", "is_representative": True} for i in range(6)]
    assert "tối đa 5 người đại diện" in citizen.identify(too_many).content.decode()
    assert citizen.identify([{**PERSON, "is_representative": True}, second]).status_code == 303
    citizen.describe()
    # the signature must be a representative's name
    html = citizen.sign(signature="Lê Văn Cường").content.decode()
    assert "phải trùng với họ tên người gửi đơn hoặc người đại diện" in html
    response = citizen.sign(signature="trần  thị bình")
    assert response.status_code == 303
    case = Case.objects.get()
    parties = list(case.parties.order_by("position"))
    assert [p.full_name for p in parties] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert [p.is_representative for p in parties] == [True, False]


def test_removing_a_group_member(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify([dict(PERSON), {"full_name": "Lê Văn Cường"}], nav="remove-1")
    html = citizen.step(2).content.decode()
    assert 'name="p1-full_name"' not in html


def test_anonymous_report_skips_identity_and_stores_no_party(client, world):
    citizen = Citizen(client)
    response = citizen.choose("anonymous_report")
    assert response["Location"].endswith("step=3")
    assert client.get("/gui-don/?step=2")["Location"].endswith("step=3")
    citizen.describe(contested_act="", contested_act_known_on="", accused_name="Cán bộ địa chính phường X")
    html = citizen.step(4).content.decode()
    assert 'name="signature"' not in html
    response = citizen.step(4, {"declaration": "on", "nav": "submit"})
    assert response.status_code == 303
    case = Case.objects.get()
    assert case.kind == "anonymous_report" and case.parties.count() == 0


def test_petition_with_unknown_authority_goes_to_intake(client, world):
    citizen = Citizen(client)
    citizen.choose("petition")
    citizen.identify()
    assert (
        citizen.describe(
            authority="", contested_act="", contested_act_known_on="", accused_name=""
        ).status_code
        == 303
    )
    html = citizen.step(4).content.decode()
    assert "Không rõ" in html or "Chưa xác định" in html
    citizen.sign()
    assert Case.objects.get().authority is None


def test_declaration_signature_and_consent_are_required(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe()
    html = citizen.step(4, {"nav": "submit", "signature": ""}).content.decode()
    assert "Vui lòng đánh dấu lời cam đoan" in html
    assert "Vui lòng gõ họ và tên" in html
    assert "Cần có sự đồng ý xử lý thông tin cá nhân" in html
    html = citizen.sign(signature="Nguyễn Văn Khác").content.decode()
    assert "phải trùng với họ tên" in html
    assert Case.objects.count() == 0


def test_files_are_checked_by_content_not_name(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    fake = named_file("anh.jpg", b"MZ\x90\x00 this is an exe", "image/jpeg")
    html = citizen.describe(files=[fake]).content.decode()
    assert "anh.jpg: chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc ODT" in html
    # a real PNG named .pdf is accepted as PNG
    ok = [
        named_file("scan.pdf", png_bytes(), "application/pdf"),
        named_file("bien-ban.docx", docx_bytes()),
        named_file("to-trinh.odt", odt_bytes()),
    ]
    assert citizen.describe(files=ok).status_code == 303
    citizen.sign()
    types = sorted(Case.objects.get().attachments.values_list("original_name", "content_type"))
    assert types == [
        ("bien-ban.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("scan.png", "image/png"),
        ("to-trinh.odt", "application/vnd.oasis.opendocument.text"),
    ]


def test_file_limits_count_size_total(client, world, monkeypatch):

    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    eleven = [named_file(f"f{i}.pdf", pdf_bytes(str(i))) for i in range(11)]
    assert "Tối đa 10 tệp" in citizen.describe(files=eleven).content.decode()
    monkeypatch.setattr(rules, "MAX_FILE_BYTES", 100)
    big = named_file("big.pdf", pdf_bytes("x" * 200))
    assert "big.pdf: tệp lớn hơn 100 B" in citizen.describe(files=[big]).content.decode()
    monkeypatch.setattr(rules, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(rules, "MAX_TOTAL_BYTES", 150)
    two = [named_file("a.pdf", pdf_bytes("a" * 50)), named_file("b.pdf", pdf_bytes("b" * 50))]
    assert "Tổng dung lượng các tệp vượt quá 150 B" in citizen.describe(files=two).content.decode()
    assert Attachment.objects.count() == 0


def test_uploaded_files_can_be_removed_before_sending(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe(
        files=[named_file("a.pdf", pdf_bytes("a")), named_file("b.pdf", pdf_bytes("b"))], nav="upload"
    )
    html = citizen.step(3).content.decode()
    ids = re.findall(r'name="remove_file" value="([0-9a-f]+)"', html)
    assert len(ids) == 2
    citizen.describe(remove_file=[ids[0]], nav="next")
    citizen.sign()
    assert list(Case.objects.get().attachments.values_list("original_name", flat=True)) == ["b.pdf"]


def test_request_body_over_the_total_limit_is_refused_before_parsing(client, world):
    response = client.post(
        "/gui-don/?step=3",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_honeypot_refuses_and_writes_nothing(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe()
    response = citizen.sign(website="http://spam.example")
    assert response.status_code == 400
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_forms_are_csrf_protected(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/gui-don/?step=1", {"kind": "complaint"}).status_code == 403
    page = client.get("/gui-don/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert (
        client.post("/gui-don/?step=1", {"kind": "complaint", "csrfmiddlewaretoken": token}).status_code
        == 303
    )


def test_submissions_are_rate_limited_per_ip(client, world, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": "2/h", "track": "60/h"}
    for _ in range(2):
        Citizen(client).file_complaint()
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe()
    response = citizen.sign()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert Case.objects.count() == 2
    # another address is not affected
    other = Citizen(Client(REMOTE_ADDR="10.0.0.99"))
    assert other.file_complaint().status_code == 200
    assert Case.objects.count() == 3


def test_likely_duplicate_is_flagged_not_dropped_and_not_revealed(client, world):
    first = Citizen(client).file_complaint()
    first_ref, _ = receipt_codes(first.content.decode())
    second = Citizen(Client()).file_complaint()
    html = second.content.decode()
    second_ref, _ = receipt_codes(html)
    assert first_ref != second_ref
    assert Case.objects.get(reference=second_ref).duplicate_suspected is True
    assert first_ref not in html  # the other case is never named to the citizen


def test_draft_identity_is_encrypted_in_the_session_store(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    from django.contrib.sessions.models import Session

    raw = Session.objects.get(session_key=client.session.session_key).session_data
    decoded = str(Session.objects.get(session_key=client.session.session_key).get_decoded())
    assert "Trần Thị Bình" not in decoded and "001199012345" not in decoded
    assert "001199012345" not in raw


def test_draft_expires(client, world, settings):
    citizen = Citizen(client)
    citizen.choose("complaint")
    settings.PUBLIC_INTAKE_DRAFT_SECONDS = -1
    assert client.get("/gui-don/?step=2")["Location"].endswith("step=1")


def test_nothing_of_the_identity_reaches_the_logs(client, world, caplog):
    caplog.set_level("DEBUG")
    Citizen(client).file_complaint(files=[named_file("a.pdf", pdf_bytes())])
    for secret in ("Trần Thị Bình", "001199012345", "binh.tran@example.vn", "0987", "Hàng Bạc"):
        assert secret not in caplog.text
    assert CaseEvent.objects.filter(kind="case.received").exists()


def test_english_form_labels_and_errors(client, world):
    html = client.get("/en/file-a-case/").content.decode()
    assert '<html lang="en">' in html
    assert "Complaint" in html and "Denunciation" in html
    citizen = Citizen(client, lang="en")
    citizen.choose("complaint")
    html = citizen.identify([{"full_name": ""}]).content.decode()
    assert "Please enter your full name." in html
    assert "Vui lòng" not in html


def test_restart_discards_the_draft(client, world):
    citizen = Citizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe(files=[named_file("a.pdf", pdf_bytes())], nav="upload")
    client.get("/gui-don/?restart=1")
    assert client.get("/gui-don/?step=3")["Location"].endswith("step=1")


def test_stale_staged_files_are_purged(world, settings, private_root):
    stage = private_root / intake.STAGE_DIR / "abc"
    stage.mkdir(parents=True)
    (stage / "x.bin").write_bytes(b"x")
    assert intake.purge_stale_stages(max_age=-1) == 1
    assert not stage.exists()
