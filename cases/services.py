"""Every change to a case, one function per verb.

Each service: locks the case row, checks the actor's permission and the workflow transition,
applies the change, sets the history user and change reason, appends a CaseEvent, keeps the
deadlines and ``next_due_at`` current, and schedules side effects (search index, notifications)
for after the commit. Arguments are keyword-only; ``actor=None`` is the system or a citizen whose
tracking key the caller has already checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import deadline_services as dl
from . import permissions, workflow
from .crypto import blind_index
from .errors import ConflictError, ConflictOfInterestError, ValidationError
from .events import event_record
from .models import (
    Assignment,
    Attachment,
    Authority,
    Case,
    CaseEvent,
    Deadline,
    Membership,
    Party,
    Role,
    Visibility,
)
from .models import CaseKind as K
from .models import CaseStatus as S
from .reasons import REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS
from .references import hash_access_key, new_access_key, next_reference

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# plumbing shared by every verb


def _local_today(at: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(at or timezone.now())


def _lock(case: Case | int, expected_version: int | None = None) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update(of=("self",)).select_related("authority").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            "Hồ sơ vừa được người khác cập nhật; vui lòng xem lại thay đổi rồi thực hiện lại. / "
            "Someone else changed this case meanwhile; review the change and try again."
        )
    return locked


def _actor_role(actor, case: Case) -> str:
    if actor is None:
        return "system"
    if actor.is_superuser:
        return Role.ADMINISTRATOR
    roles = permissions.roles_for_case(actor, case)
    for role in (Role.HEAD_OF_AGENCY, Role.HEAD_OF_UNIT, Role.INSPECTOR, Role.INTAKE, Role.ADMINISTRATOR):
        if role in roles:
            return role
    return ""


def _event(case, kind, actor, *, visibility=Visibility.INTERNAL, data=None, citizen=False) -> CaseEvent:
    return event_record(
        case=case,
        kind=kind,
        actor=actor,
        actor_role="citizen" if citizen else _actor_role(actor, case),
        visibility=visibility,
        data=data or {},
    )


def _save(
    case: Case,
    actor,
    reason: str,
    fields: Sequence[str],
    events: Sequence[CaseEvent] = (),
    *,
    activity: bool = True,
    notify_secrets: dict[str, str] | None = None,
) -> Case:
    """Bump the version, record activity and write the row (and its history record).

    ``activity=False`` for what the system does to a case (escalation, stalled marking): that is not
    handling, so it must not make a stalled case look active. ``notify_secrets`` go to the
    notifications layer only (``case_submit``'s access key for the receipt), never into an event."""
    case.version += 1
    if activity:
        case.last_activity_at = timezone.now()
        case.stalled_since = None
    dl.case_refresh_next_due(case)
    case._history_user = actor
    case._change_reason = reason
    case.save(
        update_fields=sorted(
            set(fields)
            | {"version", "last_activity_at", "stalled_since", "next_due_at", "event_head", "event_count"}
            | {"updated_at"}
        )
    )
    for event in events:
        _after_commit(case, event, secrets=notify_secrets)
    return case


def _after_commit(case: Case, event: CaseEvent | None, *, secrets: dict[str, str] | None = None) -> None:
    """Side effects: notifications are written now (same transaction, outbox); the search index
    is updated by a task after commit. ``secrets`` (the receipt's access key) are handed to the
    notifications layer, which keeps them encrypted and sends them to the parties only."""
    from search.tasks import index_case_task

    if event is not None:
        from notifications.services import notify_case_event

        notify_case_event(case=case, event=event, secrets=secrets)
    transaction.on_commit(lambda: _enqueue_index(index_case_task, case.pk))


def _enqueue_index(task, case_id: int) -> None:
    # A broker outage must not undo a committed change: the reconcile task re-indexes later.
    try:
        task.delay(case_id=case_id)
    except Exception as exc:
        logger.warning(
            "search index update for case %s not queued (%s); reconcile will catch it", case_id, exc
        )
        from search.sync import mark_dirty

        mark_dirty(case_id, error=f"enqueue failed: {exc}")


def _transition(case: Case, new_status: str) -> None:
    workflow.check_transition(case.kind, case.status, new_status)
    case.status = new_status


def _reason(table, code: str, kind: str):
    reason = table.get(code)
    if reason is None or kind not in reason.kinds:
        raise ValidationError(
            "Mã lý do không hợp lệ cho loại đơn này / the reason code does not apply to this kind of case",
            field_errors={"reason_code": [f"'{code}'"]},
        )
    return reason


# --------------------------------------------------------------------------------------------
# intake


@dataclass
class PartyInput:
    full_name: str
    national_id: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    role: str = ""
    is_representative: bool = False
    identity_disclosed: bool = False
    language: str = "vi"


@dataclass
class FileInput:
    name: str
    content: bytes
    content_type: str
    kind: str = Attachment.Kind.EVIDENCE
    description: str = ""
    # Set by staff for documents that carry a denouncer's identity (Law on Denunciations Art 56(2)).
    contains_identity: bool = False


@dataclass
class SubmitResult:
    case: Case
    access_key: str
    events: list[CaseEvent] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


_PARTY_ROLE = {
    K.COMPLAINT: Party.Role.COMPLAINANT,
    K.DENUNCIATION: Party.Role.DENOUNCER,
    K.PETITION: Party.Role.PETITIONER,
}


def _validate_submission(kind, parties, subject, description, contested_act, received_on) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in K.values:
        errors["kind"] = ["Loại đơn không hợp lệ / unknown kind"]
    if not (subject or "").strip():
        errors["subject"] = ["Vui lòng nhập tiêu đề / a subject is required"]
    if not (description or "").strip():
        errors["description"] = ["Vui lòng nhập nội dung / a description is required"]
    if kind == K.ANONYMOUS_REPORT:
        if parties:
            errors["parties"] = ["Tin báo nặc danh không ghi nhân thân / an anonymous report has no parties"]
    elif not parties:
        errors["parties"] = ["Cần ít nhất một người gửi đơn / at least one person is required"]
    for i, p in enumerate(parties):
        if not p.full_name.strip():
            errors[f"parties.{i}.full_name"] = ["Vui lòng nhập họ tên / a full name is required"]
        # A denunciation needs a real name and address (Law on Denunciations Art 23(1)); without
        # them it follows the Art 25 track instead.
        if kind == K.DENUNCIATION and not p.address.strip():
            errors[f"parties.{i}.address"] = [
                "Đơn tố cáo phải ghi địa chỉ người tố cáo (Luật Tố cáo, Điều 23) / "
                "a denunciation needs the denouncer's address (Art 23)"
            ]
    if kind == K.COMPLAINT and not (contested_act or "").strip():
        errors["contested_act"] = [
            "Nêu quyết định hoặc hành vi bị khiếu nại (Luật Khiếu nại, Điều 8) / "
            "name the decision or act complained about (Art 8)"
        ]
    if len(parties) > 1 and not any(p.is_representative for p in parties):
        errors["parties"] = [
            "Nhóm người gửi đơn phải cử người đại diện (Luật Tiếp công dân, Điều 29) / "
            "a group must name its representatives (Art 29)"
        ]
    if errors:
        raise ValidationError("Thông tin đơn chưa hợp lệ / the submission is not valid", field_errors=errors)


@transaction.atomic
def case_submit(
    *,
    kind: str,
    subject: str,
    description: str,
    parties: Sequence[PartyInput],
    channel: str = Case.Channel.ONLINE,
    authority: Authority | None = None,
    contested_act: str = "",
    contested_act_known_on: dt.date | None = None,
    accused_name: str = "",
    accused_position: str = "",
    accused_authority: Authority | None = None,
    files: Sequence[FileInput] = (),
    actor=None,
    received_at: dt.datetime | None = None,
    previous_case: Case | None = None,
    complaint_level: str = "",
) -> SubmitResult:
    """Register a letter, visit or online submission: the case, its parties (identity encrypted),
    attachments, the first event and the receipt deadlines (K3 / T1 / R4; R1 for visits)."""
    _validate_submission(kind, parties, subject, description, contested_act, received_at)
    if actor is not None and not permissions.can_register_for(actor, authority):
        raise permissions.PermissionDeniedError(
            "Bạn không có quyền tiếp nhận đơn cho cơ quan này / you may not register letters for this body"
        )
    now = timezone.now()
    received_at = received_at or now
    reference = next_reference(timezone.localtime(received_at).year)
    access_key = new_access_key()
    if kind == K.COMPLAINT and not complaint_level:
        complaint_level = Case.Level.FIRST
    case = Case(
        reference=reference,
        access_key_hash=hash_access_key(reference, access_key),
        kind=kind,
        complaint_level=complaint_level if kind == K.COMPLAINT else "",
        previous_case=previous_case,
        status=S.RECEIVED,
        channel=channel,
        received_at=received_at,
        authority=authority,
        subject=subject.strip(),
        description=description.strip(),
        contested_act=contested_act.strip(),
        contested_act_known_on=contested_act_known_on,
        accused_name=accused_name.strip(),
        accused_position=accused_position.strip(),
        accused_authority=accused_authority,
        remote_area=bool(authority and authority.remote_area),
        last_activity_at=now,
    )
    case._history_user = actor
    case._change_reason = "submitted"
    case.save()

    digests = []
    for i, p in enumerate(parties):
        party = Party(
            case=case,
            role=p.role or _PARTY_ROLE.get(kind, Party.Role.COMPLAINANT),
            is_representative=p.is_representative,
            position=i,
            full_name=p.full_name.strip(),
            national_id=p.national_id.strip(),
            address=p.address.strip(),
            phone=p.phone.strip(),
            email=p.email.strip(),
            national_id_digest=blind_index(p.national_id) if p.national_id else "",
            identity_disclosed=p.identity_disclosed,
            language=p.language if p.language in ("vi", "en") else "vi",
        )
        party._history_user = actor
        party._change_reason = "submitted"
        party.save()
        if party.national_id_digest:
            digests.append(party.national_id_digest)

    for f in files:
        _attachment_create(case=case, upload=f, actor=actor, visibility=Visibility.COMPLAINANT)

    duplicates = _likely_duplicates(case, digests)
    if duplicates:
        case.duplicate_suspected = True
    event = _event(
        case,
        "case.received",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={
            "kind": kind,
            "channel": channel,
            "authority": authority.code if authority else None,
            "attachments": len(files),
            "parties": len(parties),
            "likely_duplicates": [c.reference for c in duplicates],
        },
        citizen=actor is None and channel == Case.Channel.ONLINE,
    )
    deadlines = dl.deadlines_on_receipt(case)
    # The receipt (reference and access key) goes to the parties' own e-mail/phone when given; the key
    # travels to the outbox only, encrypted there, never into the event or a log.
    secrets = {"access_key": access_key}
    _save(case, actor, "submitted", ["duplicate_suspected"], [event], notify_secrets=secrets)
    return SubmitResult(case=case, access_key=access_key, events=[event], deadlines=deadlines)


def _likely_duplicates(case: Case, digests: list[str], days: int = 30) -> list[Case]:
    """Same ID number within 30 days, of the same kind (Circular 05/2021; Law 25/2018 Art 24(3)).
    Flagged for the intake officer, never dropped."""
    if not digests:
        return []
    since = case.received_at - dt.timedelta(days=days)
    return list(
        Case.objects.filter(parties__national_id_digest__in=digests, received_at__gte=since, kind=case.kind)
        .exclude(pk=case.pk)
        .distinct()
        .order_by("-received_at")[:10]
    )


# --------------------------------------------------------------------------------------------
# triage


@transaction.atomic
def case_classify(
    *,
    case: Case,
    actor,
    kind: str | None = None,
    authority: Authority | None = None,
    complexity: str | None = None,
    remote_area: bool | None = None,
    accused_authority: Authority | None = None,
    accused_user=None,
    accused_name: str | None = None,
    expected_version: int | None = None,
) -> Case:
    """Classify a letter (xử lý đơn): kind, competent authority, complexity, accused."""
    case = _lock(case, expected_version)
    permissions.check_can("classify", actor, case)
    changes = {}
    if kind and kind != case.kind:
        if case.status != S.RECEIVED:
            raise ValidationError(
                "Chỉ đổi loại đơn khi chưa thụ lý / the kind can change only before acceptance"
            )
        changes["kind"] = [case.kind, kind]
        case.kind = kind
        case.complaint_level = Case.Level.FIRST if kind == K.COMPLAINT else ""
    if authority is not None and authority.pk != case.authority_id:
        changes["authority"] = [case.authority.code if case.authority_id else None, authority.code]
        case.authority = authority
    if complexity and complexity != case.complexity:
        if complexity not in Case.Complexity.values:
            raise ValidationError("Tính chất vụ việc không hợp lệ / unknown complexity")
        changes["complexity"] = [case.complexity, complexity]
        case.complexity = complexity
    if remote_area is not None and remote_area != case.remote_area:
        changes["remote_area"] = [case.remote_area, remote_area]
        case.remote_area = remote_area
    if accused_authority is not None:
        changes["accused_authority"] = accused_authority.code
        case.accused_authority = accused_authority
    if accused_user is not None:
        changes["accused_user"] = accused_user.pk
        case.accused_user = accused_user
    if accused_name is not None:
        case.accused_name = accused_name
    event = _event(case, "case.classified", actor, data={"changes": changes})
    dl.deadlines_recompute_variants(case)
    _save(
        case,
        actor,
        "classified",
        [
            "kind",
            "complaint_level",
            "authority",
            "complexity",
            "remote_area",
            "accused_authority",
            "accused_user",
            "accused_name",
        ],
        [event],
    )
    return case


@transaction.atomic
def case_accept(*, case: Case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """Accept (thụ lý): Law on Complaints Arts 27, 36(1); Law on Denunciations Arts 24(1), 29.
    Starts the resolution deadline (K4/K5 or T4) and, for denunciations, the notices (T3)."""
    case = _lock(case, expected_version)
    permissions.check_can("accept", actor, case)
    if case.authority_id is None:
        raise ValidationError(
            "Cần xác định cơ quan có thẩm quyền trước khi thụ lý / set the competent authority first"
        )
    _transition(case, S.ACCEPTED)
    case.accepted_at = timezone.now()
    event = _event(case, "case.accepted", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_on_accept(case)
    _save(case, actor, "accepted", ["status", "accepted_at"], [event])
    return case


@transaction.atomic
def case_reject(
    *, case: Case, actor, reason_code: str, reason_text: str = "", expected_version: int | None = None
) -> Case:
    """Not accepted (không thụ lý) with a statutory reason: Law on Complaints Art 11; Law on
    Denunciations Arts 24, 25, 29(1); letters filed under Circular 07/2014 Art 28."""
    case = _lock(case, expected_version)
    permissions.check_can("reject", actor, case)
    reason = _reason(REJECTION_REASONS, reason_code, case.kind)
    _transition(case, S.REJECTED)
    case.reason_code, case.reason_text, case.closed_at = reason.code, reason_text, timezone.now()
    event = _event(
        case,
        "case.rejected",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"reason_code": reason.code, "legal_basis": reason.legal_basis, "reason_text": reason_text},
    )
    dl.deadlines_complete(case)
    _save(
        case,
        actor,
        f"rejected: {reason.code}",
        ["status", "reason_code", "reason_text", "closed_at"],
        [event],
    )
    return case


@transaction.atomic
def case_transfer(
    *, case: Case, actor, to_authority: Authority, note: str = "", expected_version: int | None = None
) -> Case:
    """Transfer to the competent body (chuyển đơn): Law on Denunciations Art 24(2) (5 working
    days, once per same content: Circular 05/2021 Art 14(1))."""
    case = _lock(case, expected_version)
    permissions.check_can("transfer", actor, case)
    if to_authority is None or to_authority.pk == case.authority_id:
        raise ValidationError(
            "Chọn cơ quan nhận khác cơ quan hiện tại / choose a receiving body other than the current one",
            field_errors={"to_authority": ["required"]},
        )
    if not to_authority.is_valid_on(_local_today()):
        raise ValidationError("Cơ quan nhận không còn hiệu lực / the receiving body no longer exists")
    if case.kind == K.DENUNCIATION and case.transfer_count >= 1:
        raise ValidationError(
            "Đơn tố cáo cùng nội dung chỉ được chuyển một lần (Thông tư 05/2021, Điều 14) / "
            "a denunciation with the same content is transferred only once (Circular 05/2021 Art 14)"
        )
    _transition(case, S.TRANSFERRED)
    from_code = case.authority.code if case.authority_id else None
    case.transferred_to = to_authority
    case.transfer_count += 1
    case.closed_at = timezone.now()
    event = _event(
        case,
        "case.transferred",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"from": from_code, "to": to_authority.code, "to_name": to_authority.name_vi, "note": note},
    )
    dl.deadlines_complete(case)
    _save(
        case,
        actor,
        f"transferred to {to_authority.code}",
        ["status", "transferred_to", "transfer_count", "closed_at"],
        [event],
    )
    return case


@transaction.atomic
def case_guide(
    *,
    case: Case,
    actor,
    guidance: str,
    to_authority: Authority | None = None,
    expected_version: int | None = None,
) -> Case:
    """Guide the citizen to the competent body (hướng dẫn), once: Law 42/2013 Art 26;
    Circular 07/2014 Art 8."""
    case = _lock(case, expected_version)
    permissions.check_can("guide", actor, case)
    if not guidance.strip():
        raise ValidationError(
            "Nhập nội dung hướng dẫn / write the guidance", field_errors={"guidance": ["required"]}
        )
    _transition(case, S.GUIDED)
    case.reason_text = guidance
    case.closed_at = timezone.now()
    event = _event(
        case,
        "case.guided",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"guidance": guidance, "to": to_authority.code if to_authority else None},
    )
    dl.deadlines_complete(case)
    _save(case, actor, "guided", ["status", "reason_text", "closed_at"], [event])
    return case


