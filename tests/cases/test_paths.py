"""The paths the law prescribes after a first resolution, each allowed and refused with its article:
the second-level complaint (Law on Complaints 2011 Arts 7(1), 33(1), K8 from the decision's receipt),
the re-denunciation reviewed by the superior (Law on Denunciations 2018 Art 37(2), T9), the follow-up
on an overdue denunciation (Art 38, T10; Decree 31/2019 Art 5), the transfer of a denunciation
outside competence (Art 24(2)) against the guidance of complaints, and the grounds added or corrected
(Art 37(2)(a), Art 34(3)(c), the group complaint, the re-filed withdrawn complaint from 1/7/2026)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import documents, rules, services, workflow
from cases.delivery.models import Delivery
from cases.documents import DOCX_TYPE, build_docx
from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Attachment, Case, CaseEvent, Deadline, Role
from cases.reasons import REJECTION_REASONS, TERMINATION_REASONS
from cases.services import handling
from tests.cases.test_schedule import ICT, START, accepted, concluded, received, staff

pytestmark = pytest.mark.django_db

PERSON = ("Trần Thị Bình", "001199012345", "12 Hàng Bạc", "0987654321", "binh.tran@example.vn")


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_now(START)
    return set_now


def fresh(case):
    return Case.objects.get(pk=case.pk)


def no_identity(case):
    """No event of the case carries the denouncer's identity."""
    for event in CaseEvent.objects.filter(case=case):
        text = str(event.data)
        for secret in PERSON:
            assert secret not in text, (event.kind, secret)


# ----------------------------------------------------------------------------- second level


def decided_with_receipt(world, received_on):
    case = accepted(world)
    upload = services.FileInput(
        name="quyet-dinh.docx",
        content=build_docx(
            header={"issuer_parent": "", "issuer": "SỞ XÂY DỰNG", "number": "Số: 1", "dateline": "Hà Nội"},
            body="# QUYẾT ĐỊNH\nKhiếu nại sai.\n",
            form="Luật Khiếu nại 2011, Điều 31",
            recipient="complainant",
        ),
        content_type=DOCX_TYPE,
    )
    services.case_conclude(
        case=case, actor=staff(world, Role.HEAD_OF_UNIT), outcome="wrong", summary="Sai", decision_file=upload
    )
    case = fresh(case)
    decision = Attachment.objects.filter(case=case, kind="decision").first()
    Delivery.objects.create(
        case=case,
        attachment=decision,
        recipient_kind=Delivery.Recipient.PARTY,
        party=case.parties.first(),
        channel=Delivery.Channel.IN_PERSON,
        status=Delivery.Status.DELIVERED,
        sent_at=dt.datetime.combine(received_on, dt.time(9), tzinfo=ICT),
        received_on=received_on,
    )
    return case


def test_second_level_refused_while_the_first_level_is_running(world, clock):
    first = accepted(world)
    verdict = services.second_level_verdict(first)
    assert (
        not verdict and "Điều 7 khoản 1" in str(verdict.reason) and "Điều 33 khoản 1" in str(verdict.reason)
    )
    with pytest.raises(ValidationError, match="Điều 33 khoản 1"):
        services.case_open_second_level(case=first, actor=staff(world, Role.INTAKE), description="Lần hai")
    assert not Case.objects.filter(previous_case=first).exists()


def test_second_level_allowed_after_the_first_level_limit_passed_without_a_decision(world, clock):
    first = accepted(world)
    k4 = Deadline.objects.get(case=first, rule_code="K4")
    clock(dt.datetime.combine(k4.due_date + dt.timedelta(days=2), dt.time(9), tzinfo=ICT))
    assert services.second_level_verdict(first)
    later = services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Quá hạn chưa giải quyết"
    ).case
    assert later.complaint_level == "second" and later.previous_case_id == first.pk


