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
from typing import Final
from xml.sax.saxutils import unescape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import docx_writer, permissions, rules
from . import files as filecheck
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
        form_template(
            "thu_ly_khieu_nai",
            "Thông báo thụ lý giải quyết khiếu nại",
            "Notice of acceptance",
            {KN},
            _AFTER_ACCEPT,
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "khong_thu_ly",
            "Thông báo không thụ lý giải quyết khiếu nại",
            "Notice of non-acceptance",
            {KN},
            {S.REJECTED},
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "bien_ban_doi_thoai",
            "Biên bản đối thoại",
            "Minutes of the dialogue",
            {KN},
            _WORKING,
            "file",
            _M,
            requires_event="case.dialogue_scheduled",
        ),
        form_template(
            "qd_tam_dinh_chi_khieu_nai",
            "Quyết định tạm đình chỉ giải quyết khiếu nại",
            "Decision suspending the resolution",
            {KN},
            {S.SUSPENDED},
            "complainant",
            _D,
            _C,
        ),
        form_template(
            "qd_dinh_chi_khieu_nai",
            "Quyết định đình chỉ giải quyết khiếu nại",
            "Decision ending the resolution",
            {KN},
            {S.TERMINATED, S.WITHDRAWN},
            "complainant",
            _D,
            _C,
        ),
        form_template(
            "qd_tiep_tuc_khieu_nai",
            "Quyết định tiếp tục giải quyết khiếu nại",
            "Decision to continue the resolution",
            {KN},
            _WORKING,
            "complainant",
            _D,
            _C,
            requires_event="case.resumed",
        ),
        form_template(
            "qd_xac_minh_khieu_nai",
            "Quyết định xác minh nội dung khiếu nại",
            "Decision assigning the verification",
            {KN},
            _WORKING,
            "file",
            _D,
        ),
        form_template(
            "bao_cao_xac_minh_khieu_nai",
            "Báo cáo kết quả xác minh nội dung khiếu nại",
            "Verification report",
            {KN},
            _WORKING,
            "file",
            _O,
        ),
        form_template(
            "qd_tam_dinh_chi_thi_hanh",
            "Quyết định tạm đình chỉ việc thi hành quyết định bị khiếu nại",
            "Decision suspending the contested decision",
            {KN},
            _WORKING,
            "complainant",
            _D,
            _C,
        ),
        form_template(
            "quyet_dinh_giai_quyet_khieu_nai",
            "Quyết định giải quyết khiếu nại",
            "Decision on the complaint",
            {KN},
            _AFTER_DECISION,
            "complainant",
            _D,
            _C,
        ),
        # Denunciations: Law on Denunciations 2018; Decree 31/2019 (Decree 156/2026 from 1/7/2026).
        form_template(
            "thu_ly_to_cao_qd",
            "Quyết định thụ lý tố cáo",
            "Decision to accept the denunciation",
            {TC},
            _AFTER_ACCEPT,
            "file",
            _D,
        ),
        form_template(
            "thu_ly_to_cao_tb_nguoi_to_cao",
            "Thông báo việc thụ lý tố cáo (gửi người tố cáo)",
            "Notice of acceptance (to the denouncer)",
            {TC},
            _AFTER_ACCEPT,
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "thu_ly_to_cao_tb_nguoi_bi_to_cao",
            "Thông báo nội dung tố cáo (gửi người bị tố cáo)",
            "Notice of the denunciation's content (to the accused)",
            {TC},
            _AFTER_ACCEPT,
            "accused",
            _N,
        ),
        form_template(
            "khong_thu_ly_to_cao",
            "Thông báo không thụ lý tố cáo",
            "Notice of non-acceptance",
            {TC},
            {S.REJECTED},
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "qd_tam_dinh_chi_to_cao",
            "Quyết định tạm đình chỉ việc giải quyết tố cáo",
            "Decision suspending the resolution",
            {TC},
            {S.SUSPENDED},
            "accused",
            _D,
        ),
        form_template(
            "qd_tiep_tuc_to_cao",
            "Quyết định tiếp tục giải quyết tố cáo",
            "Decision to continue the resolution",
            {TC},
            _WORKING,
            "accused",
            _D,
            requires_event="case.resumed",
        ),
        form_template(
            "qd_dinh_chi_to_cao",
            "Quyết định đình chỉ việc giải quyết tố cáo",
            "Decision ending the resolution",
            {TC},
            {S.TERMINATED, S.WITHDRAWN},
            "accused",
            _D,
        ),
        form_template(
            "gia_han",
            "Quyết định gia hạn giải quyết tố cáo",
            "Decision extending the resolution period",
            {TC},
            {S.ACCEPTED, S.VERIFYING},
            "accused",
            _D,
        ),
        form_template(
            "don_rut_to_cao",
            "Đơn rút tố cáo (để người tố cáo ký)",
            "Letter of withdrawal (to sign)",
            {TC},
            _AFTER_ACCEPT | {S.WITHDRAWN},
            "complainant",
            _O,
            _C,
        ),
        form_template(
            "bien_ban_rut_to_cao",
            "Biên bản ghi nhận việc rút tố cáo",
            "Minutes of the withdrawal",
            {TC},
            _AFTER_ACCEPT | {S.WITHDRAWN},
            "complainant",
            _M,
            _C,
        ),
        form_template(
            "qd_to_xac_minh",
            "Quyết định thành lập Tổ xác minh",
            "Decision setting up the verification team",
            {TC},
            _WORKING,
            "file",
            _D,
        ),
        form_template(
            "bien_ban_lam_viec_to_cao",
            "Biên bản làm việc (xác minh tố cáo)",
            "Minutes of a verification meeting",
            {TC},
            _WORKING,
            "file",
            _M,
        ),
        form_template(
            "trung_cau_giam_dinh",
            "Văn bản trưng cầu giám định",
            "Request for an expert assessment",
            {TC},
            _WORKING,
            "authority",
            _N,
        ),
        form_template(
            "bao_cao_xac_minh_to_cao",
            "Báo cáo kết quả xác minh (Tổ xác minh)",
            "Verification report (team)",
            {TC},
            _WORKING,
            "file",
            _O,
        ),
        form_template(
            "bao_cao_ket_qua_xac_minh_co_quan",
            "Báo cáo kết quả xác minh (cơ quan được giao)",
            "Verification report (assigned body)",
            {TC},
            _WORKING,
            "file",
            _O,
        ),
        form_template(
            "ket_luan_to_cao",
            "Kết luận nội dung tố cáo",
            "Conclusion on the denunciation",
            {TC, AN},
            _AFTER_DECISION,
            "accused",
            _D,
        ),
        form_template(
            "tb_ket_luan_to_cao",
            "Thông báo kết luận nội dung tố cáo (gửi người tố cáo)",
            "Notice of the conclusion (to the denouncer)",
            {TC},
            _AFTER_DECISION,
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "tb_chuyen_don_to_cao",
            "Thông báo việc chuyển đơn tố cáo (gửi người tố cáo)",
            "Notice of the transfer (to the denouncer)",
            {TC},
            {S.TRANSFERRED},
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "tb_khong_giai_quyet_lai",
            "Thông báo không giải quyết lại tố cáo",
            "Notice declining to re-resolve",
            {TC},
            {S.REJECTED, S.CLOSED},
            "complainant",
            _N,
            _C,
        ),
        # The superior's request for a report on an overdue denunciation (Law on Denunciations
        # Art 38(2); Decree 31/2019 Art 5; cases.services.review). No numbered form [U].
        form_template(
            "yeu_cau_bao_cao_to_cao_qua_han",
            "Văn bản yêu cầu báo cáo về việc giải quyết tố cáo",
            "Request for a report on an overdue denunciation",
            {TC},
            {S.MONITORING},
            "authority",
            _N,
        ),
        # Letter handling: Circular 05/2021/TT-TTCP.
        form_template(
            "phieu_de_xuat_thu_ly",
            "Phiếu đề xuất thụ lý đơn",
            "Proposal to accept the letter",
            {KN, TC},
            {S.RECEIVED},
            "file",
            _O,
        ),
        form_template(
            "phieu_chuyen_don",
            "Phiếu chuyển đơn tố cáo",
            "Transfer slip (denunciation)",
            {TC, AN},
            {S.TRANSFERRED},
            "authority",
            _N,
        ),
        form_template(
            "phieu_chuyen_don_khac",
            "Phiếu chuyển đơn",
            "Transfer slip",
            {KN, KNPA},
            {S.TRANSFERRED},
            "authority",
            _N,
        ),
        form_template(
            "van_ban_huong_dan",
            "Văn bản hướng dẫn gửi đơn",
            "Guidance letter",
            {KN, TC, KNPA},
            {S.GUIDED},
            "complainant",
            _N,
            _C,
        ),
        # Petitions and reflections: Law on Citizen Reception 2013 Art 2(2); Circular 05/2021.
        form_template(
            "thu_ly_kien_nghi",
            "Thông báo thụ lý kiến nghị, phản ánh",
            "Notice of acceptance (petition)",
            {KNPA},
            _AFTER_ACCEPT,
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "khong_thu_ly_kien_nghi",
            "Thông báo không thụ lý kiến nghị, phản ánh",
            "Notice of non-acceptance (petition)",
            {KNPA},
            {S.REJECTED},
            "complainant",
            _N,
            _C,
        ),
        form_template(
            "tra_loi_kien_nghi",
            "Văn bản trả lời kiến nghị, phản ánh",
            "Answer to the petition",
            {KNPA},
            _AFTER_DECISION,
            "complainant",
            _D,
            _C,
        ),
        # Citizen reception: Law on Citizen Reception 2013.
        form_template(
            "giay_bien_nhan",
            "Giấy biên nhận đơn, tài liệu",
            "Receipt of the letter and documents",
            {KN, TC, KNPA},
            _ANY - {S.MERGED},
            "complainant",
            _N,
            _C,
        ),
    ]
}

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
    "review_decline": {K.DENUNCIATION: ["tb_khong_giai_quyet_lai"]},
    "followup_request": {K.DENUNCIATION: ["yeu_cau_bao_cao_to_cao_qua_han"]},
    # Issued with these steps (the workspace offers them on demand in the state they belong to).
    "suspend": {K.COMPLAINT: ["qd_tam_dinh_chi_khieu_nai"], K.DENUNCIATION: ["qd_tam_dinh_chi_to_cao"]},
    "resume": {K.COMPLAINT: ["qd_tiep_tuc_khieu_nai"], K.DENUNCIATION: ["qd_tiep_tuc_to_cao"]},
    "terminate": {K.COMPLAINT: ["qd_dinh_chi_khieu_nai"], K.DENUNCIATION: ["qd_dinh_chi_to_cao"]},
    "guide": {
        K.COMPLAINT: ["van_ban_huong_dan"],
        K.DENUNCIATION: ["van_ban_huong_dan"],
        K.PETITION: ["van_ban_huong_dan"],
    },
    "conclude": {
        K.COMPLAINT: ["quyet_dinh_giai_quyet_khieu_nai"],
        K.DENUNCIATION: ["ket_luan_to_cao", "tb_ket_luan_to_cao"],
        K.ANONYMOUS_REPORT: ["ket_luan_to_cao"],
        K.PETITION: ["tra_loi_kien_nghi"],
    },
}


