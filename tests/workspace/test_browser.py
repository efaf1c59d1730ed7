"""An intake officer, a head of unit and an inspector walk one denunciation through the workspace in
Debian's Chromium: register → triage → classify (complex) → accept → assign → verify → extend →
conclude → publish. A screenshot of every screen goes to tests/artifacts/workspace/ for review."""

import re

import pytest

from cases.models import Attachment, Case, IdentityAccessLog, Role
from cases.roles import membership_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def login(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def shot(page, folder, name):
    """The whole page: Wagtail scrolls inside its layout, so grow the viewport to the content."""
    height = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('body, body *'))"
        ".map(e => e.scrollHeight || 0).slice(0, 4000), 900)"
    )
    page.set_viewport_size({"width": 1280, "height": min(int(height), 6000)})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def submit_action(page):
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]")


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "workspace"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_denunciation_walkthrough(transactional_db, world, page, shots):
    intake = world.user(Role.INTAKE)
    head = world.user(Role.HEAD_OF_UNIT)
    inspector = world.user(Role.INSPECTOR)
    for user, (first, last) in (
        (intake, ("Hà", "Nguyễn Thu")),
        (head, ("Hùng", "Đỗ Văn")),
        (inspector, ("Tuấn", "Phạm Minh")),
    ):
        user.first_name, user.last_name = first, last
        user.save()

    # 1. Intake registers a paper letter.
    login(page, intake.username)
    page.goto("/admin/cases/register/")
    page.select_option("#id_channel", "post")
    page.select_option("#id_kind", "denunciation")
    page.select_option("#id_authority", str(world.hn_sxd.pk))
    page.fill("#id_subject", "Tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ")
    page.fill(
        "#id_description",
        "Ông Nguyễn Văn X, cán bộ địa chính phường, yêu cầu nộp 20 triệu đồng ngoài quy định "
        "để được cấp giấy chứng nhận quyền sử dụng đất.",
    )
    page.fill("#id_accused_name", "Ông Nguyễn Văn X")
    page.fill("#id_accused_position", "Cán bộ địa chính")
    page.fill("#id_full_name", "Trần Văn An")
    page.fill("#id_national_id", "001085012345")
    page.fill("#id_address", "15 Hàng Bạc, phường Hoàn Kiếm, Hà Nội")
    page.fill("#id_phone", "0912000111")
    shot(page, shots, "01-register-form")
    page.click("#main form button[type=submit]")
    page.wait_for_selector("[data-testid=receipt]")
    shot(page, shots, "02-register-receipt")
    case = Case.objects.get(subject__startswith="Tố cáo cán bộ địa chính")
    assert case.channel == "post" and case.status == "received"
    assert page.locator("[data-testid=access-key]").inner_text().strip()

    # 2. Triage queue, then the case page (identity masked).
    page.goto("/admin/cases/triage/")
    page.wait_for_selector(f"text={case.reference}")
    shot(page, shots, "03-triage-queue")
    page.click(f"text={case.reference}")
    page.wait_for_selector("[data-testid=case-status]")
    assert "Trần Văn An" not in page.content()
    shot(page, shots, "04-case-received")

    # 3. Classify as complex (so one extension is allowed), then accept with the notices.
    page.goto(f"/admin/cases/{case.reference}/action/classify/")
    page.select_option("#id_complexity", "complex")
    shot(page, shots, "05-classify-form")
    submit_action(page)
    page.goto(f"/admin/cases/{case.reference}/action/accept/")
    page.fill("#id_note", "Đủ điều kiện thụ lý theo Điều 29 Luật Tố cáo.")
    shot(page, shots, "06-accept-form")
    submit_action(page)
    assert page.locator("[data-testid=case-status]").text_content().strip() == "Đã thụ lý"
    assert Attachment.objects.filter(case=case, kind__in=["notice", "decision"]).count() == 3

    # 4. The head assigns the inspector.
    login(page, head.username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-action-slug=assign]")
    # The option names the person, then their unit and workload (cases.admin.candidates).
    option = page.locator(f'#id_assignee option[value="{inspector.pk}"]')
    assert option.inner_text().startswith("Phạm Minh Tuấn")
    page.select_option("#id_assignee", str(inspector.pk))
    shot(page, shots, "07-assign-form")
    submit_action(page)
    assert Case.objects.get(pk=case.pk).assignee_id == inspector.pk

    # 5. The inspector finds it under "Việc của tôi" and starts verification.
    login(page, inspector.username)
    page.goto("/admin/cases/mine/")
    page.wait_for_selector(f"text={case.reference}")
    shot(page, shots, "08-my-cases")
    page.goto(f"/admin/cases/{case.reference}/")
    # Inspectors do not hold the identity permission: no reveal button.
    assert page.locator("a[href*='/reveal/']").count() == 0
    page.click("[data-action-slug=verify]")
    page.fill("#id_plan", "Làm việc với người bị tố cáo, thu thập hồ sơ cấp giấy chứng nhận.")
    shot(page, shots, "09-verify-form")
    submit_action(page)
    assert page.locator("[data-testid=case-status]").text_content().strip() == "Đang xác minh"
    # The verification work and its report with the draft conclusion go to the head.
    page.click("[data-action-slug=record-work]")
    page.fill("#id_summary", "Biên bản làm việc với ông Nguyễn Văn X.")
    submit_action(page)
    page.click("[data-action-slug=submit-report]")
    page.fill("#id_findings", "Có thu tiền ngoài quy định.")
    page.fill("#id_draft_summary", "Dự thảo kết luận: tố cáo đúng một phần.")
    submit_action(page)

    # 6. The head extends (complex: once), concludes and publishes.
    login(page, head.username)
    page.goto(f"/admin/cases/{case.reference}/action/extend/")
    page.fill("#id_decision_number", "01/QĐ-GH")
    page.fill(
        "#id_justification", "Cần xác minh tại nhiều địa điểm (Nghị định 31/2019, Điều 3 khoản 2 điểm a)."
    )
    shot(page, shots, "10-extend-form")
    submit_action(page)
    assert Case.objects.get(pk=case.pk).extension_count == 1
    # A complex case has used its one extension: the action is gone.
    assert page.locator("[data-action-slug=extend]").count() == 0

    page.click("[data-action-slug=conclude]")
    page.select_option("#id_outcome", "partly_true")
    page.fill(
        "#id_summary", "Tố cáo đúng một phần: có thu tiền ngoài quy định; kiến nghị kiểm điểm trách nhiệm."
    )
    page.fill("#id_decision_number", "15/KL-SXD")
    shot(page, shots, "11-conclude-form")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("[data-testid=confirm-issue]")
    submit_action(page)
    assert page.locator("[data-testid=case-status]").text_content().strip() == "Đã kết luận"

    page.click("[data-action-slug=publish]")
    shot(page, shots, "12-publish-form")
    submit_action(page)
    assert page.locator("[data-testid=case-status]").text_content().strip() == "Đã công khai"
    shot(page, shots, "13-case-published")

    # 7. The head reveals the denouncer with a reason (logged), and previews a generated notice.
    page.click("a[href*='/reveal/']")
    page.fill("#id_reason", "Gửi thông báo kết quả giải quyết cho người tố cáo")
    shot(page, shots, "14-reveal-form")
    page.click("#main form button[type=submit]")
    page.wait_for_selector("[data-testid=identity]")
    assert "Trần Văn An" in page.inner_text("[data-testid=identity]")
    shot(page, shots, "15-identity-revealed")
    assert IdentityAccessLog.objects.filter(case=case, user=head, action="reveal_identity").exists()
    notice = Attachment.objects.get(case=case, description__startswith="Thông báo nội dung tố cáo")
    page.goto(f"/admin/cases/{case.reference}/attachments/{notice.pk}/")
    page.wait_for_selector("[data-testid=preview]")
    assert "Trần Văn An" not in page.inner_text("[data-testid=preview]")
    shot(page, shots, "16-notice-preview")

    # 8. The oversight auditor reads the access log.
    auditor = UserFactory(username="giam_sat", first_name="Mai", last_name="Hoàng Thị")
    membership_grant(user=auditor, authority=world.hn, role=Role.AUDITOR)
    login(page, auditor.username)
    page.goto(f"/admin/cases/audit/access-log/?case={case.reference}")
    page.wait_for_selector("text=Gửi thông báo kết quả giải quyết")
    shot(page, shots, "17-access-log")
    page.goto(f"/admin/cases/{case.reference}/")
    assert page.locator("[data-testid=actions] a").count() == 0
    shot(page, shots, "18-case-as-auditor")
