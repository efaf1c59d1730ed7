"""Every threshold, limit and yes/no rule of the domain, in one place, with no database access.

Forms, the JSON API and its OpenAPI schema, the workspace's actions, the services, the reporting
definitions (``cases.reporting``) and both search backends ask this module; nobody restates a number
or a condition. The functions take plain values or any object with the attributes they read (a
``Case`` row, a dataclass in a test), so they are table-testable.

A predicate answers with a :class:`Verdict`: falsy with the reason (translatable, with the article
it rests on) when the answer is no, so the workspace can show a disabled action with its reason and
the service can refuse with the same words."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import deadlines as engine
from . import workflow
from .models import CaseKind as K
from .models import CaseStatus as S

Text = str | Promise


@dataclass(frozen=True)
class Verdict:
    """The answer of a rule: ``allowed``, or not with ``reason`` (shown to the person asking)."""

    allowed: bool
    reason: Text = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED: Final = Verdict(True)


def refused(reason: Text) -> Verdict:
    return Verdict(False, reason)


class CaseFacts(Protocol):
    """What the rules read of a case (a ``cases.models.Case`` has all of it)."""

    kind: str
    status: str
    complaint_level: str
    complexity: str
    extension_count: int
    remote_area: bool
    decided_at: dt.datetime | None


class DeadlineFacts(Protocol):
    rule_code: str
    state: str
    due_at: dt.datetime
    missed: bool
    bearer: str


# ------------------------------------------------------------------------------ text and files

# The longest text each field accepts, for every door: web forms, the API (and the maxLength of its
# OpenAPI schema), the workspace forms and the services. Keys are the field names used by the forms
# and the API.
TEXT_LIMITS: Final[Mapping[str, int]] = {
    # the letter (Law on Complaints Art 8(2); Law on Denunciations Art 23(1))
    "subject": 300,
    "description": 20_000,
    "contested_act": 2_000,
    "delay_reason": 2_000,
    "accused_name": 255,
    "accused_position": 255,
    # the people
    "full_name": 200,
    "national_id": 20,
    "address": 500,
    "phone": 20,
    "email": 254,
    # what a citizen sends later
    "supplement_text": 2_000,
    "withdrawal_statement": 2_000,
    # what staff write
    "note": 4_000,
    "reason_text": 2_000,
    "guidance": 4_000,
    "plan": 4_000,
    "place": 300,
    "agenda": 2_000,
    "decision_number": 60,
    "justification": 2_000,
    "summary": 10_000,
    "report": 10_000,
    "publication_channel": 300,
    "attachment_description": 300,
    "reveal_reason": 500,
    # the delivery of results (cases.delivery)
    "signer_title": 120,
    "recipient_name": 255,
    "tracking_number": 40,
    "delivery_contact": 254,
}
# The shortest reason a staff member may give for revealing an identity (Law on Denunciations
# Art 56: every access to the denouncer's identity has a recorded reason).
REVEAL_REASON_MIN: Final = 5


def max_length(field: str) -> int:
    return TEXT_LIMITS[field]


def text_problem(field: str, value: str, *, required: bool = False) -> Text | None:
    """Why ``value`` is not acceptable for ``field`` (None when it is)."""
    stripped = (value or "").strip()
    if required and not stripped:
        return _("Trường này là bắt buộc.")
    if len(stripped) > TEXT_LIMITS[field]:
        return _("Tối đa %(n)s ký tự.") % {"n": TEXT_LIMITS[field]}
    return control_character_problem(stripped)


def control_character_problem(value: str) -> Text | None:
    """Why ``value`` is refused for the control characters it carries (None when it is clean).
    Every door asks it: the public forms and the API (through the same forms), the workspace forms
    and the services, so a letter never carries a character a generated DOCX cannot hold."""
    for ch in value or "":
        if ch in FORBIDDEN_CHARACTERS:
            return _(
                "Nội dung có ký tự điều khiển không hiển thị được (mã U+%(code)s), thường do sao chép "
                "từ phần mềm khác; vui lòng xoá ký tự đó rồi gửi lại."
            ) % {"code": f"{ord(ch):04X}"}
    return None


def strip_control_characters(value: str) -> str:
    """``value`` without the forbidden control characters: for what is not typed text (file names)
    and as the last line of defence where XML is written."""
    return "".join(ch for ch in value or "" if ch not in FORBIDDEN_CHARACTERS)


# Control characters no text may carry: they are invalid in XML (a generated DOCX would not open)
# and have no place in a letter. Tab, line feed and carriage return are allowed.
FORBIDDEN_CHARACTERS: Final = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {"\x7f"}

# Files (one rule for the web wizard, the API, the workspace and the services).
MAX_FILES: Final = 10
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_TOTAL_BYTES: Final = 50 * 1024 * 1024
ALLOWED_TYPES: Final[Mapping[str, str]] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
ALLOWED_TYPE_NAMES: Final = "PDF, JPEG, PNG, DOCX, ODT"
# Zip-based formats (DOCX, ODT) are read as archives: bounded, so a small upload cannot make the
# server inflate gigabytes (a "zip bomb").
ZIP_MAX_MEMBERS: Final = 2_000
ZIP_MAX_MEMBER_READ: Final = 64 * 1024  # bytes read of any one member we inspect
ZIP_MAX_TOTAL_UNCOMPRESSED: Final = 200 * 1024 * 1024
ZIP_MAX_RATIO: Final = 200  # declared uncompressed / compressed size of the archive

# Groups (Law on Citizen Reception 2013 Art 29(1)? and its Decree: one to five representatives).
MAX_PEOPLE_ONLINE: Final = 30
MAX_REPRESENTATIVES: Final = 5


# Administrators are warned of every calendar day not yet officially confirmed that falls within
# this many days from today, so the notice is entered before the deadlines it moves come due.
UNCONFIRMED_WARNING_DAYS: Final = 120


def complaint_limitation_days(*, discipline: bool = False, on: dt.date | None = None) -> int:
    """The days after receiving or learning of the decision within which a complaint is timely:
    K1 (90 days, Law on Complaints 2011 Art 9), or K2 for a cadre's or civil servant's complaint
    against a disciplinary decision (15 days, Art 48). Later, the complainant states the obstacle
    that kept them (Art 9), or the complaint may be refused (Art 11(3)). From the rule table."""
    rule = engine.load_rules().get("K2" if discipline else "K1", on or dt.date.today())
    assert rule.limit is not None  # both rules have a numeric limit in every version
    return rule.limit


# ------------------------------------------------------------------------------ case verbs


def can_withdraw(case: CaseFacts) -> Verdict:
    """A complaint may be withdrawn at any time before the decision (Law on Complaints 2011 Art 10);
    a denunciation before the conclusion (Law on Denunciations 2018 Art 33(1)); a petition while it
    is handled. An information report has nobody to withdraw it (Art 25)."""
    if case.kind == K.ANONYMOUS_REPORT:
        return refused(_("Tin báo không nêu tên không có người rút (Luật Tố cáo 2018, Điều 25)."))
    if case.status not in workflow.WITHDRAWABLE_STATES or not workflow.can_transition(
        case.kind, case.status, S.WITHDRAWN
    ):
        return refused(
            _(
                "Không thể rút đơn sau khi đã có quyết định hoặc kết luận (Luật Khiếu nại 2011, "
                "Điều 10; Luật Tố cáo 2018, Điều 33)."
            )
        )
    return ALLOWED


# What proves a withdrawal (Law on Complaints 2011 Art 10: "bằng đơn có chữ ký hoặc điểm chỉ";
# Law on Denunciations 2018 Art 33(1) "bằng văn bản"; Decree 31/2019 Art 4(1): the signed letter,
# Mẫu 02, or the minutes of a withdrawal in person signed or thumb-printed, Mẫu 03). An online click
# is only the citizen's intent (``case_withdrawal_request``); it proves nothing by itself.
WITHDRAWAL_EVIDENCE: Final[Mapping[str, Text]] = {
    "signed_letter": _("Đơn rút có chữ ký hoặc điểm chỉ của người rút (tải lên hoặc nộp tại cơ quan)"),
    "minutes": _("Biên bản ghi nhận việc rút đơn trực tiếp tại cơ quan, có chữ ký hoặc điểm chỉ"),
}
WITHDRAWAL_SCOPES: Final = ("all", "part")


def withdrawal_evidence_verdict(kind: str, evidence: str) -> Verdict:
    """The withdrawal is recorded only on the signed or thumb-printed letter or the minutes
    (Law on Complaints 2011 Art 10; Law on Denunciations 2018 Art 33(1); Decree 31/2019 Art 4(1),
    Mẫu 02/03). A petition (Law 42/2013) needs no particular form."""
    if kind == K.PETITION or evidence in WITHDRAWAL_EVIDENCE:
        return ALLOWED
    if kind == K.DENUNCIATION:
        return refused(
            _(
                "Việc rút tố cáo phải bằng văn bản có chữ ký hoặc điểm chỉ (Mẫu 02) hoặc biên bản ghi nhận "
                "việc rút tố cáo (Mẫu 03) (Luật Tố cáo 2018, Điều 33 khoản 1; Nghị định 31/2019, Điều 4 "
                "khoản 1)."
            )
        )
    return refused(
        _(
            "Việc rút khiếu nại phải được thực hiện bằng đơn có chữ ký hoặc điểm chỉ của người khiếu nại "
            "(Luật Khiếu nại 2011, Điều 10)."
        )
    )


def withdrawal_continue_verdict(kind: str, *, reason: str, online_request_pending: bool) -> Verdict:
    """May the staff decide that resolution continues after a withdrawal? A denunciation, when the
    act shows signs of a violation, the withdrawal was coerced or bought, or the denouncer used it to
    slander (Law on Denunciations 2018 Art 33(3); Decree 31/2019 Art 4(3)). Any case whose online
    request was never confirmed by the signed letter (Law on Complaints 2011 Art 10). Always with
    the reason, which the citizen is told."""
    if not reason:
        return refused(_("Cần nêu lý do tiếp tục giải quyết (Luật Tố cáo 2018, Điều 33 khoản 3)."))
    if kind == K.DENUNCIATION or online_request_pending:
        return ALLOWED
    return refused(
        _(
            "Khiếu nại đã rút bằng đơn có chữ ký thì đình chỉ giải quyết (Luật Khiếu nại 2011, Điều 10); "
            "chỉ tố cáo mới tiếp tục giải quyết khi có căn cứ tại Luật Tố cáo 2018, Điều 33 khoản 3."
        )
    )


def withdrawal_ends_case(*, scope: str, parties_left: int) -> bool:
    """A partial withdrawal, or one member of a group leaving while others remain, does not end the
    case: the rest is resolved (Law on Denunciations 2018 Art 33(2); Decree 31/2019 Art 4(2); the
    same for complaints, where the remaining complainants keep their complaint, Law on Complaints
    2011 Art 10 read with Decree 124/2020 Art 7 [S])."""
    return scope == "all" and parties_left == 0


def citizen_may_request_withdrawal(case: CaseFacts) -> Verdict:
    """The citizen's online request (the intent) may be sent once, while ``can_withdraw`` allows."""
    verdict = can_withdraw(case)
    if not verdict:
        return verdict
    if getattr(case, "withdrawal_requested_at", None) is not None:
        return refused(
            _(
                "Yêu cầu rút đơn đã được ghi nhận; cơ quan chờ đơn rút có chữ ký hoặc điểm chỉ của ông/bà "
                "(Luật Khiếu nại 2011, Điều 10; Luật Tố cáo 2018, Điều 33 khoản 1)."
            )
        )
    return ALLOWED


