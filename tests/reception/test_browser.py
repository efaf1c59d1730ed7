"""Citizen reception in Debian's Chromium: a reception officer records a visit that becomes a
complaint; a group visit with its representatives; a refusal with its notice issued by the head;
a head's session whose conclusions create deadlines that the sweep escalates. Screenshots of every
screen (desktop and phone) go to tests/artifacts/reception/."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cases.escalation import escalation_sweep
from cases.models import Case, CaseEvent, Escalation, Role
from cases.reception.models import HeadSession, Instruction, ReceptionPlace, RegularHours, Visit

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def login(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def shot(page, folder, name):
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('body, body *'))"
        ".map(e => e.scrollHeight || 0).slice(0, 4000), 900)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height), 7000)})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "reception"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def place(world):
    from cases.roles import ensure_role_groups

    ensure_role_groups()
    p = ReceptionPlace.objects.create(
        authority=world.hn,
        name_vi="Trụ sở Tiếp công dân Thành phố",
        name_en="City Citizen Reception Office",
        address_vi="Số 1 Tôn Thất Thuyết, Cầu Giấy, Hà Nội",
        address_en="1 Ton That Thuyet, Cau Giay, Hanoi",
    )
    RegularHours.objects.create(place=p, weekday=0, opens=dt.time(8), closes=dt.time(17))
    return p


def fill_person(page, i, name, national_id, address, representative=False):
    if i > 0 and page.locator(f"[data-person='{i}']").is_hidden():
        page.click("[data-add-person]")
    page.fill(f"#id_persons-{i}-full_name", name)
    page.fill(f"#id_persons-{i}-national_id", national_id)
    page.fill(f"#id_persons-{i}-address", address)
    if representative:
        page.check(f"#id_persons-{i}-is_representative")


def start_visit(page, world, place, *, kind, summary):
    page.goto("/admin/reception/visits/new/")
    page.select_option("#id_authority", str(world.hn.pk))
    page.select_option("#id_place", str(place.pk))
    page.select_option("#id_content_kind", kind)
    page.fill("#id_summary", summary)


def save_visit(page):
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=visit-title]")


def test_an_officer_records_a_visit_that_becomes_a_complaint(transactional_db, world, page, place, shots):
    intake = world.user(Role.INTAKE)
    login(page, intake.username)
    page.goto("/admin/reception/")
    shot(page, shots, "01-register-empty")
    page.click("[data-testid=new-visit]")
    start_visit(
        page, world, place, kind="complaint", summary="Khiếu nại Quyết định thu hồi đất số 15/QĐ-UBND."
    )
    page.fill("#id_request", "Đề nghị hủy quyết định, bồi thường đúng giá.")
    fill_person(page, 0, "Lê Văn Khiếu", "001200099999", "5 Hàng Đào, Hoàn Kiếm, Hà Nội")
    page.select_option("#id_handling", "received")
    page.fill("#id_contested_act", "Quyết định 15/QĐ-UBND ngày 01/10/2026 của UBND phường")
    page.fill("#id_documents-0-name", "Đơn khiếu nại")
    page.fill("#id_documents-0-pages", "2")
    page.fill("#id_documents-1-name", "Bản sao Quyết định 15/QĐ-UBND")
    page.fill("#id_documents-1-pages", "3")
    page.select_option("#id_documents-1-condition", "certified_copy")
    page.fill("#id_receipt_number", "12/BN-TCD")
    shot(page, shots, "02-visit-form-complaint")
    save_visit(page)
    visit = Visit.objects.get()
    case = visit.case
    assert case.kind == "complaint" and case.channel == Case.Channel.IN_PERSON
    assert set(case.deadlines.values_list("rule_code", flat=True)) == {"K3", "R1"}
    assert page.inner_text("[data-testid=case-reference]") == case.reference
    assert page.inner_text("[data-testid=access-key]")  # shown once, for the appointment slip
    assert "Lê Văn Khiếu" not in page.inner_text("[data-testid=persons]")  # masked by default
    shot(page, shots, "03-visit-recorded")
    # the receipt lists the documents; the officer may print the visitor's identity on it
    with page.expect_popup() as popup:
        page.click("[data-testid=print-receipt]")
    receipt = popup.value
    receipt.wait_for_selector("[data-testid=receipt-document]")
    text = receipt.inner_text("[data-testid=receipt-document]")
    assert "GIẤY BIÊN NHẬN" in text and "Lê Văn Khiếu" in text and "Bản sao Quyết định 15/QĐ-UBND" in text
    receipt.screenshot(path=str(shots / "04-receipt.png"), full_page=True)
    receipt.close()
    # the case is in the workspace, with the visit's deadlines
    page.click("[data-testid=visit-case]")
    page.wait_for_selector("[data-testid=case-status]")
    assert "Thông báo kết quả xử lý cho người đến" in page.content()
    # the register on a phone
    page.set_viewport_size(PHONE)
    page.goto("/admin/reception/")
    assert page.locator("[data-testid=register-row]").count() == 1
    shot(page, shots, "05-register-phone")


def test_a_group_visit_with_its_representatives(transactional_db, world, page, place, shots):
    login(page, world.user(Role.INTAKE).username)
    start_visit(
        page, world, place, kind="petition", summary="Kiến nghị của 12 hộ dân về tiếng ồn công trình ban đêm."
    )
    page.fill("#id_group_size", "12")
    for i in range(6):
        fill_person(
            page,
            i,
            f"Người đại diện {i + 1}",
            f"00120001000{i}",
            f"{i + 1} Lò Đúc, Hà Nội",
            representative=True,
        )
    page.select_option("#id_handling", "received")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector(".help-critical")
    assert "Nhóm 12 người phải cử từ 1 đến 5 người đại diện" in page.inner_text("#main")
    assert not Visit.objects.exists()
    shot(page, shots, "10-group-too-many-representatives")
    # keep two representatives and one member named
    page.uncheck("#id_persons-2-is_representative")
    for i in range(3, 6):
        page.fill(f"#id_persons-{i}-full_name", "")
        page.fill(f"#id_persons-{i}-national_id", "")
        page.fill(f"#id_persons-{i}-address", "")
        page.uncheck(f"#id_persons-{i}-is_representative")
    save_visit(page)
    visit = Visit.objects.get()
    assert visit.group_size == 12 and visit.persons.filter(is_representative=True).count() == 2
    assert visit.case.parties.filter(is_representative=True).count() == 2
    assert "Đoàn đông người: 12 người" in page.inner_text("[data-testid=group-badge]")
    shot(page, shots, "11-group-visit")
    page.set_viewport_size(PHONE)
    page.reload()
    shot(page, shots, "12-group-visit-phone")


def test_a_refusal_with_its_notice(transactional_db, world, page, place, shots):
    login(page, world.user(Role.INTAKE).username)
    start_visit(
        page,
        world,
        place,
        kind="complaint",
        summary="Tiếp tục khiếu nại việc thu hồi đất năm 2019 đã giải quyết lần hai.",
    )
    fill_person(page, 0, "Phạm Văn Kéo", "001200055555", "9 Hàng Gai, Hà Nội")
    page.select_option("#id_handling", "refused")
    page.select_option("#id_refusal_ground", "L9-3")
    page.fill(
        "#id_refusal_explanation",
        "Đã có quyết định giải quyết lần hai có hiệu lực, đã rà soát, trả lời bằng văn bản.",
    )
    shot(page, shots, "20-refusal-form")
    save_visit(page)
    visit = Visit.objects.get()
    assert visit.case is None and visit.refusal.notice_required
    assert "Phải ban hành chậm nhất ngày" in page.inner_text("[data-testid=notice-due]")
    assert page.locator("[data-testid=notice-form]").count() == 0  # the head issues it
    # the head of agency issues the notice (Decree 154/2026 Art 4(3), Mẫu 01/TCD)
    login(page, world.user(Role.HEAD_OF_AGENCY).username)
    page.goto(f"/admin/reception/visits/{visit.pk}/")
    page.fill("[data-testid=notice-form] #id_number", "05/TB-TCD")
    page.fill("[data-testid=notice-form] #id_signer_title", "Chủ tịch UBND Thành phố")
    shot(page, shots, "21-refusal-notice-form")
    page.click("[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("[data-testid=notice-issued]")
    visit.refusal.refresh_from_db()
    assert visit.refusal.notice_number == "05/TB-TCD" and visit.refusal.notice_signer == world.user(
        Role.HEAD_OF_AGENCY
    )
    with page.expect_popup() as popup:
        page.click("[data-testid=print-notice]")
    notice = popup.value
    notice.wait_for_selector("[data-testid=refusal-document]")
    text = notice.inner_text("[data-testid=refusal-document]")
    assert "Về việc từ chối tiếp công dân" in text and "05/TB-TCD" in text and "Phạm Văn Kéo" in text
    assert "Điều 9 khoản 3" in text
    notice.screenshot(path=str(shots / "22-refusal-notice.png"), full_page=True)


def test_a_heads_session_whose_instructions_the_sweep_escalates(transactional_db, world, page, place, shots):
    head = world.user(Role.HEAD_OF_AGENCY)
    intake = world.user(Role.INTAKE)
    now = timezone.localtime()
    starts = (now - dt.timedelta(minutes=40)).replace(second=0, microsecond=0)
    login(page, intake.username)
    page.goto("/admin/reception/sessions/")
    page.click("[data-testid=plan-session]")
    page.select_option("#id_authority", str(world.hn.pk))
    page.select_option("#id_place", str(place.pk))
    page.fill("#id_starts_at", starts.strftime("%d/%m/%Y %H:%M"))
    page.select_option("#id_kind", "periodic")
    page.select_option("#id_presider", str(head.pk))
    page.fill("#id_presider_title", "Chủ tịch UBND Thành phố")
    shot(page, shots, "30-session-plan")
    page.click("[data-testid=session-form] button[type=submit]")
    page.wait_for_selector("[data-testid=session-state]")
    session = HeadSession.objects.get()
    # a visit at the head's session: a denunciation taken in
    page.click("[data-testid=session-add-visit]")
    page.wait_for_selector("[data-testid=visit-form]")
    page.select_option("#id_content_kind", "denunciation")
    page.fill("#id_summary", "Tố cáo cán bộ địa chính phường nhận tiền khi làm thủ tục.")
    page.fill("#id_received_at", (now - dt.timedelta(minutes=20)).strftime("%d/%m/%Y %H:%M"))
    fill_person(page, 0, "Đỗ Thị Tố", "001200077777", "3 Hàng Bồ, Hà Nội")
    page.select_option("#id_handling", "received")
    page.fill("#id_accused_name", "Ông Nguyễn Văn X")
    save_visit(page)
    visit = Visit.objects.get()
    assert visit.session == session and visit.case.kind == "denunciation"
    # the head concludes: an instruction to the Department of Construction, due in 5 days
    login(page, head.username)
    page.goto(f"/admin/reception/sessions/{session.pk}/")
    due = timezone.localdate() + dt.timedelta(days=5)
    page.fill("#id_conclusions", "Giao Sở Xây dựng xác minh, báo cáo kết quả và trả lời công dân.")
    page.fill("#id_notice_number", "125/TB-UBND")
    assert page.input_value("#id_ins-0-case") == visit.case.reference
    page.select_option("#id_ins-0-unit", str(world.hn_sxd.pk))
    page.fill("#id_ins-0-content", "Xác minh nội dung tố cáo, báo cáo kết quả.")
    page.fill("#id_ins-0-due_date", due.strftime("%d/%m/%Y"))
    shot(page, shots, "31-session-conclusions")
    page.click("[data-testid=conclude-submit]")
    page.wait_for_selector("[data-testid=instructions]")
    instruction = Instruction.objects.get()
    deadline = instruction.deadline
    assert deadline.rule_code == "R7" and deadline.state == "open" and deadline.due_date >= due
    assert page.locator("[data-testid=instruction-row]").count() == 1
    shot(page, shots, "32-session-instructions")
    # the same sweep: a warning before the due date, the ladder after it
    before = timezone.make_aware(dt.datetime.combine(deadline.due_date - dt.timedelta(days=1), dt.time(9)))
    escalation_sweep(now=before)
    assert Escalation.objects.filter(deadline=deadline, step__startswith="warn").exists()
    late = timezone.make_aware(dt.datetime.combine(deadline.due_date + dt.timedelta(days=10), dt.time(9)))
    escalation_sweep(now=late)
    case = Case.objects.get(pk=visit.case_id)
    assert case.escalation_level >= 2
    assert set(Escalation.objects.filter(deadline=deadline).values_list("step", flat=True)) >= {"L1", "L2"}
    assert CaseEvent.objects.filter(case=case, kind="case.escalated").count() >= 2
    page.goto(f"/admin/cases/{case.reference}/")
    page.wait_for_selector("[data-testid=case-status]")
    assert f"Cảnh báo cấp {case.escalation_level}" in page.content()
    shot(page, shots, "33-case-escalated")
    # the notice of conclusions lists the instruction and its deadline
    page.goto(f"/admin/reception/sessions/{session.pk}/notice/")
    text = page.inner_text("[data-testid=session-notice]")
    assert (
        "125/TB-UBND" in text
        and "Sở Xây dựng Hà Nội" in text
        and deadline.due_date.strftime("%d/%m/%Y") in text
    )
    page.screenshot(path=str(shots / "34-session-notice.png"), full_page=True)
