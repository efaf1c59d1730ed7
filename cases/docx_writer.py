"""WordprocessingML (DOCX) written with the standard library, in the administrative document layout of
Decree 30/2020/NĐ-CP (A4, Times New Roman 13–14 pt, agency name and national motto side by side).

No Django and no third-party import here: ``cases.documents`` builds notices with it, and
``scripts/make_document_templates.py`` builds the editable ``.docx`` templates with it (their
``{{ … }}`` / ``{%p … %}`` tags are docxtpl's; each paragraph is one run, so Word never splits a tag
until an agency edits the file, and docxtpl mends the usual splits then).

Line markup of a body: ``# `` centred bold title, ``## `` centred bold line, ``### `` centred italic
line, ``- `` indented item, ``! `` bold paragraph, ``{%p … %}`` a docxtpl paragraph tag, an empty line
between paragraphs, anything else a justified paragraph."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
# The placeholders ``cases.delivery.rendering.docx_with_signatory`` replaces at signing.
SIGNATURE_TITLE_PLACEHOLDER = "NGƯỜI CÓ THẨM QUYỀN"
SIGNATURE_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"

_CONTROL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.translate(_CONTROL))


def run(text: str, *, bold=False, italic=False, size=28) -> str:
    props = '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(_clean(text))}</w:t></w:r>'


def para(text: str, *, align="both", bold=False, italic=False, size=28, indent=True, after=120) -> str:
    ind = '<w:ind w:firstLine="567"/>' if indent and align == "both" else ""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="{after}" w:line="312" w:lineRule="auto"/>{ind}'
        f'<w:jc w:val="{align}"/></w:pPr>{run(text, bold=bold, italic=italic, size=size)}</w:p>'
    )


def tag_para(tag: str) -> str:
    """A paragraph holding only a docxtpl paragraph tag (``{%p if … %}``): docxtpl removes it."""
    return f"<w:p>{run(tag, size=2)}</w:p>"


def cell(paragraphs: str, width: int) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>'


def table(left: str, right: str, widths=(3600, 5755)) -> str:
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>'
        '<w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/>'
        '<w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{widths[0]}"/><w:gridCol w:w="{widths[1]}"/></w:tblGrid>'
        f"<w:tr>{cell(left, widths[0])}{cell(right, widths[1])}</w:tr></w:tbl>"
    )


def body_paragraphs(body: str) -> list[str]:
    out = []
    for raw in body.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.lstrip().startswith("{%p") or line.lstrip().startswith("{%tr"):
            out.append(tag_para(line.strip()))
        elif line.startswith("# "):
            out.append(para(line[2:], align="center", bold=True, size=28, after=0))
        elif line.startswith("## "):
            out.append(para(line[3:], align="center", bold=True, size=28, after=60))
        elif line.startswith("### "):
            out.append(para(line[4:], align="center", italic=True, size=28, after=200))
        elif line.startswith("! "):
            out.append(para(line[2:], bold=True))
        elif line.startswith("- "):
            out.append(para("– " + line[2:]))
        else:
            out.append(para(line.strip()))
    return out


def header_table(header: dict) -> str:
    """Issuer (and its superior body) with the number on the left; motto and place/date right."""
    left = ""
    if header.get("issuer_parent"):
        left += para(header["issuer_parent"], align="center", size=26, indent=False, after=0)
    left += para(header["issuer"], align="center", bold=True, size=26, indent=False, after=0)
    left += para("_______", align="center", size=26, indent=False, after=60)
    left += para(header["number"], align="center", size=26, indent=False, after=0)
    right = para(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size=26, indent=False, after=0
    )
    right += para("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, size=28, indent=False, after=0)
    right += para("_______________________", align="center", size=26, indent=False, after=60)
    right += para(header["dateline"], align="center", italic=True, size=28, indent=False, after=0)
    return table(left, right)


def signature_block(title: str, *, recipients: list[str], prefix: str = "") -> str:
    """ "Nơi nhận" (left, 12 pt and 11 pt as Decree 30/2020 sets) beside the signatory's title and
    the hint the signing step replaces with the signatory's name (right)."""
    right = ""
    if prefix:
        right += para(prefix, align="center", bold=True, indent=False, after=0)
    right += para(title, align="center", bold=True, indent=False, after=0)
    right += para(SIGNATURE_HINT, align="center", italic=True, indent=False, after=0)
    left = para("Nơi nhận:", align="left", bold=True, italic=True, size=24, indent=False, after=0)
    for line in recipients:
        if line.lstrip().startswith("{%p"):
            left += tag_para(line.strip())
        else:
            left += para(f"- {line}", align="left", size=22, indent=False, after=0)
    return para("", after=120) + table(left, right, widths=(4400, 4955))


def document_xml(parts: list[str]) -> str:
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="720" '
        'w:footer="720" w:gutter="0"/>'
        "</w:sectPr>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(parts)}{section}</w:body></w:document>'
    )


def package(document: str) -> bytes:
    """The minimal DOCX package around ``document`` (reproducible: fixed member times)."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))
    return buffer.getvalue()


def repackage(content: bytes, replace: dict[str, bytes]) -> bytes:
    """``content`` (a DOCX) with some members replaced, reproducibly."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members.update(replace)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return buffer.getvalue()