def contested_suspension_verdict(
    case: CaseFacts, *, until: dt.date, today: dt.date, resolution_due: dt.date | None, active: bool
) -> Verdict:
    """May the resolver suspend the execution of the contested administrative decision until
    ``until``? Law on Complaints 2011 Art 35 (rule K14): while the complaint is being resolved, when
    executing it would cause consequences hard to remedy; for no longer than the time left of the
    resolution limit; lifted at once when the reason ends."""
    if case.kind != K.COMPLAINT or case.status not in {S.ACCEPTED, S.VERIFYING, S.DIALOGUE}:
        return refused(
            _(
                "Chỉ tạm đình chỉ việc thi hành quyết định hành chính bị khiếu nại trong quá trình giải "
                "quyết khiếu nại (Luật Khiếu nại 2011, Điều 35)."
            )
        )
    if active:
        return refused(
            _("Quyết định bị khiếu nại đang được tạm đình chỉ thi hành (Luật Khiếu nại 2011, Điều 35).")
        )
    if until < today or (resolution_due is not None and until > resolution_due):
        return refused(
            _(
                "Thời hạn tạm đình chỉ không vượt quá thời gian còn lại của thời hạn giải quyết (hết ngày "
                "%(date)s; Luật Khiếu nại 2011, Điều 35)."
            )
            % {"date": resolution_due.strftime("%d/%m/%Y") if resolution_due else "—"}
        )
    return ALLOWED


