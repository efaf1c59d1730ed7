"""The actions of the case page, as data: which permission verb, which workflow move, which form,
and which service call. ``available_actions(user, case)`` lists exactly the ones the workflow and
the user's role allow right now; every ``perform`` calls ``cases.services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import documents, permissions, rules, services, workflow
from ..delivery.services import sign_generated_notices
from ..errors import ConflictError
from ..models import Case
from ..models import CaseKind as K
from ..models import CaseStatus as S
from ..reasons import SUSPENSION_REASONS, TERMINATION_REASONS, reasons_for
from ..rules import Verdict
from ..verification import services as verification
from ..verification import steps
from ..verification.models import VerificationReport
from . import forms as f
from . import step_forms as sf


def _moves_to(target: str) -> Callable[[Case], bool]:
    return lambda case: workflow.can_transition(case.kind, case.status, target)


def _open(case: Case) -> bool:
    return case.status in workflow.OPEN_STATES


def _can_conclude(case: Case) -> bool:
    target = S.CONCLUDED if case.kind in (K.DENUNCIATION, K.ANONYMOUS_REPORT) else S.DECIDED
    return workflow.can_transition(case.kind, case.status, target)


def _can_resume(case: Case) -> bool:
    return case.status == S.SUSPENDED and workflow.can_transition(
        case.kind, S.SUSPENDED, case.status_before_suspension or S.ACCEPTED
    )


def _can_transfer(case: Case) -> bool:
    return workflow.can_transition(case.kind, case.status, S.TRANSFERRED) and bool(rules.can_transfer(case))


def _can_accept(case: Case) -> bool:
    return workflow.can_transition(case.kind, case.status, S.ACCEPTED) and bool(
        rules.ordinary_acceptance_allowed(case)
    )


def _can_review(action: str) -> Callable[[Case], bool]:
    return lambda case: bool(rules.review_action_allowed(case, action))


def _can_report_followup(case: Case) -> bool:
    """The lower body's report is due: the superior asked for it (Law on Denunciations Art 38(2)-(3))."""
    return case.kind == K.DENUNCIATION and case.deadlines.filter(rule_code="T10", state="open").exists()


def _can_second_level(case: Case) -> bool:
    if case.authority is None or case.authority.parent_id is None:
        return False
    if case.kind not in (K.COMPLAINT, K.DENUNCIATION):
        return False
    # The same predicate as the service (Law on Complaints Arts 7(1), 33(1); Law on Denunciations
    # Arts 37(1), 38(1)).
    return bool(services.followup_or_second_level_verdict(case))


def _report_status(case: Case) -> str:
    report = steps.latest_report(case)
    return report.status if report is not None else ""


def _has_templates(case: Case) -> bool:
    return bool(documents.templates_for(case))


# ------------------------------------------------------------------------------- performers


def _with_notices(action: str, case: Case, user, form, number: str = "") -> list[str]:
    """File the action's standard notices (same transaction as the change), with the decision's
    number and symbol when the form gave one."""
    if not form.cleaned_data.get("generate_notice"):
        return []
    codes: list[str] = documents.ON_ACTION.get(action, {}).get(case.kind, [])
    if not codes:
        return []
    fresh = Case.objects.select_related("authority", "transferred_to", "accused_authority").get(pk=case.pk)
    titles = []
    for code in codes:
        # The DOCX, and for the citizen its PDF beside it (settings.NOTICE_PDF_FOR_CITIZEN).
        uploads = documents.notice_files(case=fresh, code=code, user=user, number=number)
        services.attachment_add(
            case=fresh,
            actor=user,
            files=uploads,
            visibility=documents.TEMPLATES[code].visibility,
            note=uploads[0].description,
        )
        titles.append(uploads[0].description)
    return titles


def _v(form) -> int | None:
    return form.cleaned_data.get("version")


def do_classify(case, user, form):
    d = form.cleaned_data
    return services.case_classify(
        case=case,
        actor=user,
        kind=d.get("kind") or None,
        authority=d.get("authority"),
        complexity=d.get("complexity"),
        remote_area=d.get("remote_area"),
        accused_name=d.get("accused_name"),
        accused_authority=d.get("accused_authority"),
        discipline=d.get("discipline"),
        dismissal=d.get("dismissal"),
        multi_site=d.get("multi_site"),
        out_of_competence=d.get("out_of_competence"),
        expected_version=_v(form),
    )


