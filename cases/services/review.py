"""The superior's handling of a denouncer's follow-up: not a new full case (Law on Denunciations
25/2018 Arts 37-38; Decree 31/2019/NĐ-CP Art 5).

A follow-up is registered at the direct superior by ``case_open_second_level`` as a case linked to
the first one (``previous_case``), with ``review_track`` saying which procedure applies and, instead
of the ordinary receipt limit T1, the review limit:

- ``re_denunciation`` (Art 37, after the conclusion): within 20 days (T9) the superior's head reviews
  the earlier file and either declines to re-resolve, with a written notice of reasons, because the
  earlier resolution was lawful (Art 37(2)(a): ``redenunciation_decline``), resolves it under its own
  competence or re-resolves it (Art 37(2)(b)-(c), (3): ``redenunciation_re_resolve``, from which T4 runs
  as for a new acceptance), or transfers it to the competent body (Art 37(2)(b):
  ``redenunciation_transfer``).
- ``overdue`` (Art 38, the limit of Art 30 passed without a resolution): within 5 working days (T10)
  the superior asks the resolver in writing for a report (Art 38(2): ``followup_request_report``);
  the resolver reports within 5 working days of the request (the second T10 step, on the first case)
  and continues (Art 38(3): ``followup_report_submit``); the superior monitors (Art 38(4)) and closes
  the follow-up once the result is in (``followup_close``), or takes the case over only on the grounds
  of Art 38(5) and Decree 31/2019 Art 5 (``followup_take_over``), from which a new T4 runs.

Every step is recorded on both timelines (the follow-up and the first case). No event carries the
denouncer's identity; the superior's request to the lower body is addressed to an authority and so
never names them (Art 56)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import deadline_services as dl
from .. import permissions, rules
from ..actors import Actor
from ..errors import ValidationError
from ..models import Authority, Case, Deadline, Visibility
from ..models import CaseStatus as S
from ..reasons import RE_RESOLUTION_GROUNDS, REJECTION_REASONS, TAKE_OVER_GROUNDS
from .base import clean_text, local_today, lock, record, require_verdict, save, statutory_reason, transition
from .triage import transfer_locked

DECLINE_CODE = "TC-37-2-a"


def _review(case: Case, actor: Actor, action: str, expected_version: int | None) -> Case:
    case = lock(case, expected_version)
    permissions.check_can("review", actor, case)
    require_verdict(rules.review_action_allowed(case, action))
    if case.previous_case_id is None:
        raise ValidationError(
            _("Tố cáo tiếp phải gắn với hồ sơ giải quyết trước đó (Luật Tố cáo 2018, Điều 37).")
        )
    return case


def _first_id(case: Case) -> int:
    assert case.previous_case_id is not None  # checked by ``_review``
    return case.previous_case_id


def _on_first(first: Case, actor: Actor, kind: str, reason: str, data: dict[str, object]) -> None:
    """The same step on the first case's timeline (internal: the lower body's file)."""
    event = record(first, kind, actor, visibility=Visibility.INTERNAL, data=data)
    save(first, actor, reason, [], [event], activity=False)


@transaction.atomic
def redenunciation_decline(
    *, case: Case, actor: Actor, reason_text: str, expected_version: int | None = None
) -> Case:
    """The earlier resolution was lawful: the denunciation is not re-resolved, and the denouncer is
    told so in writing with the reasons (Law on Denunciations 2018 Art 37(2)(a)). Meets T9."""
    case = _review(case, actor, "decline", expected_version)
    reason_text = clean_text("reason_text", reason_text, required=True)
    reason = statutory_reason(REJECTION_REASONS, DECLINE_CODE, case.kind, local_today())
    first = lock(_first_id(case))
    transition(case, S.REJECTED)
    case.reason_code, case.reason_text, case.closed_at = reason.code, reason_text, timezone.now()
    event = record(
        case,
        "redenunciation.declined",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "reason_code": reason.code,
            "legal_basis": reason.legal_basis,
            "reason_text": reason_text,
            "first_case": first.reference,
        },
    )
    dl.deadlines_complete(case, ["T9"])
    dl.deadlines_end(case, Deadline.EndReason.REJECTED)
    save(
        case,
        actor,
        f"re-denunciation declined: {reason.code}",
        ["status", "reason_code", "reason_text", "closed_at"],
        [event],
    )
    _on_first(
        first,
        actor,
        "redenunciation.reviewed",
        "re-denunciation reviewed: declined",
        {"later_case": case.reference, "outcome": "declined", "legal_basis": reason.legal_basis},
    )
    return case


@transaction.atomic
def redenunciation_re_resolve(
    *, case: Case, actor: Actor, ground_code: str, note: str = "", expected_version: int | None = None
) -> Case:
    """The superior's head resolves the denunciation under its own competence (the earlier one was
    outside it, Art 37(2)(b)) or re-resolves it on a ground of Art 37(3) (Art 37(2)(c)), "theo thời
    hạn, trình tự, thủ tục" of Chapter III: the case is accepted and T4/T3 run from today, as T9's
    note says. Meets T9."""
    case = _review(case, actor, "re_resolve", expected_version)
    ground = statutory_reason(RE_RESOLUTION_GROUNDS, ground_code, case.kind, local_today())
    note = clean_text("note", note)
    if case.authority_id is None:
        raise ValidationError(_("Cần xác định cơ quan có thẩm quyền trước khi thụ lý."))
    first = lock(_first_id(case))
    transition(case, S.ACCEPTED)
    case.accepted_at = timezone.now()
    event = record(
        case,
        "redenunciation.re_resolution",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "ground_code": ground.code,
            "legal_basis": ground.legal_basis,
            "note": note,
            "first_case": first.reference,
        },
    )
    dl.deadlines_complete(case, ["T9"])
    dl.deadlines_on_accept(case)
    save(case, actor, f"re-resolution: {ground.code}", ["status", "accepted_at"], [event])
    _on_first(
        first,
        actor,
        "redenunciation.reviewed",
        "re-denunciation reviewed: re-resolved by the superior",
        {"later_case": case.reference, "outcome": "re_resolution", "legal_basis": ground.legal_basis},
    )
    return case


@transaction.atomic
def redenunciation_transfer(
    *,
    case: Case,
    actor: Actor,
    to_authority: Authority,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """The earlier resolution was outside the resolver's competence and the matter is not the
    superior's either: it goes to the competent body (Law on Denunciations 2018 Art 37(2)(b)), with
    the transfer slip (Art 24(2)). Meets T9."""
    case = _review(case, actor, "transfer", expected_version)
    permissions.check_can("transfer", actor, case)
    dl.deadlines_complete(case, ["T9"])
    case = transfer_locked(case, actor, to_authority, note, reviewed=True)
    first = lock(_first_id(case))
    _on_first(
        first,
        actor,
        "redenunciation.reviewed",
        "re-denunciation reviewed: transferred",
        {"later_case": case.reference, "outcome": "transferred", "to": to_authority.code},
    )
    return case


@transaction.atomic
def followup_request_report(
    *, case: Case, actor: Actor, note: str = "", expected_version: int | None = None
) -> Case:
    """The superior's written request to the resolver for a report on the process, the reasons for
    the delay and who is responsible (Law on Denunciations 2018 Art 38(2), within 5 working days of
    the follow-up, T10); the denouncer is told the matter is being followed up (Art 38(4)). The
    resolver's own 5 working days (Art 38(3)) start on the first case."""
    case = _review(case, actor, "request_report", expected_version)
    note = clean_text("note", note)
    first = lock(_first_id(case))
    transition(case, S.MONITORING)
    event = record(
        case,
        "followup.report_requested",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"first_case": first.reference, "note": note},
    )
    dl.deadlines_complete(case, ["T10"])
    save(case, actor, "report requested (Art 38(2))", ["status"], [event])
    asked = record(
        first,
        "followup.report_requested",
        actor,
        visibility=Visibility.INTERNAL,
        data={"later_case": case.reference, "note": note},
    )
    dl.deadlines_start(first, ["T10"], trigger=local_today())
    save(first, actor, "report requested by the superior (Art 38(2))", [], [asked], activity=False)
    return case