# The resolution limits whose outcome is the case's "resolved on time" (Law on Complaints Arts 28,
# 37, 50; Law on Denunciations Art 30).
RESOLUTION_RULES: Final = frozenset({"K4", "K5", "K6", "T4"})
# The limits that answer a letter at receipt (accept, refuse, transfer, guide).
RECEIPT_RULES: Final = frozenset({"K3", "T1", "R4", "T2"})
# Limits a decision fixes case by case (R7: the head's instruction at a reception session,
# Decree 154/2026 Art 25(2)); acceptance does not carry them out, their own report does.
DECISION_LIMIT_RULES: Final = frozenset({"R7"})
# Limits whose very existence is confidential: the consideration of a request to protect a denouncer
# (T14, T15; cases.protection). Law on Denunciations 2018 Art 48(2)(b) keeps the protection itself
# secret, so they never appear on the citizen's tracking page, receipt or the public API.
CONFIDENTIAL_RULES: Final = frozenset({"T14", "T15"})


def second_level_allowed(
    case: CaseFacts,
    today: dt.date,
    *,
    first_level_due: dt.date | None,
    decision_received_on: dt.date | None,
    calendar: engine.WorkingCalendar,
) -> Verdict:
    """May a second-level complaint be opened against this first-level case today?

    Law on Complaints 2011 Arts 7(1), 33(1): only when the complainant disagrees with the first-level
    decision, or when the first-level limit (Art 28, rule K4) passed without a decision; and within
    30 days (45 in remote areas, rule K8) of receiving the decision or of the expiry of that limit."""
    if case.kind != K.COMPLAINT:
        return refused(_("Chỉ khiếu nại mới có giải quyết lần hai (Luật Khiếu nại 2011, Điều 7)."))
    if case.complaint_level == "second":
        return refused(
            _(
                "Đây đã là khiếu nại lần hai; tiếp theo là khởi kiện tại Tòa án "
                "(Luật Khiếu nại 2011, Điều 7 khoản 1)."
            )
        )
    decided = case.status in {S.DECIDED, S.PUBLISHED, S.CLOSED} and case.decided_at is not None
    if decided:
        trigger = decision_received_on
        if trigger is None:
            # Nobody recorded when the complainant received the decision: the window cannot be
            # shown to have run out, and the citizen gets the benefit of the doubt.
            return ALLOWED
    elif case.status in {S.ACCEPTED, S.VERIFYING, S.DIALOGUE}:
        if first_level_due is None or today <= first_level_due:
            return refused(
                _(
                    "Chỉ khiếu nại lần hai sau khi có quyết định giải quyết lần đầu, hoặc khi đã hết thời "
                    "hạn giải quyết lần đầu mà chưa được giải quyết (Luật Khiếu nại 2011, Điều 7 khoản 1, "
                    "Điều 33 khoản 1)."
                )
            )
        trigger = first_level_due
    else:
        return refused(_("Hồ sơ lần đầu chưa được thụ lý hoặc đã kết thúc không có quyết định."))
    rule = engine.load_rules().get("K8", trigger)
    window = engine.compute_due(rule, trigger, calendar, remote=case.remote_area)
    if today > window.due_date:
        return refused(
            _("Đã quá thời hạn khiếu nại lần hai (hết ngày %(date)s; Luật Khiếu nại 2011, Điều 33 khoản 1).")
            % {"date": window.due_date.strftime("%d/%m/%Y")}
        )
    return ALLOWED


