"""Public ids for Open311: an opaque token per case instead of its reference.

References are numbered in one sequence per authority and year, across kinds; listing them would
let anyone read the gaps (the denunciations and anonymous reports that are never listed: Law on
Denunciations 2018 Art 56). Open311 therefore names a case by ``token(reference)``: AES-SIV, a
deterministic authenticated encryption, of the reference under a key derived for this purpose
only. The same case always has the same id, ids are not sequential and say nothing about the
numbering, and a lookup decrypts the token (no table), refusing anything that was not issued
here. Keys: ``PUBLIC_ID_KEY`` (any string; by default derived from ``SECRET_KEY``)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_ASSOCIATED = [b"kntc-open311-id-v1"]


@lru_cache(maxsize=4)
def _cipher(secret: str) -> AESSIV:
    key = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"kntc-open311", info=b"public-id").derive(
        hashlib.sha256(secret.encode()).digest()
    )
    return AESSIV(key)


def _secret() -> str:
    return getattr(settings, "PUBLIC_ID_KEY", "") or settings.SECRET_KEY


def token(reference: str) -> str:
    raw = _cipher(_secret()).encrypt(reference.encode("ascii"), _ASSOCIATED)
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def reference_for(value: str) -> str | None:
    """The reference a token names, or None for anything that is not a token issued here."""
    text = (value or "").strip().upper()
    if not text or len(text) > 96 or not text.isalnum():
        return None
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
        return _cipher(_secret()).decrypt(raw, _ASSOCIATED).decode("ascii")
    except (ValueError, InvalidTag, UnicodeDecodeError):
        return None
