"""Writes of the handling steps between the start of verification and the decision. Each verb takes
an explicit ``actor``, locks the case row, checks the permission and the step's verdict
(``cases.verification.steps``, the same answer the case page shows), writes its rows with their
history records, appends an event to the case's hash-chained log and ends with the after-change
port (through ``cases.services.base.save``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..actors import Actor, history_user, stamp
from ..errors import ValidationError
from ..models import Attachment, Case, Visibility
from ..services.attachments import FileInput, attachment_create
from ..services.base import clean_text, local_today, lock, record, require_verdict, save
from . import steps
from .models import Dialogue, VerificationRecord, VerificationReport


def _past_date(field: str, day: dt.date, case: Case) -> dt.date:
    if day > local_today():
        message = _("Ngày không được ở tương lai.")
        raise ValidationError(message, field_errors={field: [message]})
    if case.accepted_at is not None and day < timezone.localdate(case.accepted_at):
        message = _("Ngày không được trước ngày thụ lý.")
        raise ValidationError(message, field_errors={field: [message]})
    return day


def _file(case: Case, actor: Actor, upload: FileInput | None, kind: str) -> Attachment | None:
    if upload is None:
        return None
    upload.kind = kind
    return attachment_create(case=case, upload=upload, actor=actor, visibility=Visibility.INTERNAL, kind=kind)


@transaction.atomic
def verification_record_add(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    date: dt.date,
    summary: str,
    file: FileInput | None = None,
    expected_version: int | None = None,
) -> VerificationRecord:
    """Record one piece of verification work: working minutes (Decree 31/2019 Art 12, Mẫu 08),
    evidence collected (Law on Complaints Art 29(2); Law on Denunciations Art 31(2)), an expert
    assessment (Law on Complaints Art 29(2); Law on Denunciations Art 31(3), Decree 31/2019 Mẫu 09),
    with its date, summary and optional scanned file (kept internal: Law on Denunciations Art 56)."""
    case = lock(case, expected_version)
    permissions.check_can("verify", actor, case)
    require_verdict(steps.can_record_work(case))
    if kind not in VerificationRecord.Kind.values:
        raise ValidationError(_("Loại công việc không hợp lệ."), field_errors={"kind": [_("Không hợp lệ.")]})
    date = _past_date("date", date, case)
    summary = clean_text("summary", summary, required=True)
    attachment_kind = (
        Attachment.Kind.MINUTES if kind == VerificationRecord.Kind.MINUTES else Attachment.Kind.EVIDENCE
    )
    attachment = _file(case, actor, file, attachment_kind)
    user = history_user(actor)
    row = VerificationRecord(
        case=case, kind=kind, date=date, summary=summary, attachment=attachment, recorded_by=user
    )
    stamp(row, user, f"verification work: {kind}")
    row.save()
    event = record(
        case,
        "verification.recorded",
        actor,
        data={
            "record": row.pk,
            "kind": kind,
            "date": date.isoformat(),
            "summary": summary,
            "attachment": attachment.pk if attachment else None,
        },
    )
    save(case, actor, f"verification work recorded ({kind})", [], [event])
    return row


@transaction.atomic
def verification_report_submit(
    *,
    case: Case,
    actor: Actor,
    findings: str,
    draft_summary: str,
    draft_outcome: str = "",
    findings_differ: bool = False,
    file: FileInput | None = None,
    expected_version: int | None = None,
) -> VerificationReport:
    """Submit the report on the verification result with the draft decision or conclusion to the
    head (báo cáo kết quả xác minh: Law on Complaints Art 29(4); Law on Denunciations Art 32; Decree
    31/2019 Mẫu 10/11). ``findings_differ``: the findings differ from the complainant's demands, so
    a first-level dialogue is required (Law on Complaints Art 30(1))."""
    from ..services.handling import OUTCOMES

    case = lock(case, expected_version)
    permissions.check_can("verify", actor, case)
    require_verdict(steps.can_submit_report(case))
    if draft_outcome and draft_outcome not in OUTCOMES.get(case.kind, set()):
        raise ValidationError(
            _("Kết quả không phù hợp với loại đơn."),
            field_errors={"draft_outcome": [_("Chọn kết quả phù hợp.")]},
        )
    findings = clean_text("summary", findings, required=True)
    draft_summary = clean_text("summary", draft_summary, required=True)
    previous = steps.latest_report(case)
    attachment = _file(case, actor, file, Attachment.Kind.OTHER)
    user = history_user(actor)
    report = VerificationReport(
        case=case,
        round=(previous.round + 1) if previous else 1,
        findings=findings,
        findings_differ=bool(findings_differ) and case.kind == Case.Kind.COMPLAINT,
        draft_outcome=draft_outcome,
        draft_summary=draft_summary,
        attachment=attachment,
        submitted_by=user,
    )
    stamp(report, user, "verification report submitted")
    report.save()
    event = record(
        case,
        "verification.report_submitted",
        actor,
        data={
            "report": report.pk,
            "round": report.round,
            "draft_outcome": draft_outcome,
            "findings_differ": report.findings_differ,
            "attachment": attachment.pk if attachment else None,
        },
    )
    save(case, actor, f"verification report #{report.round} submitted", [], [event])
    return report


def _review(case: Case, actor: Actor, expected_version: int | None) -> tuple[Case, VerificationReport]:
    case = lock(case, expected_version)
    permissions.check_can("approve", actor, case)
    require_verdict(steps.can_review_report(case))
    report = VerificationReport.objects.select_for_update().get(pk=steps.latest_report(case).pk)  # type: ignore[union-attr]
    return case, report


@transaction.atomic
def verification_report_approve(
    *, case: Case, actor: Actor, comment: str = "", expected_version: int | None = None
) -> VerificationReport:
    """The head approves the verification report and its draft (Law on Complaints Art 29(4); Law on
    Denunciations Art 32); the decision can then be issued (``case_conclude``)."""
    case, report = _review(case, actor, expected_version)
    comment = clean_text("note", comment)
    user = history_user(actor)
    report.status, report.reviewed_by, report.reviewed_at = (
        VerificationReport.Status.APPROVED,
        user,
        timezone.now(),
    )
    report.review_comment = comment
    stamp(report, user, "verification report approved")
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    event = record(
        case,
        "verification.report_approved",
        actor,
        data={"report": report.pk, "round": report.round, "comment": comment},
    )
    save(case, actor, f"verification report #{report.round} approved", [], [event])
    return report


@transaction.atomic
def verification_report_return(
    *, case: Case, actor: Actor, comment: str, expected_version: int | None = None
) -> VerificationReport:
    """The head returns the report to the handler with comments (shown on the timeline); the handler
    completes the verification and submits again."""
    case, report = _review(case, actor, expected_version)
    comment = clean_text("note", comment, required=True)
    user = history_user(actor)
    report.status, report.reviewed_by, report.reviewed_at = (
        VerificationReport.Status.RETURNED,
        user,
        timezone.now(),
    )
    report.review_comment = comment
    stamp(report, user, "verification report returned")
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    event = record(
        case,
        "verification.report_returned",
        actor,
        data={"report": report.pk, "round": report.round, "comment": comment},
    )
    save(case, actor, f"verification report #{report.round} returned", [], [event])
    return report


def report_mark_issued(case: Case, actor: Actor) -> None:
    """Inside ``case_conclude``: the report the decision rests on is issued (approved first when the
    head signs it straight away)."""
    report = steps.latest_report(case)
    if report is None or report.status not in (
        VerificationReport.Status.SUBMITTED,
        VerificationReport.Status.APPROVED,
    ):
        return
    report = VerificationReport.objects.select_for_update().get(pk=report.pk)
    user = history_user(actor)
    if report.reviewed_by_id is None:
        report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.status = VerificationReport.Status.ISSUED
    stamp(report, user, "decision issued")
    report.save(update_fields=["status", "reviewed_by", "reviewed_at"])


@transaction.atomic
def dialogue_record_minutes(
    *,
    case: Case,
    actor: Actor,
    held_on: dt.date,
    participants: str,
    result: str,
    minutes: FileInput | None = None,
    absent: bool = False,
    expected_version: int | None = None,
) -> Dialogue:
    """Record the dialogue's minutes (biên bản đối thoại: Law on Complaints Art 30(3), signed by the
    participants; a refusal to sign is noted in it), or that the complainant did not come without
    good reason, which from 1/7/2026 no longer blocks the decision (Decree 124/2020 as amended by
    Decree 155/2026; secondary source only). The outcome is one basis of the decision (Art 31(2))."""
    case = lock(case, expected_version)
    permissions.check_can("dialogue", actor, case)
    require_verdict(steps.can_record_dialogue(case))
    dialogue = Dialogue.objects.select_for_update().get(pk=steps.latest_dialogue(case).pk)  # type: ignore[union-attr]
    if held_on < timezone.localdate(dialogue.when) or held_on > local_today():
        message = _("Ngày đối thoại phải từ ngày đã thông báo đến hôm nay.")
        raise ValidationError(message, field_errors={"held_on": [message]})
    participants = clean_text("agenda", participants, required=not absent)
    result = clean_text("summary", result, required=True)
    if minutes is None and not absent:
        message = _(
            "Tải lên biên bản đối thoại có chữ ký của những người tham gia (Luật Khiếu nại 2011, Điều 30)."
        )
        raise ValidationError(message, field_errors={"minutes": [message]})
    attachment = _file(case, actor, minutes, Attachment.Kind.MINUTES)
    user = history_user(actor)
    dialogue.status = Dialogue.Status.ABSENT if absent else Dialogue.Status.HELD
    dialogue.held_on, dialogue.participants, dialogue.result = held_on, participants, result
    dialogue.minutes = attachment
    stamp(dialogue, user, "dialogue minutes recorded")
    dialogue.save(update_fields=["status", "held_on", "participants", "result", "minutes"])
    event = record(
        case,
        "case.dialogue_held",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "dialogue": dialogue.pk,
            "held_on": held_on.isoformat(),
            "absent": absent,
            "result": result,
            "minutes": attachment.pk if attachment else None,
        },
    )
    save(case, actor, "dialogue absent" if absent else "dialogue held", [], [event])
    return dialogue


def dialogue_create(
    *,
    case: Case,
    actor: Actor,
    when: dt.datetime,
    place: str,
    agenda: str,
    notice_sent_on: dt.date | None,
    notice_recipients: str,
) -> Dialogue:
    """Inside ``case_schedule_dialogue``: the dialogue row with its notice."""
    user = history_user(actor)
    dialogue = Dialogue(
        case=case,
        when=when,
        place=place,
        agenda=agenda,
        notice_sent_on=notice_sent_on,
        notice_recipients=notice_recipients,
        recorded_by=user,
    )
    stamp(dialogue, user, "dialogue noticed")
    dialogue.save()
    return dialogue