def test_the_k8_window_runs_from_the_recorded_receipt_of_the_decision(world, clock):
    first = decided_with_receipt(world, dt.date(2026, 10, 5))
    assert handling.first_level_facts(first)[1] == dt.date(2026, 10, 5)
    window = rules.second_level_window(dt.date(2026, 10, 5), remote=False, calendar=services_calendar())
    assert services.second_level_verdict(first, window.due_date)
    late = services.second_level_verdict(first, window.due_date + dt.timedelta(days=1))
    assert (
        not late
        and "Điều 33 khoản 1" in str(late.reason)
        and window.due_date.strftime("%d/%m/%Y") in str(late.reason)
    )
    clock(dt.datetime.combine(window.due_date + dt.timedelta(days=1), dt.time(9), tzinfo=ICT))
    with pytest.raises(ValidationError, match="Đã quá thời hạn khiếu nại lần hai"):
        services.case_open_second_level(case=first, actor=staff(world, Role.INTAKE), description="Muộn")


def services_calendar():
    from cases.deadline_services import working_calendar

    return working_calendar("citizen")


def test_a_second_level_case_cannot_go_to_a_third(world, clock):
    first = concluded(world)
    later = services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Lần hai"
    ).case
    verdict = services.second_level_verdict(fresh(later))
    assert not verdict and "Điều 7 khoản 1" in str(verdict.reason)


# ----------------------------------------------------------------------------- re-denunciation (Art 37)


def re_denunciation(world):
    first = concluded(world, "denunciation")
    later = services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Kết luận không đúng pháp luật"
    ).case
    return first, fresh(later)


def test_a_re_denunciation_is_reviewed_not_accepted_as_a_new_case(world, clock):
    first, later = re_denunciation(world)
    assert later.review_track == "re_denunciation" and later.authority == world.hn
    codes = set(Deadline.objects.filter(case=later).values_list("rule_code", flat=True))
    assert "T9" in codes and "T1" not in codes
    t9 = Deadline.objects.get(case=later, rule_code="T9")
    # 20 days from Monday 5/10/2026 end on Sunday 25/10, so on Monday 26/10 (Civil Code Art 148(5)).
    assert t9.due_date == dt.date(2026, 10, 26) and t9.unit == "calendar_days"
    with pytest.raises(ValidationError, match="Điều 37 khoản 2"):
        services.case_accept(case=later, actor=staff(world, Role.HEAD_OF_AGENCY))
    with pytest.raises(ValidationError, match="Điều 37 khoản 2"):
        services.case_reject(case=later, actor=staff(world, Role.HEAD_OF_AGENCY), reason_code="TC-29-1-d")
    assert CaseEvent.objects.filter(case=first, kind="case.followed_up").exists()


def test_the_superior_declines_with_a_written_notice_of_reasons(world, clock):
    first, later = re_denunciation(world)
    head = staff(world, Role.HEAD_OF_AGENCY)
    with pytest.raises(ValidationError):
        services.redenunciation_decline(case=later, actor=head, reason_text="")
    services.redenunciation_decline(
        case=later, actor=head, reason_text="Kết luận trước đó đúng trình tự, đủ chứng cứ."
    )
    later = fresh(later)
    assert later.status == "rejected" and later.reason_code == "TC-37-2-a"
    t9 = Deadline.objects.get(case=later, rule_code="T9")
    assert t9.state == Deadline.State.MET and not t9.missed
    event = CaseEvent.objects.get(case=later, kind="redenunciation.declined")
    assert event.visibility == "complainant" and "Điều 37 khoản 2 điểm a" in event.data["legal_basis"]
    reviewed = CaseEvent.objects.get(case=first, kind="redenunciation.reviewed")
    assert reviewed.data == {
        "later_case": later.reference,
        "outcome": "declined",
        "legal_basis": "Luật Tố cáo 2018, Điều 37 khoản 2 điểm a",
    }
    codes = [t.code for t in documents.templates_for(later)]
    assert "tb_khong_giai_quyet_lai" in codes and not {"khong_thu_ly", "khong_thu_ly_to_cao"} & set(codes)
    rendered = documents.render_notice(case=later, code="tb_khong_giai_quyet_lai", user=head)
    assert "không giải quyết lại" in rendered.text and "Điều 37" in rendered.text
    assert "Kết luận trước đó đúng trình tự" in rendered.text
    with pytest.raises(ValidationError, match="đã được xem xét"):
        services.redenunciation_re_resolve(case=later, actor=head, ground_code="TC-37-3-a")
    no_identity(later)
    no_identity(first)


