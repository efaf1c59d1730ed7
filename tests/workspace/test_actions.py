"""Every action form: refused without its permission and across agencies (nothing changes), done
with it through the service; statutory fields required; stale versions handled without losing input."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import documents, services
from cases.delivery.services import delivery_record
from cases.models import Attachment, Case, CaseEvent, Role
from cases.verification import services as verification

from .conftest import PERSON, accepted, fresh, make_case, refused

R = Role


def _received(world, kind="denunciation"):
    return make_case(world, kind)


def _verifying(world, kind="denunciation", complexity="normal"):
    case = accepted(world, kind=kind)
    if complexity != "normal":
        case = services.case_classify(case=case, actor=world.user(R.HEAD_OF_UNIT), complexity=complexity)
    return fresh(services.case_start_verification(case=case, actor=world.user(R.INSPECTOR)))


def _reported(world, kind="denunciation"):
    """Verifying, with one piece of work and the verification report before the head."""
    case = _verifying(world, kind)
    inspector = world.user(R.INSPECTOR)
    verification.verification_record_add(
        case=case, actor=inspector, kind="minutes", date=timezone.localdate(), summary="Biên bản làm việc"
    )
    verification.verification_report_submit(
        case=case, actor=inspector, findings="Đúng", draft_summary="Dự thảo"
    )
    return fresh(case)


def _concluded(world, decision_file=None):
    case = _reported(world)
    return fresh(
        services.case_conclude(
            case=case,
            actor=world.user(R.HEAD_OF_UNIT),
            outcome="true",
            summary="Đúng",
            decision_number="1/KL",
            decision_file=decision_file,
        )
    )


def _sent(world):
    """Concluded, and the conclusion sent to the denouncer and the accused (T6 met)."""
    pdf = services.FileInput(name="kl.pdf", content=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    case = _concluded(world, decision_file=pdf)
    head = world.user(R.HEAD_OF_UNIT)
    decision = Attachment.objects.get(case=case, kind="decision")
    delivery_record(
        case=case,
        actor=head,
        attachment=decision,
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    delivery_record(
        case=case,
        actor=head,
        attachment=decision,
        recipient_kind="accused",
        channel="post",
        recipient_name="Ông Nguyễn Văn X",
        address="UBND phường Hoàn Kiếm",
        postal_service="vnpost",
        tracking_number="EB1",
    )
    return fresh(case)


def _suspended(world):
    case = accepted(world)
    return fresh(services.case_suspend(case=case, actor=world.user(R.HEAD_OF_UNIT), reason_code="TC-34-1-b"))


# slug: (make the case, form data (callable on case/world), allowed role, a refused role of the same
#        authority, check after success)
CASES = {
    "classify": (
        _received,
        lambda c, w: {"kind": "denunciation", "complexity": "complex"},
        R.INTAKE,
        R.AUDITOR,
        lambda c: c.complexity == "complex",
    ),
    "accept": (
        _received,
        lambda c, w: {"note": "Đủ điều kiện"},
        R.INTAKE,
        R.INSPECTOR,
        lambda c: c.status == "accepted",
    ),
    "reject": (
        _received,
        lambda c, w: {"reason_code": "TC-29-1-d"},
        R.INTAKE,
        R.INSPECTOR,
        lambda c: c.status == "rejected" and c.reason_code == "TC-29-1-d",
    ),
    "transfer": (
        _received,
        lambda c, w: {"to_authority": w.hn_ward.pk},
        R.INTAKE,
        R.INSPECTOR,
        lambda c: c.status == "transferred" and c.transferred_to_id == c.transferred_to.pk,
    ),
    "guide": (
        _received,
        lambda c, w: {"guidance": "Gửi đơn đến UBND phường nơi cư trú"},
        R.INTAKE,
        R.INSPECTOR,
        lambda c: c.status == "guided",
    ),
    "assign": (
        lambda w: accepted(w, assign=False),
        lambda c, w: {"assignee": w.user(R.INSPECTOR).pk},
        R.HEAD_OF_UNIT,
        R.INTAKE,
        lambda c: c.assignee_id is not None,
    ),
    "verify": (
        accepted,
        lambda c, w: {"plan": "Làm việc với các bên"},
        R.INSPECTOR,
        R.INTAKE,
        lambda c: c.status == "verifying",
    ),
    "dialogue": (
        lambda w: _verifying(w, "complaint"),
        lambda c, w: {
            "when": (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
            "place": "Trụ sở Sở Xây dựng",
        },
        R.INSPECTOR,
        R.INTAKE,
        lambda c: c.status == "dialogue",
    ),
    "extend": (
        lambda w: _verifying(w, complexity="complex"),
        lambda c, w: {"days": 30, "decision_number": "01/QĐ-GH", "justification": "Xác minh nhiều nơi"},
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.extension_count == 1,
    ),
    "suspend": (
        accepted,
        lambda c, w: {"reason_code": "TC-34-1-a"},
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.status == "suspended",
    ),
    "resume": (
        _suspended,
        lambda c, w: {
            "note": "",
            "decision_number": "2/QĐ-TTGQ",
            "decision_date": timezone.localdate().strftime("%d/%m/%Y"),
        },
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.status == "accepted",
    ),
    "withdraw": (
        accepted,
        lambda c, w: {
            "statement": "Tôi xin rút đơn",
            "evidence": "signed_letter",
            "scope": "all",
            "end_reason": "Không có dấu hiệu vi phạm; rút tự nguyện (Luật Tố cáo 2018, Điều 33 khoản 3)",
        },
        R.INTAKE,
        R.INSPECTOR,
        lambda c: c.status == "withdrawn",
    ),
    "terminate": (
        accepted,
        lambda c, w: {"reason_code": "TC-34-3-c"},
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.status == "terminated",
    ),
    "conclude": (
        _reported,
        lambda c, w: {
            "outcome": "partly_true",
            "summary": "Đúng một phần",
            "decision_number": "5/KL",
            "confirmed": "1",
        },
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.status == "concluded" and c.outcome == "partly_true",
    ),
    "publish": (
        _concluded,
        lambda c, w: {"channel": "Đăng trên cổng thông tin điện tử"},
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.status == "published",
    ),
    "close": (
        _sent,
        lambda c, w: {"note": ""},
        R.HEAD_OF_UNIT,
        R.INSPECTOR,
        lambda c: c.status == "closed",
    ),
    "escalate": (
        accepted,
        lambda c, w: {"level": 1, "reason": "Chậm tiến độ"},
        R.HEAD_OF_AGENCY,
        R.HEAD_OF_UNIT,
        lambda c: c.escalation_level == 1,
    ),
    "note": (
        accepted,
        lambda c, w: {"text": "Ghi chú nội bộ", "visibility": "internal"},
        R.INSPECTOR,
        R.AUDITOR,
        lambda c: c.events.filter(kind="note.added").exists(),
    ),
    "document": (
        accepted,
        lambda c, w: {"template": "thu_ly_to_cao_tb_nguoi_bi_to_cao", "visibility": "internal"},
        R.INSPECTOR,
        R.AUDITOR,
        lambda c: c.attachments.filter(kind="notice").exists(),
    ),
}


@pytest.mark.parametrize("slug", list(CASES))
def test_action_with_and_without_permission_and_across_agencies(world, login, slug):
    make, data, allowed, denied, check = CASES[slug]
    case = make(world)
    url = f"/admin/cases/{case.reference}/action/{slug}/"
    payload = {**data(case, world), "version": case.version}
    before = (case.version, case.status, case.event_count)

    r = login(world.user(denied)).post(url, payload)
    assert refused(r), (slug, r.status_code)
    r = login(world.user(allowed, "hp")).post(url, payload)
    assert r.status_code == 404
    c = fresh(case)
    assert (c.version, c.status, c.event_count) == before

    client = login(world.user(allowed))
    assert client.get(url).status_code == 200
    r = client.post(url, payload)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert r.url == f"/admin/cases/{case.reference}/"
    assert check(fresh(case))


def test_second_level_complaint(world, login):
    case = _reported(world, "complaint")
    case = services.case_conclude(
        case=case, actor=world.user(R.HEAD_OF_UNIT), outcome="wrong", summary="Sai", decision_number="2/QĐ"
    )
    url = f"/admin/cases/{case.reference}/action/second-level/"
    assert refused(login(world.user(R.INSPECTOR)).post(url, {"description": "Không đồng ý"}))
    r = login(world.user(R.INTAKE)).post(url, {"description": "Không đồng ý với quyết định lần đầu"})
    later = Case.objects.get(previous_case=case)
    assert r.status_code == 302 and r.url == f"/admin/cases/{later.reference}/"
    assert later.complaint_level == "second" and later.authority == world.hn


def test_statutory_fields_are_required(world, login):
    intake = login(world.user(R.INTAKE))
    case = make_case(world, "denunciation")
    base = f"/admin/cases/{case.reference}/action/"
    r = intake.post(base + "reject/", {"version": case.version, "reason_code": ""})
    assert r.status_code == 400 and "Trường này là bắt buộc" in r.content.decode()
    # A complaint's reason code does not apply to a denunciation.
    r = intake.post(base + "reject/", {"version": case.version, "reason_code": "KN-11-5"})
    assert r.status_code == 400
    r = intake.post(base + "transfer/", {"version": case.version})
    assert r.status_code == 400
    assert fresh(case).status == "received"
    verifying = _verifying(world, complexity="complex")
    head = login(world.user(R.HEAD_OF_UNIT))
    r = head.post(
        f"/admin/cases/{verifying.reference}/action/extend/", {"version": verifying.version, "days": 30}
    )
    assert r.status_code == 400 and fresh(verifying).extension_count == 0
    r = head.post(
        f"/admin/cases/{verifying.reference}/action/extend/",
        {"version": verifying.version, "days": 45, "decision_number": "1", "justification": "x"},
    )
    assert r.status_code == 400  # at most 30 days per extension
    r = head.post(
        f"/admin/cases/{verifying.reference}/action/conclude/",
        {"version": verifying.version, "outcome": "right", "summary": "x", "decision_number": "1"},
    )
    assert r.status_code == 400 and fresh(verifying).status == "verifying"  # "right" is a complaint outcome


def test_stale_version_shows_conflict_and_keeps_input(world, login):
    case = make_case(world, "denunciation")
    url = f"/admin/cases/{case.reference}/action/reject/"
    opened_at = case.version
    # Someone else classifies the case meanwhile.
    services.case_classify(case=case, actor=world.user(R.HEAD_OF_UNIT), complexity="complex")
    typed = "Đơn không nêu được người vi phạm, hành vi vi phạm cụ thể"
    r = login(world.user(R.INTAKE)).post(
        url, {"version": opened_at, "reason_code": "TC-29-1-d", "reason_text": typed}
    )
    html = r.content.decode()
    assert r.status_code == 409
    assert "vừa được người khác cập nhật" in html and typed in html
    assert 'value="TC-29-1-d" selected' in html
    assert "Phân loại đơn" in html  # what changed is shown
    c = fresh(case)
    assert c.status == "received" and not c.events.filter(kind="case.rejected").exists()
    # Resubmitting after review (the form now carries the new version) goes through.
    r = login(world.user(R.INTAKE)).post(
        url, {"version": c.version, "reason_code": "TC-29-1-d", "reason_text": typed}
    )
    assert r.status_code == 302 and fresh(case).status == "rejected"


def test_conflict_inside_the_service_is_reported_too(world, login, monkeypatch):
    """The version can change between the form check and the row lock: the service's ConflictError."""
    case = make_case(world, "denunciation")
    from cases.admin import actions

    real = actions.do_accept

    def racing(c, user, form):
        services.note_add(case=c, actor=world.user(R.HEAD_OF_UNIT), text="chen ngang")
        return real(c, user, form)

    object.__setattr__(actions.ACTIONS["accept"], "perform", racing)
    try:
        r = login(world.user(R.INTAKE)).post(
            f"/admin/cases/{case.reference}/action/accept/",
            {"version": case.version, "note": "Đủ điều kiện thụ lý"},
        )
    finally:
        object.__setattr__(actions.ACTIONS["accept"], "perform", real)
    assert r.status_code == 409 and "Đủ điều kiện thụ lý" in r.content.decode()
    assert fresh(case).status == "received"


