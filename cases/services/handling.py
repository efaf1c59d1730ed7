"""Handling an accepted case: assignment, verification, dialogue, extension, suspension and
resumption, withdrawal and termination, the decision or conclusion, publication, closing, the
second level, notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import deadline_services as dl
from .. import permissions, rules, workflow
from ..actors import Actor, Citizen, history_user, stamp
from ..delivery.models import Delivery
from ..errors import ConflictOfInterestError, PermissionDeniedError, ValidationError
from ..models import Assignment, Attachment, Case, CaseEvent, Deadline, Party, Role, Visibility
from ..models import CaseKind as K
from ..models import CaseStatus as S
from ..protection.services import protection_end_for_case
from ..reasons import SUSPENSION_REASONS, TERMINATION_REASONS
from ..verification import services as verification
from ..verification import steps
from .attachments import FileInput, attachment_create
from .base import clean_text, local_today, lock, record, require_verdict, save, statutory_reason, transition
from .intake import PartyInput, SubmitResult, case_submit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HANDLER_ROLES = frozenset({Role.INSPECTOR, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY})


@transaction.atomic
def case_assign(
    *, case: Case, actor: Actor, assignee: User, reason: str = "", expected_version: int | None = None
) -> Case:
    """Assign a handler. Refuses the person accused and anyone in the unit accused
    (``permissions.conflict_of_interest``; Decree 31/2019 Art 10)."""
    case = lock(case, expected_version)
    permissions.check_can("assign", actor, case)
    if case.status not in workflow.OPEN_STATES:
        raise ValidationError(_("Hồ sơ đã kết thúc, không thể phân công."))
    conflict = permissions.conflict_of_interest(case, assignee)
    if conflict:
        raise ConflictOfInterestError(
            _("Không thể phân công: người được giao %(why)s."), params={"why": conflict}
        )
    if not assignee.is_superuser and not (permissions.roles_for_case(assignee, case) & HANDLER_ROLES):
        raise ValidationError(_("Người được giao không thuộc cơ quan giải quyết."))
    if case.assignee_id == assignee.pk:
        raise ValidationError(_("Hồ sơ đã được giao cho người này."))
    reason = clean_text("note", reason)
    now = timezone.now()
    previous = case.assignee_id
    user = history_user(actor)
    for current in Assignment.objects.filter(case=case, ended_at__isnull=True):
        current.ended_at = now
        stamp(current, user, "reassigned")
        current.save(update_fields=["ended_at"])
    assignment = Assignment(case=case, assignee=assignee, assigned_by=user, reason=reason, started_at=now)
    stamp(assignment, user, "assigned")
    assignment.save()
    if previous:
        case.reassignment_count += 1
    case.assignee = assignee
    event = record(
        case, "case.assigned", actor, data={"assignee": assignee.pk, "previous": previous, "reason": reason}
    )
    return save(case, actor, "assigned", ["assignee", "reassignment_count"], [event])


@transaction.atomic
def case_start_verification(
    *,
    case: Case,
    actor: Actor,
    plan: str = "",
    team: Sequence[User] = (),
    expected_version: int | None = None,
) -> Case:
    """Start verification (xác minh): Law on Complaints Art 29; Law on Denunciations Art 31;
    Decree 31/2019 Art 10 (team of at least two, no conflicts)."""
    case = lock(case, expected_version)
    permissions.check_can("verify", actor, case)
    for member in team:
        conflict = permissions.conflict_of_interest(case, member)
        if conflict:
            raise ConflictOfInterestError(
                _("Không thể cử vào tổ xác minh: người được cử %(why)s."), params={"why": conflict}
            )
    plan = clean_text("plan", plan)
    transition(case, S.VERIFYING)
    event = record(
        case, "case.verification_started", actor, data={"plan": plan, "team": [m.pk for m in team]}
    )
    return save(case, actor, "verification started", ["status"], [event])


@transaction.atomic
def case_schedule_dialogue(
    *,
    case: Case,
    actor: Actor,
    when: dt.datetime,
    place: str,
    agenda: str = "",
    notice_sent_on: dt.date | None = None,
    notice_recipients: str = "",
    expected_version: int | None = None,
) -> Case:
    """Notice a dialogue with the complainant (đối thoại): Law on Complaints Art 30 (first level,
    required where the demands and the findings differ), Art 39 (second level, always). The written
    notice of time, place and content goes out at least 5 days ahead (K15: Decree 124/2020 Art 28 as
    amended by Decree 155/2026, from 1/7/2026; ``steps.dialogue_notice_verdict``); recording the
    day it was sent (``notice_sent_on``) meets K15, which otherwise stays open."""
    case = lock(case, expected_version)
    permissions.check_can("dialogue", actor, case)
    require_verdict(steps.can_schedule_dialogue(case))
    if when <= timezone.now():
        raise ValidationError(
            _("Thời điểm đối thoại phải ở tương lai."),
            field_errors={"when": [_("Chọn thời điểm sau hiện tại.")]},
        )
    today = local_today()
    if notice_sent_on is not None and notice_sent_on > today:
        message = _("Ngày gửi thông báo không được ở tương lai.")
        raise ValidationError(message, field_errors={"notice_sent_on": [message]})
    # Not sent yet: it can go out today at the earliest.
    require_verdict(
        steps.dialogue_notice_verdict(case, timezone.localdate(when), notice_sent_on or today),
        "notice_sent_on",
    )
    place = clean_text("place", place, required=True)
    agenda = clean_text("agenda", agenda)
    notice_recipients = clean_text("note", notice_recipients)
    transition(case, S.DIALOGUE)
    dialogue = verification.dialogue_create(
        case=case,
        actor=actor,
        when=when,
        place=place,
        agenda=agenda,
        notice_sent_on=notice_sent_on,
        notice_recipients=notice_recipients,
    )
    event = record(
        case,
        "case.dialogue_scheduled",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "dialogue": dialogue.pk,
            "when": when.isoformat(),
            "place": place,
            "agenda": agenda,
            "notice_sent_on": notice_sent_on.isoformat() if notice_sent_on else None,
        },
    )
    dl.deadlines_end(case, Deadline.EndReason.SUPERSEDED, ["K15"])  # a dialogue moved: a new notice
    dl.deadlines_on_dialogue(case, timezone.localdate(when))
    if notice_sent_on is not None:  # otherwise K15 stays open until the notice is recorded
        sent_at = timezone.now() if notice_sent_on == today else _noon(notice_sent_on)
        dl.deadlines_on_dialogue_notice(case, at=sent_at)
    return save(case, actor, "dialogue scheduled", ["status"], [event])


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def case_extend(
    *,
    case: Case,
    actor: Actor,
    days: int,
    decision_number: str,
    justification: str,
    expected_version: int | None = None,
) -> Case:
    """Extend the denunciation resolution period (gia hạn): Law on Denunciations Art 30; Decree
    31/2019 Art 3 — at most once if complex, twice if especially complex, each ≤ 30 days, each a
    written decision (Mẫu 01) sent to the denouncer and the accused (``rules.can_extend``)."""
    case = lock(case, expected_version)
    permissions.check_can("extend", actor, case)
    require_verdict(rules.can_extend(case, local_today()))
    decision_number = clean_text("decision_number", decision_number, required=True)
    justification = clean_text("justification", justification, required=True)
    deadline = dl.deadline_extend(case, days=days)
    case.extension_count += 1
    event = record(
        case,
        "case.extended",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "decision_number": decision_number,
            "justification": justification,
            "days": days,
            "extension": case.extension_count,
            "new_due_date": deadline.due_date.isoformat(),
            "rule": deadline.rule_code,
        },
    )
    return save(case, actor, f"extended ({decision_number})", ["extension_count"], [event])


@transaction.atomic
def case_suspend(
    *,
    case: Case,
    actor: Actor,
    reason_code: str,
    reason_text: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Suspend resolution (tạm đình chỉ): Law on Denunciations Art 34(1)–(2) — the suspended time
    is not counted; complaints per the 2026 amendment (Law on Complaints Art 11a; Decree 124/2020
    Art 28b as amended by Decree 155/2026). The clock stops from the day after the suspension
    decision's date (``decision_date``, today when not given)."""
    case = lock(case, expected_version)
    permissions.check_can("suspend", actor, case)
    reason = statutory_reason(SUSPENSION_REASONS, reason_code, case.kind, local_today())
    reason_text = clean_text("reason_text", reason_text)
    decision_number = clean_text("decision_number", decision_number)
    decision_date = _decision_date(case, decision_date)
    previous = case.status
    transition(case, S.SUSPENDED)
    case.status_before_suspension = previous
    case.suspension_count += 1
    case.reason_code, case.reason_text = reason.code, reason_text
    event = record(
        case,
        "case.suspended",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "reason_code": reason.code,
            "legal_basis": reason.legal_basis,
            "reason_text": reason_text,
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
        },
    )
    dl.deadlines_pause(case, on=decision_date)
    dl.deadlines_on_suspend_or_end(case)
    return save(
        case,
        actor,
        f"suspended: {reason.code}",
        ["status", "status_before_suspension", "suspension_count", "reason_code", "reason_text"],
        [event],
    )