@transaction.atomic
def case_merge_duplicate(
    *, case: Case, actor, into: Case, note: str = "", expected_version: int | None = None
) -> Case:
    """Merge a duplicate letter into the case that carries the matter (Law 25/2018 Art 24(3);
    Circular 07/2014 Art 6(2)(b)). The duplicate keeps its own history and points to the original."""
    if into.pk == case.pk:
        raise ValidationError("Không thể gộp hồ sơ vào chính nó / a case cannot be merged into itself")
    # Lock both rows in primary-key order so two opposite merges cannot deadlock.
    list(Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk"))
    case = _lock(case, expected_version)
    into = _lock(into)
    permissions.check_can("merge", actor, case)
    permissions.check_can("view", actor, into)
    if into.status == S.MERGED:
        raise ValidationError("Hồ sơ đích cũng là hồ sơ trùng / the target is itself a merged duplicate")
    _transition(case, S.MERGED)
    case.merged_into = into
    case.closed_at = timezone.now()
    event = _event(
        case,
        "case.merged",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"into": into.reference, "note": note},
    )
    dl.deadlines_complete(case)
    _save(case, actor, f"merged into {into.reference}", ["status", "merged_into", "closed_at"], [event])
    linked = _event(into, "case.duplicate_linked", actor, data={"duplicate": case.reference})
    _save(into, actor, f"duplicate {case.reference} merged", [], [linked])
    return case


