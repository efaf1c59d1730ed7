"""Standard notices and decisions generated from the case's data, as DOCX (and PDF for the citizen),
in Vietnamese, each following its form in force with the form's number printed on it.

Templates an agency can edit in Word: ``cases/templates/cases/documents/<code>.docx``, rendered with
docxtpl (``{{ field }}`` and ``{%p if … %}`` tags); ``scripts/make_document_templates.py`` builds
them reproducibly from the texts it holds. Beside them, ``forms.toml`` names each template's form
(number and instrument: Decree 124/2020 as amended by Decree 155/2026 for complaints, Decree
31/2019 for denunciations, Circular 05/2021/TT-TTCP for letter handling), how far that number rests
on the text itself, and the parts the document must contain (title, legal basis, content items,
recipients, signatory) that ``tests/documents/test_forms.py`` checks. A template code without a
``.docx`` is rendered from ``<code>.txt`` (Django template, the line markup of
``cases.docx_writer``) into the same layout, so a new notice can start as text.

The agency's name, its superior body, the number and symbol, the place and date ("ngày … tháng …
năm …") and the competent signatory's title (the Chairperson of the People's Committee, the
Director of the department: Law on Complaints Arts 17–21, Law on Denunciations Arts 13–15; never
"Thủ trưởng UBND") come from data; all text is NFC.

Each template says who receives it. A document addressed to the accused, to another agency or
published never carries the denouncer's identity (Law on Denunciations 2018 Arts 29(3), 40(3), 56):
the identity is put only into notices addressed to the complainant/denouncer, only for a user with
the identity permission, and every such use writes an access-log row (``services.party_identity_reveal``).

Adding a notice: a ``NoticeTemplate`` (or ``form_template(code, …)``, which reads the form line from
``forms.toml``), a table in ``forms.toml`` and a ``.docx`` (add its text to the script and run it)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import tomllib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import unescape

from django.template.loader import render_to_string
from django.utils import timezone

from . import docx_writer
from . import files as filecheck
from . import permissions, rules
from .delivery import rendering
from .models import Attachment, Authority, Case, CaseEvent, Visibility
from .models import CaseKind as K
from .models import CaseStatus as S
from .reasons import REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS
from .services import FileInput, party_identity_reveal

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
PLACEHOLDER = "…………………………………"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "cases" / "documents"
FORMS_FILE = TEMPLATE_DIR / "forms.toml"
# The amending laws and decrees take effect on 01/07/2026 (Law 136/2025/QH15; Decrees 155/2026 and
# 156/2026): a document dated from then cites the amended texts.
AMENDMENTS_IN_FORCE = dt.date(2026, 7, 1)


@functools.cache
def form_catalogue() -> dict:
    """``forms.toml``: the form and required parts of each template code, and the signatory table."""
    with FORMS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def form_entry(code: str, case: Case | None = None) -> dict:
    """The ``forms.toml`` table of ``code``, with the variant that fits ``case`` merged in
    (``variants."complaint_level=second"``: the second-level decision is another form)."""
    base = dict(form_catalogue().get(code) or {})
    variants = base.pop("variants", {})
    if case is not None:
        for key, override in variants.items():
            attr, _sep, value = key.partition("=")
            if str(getattr(case, attr, "")) == value:
                base.update(override)
    return base


def form_line(entry: dict, on: dt.date | None = None) -> str:
    """The line printed at the top right: "Mẫu số 03 – Nghị định số 124/2020/NĐ-CP (sửa đổi, bổ sung
    bởi Nghị định số 155/2026/NĐ-CP)", or the instrument alone where the law has no numbered form."""
    if not entry:
        return ""
    on = on or timezone.localdate()
    source = entry.get("source", "")
    if entry.get("amended_by") and on >= AMENDMENTS_IN_FORCE:
        source = f"{source} (sửa đổi, bổ sung bởi {entry['amended_by']})"
    return f"{entry['form']} – {source}" if entry.get("form") else f"Căn cứ: {source}"


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
    form_code: str = ""  # its table in forms.toml (default: the code)
    docx: str = ""  # its Word template in TEMPLATE_DIR (default: "<code>.docx")
    requires_event: str = ""  # offered on demand only once the case has this event

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

    def docx_path(self) -> Path | None:
        path = TEMPLATE_DIR / (self.docx or f"{self.code}.docx")
        return path if path.exists() else None

    def entry(self, case: Case | None = None) -> dict:
        return form_entry(self.form_code or self.code, case)


