"""Each staff role's main task, walked from its home page in Debian's Chromium at a desktop size
(1366×900) and a phone size (390×844), in Vietnamese:

- intake registers a paper letter and prints the slip, then the citizen opens the tracking page
  from the slip's address with the key it carries;
- the inspector opens the case waiting for them and starts verification, with a note;
- the head of unit assigns an accepted case and approves (accepts) a classified letter;
- the auditor drills from a home tile to a case and exports its history.

On every page: axe-core reports no critical or serious violation, no staff page shows a known
English leak, and no request leaves the site (``tests/browser_checks.py``). Screenshots go to
tests/artifacts/walks/."""

import csv
import io
import re

import pytest

from cases import services
from cases.models import Case, Role
from tests.browser_checks import SIZES, Walk, login

from .conftest import accepted, make_case

pytestmark = pytest.mark.browser


@pytest.fixture(params=list(SIZES))
def walk(request, chromium_browser, live_server, artifacts_dir, world):
    from publicsite.setup import ensure_site

    from .conftest import role_groups  # noqa: F401 - the autouse fixture fills the groups

    ensure_site()
    for role, (first, last) in {
        Role.INTAKE: ("Hà", "Nguyễn Thu"),
        Role.INSPECTOR: ("Tuấn", "Phạm Minh"),
        Role.HEAD_OF_UNIT: ("Hùng", "Đỗ Văn"),
        Role.HEAD_OF_AGENCY: ("Khải", "Vũ Quang"),
        Role.AUDITOR: ("Mai", "Hoàng Thị"),
    }.items():
        user = world.user(role)
        user.first_name, user.last_name = first, last
        user.save()
    folder = artifacts_dir / "walks"
    folder.mkdir(parents=True, exist_ok=True)
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=SIZES[request.param], accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    w = Walk(page=page, base_url=live_server.url, folder=folder, size=request.param)
    yield w
    context.close()
    w.finish()


def open_tile(walk, key):
    walk.page.locator(f'[data-tile="{key}"]').click()
    walk.page.wait_for_load_state("networkidle")


def test_intake_registers_a_paper_letter_and_prints_the_slip(transactional_db, world, walk):
    page = walk.page
    login(walk, world.user(Role.INTAKE).username)
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thu Hà").is_visible()
    walk.check("intake-home")
    page.get_by_role("link", name="Tiếp nhận đơn (thư, trực tiếp)").last.click()
    page.wait_for_url(re.compile(r"/admin/cases/register/"))
    page.get_by_label("Hình thức nhận").select_option("post")
    page.get_by_label("Thời điểm nhận").fill("01/12/2026 09:30")
    page.get_by_label("Loại đơn").select_option("complaint")
    page.get_by_label("Cơ quan có thẩm quyền (nếu đã rõ)").select_option(label="Sở Xây dựng Hà Nội")
    page.get_by_label("Tiêu đề").fill("Khiếu nại quyết định xử phạt vi phạm hành chính về xây dựng")
    page.get_by_label("Nội dung đơn / nội dung trình bày").fill(
        "Tôi không đồng ý với Quyết định xử phạt 312/QĐ-XPVPHC vì công trình đã có giấy phép."
    )
    page.get_by_label("Quyết định, hành vi bị khiếu nại").fill("Quyết định xử phạt 312/QĐ-XPVPHC")
    page.get_by_label("Họ và tên người gửi đơn").fill("Trần Văn An")
    page.get_by_label("Số định danh cá nhân/CCCD").fill("001085012345")
    walk.check("intake-register-form")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    page.wait_for_selector("[data-testid=receipt]")
    case = Case.objects.get(subject__startswith="Khiếu nại quyết định xử phạt")
    assert case.channel == "post" and case.received_at.strftime("%d/%m") == "01/12"
    key = page.get_by_test_id("access-key").inner_text().strip()
    slip = page.get_by_test_id("slip")
    assert case.reference in slip.inner_text() and key in slip.inner_text()
    assert "Hẹn trả lời" in slip.inner_text() and "Căn cứ" in slip.inner_text()
    assert slip.locator("svg").count() == 1  # the QR code, drawn by the server
    walk.check("intake-receipt-and-slip")
    # Printing shows the slip alone.
    page.emulate_media(media="print")
    assert slip.is_visible() and not page.get_by_test_id("receipt").is_visible()
    assert not page.locator("aside, .sidebar").first.is_visible()
    walk.shot("intake-slip-print")
    page.emulate_media(media="screen")

    # The citizen follows the slip: its address, the reference filled in, the key typed by hand.
    tracking = slip.locator("figcaption small").inner_text().strip()
    path = re.sub(r"^https?://[^/]+", "", tracking)
    page.context.clear_cookies()
    page.goto(path)
    page.get_by_label("Mã bí mật").fill(key)
    walk.check("public-tracking-lookup")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_selector("#case-status")
    assert page.locator("#case-status").inner_text() == "Đã tiếp nhận"
    walk.check("public-tracking-case")


