"""Field-level encryption of identity data at rest (Law on Denunciations 2018, Art 56: the
denouncer's name, address and contacts are kept secret).

Values are encrypted with Fernet (AES-128-CBC + HMAC); the first key in
``settings.FIELD_ENCRYPTION_KEYS`` encrypts, every key decrypts, so keys can be rotated
(``manage.py rotate_keys`` re-encrypts rows and rewraps files under the first key).

Files in private storage (citizens' uploads, generated notices, the wizard's staged files) are
encrypted by envelope: each file has its own random AES-256-GCM data key, stored in the file's
header wrapped (Fernet) with the field keys — ``encrypt_file_bytes`` / ``decrypt_file_bytes`` /
``rewrap_file_bytes``; ``cases.storage.EncryptedFileSystemStorage`` is the storage that uses them.
Rotating the field keys rewraps the small header; the file body is not re-encrypted.

A keyed blind index (HMAC-SHA256 under ``settings.BLIND_INDEX_KEY``, a key of its own) lets us
find the same national ID number across cases for duplicate detection without storing it in
clear; rotating the field keys leaves every digest unchanged."""

import hashlib
import hmac
import os
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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
    return hmac.new(_blind_key(settings.BLIND_INDEX_KEY), normalised.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _blind_key(secret: str) -> bytes:
    return hashlib.sha256(("blind-index:" + secret).encode()).digest()


def is_current(value: str) -> bool:
    """Is this encrypted field value under the first (current) key? (``rotate_keys`` skips it.)"""
    if not value or not value.startswith(PREFIX):
        return True
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode()).decrypt(value[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def rotate(value: str) -> str:
    """The same plaintext encrypted under the first key."""
    if not value or not value.startswith(PREFIX):
        return value
    token = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(value[len(PREFIX) :].encode())
    return PREFIX + token.decode("ascii")


# ------------------------------------------------------------------------------------- files

FILE_MAGIC = b"KNTCENV1"  # envelope format, version 1


class FileDecryptionError(ValueError):
    pass


def encrypt_file_bytes(data: bytes) -> bytes:
    """MAGIC | len(wrapped key) (2 bytes) | wrapped data key (Fernet) | nonce (12) | AES-GCM body."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    body = AESGCM(data_key).encrypt(nonce, data, FILE_MAGIC)
    wrapped = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(data_key)
    return FILE_MAGIC + len(wrapped).to_bytes(2, "big") + wrapped + nonce + body


def _split(blob: bytes) -> tuple[bytes, bytes, bytes]:
    start = len(FILE_MAGIC)
    size = int.from_bytes(blob[start : start + 2], "big")
    wrapped = blob[start + 2 : start + 2 + size]
    nonce = blob[start + 2 + size : start + 14 + size]
    return wrapped, nonce, blob[start + 14 + size :]


def is_encrypted_file(blob: bytes) -> bool:
    return blob.startswith(FILE_MAGIC)


def decrypt_file_bytes(blob: bytes) -> bytes:
    """The plaintext of an envelope; a file written before encryption (no header) as it is."""
    if not is_encrypted_file(blob):
        return blob
    wrapped, nonce, body = _split(blob)
    try:
        data_key = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(wrapped)
        return AESGCM(data_key).decrypt(nonce, body, FILE_MAGIC)
    except (InvalidToken, InvalidTag, ValueError) as exc:
        raise FileDecryptionError("cannot decrypt private file: wrong FIELD_ENCRYPTION_KEYS?") from exc


def file_is_current(blob: bytes) -> bool:
    if not is_encrypted_file(blob):
        return False  # a plain file is not current: rotate_keys encrypts it
    wrapped, _nonce, _body = _split(blob)
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode()).decrypt(wrapped)
    except InvalidToken:
        return False
    return True


def rewrap_file_bytes(blob: bytes) -> bytes:
    """The envelope with its data key rewrapped under the first field key (body unchanged); a
    plain file encrypted."""
    if not is_encrypted_file(blob):
        return encrypt_file_bytes(blob)
    wrapped, nonce, body = _split(blob)
    rewrapped = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(wrapped)
    return FILE_MAGIC + len(rewrapped).to_bytes(2, "big") + rewrapped + nonce + body


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