@transaction.atomic
def case_link(*, case: Case, actor, other: Case, note: str = "", expected_version: int | None = None) -> Case:
    """Link a letter to a related case without merging it (same person or matter, but not the
    same content): both timelines record the link and the duplicate flag is cleared."""
    if other.pk == case.pk:
        raise ValidationError("Không thể liên kết hồ sơ với chính nó / a case cannot be linked to itself")
    list(Case.objects.select_for_update().filter(pk__in=[case.pk, other.pk]).order_by("pk"))
    case = _lock(case, expected_version)
    other = _lock(other)
    permissions.check_can("merge", actor, case)
    permissions.check_can("view", actor, other)
    case.duplicate_suspected = False
    event = _event(case, "case.linked", actor, data={"other": other.reference, "note": note})
    _save(case, actor, f"linked to {other.reference}", ["duplicate_suspected"], [event])
    back = _event(other, "case.linked", actor, data={"other": case.reference, "note": note})
    _save(other, actor, f"linked to {case.reference}", [], [back])
    return case


# --------------------------------------------------------------------------------------------
# handling


def _conflict_reason(case: Case, assignee) -> str | None:
    if case.accused_user_id and case.accused_user_id == assignee.pk:
        return "người được giao là người bị khiếu nại/tố cáo / the assignee is the person accused"
    if case.accused_authority_id:
        accused_path = case.accused_authority.path
        for path in Membership.objects.filter(user=assignee, active=True).values_list(
            "authority__path", flat=True
        ):
            if path.startswith(accused_path):
                return (
                    "người được giao thuộc đơn vị bị khiếu nại/tố cáo / "
                    "the assignee belongs to the unit accused"
                )
    return None