def test_inspector_handles_the_case_waiting_for_them(transactional_db, world, walk):
    case = accepted(world, kind="complaint")
    page = walk.page
    login(walk, world.user(Role.INSPECTOR).username)
    walk.check("inspector-home")
    tile = page.locator('[data-tile="mine_waiting"] [data-testid=count]')
    assert tile.inner_text() == "1"
    open_tile(walk, "mine_waiting")
    walk.check("inspector-waiting-list")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_selector("[data-testid=case-status]")
    walk.check("inspector-case")
    page.locator("[data-action-slug=verify]").click()
    page.get_by_label("Kế hoạch, nội dung xác minh").fill("Làm việc với Đội quản lý trật tự xây dựng.")
    walk.check("inspector-verify-form")
    page.locator("[data-testid=action-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=case-status]")
    assert page.get_by_test_id("case-status").text_content().strip() == "Đang xác minh"
    page.get_by_label("Ghi chú mới").fill("Đã hẹn làm việc ngày 05/12/2026.")
    page.get_by_role("button", name="Lưu ghi chú").click()
    page.wait_for_selector("text=Đã hẹn làm việc ngày 05/12/2026.")
    walk.check("inspector-case-verifying")
    page.goto("/admin/")
    assert page.locator('[data-tile="mine_waiting"] [data-testid=count]').inner_text() == "0"


def test_head_assigns_and_approves(transactional_db, world, walk):
    unassigned = accepted(world, kind="complaint", assign=False)
    letter = make_case(world, kind="denunciation")
    services.case_classify(case=letter, actor=world.user(Role.INTAKE), complexity="normal")
    page = walk.page
    login(walk, world.user(Role.HEAD_OF_UNIT).username)
    walk.check("head-home")
    open_tile(walk, "unassigned")
    walk.check("head-unassigned-list")
    page.get_by_role("link", name=unassigned.reference).click()
    page.locator("[data-action-slug=assign]").click()
    page.wait_for_selector("[data-testid=candidates]")
    assert "Sở Xây dựng Hà Nội" in page.get_by_test_id("candidates").inner_text()
    page.get_by_label("Giao cho").select_option(str(world.user(Role.INSPECTOR).pk))
    walk.check("head-assign-form")
    page.locator("[data-testid=action-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=case-status]")
    assert "Phạm Minh Tuấn" in page.locator(".kntc-facts").first.inner_text()
    walk.check("head-assigned-case")

    page.goto("/admin/")
    open_tile(walk, "proposed")
    walk.check("head-proposed-list")
    page.get_by_role("link", name=letter.reference).click()
    page.locator("[data-action-slug=accept]").click()
    walk.check("head-accept-form")
    page.locator("[data-testid=action-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=case-status]")
    assert page.get_by_test_id("case-status").text_content().strip() == "Đã thụ lý"
    walk.check("head-accepted-case")
    page.goto("/admin/")
    assert page.locator('[data-tile="proposed"] [data-testid=count]').inner_text() == "0"
    assert page.locator('[data-tile="unassigned"] [data-testid=count]').inner_text() == "1"  # the new one
    page.goto("/admin/notifications/")  # the inbox (in the side menu, folded away on a phone)
    walk.check("head-inbox")


def test_auditor_drills_from_a_tile_to_a_case_and_exports(transactional_db, world, walk):
    import datetime as dt

    from django.utils import timezone

    case = accepted(world, kind="complaint")
    case.next_due_at = timezone.now() - dt.timedelta(days=2)
    case._change_reason = "test"
    case.save(update_fields=["next_due_at"])
    page = walk.page
    login(walk, world.user(Role.AUDITOR).username)
    walk.check("auditor-home")
    assert page.get_by_test_id("last-sweep").is_visible()
    page.get_by_role("link", name="Bảng giám sát tồn đọng").click()
    page.wait_for_url(re.compile(r"/admin/oversight/"))
    walk.check("auditor-oversight")
    page.goto("/admin/")
    assert page.locator('[data-tile="overdue"] [data-testid=count]').inner_text() == "1"
    open_tile(walk, "overdue")
    walk.check("auditor-overdue-list")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_selector("[data-testid=case-status]")
    assert page.get_by_test_id("actions").count() == 0  # read-only
    walk.check("auditor-case")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        content = fh.read()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:4] == ["Thời điểm", "Nguồn", "Mã sự kiện", "Sự kiện"]
    assert any(r[3] == "Thụ lý" and r[2] == "case.accepted" for r in rows[1:])
