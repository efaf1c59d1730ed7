"""The issuing agency's signature: a PAdES signature (ETSI EN 319 142, baseline B-B, SHA-256) made
with pyHanko, with a visible block naming the signatory, their title and the agency.

The key is configured from the environment (``settings.DOCUMENT_SIGNING``):

- ``SIGNING_BACKEND=pkcs12``: ``SIGNING_PKCS12_FILE`` and ``SIGNING_PKCS12_PASSPHRASE``;
- ``SIGNING_BACKEND=pkcs11``: ``SIGNING_PKCS11_MODULE`` (the token's library, e.g. the USB token
  of the Government CA, or SoftHSM), ``SIGNING_PKCS11_TOKEN_LABEL``, ``SIGNING_PKCS11_KEY_LABEL``,
  ``SIGNING_PKCS11_CERT_LABEL`` and ``SIGNING_PKCS11_PIN``.

No private key is shipped: the tests make their own CA and certificates at run time. Nothing here
touches the database."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.errors import ApplicationError

from .rendering import Box

logger = logging.getLogger(__name__)

FIELD_NAME = "ChuKySo"


class SigningError(ApplicationError):
    pass


def config() -> dict:
    return getattr(settings, "DOCUMENT_SIGNING", {}) or {}


def signing_enabled() -> bool:
    return config().get("BACKEND") in ("pkcs12", "pkcs11")


def signing_required() -> bool:
    return bool(config().get("REQUIRED"))


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    serial: str
    sha256: str
    common_name: str
    not_before: object
    not_after: object


def certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    return CertificateInfo(
        subject=cert.subject.human_friendly[:500],
        issuer=cert.issuer.human_friendly[:500],
        serial=format(cert.serial_number, "X")[:100],
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
        common_name=str(cert.subject.native.get("common_name", ""))[:255],
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
    )


def _pem_certificates(paths) -> list[asn1_x509.Certificate]:
    from asn1crypto import pem

    certs = []
    for path in paths or []:
        data = Path(path).read_bytes()
        if pem.detect(data):
            for _type, _headers, der in pem.unarmor(data, multiple=True):
                certs.append(asn1_x509.Certificate.load(der))
        else:
            certs.append(asn1_x509.Certificate.load(data))
    return certs


def trust_anchors() -> list[asn1_x509.Certificate]:
    """The root certificates the public verification accepts (``SIGNING_TRUST_ANCHORS``)."""
    try:
        return _pem_certificates(config().get("TRUST_ANCHORS"))
    except (OSError, ValueError) as exc:
        logger.error("cannot read the signing trust anchors: %s", type(exc).__name__)
        return []


def _not_configured() -> SigningError:
    return SigningError(
        _("Chưa cấu hình khóa ký số của cơ quan; liên hệ quản trị hệ thống (SIGNING_BACKEND)."),
        code="signing_not_configured",
    )


@contextlib.contextmanager
def open_signer() -> Iterator[object]:
    """The configured pyHanko signer (a PKCS#11 session is opened for the call and closed after)."""
    cfg = config()
    backend = cfg.get("BACKEND")
    chain = _pem_certificates(cfg.get("CHAIN_FILES"))
    if backend == "pkcs12":
        from pyhanko.sign import signers

        path = cfg.get("PKCS12_FILE") or ""
        passphrase = (cfg.get("PKCS12_PASSPHRASE") or "").encode() or None
        signer = None
        if path and Path(path).is_file():
            signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase, other_certs=chain)
        if signer is None:
            logger.error("the PKCS#12 signing key could not be loaded")
            raise SigningError(
                _("Không đọc được khóa ký số (tệp PKCS#12 hoặc mật khẩu không đúng)."), code="signing_key"
            )
        yield signer
        return
    if backend == "pkcs11":
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        try:
            session = pkcs11.open_pkcs11_session(
                cfg.get("PKCS11_MODULE") or "",
                token_criteria=TokenCriteria(label=cfg.get("PKCS11_TOKEN_LABEL") or None),
                user_pin=cfg.get("PKCS11_PIN") or None,
            )
        except Exception as exc:  # the token library raises its own types
            logger.error("the PKCS#11 token could not be opened: %s", type(exc).__name__)
            raise SigningError(
                _("Không kết nối được thiết bị ký số (PKCS#11); kiểm tra thiết bị và mã PIN."),
                code="signing_key",
            ) from exc
        try:
            yield pkcs11.PKCS11Signer(
                session,
                key_label=cfg.get("PKCS11_KEY_LABEL") or None,
                cert_label=cfg.get("PKCS11_CERT_LABEL") or cfg.get("PKCS11_KEY_LABEL") or None,
                other_certs_to_pull=None,
                ca_chain=chain,
            )
        finally:
            session.close()
        return
    raise _not_configured()


