"""Reads, permission-aware. Templates and views never touch ``case.history`` or Party fields
directly: they come here, and identity comes only through ``party_identity_reveal`` (logged)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines as engine
from . import permissions, rules
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


MERGE_WINDOW = dt.timedelta(seconds=5)


def _merge_history(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """One entry per action: a service writes its event and its rows' history records in one
    transaction, by one actor, within moments; each history entry joins the nearest such event
    (its changes appended, its reason kept), and stays on its own when there is none."""
    events = [e for e in entries if e.source == "event"]
    merged: list[TimelineEntry] = []
    for entry in entries:
        if entry.source != "history":
            merged.append(entry)
            continue
        near = [e for e in events if e.actor == entry.actor and abs(e.at - entry.at) <= MERGE_WINDOW]
        if not near:
            merged.append(entry)
            continue
        target = min(near, key=lambda e: abs(e.at - entry.at))
        target.changes.extend(entry.changes)
        if entry.reason and not target.reason:
            target.reason = entry.reason
    return merged


def case_timeline(*, case: Case, viewer, merged: bool = False) -> list[TimelineEntry]:
    """Events and field-level history diffs as one list, oldest first, filtered for the viewer.

    ``merged``: history diffs joined to the event of the same action (the workspace's timeline).
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
                changes = [{**c, "model": label} for c in _history_changes(record, identity_ok)]
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
    return _merge_history(entries) if merged and staff else entries


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
    # The staff's decision after a withdrawal and its reason, told to the citizen (Law on
    # Denunciations 2018 Art 33(3)); what was withdrawn in part (Art 33(2)).
    "case.withdrawn": {"reason"},
    "case.withdrawal_overridden": {"reason"},
    "case.withdrawal_requested": set(),
    "case.withdrawal_not_confirmed": {"reason"},
    "case.withdrawn_partly": {"part"},
    "case.party_withdrew": set(),
    # The superior's review of a follow-up (Arts 37(2), 38(4)).
    "redenunciation.declined": {"reason_code", "legal_basis", "reason_text"},
    "redenunciation.re_resolution": {"legal_basis"},
    "followup.report_requested": set(),
    "followup.taken_over": {"legal_basis"},
    "followup.closed": set(),
    # Law on Complaints Art 35 (K14).
    "contested_decision.suspended": {"until", "reason", "decision_number", "legal_basis"},
    "contested_decision.suspension_lifted": {"reason", "legal_basis"},
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
    # cases.delivery: what the citizen may know of the signed result and of its sending to them
    # (the events of sendings to others are internal).
    "document.signed": {"title", "number", "sha256", "attachment"},
    "delivery.sent": {"channel", "postal_service", "tracking_number", "sent_at"},
    "delivery.received": {"channel", "tracking_number", "received_on"},
    "delivery.returned": {"channel", "tracking_number", "returned_on"},
}


def _public_data(event: CaseEvent) -> dict:
    keys = _PUBLIC_DATA_KEYS.get(event.kind, set())
    shown = {k: v for k, v in event.data.items() if k in keys}
    if event.kind == "attachment.added" and event.actor_role == "citizen" and event.data.get("note"):
        # The citizen's own words sent with their files (never a note staff wrote).
        shown["citizen_note"] = event.data["note"]
    return shown


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
    "lapsed": "the end of the time limit",
}


@dataclass
class DeadlineView:
    deadline: Deadline
    remaining_days: int | None
    remaining_text_vi: str
    remaining_text_en: str
    colour: str  # "ok" | "soon" | "due" | "overdue" | "paused" | "done" | "ended"
    # The unconfirmed days off the due date rests on (``Deadline.unconfirmed_days``): while any is
    # named, the date is provisional and every screen says so, naming the days.
    provisional_days: tuple[dt.date, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_days)

    @property
    def provisional_text(self) -> str:
        return ", ".join(d.strftime("%d/%m/%Y") for d in self.provisional_days)


def _provisional_days(deadline: Deadline) -> tuple[dt.date, ...]:
    if deadline.state not in (Deadline.State.OPEN, Deadline.State.PAUSED):
        return ()
    return tuple(dt.date.fromisoformat(day) for day in deadline.unconfirmed_days or ())