# ------------------------------------------------------------------------------ follow-ups on a denunciation

# Law on Denunciations 2018: the first resolution was issued (conclusion) -> re-denunciation
# reviewed by the superior (Art 37); the resolution limit passed without one -> the superior asks
# for a report and follows it up (Art 38).
DENUNCIATION_RESOLVED: Final = frozenset({S.CONCLUDED, S.PUBLISHED, S.CLOSED})
DENUNCIATION_PENDING: Final = frozenset({S.ACCEPTED, S.VERIFYING})
REVIEW_RE_DENUNCIATION: Final = "re_denunciation"
REVIEW_OVERDUE: Final = "overdue"


def denunciation_followup_allowed(case: CaseFacts, *, resolution_limit_passed: bool) -> Verdict:
    """May the superior receive the denouncer's follow-up on this (first) denunciation?

    Law on Denunciations 2018 Art 37(1): after the resolution, when the denouncer has grounds to say
    it was unlawful; Art 38(1): when the limit of Art 30 (rule T4 with its extensions) passed without
    a resolution. Before either, the first body is still within its time."""
    if case.kind != K.DENUNCIATION:
        return refused(_("Chỉ tố cáo mới có tố cáo tiếp (Luật Tố cáo 2018, Điều 37, 38)."))
    if case.status in DENUNCIATION_RESOLVED:
        return ALLOWED
    if case.status in DENUNCIATION_PENDING:
        if resolution_limit_passed:
            return ALLOWED
        return refused(
            _(
                "Thời hạn giải quyết tố cáo chưa hết: người tố cáo chỉ tố cáo tiếp khi quá thời hạn mà "
                "tố cáo chưa được giải quyết (Luật Tố cáo 2018, Điều 38 khoản 1) hoặc sau khi có kết "
                "luận (Điều 37 khoản 1)."
            )
        )
    return refused(
        _("Hồ sơ tố cáo chưa được thụ lý hoặc đã kết thúc không có kết luận (Luật Tố cáo 2018, Điều 37).")
    )


def denunciation_followup_track(first_status: str) -> str:
    """Which procedure the superior follows: Art 37 review after a conclusion, Art 38 otherwise."""
    return REVIEW_RE_DENUNCIATION if first_status in DENUNCIATION_RESOLVED else REVIEW_OVERDUE


class ReviewFacts(CaseFacts, Protocol):
    review_track: str


# What the superior may do with each follow-up, and in which state of the follow-up case.
REVIEW_ACTIONS: Final[Mapping[str, tuple[str, frozenset[str]]]] = {
    # Art 37(2)(a): the first resolution was lawful -> not re-resolved, written notice with reasons.
    "decline": (REVIEW_RE_DENUNCIATION, frozenset({S.RECEIVED})),
    # Art 37(2)(b)-(c), (3): resolve it under its own competence or re-resolve it (Chapter III).
    "re_resolve": (REVIEW_RE_DENUNCIATION, frozenset({S.RECEIVED})),
    # Art 37(2)(b): the first body lacked competence and so does the superior -> transfer.
    "transfer": (REVIEW_RE_DENUNCIATION, frozenset({S.RECEIVED})),
    # Art 38(2): the written request for a report (5 working days, T10).
    "request_report": (REVIEW_OVERDUE, frozenset({S.RECEIVED})),
    # Art 38(5); Decree 31/2019 Art 5: take-over only on its grounds.
    "take_over": (REVIEW_OVERDUE, frozenset({S.RECEIVED, S.MONITORING})),
    # Art 38(4): the follow-up ends when the lower body reports its result.
    "finish_monitoring": (REVIEW_OVERDUE, frozenset({S.MONITORING})),
}


