"""Fixtures for signed documents and deliveries: a CA made at run time (never a committed key),
the signing settings pointing at it, a decision PDF rendered once per run by the real LibreOffice,
and decided cases made through the services."""

from __future__ import annotations

import pytest

from cases import services
from cases.actors import Citizen
from cases.models import Case, Role
from tests.delivery.pki import make_pki, signing_settings

PERSON = {
    "full_name": "Trần Thị Bình",
    "national_id": "001199012345",
    "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
    "phone": "0987654321",
    "email": "binh.tran@example.vn",
}


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory):
    """Another CA, not among the trust anchors, with a certificate naming the same agency."""
    return make_pki(tmp_path_factory.mktemp("other-pki"), root_cn="Unknown Root CA")


@pytest.fixture
def signing_on(settings, pki):
    settings.DOCUMENT_SIGNING = signing_settings(pki)
    return pki


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture(autouse=True)
def role_groups(db):
    from cases.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture(scope="session")
def decision_pdf() -> bytes:
    """A decision as PDF/A, rendered once by LibreOffice (what a head may upload instead of DOCX)."""
    from cases.delivery import rendering
    from cases.documents import build_docx

    docx = build_docx(
        header={
            "issuer_parent": "UBND THÀNH PHỐ HÀ NỘI",
            "issuer": "SỞ XÂY DỰNG HÀ NỘI",
            "number": "Số: 15/QĐ-SXD",
            "dateline": "Hà Nội, ngày 01 tháng 12 năm 2026",
        },
        body="# QUYẾT ĐỊNH\n## Về việc giải quyết khiếu nại lần đầu\nKhiếu nại đúng một phần.\n",
        form="Luật Khiếu nại 2011, Điều 31",
        recipient="complainant",
    )
    pdf, _pdfa = rendering.to_pdf(docx, rendering.DOCX)
    return pdf


def make_case(world, kind="complaint", **kw) -> Case:
    defaults = {
        "kind": kind,
        "subject": "Khiếu nại việc thu hồi đất" if kind == "complaint" else "Tố cáo cán bộ địa chính",
        "description": "Nội dung đơn: đề nghị xem xét, giải quyết theo quy định.",
        "parties": [services.PartyInput(**PERSON)],
        "authority": world.hn_sxd,
        "contested_act": "Quyết định 12/QĐ-UBND ngày 01/03/2026" if kind == "complaint" else "",
        "accused_name": "Ông Nguyễn Văn X" if kind == "denunciation" else "",
    }
    defaults.update(kw)
    result = services.case_submit(**{"actor": Citizen.filing(), **defaults})
    result.case.access_key = result.access_key  # for the tracking page
    return result.case


def decided(world, decision_pdf=None, kind="complaint", number="15/QĐ-SXD", **kw) -> Case:
    """A case accepted and decided by the head of unit, with the decision uploaded as PDF (signed
    by ``case_conclude`` when a key is configured)."""
    case = make_case(world, kind, **kw)
    key = case.access_key
    case = services.case_accept(case=case, actor=world.user(Role.INTAKE))
    upload = None
    if decision_pdf is not None:
        upload = services.FileInput(
            name="quyet-dinh.pdf", content=decision_pdf, content_type="application/pdf"
        )
    outcome = "partly_right" if kind == "complaint" else "partly_true"
    case = services.case_conclude(
        case=case,
        actor=world.user(Role.HEAD_OF_UNIT),
        outcome=outcome,
        summary="Khiếu nại đúng một phần." if kind == "complaint" else "Tố cáo đúng một phần.",
        decision_number=number,
        decision_file=upload,
    )
    case = Case.objects.get(pk=case.pk)
    case.access_key = key
    return case