def form_template(
    code: str,
    title_vi: str,
    title_en: str,
    kinds,
    statuses,
    recipient: str,
    attachment_kind: str,
    visibility: str = Visibility.INTERNAL,
    *,
    form_code: str = "",
    docx: str = "",
    requires_event: str = "",
) -> NoticeTemplate:
    """A template whose form line comes from ``forms.toml`` (one home for the form numbers)."""
    entry = form_entry(form_code or code)
    return NoticeTemplate(
        code,
        title_vi,
        title_en,
        frozenset(kinds),
        frozenset(statuses),
        recipient,
        attachment_kind,
        form_line(entry, AMENDMENTS_IN_FORCE) if entry else "",
        visibility,
        form_code=form_code,
        docx=docx,
        requires_event=requires_event,
    )


_AFTER_ACCEPT = frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE, S.SUSPENDED})
_WORKING = frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE})
_AFTER_DECISION = frozenset({S.DECIDED, S.CONCLUDED, S.PUBLISHED, S.CLOSED})
_ANY = frozenset(S.values)
_N = Attachment.Kind.NOTICE
_D = Attachment.Kind.DECISION
_M = Attachment.Kind.MINUTES
_O = Attachment.Kind.OTHER
_C = Visibility.COMPLAINANT
KN, TC, KNPA, AN = K.COMPLAINT, K.DENUNCIATION, K.PETITION, K.ANONYMOUS_REPORT

