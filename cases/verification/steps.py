"""May this handling step be taken now, and if not, why: one answer (``rules.Verdict``) per step,
asked by the service before it writes and by the case page to show the button disabled with the
same reason. Reads rows, writes nothing.

Sources: Law on Complaints 02/2011 (as amended by Law 136/2025) Arts 29 (verification and its
report), 30(1) (first-level dialogue where the demands and the findings differ), 31 and 40 (the
decision), 39 (second-level dialogue, always), 17–21 (who decides); Law on Denunciations 25/2018
Arts 31–32 (verification, its report), 34(2) (the continuation decision), 35 (conclusion); Decree
124/2020 as amended by Decree 155/2026: dialogue notice at least 5 days ahead (rule K15; article
number reported by a secondary source only, see cases/data/deadline_rules.toml), a complainant
absent without good reason no longer blocks the decision (secondary source only)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import deadline_services as dl
from .. import workflow
from ..models import Authority, Case
from ..models import CaseKind as K
from ..models import CaseStatus as S
from ..rules import ALLOWED, Verdict, refused
from .models import Dialogue, VerificationRecord, VerificationReport

# Kinds whose decision or conclusion rests on a verification report (Law on Complaints Art 29(4);
# Law on Denunciations Art 32). Petitions and anonymous information have no statutory report.
REPORTED_KINDS = frozenset({K.COMPLAINT, K.DENUNCIATION})
WORK_STATES = frozenset({S.VERIFYING, S.DIALOGUE})
# A dialogue that counts as held: held, or the complainant did not come without good reason.
DIALOGUE_DONE = frozenset({Dialogue.Status.HELD, Dialogue.Status.ABSENT})


# ------------------------------------------------------------------------------ who signs


def competent_title(authority: Authority | None) -> str:
    """The title a decision or conclusion is issued under, from the authority's data: the
    Chairperson of a People's Committee (Chủ tịch Ủy ban nhân dân ..., Law on Complaints Arts 17,
    21), the Director of a department (Giám đốc Sở ..., Art 20), a minister (Bộ trưởng, Art 22);
    never a generic "Thủ trưởng UBND". One table decides, the signatories of the standard forms
    (``cases.documents.competent_title``, data in forms.toml), so the decision's signature block and
    the form printed above it always agree."""
    if authority is None:
        return str(_("Người có thẩm quyền giải quyết"))
    from cases.documents import competent_title as signatory

    return signatory(authority)[1]


# ------------------------------------------------------------------------------ reads


def latest_report(case: Case) -> VerificationReport | None:
    return VerificationReport.objects.filter(case=case).order_by("-round").first()


def latest_dialogue(case: Case) -> Dialogue | None:
    return Dialogue.objects.filter(case=case).order_by("-when", "-pk").first()


def dialogue_done(case: Case) -> bool:
    return Dialogue.objects.filter(case=case, status__in=sorted(DIALOGUE_DONE)).exists()


# ------------------------------------------------------------------------------ verdicts


def can_record_work(case: Case) -> Verdict:
    """Verification work is recorded while the case is being verified (Law on Complaints Art 29;
    Law on Denunciations Art 31)."""
    if case.status not in WORK_STATES:
        return refused(
            _(
                "Chỉ ghi nhận công việc xác minh khi hồ sơ đang xác minh (Luật Khiếu nại 2011, Điều 29; "
                "Luật Tố cáo 2018, Điều 31)."
            )
        )
    return ALLOWED


def can_submit_report(case: Case) -> Verdict:
    """The verification report with the draft decision goes to the head once there is work to
    report, one at a time (Law on Complaints Art 29(4); Law on Denunciations Art 32)."""
    verdict = can_record_work(case)
    if not verdict:
        return verdict
    report = latest_report(case)
    if report is not None and report.status in (
        VerificationReport.Status.SUBMITTED,
        VerificationReport.Status.APPROVED,
    ):
        return refused(_("Báo cáo kết quả xác minh đã trình, đang chờ hoặc đã được lãnh đạo duyệt."))
    if not VerificationRecord.objects.filter(case=case).exists():
        return refused(
            _(
                "Cần ghi nhận ít nhất một công việc xác minh (biên bản, tài liệu, giám định) trước khi "
                "báo cáo kết quả (Luật Khiếu nại 2011, Điều 29; Luật Tố cáo 2018, Điều 32)."
            )
        )
    return ALLOWED


def can_review_report(case: Case) -> Verdict:
    """The head approves or returns a submitted report (Law on Complaints Art 29(4))."""
    report = latest_report(case)
    if report is None or report.status != VerificationReport.Status.SUBMITTED:
        return refused(_("Không có báo cáo kết quả xác minh đang chờ duyệt."))
    return ALLOWED


def dialogue_requirement(case: Case) -> str:
    """Why this complaint must have a dialogue before its decision ("" if it need not): always at
    second level (Law on Complaints Art 39); at first level when the demands and the verification
    findings differ (Art 30(1))."""
    if case.kind != K.COMPLAINT:
        return ""
    if case.complaint_level == Case.Level.SECOND:
        return str(_("Luật Khiếu nại 2011, Điều 39"))
    report = latest_report(case)
    if report is not None and report.findings_differ:
        return str(_("Luật Khiếu nại 2011, Điều 30 khoản 1"))
    return ""


def can_schedule_dialogue(case: Case) -> Verdict:
    """A dialogue is for complaints, during verification (Law on Complaints Arts 30, 39)."""
    if not workflow.allows_dialogue(case.kind):
        return refused(_("Chỉ khiếu nại mới có đối thoại (Luật Khiếu nại 2011, Điều 30)."))
    if not workflow.can_transition(case.kind, case.status, S.DIALOGUE):
        return refused(_("Đối thoại được tổ chức sau khi bắt đầu xác minh (Luật Khiếu nại 2011, Điều 30)."))
    return ALLOWED


def dialogue_notice_verdict(case: Case, when: dt.date, notice_on: dt.date) -> Verdict:
    """The written notice of the dialogue goes out at least 5 days before it (K15: Decree 124/2020
    as amended by Decree 155/2026, from 1/7/2026; before that date no minimum applies)."""
    due = dl.dialogue_notice_due(case, when)
    if due is not None and notice_on > due:
        return refused(
            _(
                "Thông báo đối thoại phải gửi trước ngày đối thoại ít nhất 05 ngày (chậm nhất ngày "
                "%(due)s; Nghị định 124/2020/NĐ-CP, Điều 28, sửa đổi bởi Nghị định 155/2026/NĐ-CP)."
            )
            % {"due": date_format(due, "d/m/Y")}
        )
    return ALLOWED


def can_record_dialogue(case: Case) -> Verdict:
    """The minutes of a dialogue that was noticed (Law on Complaints Art 30(3))."""
    dialogue = latest_dialogue(case)
    if case.status != S.DIALOGUE or dialogue is None or dialogue.status != Dialogue.Status.SCHEDULED:
        return refused(
            _("Chưa có cuộc đối thoại đã thông báo để ghi biên bản (Luật Khiếu nại 2011, Điều 30).")
        )
    return ALLOWED


def can_conclude(case: Case) -> Verdict:
    """The decision or conclusion may be issued: the workflow allows it; a verified complaint or
    denunciation has its verification report before the head (Law on Complaints Art 29(4); Law on
    Denunciations Art 32); a dialogue that was noticed has its minutes; a second-level complaint had
    its dialogue (Art 39), and a first-level one whose findings differ from the demands too
    (Art 30(1))."""
    if not workflow.can_transition(case.kind, case.status, conclusion_status(case)):
        return refused(_("Hồ sơ ở trạng thái này không thể ra quyết định, kết luận."))
    if case.kind in REPORTED_KINDS and case.status in WORK_STATES:
        report = latest_report(case)
        if report is None or report.status not in (
            VerificationReport.Status.SUBMITTED,
            VerificationReport.Status.APPROVED,
        ):
            return refused(
                _(
                    "Cần báo cáo kết quả xác minh kèm dự thảo trình lãnh đạo trước khi ban hành (Luật Khiếu "
                    "nại 2011, Điều 29 khoản 4; Luật Tố cáo 2018, Điều 32)."
                )
            )
    if case.status == S.DIALOGUE and not dialogue_done(case):
        return refused(
            _("Cần ghi biên bản đối thoại trước khi ra quyết định (Luật Khiếu nại 2011, Điều 30).")
        )
    basis = dialogue_requirement(case)
    if basis and not dialogue_done(case):
        if case.complaint_level == Case.Level.SECOND:
            return refused(
                _("Giải quyết khiếu nại lần hai phải tổ chức đối thoại trước khi ra quyết định (%(basis)s).")
                % {"basis": basis}
            )
        return refused(
            _(
                "Yêu cầu của người khiếu nại và kết quả xác minh khác nhau: phải đối thoại trước khi ra "
                "quyết định (%(basis)s)."
            )
            % {"basis": basis}
        )
    return ALLOWED


def conclusion_status(case: Case) -> str:
    """A denunciation (or information check) is concluded; a complaint decided, a petition answered."""
    return S.CONCLUDED if case.kind in (K.DENUNCIATION, K.ANONYMOUS_REPORT) else S.DECIDED


def can_resume(case: Case) -> Verdict:
    """Resume at once when the ground of suspension ends, by a continuation decision (Law on
    Denunciations Art 34(2); Decree 124/2020 Art 28b(2) as amended by Decree 155/2026)."""
    if case.status != S.SUSPENDED:
        return refused(_("Hồ sơ không ở trạng thái tạm đình chỉ."))
    return ALLOWED


def can_close(case: Case) -> Verdict:
    """The file is closed once the decision or conclusion was sent to everyone the law names
    (K7: Law on Complaints Art 32; K9: Art 41(1); T6: Law on Denunciations Art 35(3)): the sending is
    recorded per recipient in ``cases.delivery`` and meets those limits; closing does not."""
    from ..models import Deadline
    from ..rules import SEND_RULES

    if not workflow.can_transition(case.kind, case.status, S.CLOSED):
        return refused(_("Hồ sơ ở trạng thái này không thể đóng."))
    pending = list(
        Deadline.objects.filter(
            case=case,
            rule_code__in=sorted(SEND_RULES),
            state__in=[Deadline.State.OPEN, Deadline.State.PAUSED],
        ).values_list("legal_basis_vi", flat=True)
    )
    if pending:
        return refused(
            _("Chưa ghi nhận việc gửi quyết định/kết luận cho người nhận theo quy định (%(basis)s).")
            % {"basis": "; ".join(sorted(set(pending)))}
        )
    return ALLOWED
