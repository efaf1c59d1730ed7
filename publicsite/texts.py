"""What a citizen reads about a case, in plain words: kinds, statuses (with what happens next),
timeline events and reasons. Vietnamese source strings through gettext; English in the catalogue."""

from __future__ import annotations

from django.utils.translation import get_language, pgettext, pgettext_lazy

from cases.delivery.models import Delivery
from cases.models import Attachment, Case, CaseKind, CaseStatus
from cases.reasons import REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS

KIND_LABELS = {
    CaseKind.COMPLAINT: pgettext_lazy("public", "Khiếu nại"),
    CaseKind.DENUNCIATION: pgettext_lazy("public", "Tố cáo"),
    CaseKind.PETITION: pgettext_lazy("public", "Kiến nghị, phản ánh"),
    CaseKind.ANONYMOUS_REPORT: pgettext_lazy("public", "Tin báo không nêu tên"),
}

# (label, what it means and what happens next)
STATUS_TEXTS = {
    CaseStatus.RECEIVED: (
        pgettext_lazy("public", "Đã tiếp nhận"),
        pgettext_lazy(
            "public",
            "Cơ quan đã nhận đơn và đang xem xét để thụ lý (chấp nhận giải quyết) hoặc trả lời lý do không "
            "thụ lý. Ông/bà sẽ được thông báo kết quả trong thời hạn ghi dưới đây.",
        ),
    ),
    CaseStatus.ACCEPTED: (
        pgettext_lazy("public", "Đã thụ lý"),
        pgettext_lazy(
            "public",
            "Cơ quan có thẩm quyền đã chấp nhận giải quyết đơn. "
            "Thời hạn giải quyết được tính từ ngày thụ lý.",
        ),
    ),
    CaseStatus.VERIFYING: (
        pgettext_lazy("public", "Đang xác minh"),
        pgettext_lazy(
            "public",
            "Cán bộ được giao đang xác minh nội dung đơn: thu thập tài liệu, làm việc với các bên liên quan.",
        ),
    ),
    CaseStatus.DIALOGUE: (
        pgettext_lazy("public", "Đối thoại"),
        pgettext_lazy("public", "Cơ quan tổ chức đối thoại với người khiếu nại trước khi ra quyết định."),
    ),
    CaseStatus.SUSPENDED: (
        pgettext_lazy("public", "Tạm đình chỉ"),
        pgettext_lazy(
            "public",
            "Việc giải quyết tạm dừng (ví dụ chờ kết quả của cơ quan khác). Thời "
            "gian tạm dừng không tính vào "
            "thời hạn giải quyết.",
        ),
    ),
    CaseStatus.DECIDED: (
        pgettext_lazy("public", "Đã có quyết định, trả lời"),
        pgettext_lazy(
            "public",
            "Đã có quyết định giải quyết hoặc văn bản trả lời. Ông/bà có thể tải văn bản bên dưới. Nếu không "
            "đồng ý với quyết định giải quyết khiếu nại lần đầu, ông/bà có quyền khiếu nại lần hai hoặc khởi "
            "kiện ra Tòa án.",
        ),
    ),
    CaseStatus.CONCLUDED: (
        pgettext_lazy("public", "Đã có kết luận"),
        pgettext_lazy(
            "public",
            "Đã có kết luận nội dung tố cáo. Nếu cho rằng việc giải quyết không "
            "đúng pháp luật, ông/bà có thể "
            "tố cáo tiếp với cơ quan cấp trên trực tiếp.",
        ),
    ),
    CaseStatus.PUBLISHED: (
        pgettext_lazy("public", "Đã công khai kết quả"),
        pgettext_lazy(
            "public",
            "Kết quả giải quyết đã được công khai theo quy định (không công khai danh tính người gửi).",
        ),
    ),
    CaseStatus.CLOSED: (
        pgettext_lazy("public", "Đã kết thúc"),
        pgettext_lazy("public", "Hồ sơ đã được đóng. Việc giải quyết đơn đã kết thúc."),
    ),
    CaseStatus.REJECTED: (
        pgettext_lazy("public", "Không thụ lý"),
        pgettext_lazy(
            "public", "Đơn không được thụ lý giải quyết. Lý do và căn cứ pháp lý được ghi trong diễn biến."
        ),
    ),
    CaseStatus.TRANSFERRED: (
        pgettext_lazy("public", "Đã chuyển đơn"),
        pgettext_lazy(
            "public",
            "Đơn không thuộc thẩm quyền của cơ quan này và đã được chuyển đến cơ quan có thẩm quyền, cơ quan "
            "đó sẽ liên hệ với ông/bà.",
        ),
    ),
    CaseStatus.GUIDED: (
        pgettext_lazy("public", "Đã hướng dẫn"),
        pgettext_lazy(
            "public",
            "Cơ quan đã hướng dẫn ông/bà gửi đơn đến cơ quan có thẩm quyền (xem nội dung hướng dẫn).",
        ),
    ),
    CaseStatus.MERGED: (
        pgettext_lazy("public", "Gộp vào hồ sơ khác"),
        pgettext_lazy(
            "public", "Đơn trùng nội dung với một đơn khác và được giải quyết chung trong hồ sơ đó."
        ),
    ),
    CaseStatus.WITHDRAWN: (
        pgettext_lazy("public", "Đã rút đơn"),
        pgettext_lazy(
            "public", "Ông/bà đã rút đơn. Cơ quan sẽ ra quyết định đình chỉ giải quyết theo quy định."
        ),
    ),
    CaseStatus.MONITORING: (
        pgettext_lazy("public", "Cấp trên đang đôn đốc"),
        pgettext_lazy(
            "public",
            "Cơ quan cấp trên đã yêu cầu cơ quan giải quyết báo cáo và tiếp tục giải quyết tố cáo của "
            "ông/bà; cấp trên theo dõi, đôn đốc việc giải quyết (Luật Tố cáo, Điều 38).",
        ),
    ),
    CaseStatus.TERMINATED: (
        pgettext_lazy("public", "Đình chỉ giải quyết"),
        pgettext_lazy(
            "public", "Việc giải quyết đã chấm dứt. Lý do và căn cứ pháp lý được ghi trong diễn biến."
        ),
    ),
}