TEMPLATES: dict[str, NoticeTemplate] = {
    t.code: t
    for t in [
        # Complaints: Law on Complaints 2011; Decree 124/2020 as amended by Decree 155/2026.
        form_template("thu_ly_khieu_nai", "Thông báo thụ lý giải quyết khiếu nại", "Notice of acceptance",
                      {KN}, _AFTER_ACCEPT, "complainant", _N, _C),
        form_template("khong_thu_ly", "Thông báo không thụ lý giải quyết khiếu nại", "Notice of non-acceptance",
                      {KN}, {S.REJECTED}, "complainant", _N, _C),
        form_template("bien_ban_doi_thoai", "Biên bản đối thoại", "Minutes of the dialogue",
                      {KN}, _WORKING, "file", _M, requires_event="case.dialogue_scheduled"),
        form_template("qd_tam_dinh_chi_khieu_nai", "Quyết định tạm đình chỉ giải quyết khiếu nại",
                      "Decision suspending the resolution", {KN}, {S.SUSPENDED}, "complainant", _D, _C),
        form_template("qd_dinh_chi_khieu_nai", "Quyết định đình chỉ giải quyết khiếu nại",
                      "Decision ending the resolution", {KN}, {S.TERMINATED, S.WITHDRAWN}, "complainant", _D, _C),
        form_template("qd_tiep_tuc_khieu_nai", "Quyết định tiếp tục giải quyết khiếu nại",
                      "Decision to continue the resolution", {KN}, _WORKING, "complainant", _D, _C,
                      requires_event="case.resumed"),
        form_template("quyet_dinh_giai_quyet_khieu_nai", "Quyết định giải quyết khiếu nại", "Decision on the complaint",
                      {KN}, _AFTER_DECISION, "complainant", _D, _C),
        # Denunciations: Law on Denunciations 2018; Decree 31/2019 (Decree 156/2026 from 1/7/2026).
        form_template("thu_ly_to_cao_qd", "Quyết định thụ lý tố cáo", "Decision to accept the denunciation",
                      {TC}, _AFTER_ACCEPT, "file", _D),
        form_template("thu_ly_to_cao_tb_nguoi_to_cao", "Thông báo việc thụ lý tố cáo (gửi người tố cáo)",
                      "Notice of acceptance (to the denouncer)", {TC}, _AFTER_ACCEPT, "complainant", _N, _C),
        form_template("thu_ly_to_cao_tb_nguoi_bi_to_cao", "Thông báo nội dung tố cáo (gửi người bị tố cáo)",
                      "Notice of the denunciation's content (to the accused)", {TC}, _AFTER_ACCEPT, "accused", _N),
        form_template("khong_thu_ly_to_cao", "Thông báo không thụ lý tố cáo", "Notice of non-acceptance",
                      {TC}, {S.REJECTED}, "complainant", _N, _C),
        form_template("gia_han", "Quyết định gia hạn giải quyết tố cáo", "Decision extending the resolution period",
                      {TC}, {S.ACCEPTED, S.VERIFYING}, "accused", _D),
        form_template("don_rut_to_cao", "Đơn rút tố cáo (để người tố cáo ký)", "Letter of withdrawal (to sign)",
                      {TC}, _AFTER_ACCEPT | {S.WITHDRAWN}, "complainant", _O, _C),
        form_template("bien_ban_rut_to_cao", "Biên bản ghi nhận việc rút tố cáo", "Minutes of the withdrawal",
                      {TC}, _AFTER_ACCEPT | {S.WITHDRAWN}, "complainant", _M, _C),
        form_template("qd_to_xac_minh", "Quyết định thành lập Tổ xác minh", "Decision setting up the verification team",
                      {TC}, _WORKING, "file", _D),
        form_template("bien_ban_lam_viec_to_cao", "Biên bản làm việc (xác minh tố cáo)", "Minutes of a verification meeting",
                      {TC}, _WORKING, "file", _M),
        form_template("trung_cau_giam_dinh", "Văn bản trưng cầu giám định", "Request for an expert assessment",
                      {TC}, _WORKING, "authority", _N),
        form_template("bao_cao_xac_minh_to_cao", "Báo cáo kết quả xác minh (Tổ xác minh)", "Verification report (team)",
                      {TC}, _WORKING, "file", _O),
        form_template("bao_cao_ket_qua_xac_minh_co_quan", "Báo cáo kết quả xác minh (cơ quan được giao)",
                      "Verification report (assigned body)", {TC}, _WORKING, "file", _O),
        form_template("ket_luan_to_cao", "Kết luận nội dung tố cáo", "Conclusion on the denunciation",
                      {TC, AN}, _AFTER_DECISION, "accused", _D),
        form_template("tb_ket_luan_to_cao", "Thông báo kết luận nội dung tố cáo (gửi người tố cáo)",
                      "Notice of the conclusion (to the denouncer)", {TC}, _AFTER_DECISION, "complainant", _N, _C),
        form_template("tb_chuyen_don_to_cao", "Thông báo việc chuyển đơn tố cáo (gửi người tố cáo)",
                      "Notice of the transfer (to the denouncer)", {TC}, {S.TRANSFERRED}, "complainant", _N, _C),
        form_template("tb_khong_giai_quyet_lai", "Thông báo không giải quyết lại tố cáo",
                      "Notice declining to re-resolve", {TC}, {S.REJECTED, S.CLOSED}, "complainant", _N, _C),
        # Letter handling: Circular 05/2021/TT-TTCP.
        form_template("phieu_de_xuat_thu_ly", "Phiếu đề xuất thụ lý đơn", "Proposal to accept the letter",
                      {KN, TC}, {S.RECEIVED}, "file", _O),
        form_template("phieu_chuyen_don", "Phiếu chuyển đơn tố cáo", "Transfer slip (denunciation)",
                      {TC, AN}, {S.TRANSFERRED}, "authority", _N),
        form_template("phieu_chuyen_don_khac", "Phiếu chuyển đơn", "Transfer slip",
                      {KN, KNPA}, {S.TRANSFERRED}, "authority", _N),
        form_template("van_ban_huong_dan", "Văn bản hướng dẫn gửi đơn", "Guidance letter",
                      {KN, TC, KNPA}, {S.GUIDED}, "complainant", _N, _C),
        # Petitions and reflections: Law on Citizen Reception 2013 Art 2(2); Circular 05/2021.
        form_template("thu_ly_kien_nghi", "Thông báo thụ lý kiến nghị, phản ánh", "Notice of acceptance (petition)",
                      {KNPA}, _AFTER_ACCEPT, "complainant", _N, _C),
        form_template("khong_thu_ly_kien_nghi", "Thông báo không thụ lý kiến nghị, phản ánh",
                      "Notice of non-acceptance (petition)", {KNPA}, {S.REJECTED}, "complainant", _N, _C),
        form_template("tra_loi_kien_nghi", "Văn bản trả lời kiến nghị, phản ánh", "Answer to the petition",
                      {KNPA}, _AFTER_DECISION, "complainant", _D, _C),
        # Citizen reception: Law on Citizen Reception 2013.
        form_template("giay_bien_nhan", "Giấy biên nhận đơn, tài liệu", "Receipt of the letter and documents",
                      {KN, TC, KNPA}, _ANY - {S.MERGED}, "complainant", _N, _C),
    ]
}  # fmt: skip