def test_the_decline_ground_is_not_an_ordinary_refusal(world, clock):
    case = received(world, "denunciation")
    with pytest.raises(ValidationError, match="Điều 37 khoản 2 điểm a"):
        services.case_reject(case=case, actor=staff(world, Role.INTAKE), reason_code="TC-37-2-a")


def test_the_superior_re_resolves_on_a_ground_of_article_37_3(world, clock):
    first, later = re_denunciation(world)
    head = staff(world, Role.HEAD_OF_AGENCY)
    with pytest.raises(ValidationError):
        services.redenunciation_re_resolve(case=later, actor=head, ground_code="TC-29-1-d")
    services.redenunciation_re_resolve(
        case=later, actor=head, ground_code="TC-37-3-b", note="Bỏ sót biên bản xác minh"
    )
    later = fresh(later)
    assert later.status == "accepted" and later.accepted_at is not None
    states = dict(Deadline.objects.filter(case=later).values_list("rule_code", "state"))
    assert states["T9"] == "met" and states["T4"] == "open" and states["T3"] == "open"
    assert (
        CaseEvent.objects.get(case=first, kind="redenunciation.reviewed").data["outcome"] == "re_resolution"
    )


def test_only_the_head_reviews(world, clock):
    _first, later = re_denunciation(world)
    with pytest.raises(PermissionDeniedError):
        services.redenunciation_decline(case=later, actor=staff(world, Role.INTAKE), reason_text="x")
    with pytest.raises(PermissionDeniedError):
        services.redenunciation_decline(
            case=later, actor=world.user(Role.HEAD_OF_AGENCY, "hp"), reason_text="x"
        )


def test_a_re_denunciation_outside_competence_is_transferred(world, clock):
    first, later = re_denunciation(world)
    services.redenunciation_transfer(
        case=later, actor=staff(world, Role.HEAD_OF_AGENCY), to_authority=world.hn_ward
    )
    later = fresh(later)
    assert later.status == "transferred" and later.transferred_to == world.hn_ward
    assert Deadline.objects.get(case=later, rule_code="T9").state == "met"
    assert CaseEvent.objects.get(case=first, kind="redenunciation.reviewed").data["outcome"] == "transferred"


# ----------------------------------------------------------------------------- overdue (Art 38)


def overdue_follow_up(world, clock):
    first = accepted(world, "denunciation")
    t4 = Deadline.objects.get(case=first, rule_code="T4")
    clock(dt.datetime.combine(t4.due_date + dt.timedelta(days=3), dt.time(9), tzinfo=ICT))
    later = services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Quá hạn mà chưa được giải quyết"
    ).case
    return fresh(first), fresh(later)


def test_overdue_follow_up_asks_for_a_report_and_the_lower_body_continues(world, clock):
    first, later = overdue_follow_up(world, clock)
    assert later.review_track == "overdue"
    assert Deadline.objects.get(case=later, rule_code="T10").state == "open"
    head = staff(world, Role.HEAD_OF_AGENCY)
    with pytest.raises(ValidationError, match="Điều 38"):
        services.case_accept(case=later, actor=head)
    with pytest.raises(ValidationError, match="Điều 37 khoản 2"):
        services.redenunciation_decline(case=later, actor=head, reason_text="x")
    # The lower body cannot report before it was asked (Art 38(2)).
    with pytest.raises(ValidationError, match="Điều 38 khoản 2"):
        services.followup_report_submit(case=first, actor=staff(world, Role.HEAD_OF_UNIT), report="Báo cáo")

    services.followup_request_report(case=later, actor=head, note="Đề nghị báo cáo")
    later, first = fresh(later), fresh(first)
    assert later.status == "monitoring"
    assert Deadline.objects.get(case=later, rule_code="T10").state == "met"
    asked = Deadline.objects.get(case=first, rule_code="T10", state="open")
    assert asked.limit_days == 5 and asked.unit == "working_days"
    assert CaseEvent.objects.filter(case=first, kind="followup.report_requested").exists()
    rendered = documents.render_notice(case=later, code="yeu_cau_bao_cao_to_cao_qua_han", user=head)
    assert "Điều 38" in rendered.text and not rendered.identity_included
    for secret in PERSON:
        assert secret not in rendered.text

    # Closing the follow-up waits for the lower body's result (Art 38(3)-(4)).
    with pytest.raises(ValidationError, match="Điều 38 khoản 3"):
        services.followup_close(case=later, actor=head)

    services.followup_report_submit(
        case=first,
        actor=staff(world, Role.HEAD_OF_UNIT),
        report="Chậm do chờ giám định; tiếp tục giải quyết.",
    )
    first = fresh(first)
    assert first.status == "accepted"  # it continues resolving
    assert Deadline.objects.get(case=first, rule_code="T10").state == "met"
    assert CaseEvent.objects.filter(case=later, kind="followup.report_received").exists()

    services.case_conclude(case=first, actor=staff(world, Role.HEAD_OF_UNIT), outcome="false", summary="Sai")
    services.followup_close(case=later, actor=head)
    assert fresh(later).status == "closed"
    assert CaseEvent.objects.filter(case=first, kind="followup.closed").exists()
    no_identity(first)
    no_identity(later)


