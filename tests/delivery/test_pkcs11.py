"""Signing with a PKCS#11 token: a SoftHSM2 token made at run time holds the agency's key and
certificate (the CA is the run-time one of ``pki.py``); the decision signed through it verifies."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cases.delivery import verification
from cases.delivery.models import SignedDocument
from cases.delivery.services import _read

from .conftest import decided

pytestmark = pytest.mark.django_db
MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "5678"


@pytest.fixture
def token(tmp_path, pki, monkeypatch):
    if not (Path(MODULE).exists() and shutil.which("softhsm2-util")):
        pytest.fail("SoftHSM2 is not installed (scripts/install_services.sh installs softhsm2)")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    run = lambda *args: subprocess.run(["softhsm2-util", *args], env=env, check=True, capture_output=True)  # noqa: E731
    run("--init-token", "--free", "--label", "kntc-test", "--so-pin", "1234", "--pin", PIN)
    run("--import", str(pki.key_pem), "--token", "kntc-test", "--label", "agency", "--id", "01", "--pin", PIN)
    import pkcs11
    from asn1crypto.core import Integer
    from cryptography.hazmat.primitives.serialization import Encoding
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(MODULE)
    with lib.get_token(token_label="kntc-test").open(user_pin=PIN, rw=True) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "agency",
                Attribute.ID: b"\x01",
                Attribute.VALUE: pki.cert.public_bytes(Encoding.DER),
                Attribute.SUBJECT: pki.cert.subject.public_bytes(),
                Attribute.ISSUER: pki.cert.issuer.public_bytes(),
                Attribute.SERIAL_NUMBER: Integer(pki.cert.serial_number).dump(),
            }
        )
    return tokens


def test_a_decision_signed_on_a_pkcs11_token_verifies(world, settings, pki, token, decision_pdf):
    settings.DOCUMENT_SIGNING = {
        "BACKEND": "pkcs11",
        "PKCS11_MODULE": MODULE,
        "PKCS11_TOKEN_LABEL": "kntc-test",
        "PKCS11_KEY_LABEL": "agency",
        "PKCS11_CERT_LABEL": "agency",
        "PKCS11_PIN": PIN,
        "CHAIN_FILES": [str(pki.root_pem)],
        "TRUST_ANCHORS": [str(pki.root_pem)],
    }
    case = decided(world, decision_pdf)
    document = SignedDocument.objects.get(case=case)
    assert document.certificate_subject.startswith("Common Name: Sở Xây dựng Hà Nội")
    assert verification.verify_pdf(_read(document.attachment)).valid


def test_a_wrong_pin_is_a_clear_refusal_and_nothing_is_issued(world, settings, pki, token, decision_pdf):
    from cases.delivery.signing import SigningError

    settings.DOCUMENT_SIGNING = {
        "BACKEND": "pkcs11",
        "PKCS11_MODULE": MODULE,
        "PKCS11_TOKEN_LABEL": "kntc-test",
        "PKCS11_KEY_LABEL": "agency",
        "PKCS11_PIN": "0000",
        "TRUST_ANCHORS": [str(pki.root_pem)],
    }
    from cases.models import Case

    before = Case.objects.count()
    with pytest.raises(SigningError) as exc:
        decided(world, decision_pdf)
    assert "PKCS#11" in exc.value.message
    assert not SignedDocument.objects.exists()
    assert Case.objects.count() == before + 1  # the case was filed; the conclusion rolled back
    assert Case.objects.latest("pk").status == "accepted"
