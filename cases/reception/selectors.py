"""Reads of the reception register, permission-aware where a user is involved. Writes are
``cases.reception.services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import permissions, rules
from cases.models import Authority

from .models import HeadSession, Instruction, ReceptionPlace, Visit


def instructed_unit_ids(deadline_ids: Iterable[int]) -> dict[int, list[int]]:
    """{deadline id: [id of the unit instructed]} for the deadlines that are heads' instructions."""
    found: dict[int, list[int]] = {}
    for deadline_id, unit_id in Instruction.objects.filter(deadline_id__in=list(deadline_ids)).values_list(
        "deadline_id", "unit_id"
    ):
        found.setdefault(deadline_id, []).append(unit_id)
    return found


def register_authorities(user) -> QuerySet[Authority]:
    """The authorities whose register ``user`` may read: every one for superusers and auditors,
    else those of their memberships and below."""
    qs = Authority.objects.order_by("path")
    if user.is_superuser or permissions.is_auditor(user):
        return qs
    q = Q(pk__in=[])
    for _role, path in permissions._memberships(user):
        q |= Q(path__startswith=path)
    return qs.filter(q)


def visits_for_user(user) -> QuerySet[Visit]:
    return Visit.objects.filter(authority__in=register_authorities(user)).select_related(
        "authority", "officer", "case", "session", "refusal"
    )


def sessions_for_user(user) -> QuerySet[HeadSession]:
    return HeadSession.objects.filter(authority__in=register_authorities(user)).select_related(
        "authority", "place", "presider"
    )


def public_places() -> QuerySet[ReceptionPlace]:
    return (
        ReceptionPlace.objects.filter(public=True, active=True)
        .select_related("authority")
        .prefetch_related("hours")
        .order_by("authority__path", "name_vi")
    )


def upcoming_public_sessions(place: ReceptionPlace, *, now: dt.datetime | None = None, limit: int = 12):
    now = now or timezone.now()
    return list(
        HeadSession.objects.filter(
            place=place, public=True, state=HeadSession.State.PLANNED, starts_at__gte=now
        ).order_by("starts_at")[:limit]
    )


def head_reception_compliance(authority: Authority, day: dt.date) -> dict:
    """How many days the head received citizens in person in the week or month of ``day``, against
    the minimum the law sets for the authority's level (``rules.head_reception_minimum``)."""
    rule = rules.head_reception_minimum(authority.level, day)
    if rule is None:
        return {"rule": None, "held": 0, "verdict": rules.ALLOWED, "start": None, "end": None}
    start, end = rules.head_reception_period(day, str(rule["per"]))
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    days = {
        timezone.localtime(t).date()
        for t in HeadSession.objects.filter(
            authority=authority,
            state=HeadSession.State.HELD,
            authorised=False,
            starts_at__gte=lo,
            starts_at__lt=hi,
        ).values_list("starts_at", flat=True)
    }
    held = len(days)
    return {
        "rule": rule,
        "held": held,
        "verdict": rules.head_reception_met(authority.level, day, held),
        "start": start,
        "end": end,
    }