# The decisions suspending, ending and continuing resolution (Law on Denunciations 2018 Art 34(2)-(4);
# Decree 124/2020 Art 28b as amended by Decree 155/2026): sending one meets T5 / K16.
STOP_DECISION_ACTIONS: Final = ("suspend", "terminate", "resume")


def stop_decision_codes(kind: str) -> frozenset[str]:
    """The template codes of the suspension, ending and continuation decisions of a case ``kind``."""
    return frozenset(code for action in STOP_DECISION_ACTIONS for code in ON_ACTION[action].get(kind, []))


def template_of(original_name: str) -> NoticeTemplate | None:
    """The template a generated file (or its signed copy) was made from: its name starts with the code."""
    for code in sorted(TEMPLATES, key=len, reverse=True):
        if original_name.startswith(f"{code}-"):
            return TEMPLATES[code]
    return None


def templates_for(case: Case) -> list[NoticeTemplate]:
    out = [t for t in TEMPLATES.values() if case.kind in t.kinds and case.status in t.statuses]
    if case.extension_count == 0:
        out = [t for t in out if t.code != "gia_han"]
    # A re-denunciation the superior declined gets the notice of Art 37(2)(a), not the ordinary
    # non-acceptance notice; an ordinary refusal never the former.
    declined = case.reason_code in rules.REVIEW_ONLY_REASONS
    review_only = {"tb_khong_giai_quyet_lai"}
    ordinary = {"khong_thu_ly", "khong_thu_ly_to_cao"}
    out = [t for t in out if t.code not in (ordinary if declined else review_only)]
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


