"""Standard notices generated from templates with the case's data, as DOCX (WordprocessingML written
with the standard library: no new dependency), in Vietnamese, in the administrative document layout
of Decree 30/2020/NĐ-CP (A4, Times New Roman 13–14 pt, agency name and national motto side by side).

Each template says who receives it. A document addressed to the accused, to another agency or
published never carries the denouncer's identity (Law on Denunciations 2018 Arts 29(3), 40(3), 56):
the identity is put only into notices addressed to the complainant/denouncer, only for a user with
the identity permission, and every such use writes an access-log row (``services.party_identity_reveal``).

Template text lives in ``cases/templates/cases/documents/<code>.txt`` with a tiny line markup:
``# `` centred bold title, ``## `` centred bold line, ``### `` centred italic line, ``- `` indented
item, ``! `` bold paragraph, an empty line between paragraphs, anything else a justified paragraph."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import timezone

from . import files as filecheck
from . import permissions, rules
from .models import Attachment, Case, CaseEvent, Visibility
from .models import CaseKind as K
from .models import CaseStatus as S
from .reasons import REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS
from .services import FileInput, party_identity_reveal

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLACEHOLDER = "…………………………………"


@dataclass(frozen=True)
class NoticeTemplate:
    code: str
    title_vi: str
    title_en: str
    kinds: frozenset[str]
    statuses: frozenset[str]  # when it can be made on demand
    recipient: str  # "complainant" | "accused" | "authority" | "file"
    attachment_kind: str
    form: str  # the statutory form it follows
    visibility: str = Visibility.INTERNAL

    def title(self, language: str = "vi") -> str:
        return self.title_en if language == "en" else self.title_vi

    def includes_identity(self, kind: str) -> bool:
        """Only a notice addressed to the sender names the sender; for complaints and petitions the
        file copies and transfer slips may too (no secrecy rule), for denunciations never."""
        if kind == K.ANONYMOUS_REPORT:
            return False
        if self.recipient == "complainant":
            return True
        return self.recipient in ("authority", "file") and kind != K.DENUNCIATION


_AFTER_ACCEPT = frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE, S.SUSPENDED})
_AFTER_DECISION = frozenset({S.DECIDED, S.CONCLUDED, S.PUBLISHED, S.CLOSED})
_N = Attachment.Kind.NOTICE
_D = Attachment.Kind.DECISION

TEMPLATES: dict[str, NoticeTemplate] = {
    t.code: t
    for t in [
        NoticeTemplate(
            "thu_ly_khieu_nai",
            "Thông báo thụ lý giải quyết",
            "Notice of acceptance",
            frozenset({K.COMPLAINT, K.PETITION}),
            _AFTER_ACCEPT,
            "complainant",
            _N,
            "Luật Khiếu nại 2011, Điều 27; Mẫu 01-KN (Thông tư 07/2013/TT-TTCP)",
            Visibility.COMPLAINANT,
        ),
        NoticeTemplate(
            "thu_ly_to_cao_qd",
            "Quyết định thụ lý tố cáo",
            "Decision to accept the denunciation",
            frozenset({K.DENUNCIATION}),
            _AFTER_ACCEPT,
            "file",
            _D,
            "Luật Tố cáo 2018, Điều 29 khoản 2; Mẫu 04 (Nghị định 31/2019/NĐ-CP)",
        ),
        NoticeTemplate(
            "thu_ly_to_cao_tb_nguoi_to_cao",
            "Thông báo việc thụ lý tố cáo (gửi người tố cáo)",
            "Notice of acceptance (to the denouncer)",
            frozenset({K.DENUNCIATION}),
            _AFTER_ACCEPT,
            "complainant",
            _N,
            "Luật Tố cáo 2018, Điều 29 khoản 3; Mẫu 05 (Nghị định 31/2019/NĐ-CP)",
            Visibility.COMPLAINANT,
        ),
        NoticeTemplate(
            "thu_ly_to_cao_tb_nguoi_bi_to_cao",
            "Thông báo nội dung tố cáo (gửi người bị tố cáo)",
            "Notice of the denunciation's content (to the accused)",
            frozenset({K.DENUNCIATION}),
            _AFTER_ACCEPT,
            "accused",
            _N,
            "Luật Tố cáo 2018, Điều 29 khoản 3; Mẫu 06 (Nghị định 31/2019/NĐ-CP)",
        ),
        NoticeTemplate(
            "khong_thu_ly",
            "Thông báo không thụ lý",
            "Notice of non-acceptance",
            frozenset({K.COMPLAINT, K.DENUNCIATION, K.PETITION}),
            frozenset({S.REJECTED}),
            "complainant",
            _N,
            "Luật Khiếu nại 2011, Điều 11, 27; Luật Tố cáo 2018, Điều 24 khoản 1, Điều 29 khoản 1",
            Visibility.COMPLAINANT,
        ),
        NoticeTemplate(
            "khong_giai_quyet_lai_to_cao",
            "Thông báo về việc không giải quyết lại vụ việc tố cáo",
            "Notice that the denunciation will not be re-resolved",
            frozenset({K.DENUNCIATION}),
            frozenset({S.REJECTED}),
            "complainant",
            _N,
            # Decree 31/2019 has no numbered form for this notice that could be confirmed [U].
            "Luật Tố cáo 2018, Điều 37 khoản 2 điểm a",
            Visibility.COMPLAINANT,
        ),
        NoticeTemplate(
            "yeu_cau_bao_cao_to_cao_qua_han",
            "Văn bản yêu cầu báo cáo về việc giải quyết tố cáo",
            "Request for a report on an overdue denunciation",
            frozenset({K.DENUNCIATION}),
            frozenset({S.MONITORING}),
            "authority",
            _N,
            "Luật Tố cáo 2018, Điều 38 khoản 2; Nghị định 31/2019/NĐ-CP, Điều 5",
        ),
        NoticeTemplate(
            "phieu_chuyen_don",
            "Phiếu chuyển đơn",
            "Transfer slip",
            frozenset({K.COMPLAINT, K.DENUNCIATION, K.PETITION, K.ANONYMOUS_REPORT}),
            frozenset({S.TRANSFERRED}),
            "authority",
            _N,
            "Luật Tố cáo 2018, Điều 24 khoản 2; Mẫu 03 (Thông tư 05/2021/TT-TTCP)",
        ),
        NoticeTemplate(
            "gia_han",
            "Quyết định gia hạn giải quyết tố cáo",
            "Decision extending the resolution period",
            frozenset({K.DENUNCIATION}),
            frozenset({S.ACCEPTED, S.VERIFYING}),
            "accused",
            _D,
            "Luật Tố cáo 2018, Điều 30; Nghị định 31/2019/NĐ-CP, Điều 3, Mẫu 01",
        ),
        NoticeTemplate(
            "ket_luan_to_cao",
            "Kết luận nội dung tố cáo",
            "Conclusion on the denunciation",
            frozenset({K.DENUNCIATION, K.ANONYMOUS_REPORT}),
            _AFTER_DECISION,
            "accused",
            _D,
            "Luật Tố cáo 2018, Điều 35; Mẫu 12 (Nghị định 31/2019/NĐ-CP)",
        ),
        NoticeTemplate(
            "quyet_dinh_giai_quyet_khieu_nai",
            "Quyết định giải quyết khiếu nại",
            "Decision on the complaint",
            frozenset({K.COMPLAINT}),
            _AFTER_DECISION,
            "complainant",
            _D,
            "Luật Khiếu nại 2011, Điều 31, 40",
            Visibility.COMPLAINANT,
        ),
        NoticeTemplate(
            "tra_loi_kien_nghi",
            "Văn bản trả lời kiến nghị, phản ánh",
            "Answer to the petition",
            frozenset({K.PETITION}),
            _AFTER_DECISION,
            "complainant",
            _D,
            "Luật Tiếp công dân 2013, Điều 2 khoản 2; Thông tư 05/2021/TT-TTCP",
            Visibility.COMPLAINANT,
        ),
    ]
}

# What each action files automatically (the form has a tick box, on by default).
ON_ACTION: dict[str, dict[str, list[str]]] = {
    "accept": {
        K.COMPLAINT: ["thu_ly_khieu_nai"],
        K.PETITION: ["thu_ly_khieu_nai"],
        K.DENUNCIATION: [
            "thu_ly_to_cao_qd",
            "thu_ly_to_cao_tb_nguoi_to_cao",
            "thu_ly_to_cao_tb_nguoi_bi_to_cao",
        ],
    },
    "reject": {K.COMPLAINT: ["khong_thu_ly"], K.DENUNCIATION: ["khong_thu_ly"], K.PETITION: ["khong_thu_ly"]},
    "transfer": {k: ["phieu_chuyen_don"] for k in K.values},
    "extend": {K.DENUNCIATION: ["gia_han"]},
    "review_decline": {K.DENUNCIATION: ["khong_giai_quyet_lai_to_cao"]},
    "followup_request": {K.DENUNCIATION: ["yeu_cau_bao_cao_to_cao_qua_han"]},
    "conclude": {
        K.COMPLAINT: ["quyet_dinh_giai_quyet_khieu_nai"],
        K.DENUNCIATION: ["ket_luan_to_cao"],
        K.ANONYMOUS_REPORT: ["ket_luan_to_cao"],
        K.PETITION: ["tra_loi_kien_nghi"],
    },
}


def templates_for(case: Case) -> list[NoticeTemplate]:
    out = [t for t in TEMPLATES.values() if case.kind in t.kinds and case.status in t.statuses]
    if case.extension_count == 0:
        out = [t for t in out if t.code != "gia_han"]
    # A re-denunciation the superior declined gets the notice of Art 37(2)(a), not the ordinary
    # non-acceptance notice; an ordinary refusal never the former.
    declined = case.reason_code in rules.REVIEW_ONLY_REASONS
    out = [t for t in out if not (t.code == "khong_thu_ly" and declined)]
    out = [t for t in out if not (t.code == "khong_giai_quyet_lai_to_cao" and not declined)]
    return out


# ------------------------------------------------------------------------------------ context


def _date_words(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _last_event(case: Case, kind: str) -> dict:
    event = CaseEvent.objects.filter(case=case, kind=kind).order_by("-seq").first()
    return event.data if event else {}


def _reason_day(case: Case) -> dt.date | None:
    """The day the case's reason was given (its refusal, suspension or ending event), so the notice
    cites the version of the reason in force that day, before or after 1/7/2026."""
    for event in CaseEvent.objects.filter(case=case).order_by("-seq").only("data", "created_at")[:50]:
        if isinstance(event.data, dict) and event.data.get("reason_code") == case.reason_code:
            return timezone.localdate(event.created_at)
    return None


def _reason(code: str, on: dt.date | None = None):
    """The version of reason ``code`` in force on ``on`` (the day it was given)."""
    for table in (REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS):
        reason = table.get(code, on)
        if reason is not None:
            return reason
    return None


def _place(case: Case) -> str:
    return "Hà Nội" if (case.authority and case.authority.path.startswith("/HN")) else ""


@dataclass
class Rendered:
    template: NoticeTemplate
    filename: str
    content: bytes
    identity_included: bool
    text: str


def render_notice(*, case: Case, code: str, user, number: str = "", today: dt.date | None = None) -> Rendered:
    """The document ``code`` for ``case`` as DOCX bytes. Reveals (and logs) the sender's identity
    only when the template is addressed to them and ``user`` holds the identity permission."""
    template = TEMPLATES[code]
    if case.kind not in template.kinds:
        raise ValueError(f"{code} does not apply to a {case.kind}")
    today = today or timezone.localdate()
    parties = []
    identity_included = False
    if template.includes_identity(case.kind):
        may_reveal = user is not None and permissions.user_can_view_identity(user, case)
        for party in case.parties.all():
            if may_reveal:
                revealed = party_identity_reveal(
                    user=user, party=party, reason=f"Lập văn bản: {template.title_vi} ({case.reference})"
                )
                parties.append(revealed)
                identity_included = True
            else:
                parties.append({"full_name": PLACEHOLDER, "address": PLACEHOLDER})
    resolution = (
        case.deadlines.filter(rule_code__in=["K4", "K5", "K6", "T4", "R4"]).order_by("-due_at").first()
    )
    reason = _reason(case.reason_code, _reason_day(case)) if case.reason_code else None
    context = {
        "case": case,
        "kind_label": case.get_kind_display(),
        "authority_name": case.authority.name_vi if case.authority is not None else PLACEHOLDER,
        "authority_upper": (case.authority.name_vi if case.authority is not None else PLACEHOLDER).upper(),
        "parties": parties,
        "party": parties[0] if parties else {"full_name": PLACEHOLDER, "address": PLACEHOLDER},
        "received_on": timezone.localtime(case.received_at).date(),
        "accepted_on": timezone.localtime(case.accepted_at).date() if case.accepted_at else None,
        "decided_on": timezone.localtime(case.decided_at).date() if case.decided_at else None,
        "resolution_due": resolution.due_date if resolution else None,
        "reason": reason,
        "extension": _last_event(case, "case.extended"),
        "transfer": _last_event(case, "case.transferred"),
        "conclusion": _last_event(case, "case.concluded") or _last_event(case, "case.decided"),
        "accused": case.accused_name
        or (case.accused_authority.name_vi if case.accused_authority is not None else ""),
        "placeholder": PLACEHOLDER,
        "number": number,
        "today": today,
    }
    body = render_to_string(f"cases/documents/{code}.txt", context)
    place = _place(case)
    header = {
        "issuer_parent": (
            case.authority.parent.name_vi.upper()
            if case.authority is not None and case.authority.parent is not None
            else ""
        ),
        "issuer": context["authority_upper"],
        "number": f"Số: {number}" if number else "Số:        /",
        "dateline": f"{place}, {_date_words(today)}" if place else _date_words(today).capitalize(),
    }
    content = build_docx(header=header, body=body, form=template.form, recipient=template.recipient)
    filename = f"{code}-{case.reference}.docx"
    return Rendered(template, filename, content, identity_included, body)


def notice_file(*, case: Case, code: str, user, number: str = "") -> FileInput:
    """The rendered notice as an upload for ``services.attachment_add`` (or ``case_conclude``)."""
    rendered = render_notice(case=case, code=code, user=user, number=number)
    return FileInput(
        name=rendered.filename,
        content=rendered.content,
        content_type=DOCX_TYPE,
        kind=rendered.template.attachment_kind,
        description=rendered.template.title_vi,
        # A denouncer's name in a file is secret (Art 56(2)): such a file is marked and guarded.
        contains_identity=rendered.identity_included and case.kind == K.DENUNCIATION,
    )


# ------------------------------------------------------------------------------------- DOCX

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _run(text: str, *, bold=False, italic=False, size=28) -> str:
    props = '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(rules.strip_control_characters(text))}</w:t></w:r>'


def _para(text: str, *, align="both", bold=False, italic=False, size=28, indent=True, after=120) -> str:
    ind = '<w:ind w:firstLine="567"/>' if indent and align == "both" else ""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="{after}" w:line="312" w:lineRule="auto"/>{ind}'
        f'<w:jc w:val="{align}"/></w:pPr>{_run(text, bold=bold, italic=italic, size=size)}</w:p>'
    )


def _cell(paragraphs: str, width: int) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>'


def _table(left: str, right: str) -> str:
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="9355" w:type="dxa"/><w:tblBorders>'
        '<w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/>'
        '<w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="3600"/><w:gridCol w:w="5755"/></w:tblGrid>'
        f"<w:tr>{_cell(left, 3600)}{_cell(right, 5755)}</w:tr></w:tbl>"
    )


def body_paragraphs(body: str) -> list[str]:
    out = []
    for raw in body.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("# "):
            out.append(_para(line[2:], align="center", bold=True, size=28, after=0))
        elif line.startswith("## "):
            out.append(_para(line[3:], align="center", bold=True, size=28, after=60))
        elif line.startswith("### "):
            out.append(_para(line[4:], align="center", italic=True, size=28, after=200))
        elif line.startswith("! "):
            out.append(_para(line[2:], bold=True))
        elif line.startswith("- "):
            out.append(_para("– " + line[2:]))
        else:
            out.append(_para(line.strip()))
    return out


def build_docx(*, header: dict, body: str, form: str, recipient: str) -> bytes:
    left = ""
    if header.get("issuer_parent"):
        left += _para(header["issuer_parent"], align="center", size=26, indent=False, after=0)
    left += _para(header["issuer"], align="center", bold=True, size=26, indent=False, after=0)
    left += _para("_______", align="center", size=26, indent=False, after=60)
    left += _para(header["number"], align="center", size=26, indent=False, after=0)
    right = _para(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, size=26, indent=False, after=0
    )
    right += _para("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, size=28, indent=False, after=0)
    right += _para("_______________________", align="center", size=26, indent=False, after=60)
    right += _para(header["dateline"], align="center", italic=True, size=28, indent=False, after=0)
    parts = [_table(left, right), _para("", after=240)]
    parts += body_paragraphs(body)
    parts.append(_para("", after=240))
    signature = _para("NGƯỜI CÓ THẨM QUYỀN", align="right", bold=True, indent=False, after=0)
    signature += _para("(Ký, ghi rõ họ tên, đóng dấu)", align="right", italic=True, indent=False, after=0)
    parts.append(signature)
    parts.append(
        _para(f"Căn cứ biểu mẫu: {form}.", align="left", italic=True, size=22, indent=False, after=0)
    )
    if recipient in ("accused", "authority"):
        parts.append(
            _para(
                "Văn bản này không chứa thông tin nhân thân người tố cáo (Luật Tố cáo 2018, Điều 56).",
                align="left",
                italic=True,
                size=22,
                indent=False,
            )
        )
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="720" '
        'w:footer="720" w:gutter="0"/>'
        "</w:sectPr>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W_NS}"><w:body>{"".join(parts)}{section}</w:body></w:document>'
    )
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
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))
    return buffer.getvalue()


def _paragraphs(xml: str) -> list[dict]:
    import re
    from xml.sax.saxutils import unescape

    out = []
    for body in re.findall(r"<w:p>(.*?)</w:p>", xml, flags=re.S):
        text = unescape("".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", body)))
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


def docx_preview(content: bytes) -> dict:
    """Paragraphs (text, alignment, bold, italic) of a DOCX, for the in-browser preview; the header
    table's two cells separately. Works for any WordprocessingML file, best for the ones made here."""
    import re

    with filecheck.open_bounded_zip(content) as zf:
        xml = filecheck.read_member_whole(zf, "word/document.xml", DOCX_PREVIEW_MAX_XML).decode("utf-8")
    head = []
    table = re.search(r"<w:tbl>(.*?)</w:tbl>", xml, flags=re.S)
    if table:
        head = [_paragraphs(cell) for cell in re.findall(r"<w:tc>(.*?)</w:tc>", table.group(1), flags=re.S)]
        xml = xml.replace(table.group(0), "")
    return {"head": head, "body": _paragraphs(xml)}


def docx_text(content: bytes) -> str:
    """The visible text of a DOCX made here (for previews and tests)."""
    import re

    with filecheck.open_bounded_zip(content) as zf:
        xml = filecheck.read_member_whole(zf, "word/document.xml", DOCX_PREVIEW_MAX_XML).decode("utf-8")
    paragraphs = re.findall(r"<w:p>(.*?)</w:p>", xml)
    lines = ["".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", p)) for p in paragraphs]
    from xml.sax.saxutils import unescape

    return "\n".join(unescape(line) for line in lines)