def review_action_allowed(case: ReviewFacts, action: str) -> Verdict:
    """May ``action`` be taken on this follow-up case (Law on Denunciations 2018 Arts 37(2), 38)?"""
    track, states = REVIEW_ACTIONS[action]
    if case.kind != K.DENUNCIATION or case.review_track != track:
        if track == REVIEW_RE_DENUNCIATION:
            return refused(
                _("Chỉ áp dụng với tố cáo tiếp sau khi đã có kết luận (Luật Tố cáo 2018, Điều 37 khoản 2).")
            )
        return refused(
            _(
                "Chỉ áp dụng với tố cáo tiếp khi quá thời hạn mà chưa được giải quyết "
                "(Luật Tố cáo 2018, Điều 38)."
            )
        )
    if case.status not in states:
        return refused(_("Tố cáo tiếp này đã được xem xét, xử lý (Luật Tố cáo 2018, Điều 37, 38)."))
    return ALLOWED


def followup_may_close(first_status: str) -> Verdict:
    """The superior's follow-up ends once the resolver has concluded and reported the result
    (Law on Denunciations 2018 Art 38(3)-(4)); until then it keeps monitoring."""
    if first_status in DENUNCIATION_RESOLVED:
        return ALLOWED
    return refused(
        _(
            "Cấp dưới chưa báo cáo kết quả giải quyết tố cáo: cấp trên tiếp tục theo dõi, đôn đốc "
            "(Luật Tố cáo 2018, Điều 38 khoản 3, khoản 4)."
        )
    )


# Reasons only the superior's review of a re-denunciation gives (Law on Denunciations 2018
# Art 37(2)(a)); the ordinary refusal of a new letter may not cite them.
REVIEW_ONLY_REASONS: Final = frozenset({"TC-37-2-a"})


def can_transfer(case: CaseFacts, *, reviewed: bool = False) -> Verdict:
    """May this letter be transferred (chuyển đơn) to another body?

    A denunciation outside the body's competence is transferred within 5 working days of receipt, and
    the denouncer told (Law on Denunciations 2018 Art 24(2), T2), once per same content (Circular
    05/2021/TT-TTCP Art 14(1)); outside competence is not a ground to reject it. A complaint or a
    petition outside competence is not transferred with the denunciation slip: the sender is guided
    to the competent body, once (Law on Citizen Reception 2013 Art 26; Circular 05/2021/TT-TTCP
    Arts 7-9, read in a secondary source [S]). An information report (Art 25) may be passed on.
    A denouncer's follow-up is transferred only by the superior's review (``reviewed``, Art 37(2)(b))."""
    if case.kind in (K.COMPLAINT, K.PETITION):
        return refused(
            _(
                "Khiếu nại, kiến nghị, phản ánh không thuộc thẩm quyền thì hướng dẫn người gửi đơn một lần "
                "đến cơ quan có thẩm quyền, không chuyển đơn (Thông tư 05/2021/TT-TTCP; Luật Tiếp công dân "
                "2013, Điều 26)."
            )
        )
    if case.status != S.RECEIVED:
        return refused(_("Chỉ chuyển đơn khi xử lý đơn mới tiếp nhận (Luật Tố cáo 2018, Điều 24 khoản 2)."))
    if case.kind == K.DENUNCIATION and getattr(case, "transfer_count", 0) >= 1:
        return refused(
            _("Đơn tố cáo cùng nội dung chỉ được chuyển một lần (Thông tư 05/2021/TT-TTCP, Điều 14 khoản 1).")
        )
    return ALLOWED


def ordinary_acceptance_allowed(case: ReviewFacts) -> Verdict:
    """A follow-up at the superior is not a new full case: it is accepted only through the review
    (Art 37(2)) or the take-over (Art 38(5)), never by the ordinary acceptance of Art 29."""
    if case.kind == K.DENUNCIATION and case.review_track and case.status == S.RECEIVED:
        if case.review_track == REVIEW_RE_DENUNCIATION:
            return refused(
                _(
                    "Tố cáo tiếp không thụ lý như đơn mới: cấp trên xem xét hồ sơ giải quyết trước đó trong "
                    "20 ngày rồi quyết định giải quyết lại hoặc không (Luật Tố cáo 2018, Điều 37 khoản 2)."
                )
            )
        return refused(
            _(
                "Tố cáo quá hạn không thụ lý như đơn mới: cấp trên yêu cầu báo cáo, đôn đốc, chỉ giải "
                "quyết thay khi có căn cứ tại Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019, Điều 5."
            )
        )
    return ALLOWED


def second_level_window(
    trigger: dt.date, *, remote: bool, calendar: engine.WorkingCalendar
) -> engine.DueDate:
    """The K8 window (30 days, 45 in remote areas) from ``trigger`` (Law on Complaints Art 33)."""
    return engine.compute_due(engine.load_rules().get("K8", trigger), trigger, calendar, remote=remote)


def extensions_allowed(case: CaseFacts, on: dt.date) -> int:
    """How many written extension decisions the law allows this case in all (T4: none if normal,
    one if complex, two if especially complex; Law on Denunciations Art 30; Decree 31/2019 Art 3).
    Complaints have ceilings, not extensions (Law on Complaints Art 28)."""
    if case.kind != K.DENUNCIATION:
        return 0
    policy = engine.load_rules().get("T4", on).extensions
    if policy is None:
        return 0
    return policy.allowed(
        complex=case.complexity in ("complex", "especially_complex"),
        especially_complex=case.complexity == "especially_complex",
    )