@transaction.atomic
def followup_report_submit(
    *, case: Case, actor: Actor, report: str, expected_version: int | None = None
) -> Case:
    """The resolver (the lower body, on its own first case) reports to the superior on the process,
    the reasons for the delay and the responsibility, and continues resolving (Law on Denunciations
    2018 Art 38(3)). Meets its T10 step."""
    first = lock(case, expected_version)
    permissions.check_can("report_followup", actor, first)
    follow = first.later_cases.filter(review_track=rules.REVIEW_OVERDUE, status=S.MONITORING).first()
    if follow is None:
        raise ValidationError(
            _("Cấp trên chưa có văn bản yêu cầu báo cáo về vụ việc này (Luật Tố cáo 2018, Điều 38 khoản 2)."),
            code="state",
        )
    report = clean_text("report", report, required=True)
    event = record(
        first,
        "followup.reported",
        actor,
        visibility=Visibility.INTERNAL,
        data={"report": report, "to_case": follow.reference},
    )
    dl.deadlines_complete(first, ["T10"])
    save(first, actor, "report sent to the superior (Art 38(3))", [], [event])
    follow = lock(follow)
    received = record(
        follow,
        "followup.report_received",
        actor,
        visibility=Visibility.INTERNAL,
        data={"report": report, "first_case": first.reference},
    )
    save(follow, actor, "report received (Art 38(3))", [], [received])
    return first