def test_take_over_only_on_a_ground_of_decree_31_article_5(world, clock):
    first, later = overdue_follow_up(world, clock)
    head = staff(world, Role.HEAD_OF_AGENCY)
    with pytest.raises(ValidationError):
        services.followup_take_over(case=later, actor=head, ground_code="TC-37-3-a", note="x")
    with pytest.raises(ValidationError):
        services.followup_take_over(case=later, actor=head, ground_code="ND31-5-2-a", note="")
    services.followup_take_over(
        case=later, actor=head, ground_code="ND31-5-2-a", note="Người bị tố cáo là em ruột người xác minh"
    )
    later, first = fresh(later), fresh(first)
    assert later.status == "accepted"
    assert Deadline.objects.get(case=later, rule_code="T4").state == "open"
    assert first.status == "transferred" and first.transferred_to == world.hn
    assert not Deadline.objects.filter(case=first, state="open", bearer="agency").exists()
    event = CaseEvent.objects.get(case=later, kind="followup.taken_over")
    assert "Nghị định 31/2019/NĐ-CP, Điều 5 khoản 2 điểm a" in event.data["legal_basis"]


def test_a_follow_up_before_the_limit_or_the_conclusion_is_refused(world, clock):
    first = accepted(world, "denunciation")
    verdict = services.followup_verdict(first)
    assert not verdict and "Điều 38 khoản 1" in str(verdict.reason)


# ----------------------------------------------------------------------------- competence, grounds


def test_a_denunciation_outside_competence_is_transferred_not_rejected(world, clock):
    assert REJECTION_REASONS.get("TC-29-1-c") is None
    case = received(world, "denunciation")
    with pytest.raises(ValidationError):
        services.case_reject(case=case, actor=staff(world, Role.INTAKE), reason_code="TC-29-1-c")
    services.case_transfer(case=case, actor=staff(world, Role.INTAKE), to_authority=world.hn_ward)
    assert fresh(case).status == "transferred"


def test_a_complaint_outside_competence_is_guided_not_transferred(world, clock):
    case = received(world)
    with pytest.raises(ValidationError, match="hướng dẫn"):
        services.case_transfer(case=case, actor=staff(world, Role.INTAKE), to_authority=world.hn_ward)
    services.case_guide(case=case, actor=staff(world, Role.INTAKE), guidance="Gửi UBND phường Hoàn Kiếm")
    assert fresh(case).status == "guided"


def test_an_accepted_denunciation_is_not_transferred(world, clock):
    case = accepted(world, "denunciation")
    with pytest.raises(ValidationError, match="Điều 24 khoản 2"):
        services.case_transfer(case=case, actor=staff(world, Role.INTAKE), to_authority=world.hn_ward)


def test_missing_grounds_and_their_versions():
    before, after = dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    assert REJECTION_REASONS.get("KN-11-refiled", before) is None
    assert "136/2025" in REJECTION_REASONS.get("KN-11-refiled", after).legal_basis
    assert REJECTION_REASONS.get("KN-11-5-group", before) is not None
    assert REJECTION_REASONS.get("KN-11-4-group", after) is not None
    assert "Điều 37 khoản 2 điểm a" in REJECTION_REASONS.get("TC-37-2-a", before).legal_basis
    assert "đã có hiệu lực pháp luật" in TERMINATION_REASONS.get("TC-34-3-c", after).label_vi


