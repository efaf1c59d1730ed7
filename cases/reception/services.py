"""Every change to the reception register, one function per verb (keyword-only, explicit actor,
one transaction). The rules they ask are ``cases.rules`` (reception section) and the deadline
engine; the case a visit brings is made by ``cases.services.case_submit`` and handled by the case
verbs (``case_guide``, ``case_transfer``), so the case's history, events, deadlines and the
after-change port are the case domain's own.

- ``visit_record``: one entry of the register (a person or a group, the content, how it was
  handled, the documents received), with the case when the visit brings a letter.
- ``refusal_notice_issue``: the written refusal notice (Law Art 9(3); Decree 154/2026 Art 4(3)).
- ``session_plan`` / ``session_cancel`` / ``session_conclude``: the head's reception session and its
  notice of conclusions, whose instructions each open an R7 deadline on their case.
- ``instruction_report``: the unit reports the result; the deadline is met.
- ``visit_identity_reveal``: reading a visitor's identity, logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import deadline_services as dl
from cases import permissions, rules, services, workflow
from cases.actors import Actor, history_user, is_staff_user
from cases.crypto import blind_index
from cases.errors import PermissionDeniedError, Text, ValidationError
from cases.models import Authority, Case, Membership, Role, Visibility
from cases.services.base import lock, record, save

from .models import (
    HeadSession,
    Instruction,
    ReceivedDocument,
    ReceptionPlace,
    Refusal,
    RegisterCounter,
    Visit,
    VisitIdentityAccess,
    VisitPerson,
)

H = Visit.Handling
C = Visit.Content
CASE_HANDLINGS = frozenset({H.RECEIVED, H.GUIDED, H.TRANSFERRED, H.URGED})
REFERRAL_HANDLINGS = frozenset({H.TRANSFERRED, H.URGED})


@dataclass
class PersonInput:
    full_name: str
    national_id: str = ""
    id_issued: str = ""
    address: str = ""
    phone: str = ""
    is_representative: bool = False


@dataclass
class DocumentInput:
    name: str
    pages: int = 1
    condition: str = ReceivedDocument.Condition.PHOTOCOPY
    note: str = ""


@dataclass
class VisitResult:
    visit: Visit
    case: Case | None = None
    access_key: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class InstructionInput:
    case: Case
    unit: Authority
    content: str
    due_date: dt.date


# ------------------------------------------------------------------------------ permissions


def _memberships(user) -> list[tuple[str, str]]:
    return permissions._memberships(user)


def _roles_over(user, authority: Authority) -> set[str]:
    """Roles ``user`` holds over ``authority`` (there or at a body above it)."""
    if not is_staff_user(user) or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {role for role, path in _memberships(user) if authority.path.startswith(path)}


def user_can_view_register(user, authority: Authority) -> bool:
    """Staff of the authority or a body above it, and oversight auditors (read only)."""
    if not is_staff_user(user) or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or permissions.is_auditor(user):
        return True
    return bool(_roles_over(user, authority))


def user_can_record_visit(user, authority: Authority) -> bool:
    """Reception officers (the intake role) and heads of the authority or above (never auditors)."""
    return permissions.can_register_for(user, authority) if is_staff_user(user) else False


def user_can_view_visit_identity(user, visit: Visit) -> bool:
    """Who may read a visitor's identity: the holders of the identity permission with a role that
    reads identity (``permissions.ACTION_ROLES['view_identity']``) over the visit's authority."""
    if not is_staff_user(user) or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if permissions.is_auditor(user):
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("cases.view_identity"):
        return False
    return bool(_roles_over(user, visit.authority) & permissions.ACTION_ROLES["view_identity"])


def user_is_head_of(user, authority: Authority) -> bool:
    """Holds the head-of-agency role at exactly this authority."""
    if not is_staff_user(user) or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, authority=authority, role=Role.HEAD_OF_AGENCY, active=True
    ).exists()