def extensions_left(case: CaseFacts, on: dt.date) -> int:
    return max(0, extensions_allowed(case, on) - case.extension_count)


def extension_days_max(on: dt.date) -> int:
    policy = engine.load_rules().get("T4", on).extensions
    return policy.max_days_each if policy else 0


def can_extend(case: CaseFacts, on: dt.date) -> Verdict:
    if not workflow.allows_extension(case.kind, case.status):
        return refused(_("Chỉ gia hạn giải quyết tố cáo đang thụ lý, xác minh (Luật Tố cáo 2018, Điều 30)."))
    if extensions_allowed(case, on) == 0:
        return refused(_("Cần phân loại Phức tạp để gia hạn (Nghị định 31/2019, Điều 3)."))
    if extensions_left(case, on) == 0:
        return refused(_("Đã gia hạn đủ số lần pháp luật cho phép (Luật Tố cáo 2018, Điều 30 khoản 1)."))
    return ALLOWED


# ------------------------------------------------------------------------------ deadlines


def is_overdue(deadline: DeadlineFacts, now: dt.datetime) -> bool:
    """A running deadline the agency owes whose end has passed. A paused clock (suspension) is never
    overdue; a deadline met, even late, is no longer overdue (it is "late" in the on-time figures); a
    citizen's own window or a date of effect (``bearer`` citizen / event) is never the agency's
    delay."""
    return deadline.state == "open" and deadline.bearer == "agency" and deadline.due_at < now


def counts_for_on_time(deadline: DeadlineFacts) -> bool:
    """Whether a deadline enters the on-time figures: a resolution limit (K4, K5, K6, T4) that was
    met by a decision or conclusion. One ended by withdrawal, merger, transfer or termination
    ("ended"), or not yet met, is outside the denominator."""
    return deadline.rule_code in RESOLUTION_RULES and deadline.state == "met"


def met_on_time(deadline: DeadlineFacts) -> bool:
    return counts_for_on_time(deadline) and not deadline.missed


# ------------------------------------------------------------------------------ stalled cases

# Working days without handling after which an active case counts as stalled, per status, when no
# escalation policy of its authority (or of a body above it, or the default policy) says otherwise.
# Suspended cases wait by design and are never stalled.
DEFAULT_STALLED_AFTER: Final[Mapping[str, int]] = {
    S.RECEIVED: 10,
    S.ACCEPTED: 15,
    S.VERIFYING: 20,
    S.DIALOGUE: 10,
}
STALLABLE_STATES: Final = frozenset(DEFAULT_STALLED_AFTER)


def stalled_thresholds(policy_overrides: Mapping[str, object] | None) -> dict[str, int]:
    """The per-status thresholds of a policy: the defaults, overridden by what the policy says for
    statuses that can stall (anything else in the policy is ignored)."""
    thresholds = dict(DEFAULT_STALLED_AFTER)
    for status, days in (policy_overrides or {}).items():
        if status in STALLABLE_STATES:
            try:
                value = int(str(days))
            except ValueError:
                continue
            if value > 0:
                thresholds[status] = value
    return thresholds


def stalled_threshold(status: str, policy_overrides: Mapping[str, object] | None) -> int | None:
    """Working days without handling before a case in ``status`` is stalled (None: never)."""
    return stalled_thresholds(policy_overrides).get(status)


def idle_cutoff(today: dt.date, working_days: int, calendar: engine.WorkingCalendar) -> dt.date:
    """The latest day of last activity that counts as ``working_days`` or more working days
    without activity by ``today``: the last day D with ``working_days_between(D, today) >= n``."""
    day = today
    while calendar.working_days_between(day, today) < working_days:
        day -= dt.timedelta(days=1)
    return day


def is_stalled(
    status: str,
    last_activity_on: dt.date,
    today: dt.date,
    policy_overrides: Mapping[str, object] | None,
    calendar: engine.WorkingCalendar,
) -> bool:
    threshold = stalled_threshold(status, policy_overrides)
    return threshold is not None and calendar.working_days_between(last_activity_on, today) >= threshold


# ------------------------------------------------------------------------------ duplicates

# A letter is a likely duplicate of an earlier case received within this many days when the same
# person (national ID, through the blind index) filed a case of the same kind, or when it names the
# same accused and its subject is this similar (Law on Denunciations 2018 Art 24(3); Circular
# 05/2021/TT-TTCP Art 14(1): the same content is handled once).
DUPLICATE_WINDOW_DAYS: Final = 90
DUPLICATE_SUBJECT_SIMILARITY: Final = 0.6
DUPLICATE_MAX_CANDIDATES: Final = 20


def duplicate_signals(
    *,
    same_person: bool,
    same_accused: bool,
    subject_similarity: float,
    same_kind: bool,
) -> list[str]:
    """The reasons (codes) one earlier case is a likely duplicate; empty when it is not."""
    signals = []
    if same_person and same_kind:
        signals.append("same_person")
    if same_accused and subject_similarity >= DUPLICATE_SUBJECT_SIMILARITY:
        signals.append("same_accused_similar_subject")
    return signals


# ------------------------------------------------------------------------------ delivery of results

