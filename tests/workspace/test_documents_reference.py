"""Notice generation (DOCX, Vietnamese, no denouncer identity in what the accused receives) and the
reference-data screens (the calendar recomputes open deadlines)."""

import datetime as dt
import io
import zipfile

import pytest

from cases import documents, files, services
from cases.models import CaseEvent, Deadline, Holiday, IdentityAccessLog, Role

from .conftest import PERSON, accepted, fresh, make_case, refused


def _concluded(world, kind="denunciation"):
    case = accepted(world, kind)
    head = world.user(Role.HEAD_OF_UNIT)
    if kind == "denunciation":
        case = services.case_classify(case=case, actor=head, complexity="complex")
        case = services.case_extend(
            case=case, actor=head, days=20, decision_number="01/QĐ-GH", justification="Nhiều nơi"
        )
    outcome = {"denunciation": "partly_true", "complaint": "partly_right"}[kind]
    return fresh(
        services.case_conclude(
            case=case, actor=head, outcome=outcome, summary="Kết quả xác minh.", decision_number="7/KL"
        )
    )


@pytest.mark.parametrize(
    "code", [t.code for t in documents.TEMPLATES.values() if t.recipient != "complainant"]
)
def test_documents_not_addressed_to_the_denouncer_never_name_them(world, code):
    template = documents.TEMPLATES[code]
    if "denunciation" not in template.kinds:
        pytest.skip("complaint-only document")
    case = _concluded(world) if code not in ("phieu_chuyen_don",) else make_case(world, "denunciation")
    if code == "phieu_chuyen_don":
        case = fresh(
            services.case_transfer(case=case, actor=world.user(Role.INTAKE), to_authority=world.hn_ward)
        )
    head = world.user(Role.HEAD_OF_AGENCY)  # holds the identity permission: still no identity
    rendered = documents.render_notice(case=case, code=code, user=head)
    for secret in PERSON.values():
        assert secret not in rendered.text
        assert secret.encode() not in zipfile.ZipFile(io.BytesIO(rendered.content)).read("word/document.xml")
    assert not rendered.identity_included
    assert not IdentityAccessLog.objects.filter(action="reveal_identity").exists()


def test_docx_is_a_valid_word_document_in_vietnamese(world):
    case = _concluded(world)
    rendered = documents.render_notice(
        case=case, code="gia_han", user=world.user(Role.HEAD_OF_UNIT), number="01/QĐ-GH"
    )
    zf = zipfile.ZipFile(io.BytesIO(rendered.content))
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(zf.namelist())
    assert files.sniff_content_type(rendered.content) == documents.DOCX_TYPE
    text = rendered.text
    assert "Độc lập - Tự do - Hạnh phúc" in documents.docx_text(rendered.content)
    assert "Về việc gia hạn giải quyết tố cáo" in text and "01/QĐ-GH" in text and "20 ngày" in text
    assert "SỞ XÂY DỰNG HÀ NỘI" in documents.docx_text(rendered.content)


def test_notice_to_the_complainant_names_them_only_with_permission(world):
    case = accepted(world, "complaint")
    head = world.user(Role.HEAD_OF_UNIT)
    rendered = documents.render_notice(case=case, code="thu_ly_khieu_nai", user=head)
    assert PERSON["full_name"] in rendered.text and rendered.identity_included
    assert IdentityAccessLog.objects.filter(
        user=head, action="reveal_identity", reason__startswith="Lập văn bản"
    ).exists()
    inspector = world.user(Role.INSPECTOR)
    rendered = documents.render_notice(case=case, code="thu_ly_khieu_nai", user=inspector)
    assert PERSON["full_name"] not in rendered.text and documents.PLACEHOLDER in rendered.text


def test_document_action_offers_only_templates_of_the_current_state(world, login):
    case = make_case(world, "denunciation")
    html = (
        login(world.user(Role.INTAKE)).get(f"/admin/cases/{case.reference}/action/document/").content.decode()
    )
    # A received letter: the proposal to accept (Circular 05/2021 Mẫu 01) and the receipt only.
    assert "phieu_de_xuat_thu_ly" in html and "giay_bien_nhan" in html and "thu_ly_to_cao_qd" not in html
    case = accepted(world, "denunciation")
    html = (
        login(world.user(Role.INSPECTOR))
        .get(f"/admin/cases/{case.reference}/action/document/")
        .content.decode()
    )
    assert (
        "thu_ly_to_cao_tb_nguoi_bi_to_cao" in html and "ket_luan_to_cao" not in html and "gia_han" not in html
    )
    r = login(world.user(Role.INSPECTOR, "hp")).get(f"/admin/cases/{case.reference}/action/document/")
    assert r.status_code == 404


def test_holiday_change_in_admin_recomputes_open_deadlines(world, login):
    case = accepted(world, "denunciation")
    t3 = Deadline.objects.get(case=case, rule_code="T3")
    # A new day off inside the T3 window moves the due date by one working day.
    day = t3.trigger_date + dt.timedelta(days=1)
    while day.weekday() >= 5 or Holiday.objects.filter(date=day).exists():
        day += dt.timedelta(days=1)
    admin = world.user(Role.ADMINISTRATOR)
    r = login(admin).post(
        "/admin/case-holidays/new/",
        {
            "date": day.isoformat(),
            "kind": "holiday",
            "name": "Nghỉ đột xuất",
            "source": "Thông báo",
            "confirmed": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    t3.refresh_from_db()
    assert t3.due_date > t3.original_due_date
    assert CaseEvent.objects.filter(case=case, kind="deadline.recomputed").exists()
    # Without the permission (inspector) or as auditor: refused.
    for role in (Role.INSPECTOR, Role.AUDITOR):
        r = login(world.user(role)).post(
            "/admin/case-holidays/new/", {"date": "2026-12-30", "kind": "holiday", "name": "x"}
        )
        assert refused(r)
    assert not Holiday.objects.filter(date="2026-12-30").exists()
