# ------------------------------------------------------------------------------------- DOCX


def body_paragraphs(body: str) -> list[str]:
    return docx_writer.body_paragraphs(body)


def build_docx(*, header: dict, body: str, form: str, recipient: str) -> bytes:
    """A DOCX from the line markup of ``body`` (the ``.txt`` templates), with the signature
    placeholder the signing step fills in (``cases.delivery.rendering.docx_with_signatory``)."""
    w = docx_writer
    parts = [w.header_table(header), w.para("", after=240)]
    parts += w.body_paragraphs(body)
    parts.append(w.para("", after=240))
    parts.append(w.para(w.SIGNATURE_TITLE_PLACEHOLDER, align="right", bold=True, indent=False, after=0))
    parts.append(w.para(w.SIGNATURE_HINT, align="right", italic=True, indent=False, after=0))
    parts.append(
        w.para(f"Căn cứ biểu mẫu: {form}.", align="left", italic=True, size=22, indent=False, after=0)
    )
    if recipient in ("accused", "authority"):
        parts.append(
            w.para(
                "Văn bản này không chứa thông tin nhân thân người tố cáo (Luật Tố cáo 2018, Điều 56).",
                align="left",
                italic=True,
                size=22,
                indent=False,
            )
        )
    return w.package(w.document_xml(parts))


# A paragraph as Word writes it too (``<w:p w:rsidR="…">``), never ``<w:pPr>``.
_P = re.compile(r"<w:p(?:\s[^>]*)?>(.*?)</w:p>", flags=re.S)
_T = re.compile(r"<w:t(?:\s[^>]*)?>(.*?)</w:t>", flags=re.S)
_TBL = re.compile(r"<w:tbl>(.*?)</w:tbl>", flags=re.S)
_TC = re.compile(r"<w:tc>(.*?)</w:tc>", flags=re.S)


def _paragraphs(xml: str) -> list[dict]:
    out = []
    for body in _P.findall(xml):
        text = unescape("".join(_T.findall(body)))
        if not text.strip():
            continue
        align = re.search(r'<w:jc w:val="(\w+)"/>', body)
        out.append(
            {
                "text": text,
                "align": {"center": "c", "right": "r", "both": "j"}.get(align.group(1) if align else "", ""),
                "bold": "<w:b/>" in body,
                "italic": "<w:i/>" in body,
            }
        )
    return out


# The largest document.xml the in-browser preview reads (a long decision is a few hundred KB).
DOCX_PREVIEW_MAX_XML = 8 * 1024 * 1024


def _document_xml(content: bytes) -> str:
    with filecheck.open_bounded_zip(content) as zf:
        return filecheck.read_member_whole(zf, "word/document.xml", DOCX_PREVIEW_MAX_XML).decode("utf-8")


def docx_preview(content: bytes) -> dict:
    """Paragraphs (text, alignment, bold, italic) of a DOCX, for the in-browser preview; the header
    table's two cells separately. Works for any WordprocessingML file, best for the ones made here."""
    xml = _document_xml(content)
    head = []
    table = _TBL.search(xml)
    if table:
        head = [_paragraphs(cell) for cell in _TC.findall(table.group(1))]
        xml = xml.replace(table.group(0), "")
    return {"head": head, "body": _paragraphs(xml)}


def docx_text(content: bytes) -> str:
    """The visible text of a DOCX, one paragraph a line (for previews and tests)."""
    xml = _document_xml(content)
    return "\n".join(unescape("".join(_T.findall(p))) for p in _P.findall(xml))
