"""An inspector and a head take a first-level complaint from acceptance to the closed file in
Debian's Chromium, without leaving the workspace: accept → assign → verify → verification work
(with its scanned minutes) → verification report with the draft decision → the head returns it
with comments → submitted again → approved → dialogue (refused at 3 days' notice, noticed at 7)
→ minutes → decision, confirmed, in the name of the Director of the department → sent to the
complainant (K7 met) → published with its date (T8/K10 style record) → file closed. Actions a role
cannot take are shown disabled with the reason. Screenshots go to tests/artifacts/handling/."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.utils import timezone

from cases.models import Case, Deadline, Role
from cases.verification.models import Dialogue, VerificationRecord, VerificationReport
from tests.workspace.conftest import make_case

from .test_browser import login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "handling"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def status(page) -> str:
    return page.locator("[data-testid=case-status]").text_content().strip()


def submit(page):
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]")


def reason(page, slug) -> str:
    return page.inner_text(f"[data-disabled-slug={slug}] .kntc-why")


def test_complaint_from_acceptance_to_closed_file(transactional_db, world, page, shots, tmp_path):
    intake, head, inspector = (
        world.user(Role.INTAKE),
        world.user(Role.HEAD_OF_UNIT),
        world.user(Role.INSPECTOR),
    )
    for user, (first, last) in (
        (intake, ("Hà", "Nguyễn Thu")),
        (head, ("Hùng", "Đỗ Văn")),
        (inspector, ("Tuấn", "Phạm Minh")),
    ):
        user.first_name, user.last_name = first, last
        user.save()
    case = make_case(world)
    scan = tmp_path / "bien-ban-lam-viec.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")

    # 1. The intake officer accepts the complaint.
    login(page, intake.username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-action-slug=accept]")
    submit(page)
    assert status(page) == "Đã thụ lý"

    # 2. The head assigns the inspector.
    login(page, head.username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-action-slug=assign]")
    page.select_option("#id_assignee", str(inspector.pk))
    submit(page)

    # 3. The inspector starts verification and records a working minutes with its scan.
    login(page, inspector.username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-action-slug=verify]")
    page.fill("#id_plan", "Làm việc với UBND phường, thu thập hồ sơ thu hồi đất.")
    submit(page)
    assert status(page) == "Đang xác minh"
    # What the inspector cannot do is shown, disabled, with the reason.
    assert "Cần ghi nhận ít nhất một công việc xác minh" in reason(page, "submit-report")
    assert "Chỉ Trưởng phòng, Thủ trưởng cơ quan" in reason(page, "conclude")
    assert page.locator("[data-action-slug=conclude]").count() == 0
    shot(page, shots, "01-verifying-disabled-actions")
    page.click("[data-action-slug=record-work]")
    page.select_option("#id_kind", "minutes")
    page.fill("#id_summary", "Biên bản làm việc với UBND phường Hoàn Kiếm về hồ sơ thu hồi đất.")
    page.set_input_files("#id_file", str(scan))
    shot(page, shots, "02-record-work-form")
    submit(page)
    record = VerificationRecord.objects.get(case=case)
    assert record.attachment is not None and record.kind == "minutes"

    # 4. ... and submits the verification report with the draft decision.
    page.click("[data-action-slug=submit-report]")
    page.fill(
        "#id_findings", "Việc thu hồi đúng trình tự, nhưng giá bồi thường áp dụng chưa đúng bảng giá 2026."
    )
    page.check("#id_findings_differ")
    page.select_option("#id_draft_outcome", "partly_right")
    page.fill("#id_draft_summary", "Dự thảo: khiếu nại đúng một phần; điều chỉnh giá bồi thường.")
    shot(page, shots, "03-report-form")
    submit(page)
    assert "Chỉ Trưởng phòng, Thủ trưởng cơ quan" in reason(page, "approve-report")
    shot(page, shots, "04-report-submitted-as-inspector")

    # 5. The head returns it with comments; they are on the timeline for the inspector.
    login(page, head.username)
    page.goto("/admin/")
    assert page.locator('[data-tile="approval"] [data-testid=count]').inner_text() == "1"
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-action-slug=return-report]")
    page.fill("#id_comment", "Bổ sung ý kiến của Phòng Tài nguyên về bảng giá đất.")
    submit(page)
    assert VerificationReport.objects.get(case=case).status == "returned"
    login(page, inspector.username)
    page.goto(f"/admin/cases/{case.reference}/")
    assert "Bổ sung ý kiến của Phòng Tài nguyên" in page.inner_text("[data-testid=handling]")
    assert "Bổ sung ý kiến của Phòng Tài nguyên" in page.content()  # the timeline entry
    shot(page, shots, "05-returned-with-comments")
    page.click("[data-action-slug=record-work]")
    page.select_option("#id_kind", "expert")
    page.fill("#id_summary", "Ý kiến chuyên môn của Phòng Tài nguyên về bảng giá đất năm 2026.")
    submit(page)
    page.click("[data-action-slug=submit-report]")
    page.fill("#id_findings", "Giá bồi thường áp dụng chưa đúng bảng giá 2026 (ý kiến chuyên môn kèm theo).")
    page.check("#id_findings_differ")
    page.select_option("#id_draft_outcome", "partly_right")
    page.fill("#id_draft_summary", "Dự thảo: khiếu nại đúng một phần; điều chỉnh giá bồi thường.")
    submit(page)

    # 6. The head approves; the decision waits for the dialogue the differing findings require.
    login(page, head.username)
    page.goto(f"/admin/cases/{case.reference}/")
    page.click("[data-action-slug=approve-report]")
    page.fill("#id_comment", "Đồng ý, tổ chức đối thoại.")
    submit(page)
    assert VerificationReport.objects.filter(case=case, status="approved").count() == 1
    assert "Điều 30 khoản 1" in reason(page, "conclude")
    shot(page, shots, "06-approved-conclude-waits-for-dialogue")

    # 7. The inspector notices the dialogue: 3 days ahead is refused (K15), 7 days is fine.
    login(page, inspector.username)
    page.goto(f"/admin/cases/{case.reference}/action/dialogue/")
    soon = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=9, minute=0)
    page.fill("#id_when", soon.strftime("%d/%m/%Y %H:%M"))
    page.fill("#id_place", "Trụ sở Sở Xây dựng Hà Nội, 52 Lê Đại Hành")
    page.fill("#id_agenda", "Giá bồi thường khi thu hồi đất")
    page.fill("#id_notice_recipients", "Bà Trần Thị Bình; UBND phường Hoàn Kiếm")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("text=ít nhất 05 ngày")
    shot(page, shots, "07-dialogue-notice-too-late")
    later = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=9, minute=0)
    page.fill("#id_when", later.strftime("%d/%m/%Y %H:%M"))
    submit(page)
    assert status(page) == "Đối thoại"
    assert Deadline.objects.get(case=case, rule_code="K15").state == "met"

    # 8. Eight days later: the minutes, the decision, the sending, the publication, the close.
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: real_now() + dt.timedelta(days=8)):
        page.goto(f"/admin/cases/{case.reference}/")
        page.click("[data-action-slug=dialogue-minutes]")
        page.fill("#id_held_on", timezone.localdate().strftime("%d/%m/%Y"))
        page.fill("#id_participants", "Bà Trần Thị Bình; đại diện UBND phường Hoàn Kiếm; tổ xác minh")
        page.fill("#id_result", "Bà Bình đồng ý với phương án điều chỉnh giá bồi thường.")
        page.set_input_files("#id_minutes", str(scan))
        shot(page, shots, "08-dialogue-minutes-form")
        submit(page)
        assert Dialogue.objects.get(case=case).status == "held"

        login(page, head.username)
        page.goto(f"/admin/cases/{case.reference}/")
        page.click("[data-action-slug=conclude]")
        page.select_option("#id_outcome", "partly_right")
        page.fill(
            "#id_summary", "Khiếu nại đúng một phần: điều chỉnh giá bồi thường theo bảng giá đất năm 2026."
        )
        page.fill("#id_decision_number", "15/QĐ-SXD")
        page.click("[data-testid=action-form] button[type=submit]")
        page.wait_for_selector("[data-testid=confirm-issue]")
        confirm = page.inner_text("[data-testid=confirm-issue]")
        assert "không thể hoàn tác" in confirm and "Giám đốc Sở Xây dựng Hà Nội" in confirm
        assert "Thủ trưởng UBND" not in confirm
        assert Case.objects.get(pk=case.pk).status == "dialogue"  # nothing issued before confirming
        shot(page, shots, "09-confirm-issue")
        submit(page)
        assert status(page) == "Đã có quyết định/trả lời"
        assert "chưa ghi nhận việc gửi" in reason(page, "close").lower()
        shot(page, shots, "10-decided")

        page.click("[data-testid=deliver-action]")
        page.select_option("#id_channel", "email")
        shot(page, shots, "11-send-decision")
        page.click("[data-testid=action-form] button[type=submit]")
        page.wait_for_selector("[data-testid=delivery-panel]")
        assert Deadline.objects.get(case=case, rule_code="K7").state == "met"

        page.goto(f"/admin/cases/{case.reference}/")
        page.click("[data-action-slug=publish]")
        page.fill("#id_published_on", timezone.localdate().strftime("%d/%m/%Y"))
        page.fill("#id_recipients", "Trụ sở Sở Xây dựng Hà Nội; nơi tiếp công dân")
        shot(page, shots, "12-publish-form")
        submit(page)
        assert status(page) == "Đã công khai"
        page.click("[data-action-slug=close]")
        submit(page)
        assert status(page) == "Đã đóng hồ sơ"
        shot(page, shots, "13-closed")
    case = Case.objects.get(pk=case.pk)
    assert case.next_due_at is None
    assert not Deadline.objects.filter(case=case, state="open", bearer="agency").exists()
    assert re.search(r"Đối thoại \(biên bản\)", page.content())
