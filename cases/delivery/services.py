"""Writes of signed documents and deliveries. Each verb takes an explicit ``actor``, locks the case
row, checks the permission, writes its rows with their history records, appends an event to the
case's hash-chained log and ends with ``cases.effects.case_changed`` (through ``services.base.save``)
so search and notifications follow. Imports submodules of ``cases.services`` only (``base``,
``attachments``): ``cases.services.handling`` calls :func:`sign_on_issue` from inside
``case_conclude``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import deadline_services as dl
from cases import permissions, rules
from cases.actors import Actor, history_user, is_staff_user, stamp
from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Attachment, Case, CaseEvent, Deadline, Party, Role, Visibility
from cases.services.attachments import FileInput, attachment_create, private_storage
from cases.services.base import STATE, clean_text, lock, record, save

from . import rendering, signing
from .models import Delivery, SignedDocument

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SIGNABLE_KINDS = frozenset({Attachment.Kind.DECISION, Attachment.Kind.NOTICE})
SIGNABLE_TYPES = frozenset({rendering.DOCX, rendering.ODT, rendering.PDF})
# The events that open T5 / K16 (``deadline_services.deadlines_on_suspend_or_end``, ``_on_resume``).
STOP_EVENTS = ("case.suspended", "case.terminated", "case.withdrawn", "case.resumed")


# ------------------------------------------------------------------------------ signing


def default_signer_title(user, case: Case) -> str:
    """The title printed under a signature when the signatory does not type one: the head of a
    People's Committee signs as its Chairperson, the head of a department as its Director (Law on
    Complaints 2011 Arts 17–21; decision 0008)."""
    roles = permissions.roles_for_case(user, case)
    level = case.authority.level if case.authority is not None else ""
    if Role.HEAD_OF_AGENCY in roles or getattr(user, "is_superuser", False):
        if level in ("provincial", "commune"):
            return str(_("Chủ tịch"))
        if level == "department":
            return str(_("Giám đốc"))
        return str(_("Thủ trưởng cơ quan"))
    if Role.HEAD_OF_UNIT in roles:
        return str(_("Trưởng phòng"))
    return str(_("Thủ trưởng cơ quan"))


def signer_display_name(user) -> str:
    """Vietnamese order: family and middle names, then the given name ("Đỗ Văn Hùng")."""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or getattr(user, "username", "")


def _read(attachment: Attachment) -> bytes:
    with private_storage().open(attachment.file.name, "rb") as fh:
        return fh.read()


def _template_for(attachment: Attachment):
    """The notice template an attachment was generated from (its file name starts with the code)."""
    from cases import documents

    for code, template in documents.TEMPLATES.items():
        if attachment.original_name.startswith(f"{code}-"):
            return template
    return None


@dataclass
class Issued:
    document: SignedDocument
    event: CaseEvent


def _issue(
    *,
    case: Case,
    actor: Actor,
    source: Attachment,
    number: str,
    signer_title: str,
) -> Issued:
    """Render, sign and store ``source`` (the case row is locked by the caller, who saves it)."""
    if not is_staff_user(actor) or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("Chỉ người có thẩm quyền mới ký số văn bản."))
    permissions.check_can("sign", actor, case)
    user: User = actor  # type: ignore[assignment]
    if source.case_id != case.pk:
        raise ValidationError(_("Văn bản không thuộc hồ sơ này."))
    if source.kind not in SIGNABLE_KINDS or source.content_type not in SIGNABLE_TYPES:
        raise ValidationError(_("Chỉ ký số quyết định, kết luận hoặc thông báo dạng DOCX, ODT hoặc PDF."))
    if SignedDocument.objects.filter(source=source).exists() or hasattr(source, "signed_document"):
        raise ValidationError(_("Văn bản này đã được ký số và ban hành."), code=STATE)
    if not signing.signing_enabled():
        raise signing.SigningError(
            _("Chưa cấu hình khóa ký số của cơ quan; liên hệ quản trị hệ thống (SIGNING_BACKEND)."),
            code="signing_not_configured",
        )
    signer_title = clean_text("signer_title", signer_title) or default_signer_title(user, case)
    number = clean_text("decision_number", number)
    name = signer_display_name(user)
    template = _template_for(source)
    title = (template.title_vi if template else "") or source.description or source.original_name
    authority_name = case.authority.name_vi if case.authority is not None else ""
    content = _read(source)
    if source.content_type == rendering.PDF:
        pdf, pdfa = content, rendering.is_pdfa(content)
    else:
        if source.content_type == rendering.DOCX:
            content = rendering.docx_with_signatory(content, title=signer_title, name=name)
        pdf, pdfa = rendering.to_pdf(content, source.content_type)
    box = rendering.signature_box(pdf, name=name, title=signer_title)
    signed = signing.sign_pdf(
        pdf,
        signer_name=name,
        signer_title=signer_title,
        authority_name=authority_name,
        reason=f"{title} {number}".strip(),
        box=box,
    )
    stem = Path(source.original_name).stem
    attachment = attachment_create(
        case=case,
        upload=FileInput(
            name=f"{stem}-da-ky.pdf",
            content=signed.content,
            content_type=rendering.PDF,
            kind=source.kind,
            description=(f"{title} số {number}" if number else title)[:300],
            contains_identity=source.contains_identity,
        ),
        actor=user,
        visibility=source.visibility,
        kind=source.kind,
    )
    if source.visibility != Visibility.INTERNAL:
        # The citizen gets the signed copy; the unsigned draft stays in the file for staff.
        source.visibility = Visibility.INTERNAL
        stamp(source, user, "superseded by its signed copy")
        source.save(update_fields=["visibility"])
    cert = signed.certificate
    document = SignedDocument(
        case=case,
        attachment=attachment,
        source=source,
        title=title[:255],
        document_number=number,
        recipient=template.recipient if template else "",
        sha256=signed.sha256,
        size=len(signed.content),
        pdfa=pdfa,
        signer=user,
        signer_name=name[:255],
        signer_title=signer_title[:255],
        authority_name=authority_name[:255],
        certificate_subject=cert.subject,
        certificate_issuer=cert.issuer,
        certificate_serial=cert.serial,
        certificate_sha256=cert.sha256,
        signed_at=timezone.now(),
    )
    stamp(document, user, "signed")
    document.save()
    event = record(
        case,
        "document.signed",
        actor,
        visibility=attachment.visibility,
        data={
            "attachment": attachment.pk,
            "source": source.pk,
            "title": document.title,
            "number": number,
            "sha256": document.sha256,
            "signer": user.pk,
            "signer_title": document.signer_title,
            "certificate_sha256": cert.sha256,
            "pdfa": pdfa,
        },
    )
    return Issued(document, event)


@transaction.atomic
def document_issue_signed(
    *,
    case: Case,
    actor: Actor,
    attachment: Attachment | None = None,
    docx: FileInput | None = None,
    number: str = "",
    signer_title: str = "",
    visibility: str = Visibility.COMPLAINANT,
) -> SignedDocument:
    """Issue a decision or notice signed: render it to PDF/A (DOCX, ODT) or take the PDF, sign it
    with the agency's key and a visible block naming the signatory and title, store it as a new
    attachment (the unsigned source stays, internal) and record its SHA-256 on the case's event.

    ``attachment`` is a document already on the case; ``docx`` a file to add first (then
    ``visibility`` is its audience). Called after the signatory confirmed (the workspace's "Ký số
    và ban hành" page); ``case_conclude`` calls :func:`sign_on_issue` instead."""
    case = lock(case)
    if (attachment is None) == (docx is None):
        raise ValidationError(_("Chọn một văn bản để ký."))
    if docx is not None:
        permissions.check_can("sign", actor, case)
        attachment = attachment_create(case=case, upload=docx, actor=actor, visibility=visibility)
    assert attachment is not None
    source = Attachment.objects.select_for_update().get(pk=attachment.pk)
    issued = _issue(case=case, actor=actor, source=source, number=number, signer_title=signer_title)
    save(
        case, actor, f"signed {issued.document.document_number or issued.document.title}", [], [issued.event]
    )
    return issued.document


def sign_on_issue(
    *, case: Case, actor: Actor, attachment: Attachment, number: str = "", signer_title: str = ""
) -> CaseEvent | None:
    """The hook of the issuing verbs (``case_conclude``): sign the decision document they stored, in
    their transaction, on their locked case row; they save the case with the returned event. Without
    a configured key the document stays unsigned (None), unless signing is required."""
    if not signing.signing_enabled():
        if signing.signing_required():
            raise signing.SigningError(
                _("Chưa cấu hình khóa ký số của cơ quan; liên hệ quản trị hệ thống (SIGNING_BACKEND)."),
                code="signing_not_configured",
            )
        return None
    return _issue(case=case, actor=actor, source=attachment, number=number, signer_title=signer_title).event


def sign_generated_notices(
    *, case: Case, actor: Actor, action: str, number: str = "", signer_title: str = ""
) -> list[SignedDocument]:
    """Sign the standard documents an action has just generated (``cases.documents.ON_ACTION``),
    e.g. the decision or conclusion made from its template when the head concluded without
    uploading one. Nothing without a configured key (unless signing is required)."""
    from cases import documents

    if not signing.signing_enabled():
        if signing.signing_required():
            raise signing.SigningError(
                _("Chưa cấu hình khóa ký số của cơ quan; liên hệ quản trị hệ thống (SIGNING_BACKEND)."),
                code="signing_not_configured",
            )
        return []
    codes = documents.ON_ACTION.get(action, {}).get(case.kind, [])
    signed = []
    for code in codes:
        generated = unsigned_documents(case).filter(original_name__startswith=f"{code}-").order_by("-pk")
        # The DOCX is signed (its signature block gets the name), not the PDF copy beside it.
        source = generated.filter(content_type=rendering.DOCX).first() or generated.first()
        if source is not None:
            signed.append(
                document_issue_signed(
                    case=case, actor=actor, attachment=source, number=number, signer_title=signer_title
                )
            )
    return signed


def unsigned_documents(case: Case):
    """Decisions and notices of the case that could still be signed."""
    signed_sources = SignedDocument.objects.filter(case=case).values("source_id")
    signed_copies = SignedDocument.objects.filter(case=case).values("attachment_id")
    return (
        Attachment.objects.filter(
            case=case, kind__in=sorted(SIGNABLE_KINDS), content_type__in=sorted(SIGNABLE_TYPES)
        )
        .exclude(pk__in=signed_sources)
        .exclude(pk__in=signed_copies)
        .order_by("uploaded_at", "pk")
    )


# ------------------------------------------------------------------------------ delivery


def _send_codes(case: Case) -> list[str]:
    return sorted(rules.SEND_RULES)


def _meet_send_duty(case: Case) -> None:
    """Mark the sending limits met once every recipient the law names has a standing dispatch,
    at the time of the latest of their first dispatches (``rules.send_duty_recipients``)."""
    _meet_once_sent(case, _send_codes(case), Delivery.objects.filter(case=case))


def _meet_stop_decision_duty(case: Case, attachment: Attachment) -> None:
    """The decision suspending, ending or continuing resolution is sent within its limit: 5 working
    days for a denunciation's suspension or ending (Law on Denunciations 2018 Art 34(4), T5), 3 working
    days for a complaint's (Decree 124/2020 Art 28b as amended by Decree 155/2026, K16; known from a
    secondary source only). Met by the dispatch of that decision to every recipient the law names."""
    from cases import documents

    template = documents.template_of(attachment.original_name)
    rule_codes = dl.END_RULES.get(case.kind, [])
    if template is None or template.code not in documents.stop_decision_codes(case.kind):
        return
    if not Deadline.objects.filter(case=case, rule_code__in=rule_codes, state=Deadline.State.OPEN).exists():
        return
    # The dispatches of the decision of the latest suspension, ending or continuation (its DOCX, PDF
    # or signed copy): an earlier suspension decision does not meet the limit of the continuation
    # decision that followed it.
    since = (
        CaseEvent.objects.filter(case=case, kind__in=STOP_EVENTS)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if since is None:
        return
    same = [
        a.pk
        for a in Attachment.objects.filter(case=case, uploaded_at__gte=since)
        if documents.template_of(a.original_name) is template
    ]
    _meet_once_sent(case, rule_codes, Delivery.objects.filter(case=case, attachment_id__in=same))


def _meet_once_sent(case: Case, rule_codes, deliveries) -> None:
    wanted = rules.send_duty_recipients(
        case.kind,
        has_parties=case.parties.exists(),
        names_accused=bool(case.accused_name or case.accused_authority_id or case.accused_user_id),
    )
    if not wanted or not rule_codes:
        return
    firsts: dict[str, dt.datetime] = {}
    for kind, sent_at in (
        deliveries.filter(status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED])
        .exclude(sent_at__isnull=True)
        .values_list("recipient_kind", "sent_at")
    ):
        if kind not in firsts or sent_at < firsts[kind]:
            firsts[kind] = sent_at
    if not wanted <= set(firsts):
        return
    dl.deadlines_complete(case, rule_codes, at=max(firsts[k] for k in wanted))


def _check_party(case: Case, party: Party | None, recipient_kind: str) -> None:
    if recipient_kind == rules.DELIVERY_PARTY:
        if party is None or party.case_id != case.pk:
            raise ValidationError(
                _("Chọn người gửi đơn nhận kết quả."), field_errors={"party": [_("Chọn người nhận.")]}
            )
    elif party is not None:
        raise ValidationError(_("Người nhận không phải người gửi đơn."))


def _proof(case: Case, actor: Actor, proof: FileInput | None) -> Attachment | None:
    if proof is None:
        return None
    proof.kind = Attachment.Kind.OTHER
    return attachment_create(case=case, upload=proof, actor=actor, visibility=Visibility.INTERNAL)


def _delivery_event(case: Case, actor: Actor, kind: str, delivery: Delivery, **extra) -> CaseEvent:
    """An event about a delivery; what a citizen may see only when it was sent to them. Names and
    addresses never go into an event."""
    party = delivery.party
    data = {
        "delivery": delivery.pk,
        "attachment": delivery.attachment_id,
        "channel": delivery.channel,
        "recipient": delivery.recipient_kind,
        "party": party.position + 1 if party is not None else None,
        "postal_service": delivery.postal_service,
        "tracking_number": delivery.tracking_number,
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
        **extra,
    }
    visibility = (
        Visibility.COMPLAINANT if delivery.recipient_kind == rules.DELIVERY_PARTY else Visibility.INTERNAL
    )
    return record(case, kind, actor, visibility=visibility, data=data)


@transaction.atomic
def delivery_record(
    *,
    case: Case,
    actor: Actor,
    attachment: Attachment,
    recipient_kind: str,
    channel: str,
    party: Party | None = None,
    recipient_name: str = "",
    address: str = "",
    contact: str = "",
    sent_at: dt.datetime | None = None,
    postal_service: str = "",
    tracking_number: str = "",
    proof: FileInput | None = None,
    note: str = "",
    pending: Delivery | None = None,
    expected_version: int | None = None,
) -> Delivery:
    """Record that a result was sent (handed to the post, e-mailed, texted, handed over at the desk)
    to one recipient. The sending limit (K7, K9, T6; K16, T5 for a suspension, ending or continuation
    decision) is met by this dispatch, at ``sent_at``, once every recipient the law names has one
    (``rules.send_duty_recipients``). ``pending`` is the
    delivery a returned letter left open, which this dispatch fulfils."""
    case = lock(case, expected_version)
    permissions.check_can("deliver", actor, case)
    if attachment.case_id != case.pk or attachment.kind not in SIGNABLE_KINDS:
        raise ValidationError(
            _("Chọn văn bản kết quả của hồ sơ này."), field_errors={"attachment": [_("Không hợp lệ.")]}
        )
    if recipient_kind not in Delivery.Recipient.values:
        raise ValidationError(
            _("Người nhận không hợp lệ."), field_errors={"recipient_kind": [_("Không hợp lệ.")]}
        )
    if channel not in Delivery.Channel.values:
        raise ValidationError(
            _("Hình thức gửi không hợp lệ."), field_errors={"channel": [_("Không hợp lệ.")]}
        )
    _check_party(case, party, recipient_kind)
    verdict = rules.may_send_to(case.kind, recipient_kind, contains_identity=attachment.contains_identity)
    if not verdict:
        raise ValidationError(verdict.reason, field_errors={"recipient_kind": [verdict.reason]})
    recipient_name = clean_text("recipient_name", recipient_name)
    address = clean_text("address", address)
    contact = clean_text("delivery_contact", contact)
    tracking_number = clean_text("tracking_number", tracking_number).upper()
    note = clean_text("note", note)
    if recipient_kind != rules.DELIVERY_PARTY and not recipient_name:
        raise ValidationError(
            _("Nhập tên người hoặc cơ quan nhận."),
            field_errors={"recipient_name": [_("Trường này là bắt buộc.")]},
        )
    now = timezone.now()
    sent_at = sent_at or now
    if sent_at > now + dt.timedelta(minutes=5):
        raise ValidationError(
            _("Thời điểm gửi không được ở tương lai."),
            field_errors={"sent_at": [_("Chọn thời điểm đã qua.")]},
        )
    if sent_at < attachment.uploaded_at - dt.timedelta(minutes=1):
        raise ValidationError(
            _("Thời điểm gửi không được trước khi văn bản được ban hành."),
            field_errors={"sent_at": [_("Chọn thời điểm sau khi ban hành.")]},
        )
    if channel == Delivery.Channel.POST:
        if postal_service not in Delivery.PostalService.values:
            raise ValidationError(
                _("Chọn doanh nghiệp bưu chính."),
                field_errors={"postal_service": [_("Trường này là bắt buộc.")]},
            )
        if not tracking_number:
            raise ValidationError(
                _("Nhập số hiệu bưu gửi để tra cứu được việc phát thư."),
                field_errors={"tracking_number": [_("Trường này là bắt buộc.")]},
            )
        if recipient_kind != rules.DELIVERY_PARTY and not address:
            raise ValidationError(
                _("Nhập địa chỉ nhận."), field_errors={"address": [_("Trường này là bắt buộc.")]}
            )
        if recipient_kind == rules.DELIVERY_PARTY and not (address or (party and party.address)):
            raise ValidationError(
                _("Người gửi đơn không có địa chỉ; nhập địa chỉ nhận."),
                field_errors={"address": [_("Trường này là bắt buộc.")]},
            )
    else:
        postal_service, tracking_number = "", ""
    if channel == Delivery.Channel.EMAIL and not (contact or (party and party.email)):
        raise ValidationError(
            _("Không có địa chỉ thư điện tử của người nhận."),
            field_errors={"contact": [_("Trường này là bắt buộc.")]},
        )
    if channel == Delivery.Channel.SMS and not (contact or (party and party.phone)):
        raise ValidationError(
            _("Không có số điện thoại của người nhận."),
            field_errors={"contact": [_("Trường này là bắt buộc.")]},
        )
    if channel == Delivery.Channel.IN_PERSON and proof is None:
        raise ValidationError(
            _("Tải lên bản quét giấy biên nhận có chữ ký của người nhận."),
            field_errors={"proof": [_("Trường này là bắt buộc.")]},
        )
    user = history_user(actor)
    if pending is not None:
        delivery = Delivery.objects.select_for_update().get(pk=pending.pk, case=case)
        if delivery.status != Delivery.Status.PENDING:
            raise ValidationError(_("Lượt gửi này đã được ghi nhận."), code=STATE)
    else:
        delivery = Delivery(case=case, created_at=now)
    delivery.attachment = attachment
    delivery.recipient_kind, delivery.party = recipient_kind, party
    delivery.recipient_name, delivery.address, delivery.contact = recipient_name, address, contact
    delivery.channel, delivery.postal_service, delivery.tracking_number = (
        channel,
        postal_service,
        tracking_number,
    )
    delivery.sent_at, delivery.note, delivery.recorded_by = sent_at, note, user
    delivery.proof = _proof(case, actor, proof)
    # Delivery at the desk is received when handed over; the rest are sent and wait for news.
    delivery.status = (
        Delivery.Status.DELIVERED if channel == Delivery.Channel.IN_PERSON else Delivery.Status.SENT
    )
    if channel == Delivery.Channel.IN_PERSON:
        delivery.received_on = timezone.localdate(sent_at)
    stamp(delivery, user, f"sent by {channel}")
    delivery.save()
    event = _delivery_event(case, actor, "delivery.sent", delivery, retry_of=delivery.retry_of_id)
    _meet_send_duty(case)
    _meet_stop_decision_duty(case, attachment)
    save(case, actor, f"result sent by {channel}", [], [event])
    return delivery


def _locked_delivery(delivery: Delivery, actor: Actor) -> tuple[Case, Delivery]:
    case = lock(delivery.case_id)
    permissions.check_can("deliver", actor, case)
    return case, Delivery.objects.select_for_update().get(pk=delivery.pk)


@transaction.atomic
def delivery_mark_received(
    *, delivery: Delivery, actor: Actor, received_on: dt.date, proof: FileInput | None = None
) -> Delivery:
    """The recipient got it (the postal service's proof of delivery, a reply, a read receipt)."""
    case, delivery = _locked_delivery(delivery, actor)
    if delivery.status != Delivery.Status.SENT:
        raise ValidationError(_("Chỉ ghi nhận đã nhận cho lượt gửi đang chờ báo phát."), code=STATE)
    if delivery.sent_at and received_on < timezone.localdate(delivery.sent_at):
        raise ValidationError(
            _("Ngày nhận không được trước ngày gửi."), field_errors={"received_on": [_("Không hợp lệ.")]}
        )
    if received_on > timezone.localdate():
        raise ValidationError(
            _("Ngày nhận không được ở tương lai."), field_errors={"received_on": [_("Không hợp lệ.")]}
        )
    user = history_user(actor)
    delivery.status, delivery.received_on = Delivery.Status.DELIVERED, received_on
    if proof is not None:
        delivery.proof = _proof(case, actor, proof)
    stamp(delivery, user, "received")
    delivery.save(update_fields=["status", "received_on", "proof"])
    event = _delivery_event(case, actor, "delivery.received", delivery, received_on=received_on.isoformat())
    save(case, actor, "result received", [], [event])
    return delivery


@transaction.atomic
def delivery_mark_returned(
    *, delivery: Delivery, actor: Actor, returned_on: dt.date, reason: str, note: str = ""
) -> Delivery:
    """The letter came back (chuyển hoàn). The dispatch that met the sending limit still stands (the
    law measures the sending, decision 0008), but the duty to deliver is open again: a new pending
    delivery to the same recipient goes on the clerk's list until it is sent. Returns it."""
    case, delivery = _locked_delivery(delivery, actor)
    if delivery.status != Delivery.Status.SENT or delivery.channel != Delivery.Channel.POST:
        raise ValidationError(
            _("Chỉ thư gửi qua bưu chính đang chờ báo phát mới có thể bị trả lại."), code=STATE
        )
    if reason not in Delivery.ReturnReason.values:
        raise ValidationError(
            _("Chọn lý do trả lại."), field_errors={"reason": [_("Trường này là bắt buộc.")]}
        )
    if delivery.sent_at and returned_on < timezone.localdate(delivery.sent_at):
        raise ValidationError(
            _("Ngày trả lại không được trước ngày gửi."), field_errors={"returned_on": [_("Không hợp lệ.")]}
        )
    if returned_on > timezone.localdate():
        raise ValidationError(
            _("Ngày trả lại không được ở tương lai."), field_errors={"returned_on": [_("Không hợp lệ.")]}
        )
    note = clean_text("note", note)
    user = history_user(actor)
    delivery.status, delivery.returned_on, delivery.return_reason = (
        Delivery.Status.RETURNED,
        returned_on,
        reason,
    )
    if note:
        delivery.note = f"{delivery.note}\n{note}".strip()
    stamp(delivery, user, f"returned: {reason}")
    delivery.save(update_fields=["status", "returned_on", "return_reason", "note"])
    again = Delivery(
        case=case,
        attachment=delivery.attachment,
        recipient_kind=delivery.recipient_kind,
        party=delivery.party,
        recipient_name=delivery.recipient_name,
        address=delivery.address,
        contact=delivery.contact,
        channel=delivery.channel,
        status=Delivery.Status.PENDING,
        retry_of=delivery,
        recorded_by=user,
        created_at=timezone.now(),
    )
    stamp(again, user, "to send again after a return")
    again.save()
    event = _delivery_event(
        case,
        actor,
        "delivery.returned",
        delivery,
        returned_on=returned_on.isoformat(),
        reason=reason,
        retry=again.pk,
    )
    save(case, actor, "result returned", [], [event])
    return again


def send_deadlines(case: Case):
    return Deadline.objects.filter(case=case, rule_code__in=sorted(rules.SEND_RULES)).order_by("due_at")