@transaction.atomic
def case_assign(
    *, case: Case, actor, assignee, reason: str = "", expected_version: int | None = None
) -> Case:
    """Assign a handler. Refuses the person accused and anyone in the unit accused (conflict of
    interest; Decree 31/2019 Art 10 excludes relatives and interested persons from verification)."""
    case = _lock(case, expected_version)
    permissions.check_can("assign", actor, case)
    if case.status not in workflow.OPEN_STATES:
        raise ValidationError("Hồ sơ đã kết thúc, không thể phân công / the case is no longer open")
    conflict = _conflict_reason(case, assignee)
    if conflict:
        raise ConflictOfInterestError(f"Không thể phân công: {conflict}")
    probe_roles = permissions.roles_for_case(assignee, case)
    if not assignee.is_superuser and not (
        probe_roles & {Role.INSPECTOR, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY}
    ):
        raise ValidationError(
            "Người được giao không thuộc cơ quan giải quyết / the assignee does not work for this authority"
        )
    if case.assignee_id == assignee.pk:
        raise ValidationError("Hồ sơ đã được giao cho người này / already assigned to this person")
    now = timezone.now()
    previous = case.assignee_id
    for current in Assignment.objects.filter(case=case, ended_at__isnull=True):
        current.ended_at = now
        current._history_user = actor
        current._change_reason = "reassigned"
        current.save(update_fields=["ended_at"])
    assignment = Assignment(case=case, assignee=assignee, assigned_by=actor, reason=reason, started_at=now)
    assignment._history_user = actor
    assignment._change_reason = "assigned"
    assignment.save()
    if previous:
        case.reassignment_count += 1
    case.assignee = assignee
    event = _event(
        case, "case.assigned", actor, data={"assignee": assignee.pk, "previous": previous, "reason": reason}
    )
    _save(case, actor, "assigned", ["assignee", "reassignment_count"], [event])
    return case