def _decision_date(case: Case, day: dt.date | None) -> dt.date:
    """The date of a decision being recorded: not in the future, not before the case's last change
    of state that it answers (acceptance, or the suspension it ends)."""
    today = local_today()
    day = day or today
    if day > today:
        message = _("Ngày ra quyết định không được ở tương lai.")
        raise ValidationError(message, field_errors={"decision_date": [message]})
    if case.accepted_at is not None and day < timezone.localdate(case.accepted_at):
        message = _("Ngày ra quyết định không được trước ngày thụ lý.")
        raise ValidationError(message, field_errors={"decision_date": [message]})
    return day


def _suspended_on(case: Case) -> dt.date | None:
    event = CaseEvent.objects.filter(case=case, kind="case.suspended").order_by("-seq").first()
    if event is None:
        return None
    data = event.data or {}
    return (
        dt.date.fromisoformat(data["decision_date"])
        if data.get("decision_date")
        else timezone.localdate(event.created_at)
    )


@transaction.atomic
def case_resume(
    *,
    case: Case,
    actor: Actor,
    decision_number: str,
    decision_date: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Resume by a continuation decision (quyết định tiếp tục giải quyết) as soon as the ground of
    suspension ends: Law on Denunciations 25/2018 Art 34(2) ("ra ngay quyết định tiếp tục giải quyết
    tố cáo; thời gian tạm đình chỉ không tính vào thời hạn giải quyết"); complaints: Decree 124/2020
    Art 28b(2) as amended by Decree 155/2026 (the time limit runs on from the continuation decision;
    known from a secondary source only). The paused deadlines skip the days from the day after the
    suspension decision up to the continuation decision's date (``decision_date``) and count on from
    the day after it (Civil Code Art 147); the decision is sent within 3 working days (K16)."""
    case = lock(case, expected_version)
    permissions.check_can("resume", actor, case)
    require_verdict(steps.can_resume(case))
    decision_number = clean_text("decision_number", decision_number, required=True)
    decision_date = _decision_date(case, decision_date)
    suspended_on = _suspended_on(case)
    if suspended_on is not None and decision_date < suspended_on:
        message = _("Quyết định tiếp tục giải quyết không được trước quyết định tạm đình chỉ (%(day)s).") % {
            "day": suspended_on.strftime("%d/%m/%Y")
        }
        raise ValidationError(message, field_errors={"decision_date": [message]})
    note = clean_text("note", note)
    target = case.status_before_suspension or S.ACCEPTED
    transition(case, target)
    case.status_before_suspension = ""
    event = record(
        case,
        "case.resumed",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "note": note,
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
            "legal_basis": str(
                _("Luật Tố cáo 2018, Điều 34 khoản 2")
                if case.kind == K.DENUNCIATION
                else _("Nghị định 124/2020/NĐ-CP, Điều 28b khoản 2, sửa đổi bởi Nghị định 155/2026/NĐ-CP")
            ),
        },
    )
    dl.deadlines_resume(case, on=decision_date)
    dl.deadlines_on_resume(case, on=decision_date)
    return save(case, actor, f"resumed ({decision_number})", ["status", "status_before_suspension"], [event])


@transaction.atomic
def case_withdrawal_request(
    *, case: Case, actor: Actor, statement: str = "", expected_version: int | None = None
) -> Case:
    """The citizen's online withdrawal (the tracking page, the API): it records the intent only. A
    complaint is withdrawn by a letter signed or thumb-printed by the complainant (Law on Complaints
    2011 Art 10), a denunciation in writing, by the signed letter (Decree 31/2019 Art 4(1), Mẫu 02) or
    the minutes of a withdrawal in person (Mẫu 03); the citizen uploads the signed letter or brings it
    to the desk, and the staff then record it (``case_withdraw``) and decide, with a reason, whether
    resolution ends or continues (Law on Denunciations 2018 Art 33(3)). A petition, which has no such
    form, is withdrawn at once."""
    case = lock(case, expected_version)
    permissions.check_can("withdraw", actor, case)
    require_verdict(rules.can_withdraw(case))
    statement = clean_text("withdrawal_statement", statement)
    if case.kind == K.PETITION:
        transition(case, S.WITHDRAWN)
        event = record(
            case, "case.withdrawn", actor, visibility=Visibility.COMPLAINANT, data={"statement": statement}
        )
        dl.deadlines_end(case, Deadline.EndReason.WITHDRAWN)
        dl.deadlines_on_suspend_or_end(case)
        return save(case, actor, "withdrawn", ["status"], [event], activity=not isinstance(actor, Citizen))
    require_verdict(rules.citizen_may_request_withdrawal(case))
    case.withdrawal_requested_at = timezone.now()
    event = record(
        case,
        "case.withdrawal_requested",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"statement": statement},
    )
    return save(
        case,
        actor,
        "withdrawal requested online",
        ["withdrawal_requested_at"],
        [event],
        activity=not isinstance(actor, Citizen),
    )


@transaction.atomic
def case_withdraw(
    *,
    case: Case,
    actor: Actor,
    statement: str = "",
    evidence: str = "",
    scope: str = "all",
    part: str = "",
    party: Party | None = None,
    end_reason: str = "",
    continue_resolution: bool = False,
    continue_reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Staff record a withdrawal (rút đơn), allowed until the decision or conclusion
    (``rules.can_withdraw``), on the signed or thumb-printed letter or the minutes (``evidence``:
    Law on Complaints 2011 Art 10; Law on Denunciations 2018 Art 33(1); Decree 31/2019 Art 4(1),
    Mẫu 02/03), and decide with a reason what follows:

    - ``scope="part"``: the rest is resolved (Art 33(2)); ``party``: one member of a group leaves and,
      while others remain, the case runs on (Art 33(2); Decree 31/2019 Art 4(2));
    - the whole withdrawal moves the case to "withdrawn", from which only the ending decision
      (đình chỉ, ``case_terminate`` with KN-10-withdrawn or TC-34-3-a) with its notice follows
      (Law on Complaints Art 10; Law on Denunciations Art 34(3)(a), (4));
    - ``continue_resolution``: a denunciation must still be resolved when the act shows signs of a
      violation, the withdrawal was coerced or bought, or it served to slander (Art 33(3)); an online
      request never confirmed by the signed letter leaves any case running.

    The citizen's tracking page shows the decision and its reason."""
    case = lock(case, expected_version)
    permissions.check_can("withdraw", actor, case)
    if isinstance(actor, Citizen):
        raise PermissionDeniedError(
            _(
                "Người gửi đơn gửi yêu cầu rút đơn; việc rút đơn được ghi nhận khi cơ quan nhận đơn rút "
                "có chữ ký hoặc điểm chỉ (Luật Khiếu nại 2011, Điều 10; Luật Tố cáo 2018, Điều 33)."
            )
        )
    require_verdict(rules.can_withdraw(case))
    statement = clean_text("withdrawal_statement", statement)
    pending = case.withdrawal_requested_at is not None
    if scope not in rules.WITHDRAWAL_SCOPES:
        raise ValidationError(_("Phạm vi rút đơn không hợp lệ."), field_errors={"scope": [scope]})
    if continue_resolution:
        continue_reason = clean_text("reason_text", continue_reason)
        require_verdict(
            rules.withdrawal_continue_verdict(
                case.kind, reason=continue_reason, online_request_pending=pending and not evidence
            ),
            "continue_reason",
        )
        kind = (
            "case.withdrawal_overridden"
            if evidence or case.kind == K.DENUNCIATION
            else "case.withdrawal_not_confirmed"
        )
        case.withdrawal_requested_at = None
        event = record(
            case,
            kind,
            actor,
            visibility=Visibility.COMPLAINANT,
            data={"statement": statement, "evidence": evidence, "reason": continue_reason},
        )
        return save(
            case, actor, "withdrawal recorded; resolution continues", ["withdrawal_requested_at"], [event]
        )
    require_verdict(rules.withdrawal_evidence_verdict(case.kind, evidence), "evidence")
    end_reason = clean_text("reason_text", end_reason)
    if case.kind == K.DENUNCIATION and scope == "all" and party is None and not end_reason:
        raise ValidationError(
            _(
                "Nêu lý do đình chỉ: hành vi bị tố cáo không có dấu hiệu vi phạm, việc rút không do bị đe "
                "dọa, mua chuộc (Luật Tố cáo 2018, Điều 33 khoản 3)."
            ),
            field_errors={"end_reason": [_("Bắt buộc.")]},
        )
    case.withdrawal_requested_at = None
    base = {"statement": statement, "evidence": evidence}
    if scope == "part":
        part = clean_text("withdrawal_statement", part, required=True)
        event = record(
            case,
            "case.withdrawn_partly",
            actor,
            visibility=Visibility.COMPLAINANT,
            data={**base, "part": part},
        )
        return save(case, actor, "withdrawn in part", ["withdrawal_requested_at"], [event])
    parties_left = 0
    if party is not None:
        if party.case_id != case.pk:
            raise ValidationError(_("Người rút đơn không thuộc hồ sơ này."))
        gone = {
            e.data.get("party")
            for e in CaseEvent.objects.filter(case=case, kind="case.party_withdrew").only("data")
        } | {party.pk}
        parties_left = case.parties.exclude(pk__in=[g for g in gone if g]).count()
    if not rules.withdrawal_ends_case(scope=scope, parties_left=parties_left):
        event = record(
            case,
            "case.party_withdrew",
            actor,
            visibility=Visibility.COMPLAINANT,
            data={**base, "party": party.pk if party is not None else None, "parties_left": parties_left},
        )
        return save(case, actor, "one of the group withdrew", ["withdrawal_requested_at"], [event])
    transition(case, S.WITHDRAWN)
    event = record(
        case, "case.withdrawn", actor, visibility=Visibility.COMPLAINANT, data={**base, "reason": end_reason}
    )
    dl.deadlines_end(case, Deadline.EndReason.WITHDRAWN)
    dl.deadlines_on_suspend_or_end(case)
    return save(case, actor, "withdrawn", ["status", "withdrawal_requested_at"], [event])


@transaction.atomic
def case_terminate(
    *, case: Case, actor: Actor, reason_code: str, reason_text: str = "", expected_version: int | None = None
) -> Case:
    """End resolution (đình chỉ) with a statutory reason: Law on Complaints Art 10; Law on
    Denunciations Art 34(3); the decision goes out within 5 working days (Art 34(4), T5)."""
    case = lock(case, expected_version)
    permissions.check_can("terminate", actor, case)
    reason = statutory_reason(TERMINATION_REASONS, reason_code, case.kind, local_today())
    reason_text = clean_text("reason_text", reason_text)
    transition(case, S.TERMINATED)
    case.reason_code, case.reason_text = reason.code, reason_text
    event = record(
        case,
        "case.terminated",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"reason_code": reason.code, "legal_basis": reason.legal_basis, "reason_text": reason_text},
    )
    ended = protection_end_for_case(case=case, actor=actor, ground="termination")  # Law 25/2018 Art 54(2)(a)
    dl.deadlines_end(case, Deadline.EndReason.TERMINATED)
    dl.deadlines_on_suspend_or_end(case)
    dl.deadlines_on_ending_notice(case)
    return save(
        case, actor, f"terminated: {reason.code}", ["status", "reason_code", "reason_text"], [event, *ended]
    )


OUTCOMES: dict[str, set[str]] = {
    K.COMPLAINT: {Case.Outcome.RIGHT, Case.Outcome.PARTLY_RIGHT, Case.Outcome.WRONG},
    K.DENUNCIATION: {Case.Outcome.TRUE, Case.Outcome.PARTLY_TRUE, Case.Outcome.FALSE},
    K.PETITION: {Case.Outcome.ANSWERED},
    K.ANONYMOUS_REPORT: {Case.Outcome.NO_VIOLATION, Case.Outcome.VIOLATION_FOUND},
}


@transaction.atomic
def case_conclude(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    summary: str,
    decision_number: str = "",
    decision_file: FileInput | None = None,
    expected_version: int | None = None,
) -> Case:
    """Decide a complaint (Law on Complaints Arts 31, 40: right / partly right / wrong), conclude a
    denunciation (Law on Denunciations Art 35: true / partly true / false), answer a petition or
    close an information check. Starts the sending and publication deadlines (K7/K9, T6, T8).

    Refused (``steps.can_conclude``) without the verification report before the head (Law on
    Complaints Art 29(4); Law on Denunciations Art 32), without the minutes of a noticed dialogue,
    and without a dialogue at second level (Law on Complaints Art 39) or at first level where the
    demands and the findings differ (Art 30(1)). The decision is issued and signed in the name of the
    competent person (``steps.competent_title``: Chủ tịch Ủy ban nhân dân ..., Giám đốc Sở ...; Law
    on Complaints Arts 17–21); the workspace asks for an explicit confirmation first, since an
    issued decision cannot be undone."""
    case = lock(case, expected_version)
    permissions.check_can("conclude", actor, case)
    workflow.check_transition(case.kind, case.status, steps.conclusion_status(case))
    require_verdict(steps.can_conclude(case))
    if outcome not in OUTCOMES[case.kind]:
        raise ValidationError(
            _("Kết quả không phù hợp với loại đơn."), field_errors={"outcome": [_("Chọn kết quả phù hợp.")]}
        )
    summary = clean_text("summary", summary, required=True)
    decision_number = clean_text("decision_number", decision_number)
    target = S.CONCLUDED if case.kind in (K.DENUNCIATION, K.ANONYMOUS_REPORT) else S.DECIDED
    transition(case, target)
    case.outcome, case.outcome_summary, case.decided_at = outcome, summary, timezone.now()
    attachment = None
    if decision_file is not None:
        attachment = attachment_create(
            case=case,
            upload=decision_file,
            actor=actor,
            visibility=Visibility.COMPLAINANT,
            kind=Attachment.Kind.DECISION,
        )
    event = record(
        case,
        "case.concluded" if target == S.CONCLUDED else "case.decided",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "outcome": outcome,
            "decision_number": decision_number,
            "summary": summary,
            "attachment": attachment.pk if attachment else None,
            "issued_as": steps.competent_title(case.authority),
        },
    )
    events = [event]
    verification.report_mark_issued(case, actor)
    if attachment is not None:  # the decision document is issued signed (cases.delivery, decision 0008)
        # Imported here: cases.delivery.services imports cases.services (attachments), so a process
        # whose first import is the delivery app (a Celery worker's template check) would find
        # this module half-initialised.
        from ..delivery.services import sign_on_issue

        signed = sign_on_issue(
            case=case,
            actor=actor,
            attachment=attachment,
            number=decision_number,
            signer_title=steps.competent_title(case.authority),
        )
        events += [signed] if signed is not None else []
    events += protection_end_for_case(case=case, actor=actor, ground="conclusion")  # Law 25/2018 Art 54(2)(a)
    dl.deadlines_complete(case)
    dl.deadlines_on_conclusion(case)
    return save(
        case, actor, f"{target}: {outcome}", ["status", "outcome", "outcome_summary", "decided_at"], events
    )


