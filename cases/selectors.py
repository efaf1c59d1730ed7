"""Reads, permission-aware. Templates and views never touch ``case.history`` or Party fields
directly: they come here, and identity comes only through ``party_identity_reveal`` (logged)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines as engine
from . import permissions
from .deadline_services import working_calendar
from .errors import PermissionDeniedError
from .models import Case, CaseEvent, Deadline, Party, Visibility
from .references import check_access_key
from .scope import staff_scope

# Fields whose values are identity or secrets: never shown in a diff to roles without the permission.
IDENTITY_FIELDS = frozenset({"full_name", "national_id", "address", "phone", "email", "national_id_digest"})
HIDDEN_FIELDS = frozenset({"access_key_hash", "event_head", "event_count", "updated_at", "version"})
MASK = "•••"


def case_list_for_user(user) -> QuerySet[Case]:
    """Cases the user may see: ``cases.scope.staff_scope`` (the one rule every staff read asks:
    their authorities' sub-trees, everything for auditors and superusers, never a case they or
    their unit are accused in). ``None`` is nobody."""
    return staff_scope(user).cases()


def case_get_for_user(user, reference: str) -> Case:
    case = (
        case_list_for_user(user).select_related("authority", "assignee").filter(reference=reference).first()
    )
    if case is None:
        raise PermissionDeniedError(_("Không tìm thấy hồ sơ."))
    return case


def case_get_for_tracking(reference: str, access_key: str) -> Case | None:
    """The citizen's look-up: the same None for an unknown reference and for a wrong key."""
    case = (
        Case.objects.select_related("authority").filter(reference=(reference or "").strip().upper()).first()
    )
    if case is None:
        check_access_key(reference or "", access_key or "", "0" * 64)  # same work either way
        return None
    if not check_access_key(case.reference, access_key or "", case.access_key_hash):
        return None
    return case


def party_masked(party: Party) -> dict:
    """What anyone in scope may see of a party without revealing it."""

    def mask(value: str, keep: int = 0) -> str:
        if not value:
            return ""
        return MASK + (value[-keep:] if keep else "")

    return {
        "pk": party.pk,
        "role": party.get_role_display(),
        "is_representative": party.is_representative,
        "full_name": mask(party.full_name),
        "national_id": mask(party.national_id, 3),
        "address": mask(party.address),
        "phone": mask(party.phone, 2),
        "email": MASK if party.email else "",
    }


# ------------------------------------------------------------------------------------ timeline


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str
    actor: str
    visibility: str
    data: dict = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    reason: str = ""
    source: str = "event"


def _viewer_visibilities(viewer) -> set[str]:
    if viewer == "complainant":
        return {Visibility.COMPLAINANT, Visibility.PUBLIC}
    if viewer == "public":
        return {Visibility.PUBLIC}
    return {Visibility.INTERNAL, Visibility.COMPLAINANT, Visibility.PUBLIC}


def _actor_label(user, role: str = "") -> str:
    if user is None:
        return {"citizen": "Người gửi đơn", "system": "Hệ thống"}.get(role, "Hệ thống")
    # Vietnamese order: family and middle names, then the given name ("Phạm Minh Tuấn").
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def _history_changes(record, identity_ok: bool) -> list[dict]:
    prev = record.prev_record
    if prev is None:
        return []
    delta = record.diff_against(prev)
    changes = []
    for change in delta.changes:
        if change.field in HIDDEN_FIELDS:
            continue
        old, new = change.old, change.new
        if change.field in IDENTITY_FIELDS and not identity_ok:
            old, new = MASK, MASK
        changes.append({"field": change.field, "old": old, "new": new})
    return changes


def case_timeline(*, case: Case, viewer) -> list[TimelineEntry]:
    """Events and field-level history diffs as one list, oldest first, filtered for the viewer.

    ``viewer`` is a staff user (sees internal events and diffs; identity diffs masked unless they
    hold the identity permission), or the strings "complainant" / "public" (only the events meant
    for them; no history diffs, no internal notes, nobody's identity)."""
    staff = viewer not in ("complainant", "public")
    if staff and not permissions.user_can_view_case(viewer, case):
        raise PermissionDeniedError(_("Bạn không có quyền xem hồ sơ này."))
    visible = _viewer_visibilities(viewer)
    entries = [
        TimelineEntry(
            at=e.created_at,
            kind=e.kind,
            actor=_actor_label(e.actor, e.actor_role) if staff else _public_actor(e),
            visibility=e.visibility,
            data=e.data if staff else _public_data(e),
            source="event",
        )
        for e in CaseEvent.objects.filter(case=case, visibility__in=visible)
        .select_related("actor")
        .order_by("seq")
    ]
    if staff:
        identity_ok = permissions.user_can_view_identity(viewer, case)
        for model_history, label in (
            (case.history.all(), "case"),
            (Party.history.filter(case_id=case.pk), "party"),
            (Deadline.history.filter(case_id=case.pk), "deadline"),
        ):
            for record in model_history.select_related("history_user").order_by("history_date"):
                changes = _history_changes(record, identity_ok)
                if not changes:
                    continue
                entries.append(
                    TimelineEntry(
                        at=record.history_date,
                        kind=f"{label}.changed",
                        actor=_actor_label(record.history_user),
                        visibility=Visibility.INTERNAL,
                        changes=changes,
                        reason=record.history_change_reason or "",
                        source="history",
                    )
                )
    entries.sort(key=lambda e: (e.at, 0 if e.source == "event" else 1))
    return entries