OUTCOME_LABELS = {
    Case.Outcome.RIGHT: pgettext_lazy("public", "Khiếu nại đúng"),
    Case.Outcome.PARTLY_RIGHT: pgettext_lazy("public", "Khiếu nại đúng một phần"),
    Case.Outcome.WRONG: pgettext_lazy("public", "Khiếu nại sai"),
    Case.Outcome.TRUE: pgettext_lazy("public", "Tố cáo đúng"),
    Case.Outcome.PARTLY_TRUE: pgettext_lazy("public", "Tố cáo đúng một phần"),
    Case.Outcome.FALSE: pgettext_lazy("public", "Tố cáo sai"),
    Case.Outcome.ANSWERED: pgettext_lazy("public", "Đã trả lời"),
    Case.Outcome.NO_VIOLATION: pgettext_lazy("public", "Không phát hiện vi phạm"),
    Case.Outcome.VIOLATION_FOUND: pgettext_lazy("public", "Phát hiện vi phạm"),
}

ATTACHMENT_KIND_LABELS = {
    Attachment.Kind.EVIDENCE: pgettext_lazy("public", "Tài liệu, chứng cứ"),
    Attachment.Kind.SUPPLEMENT: pgettext_lazy("public", "Tài liệu bổ sung"),
    Attachment.Kind.NOTICE: pgettext_lazy("public", "Thông báo"),
    Attachment.Kind.DECISION: pgettext_lazy("public", "Quyết định, kết luận"),
    Attachment.Kind.MINUTES: pgettext_lazy("public", "Biên bản"),
    Attachment.Kind.OTHER: pgettext_lazy("public", "Tài liệu khác"),
}