@transaction.atomic
def case_start_verification(
    *, case: Case, actor, plan: str = "", team: Sequence = (), expected_version: int | None = None
) -> Case:
    """Start verification (xác minh): Law on Complaints Art 29; Law on Denunciations Art 31;
    Decree 31/2019 Art 10 (team of at least two, no conflicts)."""
    case = _lock(case, expected_version)
    permissions.check_can("verify", actor, case)
    for member in team:
        conflict = _conflict_reason(case, member)
        if conflict:
            raise ConflictOfInterestError(f"Không thể cử vào tổ xác minh: {conflict}")
    _transition(case, S.VERIFYING)
    event = _event(
        case, "case.verification_started", actor, data={"plan": plan, "team": [m.pk for m in team]}
    )
    _save(case, actor, "verification started", ["status"], [event])
    return case


@transaction.atomic
def case_schedule_dialogue(
    *, case: Case, actor, when: dt.datetime, place: str, agenda: str = "", expected_version: int | None = None
) -> Case:
    """Dialogue with the complainant (đối thoại): Law on Complaints Arts 30, 39."""
    case = _lock(case, expected_version)
    permissions.check_can("dialogue", actor, case)
    if not workflow.allows_dialogue(case.kind):
        raise ValidationError("Chỉ khiếu nại mới có đối thoại / only complaints have a dialogue")
    if when <= timezone.now():
        raise ValidationError(
            "Thời điểm đối thoại phải ở tương lai / the dialogue must be in the future",
            field_errors={"when": ["past"]},
        )
    if not place.strip():
        raise ValidationError("Nhập địa điểm / a place is required", field_errors={"place": ["required"]})
    _transition(case, S.DIALOGUE)
    event = _event(
        case,
        "case.dialogue_scheduled",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"when": when.isoformat(), "place": place, "agenda": agenda},
    )
    _save(case, actor, "dialogue scheduled", ["status"], [event])
    return case


@transaction.atomic
def case_extend(
    *,
    case: Case,
    actor,
    days: int,
    decision_number: str,
    justification: str,
    expected_version: int | None = None,
) -> Case:
    """Extend the denunciation resolution period (gia hạn): Law on Denunciations Art 30; Decree
    31/2019 Art 3 — at most once if complex, twice if especially complex, each ≤ 30 days, each a
    written decision (Mẫu 01) sent to the denouncer and the accused."""
    case = _lock(case, expected_version)
    permissions.check_can("extend", actor, case)
    if not workflow.allows_extension(case.kind, case.status):
        raise ValidationError(
            "Chỉ gia hạn giải quyết tố cáo đang thụ lý (Luật Tố cáo, Điều 30) / "
            "only an accepted denunciation can be extended (Art 30)"
        )
    if not decision_number.strip() or not justification.strip():
        raise ValidationError(
            "Cần số quyết định gia hạn và lý do / the decision number and justification are required",
            field_errors={"decision_number": ["required"], "justification": ["required"]},
        )
    deadline = dl.deadline_extend(case, days=days)
    case.extension_count += 1
    event = _event(
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
    _save(case, actor, f"extended ({decision_number})", ["extension_count"], [event])
    return case


@transaction.atomic
def case_suspend(
    *, case: Case, actor, reason_code: str, reason_text: str = "", expected_version: int | None = None
) -> Case:
    """Suspend resolution (tạm đình chỉ): Law on Denunciations Art 34(1)–(2) — the suspended time
    is not counted; complaints per the 2026 amendment (Art 11a, unconfirmed)."""
    case = _lock(case, expected_version)
    permissions.check_can("suspend", actor, case)
    reason = _reason(SUSPENSION_REASONS, reason_code, case.kind)
    previous = case.status
    _transition(case, S.SUSPENDED)
    case.status_before_suspension = previous
    case.suspension_count += 1
    case.reason_code, case.reason_text = reason.code, reason_text
    event = _event(
        case,
        "case.suspended",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"reason_code": reason.code, "legal_basis": reason.legal_basis, "reason_text": reason_text},
    )
    dl.deadlines_pause(case)
    dl.deadlines_on_suspend_or_end(case)
    _save(
        case,
        actor,
        f"suspended: {reason.code}",
        ["status", "status_before_suspension", "suspension_count", "reason_code", "reason_text"],
        [event],
    )
    return case


