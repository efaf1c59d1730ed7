"""Reads of signed documents and deliveries: a case's, the citizen's share of them, and the clerk's
daily list. No identity leaves here except through ``delivery_address`` (the envelope), which the
caller logs with ``cases.services.identity_access_record``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases import reporting, rules
from cases.models import Attachment, Case, Deadline, Visibility

from .models import Delivery, SignedDocument
from .services import _read
from .verification import Verification, verify_pdf


def case_deliveries(case: Case) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(case=case)
        .select_related("attachment", "party", "recorded_by", "proof")
        .order_by("created_at", "pk")
    )


def case_signed_documents(case: Case) -> QuerySet[SignedDocument]:
    return (
        SignedDocument.objects.filter(case=case).select_related("attachment", "signer").order_by("signed_at")
    )


def results_to_send(case: Case) -> QuerySet[Attachment]:
    """The decisions and notices that can be sent: the signed copies, and issued files that were not
    signed (no key configured)."""
    signed_sources = SignedDocument.objects.filter(case=case).values("source_id")
    return (
        Attachment.objects.filter(case=case, kind__in=[Attachment.Kind.DECISION, Attachment.Kind.NOTICE])
        .exclude(pk__in=signed_sources)
        .order_by("-uploaded_at", "-pk")
    )


@dataclass
class PublicDelivery:
    """What the citizen sees of one sending to a party: never a name or an address."""

    channel: str
    status: str
    sent_at: dt.datetime | None
    received_on: dt.date | None
    returned_on: dt.date | None
    postal_service: str
    postal_service_label: str
    tracking_number: str
    party_position: int | None
    document_name: str


def public_deliveries(case: Case) -> list[PublicDelivery]:
    rows = []
    for d in case_deliveries(case).filter(recipient_kind=rules.DELIVERY_PARTY):
        rows.append(
            PublicDelivery(
                channel=d.channel,
                status=d.status,
                sent_at=d.sent_at,
                received_on=d.received_on,
                returned_on=d.returned_on,
                postal_service=d.postal_service,
                postal_service_label=str(d.get_postal_service_display()) if d.postal_service else "",
                tracking_number=d.tracking_number,
                party_position=d.party.position + 1 if d.party is not None else None,
                document_name=d.attachment.original_name,
            )
        )
    return rows


def public_signatures(case: Case, visible_ids: set[int]) -> dict[int, tuple[SignedDocument, Verification]]:
    """{attachment id: (its signed-document record, the verification of the stored file now)} for
    the signed documents the citizen may see: the tracking page checks what it offers."""
    out = {}
    for document in case_signed_documents(case).filter(attachment_id__in=sorted(visible_ids)):
        try:
            content = _read(document.attachment)
        except FileNotFoundError:
            continue
        out[document.attachment_id] = (document, verify_pdf(content))
    return out


def delivery_address(delivery: Delivery) -> dict[str, str]:
    """Who and where, for the envelope: the party's identity (decrypted) or the recipient typed in.
    The caller checks the identity permission and writes the access log."""
    if delivery.party is not None:
        party = delivery.party
        return {
            "name": party.full_name,
            "address": delivery.address or party.address,
            "contact": delivery.contact or party.phone,
        }
    return {"name": delivery.recipient_name, "address": delivery.address, "contact": delivery.contact}


def deliveries_in_scope(cases: QuerySet[Case]) -> QuerySet[Delivery]:
    return Delivery.objects.filter(case__in=cases).select_related(
        "case", "attachment", "party", "case__authority"
    )


def daily_list(cases: QuerySet[Case], day: dt.date) -> dict[str, list]:
    """The clerk's list for ``day``: results waiting to be sent (a returned letter to send again, a
    case whose sending limit runs without a dispatch), what was sent that day, and what came back."""
    lo, hi = reporting.day_bounds(day, day)
    scoped = deliveries_in_scope(cases)
    pending = list(scoped.filter(status=Delivery.Status.PENDING).order_by("created_at"))
    sent = list(scoped.filter(sent_at__gte=lo, sent_at__lt=hi).order_by("sent_at"))
    returned = list(scoped.filter(returned_on=day).order_by("pk"))
    waiting = list(
        cases.filter(
            Exists(
                Deadline.objects.filter(
                    case=OuterRef("pk"),
                    rule_code__in=sorted(rules.SEND_RULES),
                    state__in=[Deadline.State.OPEN, Deadline.State.PAUSED],
                )
            )
        )
        .select_related("authority")
        .order_by("next_due_at")
    )
    send_due = {
        d.case_id: d
        for d in Deadline.objects.filter(
            case__in=[c.pk for c in waiting],
            rule_code__in=sorted(rules.SEND_RULES),
            state__in=[Deadline.State.OPEN, Deadline.State.PAUSED],
        ).order_by("-due_at")
    }
    return {
        "pending": pending,
        "waiting": [(c, send_due.get(c.pk)) for c in waiting],
        "sent": sent,
        "returned": returned,
    }


def complainant_visible(attachment: Attachment) -> bool:
    return attachment.visibility in (Visibility.COMPLAINANT, Visibility.PUBLIC)


def undelivered_q() -> Q:
    """Cases with a result still to deliver: a delivery pending (a letter came back)."""
    return Q(Exists(Delivery.objects.filter(case=OuterRef("pk"), status=Delivery.Status.PENDING)))
