"""The public site in a real browser (Debian's Chromium through Playwright): file a complaint
with an attachment, read and print the receipt, track the case, add a document, withdraw, switch
to English. A screenshot of each public page goes to tests/artifacts/publicsite/ for review."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cases.actors import Citizen

from .conftest import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "publicsite"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return shot


def fill_complaint(page, tmp_path, shots=None):
    """Steps 1 to 4 of the intake form, as a citizen would, keyboard and mouse."""
    page.get_by_label("Khiếu nại", exact=True).check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"step=2"))
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Số định danh cá nhân / CCCD").fill("001199012345")
    page.get_by_label("Địa chỉ liên hệ").fill("12 Hàng Bạc, phường Hoàn Kiếm, Hà Nội")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Thư điện tử").fill("binh.tran@example.vn")
    if shots:
        shots(page, "02-intake-step2-identity")
    page.get_by_role("button", name="Tiếp tục").last.click()
    page.wait_for_url(re.compile(r"step=3"))
    page.get_by_label("Tiêu đề").fill("Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND")
    page.get_by_label(re.compile(r"^Nội dung")).fill(
        "Tôi không đồng ý với mức bồi thường khi thu hồi đất tại số 12 Hàng Bạc, phường Hoàn Kiếm."
    )
    page.get_by_label("Quyết định hoặc hành vi bị khiếu nại").fill("Quyết định 12/QĐ-UBND ngày 01/03/2026")
    known = timezone.localdate().replace(day=1)
    page.get_by_label("Ngày nhận được hoặc biết quyết định, hành vi").fill(known.isoformat())
    page.get_by_label("Cơ quan, người bị khiếu nại/tố cáo").fill("UBND phường Hoàn Kiếm")
    page.get_by_label("Gửi đến cơ quan").select_option("HN-SXD")
    upload = tmp_path / "Đơn khiếu nại.pdf"
    upload.write_bytes(pdf_bytes("scan of the letter"))
    page.get_by_label("Tài liệu, chứng cứ kèm theo").set_input_files(str(upload))
    if shots:
        shots(page, "03-intake-step3-content")
    page.get_by_role("button", name="Tiếp tục").last.click()
    page.wait_for_url(re.compile(r"step=4"))


@pytest.mark.django_db(transaction=True)
def test_file_a_complaint_track_it_add_a_document_and_switch_to_english(page, world, tmp_path, shots):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Tiếp nhận khiếu nại, tố cáo"
    shots(page, "00-home-vi")
    page.get_by_role("link", name="Gửi đơn trực tuyến").first.click()
    page.wait_for_url("**/gui-don/")
    shots(page, "01-intake-step1-kind")
    fill_complaint(page, tmp_path, shots)
    review = page.locator("main").inner_text()
    assert "Trần Thị Bình" in review and "Don_khieu_nai.pdf" in review
    shots(page, "04-intake-step4-review")

    # a missing signature is caught and tied to its field
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Gửi đơn").last.click()
    assert page.locator(".error-summary").is_visible()
    page.locator(".error-summary a", has_text="Vui lòng gõ họ và tên").click()
    assert page.evaluate("document.activeElement.id") == "id_signature"
    shots(page, "05-intake-step4-errors")
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_label(re.compile("Chữ ký")).fill("Trần Thị Bình")
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    page.get_by_role("button", name="Gửi đơn").last.click()
    page.wait_for_url(re.compile(r"step=receipt"))

    reference = page.locator("#receipt-reference").inner_text()
    key = page.locator("#receipt-key").inner_text()
    assert re.fullmatch(r"HN-\d{4}-\d{6}", reference)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", key)
    assert key not in page.url
    due = page.locator("#receipt-due").inner_text()
    assert dt.datetime.strptime(due, "%d/%m/%Y").date() >= timezone.localdate()
    assert page.get_by_role("button", name="In biên nhận").is_visible()  # JavaScript print button
    shots(page, "06-receipt")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()  # the print stylesheet hides navigation
    assert page.locator("#receipt-key").is_visible()
    shots(page, "07-receipt-print")
    page.emulate_media(media="screen")

    # a fresh browser (no session): track with reference + key
    context = page.context.browser.new_context(base_url=page.url.split("/gui-don")[0], locale="vi-VN")
    tracker = context.new_page()
    tracker.goto("/tra-cuu/")
    shots(tracker, "08-tracking-lookup")
    tracker.get_by_label("Mã hồ sơ").fill(reference)
    tracker.get_by_label("Mã bí mật").fill("WRONG-KEY0-0000-0000")
    tracker.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy hồ sơ" in tracker.locator(".error-summary").inner_text()
    tracker.get_by_label("Mã hồ sơ").fill(reference)
    tracker.get_by_label("Mã bí mật").fill(key.lower())
    tracker.get_by_role("button", name="Tra cứu").click()
    tracker.wait_for_url(re.compile(rf"ma={reference}"))
    assert key not in tracker.url
    assert tracker.locator("#case-status").inner_text() == "Đã tiếp nhận"
    from cases.models import Deadline

    basis = Deadline.objects.get(case__reference=reference, rule_code="K3").legal_basis_vi
    assert basis in tracker.locator("table.deadlines").inner_text()
    assert "Trần Thị Bình" not in tracker.content()
    shots(tracker, "09-tracking-case")

    # add a document
    extra = tmp_path / "so-do.pdf"
    extra.write_bytes(pdf_bytes("land certificate"))
    tracker.get_by_label("Tài liệu bổ sung").set_input_files(str(extra))
    tracker.get_by_label(re.compile("Thông tin bổ sung cho cơ quan")).fill("Bổ sung bản chụp sổ đỏ")
    tracker.get_by_role("button", name="Gửi bổ sung").click()
    assert "Đã nhận 1 tài liệu bổ sung" in tracker.locator(".messages").inner_text()
    assert tracker.get_by_role("link", name="so-do.pdf").is_visible()
    shots(tracker, "10-tracking-after-supplement")

    # the document downloads through the checked view
    with tracker.expect_download() as download_info:
        tracker.get_by_role("link", name="so-do.pdf").click()
    assert download_info.value.suggested_filename == "so-do.pdf"

    # switch to English: same case, English words
    tracker.get_by_role("link", name="English").click()
    tracker.wait_for_url(re.compile(rf"/en/track/\?ma={reference}"))
    assert tracker.locator("html").get_attribute("lang") == "en"
    assert tracker.locator("#case-status").inner_text() == "Received"
    assert "Deadlines" in tracker.locator("main").inner_text()
    shots(tracker, "11-tracking-case-en")

    # withdraw asks to confirm first
    tracker.get_by_role("button", name="Withdraw…").click()
    assert tracker.locator("h1").inner_text() == "Confirm withdrawal"
    shots(tracker, "12-withdraw-confirm-en")
    tracker.get_by_label("I confirm that I withdraw this letter.").check()
    tracker.get_by_role("button", name="Confirm withdrawal").click()
    # The click records the intent: the case runs on until the signed letter arrives (Law on
    # Complaints Art 10), and the page says so.
    tracker.wait_for_selector("[data-testid=withdrawal-pending]")
    assert tracker.locator("#case-status").inner_text() != "Withdrawn"
    context.close()


@pytest.mark.django_db(transaction=True)
def test_other_public_pages_and_phone_layout(page, world, shots):
    from cases import services

    for i in range(12):
        services.case_submit(
            actor=Citizen.filing(),
            kind="complaint",
            subject=f"Đơn {i}",
            description="Nội dung",
            parties=[
                services.PartyInput(full_name="Người dân", national_id=f"0011990{i:05d}", address="Hà Nội")
            ],
            authority=world.hn_sxd,
            contested_act="Quyết định 1/QĐ",
        )
    services.case_submit(
        actor=Citizen.filing(),
        kind="petition",
        subject="Kiến nghị",
        description="Nội dung",
        parties=[services.PartyInput(full_name="Người dân", address="Hà Nội")],
        authority=world.hn_ward,
    )
    page.goto("/thong-ke/")
    assert page.locator("table.stats").is_visible()
    assert "<10" in page.locator("table.stats").inner_text()
    shots(page, "13-statistics-vi")
    page.goto("/huong-dan/")
    shots(page, "14-guide-vi")
    page.goto("/en/")
    assert page.locator("h1").inner_text() == "Complaints and denunciations"
    shots(page, "15-home-en")
    page.goto("/en/statistics/")
    shots(page, "16-statistics-en")
    page.goto("/en/file-a-case/")
    shots(page, "17-intake-step1-en")

    # a phone: everything fits, nothing scrolls sideways
    page.set_viewport_size({"width": 375, "height": 800})
    for url, name in (
        ("/", "18-home-phone"),
        ("/gui-don/", "19-intake-phone"),
        ("/thong-ke/", "20-statistics-phone"),
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
        shots(page, name)


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_filing_step_one(page, world):
    """The kind can be chosen and the step sent with the keyboard alone."""
    page.goto("/gui-don/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator("#id_kind_0").focus()
    page.keyboard.press("Space")
    for _ in range(3):  # past the link to the guide, to the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Tiếp tục"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"step=2"))
    assert page.locator("h2").first.inner_text() == "2. Thông tin người gửi đơn"