EVENT_TITLES = {
    "case.received": pgettext_lazy("public", "Đơn đã được tiếp nhận"),
    "case.accepted": pgettext_lazy("public", "Đơn đã được thụ lý giải quyết"),
    "case.rejected": pgettext_lazy("public", "Đơn không được thụ lý"),
    "case.transferred": pgettext_lazy("public", "Đơn đã được chuyển đến cơ quan có thẩm quyền"),
    "case.guided": pgettext_lazy("public", "Cơ quan hướng dẫn ông/bà gửi đơn đến nơi có thẩm quyền"),
    "case.merged": pgettext_lazy("public", "Đơn được giải quyết chung với một hồ sơ trùng nội dung"),
    "case.extended": pgettext_lazy("public", "Thời hạn giải quyết được gia hạn"),
    "case.suspended": pgettext_lazy("public", "Tạm đình chỉ việc giải quyết"),
    "case.resumed": pgettext_lazy("public", "Tiếp tục giải quyết"),
    "case.withdrawn": pgettext_lazy("public", "Ông/bà đã rút đơn"),
    "contested_decision.suspended": pgettext_lazy(
        "public", "Tạm đình chỉ việc thi hành quyết định bị khiếu nại (Luật Khiếu nại, Điều 35)"
    ),
    "contested_decision.suspension_lifted": pgettext_lazy(
        "public", "Hủy bỏ việc tạm đình chỉ thi hành quyết định bị khiếu nại"
    ),
    "case.withdrawal_requested": pgettext_lazy(
        "public", "Ông/bà đã gửi yêu cầu rút đơn; cơ quan chờ đơn rút có chữ ký hoặc điểm chỉ"
    ),
    "case.withdrawal_not_confirmed": pgettext_lazy(
        "public", "Chưa nhận được đơn rút có chữ ký hoặc điểm chỉ; đơn tiếp tục được giải quyết"
    ),
    "case.withdrawn_partly": pgettext_lazy(
        "public", "Ông/bà đã rút một phần nội dung; phần còn lại tiếp tục được giải quyết"
    ),
    "case.party_withdrew": pgettext_lazy(
        "public", "Một người trong số những người gửi đơn đã rút đơn; đơn tiếp tục được giải quyết"
    ),
    "case.withdrawal_overridden": pgettext_lazy(
        "public",
        "Đã ghi nhận việc rút đơn; vụ việc vẫn được tiếp tục giải quyết (Luật Tố cáo, Điều 33 khoản 3)",
    ),
    "case.terminated": pgettext_lazy("public", "Đình chỉ giải quyết"),
    "case.decided": pgettext_lazy("public", "Đã có quyết định giải quyết, văn bản trả lời"),
    "case.concluded": pgettext_lazy("public", "Đã có kết luận nội dung tố cáo"),
    "case.published": pgettext_lazy("public", "Kết quả đã được công khai"),
    "case.closed": pgettext_lazy("public", "Hồ sơ đã được đóng"),
    "case.dialogue_scheduled": pgettext_lazy("public", "Lịch đối thoại"),
    "case.followed_up": pgettext_lazy("public", "Đã có hồ sơ tiếp theo (lần hai, tố cáo tiếp)"),
    "redenunciation.declined": pgettext_lazy(
        "public", "Cấp trên không giải quyết lại vụ việc tố cáo (Luật Tố cáo, Điều 37 khoản 2 điểm a)"
    ),
    "redenunciation.re_resolution": pgettext_lazy("public", "Cấp trên thụ lý giải quyết lại vụ việc tố cáo"),
    "followup.report_requested": pgettext_lazy(
        "public",
        "Cấp trên đã yêu cầu cơ quan giải quyết báo cáo và tiếp tục giải quyết (Luật Tố cáo, Điều 38)",
    ),
    "followup.taken_over": pgettext_lazy("public", "Cấp trên trực tiếp giải quyết vụ việc tố cáo"),
    "followup.closed": pgettext_lazy("public", "Cấp trên kết thúc theo dõi, đôn đốc"),
    "attachment.added": pgettext_lazy("public", "Tài liệu được bổ sung"),
    "case.supplemented": pgettext_lazy("public", "Ông/bà đã bổ sung thông tin"),
    "note.added": pgettext_lazy("public", "Thông tin từ cơ quan giải quyết"),
    "document.signed": pgettext_lazy("public", "Văn bản đã được ký số và ban hành"),
    "delivery.sent": pgettext_lazy("public", "Kết quả giải quyết đã được gửi"),
    "delivery.received": pgettext_lazy("public", "Ông/bà đã nhận kết quả giải quyết"),
    "delivery.returned": pgettext_lazy("public", "Thư gửi kết quả bị trả lại; cơ quan sẽ gửi lại"),
}


def english() -> bool:
    return (get_language() or "vi").startswith("en")


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_TEXTS.get(status, (status, ""))[0])


def status_explanation(status: str) -> str:
    return str(STATUS_TEXTS.get(status, ("", ""))[1])


def authority_name(authority) -> str:
    if authority is None:
        return pgettext("public", "Chưa xác định (cán bộ tiếp nhận sẽ chuyển đến cơ quan có thẩm quyền)")
    return authority.display_name("en" if english() else "vi")