# The limits for sending an issued decision or conclusion (Law on Complaints 2011 Arts 32, 41(1);
# Law on Denunciations 2018 Art 35(3)): met by the recorded dispatch (``cases.delivery``).
SEND_RULES: Final = frozenset({"K7", "K9", "T6"})
# Who must have been sent the result before the sending limit counts as met: the complainant,
# denouncer or petitioner (Art 32 and Art 41(1) list the complainant first; Art 35(3) "notify the
# denouncer"), and for a denunciation that names one, the person denounced (Art 35(3): "send the
# conclusion to the denounced"). Copies to other bodies are recorded but do not hold the limit open.
DELIVERY_PARTY: Final = "party"
DELIVERY_ACCUSED: Final = "accused"


def send_duty_recipients(kind: str, *, has_parties: bool, names_accused: bool) -> frozenset[str]:
    """The recipient kinds whose dispatch meets the sending limit of a case of ``kind``."""
    wanted = set()
    if has_parties:
        wanted.add(DELIVERY_PARTY)
    if kind == K.DENUNCIATION and names_accused:
        wanted.add(DELIVERY_ACCUSED)
    return frozenset(wanted)


def may_send_to(kind: str, recipient_kind: str, *, contains_identity: bool) -> Verdict:
    """A document that carries a denouncer's identity goes to the denouncer only (Law on
    Denunciations 2018 Arts 8(3), 56; Art 35(3) sends the conclusion to the denounced without it)."""
    if contains_identity and recipient_kind != DELIVERY_PARTY:
        return refused(
            _(
                "Văn bản có thông tin nhân thân người tố cáo, chỉ được gửi cho người tố cáo (Luật Tố cáo "
                "2018, Điều 8 khoản 3, Điều 56)."
            )
        )
    return ALLOWED


# ------------------------------------------------------------------------------ citizen reception
# The data: cases/reception/data/reception_rules.toml (one table per version, with its article and
# confidence). Each question takes the day it is asked for: the version in force that day answers.

RECEPTION_RULES_PATH: Final = Path(__file__).resolve().parent / "reception" / "data" / "reception_rules.toml"


@dataclass(frozen=True)
class Versioned:
    """One version of a reception rule as read from the data file."""

    values: Mapping[str, object]
    valid_from: dt.date
    valid_to: dt.date | None

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __getitem__(self, key: str) -> object:
        return self.values[key]

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)


@lru_cache(maxsize=2)
def _reception_data(path: str) -> dict[str, object]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def reception_data() -> dict[str, object]:
    return _reception_data(str(RECEPTION_RULES_PATH))


def _versions(table: str) -> list[Versioned]:
    rows = reception_data().get(table, [])
    assert isinstance(rows, list)
    return [
        Versioned(
            values=row, valid_from=row.get("valid_from", dt.date(2014, 7, 1)), valid_to=row.get("valid_to")
        )
        for row in rows
    ]


def _in_force(table: str, day: dt.date, **match: object) -> list[Versioned]:
    return [
        v for v in _versions(table) if v.in_force_on(day) and all(v.get(k) == val for k, val in match.items())
    ]


def head_reception_minimum(level: str, day: dt.date) -> Versioned | None:
    """The least number of days per week or month the head of a body of ``level`` must receive
    citizens in person on ``day`` (Law on Citizen Reception 2013 Arts 11(5), 12(5), 15(2)(d), 18(2);
    Law 136/2025 for communes from 01/07/2026). None: no minimum is set for that level."""
    found = _in_force("head_minimum", day, level=level)
    return found[0] if found else None


