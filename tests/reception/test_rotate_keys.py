"""Issue 16, finding 8, for the tables added after it: ``rotate_keys`` finds every encrypted
column from the models (reception visitors, delivery recipients, notification addresses, history
rows), so after a rotation the old key can be dropped and a visitor's identity still reads."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cases.crypto import is_current
from cases.management.commands.rotate_keys import encrypted_tables
from cases.reception.models import VisitPerson

from .conftest import at, complaint_visit

pytestmark = pytest.mark.django_db


def test_every_model_with_ciphertext_is_rotated():
    tables = {table: columns for table, _pk, columns in encrypted_tables()}
    assert encrypted_tables()[0][0] == "cases_party"
    assert {"cases_party", "cases_historicalparty", "reception_visitperson"} <= set(tables)
    assert set(tables["reception_visitperson"]) >= {"full_name", "national_id", "address", "phone"}
    assert any("delivery" in t for t in tables) and any(t.startswith("notifications_") for t in tables)


def test_after_rotation_the_old_key_goes_and_visitors_still_read(world, place, frozen, settings):
    frozen(at(2026, 11, 2, 10))
    complaint_visit(world, place=place, received_at=at(2026, 11, 2, 9, 30))
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_keys", batch_size=50, no_files=True, stdout=io.StringIO())
    with connection.cursor() as cur:
        cur.execute("SELECT full_name, national_id, address, phone FROM reception_visitperson")
        assert all(is_current(v) for row in cur.fetchall() for v in row if v)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    visitor = VisitPerson.objects.get()
    assert visitor.full_name == "Nguyễn Văn Dân 0" and visitor.national_id == "001200000000"
