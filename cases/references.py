"""Public case references (HN-2026-000123) and secret access keys.

The number comes from a PostgreSQL sequence per prefix and year, so concurrent intakes never
wait on each other (a gap after a rolled-back intake is harmless); on SQLite, which serialises
writers anyway, from a counter row."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, ProgrammingError, connection, transaction

from .models import ReferenceCounter

# No 0/O, 1/I/L: keys are read aloud and typed from paper receipts.
_KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_SEQ_NAME = re.compile(r"^[a-z0-9_]+$")


def next_reference(year: int, prefix: str | None = None) -> str:
    prefix = (prefix or settings.CASE_REFERENCE_PREFIX).upper()
    return f"{prefix}-{year}-{_next_number(prefix, year):06d}"


def _next_number(prefix: str, year: int) -> int:
    if connection.vendor == "postgresql":
        name = f"case_ref_{prefix.lower()}_{year}"
        if not _SEQ_NAME.match(name):
            # A real check, not an assert (which ``python -O`` removes): the name goes into SQL.
            raise ValueError(f"unsafe reference prefix {prefix!r}")
        with connection.cursor() as cur:
            try:
                with transaction.atomic():
                    cur.execute(f"SELECT nextval('{name}')")
            except ProgrammingError:
                try:
                    with transaction.atomic():
                        cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
                except IntegrityError:
                    pass  # created by a concurrent intake a moment ago
                cur.execute(f"SELECT nextval('{name}')")
            return int(cur.fetchone()[0])
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def new_access_key() -> str:
    """About 78 bits of randomness, grouped for reading: ABCD-EFGH-JKMN-PQRS."""
    raw = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_key(key: str) -> str:
    cleaned = "".join(ch for ch in (key or "").upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def hash_access_key(reference: str, key: str) -> str:
    """Keyed HMAC, not a slow password hash: the key is random with ~78 bits, so brute force is out
    of reach, and tracking look-ups must stay fast (docs/decisions/0005-access-keys.md)."""
    pepper = hashlib.sha256(("access-key:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(pepper, f"{reference}:{normalise_key(key)}".encode(), hashlib.sha256).hexdigest()


def check_access_key(reference: str, key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_access_key(reference, key), stored_hash or "")