def case_deadlines(
    *, case: Case, today: dt.date | None = None, confidential: bool = False
) -> list[DeadlineView]:
    """The case's deadlines with time remaining in the rule's unit ("còn 3 ngày làm việc").
    A citizen's own window (``bearer`` citizen) and a date of effect (``event``) are never shown
    as the agency's delay: once passed they read "closed" / "in effect". The confidential limits
    (``rules.CONFIDENTIAL_RULES``: protection of a denouncer) only with ``confidential=True`` (the
    staff workspace)."""
    today = today or timezone.localdate()
    views = []
    rows = case.deadlines.order_by("due_at")
    if not confidential:
        rows = rows.exclude(rule_code__in=sorted(rules.CONFIDENTIAL_RULES))
    for d in rows:
        cal = working_calendar(engine.reading_for(d.bearer))
        if d.state == Deadline.State.ENDED and d.end_reason == Deadline.EndReason.LAPSED:
            views.append(DeadlineView(d, None, "đã hết thời hạn", "time limit passed", "ended"))
            continue
        if d.state == Deadline.State.ENDED:
            reason = Deadline.EndReason(d.end_reason) if d.end_reason in Deadline.EndReason.values else None
            label_vi = "kết thúc do " + (str(reason.label) if reason else "hồ sơ kết thúc")
            label_en = "ended by " + (ENDED_EN.get(d.end_reason, "the end of the case"))
            views.append(DeadlineView(d, None, label_vi, label_en, "ended"))
            continue
        if d.state == Deadline.State.MET and d.bearer == "event":
            views.append(DeadlineView(d, None, "đã có hiệu lực", "in effect", "done"))
            continue
        if d.state == Deadline.State.MET and d.bearer == "citizen":
            views.append(DeadlineView(d, None, "người gửi đơn đã thực hiện", "done by the sender", "done"))
            continue
        if d.state in (Deadline.State.MET, Deadline.State.CANCELLED):
            label_vi = "đã hoàn thành" + (" (trễ hạn)" if d.missed else " đúng hạn")
            label_en = "done" + (" (late)" if d.missed else " on time")
            views.append(DeadlineView(d, None, label_vi, label_en, "done"))
            continue
        provisional = _provisional_days(d)
        if d.state == Deadline.State.PAUSED:
            views.append(DeadlineView(d, None, "đang tạm dừng", "paused", "paused", provisional))
            continue
        rem = engine.remaining(d.due_date, today, d.unit, cal)
        if d.bearer != "agency" and rem.days < 0:
            label_vi, label_en = (
                ("đã có hiệu lực", "in effect")
                if d.bearer == "event"
                else (
                    "đã hết thời hạn",
                    "time limit passed",
                )
            )
            views.append(DeadlineView(d, None, label_vi, label_en, "done", provisional))
            continue
        colour = "overdue" if rem.days < 0 else "due" if rem.days == 0 else "soon" if rem.days <= 3 else "ok"
        views.append(
            DeadlineView(
                d,
                rem.days,
                engine.format_remaining(rem, "vi"),
                engine.format_remaining(rem, "en"),
                colour,
                provisional,
            )
        )
    return views


# ------------------------------------------------------------------------------ the rule table


@dataclass(frozen=True)
class TimeLimit:
    """A time limit of the rule table in force on a day, in plain words (``deadlines.describe_limit``)."""

    code: str
    title_vi: str
    title_en: str
    limit_vi: str
    limit_en: str
    legal_basis_vi: str
    legal_basis_en: str

    def localised(self, english: bool) -> dict[str, str]:
        return {
            "code": self.code,
            "title": self.title_en if english and self.title_en else self.title_vi,
            "limit": self.limit_en if english else self.limit_vi,
            "legal_basis": self.legal_basis_en if english and self.legal_basis_en else self.legal_basis_vi,
        }


def time_limits_in_force(codes: list[str], on: dt.date | None = None) -> list[TimeLimit]:
    """The versions of ``codes`` in force on ``on`` (today), for the pages that tell citizens the
    time limits: they read the table, never a number typed by hand. The table's confidence notes
    are for staff and stay out."""
    on = on or timezone.localdate()
    table = engine.load_rules()
    found = []
    for code in codes:
        try:
            rule = table.get(code, on)
        except engine.UnknownRule:
            continue
        found.append(
            TimeLimit(
                code=rule.code,
                title_vi=rule.title_vi,
                title_en=rule.title_en,
                limit_vi=engine.describe_limit(rule, "vi"),
                limit_en=engine.describe_limit(rule, "en"),
                legal_basis_vi=rule.legal_basis_vi,
                legal_basis_en=rule.legal_basis_en,
            )
        )
    return found