# What a complainant sees of an event's data: never staff names, notes to staff or other parties.
_PUBLIC_DATA_KEYS = {
    "case.received": {"kind", "channel", "attachments"},
    "case.accepted": set(),
    "case.rejected": {"reason_code", "legal_basis", "reason_text"},
    "case.transferred": {"to", "to_name"},
    "case.guided": {"guidance", "to"},
    "case.merged": {"into"},
    "case.extended": {"decision_number", "days", "new_due_date", "justification"},
    "case.suspended": {"reason_code", "legal_basis"},
    "case.resumed": set(),
    "case.withdrawn": set(),
    "case.withdrawal_overridden": set(),
    "case.terminated": {"reason_code", "legal_basis"},
    "case.decided": {"outcome", "decision_number", "summary", "attachment"},
    "case.concluded": {"outcome", "decision_number", "summary", "attachment"},
    "case.published": {"channel", "outcome"},
    "case.closed": set(),
    "case.dialogue_scheduled": {"when", "place", "agenda"},
    "case.followed_up": {"later_case"},
    "attachment.added": {"names"},
    "case.supplemented": {"text"},
    "note.added": {"text"},
}


def _public_data(event: CaseEvent) -> dict:
    keys = _PUBLIC_DATA_KEYS.get(event.kind, set())
    return {k: v for k, v in event.data.items() if k in keys}


def _public_actor(event: CaseEvent) -> str:
    return "Người gửi đơn" if event.actor_role == "citizen" else "Cơ quan giải quyết"


# ------------------------------------------------------------------------------------ deadlines


ENDED_EN = {
    "withdrawn": "withdrawal",
    "merged": "merger into a duplicate",
    "transferred": "transfer",
    "terminated": "ending of resolution",
    "rejected": "refusal",
    "guided": "guidance",
    "superseded": "another deadline",
}


@dataclass
class DeadlineView:
    deadline: Deadline
    remaining_days: int | None
    remaining_text_vi: str
    remaining_text_en: str
    colour: str  # "ok" | "soon" | "due" | "overdue" | "paused" | "done" | "ended"


def case_deadlines(*, case: Case, today: dt.date | None = None) -> list[DeadlineView]:
    """The case's deadlines with time remaining in the rule's unit ("còn 3 ngày làm việc")."""
    today = today or timezone.localdate()
    cal = working_calendar()
    views = []
    for d in case.deadlines.order_by("due_at"):
        if d.state == Deadline.State.ENDED:
            reason = Deadline.EndReason(d.end_reason) if d.end_reason in Deadline.EndReason.values else None
            label_vi = "kết thúc do " + (str(reason.label) if reason else "hồ sơ kết thúc")
            label_en = "ended by " + (ENDED_EN.get(d.end_reason, "the end of the case"))
            views.append(DeadlineView(d, None, label_vi, label_en, "ended"))
            continue
        if d.state in (Deadline.State.MET, Deadline.State.CANCELLED):
            label_vi = "đã hoàn thành" + (" (trễ hạn)" if d.missed else " đúng hạn")
            label_en = "done" + (" (late)" if d.missed else " on time")
            views.append(DeadlineView(d, None, label_vi, label_en, "done"))
            continue
        if d.state == Deadline.State.PAUSED:
            views.append(DeadlineView(d, None, "đang tạm dừng", "paused", "paused"))
            continue
        rem = engine.remaining(d.due_date, today, d.unit, cal)
        colour = "overdue" if rem.days < 0 else "due" if rem.days == 0 else "soon" if rem.days <= 3 else "ok"
        views.append(
            DeadlineView(
                d, rem.days, engine.format_remaining(rem, "vi"), engine.format_remaining(rem, "en"), colour
            )
        )
    return views
