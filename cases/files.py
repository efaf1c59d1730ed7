"""Uploaded files: their type from their bytes, safe names, and the checks every door applies.

The limits are ``cases.rules`` (count, size per file and in total, allowed types, zip bounds). The
web wizard and the API report problems per file in the page's language
(``publicsite.intake.read_uploads`` calls :func:`file_problems`); the services refuse with the same
checks (:func:`validate_files`). Zip-based formats (DOCX, ODT) are opened as archives only within
bounds: a few members, a bounded prefix of the one member we read, a bounded total declared size
and compression ratio, so no upload can make the server inflate more than a few kilobytes."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from . import rules
from .errors import ValidationError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


class UnsafeArchive(ValueError):
    """A zip whose declared contents exceed the bounds (too many members, too large, too dense)."""


def open_bounded_zip(content: bytes) -> zipfile.ZipFile:
    """The archive, after checking its central directory against the bounds; raises
    ``UnsafeArchive`` or ``zipfile.BadZipFile``. Nothing is decompressed here."""
    zf = zipfile.ZipFile(io.BytesIO(content))
    infos = zf.infolist()
    if len(infos) > rules.ZIP_MAX_MEMBERS:
        raise UnsafeArchive(f"{len(infos)} members")
    declared = sum(info.file_size for info in infos)
    if declared > rules.ZIP_MAX_TOTAL_UNCOMPRESSED:
        raise UnsafeArchive(f"{declared} bytes declared")
    if declared > max(len(content), 1) * rules.ZIP_MAX_RATIO:
        raise UnsafeArchive("compression ratio")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limit: int = rules.ZIP_MAX_MEMBER_READ) -> bytes:
    """At most ``limit`` bytes of one member, decompressed in a stream (never the whole member)."""
    with zf.open(name) as fh:
        return fh.read(limit)


def read_member_whole(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member whose whole content we need (a DOCX's document.xml for the preview), refused when
    it inflates beyond ``limit`` bytes, whatever its header claims."""
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise UnsafeArchive(f"{name} larger than {limit} bytes")
    return data


def sniff_content_type(content: bytes) -> str | None:
    """The type from the bytes, never from the name or the header the client sent."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        try:
            with open_bounded_zip(content) as zf:
                names = set(zf.namelist())
                if "mimetype" in names:
                    mimetype = read_member(zf, "mimetype", 256).decode("ascii", "replace").strip()
                    if mimetype == ODT:
                        return ODT
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return DOCX
        except (zipfile.BadZipFile, UnsafeArchive, OSError, EOFError, ValueError, NotImplementedError):
            return None
    return None


def sanitise_filename(name: str) -> str:
    base = Path(name or "").name
    base = base.replace("Đ", "D").replace("đ", "d")  # đ has no ASCII decomposition
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "tep"
    return base[:120]


def size_label(n: int) -> str:
    """20 MB, 512 KB, 100 B: a limit as people read it."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} B"


@dataclass(frozen=True)
class FileProblem:
    """One refused file (or the set): ``status`` is what the API answers (413 size, 415 type,
    400 count)."""

    message: str
    status: int


def file_problems(
    files: Sequence[tuple[str, int, bytes | None]], *, existing_count: int = 0, existing_bytes: int = 0
) -> list[FileProblem]:
    """Problems with files given as (name, size, content or None if not read yet)."""
    problems: list[FileProblem] = []
    if len(files) + existing_count > rules.MAX_FILES:
        problems.append(FileProblem(str(_("Tối đa %(n)s tệp cho mỗi hồ sơ.") % {"n": rules.MAX_FILES}), 400))
    total = existing_bytes
    for name, size, content in files:
        safe = sanitise_filename(name)
        total += size
        if size > rules.MAX_FILE_BYTES:
            problems.append(
                FileProblem(
                    str(
                        _("%(name)s: tệp lớn hơn %(size)s.")
                        % {"name": safe, "size": size_label(rules.MAX_FILE_BYTES)}
                    ),
                    413,
                )
            )
        elif content is not None and sniff_content_type(content) is None:
            problems.append(
                FileProblem(
                    str(
                        _(
                            "%(name)s: chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc ODT "
                            "(xác định theo nội dung tệp)."
                        )
                        % {"name": safe}
                    ),
                    415,
                )
            )
    if total > rules.MAX_TOTAL_BYTES:
        problems.append(
            FileProblem(
                str(
                    _("Tổng dung lượng các tệp vượt quá %(size)s.")
                    % {"size": size_label(rules.MAX_TOTAL_BYTES)}
                ),
                413,
            )
        )
    return problems


def validate_files(files: Sequence, existing_count: int = 0, existing_bytes: int = 0) -> None:
    """Refuse ``files`` (objects with ``name`` and ``content``) that break the rules."""
    problems = file_problems(
        [(f.name, len(f.content), f.content) for f in files],
        existing_count=existing_count,
        existing_bytes=existing_bytes,
    )
    if problems:
        raise ValidationError(
            _("Tệp đính kèm không hợp lệ."), field_errors={"files": [p.message for p in problems]}
        )