@transaction.atomic
def followup_take_over(
    *, case: Case, actor: Actor, ground_code: str, note: str, expected_version: int | None = None
) -> Case:
    """The superior's head resolves the overdue denunciation itself, only where the resolution shows a
    serious violation of law or signs of partiality (Law on Denunciations 2018 Art 38(5); the cases of
    Decree 31/2019/NĐ-CP Art 5(1)-(2)). The follow-up is accepted and a new T4 runs from today; the
    lower body's case passes to the superior (its own clocks end, superseded)."""
    case = _review(case, actor, "take_over", expected_version)
    ground = statutory_reason(TAKE_OVER_GROUNDS, ground_code, case.kind, local_today())
    note = clean_text("note", note, required=True)
    first = lock(_first_id(case))
    transition(case, S.ACCEPTED)
    case.accepted_at = timezone.now()
    event = record(
        case,
        "followup.taken_over",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "ground_code": ground.code,
            "legal_basis": ground.legal_basis,
            "note": note,
            "first_case": first.reference,
        },
    )
    dl.deadlines_complete(case, ["T10"])
    dl.deadlines_on_accept(case)
    save(case, actor, f"taken over: {ground.code}", ["status", "accepted_at"], [event])
    if first.status in rules.DENUNCIATION_PENDING or first.status == S.SUSPENDED:
        transition(first, S.TRANSFERRED)
        first.transferred_to = case.authority
        first.closed_at = timezone.now()
        handed = record(
            first,
            "followup.taken_over",
            actor,
            visibility=Visibility.INTERNAL,
            data={
                "later_case": case.reference,
                "ground_code": ground.code,
                "legal_basis": ground.legal_basis,
            },
        )
        dl.deadlines_end(first, Deadline.EndReason.SUPERSEDED)
        save(
            first,
            actor,
            f"taken over by {case.reference}",
            ["status", "transferred_to", "closed_at"],
            [handed],
        )
    return case


@transaction.atomic
def followup_close(*, case: Case, actor: Actor, note: str = "", expected_version: int | None = None) -> Case:
    """End the superior's follow-up once the resolver has concluded and reported the result
    (Law on Denunciations 2018 Art 38(3)-(4))."""
    case = _review(case, actor, "finish_monitoring", expected_version)
    note = clean_text("note", note)
    first = Case.objects.get(pk=_first_id(case))
    require_verdict(rules.followup_may_close(first.status))
    transition(case, S.CLOSED)
    case.closed_at = timezone.now()
    event = record(
        case,
        "followup.closed",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"first_case": first.reference, "note": note},
    )
    dl.deadlines_complete(case)
    save(case, actor, "follow-up closed (Art 38(4))", ["status", "closed_at"], [event])
    _on_first(first, actor, "followup.closed", "superior's follow-up closed", {"later_case": case.reference})
    return case