def user_can_manage_sessions(user, authority: Authority) -> bool:
    """Plan and record heads' sessions: reception officers and heads of the authority or above."""
    if not is_staff_user(user) or permissions.is_auditor(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(
        _roles_over(user, authority)
        & {Role.INTAKE, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY, Role.ADMINISTRATOR}
    )


def user_can_report_instruction(user, instruction: Instruction) -> bool:
    """The instructed unit's staff (any acting role) or whoever manages the session's reception."""
    if not is_staff_user(user) or permissions.is_auditor(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    acting = {Role.INSPECTOR, Role.HEAD_OF_UNIT, Role.HEAD_OF_AGENCY, Role.INTAKE, Role.ADMINISTRATOR}
    return bool(_roles_over(user, instruction.unit) & acting) or user_can_manage_sessions(
        user, instruction.session.authority
    )


def _deny(message: Text) -> None:
    raise PermissionDeniedError(message)


# ------------------------------------------------------------------------------ helpers


def _clean(field: str, value: str | None, *, required: bool = False, limit_key: str | None = None) -> str:
    text = (value or "").strip()
    problem = rules.text_problem(limit_key or field, text, required=required)
    if problem:
        raise ValidationError(problem, field_errors={field: [problem]})
    return text


def _next_number(authority: Authority, year: int) -> int:
    counter, _created = RegisterCounter.objects.select_for_update().get_or_create(
        authority=authority, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _validate_persons(
    persons: Sequence[PersonInput], group_size: int, day: dt.date, *, identity_needed: bool
) -> dict[str, list[Text]]:
    errors: dict[str, list[Text]] = {}
    if not persons:
        errors["persons"] = [_("Ghi ít nhất một người đến tiếp (người đại diện nếu là đoàn).")]
        return errors
    if group_size < len(persons):
        errors["group_size"] = [_("Số người cùng nội dung không ít hơn số người đã ghi tên.")]
    for i, p in enumerate(persons):
        for name in ("full_name", "national_id", "address", "phone"):
            problem = rules.text_problem(name, getattr(p, name) or "")
            if problem:
                errors.setdefault(f"persons.{i}.{name}", []).append(problem)
        problem = rules.text_problem("place", p.id_issued or "")
        if problem:
            errors.setdefault(f"persons.{i}.id_issued", []).append(problem)
    representatives = [p for p in persons if p.is_representative]
    checked = representatives or persons[:1]
    for i, p in enumerate(persons):
        if p in checked:
            if identity_needed:
                problem = rules.visitor_identity_problem(
                    day, full_name=p.full_name, address=p.address, national_id=p.national_id
                )
            else:
                problem = (
                    None
                    if p.full_name.strip()
                    else _("Ghi họ tên người đến (Luật Tiếp công dân 2013, Điều 25).")
                )
            if problem:
                errors.setdefault(f"persons.{i}.full_name", []).append(problem)
        elif not p.full_name.strip():
            errors.setdefault(f"persons.{i}.full_name", []).append(_("Vui lòng nhập họ tên."))
    verdict = rules.representatives_verdict(group_size, len(representatives))
    if not verdict:
        errors.setdefault("persons", []).append(verdict.reason)
    elif len(persons) > 1 and not representatives:
        errors.setdefault("persons", []).append(
            _("Nhóm người đến tiếp phải cử người đại diện (Luật Tiếp công dân 2013, Điều 29).")
        )
    return errors


def _matter(previous_visit: Visit | None, case: Case | None, created_case: bool) -> tuple[str, bool]:
    """(matter key, repeat): a visit about a matter received before is a repeat visit."""
    if previous_visit is not None:
        return previous_visit.matter_key, True
    if case is not None:
        earlier = Visit.objects.filter(matter_key=f"case:{case.pk}").exists()
        return f"case:{case.pk}", bool(earlier or not created_case)
    return "", False


# ------------------------------------------------------------------------------ visits


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    authority: Authority,
    content_kind: str,
    summary: str,
    handling: str,
    persons: Sequence[PersonInput],
    received_at: dt.datetime | None = None,
    place: ReceptionPlace | None = None,
    session: HeadSession | None = None,
    channel: str = Visit.Channel.IN_PERSON,
    request: str = "",
    group_size: int | None = None,
    prior_resolution: str = "",
    in_competence: bool = True,
    referred_to: Authority | None = None,
    referred_to_text: str = "",
    referral_number: str = "",
    guidance: str = "",
    existing_case: Case | None = None,
    previous_visit: Visit | None = None,
    documents: Sequence[DocumentInput] = (),
    files: Sequence[services.FileInput] = (),
    subject: str = "",
    contested_act: str = "",
    contested_act_known_on: dt.date | None = None,
    accused_name: str = "",
    accused_position: str = "",
    accused_authority: Authority | None = None,
    refusal_ground: str = "",
    refusal_explanation: str = "",
    grounds_on: dt.date | None = None,
    receipt_number: str = "",
    follow_up: str = "",
    note: str = "",
) -> VisitResult:
    """Write one entry of the reception register (Law on Citizen Reception 2013 Art 25(2); Decree
    154/2026 Art 27(1), Mẫu 03/TCD) and do what its handling means (Art 26):

    - ``received``: the letter (or the record of what was said, Art 25(2)) becomes a case of
      ``authority`` through ``case_submit`` (channel in person: R1 starts, Art 28(1));
    - ``guided`` / ``transferred`` / ``urged``: the case is registered and at once guided
      (``case_guide``) or transferred (``case_transfer``) to ``referred_to``;
    - ``explained``: no new case (an ``existing_case`` it is about may be linked);
    - ``refused``: a ``Refusal`` with the ground in force that day (Art 9; Decree 154 Art 4).

    Everything happens in one transaction: a refusal by the case domain leaves nothing written."""
    if not user_can_record_visit(actor, authority):
        _deny(_("Bạn không có quyền ghi sổ tiếp công dân cho cơ quan này."))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationError(
            _("Thời gian tiếp không được sau thời điểm hiện tại."),
            field_errors={"received_at": [_("Thời gian tiếp không được sau thời điểm hiện tại.")]},
        )
    day = timezone.localtime(received_at).date()
    errors: dict[str, list[Text]] = {}
    if content_kind not in C.values:
        errors["content_kind"] = [_("Loại nội dung không hợp lệ.")]
    if handling not in H.values:
        errors["handling"] = [_("Kết quả xử lý không hợp lệ.")]
    if channel not in Visit.Channel.values:
        errors["channel"] = [_("Hình thức tiếp không hợp lệ.")]
    elif channel == Visit.Channel.ONLINE and day < dt.date(2026, 7, 1):
        errors["channel"] = [
            _("Tiếp công dân trực tuyến áp dụng từ ngày 01/07/2026 (Nghị định 154/2026/NĐ-CP).")
        ]
    if errors:
        raise ValidationError(_("Thông tin lượt tiếp chưa hợp lệ."), field_errors=errors)
    summary = _clean("summary", summary, required=True, limit_key="description")
    request = _clean("request", request, limit_key="reason_text")
    guidance = _clean("guidance", guidance)
    prior_resolution = _clean("prior_resolution", prior_resolution, limit_key="attachment_description")
    referred_to_text = _clean("referred_to_text", referred_to_text, limit_key="place")
    referral_number = _clean("referral_number", referral_number, limit_key="decision_number")
    receipt_number = _clean("receipt_number", receipt_number, limit_key="decision_number")
    follow_up = _clean("follow_up", follow_up, limit_key="note")
    note = _clean("note", note)
    refusal_explanation = _clean("refusal_explanation", refusal_explanation, limit_key="reason_text")
    size = group_size if group_size is not None else max(1, len(persons))
    ground = None
    if handling == H.REFUSED:
        ground = rules.refusal_ground(refusal_ground, grounds_on or day)
        if ground is None:
            message = _("Chọn căn cứ từ chối tiếp công dân có hiệu lực vào ngày tiếp.")
            errors["refusal_ground"] = [message]
    errors.update(
        _validate_persons(
            persons, size, day, identity_needed=handling != H.REFUSED or bool(ground and ground.notice)
        )
    )
    if handling in CASE_HANDLINGS and content_kind == C.OTHER:
        errors["content_kind"] = [
            _("Nội dung không phải khiếu nại, tố cáo, kiến nghị, phản ánh thì không tiếp nhận thành đơn.")
        ]
    if handling in REFERRAL_HANDLINGS and referred_to is None:
        errors["referred_to"] = [_("Chọn cơ quan được chuyển đến.")]
    if handling in REFERRAL_HANDLINGS and referred_to is not None and referred_to.pk == authority.pk:
        errors["referred_to"] = [_("Chọn cơ quan nhận khác cơ quan tiếp.")]
    if handling == H.URGED and referred_to is not None and not referred_to.path.startswith(authority.path):
        errors["referred_to"] = [
            _("Chỉ đôn đốc cơ quan cấp dưới (Luật Tiếp công dân 2013, Điều 26 khoản 1 điểm b).")
        ]
    if handling == H.GUIDED and not (guidance and (referred_to is not None or referred_to_text)):
        errors["guidance"] = [_("Ghi cơ quan có thẩm quyền và nội dung hướng dẫn.")]
    if handling == H.EXPLAINED and not guidance:
        errors["guidance"] = [_("Ghi nội dung đã giải thích, hướng dẫn.")]
    if handling == H.RECEIVED and not in_competence:
        errors["in_competence"] = [
            _(
                "Đơn không thuộc thẩm quyền thì hướng dẫn, chuyển đơn hoặc đôn đốc "
                "(Luật Tiếp công dân 2013, Điều 26)."
            )
        ]
    if session is not None:
        if session.authority_id != authority.pk:
            errors["session"] = [_("Buổi tiếp không thuộc cơ quan này.")]
        elif session.state == HeadSession.State.CANCELLED:
            errors["session"] = [_("Buổi tiếp đã hủy.")]
        elif timezone.localtime(session.starts_at).date() != day:
            errors["session"] = [_("Lượt tiếp phải cùng ngày với buổi tiếp của người đứng đầu.")]
    if place is not None and not authority.path.startswith(place.authority.path):
        errors["place"] = [_("Nơi tiếp không thuộc cơ quan này.")]
    if existing_case is not None and not permissions.user_can("view", actor, existing_case):
        errors["existing_case"] = [_("Không tìm thấy hồ sơ này trong phạm vi của bạn.")]
    if previous_visit is not None and not user_can_view_register(actor, previous_visit.authority):
        errors["previous_visit"] = [_("Lượt tiếp trước không thuộc phạm vi của bạn.")]
    for i, d in enumerate(documents):
        problem = rules.text_problem("attachment_description", d.name, required=True)
        if problem:
            errors.setdefault(f"documents.{i}.name", []).append(problem)
        if d.condition not in ReceivedDocument.Condition.values:
            errors.setdefault(f"documents.{i}.condition", []).append(_("Chọn tình trạng tài liệu."))
        if not 1 <= int(d.pages or 0) <= 100_000:
            errors.setdefault(f"documents.{i}.pages", []).append(_("Số trang từ 1 trở lên."))
    if documents and handling == H.REFUSED:
        errors["documents"] = [_("Không nhận tài liệu của người bị từ chối tiếp.")]
    if errors:
        raise ValidationError(_("Thông tin lượt tiếp chưa hợp lệ."), field_errors=errors)

    result = VisitResult(visit=None)  # type: ignore[arg-type]
    case: Case | None = existing_case
    created = False
    if handling in CASE_HANDLINGS:
        roles: dict[str, str] = {C.DENUNCIATION: "denouncer", C.PETITION: "petitioner"}
        party_role = roles.get(content_kind, "complainant")
        parties = [
            services.PartyInput(
                full_name=p.full_name,
                national_id=p.national_id,
                address=p.address,
                phone=p.phone,
                role=party_role,
                is_representative=p.is_representative or len(persons) == 1,
            )
            for p in persons
        ]
        description = summary if not request else f"{summary}\n\nYêu cầu, đề nghị: {request}"
        submitted = services.case_submit(
            kind=content_kind,
            subject=(subject or summary.splitlines()[0])[: rules.max_length("subject")],
            description=description[: rules.max_length("description")],
            parties=parties,
            actor=actor,
            channel=Case.Channel.IN_PERSON,
            authority=authority,
            contested_act=contested_act,
            contested_act_known_on=contested_act_known_on,
            accused_name=accused_name,
            accused_position=accused_position,
            accused_authority=accused_authority,
            files=files,
            received_at=received_at,
        )
        case, created = submitted.case, True
        result.access_key = submitted.access_key
        if handling == H.GUIDED:
            text = guidance
            if referral_number:
                text = f"{guidance} (Văn bản hướng dẫn số {referral_number})"
            case = services.case_guide(case=case, actor=actor, guidance=text, to_authority=referred_to)
        elif handling in REFERRAL_HANDLINGS:
            transfer_note = guidance
            if handling == H.URGED:
                transfer_note = (
                    "Đôn đốc giải quyết (Luật Tiếp công dân 2013, Điều 26 khoản 1 điểm b). " + guidance
                ).strip()
            if referral_number:
                transfer_note = f"{transfer_note} Văn bản số {referral_number}.".strip()
            assert referred_to is not None  # required for these handlings (checked above)
            case = services.case_transfer(
                case=case,
                actor=actor,
                to_authority=referred_to,
                note=transfer_note[: rules.max_length("note")],
            )
    local = timezone.localtime(received_at)
    matter_key, repeat = _matter(previous_visit, case, created)
    visit = Visit(
        authority=authority,
        place=place,
        session=session,
        year=local.year,
        number=_next_number(authority, local.year),
        received_at=received_at,
        channel=channel,
        officer=history_user(actor),
        content_kind=content_kind,
        summary=summary,
        request=request,
        group_size=size,
        prior_resolution=prior_resolution,
        in_competence=in_competence,
        handling=handling,
        referred_to=referred_to,
        referred_to_text=referred_to_text,
        referral_number=referral_number,
        guidance=guidance,
        case=case,
        created_case=created,
        previous_visit=previous_visit,
        matter_key=matter_key or "pending",
        repeat=repeat,
        follow_up=follow_up,
        note=note,
        receipt_number=receipt_number if documents else "",
        receipt_copies=rules.receipt_copies(content_kind, day) if documents else 0,
    )
    visit.save()
    if not matter_key:
        visit.matter_key = f"visit:{visit.pk}"
        visit.save(update_fields=["matter_key"])
    for i, p in enumerate(persons):
        VisitPerson.objects.create(
            visit=visit,
            position=i,
            is_representative=p.is_representative or len(persons) == 1,
            full_name=p.full_name.strip(),
            national_id=p.national_id.strip(),
            id_issued=p.id_issued.strip(),
            address=p.address.strip(),
            phone=p.phone.strip(),
            national_id_digest=blind_index(p.national_id) if p.national_id.strip() else "",
        )
    for i, d in enumerate(documents):
        ReceivedDocument.objects.create(
            visit=visit,
            position=i,
            name=d.name.strip(),
            pages=int(d.pages),
            condition=d.condition,
            note=d.note.strip(),
        )
    if ground is not None:
        on = grounds_on or day
        notice_rule = rules.refusal_notice_rule(on)
        due = rules.refusal_notice_due(on, dl.working_calendar()) if ground.notice else None
        Refusal.objects.create(
            visit=visit,
            ground_code=ground.code,
            ground_label=ground.label_vi,
            legal_basis=ground.legal_basis_vi,
            explanation=refusal_explanation,
            notice_required=ground.notice,
            notice_form=str(notice_rule["form_vi"]) if (ground.notice and notice_rule) else "",
            notice_signer_role=str(notice_rule["signer"]) if (ground.notice and notice_rule) else "",
            grounds_on=on,
            notice_due=due.due_date if due is not None else None,
        )
    if case is not None and existing_case is not None and not created:
        # The visit is handling of the case it is about (the officer explained where it stands).
        locked = lock(case)
        event = record(
            locked,
            "case.visited",
            actor,
            visibility=Visibility.INTERNAL,
            data={"visit": visit.pk, "register": visit.register_label, "handling": handling},
        )
        save(locked, actor, "visit recorded", [], [event])
    result.visit, result.case = visit, case
    return result


def _refusal_signer_ok(actor, refusal: Refusal) -> bool:
    authority = refusal.visit.authority
    if getattr(actor, "is_superuser", False):
        return True
    if refusal.notice_signer_role == "head":
        return user_is_head_of(actor, authority)
    return user_can_record_visit(actor, authority)


@transaction.atomic
def refusal_notice_issue(
    *,
    refusal: Refusal,
    actor: Actor,
    number: str,
    notice_date: dt.date | None = None,
    signer_title: str = "",
    recipients: str = "",
) -> Refusal:
    """Issue the written refusal notice (Law on Citizen Reception 2013 Art 9(3); Circular 04/2021
    Art 4: by the head; Decree 154/2026 Art 4(3): by the head, within 03 working days of having the
    grounds, Mẫu 01/TCD). Only for grounds that require one; once."""
    refusal = Refusal.objects.select_for_update().select_related("visit__authority").get(pk=refusal.pk)
    if not refusal.notice_required:
        raise ValidationError(
            _("Căn cứ từ chối này không phải ra thông báo bằng văn bản; đã giải thích trực tiếp.")
        )
    if refusal.notice_issued:
        raise ValidationError(_("Thông báo từ chối tiếp đã được ban hành."))
    if not _refusal_signer_ok(actor, refusal):
        _deny(_("Thông báo từ chối tiếp công dân do người đứng đầu cơ quan tiếp công dân ban hành."))
    number = _clean("number", number, required=True, limit_key="decision_number")
    signer_title = _clean("signer_title", signer_title, required=True, limit_key="accused_position")
    recipients = _clean("recipients", recipients, limit_key="reason_text")
    notice_date = notice_date or timezone.localdate()
    if notice_date < refusal.grounds_on:
        message = _("Ngày thông báo không được trước ngày có đủ căn cứ từ chối.")
        raise ValidationError(message, field_errors={"notice_date": [message]})
    if notice_date > timezone.localdate():
        message = _("Ngày thông báo không được sau hôm nay.")
        raise ValidationError(message, field_errors={"notice_date": [message]})
    refusal.notice_number, refusal.notice_date = number, notice_date
    refusal.notice_signer, refusal.notice_signer_title = history_user(actor), signer_title
    refusal.notice_recipients = recipients
    refusal.notice_issued_at = timezone.now()
    refusal.save(
        update_fields=[
            "notice_number",
            "notice_date",
            "notice_signer",
            "notice_signer_title",
            "notice_recipients",
            "notice_issued_at",
        ]
    )
    return refusal


@transaction.atomic
def visit_identity_reveal(
    *, user, visit: Visit, reason: str, action: str = VisitIdentityAccess.Action.REVEAL
) -> list[dict]:
    """The visitors' identity in clear, for a user who may read it, with the reason logged (one row
    per person). Refused without the permission or without a reason."""
    if not user_can_view_visit_identity(user, visit):
        _deny(_("Bạn không có quyền xem nhân thân người đến tiếp công dân."))
    reason = (reason or "").strip()
    if len(reason) < rules.REVEAL_REASON_MIN:
        message = _("Ghi lý do xem nhân thân (ít nhất %(n)s ký tự).") % {"n": rules.REVEAL_REASON_MIN}
        raise ValidationError(message, field_errors={"reason": [message]})
    reason = _clean("reason", reason, required=True, limit_key="reveal_reason")
    revealed = []
    for person in visit.persons.all():
        VisitIdentityAccess.objects.create(
            user=user, visit=visit, person=person, action=action, reason=reason
        )
        revealed.append(
            {
                "position": person.position,
                "is_representative": person.is_representative,
                "full_name": person.full_name,
                "national_id": person.national_id,
                "id_issued": person.id_issued,
                "address": person.address,
                "phone": person.phone,
            }
        )
    return revealed


# ------------------------------------------------------------------------------ head's sessions


@transaction.atomic
def session_plan(
    *,
    actor: Actor,
    authority: Authority,
    place: ReceptionPlace,
    starts_at: dt.datetime,
    presider,
    presider_title: str,
    kind: str = HeadSession.Kind.PERIODIC,
    adhoc_ground: str = "",
    authorised: bool = False,
    public: bool = True,
) -> HeadSession:
    """Put a head's reception session on the calendar (Law on Citizen Reception 2013 Art 18(2)-(3);
    Decree 154/2026 Art 25(1)). The presider is the head of the authority; someone the head
    authorised only where delegation was allowed that day (``rules.delegation_allowed``)."""
    if not user_can_manage_sessions(actor, authority):
        _deny(_("Bạn không có quyền lập lịch tiếp công dân của cơ quan này."))
    errors: dict[str, list[Text]] = {}
    day = timezone.localtime(starts_at).date()
    if kind not in HeadSession.Kind.values:
        errors["kind"] = [_("Hình thức tiếp không hợp lệ.")]
    if kind == HeadSession.Kind.ADHOC:
        if adhoc_ground not in {str(g["code"]) for g in rules.adhoc_grounds(day)}:
            errors["adhoc_ground"] = [
                _("Chọn trường hợp tiếp đột xuất (Luật Tiếp công dân 2013, Điều 18 khoản 3).")
            ]
    else:
        adhoc_ground = ""
    if not authority.path.startswith(place.authority.path):
        errors["place"] = [_("Nơi tiếp không thuộc cơ quan này.")]
    presider_title = _clean("presider_title", presider_title, required=True, limit_key="accused_position")
    if authorised:
        verdict = rules.delegation_allowed(day)
        if not verdict:
            errors["authorised"] = [verdict.reason]
        elif presider is None or not _roles_over(presider, authority):
            errors["presider"] = [_("Người được ủy quyền phải là lãnh đạo của cơ quan.")]
    elif presider is None or not user_is_head_of(presider, authority):
        errors["presider"] = [
            _("Người chủ trì phải là người đứng đầu cơ quan (Luật Tiếp công dân 2013, Điều 18 khoản 2).")
        ]
    if errors:
        raise ValidationError(_("Thông tin buổi tiếp chưa hợp lệ."), field_errors=errors)
    return HeadSession.objects.create(
        authority=authority,
        place=place,
        kind=kind,
        adhoc_ground=adhoc_ground,
        starts_at=starts_at,
        presider=presider,
        presider_title=presider_title,
        authorised=authorised,
        public=public,
        created_by=history_user(actor),
    )


@transaction.atomic
def session_cancel(*, session: HeadSession, actor: Actor, reason: str) -> HeadSession:
    session = HeadSession.objects.select_for_update().get(pk=session.pk)
    if not user_can_manage_sessions(actor, session.authority):
        _deny(_("Bạn không có quyền thay đổi lịch tiếp công dân của cơ quan này."))
    if session.state != HeadSession.State.PLANNED:
        raise ValidationError(_("Chỉ hủy buổi tiếp chưa diễn ra."))
    if session.visits.exists():
        raise ValidationError(_("Buổi tiếp đã có lượt tiếp được ghi sổ, không thể hủy."))
    session.cancel_reason = _clean("reason", reason, required=True, limit_key="reason_text")
    session.state = HeadSession.State.CANCELLED
    session.save(update_fields=["state", "cancel_reason"])
    return session


@transaction.atomic
def session_conclude(
    *,
    session: HeadSession,
    actor: Actor,
    conclusions: str,
    notice_number: str,
    notice_date: dt.date,
    attendees: str = "",
    recipients: str = "",
    ends_at: dt.datetime | None = None,
    instructions: Sequence[InstructionInput] = (),
) -> HeadSession:
    """Record that the session was held and issue its notice of conclusions (Thông báo kết luận việc
    tiếp công dân: Circular 04/2021; Decree 154/2026 Art 25(2)): the head's directions, sent to the
    units concerned, each with the time the head fixes. Each instruction opens a deadline (R7) on
    the case it concerns, tracked and escalated like any other (docs/decisions/0009)."""
    session = HeadSession.objects.select_for_update().select_related("authority").get(pk=session.pk)
    if not (
        user_can_manage_sessions(actor, session.authority)
        or getattr(actor, "pk", None) == session.presider_id
    ):
        _deny(_("Bạn không có quyền ghi kết luận buổi tiếp này."))
    if session.state == HeadSession.State.CANCELLED:
        raise ValidationError(_("Buổi tiếp đã hủy."))
    if session.concluded:
        raise ValidationError(_("Buổi tiếp đã có thông báo kết luận."))
    started = timezone.localtime(session.starts_at).date()
    errors: dict[str, list[Text]] = {}
    conclusions = _clean("conclusions", conclusions, required=True, limit_key="summary")
    notice_number = _clean("notice_number", notice_number, required=True, limit_key="decision_number")
    attendees = _clean("attendees", attendees, limit_key="agenda")
    recipients = _clean("recipients", recipients, limit_key="reason_text")
    if notice_date < started:
        errors["notice_date"] = [_("Ngày thông báo không được trước ngày tiếp.")]
    if notice_date > timezone.localdate():
        errors["notice_date"] = [_("Ngày thông báo không được sau hôm nay.")]
    if session.starts_at > timezone.now():
        errors["conclusions"] = [_("Buổi tiếp chưa diễn ra.")]
    for i, ins in enumerate(instructions):
        case = ins.case
        if case.authority is None or not case.authority.path.startswith(session.authority.path):
            errors.setdefault(f"instructions.{i}.case", []).append(
                _("Hồ sơ %(ref)s không thuộc phạm vi của cơ quan.") % {"ref": case.reference}
            )
        elif not workflow.is_open(case.kind, case.status):
            errors.setdefault(f"instructions.{i}.case", []).append(
                _("Hồ sơ %(ref)s đã kết thúc; ghi nhận vụ việc mới từ lượt tiếp để giao chỉ đạo.")
                % {"ref": case.reference}
            )
        if not ins.unit.path.startswith(session.authority.path):
            errors.setdefault(f"instructions.{i}.unit", []).append(
                _("Chỉ giao cho cơ quan, đơn vị thuộc quyền của người đứng đầu.")
            )
        problem = rules.text_problem("guidance", ins.content or "", required=True)
        if problem:
            errors.setdefault(f"instructions.{i}.content", []).append(problem)
        if ins.due_date <= notice_date:
            errors.setdefault(f"instructions.{i}.due_date", []).append(
                _("Hạn thực hiện phải sau ngày ra thông báo.")
            )
    if errors:
        raise ValidationError(_("Thông báo kết luận chưa hợp lệ."), field_errors=errors)
    session.state = HeadSession.State.HELD
    session.conclusions, session.notice_number, session.notice_date = conclusions, notice_number, notice_date
    session.attendees, session.notice_recipients = attendees, recipients
    session.ends_at = ends_at
    session.concluded_by, session.concluded_at = history_user(actor), timezone.now()
    session.save()
    for i, ins in enumerate(sorted(instructions, key=lambda x: x.case.pk)):
        case = lock(ins.case)
        deadline = dl.deadline_start_by_decision(case, "R7", trigger=notice_date, due_date=ins.due_date)
        Instruction.objects.create(
            session=session,
            position=i,
            case=case,
            unit=ins.unit,
            content=ins.content.strip(),
            due_date=ins.due_date,
            deadline=deadline,
        )
        event = record(
            case,
            "case.instructed",
            actor,
            visibility=Visibility.INTERNAL,
            data={
                "session": session.pk,
                "notice_number": notice_number,
                "notice_date": notice_date.isoformat(),
                "unit": ins.unit.code,
                "unit_name": ins.unit.name_vi,
                "content": ins.content.strip(),
                "due_date": deadline.due_date.isoformat(),
                "deadline": deadline.pk,
                "legal_basis": deadline.legal_basis_vi,
            },
        )
        save(case, actor, f"instructed: {ins.unit.code} by {deadline.due_date:%d/%m/%Y}", [], [event])
    return session


@transaction.atomic
def instruction_report(*, instruction: Instruction, actor: Actor, report: str) -> Instruction:
    """The instructed unit reports what it did: the instruction's deadline is met (late if after
    its due date, so the on-time record stays honest)."""
    instruction = (
        Instruction.objects.select_for_update()
        .select_related("unit", "session__authority")
        .get(pk=instruction.pk)
    )
    if not user_can_report_instruction(actor, instruction):
        _deny(_("Bạn không có quyền báo cáo kết quả thực hiện chỉ đạo này."))
    if instruction.reported_at is not None:
        raise ValidationError(_("Đã báo cáo kết quả thực hiện chỉ đạo này."))
    report = _clean("report", report, required=True, limit_key="summary")
    case = lock(instruction.case)
    dl.deadlines_complete(case, ids=[instruction.deadline_id])
    instruction.report, instruction.reported_at = report, timezone.now()
    instruction.reported_by = history_user(actor)
    instruction.save(update_fields=["report", "reported_at", "reported_by"])
    deadline = instruction.deadline
    deadline.refresh_from_db()
    event = record(
        case,
        "case.instruction_reported",
        actor,
        visibility=Visibility.INTERNAL,
        data={
            "session": instruction.session_id,
            "unit": instruction.unit.code,
            "report": report,
            "late": deadline.missed,
            "deadline": deadline.pk,
        },
    )
    save(case, actor, "instruction reported", [], [event])
    return instruction