@transaction.atomic
def case_publish(
    *,
    case: Case,
    actor: Actor,
    channel: str,
    note: str = "",
    published_on: dt.date | None = None,
    recipients: str = "",
    expected_version: int | None = None,
) -> Case:
    """Publish the decision or conclusion (Law on Complaints Art 41(2)–(3), within 15 days of the
    second-level decision, K10; Law on Denunciations Art 40, T8, which forbids revealing the
    denouncer: only outcome and summary are published), recorded with its date (``published_on``,
    today when not given) and to whom it was announced (a meeting's participants, the posting place,
    the portal): that meets K10/T8 at that date."""
    case = lock(case, expected_version)
    permissions.check_can("publish", actor, case)
    channel = clean_text("publication_channel", channel, required=True)
    note = clean_text("note", note)
    recipients = clean_text("note", recipients)
    today = local_today()
    published_on = published_on or today
    if published_on > today or (case.decided_at and published_on < timezone.localdate(case.decided_at)):
        message = _("Ngày công khai phải từ ngày ban hành quyết định, kết luận đến hôm nay.")
        raise ValidationError(message, field_errors={"published_on": [message]})
    transition(case, S.PUBLISHED)
    event = record(
        case,
        "case.published",
        actor,
        visibility=Visibility.PUBLIC,
        data={
            "channel": channel,
            "note": note,
            "outcome": case.outcome,
            "published_on": published_on.isoformat(),
            "recipients": recipients,
        },
    )
    at = timezone.now() if published_on == today else _noon(published_on)
    dl.deadlines_complete(case, codes={"T8", "K10"}, at=at)
    return save(case, actor, "published", ["status"], [event])


