"""A re-denunciation reviewed by the superior in Debian's Chromium, without leaving the workspace
(Law on Denunciations 2018 Art 37(2)): the intake officer of the city registers the denouncer's
follow-up on a concluded case of a department; the case page offers the review, not the ordinary
acceptance; the head declines to re-resolve with the reasons (Art 37(2)(a)), the notice is filed,
T9 is met, and the first case's timeline shows the review. The denouncer's name never appears.
Screenshots go to tests/artifacts/workspace/."""

import pytest

from cases import services
from cases.models import Attachment, Case, Deadline, Role
from tests.cases.test_services import submit
from tests.workspace.test_browser import login, shot, submit_action

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "workspace"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_re_denunciation_review(transactional_db, world, page, shots):
    first = submit(world, kind="denunciation", subject="Tố cáo cán bộ địa chính nhận tiền").case
    services.case_accept(case=first, actor=world.user(Role.INTAKE))
    services.case_conclude(
        case=first, actor=world.user(Role.HEAD_OF_UNIT), outcome="false", summary="Tố cáo sai"
    )

    # 1. The city's intake officer registers the follow-up on the department's concluded case.
    login(page, world.user(Role.INTAKE).username)
    page.goto(f"/admin/cases/{first.reference}/")
    page.click("[data-action-slug=second-level]")
    page.fill("#id_description", "Kết luận bỏ sót chứng cứ, đề nghị cấp trên xem xét lại.")
    shot(page, shots, "re-01-follow-up-form")
    submit_action(page)
    later = Case.objects.get(previous_case=first)
    assert later.review_track == "re_denunciation" and later.authority == world.hn
    assert Deadline.objects.filter(case=later, rule_code="T9", state="open").exists()

    # 2. The head of the city opens it: the review is offered, the ordinary acceptance is not.
    login(page, world.user(Role.HEAD_OF_AGENCY).username)
    page.goto(f"/admin/cases/{later.reference}/")
    page.wait_for_selector("[data-action-slug=review-decline]")
    assert page.locator("[data-action-slug=review-re-resolve]").count() == 1
    assert page.locator("[data-action-slug=accept]").count() == 0
    assert page.locator("[data-action-slug=reject]").count() == 0
    assert "Trần Thị Bình" not in page.content()
    shot(page, shots, "re-02-follow-up-case")

    # 3. It declines to re-resolve, with the reasons; the notice is filed.
    page.click("[data-action-slug=review-decline]")
    page.fill("#id_reason_text", "Việc giải quyết trước đó đúng thẩm quyền, trình tự và đủ chứng cứ.")
    shot(page, shots, "re-03-decline-form")
    submit_action(page)
    later.refresh_from_db()
    assert later.status == "rejected" and later.reason_code == "TC-37-2-a"
    assert Deadline.objects.get(case=later, rule_code="T9").state == "met"
    assert Attachment.objects.filter(
        case=later, description__startswith="Thông báo không giải quyết lại tố cáo"
    ).exists()
    assert "Trần Thị Bình" not in page.content()
    shot(page, shots, "re-04-declined")

    # 4. The first case's timeline shows the superior's review.
    page.goto(f"/admin/cases/{first.reference}/")
    page.wait_for_selector("text=Cấp trên đã xem xét tố cáo tiếp")
    shot(page, shots, "re-05-first-case-timeline")
