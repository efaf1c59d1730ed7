"""Issued documents to PDF: DOCX (or ODT) through Debian's LibreOffice in headless mode, exported as
PDF/A-2b with its fonts embedded (Times New Roman is drawn with its metric twin Liberation Serif,
which has every Vietnamese letter), then the place of the visible signature on the last page.

Each conversion runs ``soffice`` with its own throw-away user profile, so conversions in parallel
(two workers, two heads signing at once) never share LibreOffice's profile lock. Decision 0008 has
the measurements (about 5 s a document on this machine's 2 cores) and the reasons."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases import files as filecheck
from cases.errors import ApplicationError

logger = logging.getLogger(__name__)

DOCX = filecheck.DOCX
ODT = filecheck.ODT
PDF = "application/pdf"
RENDERABLE = (DOCX, ODT)
# LibreOffice's PDF export filter: SelectPdfVersion 2 = PDF/A-2b (ISO 19005-2, level B).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
# The placeholder ``cases.documents.build_docx`` writes where the signature goes.
PLACEHOLDER_TITLE = "NGƯỜI CÓ THẨM QUYỀN"
PLACEHOLDER_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"


class RenderError(ApplicationError):
    pass


def _config() -> dict:
    return getattr(settings, "DOCUMENT_SIGNING", {}) or {}


def soffice_path() -> str | None:
    return shutil.which(_config().get("SOFFICE") or "soffice")


def docx_with_signatory(content: bytes, *, title: str, name: str) -> bytes:
    """A DOCX made by ``cases.documents`` with its signature placeholder ("NGƯỜI CÓ THẨM QUYỀN /
    (Ký, ghi rõ họ tên, đóng dấu)") replaced by the signatory's title (where a standard form printed
    the competent title already, that stays), room for the visible signature, and their name. Any
    other DOCX is returned unchanged."""
    try:
        with filecheck.open_bounded_zip(content) as zf:
            names = zf.namelist()
            if "word/document.xml" not in names:
                return content
            members = {n: zf.read(n) for n in names}
    except (zipfile.BadZipFile, filecheck.UnsafeArchive):
        return content
    xml = members["word/document.xml"].decode("utf-8")
    if escape(PLACEHOLDER_HINT) not in xml:
        return content
    # The standard forms print the competent person's title already (``cases.documents``); the
    # text-built notices print the placeholder instead.
    xml = xml.replace(f">{escape(PLACEHOLDER_TITLE)}<", f">{escape(title.upper())}<", 1)
    # Title, room and name stay on one page (keep with next), so the block is never split.
    heading = re.search(r"<w:p><w:pPr>(?:(?!<w:p>).)*?>" + re.escape(escape(title.upper())) + "<", xml, re.S)
    if heading:
        xml = xml.replace(heading.group(0), heading.group(0).replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1), 1)
    # The hint paragraph becomes the name, far enough below the title for the signature block.
    hint = re.search(r"<w:p>(?:(?!<w:p>).)*?" + re.escape(escape(PLACEHOLDER_HINT)) + r".*?</w:p>", xml, re.S)
    if hint:
        paragraph = hint.group(0)
        paragraph = paragraph.replace("<w:i/>", "<w:b/>")
        paragraph = re.sub(r'w:before="\d+"', 'w:before="1900"', paragraph, count=1)
        paragraph = paragraph.replace(escape(PLACEHOLDER_HINT), escape(name))
        xml = xml.replace(hint.group(0), paragraph, 1)
    members["word/document.xml"] = xml.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member in names:
            info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, members[member])
    return buffer.getvalue()


def to_pdf(content: bytes, content_type: str) -> tuple[bytes, bool]:
    """(PDF bytes, whether it is PDF/A) of a DOCX or ODT, through LibreOffice headless."""
    soffice = soffice_path()
    if soffice is None:
        raise RenderError(
            _(
                "Máy chủ chưa cài LibreOffice để chuyển văn bản sang PDF; liên hệ quản trị hệ thống "
                "(scripts/install_services.sh)."
            )
        )
    suffix = ".odt" if content_type == ODT else ".docx"
    with tempfile.TemporaryDirectory(prefix="kntc-render-") as tmp:
        folder = Path(tmp)
        source = folder / f"document{suffix}"
        source.write_bytes(content)
        out = folder / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            PDFA_FILTER,
            "--outdir",
            str(out),
            str(source),
        ]
        env = {"HOME": tmp, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        try:
            subprocess.run(  # noqa: S603 (fixed argument list, no shell; the path is ours)
                command,
                check=True,
                capture_output=True,
                timeout=int(_config().get("RENDER_TIMEOUT") or 120),
                env=env,
                cwd=tmp,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            logger.error("PDF rendering failed: %s", type(exc).__name__)
            raise RenderError(_("Không chuyển được văn bản sang PDF. Vui lòng thử lại.")) from exc
        produced = out / "document.pdf"
        if not produced.exists() or produced.stat().st_size == 0:
            raise RenderError(_("Không chuyển được văn bản sang PDF. Vui lòng thử lại."))
        pdf = produced.read_bytes()
    return pdf, is_pdfa(pdf)


def is_pdfa(pdf: bytes) -> bool:
    """Whether the file declares PDF/A conformance in its XMP metadata."""
    return b"pdfaid:part" in pdf


# ------------------------------------------------------------------ where the signature goes


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF user space (points, origin at the bottom left) on the last page."""

    x1: float
    y1: float
    x2: float
    y2: float

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (int(self.x1), int(self.y1), int(self.x2), int(self.y2))