def do_accept(case, user, form):
    case = services.case_accept(
        case=case, actor=user, note=form.cleaned_data["note"], expected_version=_v(form)
    )
    _with_notices("accept", case, user, form)
    return case


def do_reject(case, user, form):
    d = form.cleaned_data
    case = services.case_reject(
        case=case,
        actor=user,
        reason_code=d["reason_code"],
        reason_text=d["reason_text"],
        expected_version=_v(form),
    )
    _with_notices("reject", case, user, form)
    return case


def do_transfer(case, user, form):
    d = form.cleaned_data
    case = services.case_transfer(
        case=case, actor=user, to_authority=d["to_authority"], note=d["note"], expected_version=_v(form)
    )
    _with_notices("transfer", case, user, form)
    return case


def do_guide(case, user, form):
    d = form.cleaned_data
    return services.case_guide(
        case=case,
        actor=user,
        guidance=d["guidance"],
        to_authority=d.get("to_authority"),
        expected_version=_v(form),
    )


def do_merge(case, user, form):
    return services.case_merge_duplicate(
        case=case, actor=user, into=form.target, note=form.cleaned_data["note"], expected_version=_v(form)
    )


def do_link(case, user, form):
    return services.case_link(
        case=case, actor=user, other=form.target, note=form.cleaned_data["note"], expected_version=_v(form)
    )


def do_assign(case, user, form):
    d = form.cleaned_data
    return services.case_assign(
        case=case, actor=user, assignee=d["assignee"], reason=d["reason"], expected_version=_v(form)
    )


def do_verify(case, user, form):
    d = form.cleaned_data
    return services.case_start_verification(
        case=case, actor=user, plan=d["plan"], team=list(d["team"]), expected_version=_v(form)
    )


def do_dialogue(case, user, form):
    d = form.cleaned_data
    return services.case_schedule_dialogue(
        case=case,
        actor=user,
        when=d["when"],
        place=d["place"],
        agenda=d["agenda"],
        notice_sent_on=d.get("notice_sent_on"),
        notice_recipients=d.get("notice_recipients", ""),
        expected_version=_v(form),
    )


def do_extend(case, user, form):
    d = form.cleaned_data
    case = services.case_extend(
        case=case,
        actor=user,
        days=d["days"],
        decision_number=d["decision_number"],
        justification=d["justification"],
        expected_version=_v(form),
    )
    _with_notices("extend", case, user, form)
    return case


def _issue_decision(action: str, case: Case, user, form, number: str = "") -> None:
    """Issue the decision made from its standard form (suspension, ending, continuation: Law on
    Denunciations 2018 Art 34(2)-(4); Decree 124/2020 Art 28b as amended), signed where a key is
    configured (cases.delivery, decision 0008); sending it (cases.delivery) meets T5 / K16."""
    if _with_notices(action, case, user, form, number=number):
        sign_generated_notices(
            case=case,
            actor=user,
            action=action,
            number=number,
            signer_title=steps.competent_title(case.authority),
        )


def do_suspend(case, user, form):
    d = form.cleaned_data
    case = services.case_suspend(
        case=case,
        actor=user,
        reason_code=d["reason_code"],
        reason_text=d["reason_text"],
        decision_number=d.get("decision_number", ""),
        decision_date=d.get("decision_date"),
        expected_version=_v(form),
    )
    _issue_decision("suspend", case, user, form, d.get("decision_number", ""))
    return case


def do_resume(case, user, form):
    d = form.cleaned_data
    case = services.case_resume(
        case=case,
        actor=user,
        decision_number=d["decision_number"],
        decision_date=d["decision_date"],
        note=d["note"],
        expected_version=_v(form),
    )
    _issue_decision("resume", case, user, form, d["decision_number"])
    return case


def _upload(upload, description: str = ""):
    if not upload:
        return None
    return services.FileInput(
        name=upload.name,
        content=upload.read(),
        content_type=upload.content_type or "",
        description=description,
    )