# What each action files automatically (the form has a tick box, on by default).
ON_ACTION: dict[str, dict[str, list[str]]] = {
    "accept": {
        K.COMPLAINT: ["thu_ly_khieu_nai"],
        K.PETITION: ["thu_ly_kien_nghi"],
        K.DENUNCIATION: [
            "thu_ly_to_cao_qd",
            "thu_ly_to_cao_tb_nguoi_to_cao",
            "thu_ly_to_cao_tb_nguoi_bi_to_cao",
        ],
    },
    "reject": {
        K.COMPLAINT: ["khong_thu_ly"],
        K.DENUNCIATION: ["khong_thu_ly_to_cao"],
        K.PETITION: ["khong_thu_ly_kien_nghi"],
    },
    "transfer": {
        K.COMPLAINT: ["phieu_chuyen_don_khac"],
        K.PETITION: ["phieu_chuyen_don_khac"],
        K.DENUNCIATION: ["phieu_chuyen_don", "tb_chuyen_don_to_cao"],
        K.ANONYMOUS_REPORT: ["phieu_chuyen_don"],
    },
    "extend": {K.DENUNCIATION: ["gia_han"]},
    "conclude": {
        K.COMPLAINT: ["quyet_dinh_giai_quyet_khieu_nai"],
        K.DENUNCIATION: ["ket_luan_to_cao", "tb_ket_luan_to_cao"],
        K.ANONYMOUS_REPORT: ["ket_luan_to_cao"],
        K.PETITION: ["tra_loi_kien_nghi"],
    },
}


def templates_for(case: Case) -> list[NoticeTemplate]:
    out = [t for t in TEMPLATES.values() if case.kind in t.kinds and case.status in t.statuses]
    if case.extension_count == 0:
        out = [t for t in out if t.code != "gia_han"]
    wanted = {t.requires_event for t in out if t.requires_event}
    if wanted:
        present = set(CaseEvent.objects.filter(case=case, kind__in=wanted).values_list("kind", flat=True))
        out = [t for t in out if not t.requires_event or t.requires_event in present]
    return out


# ------------------------------------------------------------------------------- signatory


def _expand(name: str) -> str:
    """ "UBND phường Hoàn Kiếm" → "Ủy ban nhân dân phường Hoàn Kiếm" (the full name on documents)."""
    return re.sub(r"^UBND\b\s*", "Ủy ban nhân dân ", name or "")


def competent_title(authority: Authority | None) -> tuple[str, str]:
    """(title, title with the body) of the person competent to sign for ``authority``:
    ("Chủ tịch", "Chủ tịch Ủy ban nhân dân phường Hoàn Kiếm"), ("Giám đốc", "Giám đốc Sở Xây dựng
    Hà Nội"). The table is data in ``forms.toml`` ([signatories])."""
    if authority is None:
        return "Người có thẩm quyền", "Người có thẩm quyền"
    table = form_catalogue().get("signatories", {})
    name = authority.name_vi
    for prefix, title, replacement in table.get("by_prefix", []):
        if name.startswith(prefix):
            return title, f"{title} {replacement}{name[len(prefix) :]}".strip()
    title = table.get("by_level", {}).get(authority.level, "Người đứng đầu")
    return title, f"{title} {_expand(name)}"


def _place(case: Case) -> str:
    """The place in the dateline: the province or city the authority belongs to."""
    node = case.authority
    if node is None:
        return ""
    while node.parent is not None:
        node = node.parent
    name = _expand(node.name_vi)
    match = re.match(r"^Ủy ban nhân dân (?:thành phố|tỉnh)\s+(.+)$", name, flags=re.I)
    return match.group(1) if match else ""


def _symbol(entry: dict, authority: Authority | None) -> str:
    kinds = {"QUYẾT ĐỊNH": "QĐ", "THÔNG BÁO": "TB", "BIÊN BẢN": "BB", "KẾT LUẬN": "KL", "BÁO CÁO": "BC"}
    kind = next((v for k, v in kinds.items() if entry.get("title", "").startswith(k)), "")
    if authority is None:
        return kind
    body = "UBND" if authority.level in ("provincial", "commune") else authority.code.rsplit("-", 1)[-1]
    return f"{kind}-{body}" if kind else body


def _date_words(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _d(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return day.strftime("%d/%m/%Y")


def _iso_d(value) -> str:
    if not value:
        return ""
    try:
        return _d(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", rules.strip_control_characters(value))
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    return value
