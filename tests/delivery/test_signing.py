"""Signing at issue time and verification: a decision signed with a test CA verifies; one byte
changed is refused; a certificate from another CA is refused as untrusted; a signed document is
immutable and its SHA-256 is on the case's hash-chained event."""

import hashlib

import pytest

from cases.delivery import verification
from cases.delivery.models import SignedDocument
from cases.delivery.services import _read
from cases.events import chain_verify
from cases.models import Attachment, CaseEvent

from .conftest import decided

pytestmark = pytest.mark.django_db


def signed_bytes(document: SignedDocument) -> bytes:
    return _read(document.attachment)


def test_conclude_signs_the_uploaded_decision_and_records_its_digest(world, signing_on, decision_pdf):
    case = decided(world, decision_pdf)
    document = SignedDocument.objects.get(case=case)
    content = signed_bytes(document)
    assert hashlib.sha256(content).hexdigest() == document.sha256 == document.attachment.sha256
    assert document.document_number == "15/QĐ-SXD"
    # Issued in the name of the competent person, whoever of the heads signs (Law on Complaints
    # Arts 17-21; cases.verification.steps.competent_title).
    assert document.signer_name and document.signer_title == "Giám đốc Sở Xây dựng Hà Nội"
    assert document.pdfa  # LibreOffice's PDF/A-2b survives the incremental signature
    # The citizen gets the signed copy; the unsigned upload stays in the file, internal.
    assert document.attachment.visibility == "complainant"
    assert Attachment.objects.get(pk=document.source_id).visibility == "internal"
    event = CaseEvent.objects.get(case=case, kind="document.signed")
    assert event.data["sha256"] == document.sha256
    assert event.data["certificate_sha256"] == document.certificate_sha256
    assert chain_verify([case.pk]).ok
    assert document.history.count() == 1
    with pytest.raises(PermissionError):
        document.save()


def test_a_signed_decision_verifies_and_one_changed_byte_is_refused(world, signing_on, decision_pdf):
    case = decided(world, decision_pdf)
    document = SignedDocument.objects.get(case=case)
    content = signed_bytes(document)

    result = verification.verify_pdf(content)
    assert result.outcome == verification.Outcome.VALID
    assert result.document == document
    assert verification.verify_pdf(content, reference=case.reference, number="15/QĐ-SXD").valid
    # The right file, but named as another document: refused.
    assert verification.verify_pdf(content, reference=case.reference, number="99/QĐ").outcome == "not_issued"

    # One byte changed inside the signed content (a byte of the first content stream).
    start = content.index(b"stream\n") + len(b"stream\n") + 10
    altered = content[:start] + bytes([content[start] ^ 0x01]) + content[start + 1 :]
    assert verification.verify_pdf(altered).outcome in verification.REFUSED
    assert verification.verify_pdf(altered).outcome == verification.Outcome.ALTERED


def test_a_certificate_from_another_ca_is_untrusted(world, settings, signing_on, other_pki, decision_pdf):
    from tests.delivery.pki import signing_settings

    # Signed with the other CA's key (same agency name), verified against our anchors only.
    settings.DOCUMENT_SIGNING = {**signing_settings(other_pki), "TRUST_ANCHORS": [str(signing_on.root_pem)]}
    case = decided(world, decision_pdf)
    document = SignedDocument.objects.get(case=case)
    result = verification.verify_pdf(signed_bytes(document))
    assert result.outcome == verification.Outcome.UNTRUSTED
    assert not result.valid


def test_an_unsigned_pdf_is_refused_and_garbage_is_unreadable(world, signing_on, decision_pdf):
    assert verification.verify_pdf(decision_pdf).outcome == verification.Outcome.NOT_SIGNED
    assert verification.verify_pdf(b"%PDF-1.7 nonsense").outcome in ("unreadable", "not_signed")
    assert verification.verify_pdf(b"not a pdf").outcome == "unreadable"


def test_without_a_key_the_decision_is_issued_unsigned_unless_required(world, settings, decision_pdf):
    from cases.delivery.signing import SigningError

    settings.DOCUMENT_SIGNING = {"BACKEND": "", "REQUIRED": False}
    case = decided(world, decision_pdf)
    assert not SignedDocument.objects.filter(case=case).exists()
    settings.DOCUMENT_SIGNING = {"BACKEND": "", "REQUIRED": True}
    with pytest.raises(SigningError):
        decided(world, decision_pdf)


def test_the_signature_block_of_a_generated_document_names_the_signatory_and_stays_on_one_page():
    import io
    import zipfile

    from cases.delivery import rendering
    from cases.documents import build_docx, docx_text

    docx = build_docx(
        header={
            "issuer": "SỞ XÂY DỰNG HÀ NỘI",
            "number": "Số: 1/QĐ",
            "dateline": "Hà Nội, ngày 02 tháng 12 năm 2026",
        },
        body="# QUYẾT ĐỊNH\nNội dung.\n",
        form="Luật Khiếu nại 2011, Điều 31",
        recipient="complainant",
    )
    signed_layout = rendering.docx_with_signatory(docx, title="Giám đốc", name="Đỗ Văn Hùng")
    text = docx_text(signed_layout)
    assert "GIÁM ĐỐC" in text and "Đỗ Văn Hùng" in text
    assert "NGƯỜI CÓ THẨM QUYỀN" not in text and "(Ký, ghi rõ họ tên" not in text
    xml = zipfile.ZipFile(io.BytesIO(signed_layout)).read("word/document.xml").decode()
    assert xml.index("<w:keepNext/>") < xml.index("GIÁM ĐỐC")  # title kept with the name
    # Any other DOCX is left as it is.
    assert rendering.docx_with_signatory(b"not a zip", title="x", name="y") == b"not a zip"