def do_record_work(case, user, form):
    d = form.cleaned_data
    verification.verification_record_add(
        case=case,
        actor=user,
        kind=d["kind"],
        date=d["date"],
        summary=d["summary"],
        file=_upload(d.get("file")),
        expected_version=_v(form),
    )
    return case


def do_submit_report(case, user, form):
    d = form.cleaned_data
    verification.verification_report_submit(
        case=case,
        actor=user,
        findings=d["findings"],
        findings_differ=d.get("findings_differ", False),
        draft_outcome=d.get("draft_outcome", ""),
        draft_summary=d["draft_summary"],
        file=_upload(d.get("file")),
        expected_version=_v(form),
    )
    return case


def do_approve_report(case, user, form):
    verification.verification_report_approve(
        case=case, actor=user, comment=form.cleaned_data["comment"], expected_version=_v(form)
    )
    return case


def do_return_report(case, user, form):
    verification.verification_report_return(
        case=case, actor=user, comment=form.cleaned_data["comment"], expected_version=_v(form)
    )
    return case


def do_dialogue_minutes(case, user, form):
    d = form.cleaned_data
    verification.dialogue_record_minutes(
        case=case,
        actor=user,
        held_on=d["held_on"],
        participants=d["participants"],
        result=d["result"],
        minutes=_upload(d.get("minutes"), str(_("Biên bản đối thoại"))),
        absent=d.get("absent", False),
        expected_version=_v(form),
    )
    return case


def do_withdraw(case, user, form):
    d = form.cleaned_data
    return services.case_withdraw(
        case=case,
        actor=user,
        statement=d["statement"],
        evidence=d.get("evidence", ""),
        scope=d.get("scope") or "all",
        part=d.get("part", ""),
        party=d.get("party"),
        end_reason=d.get("end_reason", ""),
        continue_resolution=d.get("continue_resolution", False),
        continue_reason=d.get("continue_reason", ""),
        expected_version=_v(form),
    )


def do_terminate(case, user, form):
    d = form.cleaned_data
    case = services.case_terminate(
        case=case,
        actor=user,
        reason_code=d["reason_code"],
        reason_text=d["reason_text"],
        expected_version=_v(form),
    )
    _issue_decision("terminate", case, user, form, d.get("decision_number", ""))
    return case


def do_conclude(case, user, form):
    d = form.cleaned_data
    upload = d.get("decision_file")
    decision_file = None
    if upload:
        decision_file = services.FileInput(
            name=upload.name,
            content=upload.read(),
            content_type=upload.content_type or "",
            description=d["decision_number"],
        )
    case = services.case_conclude(
        case=case,
        actor=user,
        outcome=d["outcome"],
        summary=d["summary"],
        decision_number=d["decision_number"],
        decision_file=decision_file,
        expected_version=_v(form),
    )
    if decision_file is None:
        _with_notices("conclude", case, user, form)
        # The decision made from the template is issued signed (cases.delivery, decision 0008).
        sign_generated_notices(
            case=case,
            actor=user,
            action="conclude",
            number=d["decision_number"],
            signer_title=steps.competent_title(case.authority),
        )
    return case


def do_publish(case, user, form):
    d = form.cleaned_data
    return services.case_publish(
        case=case,
        actor=user,
        channel=d["channel"],
        note=d["note"],
        published_on=d.get("published_on"),
        recipients=d.get("recipients", ""),
        expected_version=_v(form),
    )


def do_close(case, user, form):
    return services.case_close(
        case=case, actor=user, note=form.cleaned_data["note"], expected_version=_v(form)
    )


def do_second_level(case, user, form):
    d = form.cleaned_data
    return services.case_open_second_level(
        case=case, actor=user, description=d["description"], received_at=d.get("received_at")
    ).case


def do_review_decline(case, user, form):
    d = form.cleaned_data
    case = services.redenunciation_decline(
        case=case, actor=user, reason_text=d["reason_text"], expected_version=_v(form)
    )
    _with_notices("review_decline", case, user, form)
    return case


