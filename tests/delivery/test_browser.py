"""In Debian's Chromium: a head issues a decision (signed with a CA made at run time), the clerk
records it posted with a tracking number and prints the envelope, the citizen sees "đã gửi qua bưu
điện" with the date on the tracking page, downloads the signed PDF and verifies it on the public
page. Screenshots go to tests/artifacts/delivery/."""

import re

import pytest
from django.utils import timezone

from cases import services
from cases.delivery.models import Delivery, SignedDocument
from cases.models import Case, IdentityAccessLog, Role

from .conftest import make_case

pytestmark = pytest.mark.browser


def login(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "delivery"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return shot


def test_decision_signed_posted_tracked_and_verified(
    transactional_db, world, page, shots, signing_on, tmp_path
):
    from cases.roles import ensure_role_groups

    ensure_role_groups()
    head = world.user(Role.HEAD_OF_UNIT)
    head.first_name, head.last_name = "Hùng", "Đỗ Văn"
    head.save()
    clerk = world.user(Role.INTAKE)
    case = make_case(world)
    key = case.access_key
    case = services.case_accept(case=case, actor=clerk)

    # 1. The head issues the decision; the generated DOCX is rendered to PDF/A and signed.
    login(page, head.username)
    page.goto(f"/admin/cases/{case.reference}/action/conclude/")
    page.select_option("#id_outcome", "partly_right")
    page.fill("#id_summary", "Khiếu nại đúng một phần: điều chỉnh mức bồi thường theo giá đất năm 2026.")
    page.fill("#id_decision_number", "15/QĐ-SXD")
    shots(page, "01-conclude-form")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("[data-testid=confirm-issue]")  # an issued decision cannot be undone
    assert "Giám đốc Sở Xây dựng Hà Nội" in page.inner_text("[data-testid=confirm-issue]")
    page.click("[data-testid=action-form] button[type=submit]", timeout=120000)
    page.wait_for_selector("[data-testid=case-status]", timeout=120000)
    assert page.locator("[data-testid=case-status]").text_content().strip() == "Đã có quyết định/trả lời"
    document = SignedDocument.objects.get(case=case)
    assert document.document_number == "15/QĐ-SXD" and document.signer_name == "Đỗ Văn Hùng"
    assert document.signer_title == "Giám đốc Sở Xây dựng Hà Nội"
    assert page.locator("[data-testid=signed-document]").count() == 1
    shots(page, "02-case-decided-signed")

    # 2. The clerk records it posted with a tracking number, then prints the envelope.
    login(page, clerk.username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-testid=deliver-action]")
    page.select_option("#id_channel", "post")
    page.select_option("#id_postal_service", "vnpost")
    page.fill("#id_tracking_number", "EB123456785VN")
    shots(page, "03-record-dispatch")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("[data-testid=delivery-panel]")
    delivery = Delivery.objects.get(case=case)
    assert (delivery.channel, delivery.status, delivery.tracking_number) == ("post", "sent", "EB123456785VN")
    assert Case.objects.get(pk=case.pk).deadlines.get(rule_code="K7").state == "met"
    shots(page, "04-case-sent")
    page.goto(f"/admin/cases/{case.reference}/delivery/{delivery.pk}/envelope/")
    assert "Trần Thị Bình" in page.inner_text("[data-testid=envelope]")
    assert IdentityAccessLog.objects.filter(case=case, user=clerk, action="reveal_identity").exists()
    shots(page, "05-envelope")
    page.goto("/admin/cases/delivery/day/")
    assert case.reference in page.inner_text("[data-testid=sent-today]")
    shots(page, "06-daily-list")

    # 3. The citizen tracks the case, sees the postal dispatch and downloads the signed PDF.
    citizen = page.context.browser.new_context(
        base_url=page.url.split("/admin")[0], locale="vi-VN", accept_downloads=True
    )
    tracker = citizen.new_page()
    tracker.goto("/tra-cuu/")
    tracker.get_by_label("Mã hồ sơ").fill(case.reference)
    tracker.get_by_label("Mã bí mật").fill(key)
    tracker.get_by_role("button", name="Tra cứu").click()
    tracker.wait_for_url(re.compile(rf"ma={case.reference}"))
    today = timezone.localdate().strftime("%d/%m/%Y")
    deliveries = tracker.inner_text("[data-testid=deliveries]")
    assert "đã gửi qua bưu điện" in deliveries and today in deliveries and "EB123456785VN" in deliveries
    assert "Chữ ký số hợp lệ" in tracker.inner_text("[data-testid=signature]")
    shots(tracker, "07-tracking")
    with tracker.expect_download() as info:
        tracker.click(f"a[href='/tai-lieu/{document.attachment_id}/']")
    saved = tmp_path / "quyet-dinh.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # 4. ... and verifies it on the public page.
    tracker.click("[data-testid=signature] a")
    tracker.wait_for_url(re.compile(r"/xac-thuc-van-ban/"))
    tracker.set_input_files("input[type=file]", str(saved))
    tracker.get_by_role("button", name="Xác thực").click()
    result = tracker.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-outcome") == "valid"
    assert "Văn bản hợp lệ" in result.inner_text() and "15/QĐ-SXD" in result.inner_text()
    assert "Trần Thị Bình" not in tracker.content()
    shots(tracker, "08-verified")
    # A copy with one byte changed is refused.
    content = saved.read_bytes()
    start = content.index(b"stream\n") + 20
    forged = tmp_path / "gia-mao.pdf"
    forged.write_bytes(content[:start] + bytes([content[start] ^ 0x01]) + content[start + 1 :])
    tracker.set_input_files("input[type=file]", str(forged))
    tracker.get_by_role("button", name="Xác thực").click()
    assert tracker.locator("[data-testid=verify-result]").get_attribute("data-outcome") == "altered"
    shots(tracker, "09-forged-refused")
    citizen.close()