# ------------------------------------------------------------------------------------ context


def _last_event(case: Case, kind: str) -> dict:
    event = CaseEvent.objects.filter(case=case, kind=kind).order_by("-seq").first()
    return event.data if event else {}


def _event_date(case: Case, kind: str) -> str:
    event = CaseEvent.objects.filter(case=case, kind=kind).order_by("-seq").first()
    return _d(event.created_at) if event is not None and getattr(event, "created_at", None) else ""


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


def _laws(on: dt.date) -> dict[str, str]:
    """The instruments cited, as in force on ``on`` (versioned by effective date)."""
    amended = on >= AMENDMENTS_IN_FORCE
    law_amend = ", được sửa đổi, bổ sung bởi Luật số 136/2025/QH15" if amended else ""
    return {
        "law_complaints": f"Luật Khiếu nại số 02/2011/QH13{law_amend}",
        "law_denunciations": f"Luật Tố cáo số 25/2018/QH14{law_amend}",
        "law_reception": f"Luật Tiếp công dân số 42/2013/QH13{law_amend}",
        "decree_complaints": "Nghị định số 124/2020/NĐ-CP của Chính phủ quy định chi tiết một số điều và "
        "biện pháp thi hành Luật Khiếu nại"
        + (", được sửa đổi, bổ sung bởi Nghị định số 155/2026/NĐ-CP" if amended else ""),
        "decree_denunciations": "Nghị định số 31/2019/NĐ-CP ngày 10 tháng 4 năm 2019 của Chính phủ quy định "
        "chi tiết một số điều và biện pháp tổ chức thi hành Luật Tố cáo"
        + (", được sửa đổi, bổ sung bởi Nghị định số 156/2026/NĐ-CP" if amended else ""),
        "circular_letters": "Thông tư số 05/2021/TT-TTCP ngày 01 tháng 10 năm 2021 của Thanh tra Chính "
        "phủ quy định quy trình xử lý đơn khiếu nại, đơn tố cáo, đơn kiến nghị, phản ánh",
    }


