"""What anyone can check of a document: the signature is intact and covers the whole file, the
signing certificate chains to a configured trust anchor, and the file is, byte for byte, one that a
case issued (its SHA-256 is a ``SignedDocument``'s, the same digest the case's event holds).

The answer never carries identity: only what the signed document itself shows on its face (the
issuing agency, the signatory and title, the number, the date) and the case reference it prints."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from cases import rules

from .models import SignedDocument
from .signing import CertificateInfo, certificate_info, trust_anchors

logger = logging.getLogger(__name__)


class Outcome:
    VALID = "valid"  # intact, trusted, issued by the case
    ALTERED = "altered"  # the content no longer matches the signature, or was added to after signing
    UNTRUSTED = "untrusted"  # the certificate does not chain to the configured trust anchors
    NOT_ISSUED = "not_issued"  # a sound signature, but not a document issued here (or not the one named)
    NOT_SIGNED = "not_signed"
    UNREADABLE = "unreadable"
    FOUND = "found"  # looked up by reference and number, no file compared
    NOT_FOUND = "not_found"


REFUSED = frozenset(
    {Outcome.ALTERED, Outcome.UNTRUSTED, Outcome.NOT_ISSUED, Outcome.NOT_SIGNED, Outcome.UNREADABLE}
)


@dataclass
class Verification:
    outcome: str
    document: SignedDocument | None = None
    certificate: CertificateInfo | None = None
    sha256: str = ""

    @property
    def valid(self) -> bool:
        return self.outcome == Outcome.VALID


def document_lookup(reference: str, number: str) -> SignedDocument | None:
    """The signed document ``number`` of case ``reference`` (both as printed on the document)."""
    reference, number = (reference or "").strip().upper(), (number or "").strip()
    if not reference or not number:
        return None
    return (
        SignedDocument.objects.select_related("case")
        .filter(case__reference=reference, document_number__iexact=number)
        .order_by("-signed_at")
        .first()
    )


def verify_reference(reference: str, number: str) -> Verification:
    document = document_lookup(reference, number)
    if document is None:
        return Verification(Outcome.NOT_FOUND)
    return Verification(Outcome.FOUND, document=document, sha256=document.sha256)


def _validation_context(moment):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=trust_anchors(), allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )


def verify_pdf(content: bytes, *, reference: str = "", number: str = "") -> Verification:
    """Check an uploaded PDF (and, when given, that it is document ``number`` of case
    ``reference``)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    digest = hashlib.sha256(content).hexdigest()
    if not content.startswith(b"%PDF") or len(content) > rules.MAX_FILE_BYTES:
        return Verification(Outcome.UNREADABLE, sha256=digest)
    issued = SignedDocument.objects.select_related("case").filter(sha256=digest).first()
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a hostile file can make the parser raise anything: never a 500
        logger.info("verification: unreadable PDF (%s)", type(exc).__name__)
        return Verification(Outcome.UNREADABLE, sha256=digest)
    if not signatures:
        return Verification(Outcome.NOT_SIGNED, sha256=digest)
    signature = signatures[-1]
    try:
        cert = signature.signer_cert
        info = certificate_info(cert)
    except Exception:  # a malformed CMS blob raises many kinds
        return Verification(Outcome.ALTERED, sha256=digest)
    moment = issued.signed_at if issued is not None else None
    try:
        status = validate_pdf_signature(signature, signer_validation_context=_validation_context(moment))
    except Exception as exc:  # SignatureValidationError, PdfError, and whatever a forged CMS causes
        logger.info("verification: signature not valid (%s)", type(exc).__name__)
        return Verification(Outcome.ALTERED, certificate=info, sha256=digest)
    if not (status.intact and status.valid):
        return Verification(Outcome.ALTERED, certificate=info, sha256=digest)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verification(Outcome.ALTERED, certificate=info, sha256=digest)
    if not status.trusted:
        return Verification(Outcome.UNTRUSTED, certificate=info, sha256=digest)
    if issued is None or issued.certificate_sha256 != info.sha256:
        return Verification(Outcome.NOT_ISSUED, certificate=info, sha256=digest)
    if reference or number:
        named = document_lookup(reference, number)
        if named is None or named.pk != issued.pk:
            return Verification(Outcome.NOT_ISSUED, certificate=info, sha256=digest)
    return Verification(Outcome.VALID, document=issued, certificate=info, sha256=digest)