def do_review_re_resolve(case, user, form):
    d = form.cleaned_data
    return services.redenunciation_re_resolve(
        case=case, actor=user, ground_code=d["ground_code"], note=d["note"], expected_version=_v(form)
    )


def do_review_transfer(case, user, form):
    d = form.cleaned_data
    return services.redenunciation_transfer(
        case=case, actor=user, to_authority=d["to_authority"], note=d["note"], expected_version=_v(form)
    )


def do_followup_request(case, user, form):
    case = services.followup_request_report(
        case=case, actor=user, note=form.cleaned_data["note"], expected_version=_v(form)
    )
    _with_notices("followup_request", case, user, form)
    return case


def do_followup_take_over(case, user, form):
    d = form.cleaned_data
    return services.followup_take_over(
        case=case, actor=user, ground_code=d["ground_code"], note=d["note"], expected_version=_v(form)
    )


def do_followup_report(case, user, form):
    return services.followup_report_submit(
        case=case, actor=user, report=form.cleaned_data["report"], expected_version=_v(form)
    )


def do_followup_close(case, user, form):
    return services.followup_close(
        case=case, actor=user, note=form.cleaned_data["note"], expected_version=_v(form)
    )


def do_contested_suspend(case, user, form):
    d = form.cleaned_data
    return services.contested_decision_suspend(
        case=case,
        actor=user,
        until=d["until"],
        reason=d["reason"],
        decision_number=d["decision_number"],
        expected_version=_v(form),
    )


def do_contested_lift(case, user, form):
    return services.contested_decision_suspension_lift(
        case=case, actor=user, reason=form.cleaned_data["reason"], expected_version=_v(form)
    )


def _contested_possible(case: Case) -> bool:
    return case.kind == K.COMPLAINT and case.status in {S.ACCEPTED, S.VERIFYING, S.DIALOGUE}


def do_escalate(case, user, form):
    d = form.cleaned_data
    if form.cleaned_data.get("version") != case.version:
        raise ConflictError(
            _("Hồ sơ vừa được người khác cập nhật; vui lòng xem lại thay đổi rồi thực hiện lại.")
        )
    return services.case_escalate(case=case, actor=user, level=d["level"], reason=d["reason"])


def do_note(case, user, form):
    d = form.cleaned_data
    services.note_add(case=case, actor=user, text=d["text"], visibility=d["visibility"])
    return case


def do_attach(case, user, form):
    d = form.cleaned_data
    uploads = [
        services.FileInput(
            name=u.name,
            content=u.read(),
            content_type=u.content_type or "",
            kind=d["kind"],
            description=d["description"],
            contains_identity=d.get("contains_identity", False),
        )
        for u in d["files"]
    ]
    services.attachment_add(
        case=case, actor=user, files=uploads, visibility=d["visibility"], note=d["description"]
    )
    return case


def do_document(case, user, form):
    d = form.cleaned_data
    fresh = Case.objects.select_related("authority", "transferred_to", "accused_authority").get(pk=case.pk)
    upload = documents.notice_file(case=fresh, code=d["template"], user=user, number=d["number"])
    services.attachment_add(
        case=fresh, actor=user, files=[upload], visibility=d["visibility"], note=upload.description
    )
    return case


@dataclass(frozen=True)
class Action:
    slug: str
    verb: str
    label: object
    form_class: type
    perform: Callable
    is_possible: Callable[[Case], bool]
    success: object
    icon: str = "arrow-right"
    primary: bool = False
    legal_hint: object = ""
    # The step's own "may it be taken now, and why not" (``cases.verification.steps``,
    # ``cases.rules``): the service asks the same function before it writes.
    verdict: Callable[[Case], Verdict] | None = None

    def state(self, user, case: Case) -> tuple[bool, str] | None:
        """None when the action does not belong to this case's state (not shown); otherwise
        (allowed, why not): a role that may not take it, or a rule that refuses it now, is shown
        disabled with the reason ("chỉ Trưởng phòng, Thủ trưởng cơ quan", "Cần phân loại Phức tạp
        để gia hạn")."""
        if not self.is_possible(case) or not self._extra(user, case):
            return None
        if not permissions.user_can(self.verb, user, case):
            return False, permissions.why_not(self.verb, user, case)
        if self.verdict is not None:
            verdict = self.verdict(case)
            if not verdict:
                return False, str(verdict.reason)
        return True, ""

    def allowed(self, user, case: Case) -> bool:
        return self.state(user, case) == (True, "")

    def _extra(self, user, case: Case) -> bool:
        if self.slug == "second-level":
            return case.authority is not None and permissions.can_register_for(user, case.authority.parent)
        if self.slug in ("suspend",):
            return bool(reasons_for(SUSPENSION_REASONS, case.kind))
        if self.slug in ("terminate",):
            return bool(reasons_for(TERMINATION_REASONS, case.kind))
        return True

    def run(self, case: Case, user, form) -> Case:
        with transaction.atomic():
            return self.perform(case, user, form)