_REMEDIES = {
    "right": "Khiếu nại là đúng. Yêu cầu sửa đổi, hủy bỏ quyết định hành chính hoặc chấm dứt hành vi hành "
    "chính bị khiếu nại: {act}.",
    "partly_right": "Khiếu nại là đúng một phần. Yêu cầu sửa đổi, bổ sung một phần quyết định hành "
    "chính hoặc chấm dứt một phần hành vi hành chính bị khiếu nại: {act}.",
    "wrong": "Khiếu nại là sai. Giữ nguyên quyết định hành chính, hành vi hành chính bị khiếu nại: {act}.",
}


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _team_members(case: Case, leader) -> list[str]:
    """The verification team's members besides its leader (the assigned inspector), as the head
    named them when verification started (Decree 31/2019 Art 10, Mẫu 07)."""
    from django.contrib.auth import get_user_model

    started = _last_event(case, "case.verification_started")
    pks = [pk for pk in started.get("team") or [] if leader is None or pk != leader.pk]
    users = get_user_model().objects.in_bulk(pks)
    return [_person(users[pk]) for pk in pks if pk in users]


def _dialogue_result(case: Case) -> str:
    """What the dialogue minutes recorded (Law on Complaints 2011 Arts 30(3), 39(3)): its result, or
    the complainant's absence, with the day it was held."""
    from .verification.models import Dialogue

    dialogue = (
        Dialogue.objects.filter(case=case, status__in=[Dialogue.Status.HELD, Dialogue.Status.ABSENT])
        .order_by("-held_on", "-pk")
        .first()
    )
    if dialogue is None:
        return ""
    day = _d(dialogue.held_on) if dialogue.held_on else ""
    if dialogue.status == Dialogue.Status.ABSENT:
        return f"Ngày {day}, người khiếu nại vắng mặt không có lý do chính đáng; đã lập biên bản."
    return f"Ngày {day} đã tổ chức đối thoại (biên bản đối thoại). Kết quả: {dialogue.result}"


