"""A certificate authority made at run time for the tests (no private key is ever committed):
a root CA and an agency signing certificate under it, written as PEM and PKCS#12 into a temp
folder, in the shapes ``settings.DOCUMENT_SIGNING`` reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = "test-only-passphrase"


@dataclass
class Pki:
    folder: Path
    root_pem: Path
    pkcs12: Path
    key_pem: Path
    cert_pem: Path
    root_cert: x509.Certificate
    cert: x509.Certificate


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_pki(folder: Path, *, root_cn: str = "Test Root CA", signer_cn: str = "Sở Xây dựng Hà Nội") -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name(root_cn, "Test CA (run time)")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_cn, "UBND Thành phố Hà Nội"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    root_pem = folder / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    cert_pem = folder / "signer.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = folder / "signer.key"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    p12 = folder / "signer.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer",
            key,
            cert,
            [root],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    return Pki(folder, root_pem, p12, key_pem, cert_pem, root, cert)


def signing_settings(pki: Pki, *, anchors: list[Path] | None = None, **extra) -> dict:
    return {
        "BACKEND": "pkcs12",
        "REQUIRED": False,
        "PKCS12_FILE": str(pki.pkcs12),
        "PKCS12_PASSPHRASE": PASSPHRASE,
        "CHAIN_FILES": [],
        "TRUST_ANCHORS": [str(p) for p in (anchors if anchors is not None else [pki.root_pem])],
        "STAMP_FONT": "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-regular.otf",
        "SOFFICE": "soffice",
        "RENDER_TIMEOUT": 120,
        **extra,
    }
