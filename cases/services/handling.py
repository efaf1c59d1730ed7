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
from ..delivery.services import sign_on_issue
from ..errors import ConflictOfInterestError, PermissionDeniedError, ValidationError
from ..models import Assignment, Attachment, Case, CaseEvent, Deadline, Party, Role, Visibility
from ..models import CaseKind as K
from ..models import CaseStatus as S
from ..reasons import SUSPENSION_REASONS, TERMINATION_REASONS
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
    expected_version: int | None = None,
) -> Case:
    """Dialogue with the complainant (đối thoại): Law on Complaints Arts 30, 39."""
    case = lock(case, expected_version)
    permissions.check_can("dialogue", actor, case)
    if not workflow.allows_dialogue(case.kind):
        raise ValidationError(_("Chỉ khiếu nại mới có đối thoại (Luật Khiếu nại 2011, Điều 30)."))
    if when <= timezone.now():
        raise ValidationError(
            _("Thời điểm đối thoại phải ở tương lai."),
            field_errors={"when": [_("Chọn thời điểm sau hiện tại.")]},
        )
    place = clean_text("place", place, required=True)
    agenda = clean_text("agenda", agenda)
    transition(case, S.DIALOGUE)
    event = record(
        case,
        "case.dialogue_scheduled",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"when": when.isoformat(), "place": place, "agenda": agenda},
    )
    dl.deadlines_end(case, Deadline.EndReason.SUPERSEDED, ["K15"])  # a dialogue moved: a new notice
    dl.deadlines_on_dialogue(case, timezone.localdate(when))
    return save(case, actor, "dialogue scheduled", ["status"], [event])


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
    *, case: Case, actor: Actor, reason_code: str, reason_text: str = "", expected_version: int | None = None
) -> Case:
    """Suspend resolution (tạm đình chỉ): Law on Denunciations Art 34(1)–(2) — the suspended time
    is not counted; complaints per the 2026 amendment (Law on Complaints Art 11a)."""
    case = lock(case, expected_version)
    permissions.check_can("suspend", actor, case)
    reason = statutory_reason(SUSPENSION_REASONS, reason_code, case.kind, local_today())
    reason_text = clean_text("reason_text", reason_text)
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
        data={"reason_code": reason.code, "legal_basis": reason.legal_basis, "reason_text": reason_text},
    )
    dl.deadlines_pause(case)
    dl.deadlines_on_suspend_or_end(case)
    return save(
        case,
        actor,
        f"suspended: {reason.code}",
        ["status", "status_before_suspension", "suspension_count", "reason_code", "reason_text"],
        [event],
    )


@transaction.atomic
def case_resume(*, case: Case, actor: Actor, note: str = "", expected_version: int | None = None) -> Case:
    """Resume at once when the ground for suspension ends (Law on Denunciations Art 34(2))."""
    case = lock(case, expected_version)
    permissions.check_can("resume", actor, case)
    note = clean_text("note", note)
    target = case.status_before_suspension or S.ACCEPTED
    transition(case, target)
    case.status_before_suspension = ""
    event = record(case, "case.resumed", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_resume(case)
    dl.deadlines_on_resume(case)
    return save(case, actor, "resumed", ["status", "status_before_suspension"], [event])


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
    dl.deadlines_end(case, Deadline.EndReason.TERMINATED)
    dl.deadlines_on_suspend_or_end(case)
    dl.deadlines_on_ending_notice(case)
    return save(case, actor, f"terminated: {reason.code}", ["status", "reason_code", "reason_text"], [event])


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
    close an information check. Starts the sending and publication deadlines (K7/K9, T6, T8)."""
    case = lock(case, expected_version)
    permissions.check_can("conclude", actor, case)
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
        },
    )
    events = [event]
    if attachment is not None:  # the decision document is issued signed (cases.delivery, decision 0008)
        signed = sign_on_issue(case=case, actor=actor, attachment=attachment, number=decision_number)
        events += [signed] if signed is not None else []
    dl.deadlines_complete(case)
    dl.deadlines_on_conclusion(case)
    return save(
        case, actor, f"{target}: {outcome}", ["status", "outcome", "outcome_summary", "decided_at"], events
    )


@transaction.atomic
def case_publish(
    *, case: Case, actor: Actor, channel: str, note: str = "", expected_version: int | None = None
) -> Case:
    """Publish the decision or conclusion (Law on Complaints Art 41(2); Law on Denunciations Art 40,
    which forbids revealing the denouncer: only outcome and summary are published)."""
    case = lock(case, expected_version)
    permissions.check_can("publish", actor, case)
    channel = clean_text("publication_channel", channel, required=True)
    note = clean_text("note", note)
    transition(case, S.PUBLISHED)
    event = record(
        case,
        "case.published",
        actor,
        visibility=Visibility.PUBLIC,
        data={"channel": channel, "note": note, "outcome": case.outcome},
    )
    dl.deadlines_complete(case, codes={"T8", "K10"})
    return save(case, actor, "published", ["status"], [event])


@transaction.atomic
def case_close(*, case: Case, actor: Actor, note: str = "", expected_version: int | None = None) -> Case:
    """Close the file (lập, đóng hồ sơ: Law on Complaints Art 34; Law on Denunciations Art 39)."""
    case = lock(case, expected_version)
    permissions.check_can("close", actor, case)
    note = clean_text("note", note)
    transition(case, S.CLOSED)
    case.closed_at = timezone.now()
    event = record(case, "case.closed", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_complete(case)
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