def _first_level_result(first: Case) -> str:
    """The first-level decision a second-level decision recites (Law on Complaints 2011 Art 40(2)(c))."""
    decided = _last_event(first, "case.decided") or _last_event(first, "case.concluded")
    number = decided.get("decision_number", "")
    parts = [
        f"Quyết định giải quyết khiếu nại lần đầu số {number}"
        if number
        else "Quyết định giải quyết khiếu nại lần đầu"
    ]
    if first.decided_at:
        parts.append(f"ngày {_d(first.decided_at)}")
    head = " ".join(parts)
    body = first.outcome_summary or (first.get_outcome_display() if first.outcome else "")
    return f"{head}: {body}" if body else head


def _context(
    *, case: Case, template: NoticeTemplate, parties: list[dict], today: dt.date, number: str
) -> dict:
    entry = template.entry(case)
    laws = _laws(today)
    previous = case.previous_case  # a re-denunciation's or follow-up's first case
    authority = case.authority
    authority_name = _expand(authority.name_vi) if authority is not None else PLACEHOLDER
    short_title, full_title = competent_title(authority)
    party = parties[0] if parties else {}
    second = case.complaint_level == "second"
    resolution = (
        case.deadlines.filter(rule_code__in=["K4", "K5", "K6", "T4", "R4"]).order_by("-due_at").first()
    )
    # A reason reads as in force on the day it was given (Decree 155/2026 changed some on 1/7/2026).
    given_on = _reason_day(case) or today
    reason = _reason(case.reason_code, given_on) if case.reason_code else None
    ext = _last_event(case, "case.extended")
    transfer = _last_event(case, "case.transferred")
    suspended = _last_event(case, "case.suspended")
    ended = _last_event(case, "case.terminated")
    dialogue = _last_event(case, "case.dialogue_scheduled")
    guided = _last_event(case, "case.guided")
    withdrawn = _last_event(case, "case.withdrawn")
    conclusion = _last_event(case, "case.concluded") or _last_event(case, "case.decided")
    suspend_reason = _reason(suspended.get("reason_code", "")) if suspended.get("reason_code") else None
    end_reason = _reason(ended.get("reason_code", "")) if ended.get("reason_code") else None
    when = dialogue.get("when", "")
    accused = case.accused_name or (
        case.accused_authority.name_vi if case.accused_authority is not None else ""
    )
    assignee = case.assignee
    ph = PLACEHOLDER
    team = _team_members(case, assignee)
    if case.kind == K.DENUNCIATION:
        withdrawn_label = "Người tố cáo rút toàn bộ nội dung tố cáo"
        withdrawn_basis = "điểm a khoản 3 Điều 34 Luật Tố cáo"
    else:
        withdrawn_label, withdrawn_basis = "Người khiếu nại rút khiếu nại", "Điều 10 Luật Khiếu nại"
    _superior_title, superior_full = competent_title(authority.parent if authority is not None else None)
    if second:
        appeal = (
            "Trong thời hạn theo quy định của pháp luật về tố tụng hành chính, nếu không đồng ý với quyết "
            "định này, Ông/Bà có quyền khởi kiện vụ án hành chính tại Tòa án."
        )
    else:
        appeal = (
            "Trong thời hạn quy định tại Điều 33 của Luật Khiếu nại, nếu không đồng ý với quyết định này, "
            f"Ông/Bà có quyền khiếu nại lần hai đến {superior_full} hoặc khởi kiện vụ án hành chính tại "
            "Tòa án theo quy định của Luật Tố tụng hành chính."
        )
    context = {
        **laws,
        "ph": ph,
        "form_line": form_line(entry, today),
        "issuer_parent": (
            _expand(authority.parent.name_vi).upper()
            if authority is not None
            and authority.parent is not None
            and authority.level not in ("provincial", "commune")
            else ""
        ),
        "issuer": authority_name.upper(),
        "number_line": f"Số: {number}" if number else f"Số:        /{_symbol(entry, authority)}",
        "dateline": (f"{_place(case)}, " if _place(case) else "") + _date_words(today),
        "today": _d(today),
        "authority_name": authority_name,
        "competent": full_title,
        "competent_upper": full_title.upper(),
        "signatory_title": short_title.upper(),
        "resolver": full_title,
        "competence_basis": f"quy định về chức năng, nhiệm vụ, quyền hạn của {authority_name}",
        "reference": case.reference,
        "subject": case.subject,
        "kind_label": case.get_kind_display().lower(),
        "level": "lần hai" if second else "lần đầu",
        "is_second": second,
        "accept_article": "Điều 36" if second else "Điều 27",
        "accept_rule": (
            f"khoản 1 Điều 29 {laws['law_denunciations']}"
            if case.kind == K.DENUNCIATION
            else f"Điều 27 {laws['law_complaints']}"
        ),
        "party_name": party.get("full_name") or ph,
        "party_address": party.get("address") or ph,
        "party_id": party.get("national_id") or ph,
        "show_sender": template.includes_identity(case.kind) and bool(parties),
        "accused": accused or ph,
        "accused_position": case.accused_position,
        "contested_act": case.contested_act or ph,
        "received_on": _d(case.received_at),
        "accepted_on": _d(case.accepted_at) or ph,
        "decided_on": _d(case.decided_at) or ph,
        "resolution_due": _d(resolution.due_date) if resolution else "",
        "outcome": case.get_outcome_display() if case.outcome else ph,
        "outcome_summary": case.outcome_summary or ph,
        "remedy": _REMEDIES.get(case.outcome, "{act}: " + ph).format(act=case.contested_act or ph),
        "compensation": ph,
        "appeal_right": appeal,
        "first_level_result": _first_level_result(previous) if second and previous is not None else ph,
        "dialogue_result": _dialogue_result(case) or ph,
        "decision_number": conclusion.get("decision_number") or number or ph,
        "violation_basis": ph,
        "reason_label": reason.label_vi if reason else ph,
        "reason_basis": reason.legal_basis if reason else ph,
        "reason_text": case.reason_text,
        "complexity": case.get_complexity_display().lower() if case.complexity else ph,
        "ext_no": str(ext.get("extension") or 1),
        "ext_days": str(ext.get("days") or 30),
        "ext_due": _iso_d(ext.get("new_due_date")) or ph,
        "ext_justification": ext.get("justification") or ph,
        "ext_number": ext.get("decision_number") or number or ph,
        "transfer_to": case.transferred_to.name_vi if case.transferred_to is not None else ph,
        # The case a re-denunciation or an overdue follow-up is about (Law on Denunciations Arts 37-38).
        "previous_reference": previous.reference if previous is not None else ph,
        "previous_authority": _expand(previous.authority.name_vi)
        if previous is not None and previous.authority is not None
        else ph,
        "transfer_note": transfer.get("note", ""),
        "transferred_on": _event_date(case, "case.transferred") or ph,
        "suspended_on": _event_date(case, "case.suspended") or ph,
        "suspend_label": suspend_reason.label_vi if suspend_reason else ph,
        "suspend_basis": suspended.get("legal_basis") or ph,
        "suspend_text": suspended.get("reason_text", ""),
        "end_label": end_reason.label_vi if end_reason else (withdrawn_label if withdrawn else ph),
        "end_basis": ended.get("legal_basis") or (withdrawn_basis if withdrawn else ph),
        "end_text": ended.get("reason_text") or withdrawn.get("statement", ""),
        "resumed_on": _event_date(case, "case.resumed") or ph,
        "resume_note": _last_event(case, "case.resumed").get("note") or ph,
        "dialogue_date": _iso_d(when) or ph,
        "dialogue_time": when[11:16] if len(when) >= 16 else "….. giờ …..",
        "dialogue_place": dialogue.get("place") or ph,
        "dialogue_agenda": dialogue.get("agenda") or ph,
        "dialogue_article": "39" if second else "30",
        "guide_to": (
            Authority.objects.filter(code=guided["to"]).values_list("name_vi", flat=True).first() or ph
            if guided.get("to")
            else ph
        ),
        "guidance": guided.get("guidance", ""),
        "guidance_basis": (
            f"khoản 2 Điều 24 {laws['law_denunciations']}"
            if case.kind == K.DENUNCIATION
            else laws["law_complaints"]
        ),
        "withdraw_scope": "toàn bộ",
        "withdraw_reason": withdrawn.get("statement") or ph,
        "inspector": (assignee.get_full_name() or assignee.get_username()) if assignee is not None else ph,
        "team_members": ", ".join(team) if team else ph,
        "verify_days": "30",
        "expert_body": ph,
        "expert_question": ph,
        "expert_due": ph,
        "attachments": f"{case.attachments.filter(kind=Attachment.Kind.EVIDENCE).count()} tệp",
        "privacy_line": (
            "Văn bản này không chứa thông tin nhân thân người tố cáo (Điều 56 Luật Tố cáo)."
            if template.recipient in ("accused", "authority", "file") and case.kind == K.DENUNCIATION
            else ""
        ),
        # The legacy .txt templates read these.
        "case": case,
        "authority_upper": authority_name.upper(),
        "parties": parties,
        "party": party or {"full_name": ph, "address": ph},
        "accepted_on_date": timezone.localtime(case.accepted_at).date() if case.accepted_at else None,
        "extension": ext,
        "transfer": transfer,
        "conclusion": conclusion,
        "placeholder": ph,
        "number": number,
        "superior": superior_full if authority is not None and authority.parent is not None else ph,
    }
    return context


