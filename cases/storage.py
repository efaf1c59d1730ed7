"""Private storage, encrypted at rest (issue 16, finding 6).

``EncryptedFileSystemStorage`` is a Django storage: ``save`` writes the envelope of
``cases.crypto.encrypt_file_bytes`` (a per-file AES-256-GCM key wrapped with the field keys) in a
file created 0600 in directories created 0700; ``open`` returns the plaintext. Files written before
encryption are read as they are until ``manage.py rotate_keys --files`` encrypts them.

Use ``private_storage()`` for anything under ``PRIVATE_STORAGE_ROOT`` (attachments, notices,
signed PDFs), and ``write_private_file`` / ``read_private_file`` for paths outside a storage (the
wizard's staged uploads)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from .crypto import decrypt_file_bytes, encrypt_file_bytes

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class EncryptedFileSystemStorage(FileSystemStorage):
    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", DIRECTORY_MODE)
        super().__init__(location=location or settings.PRIVATE_STORAGE_ROOT, **kwargs)

    def _save(self, name, content):
        content.seek(0) if hasattr(content, "seek") else None
        data = content.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return super()._save(name, ContentFile(encrypt_file_bytes(data)))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("private files are written through save(), never opened for writing")
        with open(self.path(name), "rb") as fh:
            data = decrypt_file_bytes(fh.read())
        file = ContentFile(data, name=name)
        return File(file, name=name)

    def size(self, name):
        return len(self.open(name).read())


def private_storage() -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT)


def write_private_file(path: Path, data: bytes) -> None:
    """``data`` encrypted to ``path`` (0600; parent directories 0700), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(encrypt_file_bytes(data))
    os.replace(tmp, path)


def read_private_file(path: Path) -> bytes:
    return decrypt_file_bytes(path.read_bytes())