@transaction.atomic
def case_close(*, case: Case, actor: Actor, note: str = "", expected_version: int | None = None) -> Case:
    """Close the file (lập, đóng hồ sơ: Law on Complaints Art 34; Law on Denunciations Art 39), once
    the decision or conclusion was sent to everyone the law names (``steps.can_close``): the sending
    limits K7 (Art 32), K9 (Art 41(1)) and T6 (Law on Denunciations Art 35(3)) are met by the
    dispatches recorded in ``cases.delivery``, never by closing. What else the agency still owed
    ends with the file (state ``ended``, never "met", so the on-time figures stay honest)."""
    case = lock(case, expected_version)
    permissions.check_can("close", actor, case)
    workflow.check_transition(case.kind, case.status, S.CLOSED)
    require_verdict(steps.can_close(case))
    note = clean_text("note", note)
    transition(case, S.CLOSED)
    case.closed_at = timezone.now()
    event = record(case, "case.closed", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_complete(case, exclude=rules.SEND_RULES)
    return save(case, actor, "closed", ["status", "closed_at"], [event])


def first_level_facts(case: Case) -> tuple[dt.date | None, dt.date | None]:
    """(the first-level resolution limit's due date, the day the complainant received the
    decision) for ``rules.second_level_allowed``. The day of receipt is the earliest delivery of the
    decision to a complainant recorded as received (``cases.delivery``: the receipt at the desk, the
    postal return slip, the read receipt): the K8 window runs from it (Law on Complaints 2011
    Art 33(1)); with none recorded the window cannot have run out yet."""
    due = (
        Deadline.objects.filter(case=case, rule_code__in=sorted(rules.RESOLUTION_RULES))
        .order_by("-due_at")
        .values_list("due_date", flat=True)
        .first()
    )
    received = None
    if case.decided_at is not None:
        received = (
            Delivery.objects.filter(
                case=case,
                recipient_kind=Delivery.Recipient.PARTY,
                status=Delivery.Status.DELIVERED,
                received_on__isnull=False,
                attachment__kind=Attachment.Kind.DECISION,
            )
            .order_by("received_on")
            .values_list("received_on", flat=True)
            .first()
        )
    return due, received


def _resolution_limit_passed(case: Case) -> bool:
    """The denunciation's resolution limit (T4, with its extensions) has passed unmet."""
    return Deadline.objects.filter(
        case=case,
        rule_code__in=sorted(rules.RESOLUTION_RULES),
        state=Deadline.State.OPEN,
        due_at__lt=timezone.now(),
    ).exists()


def followup_verdict(case: Case) -> rules.Verdict:
    """May the superior receive a denouncer's follow-up on ``case`` now (Law on Denunciations 2018
    Arts 37(1), 38(1))? The one predicate every door asks."""
    return rules.denunciation_followup_allowed(case, resolution_limit_passed=_resolution_limit_passed(case))


def followup_or_second_level_verdict(case: Case) -> rules.Verdict:
    """The door's question for either kind: a second-level complaint or a denunciation follow-up."""
    if case.kind == K.DENUNCIATION:
        return followup_verdict(case)
    return second_level_verdict(case)


def second_level_verdict(case: Case, today: dt.date | None = None) -> rules.Verdict:
    due, received = first_level_facts(case)
    return rules.second_level_allowed(
        case,
        today or local_today(),
        first_level_due=due,
        decision_received_on=received,
        calendar=dl.working_calendar(),
    )


@transaction.atomic
def case_open_second_level(
    *,
    case: Case,
    actor: Actor,
    description: str,
    received_at: dt.datetime | None = None,
    files: Sequence[FileInput] = (),
) -> SubmitResult:
    """A second-level complaint (Law on Complaints Arts 7, 33: after the first-level decision, or
    after the first-level limit passed without one, within the K8 window) or a re-denunciation
    (Law on Denunciations Art 37) goes to the direct superior of the first resolver as a linked
    case."""
    first = lock(case)
    permissions.check_can("view", actor, first)
    if first.kind not in (K.COMPLAINT, K.DENUNCIATION):
        raise ValidationError(_("Chỉ khiếu nại, tố cáo mới có giải quyết lần hai, tố cáo tiếp."))
    received_on = timezone.localdate(received_at) if received_at else local_today()
    if first.kind == K.COMPLAINT:
        require_verdict(second_level_verdict(first, received_on))
    else:
        require_verdict(followup_verdict(first))
    superior = first.authority.parent if first.authority is not None else None
    if superior is None:
        raise ValidationError(_("Không có cơ quan cấp trên trực tiếp."))
    if not permissions.can_register_for(actor, superior):
        raise PermissionDeniedError(_("Bạn không tiếp nhận đơn cho cơ quan cấp trên."))
    parties = [
        PartyInput(
            full_name=p.full_name,
            national_id=p.national_id,
            address=p.address,
            phone=p.phone,
            email=p.email,
            role=p.role,
            is_representative=p.is_representative,
            identity_disclosed=p.identity_disclosed,
            language=p.language,
        )
        for p in first.parties.all()
    ]
    result = case_submit(
        kind=first.kind,
        subject=first.subject,
        description=description,
        parties=parties,
        channel=Case.Channel.ONLINE if isinstance(actor, Citizen) else Case.Channel.IN_PERSON,
        authority=superior,
        contested_act=first.contested_act or first.outcome_summary,
        contested_act_known_on=timezone.localdate(first.decided_at) if first.decided_at else None,
        accused_name=first.accused_name,
        accused_position=first.accused_position,
        accused_authority=first.accused_authority,
        files=files,
        actor=actor,
        received_at=received_at,
        previous_case=first,
        complaint_level=Case.Level.SECOND if first.kind == K.COMPLAINT else "",
        discipline=first.discipline,
        dismissal=first.dismissal,
    )
    # The later case is linked to the first by design: not a suspected duplicate of it.
    if result.case.duplicate_suspected:
        result.case.duplicate_suspected = False
        save(result.case, actor, "linked to the first case", ["duplicate_suspected"], [], activity=False)
    if first.kind == K.DENUNCIATION:
        # Not a new full case: the superior reviews it (Art 37(2), T9) or asks for a report
        # (Art 38(2), T10), which ``cases.services.review`` carries out.
        later = result.case
        later.review_track = rules.denunciation_followup_track(first.status)
        event = record(
            later,
            "case.review_track",
            actor,
            data={"track": later.review_track, "first_case": first.reference},
        )
        save(later, actor, f"follow-up: {later.review_track}", ["review_track"], [event], activity=False)
    linked = record(
        first,
        "case.followed_up",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"later_case": result.case.reference},
    )
    if first.kind == K.COMPLAINT:
        dl.deadlines_on_second_level(first)
    save(first, actor, f"second level {result.case.reference}", [], [linked])
    return result