@dataclass
class Rendered:
    template: NoticeTemplate
    filename: str
    content: bytes
    identity_included: bool
    text: str


def _render_docx(path: Path, context: dict) -> bytes:
    from docxtpl import DocxTemplate  # a heavy import (lxml, python-docx): only when rendering

    plain = {k: _nfc(v) for k, v in context.items() if isinstance(v, str | bool | int | list | dict)}
    document = DocxTemplate(str(path))
    document.render(plain, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    # Whatever an agency typed in Word is NFC too, and the package is reproducible.
    return docx_writer.repackage(
        buffer.getvalue(), {"word/document.xml": unicodedata.normalize("NFC", xml).encode("utf-8")}
    )


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
                parties.append({"full_name": PLACEHOLDER, "address": PLACEHOLDER, "national_id": PLACEHOLDER})
    context = _context(case=case, template=template, parties=parties, today=today, number=number)
    path = template.docx_path()
    if path is not None:
        content = _render_docx(path, context)
        text = docx_text(content)
    else:
        text = render_to_string(f"cases/documents/{code}.txt", context)
        header = {
            "issuer_parent": context["issuer_parent"],
            "issuer": context["issuer"],
            "number": context["number_line"],
            "dateline": context["dateline"][:1].upper() + context["dateline"][1:],
        }
        content = build_docx(header=header, body=text, form=template.form, recipient=template.recipient)
    filename = f"{code}-{case.reference}.docx"
    return Rendered(template, filename, content, identity_included, text)


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


def notice_pdf(rendered: Rendered) -> bytes:
    """The PDF/A of a rendered notice (LibreOffice headless, ``cases.delivery.rendering``)."""
    pdf, _pdfa = rendering.to_pdf(rendered.content, DOCX_TYPE)
    return pdf


def notice_files(
    *, case: Case, code: str, user, number: str = "", pdf: bool | None = None
) -> list[FileInput]:
    """The notice as DOCX and, for a document addressed to the citizen, its PDF beside it (the citizen
    reads the PDF; the agency edits the DOCX). ``pdf=None``: as ``settings.NOTICE_PDF_FOR_CITIZEN``
    says, and only where LibreOffice is installed."""
    rendered = render_notice(case=case, code=code, user=user, number=number)
    secret = rendered.identity_included and case.kind == K.DENUNCIATION
    out = [
        FileInput(
            name=rendered.filename,
            content=rendered.content,
            content_type=DOCX_TYPE,
            kind=rendered.template.attachment_kind,
            description=rendered.template.title_vi,
            contains_identity=secret,
        )
    ]
    if pdf is None:
        pdf = (
            bool(getattr(settings, "NOTICE_PDF_FOR_CITIZEN", False)) and rendering.soffice_path() is not None
        )
    if pdf and rendered.template.recipient == "complainant":
        out.append(
            FileInput(
                name=rendered.filename.removesuffix(".docx") + ".pdf",
                content=notice_pdf(rendered),
                content_type=PDF_TYPE,
                kind=rendered.template.attachment_kind,
                description=f"{rendered.template.title_vi} (PDF)",
                contains_identity=secret,
            )
        )
    return out


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
