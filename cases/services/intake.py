"""Intake: a letter, a visit or an online submission becomes a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from config.bulk import bulk_writer

from .. import deadline_services as dl
from .. import effects, permissions, rules
from ..actors import Actor, history_user, stamp
from ..crypto import blind_index, name_index
from ..duplicates import find_duplicates
from ..errors import PermissionDeniedError, Text, ValidationError
from ..models import Authority, Case, CaseEvent, Deadline, Party, Visibility
from ..models import CaseKind as K
from ..models import CaseStatus as S
from ..references import hash_access_key, new_access_key, next_reference
from .attachments import FileInput, attachment_create
from .base import record


def _next_case_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return int(cursor.fetchone()[0])


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
class SubmitResult:
    case: Case
    access_key: str
    events: list[CaseEvent] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


PARTY_ROLE: dict[str, str] = {
    K.COMPLAINT: Party.Role.COMPLAINANT,
    K.DENUNCIATION: Party.Role.DENOUNCER,
    K.PETITION: Party.Role.PETITIONER,
}


def _validate_submission(
    kind: str,
    parties: Sequence[PartyInput],
    subject: str,
    description: str,
    contested_act: str,
    accused_name: str = "",
    accused_position: str = "",
) -> dict[str, list[Text]]:
    errors: dict[str, list[Text]] = {}

    def check(name: str, field: str, value: str, required: bool = False) -> None:
        problem = rules.text_problem(field, value or "", required=required)
        if problem:
            errors.setdefault(name, []).append(problem)

    if kind not in K.values:
        errors["kind"] = [_("Loại đơn không hợp lệ.")]
    if not (subject or "").strip():
        errors["subject"] = [_("Vui lòng nhập tiêu đề.")]
    else:
        check("subject", "subject", subject)
    if not (description or "").strip():
        errors["description"] = [_("Vui lòng nhập nội dung.")]
    else:
        check("description", "description", description)
    check("contested_act", "contested_act", contested_act)
    check("accused_name", "accused_name", accused_name)
    check("accused_position", "accused_position", accused_position)
    if kind == K.ANONYMOUS_REPORT:
        if parties:
            errors["parties"] = [_("Tin báo không nêu tên không ghi nhân thân người gửi.")]
    elif not parties:
        errors["parties"] = [_("Cần ít nhất một người gửi đơn.")]
    for i, p in enumerate(parties):
        if not p.full_name.strip():
            errors[f"parties.{i}.full_name"] = [_("Vui lòng nhập họ tên.")]
        for name in ("full_name", "national_id", "address", "phone", "email"):
            check(f"parties.{i}.{name}", name, getattr(p, name))
        # A denunciation needs a real name and address (Law on Denunciations Art 23(1)); without
        # them it follows the Art 25 track instead.
        if kind == K.DENUNCIATION and not p.address.strip():
            errors[f"parties.{i}.address"] = [
                _("Đơn tố cáo phải ghi địa chỉ người tố cáo (Luật Tố cáo 2018, Điều 23).")
            ]
    if kind == K.COMPLAINT and not (contested_act or "").strip():
        errors["contested_act"] = [
            _("Nêu quyết định hoặc hành vi bị khiếu nại (Luật Khiếu nại 2011, Điều 8 khoản 2).")
        ]
    if len(parties) > 1:
        representatives = sum(1 for p in parties if p.is_representative)
        if not representatives:
            errors["parties"] = [
                _("Nhóm người gửi đơn phải cử người đại diện (Luật Tiếp công dân 2013, Điều 29).")
            ]
        elif representatives > rules.MAX_REPRESENTATIVES:
            errors["parties"] = [
                _("Nhóm cử tối đa %(n)s người đại diện (Luật Tiếp công dân 2013, Điều 29).")
                % {"n": rules.MAX_REPRESENTATIVES}
            ]
    return errors


@transaction.atomic
def case_submit(
    *,
    kind: str,
    subject: str,
    description: str,
    parties: Sequence[PartyInput],
    actor: Actor,
    channel: str = Case.Channel.ONLINE,
    authority: Authority | None = None,
    contested_act: str = "",
    contested_act_known_on: dt.date | None = None,
    accused_name: str = "",
    accused_position: str = "",
    accused_authority: Authority | None = None,
    files: Sequence[FileInput] = (),
    received_at: dt.datetime | None = None,
    previous_case: Case | None = None,
    complaint_level: str = "",
    discipline: bool = False,
    dismissal: bool = False,
) -> SubmitResult:
    """Register a letter, visit or online submission: the case, its parties (identity encrypted),
    attachments, the first event and the receipt deadlines (K3 / T1 / R4; R1 for visits:
    Law on Complaints Art 27, Law on Denunciations Art 24(1), Law on Citizen Reception Art 28(1)).

    ``actor``: the intake officer (a staff user), ``Citizen.filing()`` online, or ``SYSTEM``.
    ``discipline``: a cadre's or civil servant's complaint against a disciplinary decision on them
    (Law on Complaints 2011 Arts 47-58: K6, then K2); ``dismissal``: the penalty was dismissal (Art
    48). Both only for complaints; staff may correct them at classification."""
    errors = _validate_submission(
        kind, parties, subject, description, contested_act, accused_name, accused_position
    )
    if errors:
        raise ValidationError(_("Thông tin đơn chưa hợp lệ."), field_errors=errors)
    if not permissions.can_register_for(actor, authority):
        raise PermissionDeniedError(_("Bạn không có quyền tiếp nhận đơn cho cơ quan này."))
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
        discipline=kind == K.COMPLAINT and discipline,
        dismissal=kind == K.COMPLAINT and discipline and dismissal,
        last_activity_at=now,
    )
    user = history_user(actor)
    # One write of the case and one history record, holding its final state: the id is taken from
    # the sequence first, so the parties, the event and the deadlines are written before the case
    # row (the foreign keys are checked at commit: Django makes them DEFERRABLE INITIALLY DEFERRED).
    case.pk = _next_case_id()

    digests = []
    party_rows = []
    for i, p in enumerate(parties):
        party = Party(
            case=case,
            role=p.role or PARTY_ROLE.get(kind, Party.Role.COMPLAINANT),
            is_representative=p.is_representative,
            position=i,
            full_name=p.full_name.strip(),
            national_id=p.national_id.strip(),
            address=p.address.strip(),
            phone=p.phone.strip(),
            email=p.email.strip(),
            national_id_digest=blind_index(p.national_id) if p.national_id else "",
            full_name_digest=name_index(p.full_name),
            identity_disclosed=p.identity_disclosed,
            language=p.language if p.language in ("vi", "en") else "vi",
        )
        stamp(party, user, "submitted")
        party_rows.append(party)
        if party.national_id_digest:
            digests.append(party.national_id_digest)
    if party_rows:
        with bulk_writer("case_submit"):  # with their history records
            bulk_create_with_history(party_rows, Party)
    # The listeners (the receipt's outbox rows) read the parties from here: the plaintext in hand,
    # not the ciphertext read back and decrypted.
    setattr(case, "_prefetched_objects_cache", {"parties": party_rows})  # noqa: B010

    for f in files:
        attachment_create(case=case, upload=f, actor=actor, visibility=Visibility.COMPLAINANT)

    duplicates = find_duplicates(case, digests=digests)
    case.duplicate_suspected = bool(duplicates)
    event = record(
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
            "likely_duplicates": [c.case.reference for c in duplicates],
        },
    )
    deadlines = dl.deadlines_on_receipt(case)
    case.version += 1
    case.next_due_at = dl.next_due_among(deadlines)
    stamp(case, user, "submitted")
    case.save(force_insert=True)
    # The receipt (reference and access key) goes to the parties' own e-mail/phone when given; the key
    # travels to the outbox only, encrypted there, never into the event or a log.
    effects.case_changed([case.pk], events=[event], secrets={"access_key": access_key}, cases=[case])
    delattr(case, "_prefetched_objects_cache")  # the caller reads the parties as they are stored
    return SubmitResult(case=case, access_key=access_key, events=[event], deadlines=deadlines)