STAMP_WIDTH = 230.0
STAMP_HEIGHT = 74.0


def _words(pdf: bytes) -> tuple[float, float, list[tuple[str, float, float, float, float]]] | None:
    """(page width, page height, words with their boxes) of the last page, from poppler's
    ``pdftotext -bbox`` (coordinates from the top left)."""
    pdftotext = shutil.which("pdftotext")
    pdfinfo = shutil.which("pdfinfo")
    if pdftotext is None or pdfinfo is None:
        return None
    with tempfile.TemporaryDirectory(prefix="kntc-layout-") as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        try:
            # Fixed argument lists, no shell; the file is ours.
            info = subprocess.run(  # noqa: S603
                [pdfinfo, str(path)], capture_output=True, timeout=30, check=True
            ).stdout
            pages = int(re.search(rb"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
            html = subprocess.run(  # noqa: S603
                [pdftotext, "-f", str(pages), "-l", str(pages), "-bbox", str(path), "-"],
                capture_output=True,
                timeout=30,
                check=True,
            ).stdout.decode("utf-8", "replace")
        except (subprocess.SubprocessError, OSError, AttributeError, ValueError):
            return None
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    if not page:
        return None
    words = [
        (unescape(m.group(5)), float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', html
        )
    ]
    return float(page.group(1)), float(page.group(2)), words


def _find_line(words, text: str):
    """The box (x1, top, x2, bottom) of the last run of ``words`` that spells ``text``."""
    target = text.split()
    if not target:
        return None
    found = None
    for i in range(len(words) - len(target) + 1):
        if [w[0] for w in words[i : i + len(target)]] == target:
            run = words[i : i + len(target)]
            found = (
                min(w[1] for w in run),
                min(w[2] for w in run),
                max(w[3] for w in run),
                max(w[4] for w in run),
            )
    return found


def signature_box(pdf: bytes, *, name: str, title: str) -> Box:
    """Where the visible signature goes on the last page: between the signatory's title and name
    when the document prints them (ours always do), else the bottom right corner."""
    layout = _words(pdf)
    if layout is None:
        return Box(595 - 40 - STAMP_WIDTH, 40, 595 - 40, 40 + STAMP_HEIGHT)
    width, height, words = layout
    name_line = _find_line(words, name)
    title_line = _find_line(words, title.upper()) or _find_line(words, title)
    if name_line is not None:
        centre = (name_line[0] + name_line[2]) / 2
        x2 = min(width - 42, centre + STAMP_WIDTH / 2)  # inside the right margin (850 twips)
        x1 = max(20, x2 - STAMP_WIDTH)
        if title_line is not None and title_line[3] < name_line[1]:
            room = name_line[1] - title_line[3]
            h = max(24.0, min(STAMP_HEIGHT, room - 4))
            y_top = title_line[3] + max(0.0, (room - h) / 2)
        else:
            h = STAMP_HEIGHT
            y_top = name_line[1] - 2 - h
        y1, y2 = height - (y_top + h), height - y_top
        if y2 > height - 20:  # never above the top margin
            y1, y2 = height - 20 - h, height - 20
        return Box(x1, max(20, y1), x2, max(20 + h, y2))
    return Box(width - 40 - STAMP_WIDTH, 40, width - 40, 40 + STAMP_HEIGHT)
