"""Finding 8: the blind index has its own key, so rotating the field keys never stops duplicate
detection; ``rotate_keys`` re-encrypts rows (and history rows) and files in resumable batches, after
which the old key can be removed and everything still decrypts and still matches."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cases import services
from cases.actors import Citizen
from cases.crypto import FILE_MAGIC, is_current
from cases.duplicates import find_duplicates
from cases.models import Attachment, Case, Party
from cases.storage import private_storage
from tests.workspace.conftest import PERSON

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% evidence\ntrailer<<>>\n%%EOF\n"


def _file(world, subject):
    return services.case_submit(
        kind="complaint",
        subject=subject,
        description="Nội dung đơn khiếu nại về thu hồi đất.",
        contested_act="QĐ 12/QĐ-UBND",
        parties=[services.PartyInput(**PERSON)],
        authority=world.hn_sxd,
        actor=Citizen.filing(),
        files=[services.FileInput("don.pdf", PDF, "application/pdf")],
    ).case


def _raw(table="cases_party", column="national_id"):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return [r[0] for r in cur.fetchall()]


def test_rotate_then_drop_the_old_key_and_still_find_duplicates(world, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    first = [_file(world, f"Khiếu nại thu hồi đất lần {i}") for i in range(3)]
    digests_before = sorted(Party.objects.values_list("national_id_digest", flat=True))
    # A new key goes first; the blind index does not depend on it.
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert not any(is_current(v) for v in _raw())
    # Interrupted after one batch of one row, then resumed: idempotent batches.
    call_command("rotate_keys", batch_size=1, max_batches=1, stdout=io.StringIO())
    assert sum(is_current(v) for v in _raw()) == 1
    call_command("rotate_keys", batch_size=2, stdout=io.StringIO())
    assert all(is_current(v) for v in _raw()) and all(is_current(v) for v in _raw("cases_historicalparty"))
    # The old key is gone: rows, history and files still decrypt, duplicates still match.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert sorted(Party.objects.values_list("national_id_digest", flat=True)) == digests_before
    assert {p.national_id for p in Party.objects.all()} == {PERSON["national_id"]}
    assert list(Party.history.values_list("full_name", flat=True))  # history rows decrypt
    for attachment in Attachment.objects.all():
        raw = (settings.PRIVATE_STORAGE_ROOT / attachment.file.name).read_bytes()
        assert raw.startswith(FILE_MAGIC)
        with private_storage().open(attachment.file.name) as fh:
            assert fh.read() == PDF
    later = _file(world, "Khiếu nại thu hồi đất, gửi lại")
    found = {c.case.pk for c in find_duplicates(Case.objects.get(pk=later.pk))}
    assert {c.pk for c in first} <= found


def test_the_blind_index_does_not_follow_the_field_keys(settings):
    from cases.crypto import blind_index

    before = blind_index("001199012345")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert blind_index("001199012345") == before
    settings.BLIND_INDEX_KEY = "another-blind-index-key"
    assert blind_index("001199012345") != before


def test_plain_files_written_before_encryption_are_encrypted_by_rotate_keys(world, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    case = _file(world, "Khiếu nại")
    attachment = Attachment.objects.get(case=case)
    path = settings.PRIVATE_STORAGE_ROOT / attachment.file.name
    path.write_bytes(PDF)  # as an older release left it
    with private_storage().open(attachment.file.name) as fh:
        assert fh.read() == PDF  # still readable before the rotation
    call_command("rotate_keys", no_rows=True, stdout=io.StringIO())
    assert path.read_bytes().startswith(FILE_MAGIC)
    with private_storage().open(attachment.file.name) as fh:
        assert fh.read() == PDF
