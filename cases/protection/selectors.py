"""Reads of the protection process for the case panel. Nothing here returns a name, address or
phone: the protected people appear by their relation to the denouncer; their identity is read only
through ``services.protection_identity_read``."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Deadline
from .models import Measure, ProtectionRequest


def case_protections(case) -> QuerySet[ProtectionRequest]:
    return (
        ProtectionRequest.objects.filter(case=case)
        .select_related("deadline", "handler", "decided_by")
        .prefetch_related("persons", "documents", "notices__person")
        .order_by("received_at", "pk")
    )


def _labels(codes) -> list[str]:
    labels = dict(Measure.choices)
    return [str(labels.get(code, code)) for code in codes]


def protection_view(request: ProtectionRequest) -> dict:
    deadline: Deadline | None = request.deadline
    return {
        "number": f"BV-{request.pk}",
        "status": request.get_status_display(),
        "channel": request.get_channel_display(),
        "requested_on": request.requested_on,
        "received_at": request.received_at,
        "awaiting_confirmation": request.awaiting_confirmation,
        "measures_requested": _labels(request.measures_requested),
        "measures_applied": _labels(request.measures_applied),
        "competent_body": request.competent_body,
        "starts_on": request.starts_on,
        "ended_at": request.ended_at,
        "end_ground": request.get_end_ground_display() if request.end_ground else "",
        "persons": [str(p.get_relation_display()) for p in request.persons.all()],
        "deadline": deadline,
        "documents": list(request.documents.all()),
        "notices": list(request.notices.all()),
    }
