"""Cases in the states the standard forms are made in, built through the services."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Role
from cases.verification import services as verification
from tests.workspace.conftest import PERSON, accepted, fresh, make_case

__all__ = ["PERSON", "build"]


@pytest.fixture(autouse=True)
def role_groups(db):
    from cases.roles import ensure_role_groups

    ensure_role_groups()


PDF = b"%PDF-1.4\n%%EOF\n"


def _reported(case, inspector, head) -> None:
    """Verification work, the report with a draft, the head's approval (cases.verification)."""
    verification.verification_record_add(
        case=fresh(case),
        actor=inspector,
        kind="minutes",
        date=timezone.localdate(),
        summary="Làm việc tại chỗ",
    )
    verification.verification_report_submit(
        case=fresh(case), actor=inspector, findings="Đúng một phần", draft_summary="Dự thảo"
    )
    verification.verification_report_approve(case=fresh(case), actor=head)


def _complaint_decided(world, **kw) -> Case:
    """A first-level complaint taken through verification, a suspension and its end, the dialogue
    and the decision."""
    case = accepted(world, "complaint", **kw)
    head, inspector = world.user(Role.HEAD_OF_UNIT), world.user(Role.INSPECTOR)
    services.case_start_verification(case=case, actor=inspector, plan="Kiểm tra hồ sơ thu hồi đất")
    services.case_suspend(
        case=fresh(case), actor=head, reason_code="KN-11a-obstacle", reason_text="Người khiếu nại ốm nặng"
    )
    services.case_resume(
        case=fresh(case), actor=head, note="Người khiếu nại đã bình phục", decision_number="02/QĐ-SXD"
    )
    _reported(case, inspector, head)
    services.case_schedule_dialogue(
        case=fresh(case),
        actor=inspector,
        when=timezone.now() + dt.timedelta(days=6),
        place="Trụ sở Sở Xây dựng Hà Nội",
        agenda="Diện tích đất thu hồi và mức bồi thường",
    )
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: real_now() + dt.timedelta(days=7)):
        verification.dialogue_record_minutes(
            case=fresh(case),
            actor=inspector,
            held_on=timezone.localdate(),
            participants="Người khiếu nại, đại diện UBND phường",
            result="Giữ nguyên yêu cầu",
            minutes=services.FileInput("bien-ban.pdf", PDF, "application/pdf"),
        )
        services.case_conclude(
            case=fresh(case),
            actor=head,
            outcome="partly_right",
            summary="Diện tích thu hồi đúng; đơn giá bồi thường áp dụng chưa đúng bảng giá năm 2026.",
            decision_number="15/QĐ-SXD",
        )
    return fresh(case)


def _denunciation_concluded(world) -> Case:
    case = accepted(world, "denunciation")
    head = world.user(Role.HEAD_OF_UNIT)
    services.case_start_verification(
        case=case, actor=world.user(Role.INSPECTOR), plan="Xác minh tại địa phương"
    )
    case = services.case_classify(case=fresh(case), actor=head, complexity="complex")
    case = services.case_extend(
        case=case,
        actor=head,
        days=20,
        decision_number="01/QĐ-GH",
        justification="Phải xác minh tại nhiều nơi",
    )
    _reported(case, world.user(Role.INSPECTOR), head)
    return fresh(
        services.case_conclude(
            case=case,
            actor=head,
            outcome="partly_true",
            summary="Có việc nhận tiền của người dân khi giải quyết hồ sơ địa chính.",
            decision_number="07/KL-SXD",
        )
    )


def _rejected(world, kind, code) -> Case:
    case = make_case(world, kind)
    return fresh(services.case_reject(case=case, actor=world.user(Role.INTAKE), reason_code=code))


def _transferred(world, kind) -> Case:
    case = make_case(world, kind)
    return fresh(
        services.case_transfer(
            case=case,
            actor=world.user(Role.INTAKE),
            to_authority=world.hn_ward,
            note="Thuộc thẩm quyền cấp xã",
        )
    )


def _petition_answered(world) -> Case:
    case = accepted(world, "petition")
    return fresh(
        services.case_conclude(
            case=case,
            actor=world.user(Role.HEAD_OF_UNIT),
            outcome="answered",
            summary="Đã chỉ đạo sửa đường.",
        )
    )


def build(world, code: str) -> Case:
    """A realistic case for the form ``code``."""
    from cases.documents import TEMPLATES

    template = TEMPLATES[code]
    special = {
        "khong_thu_ly": lambda: _rejected(world, "complaint", "KN-11-6"),
        "khong_thu_ly_to_cao": lambda: _rejected(world, "denunciation", "TC-29-1-a"),
        "khong_thu_ly_kien_nghi": lambda: _rejected(world, "petition", "KNPA-not-competent"),
        "tb_khong_giai_quyet_lai": lambda: _rejected(world, "denunciation", "TC-29-1-a"),
        "phieu_chuyen_don": lambda: _transferred(world, "denunciation"),
        "tb_chuyen_don_to_cao": lambda: _transferred(world, "denunciation"),
        # Complaints and petitions are guided now, not transferred (cases.rules); the slip still
        # renders for the file of a letter received before.
        "phieu_chuyen_don_khac": lambda: make_case(world, "petition"),
        "phieu_de_xuat_thu_ly": lambda: make_case(world, "complaint"),
        "giay_bien_nhan": lambda: make_case(world, "complaint"),
        "van_ban_huong_dan": lambda: make_case(world, "complaint"),
        "thu_ly_kien_nghi": lambda: accepted(world, "petition"),
        "tra_loi_kien_nghi": lambda: _petition_answered(world),
    }
    if code in special:
        return special[code]()
    if "complaint" in template.kinds:
        return _complaint_decided(world)
    return _denunciation_concluded(world)