def test_a_withdrawn_complaint_is_ended_by_a_decision_not_closed(world, clock):
    case = accepted(world)
    services.case_withdraw(
        case=case, actor=staff(world, Role.INTAKE), statement="Đơn rút có chữ ký", evidence="signed_letter"
    )
    with pytest.raises(workflow.InvalidTransition):
        services.case_close(case=fresh(case), actor=staff(world, Role.HEAD_OF_UNIT))
    services.case_terminate(
        case=fresh(case), actor=staff(world, Role.HEAD_OF_UNIT), reason_code="KN-10-withdrawn"
    )
    assert fresh(case).status == "terminated"


# ----------------------------------------------------------------------------- withdrawal


def test_an_online_withdrawal_is_an_intent_until_the_signed_letter(world, clock):
    from cases.actors import Citizen

    case = accepted(world)
    services.case_withdrawal_request(case=case, actor=Citizen.with_key(case.pk), statement="Tôi xin rút")
    case = fresh(case)
    assert case.status == "accepted" and case.withdrawal_requested_at is not None
    assert Deadline.objects.get(case=case, rule_code="K4").state == "open"  # still running
    assert not rules.citizen_may_request_withdrawal(case)
    with pytest.raises(ValidationError, match="Điều 10"):
        services.case_withdrawal_request(case=case, actor=Citizen.with_key(case.pk))
    with pytest.raises(PermissionDeniedError, match="Điều 10"):
        services.case_withdraw(case=case, actor=Citizen.with_key(case.pk), evidence="signed_letter")
    # No signed letter came: the staff decide, with the reason, that it continues.
    services.case_withdraw(
        case=case,
        actor=staff(world, Role.HEAD_OF_UNIT),
        continue_resolution=True,
        continue_reason="Sau 15 ngày chưa nhận được đơn rút có chữ ký",
    )
    case = fresh(case)
    assert case.status == "accepted" and case.withdrawal_requested_at is None
    event = CaseEvent.objects.get(case=case, kind="case.withdrawal_not_confirmed")
    assert event.visibility == "complainant" and "chưa nhận được" in event.data["reason"]


def test_a_signed_complaint_withdrawal_cannot_be_overridden(world, clock):
    case = accepted(world)
    with pytest.raises(ValidationError, match="Điều 10"):
        services.case_withdraw(
            case=case,
            actor=staff(world, Role.HEAD_OF_UNIT),
            evidence="signed_letter",
            continue_resolution=True,
            continue_reason="Muốn tiếp tục",
        )


def test_a_denunciation_withdrawal_needs_the_letter_or_minutes_and_a_reason(world, clock):
    case = accepted(world, "denunciation")
    head = staff(world, Role.HEAD_OF_UNIT)
    with pytest.raises(ValidationError, match="Mẫu 02"):
        services.case_withdraw(case=case, actor=head, statement="rút")
    with pytest.raises(ValidationError, match="Điều 33 khoản 3"):
        services.case_withdraw(case=case, actor=head, statement="rút", evidence="minutes")
    services.case_withdraw(
        case=case,
        actor=head,
        statement="Biên bản ghi nhận việc rút tố cáo",
        evidence="minutes",
        end_reason="Không có dấu hiệu vi phạm; việc rút là tự nguyện",
    )
    assert fresh(case).status == "withdrawn"
    services.case_terminate(case=fresh(case), actor=head, reason_code="TC-34-3-a")
    case = fresh(case)
    assert case.status == "terminated"
    assert Deadline.objects.filter(case=case, rule_code="T5", state="open").exists()  # decision goes out


def test_a_denunciation_continues_when_article_33_3_applies(world, clock):
    case = accepted(world, "denunciation")
    services.case_withdraw(
        case=case,
        actor=staff(world, Role.HEAD_OF_UNIT),
        evidence="signed_letter",
        continue_resolution=True,
        continue_reason="Có căn cứ việc rút do bị mua chuộc",
    )
    assert fresh(case).status == "accepted"
    assert (
        CaseEvent.objects.get(case=case, kind="case.withdrawal_overridden").data["evidence"]
        == "signed_letter"
    )