def _reason_text(code: str, on=None) -> tuple[str, str]:
    """The label and basis of the version of ``code`` in force on ``on`` (the event's day)."""
    for table in (REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS):
        reason = table.get(code, on)
        if reason is not None:
            return reason.label("en" if english() else "vi"), reason.legal_basis
    return "", ""


# Events whose ``reason`` the citizen reads: the staff's decision after a withdrawal (Law on
# Denunciations Art 33(3)) and the Art 35 suspension of the contested decision.
REASONED_EVENTS = frozenset(
    {
        "case.withdrawn",
        "case.withdrawal_overridden",
        "case.withdrawal_not_confirmed",
        "contested_decision.suspended",
        "contested_decision.suspension_lifted",
    }
)


def event_details(kind: str, data: dict, on=None) -> list[tuple[str, str]]:
    """(label, value) lines shown under a timeline entry, from the complainant-safe event data. A
    reason is shown in the version in force on the event's day ``on``, and the legal basis recorded
    with the event wins (before and after 1/7/2026)."""
    lines: list[tuple[str, str]] = []
    if data.get("reason_code"):
        label, basis = _reason_text(data["reason_code"], on)
        if label:
            lines.append((pgettext("public", "Lý do"), label))
        if basis or data.get("legal_basis"):
            lines.append((pgettext("public", "Căn cứ pháp lý"), data.get("legal_basis") or basis))
    if kind in REASONED_EVENTS and data.get("reason"):
        lines.append((pgettext("public", "Lý do"), str(data["reason"])))
    if kind == "case.withdrawn_partly" and data.get("part"):
        lines.append((pgettext("public", "Nội dung đã rút"), str(data["part"])))
    if kind == "contested_decision.suspended" and data.get("until"):
        lines.append((pgettext("public", "Đến ngày"), format_date_value(data["until"])))
    if data.get("reason_text"):
        lines.append((pgettext("public", "Giải thích"), data["reason_text"]))
    if kind == "case.transferred" and (data.get("to_name") or data.get("to")):
        lines.append((pgettext("public", "Chuyển đến"), data.get("to_name") or data["to"]))
    if data.get("guidance"):
        lines.append((pgettext("public", "Nội dung hướng dẫn"), data["guidance"]))
    if data.get("into"):
        lines.append((pgettext("public", "Hồ sơ giải quyết chung"), data["into"]))
    if kind == "case.extended":
        if data.get("days"):
            lines.append((pgettext("public", "Số ngày gia hạn"), str(data["days"])))
        if data.get("new_due_date"):
            lines.append((pgettext("public", "Hạn mới"), format_date_value(data["new_due_date"])))
        if data.get("justification"):
            lines.append((pgettext("public", "Lý do gia hạn"), data["justification"]))
    if data.get("decision_number"):
        lines.append((pgettext("public", "Số văn bản"), data["decision_number"]))
    if data.get("outcome"):
        lines.append(
            (pgettext("public", "Kết quả"), str(OUTCOME_LABELS.get(data["outcome"], data["outcome"])))
        )
    if data.get("summary"):
        lines.append((pgettext("public", "Tóm tắt"), data["summary"]))
    if kind == "case.dialogue_scheduled":
        for key, label in (
            ("when", pgettext("public", "Thời gian")),
            ("place", pgettext("public", "Địa điểm")),
            ("agenda", pgettext("public", "Nội dung")),
        ):
            if data.get(key):
                lines.append((label, str(data[key])))
    if kind == "case.published" and data.get("channel"):
        lines.append((pgettext("public", "Hình thức công khai"), data["channel"]))
    if data.get("later_case"):
        lines.append((pgettext("public", "Hồ sơ tiếp theo"), data["later_case"]))
    if data.get("names"):
        lines.append((pgettext("public", "Tài liệu"), ", ".join(data["names"])))
    if kind in ("note.added", "case.supplemented") and data.get("text"):
        lines.append((pgettext("public", "Nội dung"), data["text"]))
    if kind == "attachment.added" and data.get("citizen_note"):
        lines.append((pgettext("public", "Nội dung bổ sung"), data["citizen_note"]))
    if kind == "document.signed":
        if data.get("title"):
            lines.append((pgettext("public", "Văn bản"), data["title"]))
        if data.get("number"):
            lines.append((pgettext("public", "Số văn bản"), data["number"]))
        if data.get("sha256"):
            lines.append((pgettext("public", "Mã băm SHA-256"), data["sha256"]))
    if kind.startswith("delivery.") and data.get("channel"):
        lines.append((pgettext("public", "Hình thức gửi"), str(Delivery.Channel(data["channel"]).label)))
        if data.get("tracking_number"):
            lines.append((pgettext("public", "Số hiệu bưu gửi"), data["tracking_number"]))
        if data.get("received_on"):
            lines.append((pgettext("public", "Ngày nhận"), format_date_value(data["received_on"])))
        if data.get("returned_on"):
            lines.append((pgettext("public", "Ngày trả lại"), format_date_value(data["returned_on"])))
    if kind == "case.received" and data.get("attachments"):
        lines.append((pgettext("public", "Số tài liệu kèm theo"), str(data["attachments"])))
    return lines


