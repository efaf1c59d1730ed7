"""Field-level encryption of identity data at rest (Law on Denunciations 2018, Art 56: the
denouncer's name, address and contacts are kept secret).

Values are encrypted with Fernet (AES-128-CBC + HMAC); the first key in
``settings.FIELD_ENCRYPTION_KEYS`` encrypts, every key decrypts, so keys can be rotated.
A keyed blind index (HMAC-SHA256) lets us find the same national ID number across cases for
duplicate detection without storing it in clear."""

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    token = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode("utf-8"))
    return PREFIX + token.decode("ascii")


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        raise ValueError("value is not an encrypted token")
    try:
        return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt identity field: wrong FIELD_ENCRYPTION_KEYS?") from exc


def blind_index(value: str) -> str:
    """Stable keyed digest of a normalised identifier (digits/letters only, upper case)."""
    normalised = "".join(ch for ch in unicodedata.normalize("NFKC", value).upper() if ch.isalnum())
    if not normalised:
        return ""
    key = hashlib.sha256(("blind-index:" + settings.FIELD_ENCRYPTION_KEYS[0]).encode()).digest()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def name_index(full_name: str) -> str:
    """Blind index of a person's full name, accents and case folded ("nguyen van an" and
    "Nguyễn Văn An" give the same digest), so staff who may see identity can find a sender by
    name without decrypting anyone's name."""
    text = unicodedata.normalize("NFKD", (full_name or "").replace("đ", "d").replace("Đ", "D"))
    folded = "".join(ch for ch in text if not unicodedata.combining(ch))
    return blind_index("NAME:" + folded) if folded.strip() else ""


class EncryptedTextField(models.TextField):
    """A text column that stores only ciphertext. Lookups other than isnull make no sense on it."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
