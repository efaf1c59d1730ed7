"""The handling steps after verification starts (issue 14): verification work, the verification
report and the head's review, the dialogue (notice K15, minutes, mandatory at second level and where
the findings differ), the decision issued in the competent person's name, publication and sending
recorded with their dates, the continuation decision after a suspension, and the reasons the case
page shows beside a disabled action. Each step allowed and refused, the article in the refusal."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import permissions, services
from cases.admin.actions import ACTIONS, action_states
from cases.delivery.services import delivery_record
from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Attachment, Authority, Case, CaseEvent, Deadline, Role
from cases.verification import services as verification
from cases.verification import steps
from cases.verification.models import Dialogue, VerificationRecord, VerificationReport

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=ICT)


def pdf(name="bien-ban.pdf"):
    return services.FileInput(name=name, content=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def verifying(world, kind="complaint", **kw) -> Case:
    """A case accepted, assigned to the inspector and under verification."""
    case = services.case_submit(
        kind=kind,
        subject="Khiếu nại việc thu hồi đất" if kind == "complaint" else "Tố cáo cán bộ địa chính",
        description="Đề nghị xem xét, giải quyết theo quy định.",
        parties=[
            services.PartyInput(
                full_name="Trần Thị Bình", address="12 Hàng Bạc, Hà Nội", email="b@example.vn"
            )
        ],
        authority=world.hn_sxd,
        contested_act="Quyết định 12/QĐ-UBND" if kind == "complaint" else "",
        accused_name="Ông Nguyễn Văn X" if kind == "denunciation" else "",
        actor=world.user(Role.INTAKE),
        **kw,
    ).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_assign(case=case, actor=world.user(Role.HEAD_OF_UNIT), assignee=world.user(Role.INSPECTOR))
    services.case_start_verification(case=case, actor=world.user(Role.INSPECTOR), plan="Xác minh")
    return Case.objects.get(pk=case.pk)


def reported(world, case: Case, *, differ=False) -> VerificationReport:
    inspector = world.user(Role.INSPECTOR)
    verification.verification_record_add(
        case=case, actor=inspector, kind="minutes", date=timezone.localdate(), summary="Làm việc với các bên"
    )
    return verification.verification_report_submit(
        case=case,
        actor=inspector,
        findings="Đúng một phần",
        draft_summary="Dự thảo quyết định",
        findings_differ=differ,
    )


def fresh(case):
    return Case.objects.get(pk=case.pk)


# ------------------------------------------------------------------------------ verification work


def test_inspector_records_verification_work_with_a_file(world):
    case = verifying(world)
    row = verification.verification_record_add(
        case=case,
        actor=world.user(Role.INSPECTOR),
        kind=VerificationRecord.Kind.EXPERT,
        date=timezone.localdate(),
        summary="Kết luận giám định chữ ký",
        file=pdf(),
    )
    assert row.attachment is not None and row.attachment.visibility == "internal"
    assert row.history.count() == 1
    event = CaseEvent.objects.filter(case=case).latest("seq")
    assert event.kind == "verification.recorded" and event.data["kind"] == "expert"


def test_verification_work_refused_before_verification_and_for_other_roles(world):
    case = verifying(world)
    with pytest.raises(PermissionDeniedError):
        verification.verification_record_add(
            case=case, actor=world.user(Role.INTAKE), kind="minutes", date=timezone.localdate(), summary="x"
        )
    with pytest.raises(ValidationError, match="tương lai"):
        verification.verification_record_add(
            case=case,
            actor=world.user(Role.INSPECTOR),
            kind="minutes",
            date=timezone.localdate() + dt.timedelta(days=1),
            summary="x",
        )
    accepted = services.case_submit(
        kind="complaint",
        subject="Khiếu nại",
        description="Nội dung",
        parties=[services.PartyInput(full_name="Lê Văn C", address="Hà Nội")],
        authority=world.hn_sxd,
        contested_act="Quyết định 1/QĐ",
        actor=world.user(Role.INTAKE),
    ).case
    services.case_accept(case=accepted, actor=world.user(Role.INTAKE))
    with pytest.raises(ValidationError, match="Điều 29"):
        verification.verification_record_add(
            case=accepted,
            actor=world.user(Role.HEAD_OF_UNIT),
            kind="minutes",
            date=timezone.localdate(),
            summary="x",
        )


# ------------------------------------------------------------------------------ report and review


def test_report_needs_work_on_file_and_one_at_a_time(world):
    case = verifying(world)
    inspector = world.user(Role.INSPECTOR)
    with pytest.raises(ValidationError, match="Điều 32"):
        verification.verification_report_submit(case=case, actor=inspector, findings="x", draft_summary="y")
    report = reported(world, case)
    assert report.status == VerificationReport.Status.SUBMITTED and report.round == 1
    with pytest.raises(ValidationError, match="chờ hoặc đã được lãnh đạo duyệt"):
        verification.verification_report_submit(case=case, actor=inspector, findings="x", draft_summary="y")


def test_head_approves_inspector_may_not(world):
    case = verifying(world)
    reported(world, case)
    with pytest.raises(PermissionDeniedError):
        verification.verification_report_approve(case=case, actor=world.user(Role.INSPECTOR))
    report = verification.verification_report_approve(
        case=case, actor=world.user(Role.HEAD_OF_UNIT), comment="Đồng ý"
    )
    assert report.status == VerificationReport.Status.APPROVED and report.reviewed_by == world.user(
        Role.HEAD_OF_UNIT
    )
    with pytest.raises(ValidationError, match="chờ duyệt"):
        verification.verification_report_approve(case=case, actor=world.user(Role.HEAD_OF_UNIT))


def test_head_returns_with_comments_and_the_inspector_submits_again(world):
    case = verifying(world)
    reported(world, case)
    head = world.user(Role.HEAD_OF_UNIT)
    with pytest.raises(ValidationError):
        verification.verification_report_return(case=case, actor=head, comment="")
    verification.verification_report_return(
        case=case, actor=head, comment="Bổ sung biên bản làm việc với phường"
    )
    event = CaseEvent.objects.filter(case=case, kind="verification.report_returned").get()
    assert event.data["comment"] == "Bổ sung biên bản làm việc với phường"
    # Conclude is refused while the report is back with the inspector (Art 29(4)).
    with pytest.raises(ValidationError, match="Điều 29 khoản 4"):
        services.case_conclude(case=case, actor=head, outcome="right", summary="x")
    again = verification.verification_report_submit(
        case=case, actor=world.user(Role.INSPECTOR), findings="Đã bổ sung", draft_summary="Dự thảo 2"
    )
    assert again.round == 2


# ------------------------------------------------------------------------------ the decision


def test_decision_refused_without_report_then_issued_in_the_competent_persons_name(world):
    case = verifying(world, kind="denunciation")
    head = world.user(Role.HEAD_OF_UNIT)
    with pytest.raises(ValidationError, match="Luật Tố cáo 2018, Điều 32"):
        services.case_conclude(case=case, actor=head, outcome="partly_true", summary="x")
    reported(world, case)
    services.case_conclude(
        case=case, actor=head, outcome="partly_true", summary="Đúng một phần"
    )  # signs directly
    case = fresh(case)
    assert case.status == "concluded"
    assert steps.latest_report(case).status == VerificationReport.Status.ISSUED
    event = CaseEvent.objects.get(case=case, kind="case.concluded")
    assert event.data["issued_as"] == "Giám đốc Sở Xây dựng Hà Nội"


@pytest.mark.parametrize(
    ("name", "level", "title"),
    [
        ("UBND phường Hoàn Kiếm", Authority.Level.COMMUNE, "Chủ tịch Ủy ban nhân dân phường Hoàn Kiếm"),
        ("UBND Thành phố Hà Nội", Authority.Level.PROVINCIAL, "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội"),
        ("Sở Xây dựng Hà Nội", Authority.Level.DEPARTMENT, "Giám đốc Sở Xây dựng Hà Nội"),
        ("Bộ Tài nguyên và Môi trường", Authority.Level.NATIONAL, "Bộ trưởng Bộ Tài nguyên và Môi trường"),
        ("Thanh tra Chính phủ", Authority.Level.NATIONAL, "Tổng Thanh tra Chính phủ"),
    ],
)
def test_competent_title_from_the_authority(name, level, title):
    """Law on Complaints Arts 17-22: never "Thủ trưởng UBND"."""
    result = steps.competent_title(Authority(name_vi=name, level=level))
    assert result == title and "Thủ trưởng UBND" not in result


# ------------------------------------------------------------------------------ dialogue


def test_dialogue_notice_at_least_five_days_ahead(world):
    case = verifying(world)
    inspector = world.user(Role.INSPECTOR)
    with pytest.raises(ValidationError, match=r"ít nhất 05 ngày.*Nghị định 124/2020") as exc:
        services.case_schedule_dialogue(
            case=case, actor=inspector, when=timezone.now() + dt.timedelta(days=3), place="Trụ sở"
        )
    assert "notice_sent_on" in exc.value.field_errors
    services.case_schedule_dialogue(
        case=case,
        actor=inspector,
        when=timezone.now() + dt.timedelta(days=8),
        place="Trụ sở Sở Xây dựng",
        notice_recipients="Người khiếu nại; UBND phường",
        notice_sent_on=timezone.localdate(),
    )
    assert fresh(case).status == "dialogue"
    k15 = Deadline.objects.get(case=case, rule_code="K15")
    assert k15.state == Deadline.State.MET and not k15.missed
    dialogue = Dialogue.objects.get(case=case)
    assert dialogue.notice_sent_on == timezone.localdate() and dialogue.status == "scheduled"


def test_dialogue_minutes_after_the_dialogue_then_decision(world):
    case = verifying(world)
    inspector, head = world.user(Role.INSPECTOR), world.user(Role.HEAD_OF_UNIT)
    reported(world, case, differ=True)
    services.case_schedule_dialogue(
        case=case, actor=inspector, when=timezone.now() + dt.timedelta(days=7), place="P"
    )
    with pytest.raises(ValidationError, match="biên bản đối thoại"):
        services.case_conclude(case=case, actor=head, outcome="right", summary="x")
    with pytest.raises(ValidationError, match="Ngày đối thoại"):
        verification.dialogue_record_minutes(
            case=case,
            actor=inspector,
            held_on=timezone.localdate(),
            participants="A",
            result="B",
            minutes=pdf(),
        )
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: real_now() + dt.timedelta(days=8)):
        with pytest.raises(ValidationError, match="Điều 30"):  # the signed minutes are needed
            verification.dialogue_record_minutes(
                case=case, actor=inspector, held_on=timezone.localdate(), participants="A", result="B"
            )
        verification.dialogue_record_minutes(
            case=case,
            actor=inspector,
            held_on=timezone.localdate(),
            participants="Người khiếu nại, đại diện UBND phường",
            result="Người khiếu nại giữ nguyên yêu cầu",
            minutes=pdf(),
        )
        services.case_conclude(case=case, actor=head, outcome="wrong", summary="Khiếu nại sai")
    assert fresh(case).status == "decided"
    assert Dialogue.objects.get(case=case).status == "held"


def test_first_level_decision_refused_without_dialogue_where_findings_differ(world):
    case = verifying(world)
    reported(world, case, differ=True)
    with pytest.raises(ValidationError, match="Điều 30 khoản 1"):
        services.case_conclude(case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="wrong", summary="x")


def test_first_level_decision_without_dialogue_where_findings_agree(world):
    case = verifying(world)
    reported(world, case, differ=False)
    services.case_conclude(case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="right", summary="Đúng")
    assert fresh(case).status == "decided"


def test_second_level_decision_refused_without_dialogue(world):
    case = verifying(world)
    case.complaint_level = Case.Level.SECOND
    case.save(update_fields=["complaint_level"])
    reported(world, case, differ=False)
    with pytest.raises(ValidationError, match=r"lần hai.*Điều 39"):
        services.case_conclude(case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="right", summary="x")
    assert steps.dialogue_requirement(case) == "Luật Khiếu nại 2011, Điều 39"


def test_complainant_absent_does_not_block_the_decision(world):
    case = verifying(world)
    case.complaint_level = Case.Level.SECOND
    case.save(update_fields=["complaint_level"])
    reported(world, case)
    inspector = world.user(Role.INSPECTOR)
    services.case_schedule_dialogue(
        case=case, actor=inspector, when=timezone.now() + dt.timedelta(days=6), place="P"
    )
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: real_now() + dt.timedelta(days=7)):
        verification.dialogue_record_minutes(
            case=case,
            actor=inspector,
            held_on=timezone.localdate(),
            participants="",
            result="Vắng mặt",
            absent=True,
        )
        services.case_conclude(case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="wrong", summary="Sai")
    assert fresh(case).status == "decided"


# ------------------------------------------------------------------------------ publish, send, close


def test_publication_recorded_with_its_date_and_recipients_meets_t8(world):
    case = verifying(world, kind="denunciation")
    head = world.user(Role.HEAD_OF_UNIT)
    reported(world, case)
    services.case_conclude(case=case, actor=head, outcome="true", summary="Đúng")
    with pytest.raises(ValidationError, match="Ngày công khai"):
        services.case_publish(
            case=case,
            actor=head,
            channel="Niêm yết",
            published_on=timezone.localdate() + dt.timedelta(days=1),
        )
    services.case_publish(case=case, actor=head, channel="Niêm yết", recipients="Trụ sở Sở Xây dựng")
    t8 = Deadline.objects.get(case=case, rule_code="T8")
    assert t8.state == Deadline.State.MET and not t8.missed
    event = CaseEvent.objects.get(case=case, kind="case.published")
    assert event.data["published_on"] == timezone.localdate().isoformat()
    assert event.data["recipients"] == "Trụ sở Sở Xây dựng"


def test_close_refused_until_the_decision_was_sent_and_sending_meets_k7(world):
    case = verifying(world)
    head = world.user(Role.HEAD_OF_UNIT)
    reported(world, case)
    services.case_conclude(
        case=case,
        actor=head,
        outcome="right",
        summary="Đúng",
        decision_number="15/QĐ",
        decision_file=pdf("qd.pdf"),
    )
    with pytest.raises(ValidationError, match="Luật Khiếu nại số 02/2011/QH13, Điều 32"):
        services.case_close(case=case, actor=head)
    k7 = Deadline.objects.get(case=case, rule_code="K7")
    assert k7.state == Deadline.State.OPEN  # closing did not pretend it was met
    delivery_record(
        case=case,
        actor=head,
        attachment=Attachment.objects.get(case=case, kind="decision"),
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    k7.refresh_from_db()
    assert k7.state == Deadline.State.MET
    services.case_close(case=case, actor=head)
    assert fresh(case).status == "closed"


# ------------------------------------------------------------------------------ continuation


def test_continuation_decision_restarts_the_clock_from_its_date(world, monkeypatch):
    head = world.user(Role.HEAD_OF_UNIT)

    def on(day):
        monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, day))

    on(2)  # Monday 02/03/2026
    case = services.case_submit(
        kind="denunciation",
        subject="Tố cáo",
        description="Nội dung",
        parties=[services.PartyInput(full_name="Lê Văn C", address="Hà Nội")],
        authority=world.hn_sxd,
        accused_name="Ông X",
        actor=world.user(Role.INTAKE),
        received_at=at(2026, 3, 2, 8),
    ).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    on(10)
    services.case_suspend(case=case, actor=head, reason_code="TC-34-1-b", decision_number="01/QĐ-TĐC")
    on(20)
    with pytest.raises(ValidationError):
        services.case_resume(case=case, actor=head, decision_number="")
    with pytest.raises(ValidationError, match="trước quyết định tạm đình chỉ"):
        services.case_resume(
            case=case, actor=head, decision_number="02/QĐ", decision_date=dt.date(2026, 3, 9)
        )
    # The continuation decision was signed on 15/03 and is recorded on 20/03: the clock runs again
    # from 16/03 (Law on Denunciations Art 34(2)), not from the day it was typed in.
    services.case_resume(
        case=case, actor=head, decision_number="02/QĐ-TTGQ", decision_date=dt.date(2026, 3, 15)
    )
    t4 = Deadline.objects.get(case=case, rule_code="T4")
    assert t4.paused_intervals == [["2026-03-11", "2026-03-15"]]
    assert t4.due_date == dt.date(2026, 4, 6)  # 01/04 + 5 days
    event = CaseEvent.objects.get(case=case, kind="case.resumed")
    assert event.data["decision_number"] == "02/QĐ-TTGQ" and "Điều 34 khoản 2" in event.data["legal_basis"]


def test_resume_refused_for_an_inspector_and_when_not_suspended(world):
    case = verifying(world)
    with pytest.raises(PermissionDeniedError):
        services.case_resume(case=case, actor=world.user(Role.INSPECTOR), decision_number="1")
    with pytest.raises(ValidationError, match="tạm đình chỉ"):
        services.case_resume(case=case, actor=world.user(Role.HEAD_OF_UNIT), decision_number="1")


# ------------------------------------------------------------------------------ why not


def test_disabled_actions_carry_the_reason(world):
    case = verifying(world, kind="denunciation")
    inspector, head = world.user(Role.INSPECTOR), world.user(Role.HEAD_OF_UNIT)
    states = {s.action.slug: s for s in action_states(inspector, case)}
    assert (
        states["extend"].allowed is False
        and states["extend"].reason == "chỉ Trưởng phòng, Thủ trưởng cơ quan"
    )
    assert states["conclude"].allowed is False and "Trưởng phòng" in states["conclude"].reason
    assert states["record-work"].allowed is True
    assert states["submit-report"].allowed is False and "Điều 32" in states["submit-report"].reason
    head_states = {s.action.slug: s for s in action_states(head, case)}
    assert head_states["extend"].reason.startswith("Cần phân loại Phức tạp để gia hạn")
    assert "Điều 32" in head_states["conclude"].reason
    assert permissions.why_not("verify", world.inspector2, case) == "chỉ người được giao xử lý hồ sơ"
    # The service refuses with the same words the button shows.
    with pytest.raises(ValidationError) as exc:
        services.case_extend(case=case, actor=head, days=10, decision_number="1", justification="x")
    assert str(exc.value.message) == head_states["extend"].reason
    assert action_states(world.user(Role.AUDITOR), case) == []
    assert ACTIONS["approve-report"].state(head, case) is None  # nothing submitted yet: not shown


# ------------------------------------------------------------- suspension, ending, continuation


def _act(slug, case, user, **data):
    """Run a case-page action through its own form, as the workspace does (the tick box on)."""
    action = ACTIONS[slug]
    form = action.form_class(data={"generate_notice": "on", **data}, case=case, user=user)
    assert form.is_valid(), form.errors
    return action.run(fresh(case), user, form)


def _issued(case, code):
    """The decision filed from its standard form, and its text."""
    from cases.documents import docx_text
    from cases.services.attachments import private_storage

    row = Attachment.objects.filter(case=case, original_name__startswith=f"{code}-").order_by("-pk").first()
    assert row is not None, f"{code} not filed"
    with private_storage().open(row.file.name, "rb") as fh:
        return row, docx_text(fh.read())


def _has_its_parts(case, code, text, number=""):
    from cases import documents

    entry = documents.TEMPLATES[code].entry(case)
    # The form and its number (or, where the law has none, its instrument) cited on the document.
    assert documents.form_line(entry) in text.splitlines()
    if entry["form"]:
        assert entry["form"] in text.splitlines()[0]
    assert entry["title"] in text
    for group in ("legal_basis", "content", "recipients"):
        for part in entry[group]:
            assert part in text, f"{code}: {group} {part!r} missing"
    assert steps.competent_title(case.authority).split(" ")[0].upper() in text
    if number:
        assert f"Số: {number}" in text


def test_suspension_decision_is_issued_from_its_form_and_sending_it_meets_k16(world):
    case = verifying(world)
    head = world.user(Role.HEAD_OF_UNIT)
    _act(
        "suspend",
        case,
        head,
        reason_code="KN-11a-related",
        decision_number="05/QĐ-TĐC",
        version=fresh(case).version,
    )
    row, text = _issued(case, "qd_tam_dinh_chi_khieu_nai")
    _has_its_parts(case, "qd_tam_dinh_chi_khieu_nai", text, "05/QĐ-TĐC")
    assert row.kind == "decision"
    k16 = Deadline.objects.get(case=case, rule_code="K16")
    assert k16.state == Deadline.State.OPEN
    delivery_record(
        case=case,
        actor=head,
        attachment=row,
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    k16.refresh_from_db()
    assert k16.state == Deadline.State.MET and not k16.missed
    # The continuation decision opens K16 again; its own dispatch meets it, not the earlier one.
    _act(
        "resume",
        case,
        head,
        decision_number="06/QĐ-TTGQ",
        decision_date=timezone.localdate().isoformat(),
        note="",
        version=fresh(case).version,
    )
    resumed, text = _issued(case, "qd_tiep_tuc_khieu_nai")
    _has_its_parts(case, "qd_tiep_tuc_khieu_nai", text, "06/QĐ-TTGQ")
    again = Deadline.objects.get(case=case, rule_code="K16", state=Deadline.State.OPEN)
    delivery_record(
        case=case,
        actor=head,
        attachment=row,
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    again.refresh_from_db()
    assert again.state == Deadline.State.OPEN
    delivery_record(
        case=case,
        actor=head,
        attachment=resumed,
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    again.refresh_from_db()
    assert again.state == Deadline.State.MET


def test_ending_decision_of_a_denunciation_meets_t5_once_denouncer_and_accused_have_it(world):
    case = verifying(world, kind="denunciation")
    head = world.user(Role.HEAD_OF_UNIT)
    _act(
        "terminate",
        case,
        head,
        reason_code="TC-34-3-b",
        reason_text="",
        decision_number="07/QĐ-ĐC",
        version=fresh(case).version,
    )
    assert fresh(case).status == "terminated"
    row, text = _issued(case, "qd_dinh_chi_to_cao")
    _has_its_parts(case, "qd_dinh_chi_to_cao", text, "07/QĐ-ĐC")
    assert "Trần Thị Bình" not in text and not row.contains_identity  # it goes to the accused too
    t5 = Deadline.objects.get(case=case, rule_code="T5")
    delivery_record(
        case=case,
        actor=head,
        attachment=row,
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    t5.refresh_from_db()
    assert t5.state == Deadline.State.OPEN  # Art 34(4): the accused is sent it as well
    delivery_record(
        case=case,
        actor=head,
        attachment=row,
        recipient_kind="accused",
        channel="email",
        recipient_name="Ông Nguyễn Văn X",
        contact="x@example.vn",
    )
    t5.refresh_from_db()
    assert t5.state == Deadline.State.MET


def test_suspension_of_a_denunciation_without_the_tick_files_nothing_and_t5_stays_open(world):
    case = verifying(world, kind="denunciation")
    head = world.user(Role.HEAD_OF_UNIT)
    form = ACTIONS["suspend"].form_class(
        data={"reason_code": "TC-34-1-b", "version": case.version}, case=case, user=head
    )
    assert form.is_valid(), form.errors
    ACTIONS["suspend"].run(case, head, form)
    assert not Attachment.objects.filter(
        case=case, original_name__startswith="qd_tam_dinh_chi_to_cao-"
    ).exists()
    assert Deadline.objects.get(case=case, rule_code="T5").state == Deadline.State.OPEN


def test_refused_suspension_and_continuation_file_no_decision(world):
    case = verifying(world)
    head = world.user(Role.HEAD_OF_UNIT)
    with pytest.raises(PermissionDeniedError):
        _act("suspend", case, world.user(Role.INSPECTOR), reason_code="KN-11a-related", version=case.version)
    with pytest.raises(ValidationError, match="tạm đình chỉ"):
        _act(
            "resume",
            case,
            head,
            decision_number="1",
            decision_date=timezone.localdate().isoformat(),
            note="",
            version=case.version,
        )
    assert not Attachment.objects.filter(case=case, kind="decision").exists()
    assert ACTIONS["resume"].state(head, fresh(case)) is None