def test_a_partial_withdrawal_leaves_the_rest_running(world, clock):
    case = accepted(world, "denunciation")
    services.case_withdraw(
        case=case,
        actor=staff(world, Role.HEAD_OF_UNIT),
        evidence="signed_letter",
        scope="part",
        part="Nội dung thứ hai (việc thu phí)",
    )
    case = fresh(case)
    assert case.status == "accepted"
    assert CaseEvent.objects.get(case=case, kind="case.withdrawn_partly").data["part"].startswith("Nội dung")
    with pytest.raises(ValidationError):
        services.case_withdraw(
            case=case, actor=staff(world, Role.HEAD_OF_UNIT), evidence="minutes", scope="part"
        )


def test_one_member_of_a_group_leaves_and_the_case_continues(world, clock):
    from tests.cases.test_services import submit

    two = [
        services.PartyInput(
            full_name="Trần Thị Bình",
            national_id="001199012345",
            address="12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
            phone="0987654321",
            is_representative=True,
        ),
        services.PartyInput(
            full_name="Lê Văn Cường",
            national_id="001199054321",
            address="14 Hàng Bạc, Hoàn Kiếm, Hà Nội",
            phone="0987654322",
        ),
    ]
    case = submit(world, parties=two, received_at=START - dt.timedelta(hours=1)).case
    services.case_accept(case=case, actor=staff(world, Role.INTAKE))
    first, second = list(case.parties.order_by("pk"))
    head = staff(world, Role.HEAD_OF_UNIT)
    services.case_withdraw(case=case, actor=head, evidence="signed_letter", party=first)
    case = fresh(case)
    assert case.status == "accepted"
    event = CaseEvent.objects.get(case=case, kind="case.party_withdrew")
    assert event.data["parties_left"] == 1 and "Trần Thị Bình" not in str(event.data)
    services.case_withdraw(case=case, actor=head, evidence="signed_letter", party=second)
    assert fresh(case).status == "withdrawn"  # the last one left: the whole complaint is withdrawn


# ----------------------------------------------------------------------------- Art 35 (K14)


def test_the_contested_decision_is_suspended_within_the_time_left(world, clock):
    case = accepted(world)
    head = staff(world, Role.HEAD_OF_UNIT)
    k4 = Deadline.objects.get(case=case, rule_code="K4")
    with pytest.raises(ValidationError, match="Điều 35"):
        services.contested_decision_suspend(
            case=case, actor=head, until=k4.due_date + dt.timedelta(days=1), reason="Cưỡng chế phá dỡ"
        )
    with pytest.raises(PermissionDeniedError):
        services.contested_decision_suspend(
            case=case, actor=staff(world, Role.INTAKE), until=k4.due_date, reason="Cưỡng chế phá dỡ"
        )
    services.contested_decision_suspend(
        case=case, actor=head, until=k4.due_date, reason="Cưỡng chế phá dỡ nhà, khó khắc phục"
    )
    event = CaseEvent.objects.get(case=case, kind="contested_decision.suspended")
    assert event.visibility == "complainant" and event.data["until"] == k4.due_date.isoformat()
    with pytest.raises(ValidationError, match="đang được tạm đình chỉ"):
        services.contested_decision_suspend(case=case, actor=head, until=k4.due_date, reason="Lần nữa")
    services.contested_decision_suspension_lift(case=case, actor=head, reason="Đã có phương án bảo đảm")
    with pytest.raises(ValidationError, match="Điều 35"):
        services.contested_decision_suspension_lift(case=case, actor=head, reason="Lần nữa")


def test_no_suspension_of_the_contested_decision_outside_a_running_complaint(world, clock):
    case = accepted(world, "denunciation")
    with pytest.raises(ValidationError, match="Điều 35"):
        services.contested_decision_suspend(
            case=case, actor=staff(world, Role.HEAD_OF_UNIT), until=START.date(), reason="x"
        )
