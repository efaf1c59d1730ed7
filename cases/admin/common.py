"""Helpers shared by the workspace views: finding a case in the viewer's scope, turning domain
errors into responses, and presenting events, history diffs and deadlines in the viewer's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import names, permissions, redaction, selectors
from ..delivery.models import Delivery
from ..errors import PermissionDeniedError
from ..models import Authority, Case, Deadline, Party, Role
from ..protection.models import Channel as ProtectionChannel
from ..protection.models import Measure, ProtectionRequest, Relation
from ..protection.permissions import PROTECTION_EVENT_PREFIX, knows_of_protection
from ..reasons import REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS
from ..scope import staff_scope
from ..verification.models import VerificationRecord

STAFF_ROLES_FOR_ASSIGNMENT = (Role.INSPECTOR, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY)


def lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def case_for(user, reference: str) -> Case:
    """The case if the user may see it; 404 otherwise (other agencies' cases do not exist for them)."""
    try:
        return selectors.case_get_for_user(user, reference)
    except PermissionDeniedError as exc:
        raise Http404(str(exc)) from exc


def require(verb: str, user, case: Case) -> None:
    if not permissions.user_can(verb, user, case):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này đối với hồ sơ %(reference)s.")
            % {"reference": case.reference}
        )


def user_display(user) -> str:
    if user is None:
        return str(_("Hệ thống"))
    # Vietnamese order: family and middle names first, then the given name.
    return names.full_name(user) or user.get_username()


def is_auditor(user) -> bool:
    return permissions.is_auditor(user)


def scope_paths(user) -> list[str] | None:
    """Authority paths whose sub-trees the user works in; None = everything (auditor, superuser).
    ``cases.scope.staff_scope`` decides."""
    scope = staff_scope(user)
    return None if scope.everything else list(scope.roots)


def authorities_in_scope(user):
    return staff_scope(user).authorities()