@transaction.atomic
def note_add(*, case: Case, actor: Actor, text: str, visibility: str = Visibility.INTERNAL) -> CaseEvent:
    """An internal note (or a message to the complainant when visibility says so)."""
    case = lock(case)
    permissions.check_can("note", actor, case)
    text = clean_text("note", text, required=True)
    if visibility not in Visibility.values:
        raise ValidationError(_("Phạm vi hiển thị không hợp lệ."))
    event = record(case, "note.added", actor, visibility=visibility, data={"text": text})
    save(case, actor, "note added", [], [event])
    return event


def _contested_suspension_active(case: Case) -> bool:
    last = (
        CaseEvent.objects.filter(
            case=case, kind__in=["contested_decision.suspended", "contested_decision.suspension_lifted"]
        )
        .order_by("-seq")
        .values_list("kind", flat=True)
        .first()
    )
    return last == "contested_decision.suspended"


@transaction.atomic
def contested_decision_suspend(
    *,
    case: Case,
    actor: Actor,
    until: dt.date,
    reason: str,
    decision_number: str = "",
    expected_version: int | None = None,
) -> Case:
    """The resolver's decision suspending the execution of the contested administrative decision,
    because executing it would cause consequences hard to remedy (Law on Complaints 2011 Art 35,
    K14): for no longer than the time left of the resolution limit, sent to the complainant, the
    person complained against, the persons with related rights and those who must execute it."""
    case = lock(case, expected_version)
    permissions.check_can("suspend", actor, case)
    reason = clean_text("reason_text", reason, required=True)
    decision_number = clean_text("decision_number", decision_number)
    due, _received = first_level_facts(case)
    open_due = (
        Deadline.objects.filter(
            case=case, rule_code__in=sorted(rules.RESOLUTION_RULES), state__in=["open", "paused"]
        )
        .order_by("-due_at")
        .values_list("due_date", flat=True)
        .first()
    )
    require_verdict(
        rules.contested_suspension_verdict(
            case,
            until=until,
            today=local_today(),
            resolution_due=open_due or due,
            active=_contested_suspension_active(case),
        ),
        "until",
    )
    event = record(
        case,
        "contested_decision.suspended",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "until": until.isoformat(),
            "reason": reason,
            "decision_number": decision_number,
            "legal_basis": "Luật Khiếu nại 2011, Điều 35",
        },
    )
    return save(case, actor, "execution of the contested decision suspended (Art 35)", [], [event])


@transaction.atomic
def contested_decision_suspension_lift(
    *, case: Case, actor: Actor, reason: str, expected_version: int | None = None
) -> Case:
    """Lift the suspension at once when its reason no longer exists (Law on Complaints 2011 Art 35)."""
    case = lock(case, expected_version)
    permissions.check_can("suspend", actor, case)
    reason = clean_text("reason_text", reason, required=True)
    if not _contested_suspension_active(case):
        raise ValidationError(
            _("Không có quyết định tạm đình chỉ thi hành đang có hiệu lực (Luật Khiếu nại 2011, Điều 35)."),
            code="state",
        )
    event = record(
        case,
        "contested_decision.suspension_lifted",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"reason": reason, "legal_basis": "Luật Khiếu nại 2011, Điều 35"},
    )
    return save(case, actor, "suspension of the contested decision lifted (Art 35)", [], [event])