ACTIONS: dict[str, Action] = {
    a.slug: a
    for a in [
        Action(
            "classify",
            "classify",
            _("Phân loại đơn"),
            f.ClassifyForm,
            do_classify,
            _open,
            _("Đã cập nhật phân loại."),
            "tag",
            legal_hint=_("Thông tư 05/2021/TT-TTCP; Luật Tố cáo 2018, Điều 24 khoản 1."),
        ),
        Action(
            "accept",
            "accept",
            _("Thụ lý"),
            f.AcceptForm,
            do_accept,
            _can_accept,
            _("Đã thụ lý hồ sơ."),
            "check",
            True,
            _("Luật Khiếu nại 2011, Điều 27; Luật Tố cáo 2018, Điều 24, 29."),
        ),
        Action(
            "reject",
            "reject",
            _("Không thụ lý"),
            f.RejectForm,
            do_reject,
            lambda c: _moves_to(S.REJECTED)(c) and bool(rules.ordinary_acceptance_allowed(c)),
            _("Đã ghi nhận không thụ lý."),
            "cross",
            legal_hint=_("Luật Khiếu nại 2011, Điều 11; Luật Tố cáo 2018, Điều 24, 25, 29 khoản 1."),
        ),
        Action(
            "transfer",
            "transfer",
            _("Chuyển đơn"),
            f.TransferForm,
            do_transfer,
            _can_transfer,
            _("Đã chuyển đơn."),
            "redirect",
            legal_hint=_("Luật Tố cáo 2018, Điều 24 khoản 2 (05 ngày làm việc; chỉ chuyển một lần)."),
        ),
        Action(
            "guide",
            "guide",
            _("Hướng dẫn người gửi đơn"),
            f.GuideForm,
            do_guide,
            lambda c: _moves_to(S.GUIDED)(c) and bool(rules.ordinary_acceptance_allowed(c)),
            _("Đã ghi nhận hướng dẫn."),
            "help",
            legal_hint=_("Luật Tiếp công dân 2013, Điều 26; hướng dẫn một lần."),
        ),
        Action(
            "merge",
            "merge",
            _("Gộp vào hồ sơ trùng"),
            f.MergeForm,
            do_merge,
            _moves_to(S.MERGED),
            _("Đã gộp hồ sơ."),
            "group",
            legal_hint=_("Luật Tố cáo 2018, Điều 24 khoản 3."),
        ),
        Action(
            "link",
            "merge",
            _("Liên kết hồ sơ liên quan"),
            f.LinkForm,
            do_link,
            _open,
            _("Đã liên kết hồ sơ."),
            "link",
        ),
        Action(
            "assign",
            "assign",
            _("Phân công xử lý"),
            f.AssignForm,
            do_assign,
            _open,
            _("Đã phân công."),
            "user",
        ),
        Action(
            "verify",
            "verify",
            _("Bắt đầu xác minh"),
            f.VerifyForm,
            do_verify,
            _moves_to(S.VERIFYING),
            _("Đã bắt đầu xác minh."),
            "search",
            True,
            _("Luật Khiếu nại 2011, Điều 29; Luật Tố cáo 2018, Điều 31; Nghị định 31/2019, Điều 10."),
        ),
        Action(
            "record-work",
            "verify",
            _("Ghi nhận công việc xác minh"),
            sf.VerificationWorkForm,
            do_record_work,
            lambda c: c.status in steps.WORK_STATES,
            _("Đã ghi nhận công việc xác minh."),
            "doc-full",
            legal_hint=_(
                "Luật Khiếu nại 2011, Điều 29; Luật Tố cáo 2018, Điều 31; Nghị định 31/2019, Mẫu 08, 09."
            ),
            verdict=steps.can_record_work,
        ),
        Action(
            "submit-report",
            "verify",
            _("Trình báo cáo kết quả xác minh"),
            sf.ReportForm,
            do_submit_report,
            lambda c: c.kind in steps.REPORTED_KINDS and c.status in steps.WORK_STATES,
            _("Đã trình báo cáo kết quả xác minh."),
            "upload",
            True,
            _(
                "Luật Khiếu nại 2011, Điều 29 khoản 4; Luật Tố cáo 2018, Điều 32; "
                "Nghị định 31/2019, Mẫu 10, 11."
            ),
            verdict=steps.can_submit_report,
        ),
        Action(
            "approve-report",
            "approve",
            _("Duyệt báo cáo, dự thảo"),
            sf.ApproveForm,
            do_approve_report,
            lambda c: _report_status(c) == VerificationReport.Status.SUBMITTED,
            _("Đã duyệt báo cáo kết quả xác minh."),
            "check",
            True,
            _("Luật Khiếu nại 2011, Điều 29 khoản 4; Luật Tố cáo 2018, Điều 32."),
            verdict=steps.can_review_report,
        ),
        Action(
            "return-report",
            "approve",
            _("Trả lại báo cáo kèm ý kiến"),
            sf.ReturnForm,
            do_return_report,
            lambda c: _report_status(c) == VerificationReport.Status.SUBMITTED,
            _("Đã trả lại báo cáo cho người xử lý."),
            "undo",
            verdict=steps.can_review_report,
        ),
        Action(
            "dialogue",
            "dialogue",
            _("Lên lịch đối thoại"),
            f.DialogueForm,
            do_dialogue,
            lambda c: workflow.allows_dialogue(c.kind) and _moves_to(S.DIALOGUE)(c),
            _("Đã lên lịch đối thoại."),
            "calendar",
            legal_hint=_("Luật Khiếu nại 2011, Điều 30, 39; thông báo trước ít nhất 05 ngày."),
            verdict=steps.can_schedule_dialogue,
        ),
        Action(
            "dialogue-minutes",
            "dialogue",
            _("Ghi biên bản đối thoại"),
            sf.DialogueMinutesForm,
            do_dialogue_minutes,
            lambda c: c.status == S.DIALOGUE,
            _("Đã ghi biên bản đối thoại."),
            "doc-full",
            True,
            _("Luật Khiếu nại 2011, Điều 30 khoản 3."),
            verdict=steps.can_record_dialogue,
        ),
        Action(
            "extend",
            "extend",
            _("Gia hạn giải quyết"),
            f.ExtendForm,
            do_extend,
            lambda c: workflow.allows_extension(c.kind, c.status),
            _("Đã gia hạn."),
            "time",
            legal_hint=_("Luật Tố cáo 2018, Điều 30; Nghị định 31/2019, Điều 3 (mỗi lần không quá 30 ngày)."),
            verdict=lambda c: rules.can_extend(c, timezone.localdate()),
        ),
        Action(
            "suspend",
            "suspend",
            _("Tạm đình chỉ"),
            f.SuspendForm,
            do_suspend,
            _moves_to(S.SUSPENDED),
            _("Đã tạm đình chỉ."),
            "pause",
            legal_hint=_(
                "Luật Tố cáo 2018, Điều 34 khoản 1–2: thời gian tạm đình chỉ không tính vào thời hạn."
            ),
        ),
        Action(
            "resume",
            "resume",
            _("Tiếp tục giải quyết"),
            sf.ResumeForm,
            do_resume,
            _can_resume,
            _("Đã ra quyết định tiếp tục giải quyết."),
            "resubmit",
            legal_hint=_(
                "Luật Tố cáo 2018, Điều 34 khoản 2; Nghị định 124/2020/NĐ-CP, Điều 28b khoản 2 (sửa đổi "
                "2026): thời hạn tính tiếp từ quyết định tiếp tục giải quyết."
            ),
            verdict=steps.can_resume,
        ),
        Action(
            "withdraw",
            "withdraw",
            _("Ghi nhận rút đơn"),
            f.WithdrawForm,
            do_withdraw,
            lambda c: bool(rules.can_withdraw(c)),
            _("Đã ghi nhận rút đơn."),
            "undo",
            legal_hint=_("Luật Khiếu nại 2011, Điều 10; Luật Tố cáo 2018, Điều 33."),
        ),
        Action(
            "terminate",
            "terminate",
            _("Đình chỉ giải quyết"),
            f.TerminateForm,
            do_terminate,
            _moves_to(S.TERMINATED),
            _("Đã đình chỉ giải quyết."),
            "cross",
            legal_hint=_("Luật Tố cáo 2018, Điều 34 khoản 3."),
        ),
        Action(
            "conclude",
            "conclude",
            _("Kết luận / ra quyết định"),
            f.ConcludeForm,
            do_conclude,
            _can_conclude,
            _("Đã ban hành kết luận/quyết định."),
            "success",
            True,
            _("Luật Khiếu nại 2011, Điều 31, 40; Luật Tố cáo 2018, Điều 35."),
            verdict=steps.can_conclude,
        ),
        Action(
            "publish",
            "publish",
            _("Công khai"),
            f.PublishForm,
            do_publish,
            _moves_to(S.PUBLISHED),
            _("Đã công khai."),
            "globe",
            True,
            _("Luật Khiếu nại 2011, Điều 41; Luật Tố cáo 2018, Điều 40."),
        ),
        Action(
            "close",
            "close",
            _("Đóng hồ sơ"),
            f.NoteOnlyForm,
            do_close,
            _moves_to(S.CLOSED),
            _("Đã đóng hồ sơ."),
            "lock",
            legal_hint=_("Luật Khiếu nại 2011, Điều 34; Luật Tố cáo 2018, Điều 39."),
            verdict=steps.can_close,
        ),
        Action(
            "second-level",
            "second_level",
            _("Tiếp nhận khiếu nại lần hai / tố cáo tiếp"),
            f.SecondLevelForm,
            do_second_level,
            _can_second_level,
            _("Đã tạo hồ sơ lần hai."),
            "plus",
            legal_hint=_("Luật Khiếu nại 2011, Điều 33; Luật Tố cáo 2018, Điều 37."),
        ),
        Action(
            "review-decline",
            "review",
            _("Không giải quyết lại tố cáo"),
            f.ReviewDeclineForm,
            do_review_decline,
            _can_review("decline"),
            _("Đã ghi nhận không giải quyết lại và thông báo lý do cho người tố cáo."),
            "cross",
            legal_hint=_("Luật Tố cáo 2018, Điều 37 khoản 2 điểm a (xem xét trong 20 ngày)."),
        ),
        Action(
            "review-re-resolve",
            "review",
            _("Giải quyết lại vụ việc tố cáo"),
            f.ReviewReResolveForm,
            do_review_re_resolve,
            _can_review("re_resolve"),
            _("Đã thụ lý giải quyết lại vụ việc tố cáo."),
            "check",
            True,
            _("Luật Tố cáo 2018, Điều 37 khoản 2 điểm b, c; khoản 3."),
        ),
        Action(
            "review-transfer",
            "review",
            _("Chuyển cơ quan có thẩm quyền (giải quyết trước đó sai thẩm quyền)"),
            f.ReviewTransferForm,
            do_review_transfer,
            _can_review("transfer"),
            _("Đã chuyển tố cáo tiếp đến cơ quan có thẩm quyền."),
            "redirect",
            legal_hint=_("Luật Tố cáo 2018, Điều 37 khoản 2 điểm b."),
        ),
        Action(
            "followup-request",
            "review",
            _("Yêu cầu cấp dưới báo cáo"),
            f.FollowupRequestForm,
            do_followup_request,
            _can_review("request_report"),
            _("Đã gửi yêu cầu báo cáo; cấp dưới báo cáo trong 05 ngày làm việc."),
            "mail",
            True,
            _("Luật Tố cáo 2018, Điều 38 khoản 2, 3 (05 ngày làm việc)."),
        ),
        Action(
            "followup-take-over",
            "review",
            _("Cấp trên giải quyết thay"),
            f.FollowupTakeOverForm,
            do_followup_take_over,
            _can_review("take_over"),
            _("Cấp trên đã thụ lý giải quyết vụ việc."),
            "arrow-up",
            legal_hint=_("Luật Tố cáo 2018, Điều 38 khoản 5; Nghị định 31/2019, Điều 5."),
        ),
        Action(
            "followup-close",
            "review",
            _("Kết thúc theo dõi, đôn đốc"),
            f.NoteOnlyForm,
            do_followup_close,
            _can_review("finish_monitoring"),
            _("Đã kết thúc theo dõi, đôn đốc."),
            "lock",
            legal_hint=_("Luật Tố cáo 2018, Điều 38 khoản 3, 4."),
        ),
        Action(
            "followup-report",
            "report_followup",
            _("Báo cáo cấp trên về việc giải quyết"),
            f.FollowupReportForm,
            do_followup_report,
            _can_report_followup,
            _("Đã gửi báo cáo cho cấp trên; tiếp tục giải quyết."),
            "mail",
            legal_hint=_("Luật Tố cáo 2018, Điều 38 khoản 3."),
        ),
        Action(
            "contested-suspend",
            "suspend",
            _("Tạm đình chỉ thi hành quyết định bị khiếu nại"),
            f.ContestedSuspendForm,
            do_contested_suspend,
            _contested_possible,
            _("Đã ra quyết định tạm đình chỉ việc thi hành quyết định bị khiếu nại."),
            "pause",
            legal_hint=_(
                "Luật Khiếu nại 2011, Điều 35: không vượt quá thời gian còn lại của thời hạn giải quyết."
            ),
        ),
        Action(
            "contested-lift",
            "suspend",
            _("Hủy bỏ quyết định tạm đình chỉ thi hành"),
            f.ContestedLiftForm,
            do_contested_lift,
            _contested_possible,
            _("Đã hủy bỏ quyết định tạm đình chỉ thi hành."),
            "resubmit",
            legal_hint=_("Luật Khiếu nại 2011, Điều 35."),
        ),
        Action(
            "escalate",
            "escalate",
            _("Nâng cấp cảnh báo"),
            f.EscalateForm,
            do_escalate,
            lambda c: _open(c) and c.escalation_level < 3,
            _("Đã nâng cấp cảnh báo."),
            "warning",
        ),
        Action(
            "note",
            "note",
            _("Thêm ghi chú"),
            f.NoteForm,
            do_note,
            lambda c: True,
            _("Đã thêm ghi chú."),
            "comment",
        ),
        Action(
            "attach",
            "attach",
            _("Thêm tài liệu"),
            f.AttachForm,
            do_attach,
            lambda c: True,
            _("Đã thêm tài liệu."),
            "doc-full",
        ),
        Action(
            "document",
            "attach",
            _("Lập văn bản theo mẫu"),
            f.DocumentForm,
            do_document,
            _has_templates,
            _("Đã lập văn bản và lưu vào hồ sơ."),
            "doc-full-inverse",
        ),
    ]
}

# Actions that change the status (the rest are annotations shown apart on the case page).
ANNOTATIONS = {
    "note",
    "attach",
    "document",
    "link",
    "escalate",
    "classify",
    "assign",
    "second-level",
    "record-work",
    "followup-report",
    "contested-suspend",
    "contested-lift",
}


def available_actions(user, case: Case) -> list[Action]:
    return [a for a in ACTIONS.values() if a.allowed(user, case)]


@dataclass(frozen=True)
class ActionState:
    action: Action
    allowed: bool
    reason: str = ""


def action_states(user, case: Case) -> list[ActionState]:
    """Every action that belongs to the case's state, allowed or disabled with the reason (an
    auditor changes nothing: none)."""
    if permissions.is_auditor(user):
        return []
    out = []
    for action in ACTIONS.values():
        state = action.state(user, case)
        if state is not None:
            out.append(ActionState(action, *state))
    return out