def signer_certificate() -> CertificateInfo:
    """Who the configured key signs as (shown on the confirmation page before signing)."""
    with open_signer() as signer:
        cert = getattr(signer, "signing_cert", None)
        if cert is None:
            raise _not_configured()
        return certificate_info(cert)


@dataclass(frozen=True)
class Signed:
    content: bytes
    sha256: str
    certificate: CertificateInfo


# pyHanko's glyph accumulator writes glyph widths in font units, so the stamp's font must have
# 1000 units per em (a CFF OpenType font): TeX Gyre Termes (Debian's fonts-texgyre), a Times
# clone with every Vietnamese letter. TrueType fonts with 2048 units (Liberation, DejaVu) would
# print the block with letters spread apart.
STAMP_FONT_FALLBACK = "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-regular.otf"


def stamp_font() -> str:
    for candidate in (config().get("STAMP_FONT") or "", STAMP_FONT_FALLBACK):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SigningError(
        _("Thiếu phông chữ cho khối chữ ký (fonts-texgyre); liên hệ quản trị hệ thống."), code="signing_font"
    )


def _stamp_style(font_path: str):
    from pyhanko import stamp
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle

    return stamp.TextStampStyle(
        stamp_text=(
            "%(title)s\nKý bởi: %(signer_name)s\nCơ quan: %(authority)s\n"
            "Thời gian ký: %(signed_at)s\nChứng thư số: %(fingerprint)s"
        ),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font_path), font_size=8, leading=10),
        border_width=1,
        border_color=(0.75, 0.1, 0.1),
    )


def sign_pdf(
    pdf: bytes, *, signer_name: str, signer_title: str, authority_name: str, reason: str, box: Box
) -> Signed:
    """``pdf`` signed (incrementally, so a PDF/A stays PDF/A) with the agency's key and a visible
    signature block in ``box`` on the last page."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers

    font = stamp_font()
    with open_signer() as signer:
        cert = signer.signing_cert  # type: ignore[attr-defined]
        info = certificate_info(cert)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=reason[:200],
            location="Việt Nam",
            name=signer_name[:200],
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,  # type: ignore[arg-type]
            stamp_style=_stamp_style(font),
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=box.as_tuple()),
        )
        out = io.BytesIO()
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            pdf_signer.sign_pdf(
                writer,
                output=out,
                appearance_text_params={
                    "signer_name": signer_name,
                    "title": signer_title.upper(),
                    "authority": authority_name,
                    "fingerprint": info.sha256[:16].upper(),
                    "signed_at": timezone.localtime().strftime("%H:%M %d/%m/%Y"),
                },
            )
        except (PdfError, ValueError, KeyError) as exc:
            logger.error("signing failed: %s", type(exc).__name__)
            raise SigningError(_("Không ký được văn bản: tệp PDF không hợp lệ.")) from exc
    content = out.getvalue()
    return Signed(content=content, sha256=hashlib.sha256(content).hexdigest(), certificate=info)