@transaction.atomic
def case_resume(*, case: Case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """Resume at once when the ground for suspension ends (Law on Denunciations Art 34(2))."""
    case = _lock(case, expected_version)
    permissions.check_can("resume", actor, case)
    target = case.status_before_suspension or S.ACCEPTED
    _transition(case, target)
    case.status_before_suspension = ""
    event = _event(case, "case.resumed", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_resume(case)
    _save(case, actor, "resumed", ["status", "status_before_suspension"], [event])
    return case


@transaction.atomic
def case_withdraw(
    *,
    case: Case,
    actor,
    statement: str = "",
    continue_resolution: bool = False,
    continue_reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Withdrawal (rút đơn), allowed until the decision or conclusion: Law on Complaints Art 10;
    Law on Denunciations Art 33. A denunciation must still be resolved when the act shows signs of
    a violation or the withdrawal was coerced (Art 33(3)): ``continue_resolution`` records that."""
    case = _lock(case, expected_version)
    if actor is not None:
        permissions.check_can("withdraw", actor, case)
    if case.status not in workflow.WITHDRAWABLE_STATES:
        raise ValidationError(
            "Không thể rút đơn sau khi đã có quyết định hoặc kết luận / "
            "a case cannot be withdrawn after the decision or conclusion"
        )
    if continue_resolution:
        if case.kind != K.DENUNCIATION or not continue_reason.strip():
            raise ValidationError(
                "Chỉ tiếp tục giải quyết tố cáo đã rút khi có căn cứ tại Điều 33 khoản 3 / "
                "continuing after withdrawal needs an Art 33(3) ground"
            )
        event = _event(
            case,
            "case.withdrawal_overridden",
            actor,
            visibility=Visibility.COMPLAINANT,
            data={"statement": statement, "reason": continue_reason},
            citizen=actor is None,
        )
        _save(case, actor, "withdrawal recorded; resolution continues (Art 33(3))", [], [event])
        return case
    _transition(case, S.WITHDRAWN)
    event = _event(
        case,
        "case.withdrawn",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"statement": statement},
        citizen=actor is None,
    )
    dl.deadlines_complete(case)
    dl.deadlines_on_suspend_or_end(case)
    _save(case, actor, "withdrawn", ["status"], [event])
    return case


@transaction.atomic
def case_terminate(
    *, case: Case, actor, reason_code: str, reason_text: str = "", expected_version: int | None = None
) -> Case:
    """End resolution (đình chỉ) with a statutory reason: Law on Complaints Art 10; Law on
    Denunciations Art 34(3); the decision goes out within 5 working days (Art 34(4), T5)."""
    case = _lock(case, expected_version)
    permissions.check_can("terminate", actor, case)
    reason = _reason(TERMINATION_REASONS, reason_code, case.kind)
    _transition(case, S.TERMINATED)
    case.reason_code, case.reason_text = reason.code, reason_text
    event = _event(
        case,
        "case.terminated",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"reason_code": reason.code, "legal_basis": reason.legal_basis, "reason_text": reason_text},
    )
    dl.deadlines_complete(case)
    dl.deadlines_on_suspend_or_end(case)
    _save(case, actor, f"terminated: {reason.code}", ["status", "reason_code", "reason_text"], [event])
    return case


_OUTCOMES = {
    K.COMPLAINT: {Case.Outcome.RIGHT, Case.Outcome.PARTLY_RIGHT, Case.Outcome.WRONG},
    K.DENUNCIATION: {Case.Outcome.TRUE, Case.Outcome.PARTLY_TRUE, Case.Outcome.FALSE},
    K.PETITION: {Case.Outcome.ANSWERED},
    K.ANONYMOUS_REPORT: {Case.Outcome.NO_VIOLATION, Case.Outcome.VIOLATION_FOUND},
}


@transaction.atomic
def case_conclude(
    *,
    case: Case,
    actor,
    outcome: str,
    summary: str,
    decision_number: str = "",
    decision_file: FileInput | None = None,
    expected_version: int | None = None,
) -> Case:
    """Decide a complaint (Law on Complaints Arts 31, 40: right / partly right / wrong), conclude a
    denunciation (Law on Denunciations Art 35: true / partly true / false), answer a petition or
    close an information check. Starts the sending and publication deadlines (K7/K9, T6, T8)."""
    case = _lock(case, expected_version)
    permissions.check_can("conclude", actor, case)
    if outcome not in _OUTCOMES[case.kind]:
        raise ValidationError(
            "Kết quả không phù hợp với loại đơn / the outcome does not fit this kind of case",
            field_errors={"outcome": [outcome]},
        )
    if not summary.strip():
        raise ValidationError(
            "Nhập tóm tắt kết quả / a summary is required", field_errors={"summary": ["required"]}
        )
    target = S.CONCLUDED if case.kind in (K.DENUNCIATION, K.ANONYMOUS_REPORT) else S.DECIDED
    _transition(case, target)
    case.outcome, case.outcome_summary, case.decided_at = outcome, summary, timezone.now()
    attachment = None
    if decision_file is not None:
        attachment = _attachment_create(
            case=case,
            upload=decision_file,
            actor=actor,
            visibility=Visibility.COMPLAINANT,
            kind=Attachment.Kind.DECISION,
        )
    event = _event(
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
    dl.deadlines_complete(case)
    dl.deadlines_on_conclusion(case)
    _save(
        case, actor, f"{target}: {outcome}", ["status", "outcome", "outcome_summary", "decided_at"], [event]
    )
    return case


@transaction.atomic
def case_publish(
    *, case: Case, actor, channel: str, note: str = "", expected_version: int | None = None
) -> Case:
    """Publish the decision or conclusion (Law on Complaints Art 41(2); Law on Denunciations Art 40,
    which forbids revealing the denouncer: only outcome and summary are published)."""
    case = _lock(case, expected_version)
    permissions.check_can("publish", actor, case)
    if not channel.strip():
        raise ValidationError(
            "Nêu hình thức công khai / name the publication channel", field_errors={"channel": ["required"]}
        )
    _transition(case, S.PUBLISHED)
    event = _event(
        case,
        "case.published",
        actor,
        visibility=Visibility.PUBLIC,
        data={"channel": channel, "note": note, "outcome": case.outcome},
    )
    dl.deadlines_complete(case, codes={"T8", "K10"})
    _save(case, actor, "published", ["status"], [event])
    return case


@transaction.atomic
def case_close(*, case: Case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """Close the file (lập, đóng hồ sơ: Law on Complaints Art 34; Law on Denunciations Art 39)."""
    case = _lock(case, expected_version)
    permissions.check_can("close", actor, case)
    _transition(case, S.CLOSED)
    case.closed_at = timezone.now()
    event = _event(case, "case.closed", actor, visibility=Visibility.COMPLAINANT, data={"note": note})
    dl.deadlines_complete(case)
    _save(case, actor, "closed", ["status", "closed_at"], [event])
    return case


@transaction.atomic
def case_open_second_level(
    *,
    case: Case,
    actor,
    description: str,
    received_at: dt.datetime | None = None,
    files: Sequence[FileInput] = (),
) -> SubmitResult:
    """A second-level complaint (Law on Complaints Arts 7, 33) or a re-denunciation (Law on
    Denunciations Art 37) goes to the direct superior of the first resolver as a linked case."""
    first = _lock(case)
    permissions.check_can("view", actor, first)
    if first.kind not in (K.COMPLAINT, K.DENUNCIATION):
        raise ValidationError("Chỉ khiếu nại, tố cáo mới có lần hai / only complaints and denunciations")
    if first.kind == K.COMPLAINT and first.complaint_level == Case.Level.SECOND:
        raise ValidationError(
            "Đã là khiếu nại lần hai; tiếp theo là khởi kiện tại Tòa án (Điều 7) / "
            "already second level; next is the court (Art 7)"
        )
    if first.status not in (
        S.DECIDED,
        S.CONCLUDED,
        S.PUBLISHED,
        S.CLOSED,
        S.ACCEPTED,
        S.VERIFYING,
        S.DIALOGUE,
    ):
        raise ValidationError("Hồ sơ lần đầu chưa được thụ lý / the first case was never accepted")
    superior = first.authority.parent if first.authority_id else None
    if superior is None:
        raise ValidationError("Không có cơ quan cấp trên trực tiếp / there is no direct superior authority")
    if actor is not None and not permissions.can_register_for(actor, superior):
        raise permissions.PermissionDeniedError(
            "Bạn không tiếp nhận đơn cho cơ quan cấp trên / not your authority"
        )
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
        channel=Case.Channel.IN_PERSON if actor else Case.Channel.ONLINE,
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
    )
    linked = _event(
        first,
        "case.followed_up",
        actor,
        visibility=Visibility.COMPLAINANT,
        data={"later_case": result.case.reference},
    )
    _save(first, actor, f"second level {result.case.reference}", [], [linked])
    return result


@transaction.atomic
def case_escalate(
    *, case: Case, actor, level: int, reason: str, deadline_id: int | None = None, data: dict | None = None
) -> Case:
    """Raise the escalation level (the sweep in ``cases.escalation`` calls this; heads may too).
    Level 3 on a denunciation records the superior's report request (Law on Denunciations Art 38(2),
    5 working days: rule T10)."""
    case = _lock(case)
    permissions.check_can("escalate", actor, case)
    if level <= case.escalation_level:
        raise ValidationError("Cấp cảnh báo phải cao hơn hiện tại / the level must go up")
    previous = case.escalation_level
    case.escalation_level = level
    event = _event(
        case,
        "case.escalated",
        actor,
        data={"from": previous, "to": level, "reason": reason, "deadline": deadline_id, **(data or {})},
    )
    if level >= 3 and case.kind == K.DENUNCIATION:
        dl.deadlines_start(case, ["T10"], trigger=_local_today())
    _save(
        case, actor, f"escalated to level {level}", ["escalation_level"], [event], activity=actor is not None
    )
    return case


@transaction.atomic
def note_add(*, case: Case, actor, text: str, visibility: str = Visibility.INTERNAL) -> CaseEvent:
    """An internal note (or a message to the complainant when visibility says so)."""
    case = _lock(case)
    permissions.check_can("note", actor, case)
    if not text.strip():
        raise ValidationError(
            "Nội dung ghi chú trống / the note is empty", field_errors={"text": ["required"]}
        )
    if visibility not in Visibility.values:
        raise ValidationError("Phạm vi hiển thị không hợp lệ / unknown visibility")
    event = _event(case, "note.added", actor, visibility=visibility, data={"text": text})
    _save(case, actor, "note added", [], [event])
    return event


# --------------------------------------------------------------------------------------------
# attachments

ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
TYPE_ERROR = "chỉ nhận PDF, JPEG, PNG, DOCX, ODT / only PDF, JPEG, PNG, DOCX and ODT files"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
MAX_TOTAL_BYTES = 50 * 1024 * 1024


def sniff_content_type(content: bytes) -> str | None:
    """The type from the bytes, never from the name or the header the client sent."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                names = set(zf.namelist())
                if "mimetype" in names:
                    mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.text":
                        return mimetype
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        except zipfile.BadZipFile:
            return None
    return None


def sanitise_filename(name: str) -> str:
    import re
    import unicodedata

    base = Path(name or "").name
    base = base.replace("Đ", "D").replace("đ", "d")  # đ has no ASCII decomposition
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "tep"
    return base[:120]


def validate_files(files: Sequence[FileInput], existing_count: int = 0, existing_bytes: int = 0) -> None:
    errors = []
    if len(files) + existing_count > MAX_FILES:
        errors.append(f"Tối đa {MAX_FILES} tệp / at most {MAX_FILES} files")
    total = existing_bytes
    for f in files:
        total += len(f.content)
        if len(f.content) > MAX_FILE_BYTES:
            errors.append(f"{sanitise_filename(f.name)}: quá 20 MB / larger than 20 MB")
        elif sniff_content_type(f.content) is None:
            errors.append(f"{sanitise_filename(f.name)}: {TYPE_ERROR}")
    if total > MAX_TOTAL_BYTES:
        errors.append("Tổng dung lượng quá 50 MB / more than 50 MB in total")
    if errors:
        raise ValidationError(
            "Tệp đính kèm không hợp lệ / invalid attachments", field_errors={"files": errors}
        )


def _private_storage():
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT)


def _attachment_create(
    *, case: Case, upload: FileInput, actor, visibility: str, kind: str | None = None
) -> Attachment:
    validate_files([upload])
    content_type = sniff_content_type(upload.content)
    digest = hashlib.sha256(upload.content).hexdigest()
    safe = sanitise_filename(upload.name)
    stem = Path(safe).stem[:80] or "tep"
    stored_name = f"{case.reference}/{digest[:16]}-{stem}{ALLOWED_TYPES[content_type]}"
    storage = _private_storage()
    saved = storage.save(stored_name, ContentFile(upload.content))
    attachment = Attachment(
        case=case,
        original_name=f"{stem}{ALLOWED_TYPES[content_type]}",
        sha256=digest,
        size=len(upload.content),
        content_type=content_type,
        kind=kind or upload.kind,
        visibility=visibility,
        contains_identity=upload.contains_identity or (case.kind == K.DENUNCIATION and actor is None),
        description=upload.description[:300],
        uploaded_by=actor,
    )
    attachment.file.name = saved
    attachment._history_user = actor
    attachment._change_reason = "uploaded"
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(
    *, case: Case, actor, files: Sequence[FileInput], visibility: str = Visibility.INTERNAL, note: str = ""
) -> list[Attachment]:
    """Add documents: staff (visibility chosen) or the complainant through tracking (actor None)."""
    created, _ = _attachments_add(case=case, actor=actor, files=files, visibility=visibility, note=note)
    return created


def _attachments_add(
    *, case: Case, actor, files: Sequence[FileInput], visibility: str, note: str
) -> tuple[list[Attachment], CaseEvent]:
    case = _lock(case)
    if actor is not None:
        permissions.check_can("attach", actor, case)
    elif case.status not in workflow.OPEN_STATES:
        raise ValidationError("Hồ sơ đã kết thúc / the case is closed")
    if not files:
        raise ValidationError("Chưa chọn tệp / no file chosen", field_errors={"files": ["required"]})
    existing = case.attachments.filter(uploaded_by__isnull=True) if actor is None else case.attachments.none()
    validate_files(files, existing.count(), sum(existing.values_list("size", flat=True)))
    created = [
        _attachment_create(
            case=case,
            upload=f,
            actor=actor,
            visibility=Visibility.COMPLAINANT if actor is None else visibility,
            kind=Attachment.Kind.SUPPLEMENT if actor is None else f.kind,
        )
        for f in files
    ]
    event = _event(
        case,
        "attachment.added",
        actor,
        visibility=Visibility.COMPLAINANT
        if (actor is None or visibility != Visibility.INTERNAL)
        else Visibility.INTERNAL,
        data={
            "attachments": [a.pk for a in created],
            "names": [a.original_name for a in created],
            "note": note,
        },
        citizen=actor is None,
    )
    _save(case, actor, "attachments added", [], [event], activity=actor is not None)
    return created, event


SUPPLEMENT_TEXT_MAX = 4000


@transaction.atomic
def case_supplement(*, case: Case, text: str = "", files: Sequence[FileInput] = ()) -> CaseEvent:
    """The complainant or denouncer adds to their open case through tracking: information in
    writing, documents, or both (Law on Complaints 2011 Art 12(1): present evidence and explain it;
    Law on Denunciations 2018 Art 9(2)(b): provide the information and documents one has). With
    files it is ``attachment_add`` with the text as its note; without, a ``case.supplemented``
    event the handler sees in the timeline. Returns the event."""
    text = (text or "").strip()
    if "\x00" in text:
        raise ValidationError("Nội dung không hợp lệ / invalid text", field_errors={"text": ["invalid"]})
    if len(text) > SUPPLEMENT_TEXT_MAX:
        raise ValidationError(
            f"Nội dung tối đa {SUPPLEMENT_TEXT_MAX} ký tự / at most {SUPPLEMENT_TEXT_MAX} characters",
            field_errors={"text": ["too long"]},
        )
    if files:
        _created, event = _attachments_add(
            case=case, actor=None, files=files, visibility=Visibility.COMPLAINANT, note=text
        )
        return event
    if not text:
        raise ValidationError(
            "Vui lòng nhập nội dung bổ sung hoặc chọn tệp / write the information or choose a file",
            field_errors={"text": ["required"]},
        )
    case = _lock(case)
    if case.status not in workflow.OPEN_STATES:
        raise ValidationError("Hồ sơ đã kết thúc / the case is closed")
    event = _event(
        case, "case.supplemented", None, visibility=Visibility.COMPLAINANT, data={"text": text}, citizen=True
    )
    # What the citizen sends is not handling: it must not make a stalled case look active.
    _save(case, None, "supplement", [], [event], activity=False)
    return event
