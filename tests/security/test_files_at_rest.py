"""Finding 6: private files (citizens' uploads, generated notices, the wizard's staged files) are
encrypted at rest by envelope with the field keys and created 0600; read back whole through the
storage; the dev SMS file and console e-mail never hold an access key in clear."""

import os
import stat

import pytest

from cases import services
from cases.actors import Citizen
from cases.crypto import FILE_MAGIC, decrypt_file_bytes, encrypt_file_bytes
from cases.models import Attachment, Role
from cases.storage import private_storage
from tests.workspace.conftest import PERSON

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% Tran Thi Binh 0987654321 so 12 Hang Bac\ntrailer<<>>\n%%EOF\n"


def _disk(settings, attachment) -> bytes:
    return (settings.PRIVATE_STORAGE_ROOT / attachment.file.name).read_bytes()


def test_an_upload_is_encrypted_on_disk_0600_and_served_in_clear(world, client, settings):
    case = services.case_submit(
        kind="complaint",
        subject="K",
        description="N",
        contested_act="QĐ 1",
        parties=[services.PartyInput(**PERSON)],
        authority=world.hn_sxd,
        actor=Citizen.filing(),
        files=[services.FileInput("don.pdf", PDF, "application/pdf")],
    ).case
    attachment = Attachment.objects.get(case=case)
    path = settings.PRIVATE_STORAGE_ROOT / attachment.file.name
    raw = path.read_bytes()
    assert raw.startswith(FILE_MAGIC) and b"Tran Thi Binh" not in raw and b"%PDF" not in raw
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    client.force_login(world.user(Role.INTAKE))
    response = client.get(f"/admin/cases/{case.reference}/attachments/{attachment.pk}/file/")
    assert b"".join(response.streaming_content) == PDF


def test_generated_notices_are_encrypted_on_disk(world, settings, client):
    from tests.workspace.conftest import make_case

    case = make_case(world, "denunciation")
    client.force_login(world.user(Role.INTAKE))
    r = client.post(
        f"/admin/cases/{case.reference}/action/accept/", {"version": case.version, "generate_notice": "on"}
    )
    assert r.status_code == 302
    notices = Attachment.objects.filter(case=case, kind=Attachment.Kind.NOTICE)
    assert notices.exists()
    for notice in notices:
        raw = _disk(settings, notice)
        assert raw.startswith(FILE_MAGIC) and b"word/document.xml" not in raw
        with private_storage().open(notice.file.name) as fh:
            assert fh.read().startswith(b"PK\x03\x04")


def test_the_wizard_s_staged_files_are_encrypted(client, world, settings):
    from publicsite.setup import ensure_site
    from tests.publicsite.conftest import Citizen as Wizard
    from tests.publicsite.conftest import named_file

    ensure_site()
    wizard = Wizard(client)
    wizard.choose("complaint")
    wizard.identify()
    wizard.describe(files=[named_file("so-do.pdf", PDF)], nav="upload")
    staged = list((settings.PRIVATE_STORAGE_ROOT).rglob("*.bin"))
    assert staged, "the upload step staged the file"
    for path in staged:
        assert path.read_bytes().startswith(FILE_MAGIC) and b"Tran Thi Binh" not in path.read_bytes()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_envelope_survives_key_rotation_and_refuses_tampering(settings):
    from cryptography.fernet import Fernet

    from cases.crypto import FileDecryptionError, file_is_current, rewrap_file_bytes

    blob = encrypt_file_bytes(PDF)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    assert decrypt_file_bytes(blob) == PDF and not file_is_current(blob)
    rewrapped = rewrap_file_bytes(blob)
    assert file_is_current(rewrapped) and decrypt_file_bytes(rewrapped) == PDF
    assert rewrapped[-len(PDF) :] == blob[-len(PDF) :]  # the body is not re-encrypted
    tampered = bytearray(rewrapped)
    tampered[-1] ^= 1
    with pytest.raises(FileDecryptionError):
        decrypt_file_bytes(bytes(tampered))


def test_the_dev_sms_file_and_console_mail_mask_keys_and_phones(tmp_path, settings):
    import io as _io

    from django.core.mail import EmailMessage

    from notifications.channels.email import RedactingConsoleBackend
    from notifications.channels.sms import FileSmsBackend

    key = "ABCD-EFGH-JKMN-PQRS"
    FileSmsBackend(tmp_path / "sms").send(to="0987654321", body=f"Ma bi mat {key}, goi 0987 654 321")
    (path,) = (tmp_path / "sms").iterdir()
    text = path.read_text()
    assert key not in text  # the access key never reaches the developer's disk
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stream = _io.StringIO()
    backend = RedactingConsoleBackend(stream=stream)
    backend.send_messages([EmailMessage("Hồ sơ", f"Mã bí mật: {key}", "a@example.vn", ["b@example.vn"])])
    assert key not in stream.getvalue() and "[mã bí mật]" in stream.getvalue()