def test_assignment_conflict_of_interest_is_shown(world, login):
    case = accepted(world, assign=False)
    services.case_classify(case=case, actor=world.user(R.INTAKE), accused_authority=world.hn_sxd)
    case = fresh(case)
    # The head of the accused department is excluded from the case itself (cases.scope); the
    # city's head of agency assigns, and the department's inspector is refused.
    assert login(world.user(R.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/").status_code == 404
    r = login(world.user(R.HEAD_OF_AGENCY)).post(
        f"/admin/cases/{case.reference}/action/assign/",
        {"version": case.version, "assignee": world.user(R.INSPECTOR).pk},
    )
    assert r.status_code == 400
    assert "người được giao thuộc đơn vị bị khiếu nại/tố cáo" in r.content.decode()
    assert fresh(case).assignee_id is None


def test_accepting_a_denunciation_files_the_three_notices_without_leaking_identity(world, login):
    case = make_case(world, "denunciation")
    r = login(world.user(R.INTAKE)).post(
        f"/admin/cases/{case.reference}/action/accept/", {"version": case.version, "generate_notice": "on"}
    )
    assert r.status_code == 302
    files = {a.description: a for a in Attachment.objects.filter(case=case)}
    assert set(files) == {
        "Quyết định thụ lý tố cáo",
        "Thông báo việc thụ lý tố cáo (gửi người tố cáo)",
        "Thông báo nội dung tố cáo (gửi người bị tố cáo)",
    }
    from cases.storage import private_storage

    storage = private_storage()  # notices are encrypted at rest

    def text(a):
        with storage.open(a.file.name, "rb") as fh:
            return documents.docx_text(fh.read())

    to_accused = text(files["Thông báo nội dung tố cáo (gửi người bị tố cáo)"])
    decision = text(files["Quyết định thụ lý tố cáo"])
    to_denouncer = text(files["Thông báo việc thụ lý tố cáo (gửi người tố cáo)"])
    for secret in PERSON.values():
        assert secret not in to_accused and secret not in decision
    assert "Ông Nguyễn Văn X" in to_accused and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in to_accused
    assert (
        PERSON["full_name"] in to_denouncer
    )  # addressed to the denouncer, by an officer with the permission
    assert files["Thông báo việc thụ lý tố cáo (gửi người tố cáo)"].contains_identity
    assert not files["Thông báo nội dung tố cáo (gửi người bị tố cáo)"].contains_identity
    # Each document is an attachment with its own history and event.
    assert files["Quyết định thụ lý tố cáo"].history.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="attachment.added").count() == 3


def test_conclude_asks_for_confirmation_first(world, login):
    """An issued decision cannot be undone: the first POST shows what will be issued and in whose
    name; only the confirmed POST issues it."""
    case = _reported(world)
    url = f"/admin/cases/{case.reference}/action/conclude/"
    payload = {"version": case.version, "outcome": "true", "summary": "Đúng", "decision_number": "7/KL"}
    client = login(world.user(R.HEAD_OF_UNIT))
    r = client.post(url, payload)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="confirm-issue"' in html
    assert "Giám đốc Sở Xây dựng Hà Nội" in html and "Thủ trưởng UBND" not in html
    assert fresh(case).status == "verifying"
    r = client.post(url, {**payload, "confirmed": "1"})
    assert r.status_code == 302 and fresh(case).status == "concluded"


def test_disabled_actions_shown_with_their_reason(world, login):
    case = _verifying(world)
    html = login(world.user(R.INSPECTOR)).get(f"/admin/cases/{case.reference}/").content.decode()
    assert 'data-disabled-slug="extend"' in html and "Chỉ Trưởng phòng, Thủ trưởng cơ quan" in html
    assert 'data-action-slug="extend"' not in html
    html = login(world.user(R.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/").content.decode()
    assert "Cần phân loại Phức tạp để gia hạn" in html
    # Opening a disabled action's page explains why instead of showing the form.
    r = login(world.user(R.HEAD_OF_UNIT)).get(f"/admin/cases/{case.reference}/action/extend/", follow=True)
    assert "Cần phân loại Phức tạp để gia hạn" in r.content.decode()


def test_conclude_with_uploaded_decision_file(world, login):
    case = _reported(world)
    pdf = SimpleUploadedFile("ket-luan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    r = login(world.user(R.HEAD_OF_UNIT)).post(
        f"/admin/cases/{case.reference}/action/conclude/",
        {
            "version": case.version,
            "outcome": "false",
            "summary": "Tố cáo sai",
            "decision_number": "9/KL",
            "decision_file": pdf,
            "generate_notice": "on",
            "confirmed": "1",
        },
    )
    assert r.status_code == 302
    att = Attachment.objects.get(case=case, kind="decision")
    assert att.content_type == "application/pdf"


def test_attach_files(world, login):
    case = accepted(world, kind="complaint")
    f1 = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    f2 = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    url = f"/admin/cases/{case.reference}/action/attach/"
    client = login(world.user(R.INSPECTOR))
    r = client.post(url, {"files": [f1, f2], "kind": "evidence", "visibility": "internal"})
    assert r.status_code == 400 and "PDF" in r.content.decode() and not case.attachments.exists()
    f1.seek(0)
    r = client.post(url, {"files": [f1], "kind": "evidence", "visibility": "internal"})
    assert r.status_code == 302 and case.attachments.count() == 1
    assert refused(login(world.user(R.AUDITOR)).post(url, {"files": [f1], "kind": "evidence"}))