def staff_in_scope(user):
    """Staff who may be given cases, in the authorities the user works in."""
    User = get_user_model()
    authorities = authorities_in_scope(user)
    return (
        User.objects.filter(
            memberships__active=True,
            memberships__role__in=STAFF_ROLES_FOR_ASSIGNMENT,
            memberships__authority__in=authorities,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def assignee_candidates(case: Case):
    """People who may be given this case: inspectors and heads of its authority or a parent body."""
    User = get_user_model()
    if case.authority is None:
        return User.objects.none()
    path = case.authority.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]
    return (
        User.objects.filter(
            memberships__active=True,
            memberships__role__in=STAFF_ROLES_FOR_ASSIGNMENT,
            memberships__authority__path__in=prefixes,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# ----------------------------------------------------------------------------------- labels

EVENT_LABELS = {
    "case.received": _("Tiếp nhận đơn"),
    "case.classified": _("Phân loại đơn"),
    "case.accepted": _("Thụ lý"),
    "case.rejected": _("Không thụ lý"),
    "case.transferred": _("Chuyển đơn"),
    "case.guided": _("Hướng dẫn người gửi đơn"),
    "case.merged": _("Gộp vào hồ sơ trùng"),
    "case.duplicate_linked": _("Nhận hồ sơ trùng được gộp"),
    "case.linked": _("Liên kết hồ sơ"),
    "case.assigned": _("Phân công xử lý"),
    "case.reassigned": _("Phân công lại"),
    "case.verification_started": _("Bắt đầu xác minh"),
    "case.dialogue_scheduled": _("Lên lịch đối thoại"),
    "case.extended": _("Gia hạn giải quyết"),
    "case.suspended": _("Tạm đình chỉ"),
    "case.resumed": _("Tiếp tục giải quyết"),
    "case.withdrawn": _("Rút đơn"),
    "case.withdrawal_overridden": _("Rút đơn nhưng vẫn tiếp tục giải quyết"),
    "case.terminated": _("Đình chỉ giải quyết"),
    "case.concluded": _("Kết luận nội dung tố cáo"),
    "case.decided": _("Quyết định/trả lời"),
    "case.published": _("Công khai"),
    "case.closed": _("Đóng hồ sơ"),
    "case.followed_up": _("Có hồ sơ lần hai/tố cáo tiếp"),
    "case.review_track": _("Tố cáo tiếp: hình thức xem xét"),
    "redenunciation.declined": _("Không giải quyết lại tố cáo (Điều 37 khoản 2 điểm a)"),
    "redenunciation.re_resolution": _("Cấp trên giải quyết lại tố cáo"),
    "redenunciation.reviewed": _("Cấp trên đã xem xét tố cáo tiếp"),
    "followup.report_requested": _("Cấp trên yêu cầu báo cáo (Điều 38 khoản 2)"),
    "followup.reported": _("Đã báo cáo cấp trên (Điều 38 khoản 3)"),
    "followup.report_received": _("Nhận báo cáo của cấp dưới"),
    "followup.taken_over": _("Cấp trên giải quyết thay (Điều 38 khoản 5)"),
    "followup.closed": _("Kết thúc theo dõi, đôn đốc"),
    "contested_decision.suspended": _("Tạm đình chỉ thi hành quyết định bị khiếu nại (Điều 35)"),
    "contested_decision.suspension_lifted": _("Hủy bỏ tạm đình chỉ thi hành (Điều 35)"),
    "case.withdrawal_requested": _("Người gửi đơn yêu cầu rút đơn trực tuyến"),
    "case.withdrawal_not_confirmed": _("Chưa có đơn rút có chữ ký: tiếp tục giải quyết"),
    "case.withdrawn_partly": _("Rút một phần nội dung"),
    "case.party_withdrew": _("Một người trong nhóm rút đơn"),
    "case.escalated": _("Nâng cấp cảnh báo"),
    "case.stalled": _("Ngưng trệ"),
    "note.added": _("Ghi chú"),
    "attachment.added": _("Thêm tài liệu"),
    "case.supplemented": _("Người gửi đơn bổ sung thông tin"),
    "deadline.recomputed": _("Tính lại thời hạn"),
    "deadline.warning": _("Cảnh báo sắp đến hạn"),
    "deadline.breached": _("Quá hạn"),
    "case.changed": _("Thay đổi hồ sơ"),
    "party.changed": _("Thay đổi thông tin người gửi đơn"),
    "deadline.changed": _("Thay đổi thời hạn"),
    "identity.revealed": _("Xem nhân thân người gửi đơn"),
    "case.duplicate_cleared": _("Xác nhận không trùng"),
    "document.signed": _("Ký số và ban hành văn bản"),
    "delivery.sent": _("Gửi kết quả"),
    "delivery.received": _("Người nhận đã nhận kết quả"),
    "delivery.returned": _("Thư gửi kết quả bị trả lại"),
    "case.visited": _("Công dân đến trình bày (lượt tiếp công dân)"),
    "case.instructed": _("Chỉ đạo tại buổi tiếp công dân của người đứng đầu"),
    "case.instruction_reported": _("Báo cáo kết quả thực hiện chỉ đạo"),
    # cases.verification
    "verification.recorded": _("Ghi nhận công việc xác minh"),
    "verification.report_submitted": _("Trình báo cáo kết quả xác minh"),
    "verification.report_approved": _("Lãnh đạo duyệt báo cáo, dự thảo"),
    "verification.report_returned": _("Lãnh đạo trả lại báo cáo kèm ý kiến"),
    "case.dialogue_held": _("Đối thoại (biên bản)"),
}

DATA_LABELS = {
    "kind": _("Loại đơn"),
    "channel": _("Kênh tiếp nhận"),
    "authority": _("Cơ quan"),
    "attachments": _("Tài liệu"),
    "parties": _("Số người gửi"),
    "likely_duplicates": _("Nghi trùng với"),
    "note": _("Ghi chú"),
    "reason_code": _("Lý do"),
    "legal_basis": _("Căn cứ pháp lý"),
    "reason_text": _("Diễn giải"),
    "from": _("Từ"),
    "to": _("Đến"),
    "to_name": _("Cơ quan nhận"),
    "guidance": _("Nội dung hướng dẫn"),
    "into": _("Gộp vào"),
    "duplicate": _("Hồ sơ trùng"),
    "other": _("Hồ sơ liên kết"),
    "assignee": _("Người xử lý"),
    "previous": _("Người xử lý trước"),
    "reason": _("Lý do"),
    "plan": _("Kế hoạch xác minh"),
    "team": _("Tổ xác minh"),
    "when": _("Thời gian"),
    "place": _("Địa điểm"),
    "agenda": _("Nội dung"),
    "decision_number": _("Số quyết định"),
    "justification": _("Lý do gia hạn"),
    "days": _("Số ngày"),
    "extension": _("Lần gia hạn"),
    "new_due_date": _("Hạn mới"),
    "rule": _("Quy tắc thời hạn"),
    "statement": _("Nội dung đơn rút"),
    "outcome": _("Kết quả"),
    "summary": _("Tóm tắt"),
    "attachment": _("Tài liệu"),
    "names": _("Tệp"),
    "later_case": _("Hồ sơ sau"),
    "first_case": _("Hồ sơ giải quyết trước đó"),
    "to_case": _("Hồ sơ của cấp trên"),
    "track": _("Hình thức xem xét"),
    "ground_code": _("Căn cứ"),
    "scope": _("Phạm vi rút"),
    "part": _("Nội dung rút"),
    "evidence": _("Văn bản rút"),
    "until": _("Đến ngày"),
    "parties_left": _("Số người còn lại"),
    "text": _("Nội dung"),
    "changes": _("Thay đổi"),
    "level": _("Cấp"),
    "calendar_version": _("Phiên bản lịch"),
    "deadlines": _("Thời hạn"),
    # cases.delivery
    "title": _("Văn bản"),
    "number": _("Số văn bản"),
    "sha256": _("SHA-256"),
    "source": _("Bản nguồn"),
    "signer": _("Người ký"),
    "signer_title": _("Chức vụ người ký"),
    "certificate_sha256": _("Dấu vân tay chứng thư số"),
    "pdfa": _("PDF/A"),
    "delivery": _("Lượt gửi"),
    "recipient": _("Người nhận"),
    "party": _("Người gửi đơn số"),
    "postal_service": _("Doanh nghiệp bưu chính"),
    "tracking_number": _("Số hiệu bưu gửi"),
    "sent_at": _("Thời điểm gửi"),
    "received_on": _("Ngày nhận"),
    "returned_on": _("Ngày trả lại"),
    "retry_of": _("Gửi lại lượt"),
    "retry": _("Lượt gửi lại"),
    "register": _("Số sổ tiếp công dân"),
    "handling": _("Kết quả tiếp"),
    "notice_number": _("Số thông báo kết luận"),
    # cases.verification
    "comment": _("Ý kiến"),
    "round": _("Lần trình"),
    "draft_outcome": _("Kết quả dự kiến"),
    "findings_differ": _("Kết quả xác minh khác yêu cầu"),
    "date": _("Ngày"),
    "held_on": _("Ngày đối thoại"),
    "absent": _("Vắng mặt"),
    "result": _("Kết quả"),
    "minutes": _("Biên bản"),
    "notice_sent_on": _("Ngày gửi thông báo"),
    "decision_date": _("Ngày ra quyết định"),
    "published_on": _("Ngày công khai"),
    "recipients": _("Người nhận"),
    "issued_as": _("Ban hành nhân danh"),
    "notice_date": _("Ngày thông báo"),
    "unit": _("Đơn vị được giao"),
    "unit_name": _("Tên đơn vị"),
    "content": _("Nội dung chỉ đạo"),
    "due_date": _("Hạn thực hiện"),
    "report": _("Kết quả thực hiện"),
    "late": _("Trễ hạn"),
    # cases.protection
    "protection": _("Hồ sơ bảo vệ"),
    "urgent": _("Khẩn cấp"),
    "signed": _("Có chữ ký"),
    "measures": _("Biện pháp bảo vệ"),
    "relations": _("Người được bảo vệ"),
    "notices": _("Số thông báo đã lập"),
    "ground": _("Căn cứ chấm dứt"),
    "applied": _("Đã áp dụng"),
    "automatic": _("Tự động"),
    "notice": _("Thông báo"),
    "document": _("Tài liệu hồ sơ bảo vệ"),
}
_HIDDEN_KEYS_RECEPTION = {"visit", "session"}

# Keys whose meaning depends on the event.
EVENT_DATA_LABELS = {
    ("case.published", "channel"): _("Hình thức công khai"),
    ("identity.revealed", "reason"): _("Lý do xem"),
    ("identity.revealed", "attachment"): _("Tài liệu đã mở"),
    ("delivery.sent", "channel"): _("Hình thức gửi"),
    ("delivery.received", "channel"): _("Hình thức gửi"),
    ("delivery.returned", "channel"): _("Hình thức gửi"),
    ("delivery.returned", "reason"): _("Lý do trả lại"),
    ("protection.requested", "channel"): _("Hình thức đề nghị"),
}
_USER_KEYS = {"assignee", "previous", "signer"}
_DELIVERY_CHOICES = dict(
    [*Delivery.Recipient.choices, *Delivery.PostalService.choices, *Delivery.ReturnReason.choices]
)
_HIDDEN_KEYS = {
    "attachment",
    "attachments_ids",
    "source",
    "delivery",
    "record",
    "report",
    "dialogue",
    *_HIDDEN_KEYS_RECEPTION,
}


def _reason_label(code: str) -> str:
    for table in (REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS):
        reason = table.get(code)
        if reason:
            return f"{code} — {reason.label(lang())}"
    return code


def _user_name(pk) -> str:
    if not pk:
        return "—"
    user = get_user_model().objects.filter(pk=pk).first()
    return user_display(user) if user else f"#{pk}"


def _choice_label(choices, value) -> str:
    return str(dict(choices).get(value, value))


def _present_value(key: str, value):
    if value in (None, "", [], {}):
        return None
    if key in ("absent", "findings_differ", "urgent", "signed", "automatic", "applied"):  # yes/no facts
        return str(_("Có")) if value else None
    if key == "measures" and isinstance(value, list):  # cases.protection (Law on Denunciations Art 47)
        return ", ".join(_choice_label(Measure.choices, v) for v in value) or None
    if key == "relations" and isinstance(value, list):
        return ", ".join(_choice_label(Relation.choices, v) for v in value) or None
    if key == "ground":
        return _choice_label(ProtectionRequest.EndGround.choices, value)
    if key == "draft_outcome":
        return _choice_label(Case.Outcome.choices, value)
    if key == "kind" and value in VerificationRecord.Kind.values and value not in Case.Kind.values:
        return _choice_label(VerificationRecord.Kind.choices, value)
    if key in _USER_KEYS:
        return _user_name(value)
    if key == "team":
        return ", ".join(_user_name(pk) for pk in value) or None
    if key == "reason_code":
        return _reason_label(value)
    if key == "outcome":
        return _choice_label(Case.Outcome.choices, value)
    if key == "kind":
        return _choice_label(Case.Kind.choices, value)
    if key in ("authority", "to") and isinstance(value, str):
        found = Authority.objects.filter(code=value).first()
        return found.display_name(lang()) if found else value
    if key == "channel" and value in Case.Channel.values:
        return _choice_label(Case.Channel.choices, value)
    if key == "channel" and value in Delivery.Channel.values:
        return _choice_label(Delivery.Channel.choices, value)
    if key == "channel" and value in ProtectionChannel.values:
        return _choice_label(ProtectionChannel.choices, value)
    if key in ("recipient", "postal_service", "reason") and value in _DELIVERY_CHOICES:
        return _DELIVERY_CHOICES[value]
    if key == "changes" and isinstance(value, dict):
        return "; ".join(f"{field_label(Case, k)}: {v}" for k, v in value.items()) or None
    if key == "deadlines" and isinstance(value, list):
        return "; ".join(f"{d.get('rule')}: {d.get('from')} → {d.get('to')}" for d in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def field_label(model, name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


# Bookkeeping every service touches; shown in the export, not on the timeline.
NOISE_FIELDS = frozenset({"last_activity_at", "stalled_since", "next_due_at", "calendar_version", "due_at"})
FIELD_LABELS = {
    "met_at": _("thời điểm hoàn thành"),
    "decided_at": _("ngày quyết định/kết luận"),
    "accepted_at": _("ngày thụ lý"),
    "closed_at": _("ngày kết thúc"),
    "state": _("tình trạng thời hạn"),
    "missed": _("trễ hạn"),
    "extensions": _("số lần gia hạn"),
    "extension_lengths": _("số ngày mỗi lần gia hạn"),
    "extension_count": _("số lần gia hạn"),
    "transfer_count": _("số lần chuyển"),
    "reassignment_count": _("số lần giao lại"),
    "suspension_count": _("số lần tạm đình chỉ"),
    "status_before_suspension": _("trạng thái trước khi tạm đình chỉ"),
    "paused_intervals": _("khoảng tạm dừng"),
    "limit_days": _("số ngày"),
    "duplicate_suspected": _("nghi trùng"),
}
REASON_WORDS = [
    # cases.protection (its own words first: "protection requested" is not "requested")
    ("protection request confirmed", _("xác nhận đề nghị bảo vệ bằng văn bản")),
    ("protection requested", _("tiếp nhận đề nghị bảo vệ")),
    ("protection applied", _("áp dụng biện pháp bảo vệ")),
    ("protection referred", _("đề nghị cơ quan có thẩm quyền áp dụng biện pháp bảo vệ")),
    ("protection refused", _("không áp dụng biện pháp bảo vệ")),
    ("protection: competent body answered", _("cơ quan có thẩm quyền trả lời về việc bảo vệ")),
    ("protection changed", _("thay đổi biện pháp bảo vệ")),
    ("protection ended", _("chấm dứt bảo vệ")),
    ("protection file: document added", _("bổ sung tài liệu hồ sơ bảo vệ")),
    ("protection notice sent", _("gửi thông báo cho người được bảo vệ")),
    ("submitted", _("tiếp nhận")),
    ("classified", _("phân loại")),
    ("accepted", _("thụ lý")),
    ("rejected", _("không thụ lý")),
    ("transferred to", _("chuyển đến")),
    ("guided", _("hướng dẫn")),
    ("merged into", _("gộp vào")),
    ("linked to", _("liên kết với")),
    ("assigned", _("phân công")),
    ("reassigned", _("phân công lại")),
    ("verification started", _("bắt đầu xác minh")),
    ("dialogue scheduled", _("lên lịch đối thoại")),
    ("extended by", _("gia hạn thêm")),
    ("extended", _("gia hạn")),
    ("suspended", _("tạm đình chỉ")),
    ("resumed", _("tiếp tục")),
    ("withdrawn", _("rút đơn")),
    ("terminated", _("đình chỉ")),
    ("concluded", _("kết luận")),
    ("decided", _("quyết định")),
    ("published", _("công khai")),
    ("closed", _("đóng hồ sơ")),
    ("note added", _("thêm ghi chú")),
    ("attachments added", _("thêm tài liệu")),
    ("uploaded", _("tải lên")),
    ("met late", _("hoàn thành trễ hạn")),
    ("met", _("hoàn thành")),
    ("started", _("bắt đầu tính")),
    ("paused", _("tạm dừng")),
    ("recomputed after classification", _("tính lại sau phân loại")),
    ("calendar changed", _("lịch ngày làm việc thay đổi")),
    ("calendar version", _("cập nhật phiên bản lịch")),
    ("escalated to level", _("nâng cảnh báo lên cấp")),
    ("second level", _("hồ sơ lần hai")),
    ("duplicate", _("hồ sơ trùng")),
]


def reason_label(reason: str) -> str:
    """History change reasons are short English codes written by the services; show them in the
    viewer's language ("extended (01/QĐ-GH)" -> "gia hạn (01/QĐ-GH)")."""
    if not reason or lang() == "en":
        return reason
    for word, label in REASON_WORDS:
        if reason == word or reason.startswith(word + " ") or reason.startswith(word + ":"):
            return str(label) + reason[len(word) :]
    return reason


_FK_AUTHORITY = {"authority", "transferred_to", "accused_authority"}
_FK_USER = {"assignee", "accused_user"}
_HISTORY_MODEL = {"case": Case, "party": Party, "deadline": Deadline}


def _present_change(model, change: dict) -> dict:
    name, old, new = change["field"], change["old"], change["new"]

    def show(value):
        if value in (None, ""):
            return "—"
        if name in _FK_AUTHORITY:
            auth = Authority.objects.filter(pk=value).first()
            return auth.display_name(lang()) if auth else value
        if name in _FK_USER:
            return _user_name(value)
        if name == "status":
            return _choice_label(Case.Status.choices, value)
        if name == "kind":
            return _choice_label(Case.Kind.choices, value)
        if name == "complexity":
            return _choice_label(Case.Complexity.choices, value)
        if name == "outcome":
            return _choice_label(Case.Outcome.choices, value)
        if isinstance(value, bool):
            return str(_("có")) if value else str(_("không"))
        if name == "state" and model is Deadline:
            return _choice_label(Deadline.State.choices, value)
        if hasattr(value, "isoformat"):
            return (
                timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
                if hasattr(value, "hour")
                else (value.strftime("%d/%m/%Y"))
            )
        return value

    return {"field": field_label(model, name), "old": show(old), "new": show(new)}


@dataclass
class TimelineRow:
    at: object
    label: str
    actor: str
    visibility: str
    source: str
    details: list[tuple[str, object]] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    reason: str = ""
    kind: str = ""


def timeline_rows(case: Case, viewer) -> list[TimelineRow]:
    """The case's timeline for ``viewer``; identity a citizen typed into a note, a supplement or a
    field is masked unless the viewer holds the identity permission (``cases.redaction``)."""
    rows = []
    identity_ok = permissions.user_can_view_identity(viewer, case)
    needles = [] if identity_ok else redaction.case_needles(case)
    memo: dict = {}
    # A protection's steps are shown only to those who may know of it (Law on Denunciations Art 48(2)(b)).
    hide_protection = case.kind == Case.Kind.DENUNCIATION and not knows_of_protection(viewer, case)
    for entry in selectors.case_timeline(case=case, viewer=viewer, merged=True):
        if hide_protection and entry.kind.startswith(PROTECTION_EVENT_PREFIX):
            continue
        if needles:
            entry.data = redaction.redact(entry.data or {}, needles, memo)
            entry.changes = [
                {
                    **c,
                    "old": redaction.redact(c.get("old"), needles, memo),
                    "new": redaction.redact(c.get("new"), needles, memo),
                }
                for c in entry.changes
            ]
            entry.reason = redaction.redact(entry.reason, needles, memo)
        details = []
        for key, value in (entry.data or {}).items():
            if (key in _HIDDEN_KEYS and (entry.kind, key) not in EVENT_DATA_LABELS) or (
                key == "attachments" and isinstance(value, list)
            ):
                continue
            shown = _present_value(key, value)
            if shown is None:
                continue
            label = EVENT_DATA_LABELS.get((entry.kind, key)) or DATA_LABELS.get(key, key)
            details.append((str(label), shown))
        model = _HISTORY_MODEL.get(entry.kind.split(".")[0], Case)
        changes = [c for c in entry.changes if c["field"] not in NOISE_FIELDS]
        if entry.source == "history" and not changes:
            continue
        rows.append(
            TimelineRow(
                at=entry.at,
                label=str(EVENT_LABELS.get(entry.kind, entry.kind)),
                actor=entry.actor,
                visibility=entry.visibility,
                source=entry.source,
                details=details,
                changes=[_present_change(_HISTORY_MODEL.get(c.get("model", ""), model), c) for c in changes],
                reason=reason_label(entry.reason),
                kind=entry.kind,
            )
        )
    rows.reverse()  # newest first on screen
    return rows


def deadline_rows(case: Case, viewer=None) -> list[dict]:
    """The case's deadlines; the confidential ones (protection of a denouncer) only for a ``viewer``
    who may know of the protection."""
    language = lang()
    rows = []
    confidential = viewer is not None and knows_of_protection(viewer, case)
    views = sorted(
        selectors.case_deadlines(case=case, confidential=confidential), key=lambda v: v.colour == "done"
    )
    for view in views:
        d = view.deadline
        rows.append(
            {
                "code": d.rule_code,
                "title": d.title_en if language == "en" and d.title_en else d.title_vi,
                "legal_basis": d.legal_basis_en
                if language == "en" and d.legal_basis_en
                else d.legal_basis_vi,
                "due_date": d.due_date,
                "original_due_date": d.original_due_date,
                "moved": d.original_due_date != d.due_date,
                "extensions": d.extensions,
                "remaining": view.remaining_text_en if language == "en" else view.remaining_text_vi,
                "remaining_days": view.remaining_days,
                "colour": view.colour,
                "state": d.get_state_display(),
                "provisional": view.provisional_text,
            }
        )
    return rows


COLOUR_CLASSES = {
    "ok": "kntc-due kntc-due--ok",
    "soon": "kntc-due kntc-due--soon",
    "due": "kntc-due kntc-due--due",
    "overdue": "kntc-due kntc-due--overdue",
    "paused": "kntc-due kntc-due--paused",
    "done": "kntc-due kntc-due--done",
}


ESCALATION_LEVELS = {
    0: _("chưa chuyển cấp"),
    1: _("cấp 1 — đã báo lãnh đạo đơn vị"),
    2: _("cấp 2 — đã báo thủ trưởng cơ quan"),
    3: _("cấp 3 — đã báo cơ quan cấp trên"),
}


def escalation_step_label(step: str) -> str:
    if step.startswith("warn-"):
        return str(_("Cảnh báo trước hạn %(n)s ngày làm việc")) % {"n": step.split("-", 1)[1]}
    if step.startswith("L") and step[1:].isdigit():
        return str(_("Quá hạn: chuyển %(level)s")) % {"level": ESCALATION_LEVELS.get(int(step[1:]), step)}
    return step


def escalation_rows(case: Case) -> list[dict]:
    """The escalation steps the sweep (or a head) took for the case, oldest first."""
    return [
        {
            "at": e.created_at,
            "label": escalation_step_label(e.step),
            "level": e.level,
            "rule": e.deadline.rule_code,
            "due_date": e.deadline.due_date,
        }
        for e in case.escalations.select_related("deadline").order_by("created_at", "pk")
    ]
