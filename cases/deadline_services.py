"""Deadline rows as the workflow moves: created, completed, paused, resumed, extended and
recomputed when the calendar changes. The arithmetic is ``cases.deadlines`` (pure); this module
only reads and writes rows. Called by ``cases.services`` inside their transactions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines as engine
from . import effects, rules
from .actors import history_user, stamp
from .errors import ValidationError
from .events import event_record
from .models import Case, CaseEvent, Deadline, Holiday
from .models import CaseKind as K

logger = logging.getLogger(__name__)

_calendar_cache: dict[str, engine.WorkingCalendar] = {}

# Which rules start on which workflow step (brief section 9).
RECEIPT_RULES: dict[str, list[str]] = {
    K.COMPLAINT: ["K3"],  # accept or refuse: Law on Complaints Art 27
    K.DENUNCIATION: ["T1"],  # register, classify, decide acceptance: Law on Denunciations Art 24(1)
    K.PETITION: ["R4"],  # handle the letter: Circular 05/2021 (unconfirmed)
    K.ANONYMOUS_REPORT: ["R4"],
}
VISIT_RULES = ["R1"]  # tell a visitor the result within 10 working days: Law 42/2013 Art 28(1)
ACCEPT_RULES: dict[str, list[str]] = {
    K.COMPLAINT: ["K4"],  # K5 at second level: Law on Complaints Arts 28, 37
    K.DENUNCIATION: ["T4", "T3"],  # resolve: Art 30; notify denouncer and accused: Art 29(3)
}
CONCLUSION_RULES: dict[str, list[str]] = {
    K.COMPLAINT: ["K7"],  # send the first-level decision: Art 32; second level K9 (Art 41) and K10
    K.DENUNCIATION: ["T6", "T8"],  # send the conclusion: Art 35(3); publish: Art 40
}
END_RULES: dict[str, list[str]] = {
    K.DENUNCIATION: ["T5"],  # send the suspension/ending decision: Art 34(4)
    K.COMPLAINT: ["K16"],  # from 01/07/2026 (Decree 124 Art 28b as amended, unconfirmed)
}
RESOLUTION_RULES = rules.RESOLUTION_RULES
# Calendar kinds that make a weekday a day off (the other kind, makeup_workday, makes a weekend day
# a working day).
OFF_KINDS = (Holiday.Kind.HOLIDAY, Holiday.Kind.COMPENSATORY, Holiday.Kind.SWAPPED_OFF)


def working_calendar() -> engine.WorkingCalendar:
    """The calendar from the Holiday table, cached per content version.

    Unless ``settings.CALENDAR_INCLUDE_UNCONFIRMED``, a day off whose row is not confirmed counts as
    a working day (the stricter, earlier deadline); an unconfirmed make-up Saturday always counts as
    a working day for the same reason. The version hashes the days actually used, so confirming a
    row (or switching the setting) changes it and ``calendar_changed`` recomputes."""
    rows = Holiday.objects.all()
    if not getattr(settings, "CALENDAR_INCLUDE_UNCONFIRMED", False):
        rows = rows.exclude(confirmed=False, kind__in=OFF_KINDS)
    entries = list(rows.values_list("date", "kind"))
    version = engine.calendar_version(entries)
    cal = _calendar_cache.get(version)
    if cal is None:
        cal = engine.WorkingCalendar(entries, version=version)
        _calendar_cache.clear()
        _calendar_cache[version] = cal
    return cal


def _local(at: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(at or timezone.now())


def _variants(case: Case) -> dict:
    return {
        "complex": case.complexity in (Case.Complexity.COMPLEX, Case.Complexity.ESPECIALLY_COMPLEX),
        "especially_complex": case.complexity == Case.Complexity.ESPECIALLY_COMPLEX,
        "remote": case.remote_area,
        "second_level": case.complaint_level == Case.Level.SECOND,
    }


def _pauses(intervals: list) -> list[tuple[dt.date, dt.date]]:
    """Stored [[from, to], ...]; an open pause (to None) does not move the date until it ends."""
    return [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(b))
        for a, b in intervals
        if b is not None and dt.date.fromisoformat(b) >= dt.date.fromisoformat(a)
    ]


def _compute(case: Case, code: str, trigger: dt.date, *, extensions=(), paused=(), calendar=None, limit=None):
    """``limit``: the days a decision fixed, for a rule whose limit is set by decision (R7)."""
    rule = engine.load_rules().get(code, trigger)
    return engine.compute_due(
        rule,
        trigger,
        calendar or working_calendar(),
        extensions=list(extensions),
        paused=paused,
        limit=limit,
        **_variants(case),
    )


def _decided_limit(deadline: Deadline) -> int | None:
    """What a recomputation passes as ``limit``: the row's own days when its rule's limit is set by
    a decision (R7), else None (the rule table's limit)."""
    return deadline.limit_days if deadline.rule_code in rules.DECISION_LIMIT_RULES else None


def _save(deadline: Deadline, reason: str) -> None:
    setattr(deadline, "_change_reason", reason)  # noqa: B010 (django-simple-history reads it)
    deadline.save()


def deadlines_start(case: Case, codes: Iterable[str], *, trigger: dt.date | None = None) -> list[Deadline]:
    """Open the deadlines ``codes`` for ``case``, counted from ``trigger`` (the event's day)."""
    trigger = trigger or _local()
    cal = working_calendar()
    created = []
    for code in codes:
        try:
            due = _compute(case, code, trigger, calendar=cal)
        except engine.UnknownRule:
            continue  # no version of that rule in force on the trigger date (e.g. K16 before 07/2026)
        deadline = Deadline(
            case=case,
            rule_code=code,
            rule_version=due.rule_version,
            title_vi=due.title_vi[:255],
            title_en=due.title_en[:255],
            legal_basis_vi=due.legal_basis_vi[:500],
            legal_basis_en=due.legal_basis_en[:500],
            unit=due.unit,
            limit_days=due.limit_days,
            trigger_date=trigger,
            original_due_date=due.due_date,
            due_date=due.due_date,
            due_at=due.due_at,
            calendar_version=due.calendar_version,
        )
        _save(deadline, f"started {code}")
        created.append(deadline)
    return created


def deadline_start_by_decision(case: Case, code: str, *, trigger: dt.date, due_date: dt.date) -> Deadline:
    """Open a deadline whose limit a decision fixed (R7: the head's instruction gives a due date,
    Decree 154/2026 Art 25(2)): the decided number of calendar days from ``trigger`` is kept in
    ``limit_days``; the engine applies the Civil Code's counting (a due day on a weekend or holiday
    moves to the next working day, Art 148(5)), and later recomputations keep the decided days."""
    rule = engine.load_rules().get(code, trigger)
    if not rule.set_by_decision:
        raise ValueError(f"{code} is not a rule whose limit a decision sets")
    days = (due_date - trigger).days
    if days < 1:
        message = _("Hạn thực hiện phải sau ngày ra thông báo.")
        raise ValidationError(message, field_errors={"due_date": [message]})
    due = _compute(case, code, trigger, limit=days)
    deadline = Deadline(
        case=case,
        rule_code=code,
        rule_version=due.rule_version,
        title_vi=due.title_vi[:255],
        title_en=due.title_en[:255],
        legal_basis_vi=due.legal_basis_vi[:500],
        legal_basis_en=due.legal_basis_en[:500],
        unit=due.unit,
        limit_days=due.limit_days,
        trigger_date=trigger,
        original_due_date=due.due_date,
        due_date=due.due_date,
        due_at=due.due_at,
        calendar_version=due.calendar_version,
    )
    _save(deadline, f"started {code} by decision")
    return deadline


def deadlines_on_receipt(case: Case) -> list[Deadline]:
    codes = list(RECEIPT_RULES.get(case.kind, []))
    if case.channel == Case.Channel.IN_PERSON:
        codes += VISIT_RULES
    return deadlines_start(case, codes, trigger=_local(case.received_at))


def deadlines_on_accept(case: Case) -> list[Deadline]:
    # Acceptance answers the receipt limits; a head's instruction (R7) is not carried out by it.
    deadlines_complete(case, exclude=rules.DECISION_LIMIT_RULES)
    codes = list(ACCEPT_RULES.get(case.kind, []))
    if case.kind == K.COMPLAINT and case.complaint_level == Case.Level.SECOND:
        codes = ["K5"]
    return deadlines_start(case, codes, trigger=_local(case.accepted_at))


def deadlines_on_conclusion(case: Case) -> list[Deadline]:
    codes = list(CONCLUSION_RULES.get(case.kind, []))
    if case.kind == K.COMPLAINT and case.complaint_level == Case.Level.SECOND:
        codes = ["K9", "K10"]
    return deadlines_start(case, codes, trigger=_local(case.decided_at))


def deadlines_on_suspend_or_end(case: Case) -> list[Deadline]:
    return deadlines_start(case, END_RULES.get(case.kind, []))


def _open(case: Case, codes: Iterable[str] | None = None, exclude: Iterable[str] = ()):
    qs = Deadline.objects.filter(case=case, state__in=[Deadline.State.OPEN, Deadline.State.PAUSED])
    if codes is not None:
        qs = qs.filter(rule_code__in=list(codes))
    if exclude:
        qs = qs.exclude(rule_code__in=list(exclude))
    return qs.select_for_update()


def deadlines_complete(
    case: Case,
    codes: Iterable[str] | None = None,
    *,
    at: dt.datetime | None = None,
    exclude: Iterable[str] = (),
    ids: Iterable[int] | None = None,
) -> int:
    """Mark open deadlines done now; late ones keep ``missed`` so on-time rates stay honest.
    ``ids``: only these rows (one instruction's deadline)."""
    at = at or timezone.now()
    count = 0
    rows = _open(case, codes, exclude)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    for deadline in rows:
        deadline.state = Deadline.State.MET
        deadline.met_at = at
        deadline.missed = at > deadline.due_at
        _save(deadline, "met late" if deadline.missed else "met")
        count += 1
    return count


def deadlines_end(
    case: Case, reason: str, codes: Iterable[str] | None = None, *, at: dt.datetime | None = None
) -> int:
    """Close open deadlines that will not be carried out because the case ended otherwise
    (withdrawn, merged, transferred, terminated): state ``ended`` with the reason, never "met", so
    they stay out of the on-time figures (``rules.counts_for_on_time``)."""
    at = at or timezone.now()
    count = 0
    for deadline in _open(case, codes):
        deadline.state = Deadline.State.ENDED
        deadline.end_reason = reason
        deadline.met_at = at
        deadline.missed = False
        _save(deadline, f"ended: {reason}")
        count += 1
    return count


def deadlines_answer_letter(case: Case, reason: str, *, at: dt.datetime | None = None) -> None:
    """A letter answered at receipt (refused, transferred, guided): the receipt limits (accept or
    refuse, transfer) are met by that answer; anything else still running ends with ``reason``."""
    deadlines_complete(case, rules.RECEIPT_RULES, at=at)
    deadlines_end(case, reason, at=at)


def deadlines_pause(case: Case, *, on: dt.date | None = None) -> int:
    """Stop the clock from the day after the suspension decision (Law on Denunciations Art 34(2))."""
    day = on or _local()
    count = 0
    for deadline in _open(case).filter(state=Deadline.State.OPEN):
        deadline.paused_intervals = [
            *deadline.paused_intervals,
            [(day + dt.timedelta(days=1)).isoformat(), None],
        ]
        deadline.state = Deadline.State.PAUSED
        _save(deadline, "paused")
        count += 1
    return count


def deadlines_resume(case: Case, *, on: dt.date | None = None) -> int:
    """Restart the clock: the days from the day after suspension up to the resume day are not
    counted, so the due date moves later by them (in the rule's unit)."""
    day = on or _local()
    cal = working_calendar()
    count = 0
    for deadline in _open(case).filter(state=Deadline.State.PAUSED):
        intervals = [list(i) for i in deadline.paused_intervals]
        if intervals and intervals[-1][1] is None:
            start = dt.date.fromisoformat(intervals[-1][0])
            if day < start:
                intervals.pop()  # suspended and resumed the same day: nothing to skip
            else:
                intervals[-1][1] = day.isoformat()
        deadline.paused_intervals = intervals
        _recompute(case, deadline, cal)
        deadline.state = Deadline.State.OPEN
        _save(deadline, "resumed")
        count += 1
    return count


def _recompute(case: Case, deadline: Deadline, cal: engine.WorkingCalendar) -> bool:
    due = _compute(
        case,
        deadline.rule_code,
        deadline.trigger_date,
        extensions=deadline.extension_lengths,
        paused=_pauses(deadline.paused_intervals),
        calendar=cal,
        limit=_decided_limit(deadline),
    )
    changed = due.due_date != deadline.due_date
    deadline.due_date, deadline.due_at = due.due_date, due.due_at
    deadline.limit_days, deadline.calendar_version = due.limit_days, due.calendar_version
    return changed


def deadline_extend(case: Case, *, days: int) -> Deadline:
    """One more written extension of the resolution period (T4; Law on Denunciations Art 30)."""
    deadline = _open(case, RESOLUTION_RULES).order_by("due_at").first()
    if deadline is None:
        raise ValidationError(_("Không có thời hạn giải quyết đang chạy."))
    most = rules.extension_days_max(deadline.trigger_date)
    if not 1 <= int(days) <= most:
        message = _(
            "Mỗi lần gia hạn từ 1 đến %(n)s ngày (Luật Tố cáo 2018, Điều 30; Nghị định 31/2019, Điều 3)."
        )
        raise ValidationError(message, params={"n": most}, field_errors={"days": [message]})
    lengths = [*deadline.extension_lengths, int(days)]
    try:
        due = _compute(
            case,
            deadline.rule_code,
            deadline.trigger_date,
            extensions=lengths,
            paused=_pauses(deadline.paused_intervals),
        )
    except engine.ExtensionNotAllowed as exc:  # more decisions than the law allows (rules.can_extend)
        message = _("Vụ việc đã gia hạn đủ số lần pháp luật cho phép (Luật Tố cáo 2018, Điều 30).")
        raise ValidationError(message, field_errors={"days": [message]}) from exc
    deadline.extension_lengths = lengths
    deadline.extensions = len(lengths)
    deadline.due_date, deadline.due_at, deadline.limit_days = due.due_date, due.due_at, due.limit_days
    _save(deadline, f"extended by {days} days")
    return deadline


def deadlines_recompute_variants(case: Case) -> int:
    """After a change of complexity, remote-area flag or level, recompute the running deadlines."""
    cal = working_calendar()
    count = 0
    for deadline in _open(case):
        if _recompute(case, deadline, cal):
            _save(deadline, "recomputed after classification")
            count += 1
    return count


def case_refresh_next_due(case: Case) -> None:
    """``Case.next_due_at``: the earliest running (not paused) deadline, for the sweep and lists."""
    if case.pk is None:
        case.next_due_at = None
        return
    case.next_due_at = (
        Deadline.objects.filter(case=case, state=Deadline.State.OPEN)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


@transaction.atomic
def calendar_changed(*, actor=None) -> dict:
    """Recompute the open deadlines produced by an older calendar version. The original due date is
    kept; each case whose date moved gets a CaseEvent (``deadline.recomputed``)."""
    actor = history_user(actor)
    cal = working_calendar()
    moved: dict[int, list[dict]] = {}
    checked = 0
    stale = (
        Deadline.objects.filter(state__in=[Deadline.State.OPEN, Deadline.State.PAUSED])
        .exclude(calendar_version=cal.version)
        .select_related("case")
        .order_by("case_id", "pk")
    )
    for deadline in stale.select_for_update(of=("self",)).iterator(chunk_size=2000):
        checked += 1
        before = deadline.due_date
        moved_date = _recompute(deadline.case, deadline, cal)
        _save(deadline, "calendar changed" if moved_date else "calendar version")
        if moved_date:
            moved.setdefault(deadline.case_id, []).append(
                {
                    "rule": deadline.rule_code,
                    "from": before.isoformat(),
                    "to": deadline.due_date.isoformat(),
                    "original": deadline.original_due_date.isoformat(),
                }
            )
    events: list[CaseEvent] = []
    changed: list[Case] = []
    for case in Case.objects.select_for_update().filter(pk__in=list(moved)).order_by("pk"):
        events.append(
            event_record(
                case=case,
                kind="deadline.recomputed",
                actor=actor,
                actor_role="system",
                data={"calendar_version": cal.version, "deadlines": moved[case.pk]},
            )
        )
        case_refresh_next_due(case)
        case.version += 1
        stamp(case, actor, "calendar changed")
        case.save(update_fields=["next_due_at", "event_head", "event_count", "version", "updated_at"])
        changed.append(case)
    effects.case_changed([c.pk for c in changed], events=events, cases=changed)
    return {
        "checked": checked,
        "moved": sum(len(v) for v in moved.values()),
        "moved_cases": len(moved),
        "calendar_version": cal.version,
    }
