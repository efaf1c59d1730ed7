"""Rotating the field keys re-encrypts the protection rows too (``manage.py rotate_keys``): after the
old key is removed, the protected people and the file's texts still decrypt."""

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cases.crypto import is_current
from cases.protection.models import ProtectedPerson, ProtectionRequest

from .conftest import CHILD, written_request


def _raw(table, column):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        return [r[0] for r in cur.fetchall()]


def test_protection_rows_are_rotated_and_read_without_the_old_key(world, case, settings):
    req = written_request(world, case)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert not any(is_current(v) for v in _raw("protection_protectedperson", "full_name"))
    call_command("rotate_keys", batch_size=2, no_files=True, stdout=io.StringIO())
    for table, column in (
        ("protection_protectedperson", "full_name"),
        ("protection_historicalprotectedperson", "address"),
        ("protection_protectionrequest", "reasons"),
        ("protection_historicalprotectionrequest", "reasons"),
        ("protection_protectiondocument", "summary"),
    ):
        values = _raw(table, column)
        assert values and all(is_current(v) for v in values), table
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert CHILD in {p.full_name for p in ProtectedPerson.objects.all()}
    assert ProtectionRequest.objects.get(pk=req.pk).reasons.startswith("Người bị tố cáo")