def head_reception_period(day: dt.date, per: str) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) or calendar month of ``day``, over which the minimum counts."""
    if per == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt - dt.timedelta(days=1)


def head_reception_met(level: str, day: dt.date, sessions_held: int) -> Verdict:
    """Did the head hold enough periodic sessions in the week or month of ``day``?"""
    rule = head_reception_minimum(level, day)
    if rule is None:
        return ALLOWED
    if sessions_held >= int(rule["days"]):  # type: ignore[call-overload]
        return ALLOWED
    per = _("tuần") if rule["per"] == "week" else _("tháng")
    return refused(
        _("Người đứng đầu phải trực tiếp tiếp công dân ít nhất %(n)s ngày trong một %(per)s (%(basis)s).")
        % {"n": rule["days"], "per": per, "basis": rule["legal_basis_vi"]}
    )


def delegation_allowed(day: dt.date) -> Verdict:
    """May a head's periodic reception session be presided by someone the head authorised (ủy
    quyền)? Not from 01/07/2026 (Law 136/2025)."""
    found = _in_force("delegation", day)
    if found and found[0]["allowed"]:
        return ALLOWED
    basis = found[0]["legal_basis_vi"] if found else ""
    return refused(
        _("Người đứng đầu phải trực tiếp chủ trì buổi tiếp công dân định kỳ, không ủy quyền (%(basis)s).")
        % {"basis": basis}
    )


def visitor_identity_problem(day: dt.date, *, full_name: str, address: str, national_id: str) -> Text | None:
    """What the visitor must state (Law on Citizen Reception 2013 Arts 7(2)(a), 25(1): name and
    address or identity papers; from 01/07/2026 Decree 154 Art 12(1): also the ID or passport
    number). None when the identity is sufficient."""
    if not full_name.strip():
        return _("Người đến tiếp phải nêu rõ họ tên (Luật Tiếp công dân 2013, Điều 7 khoản 2).")
    found = _in_force("identity", day)
    required = bool(found and found[0]["national_id_required"])
    if required and not national_id.strip():
        return _(
            "Từ ngày 01/07/2026 người đến tiếp phải nêu số căn cước, số định danh cá nhân hoặc số hộ "
            "chiếu (Nghị định 154/2026/NĐ-CP, Điều 12 khoản 1)."
        )
    if not required and not (address.strip() or national_id.strip()):
        return _(
            "Người đến tiếp phải nêu địa chỉ hoặc xuất trình giấy tờ tùy thân (Luật Tiếp công dân 2013, "
            "Điều 7 khoản 2 điểm a)."
        )
    return None


def group_visit_min() -> int:
    """From how many people a visit counts as a group (đoàn đông người) in the reports."""
    group = reception_data().get("group", {})
    assert isinstance(group, dict)
    return int(group.get("min_people", 5))


def is_group_visit(group_size: int) -> bool:
    return group_size >= group_visit_min()


def representatives_verdict(group_size: int, representatives: int) -> Verdict:
    """Law on Citizen Reception 2013 Art 29: five to ten people name one or two representatives;
    more than ten, up to five; representatives are members of the group."""
    if group_size < 1:
        return refused(_("Số người đến tiếp phải từ 1 trở lên."))
    if representatives > group_size:
        return refused(_("Người đại diện phải là người trong nhóm (Luật Tiếp công dân 2013, Điều 29)."))
    rows = reception_data().get("representatives", [])
    assert isinstance(rows, list)
    for row in rows:
        lo, hi = int(row["from_people"]), row.get("to_people")
        in_band = group_size >= lo and (hi is None or group_size <= int(hi))
        if in_band and not int(row["min"]) <= representatives <= int(row["max"]):
            return refused(
                _(
                    "Nhóm %(size)s người phải cử từ %(min)s đến %(max)s người đại diện "
                    "(Luật Tiếp công dân 2013, Điều 29)."
                )
                % {"size": group_size, "min": row["min"], "max": row["max"]}
            )
    return ALLOWED


@dataclass(frozen=True)
class RefusalGround:
    code: str
    label_vi: str
    label_en: str
    legal_basis_vi: str
    notice: bool
    confidence: str
    valid_from: dt.date
    valid_to: dt.date | None

    def label(self, language: str = "vi") -> str:
        return self.label_en if language == "en" else self.label_vi


def refusal_grounds(day: dt.date) -> list[RefusalGround]:
    """The statutory grounds to refuse to receive someone on ``day`` (Law on Citizen Reception 2013
    Art 9; from 01/07/2026 also Decree 154/2026 Art 4(1))."""
    return [
        RefusalGround(
            code=str(v["code"]),
            label_vi=str(v["label_vi"]),
            label_en=str(v["label_en"]),
            legal_basis_vi=str(v["legal_basis_vi"]),
            notice=bool(v["notice"]),
            confidence=str(v["confidence"]),
            valid_from=v.valid_from,
            valid_to=v.valid_to,
        )
        for v in _in_force("refusal_ground", day)
    ]


def refusal_ground(code: str, day: dt.date) -> RefusalGround | None:
    return next((g for g in refusal_grounds(day) if g.code == code), None)


def refusal_notice_rule(day: dt.date) -> Versioned | None:
    """The refusal notice in force on ``day``: its form, who signs it (``officer`` or ``head``)
    and, from 01/07/2026, its deadline rule (R6: 03 working days, Decree 154/2026 Art 4(3))."""
    found = _in_force("refusal_notice", day)
    return found[0] if found else None


def refusal_notice_due(grounds_on: dt.date, calendar: engine.WorkingCalendar) -> engine.DueDate | None:
    """When the refusal notice must be issued, counted from the day the grounds were established
    (R6 from 01/07/2026; no time limit was read in the earlier texts: None)."""
    notice = refusal_notice_rule(grounds_on)
    code = notice.get("deadline_rule") if notice is not None else None
    if not code:
        return None
    return engine.compute_due(engine.load_rules().get(str(code), grounds_on), grounds_on, calendar)


def adhoc_grounds(day: dt.date) -> list[Versioned]:
    """Why a head receives ad hoc (đột xuất): Law on Citizen Reception 2013 Art 18(3)."""
    return _in_force("adhoc_ground", day)


def receipt_form(day: dt.date) -> Versioned | None:
    found = _in_force("receipt_form", day)
    return found[0] if found else None


def receipt_copies(kind: str, day: dt.date) -> int:
    """How many copies of the receipt for documents are made (one goes to the provider)."""
    form = receipt_form(day)
    if form is None:
        return 2
    keys: dict[str, str] = {K.COMPLAINT: "copies_complaint", K.DENUNCIATION: "copies_denunciation"}
    value = form.get(keys.get(kind, "copies_other"), 2)
    return int(value) if isinstance(value, int) else 2


def register_form(day: dt.date) -> Versioned | None:
    found = _in_force("register_form", day)
    return found[0] if found else None