def format_date_value(value) -> str:
    import datetime as dt

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


# The time limits the guide page lists, by section; the words and numbers come from the rule table
# in force today (``cases.selectors.time_limits_in_force``), never from the page's text.
GUIDE_TIME_LIMITS = (
    (pgettext_lazy("public", "Khiếu nại"), ["K1", "K3", "K4", "K8", "K5"]),
    (pgettext_lazy("public", "Khiếu nại quyết định kỷ luật cán bộ, công chức"), ["K2", "K6"]),
    (pgettext_lazy("public", "Tố cáo"), ["T1", "T4", "T6"]),
    (pgettext_lazy("public", "Kiến nghị, phản ánh"), ["R4"]),
)


def guide_time_limits(on=None) -> list[dict]:
    from cases.selectors import time_limits_in_force  # not at import: texts loads with the models

    english_ = english()
    return [
        {"section": str(title), "rows": [t.localised(english_) for t in time_limits_in_force(codes, on)]}
        for title, codes in GUIDE_TIME_LIMITS
    ]


# What the citizen is told after asking online to withdraw: the click is the intent; the letter
# signed or thumb-printed (Law on Complaints 2011 Art 10) or the minutes signed at the desk (Law on
# Denunciations 2018 Art 33(1); Decree 31/2019 Art 4(1), Mẫu 02/03) make the withdrawal, and the
# agency decides, with a reason, to end or to continue (Art 33(3)).
WITHDRAWAL_REQUESTED = {
    CaseKind.COMPLAINT: pgettext_lazy(
        "public",
        "Đã ghi nhận yêu cầu rút khiếu nại của ông/bà. Việc rút khiếu nại chỉ có hiệu lực khi cơ quan nhận "
        "được đơn rút khiếu nại có chữ ký hoặc điểm chỉ của ông/bà (Luật Khiếu nại, Điều 10): vui lòng tải "
        "đơn rút đã ký lên ở mục bổ sung tài liệu, hoặc đến trụ sở cơ quan để nộp đơn, ký biên bản. Khi nhận "
        "được đơn, cơ quan ra quyết định đình chỉ giải quyết và gửi thông báo cho ông/bà. Trong thời gian "
        "chờ, khiếu nại vẫn tiếp tục được giải quyết.",
    ),
    CaseKind.DENUNCIATION: pgettext_lazy(
        "public",
        "Đã ghi nhận yêu cầu rút tố cáo của ông/bà. Việc rút tố cáo phải bằng văn bản có chữ ký hoặc điểm "
        "chỉ (Mẫu 02) hoặc ông/bà đến cơ quan ký biên bản ghi nhận việc rút tố cáo (Mẫu 03) (Nghị định "
        "31/2019, Điều 4): vui lòng tải văn bản đã ký lên ở mục bổ sung tài liệu hoặc đến trụ sở cơ quan. "
        "Sau đó cơ quan quyết định, có nêu lý do, đình chỉ hay vẫn tiếp tục giải quyết: tố cáo vẫn được giải "
        "quyết nếu hành vi bị tố cáo có dấu hiệu vi phạm pháp luật, hoặc việc rút do bị đe dọa, mua chuộc "
        "(Luật Tố cáo, Điều 33 khoản 3). Cơ quan sẽ thông báo cho ông/bà.",
    ),
}


def withdrawal_confirmation(kind: str, status: str):
    """The confirmation after the citizen's click: a petition is withdrawn at once; the rest wait for
    the signed letter and the agency's decision."""
    if status == CaseStatus.WITHDRAWN:
        return pgettext_lazy("public", "Đơn đã được rút. Cơ quan sẽ thông báo cho ông/bà.")
    return WITHDRAWAL_REQUESTED.get(kind, pgettext_lazy("public", "Đã ghi nhận yêu cầu rút đơn."))
