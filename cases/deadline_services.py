"""Deadline rows as the workflow moves: created, completed, paused, resumed, extended and
recomputed when the calendar changes. The arithmetic is ``cases.deadlines`` (pure); this module
only reads and writes rows. Called by ``cases.services`` inside their transactions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from config.bulk import bulk_writer

from . import deadlines as engine
from . import effects, rules
from .actors import history_user, stamp
from .errors import ValidationError
from .events import event_record
from .models import Case, CaseEvent, Deadline, Holiday
from .models import CaseKind as K

logger = logging.getLogger(__name__)

# Which rules open at which workflow step (brief section 9; cases/data/deadline_rules.toml says
# the same per rule in its "schedule" field, and tests/cases/test_schedule.py holds them together).
RECEIPT_RULES: dict[str, list[str]] = {
    K.COMPLAINT: ["K3"],  # accept or refuse: Law on Complaints Arts 27, 36(1); Decree 124/2020 Art 16(1)
    K.DENUNCIATION: ["T1"],  # register, classify, decide acceptance: Law on Denunciations Art 24(1)
    K.PETITION: ["R4"],  # handle the letter: Circular 05/2021/TT-TTCP
    K.ANONYMOUS_REPORT: ["R4"],
}
VISIT_RULES = ["R1"]  # tell a visitor the result within 10 working days: Law 42/2013 Art 28(1)
# Denunciations referred by the press, deputies or other bodies: report the result within 20 days
# of receipt (Law on Denunciations 2018 Art 26(2)).
REFERRAL_CHANNELS = frozenset(
    {
        Case.Channel.REFERRAL_DEPUTY,
        Case.Channel.REFERRAL_FRONT,
        Case.Channel.REFERRAL_PRESS,
        Case.Channel.REFERRAL_AGENCY,
    }
)
ACCEPT_RULES: dict[str, list[str]] = {
    K.COMPLAINT: ["K4"],  # K5 at second level (Arts 28, 37); K6 for a discipline complaint (Art 50)
    K.DENUNCIATION: ["T4", "T3"],  # resolve: Art 30; notify denouncer and accused: Art 29(3)
}
CONCLUSION_RULES: dict[str, list[str]] = {
    # send the first-level decision (Art 32), the window for a second complaint (Art 33), the day it
    # takes effect (Art 44); second level: K9 (Art 41(1)), K10 (Art 41(2)), K11
    K.COMPLAINT: ["K7", "K8", "K11"],
    # send the conclusion (Art 35(3)), act on it (Art 36), publish it (Art 40)
    K.DENUNCIATION: ["T6", "T7", "T8"],
}
END_RULES: dict[str, list[str]] = {
    K.DENUNCIATION: ["T5"],  # send the suspension/ending decision: Art 34(4)
    K.COMPLAINT: ["K16"],  # from 01/07/2026 (Decree 124 Art 28b as amended, unconfirmed)
}
RESOLUTION_RULES = rules.RESOLUTION_RULES
# Calendar kinds that make a weekday a day off (the other kind, makeup_workday, makes a weekend day
# a working day).
OFF_KINDS = (Holiday.Kind.HOLIDAY, Holiday.Kind.COMPENSATORY, Holiday.Kind.SWAPPED_OFF)

_calendar_cache: dict[tuple[str, str], engine.WorkingCalendar] = {}


def _calendar_rows() -> list[tuple[dt.date, str, bool]]:
    return list(Holiday.objects.values_list("date", "kind", "confirmed"))


def working_calendar(
    reading: engine.Reading = "agency", rows: list[tuple[dt.date, str, bool]] | None = None
) -> engine.WorkingCalendar:
    """The calendar from the Holiday table as ``reading`` reads its unconfirmed rows
    (``engine.reading_for``: the agency's limits end at the earlier date, the citizen's at the later
    one), cached per content version. The version hashes the days actually used, so confirming a
    row changes it and ``calendar_changed`` recomputes the deadlines it moves."""
    rows = _calendar_rows() if rows is None else rows
    entries = engine.calendar_entries(rows, reading)
    # The version also names the unconfirmed rows: adding or confirming one changes which deadlines
    # are provisional even when this reading's dates stay the same.
    version = engine.calendar_version([*entries, *((d, f"unconfirmed {k}") for d, k, ok in rows if not ok)])
    key = (reading, version)
    cal = _calendar_cache.get(key)
    if cal is None:
        cal = engine.WorkingCalendar(entries, version=version)
        for stale in [k for k in _calendar_cache if k[0] == reading]:
            del _calendar_cache[stale]
        _calendar_cache[key] = cal
    return cal


@dataclass(frozen=True)
class Calendars:
    """Both readings of the calendar and its unconfirmed days, read once per operation."""

    agency: engine.WorkingCalendar
    citizen: engine.WorkingCalendar
    unconfirmed: tuple[dt.date, ...]

    def for_bearer(self, bearer: str) -> engine.WorkingCalendar:
        return self.citizen if engine.reading_for(bearer) == "citizen" else self.agency

    def other(self, bearer: str) -> engine.WorkingCalendar:
        return self.agency if engine.reading_for(bearer) == "citizen" else self.citizen


def calendars() -> Calendars:
    rows = _calendar_rows()
    return Calendars(
        agency=working_calendar("agency", rows),
        citizen=working_calendar("citizen", rows),
        unconfirmed=tuple(sorted(d for d, _k, confirmed in rows if not confirmed)),
    )


def unconfirmed_days() -> list[dt.date]:
    """Every calendar day not yet officially confirmed (a day off or a make-up Saturday)."""
    return list(Holiday.objects.filter(confirmed=False).order_by("date").values_list("date", flat=True))


def unconfirmed_within(days: int | None = None, today: dt.date | None = None) -> list[Holiday]:
    """The unconfirmed calendar rows in the next ``days`` days (``rules.UNCONFIRMED_WARNING_DAYS``):
    administrators are warned of each until it is confirmed or corrected."""
    days = rules.UNCONFIRMED_WARNING_DAYS if days is None else days
    today = today or _local()
    return list(
        Holiday.objects.filter(
            confirmed=False, date__gte=today, date__lte=today + dt.timedelta(days=days)
        ).order_by("date")
    )


def _local(at: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(at or timezone.now())


def _variants(case: Case, code: str = "") -> dict[str, bool]:
    """The case's features as the rule table's variants read them. K2 is only ever opened by a
    first-level decision, as the window for the second discipline complaint: 10 days, 30 after a
    dismissal (Law on Complaints 2011 Art 48)."""
    return {
        "complex": case.complexity in (Case.Complexity.COMPLEX, Case.Complexity.ESPECIALLY_COMPLEX),
        "especially_complex": case.complexity == Case.Complexity.ESPECIALLY_COMPLEX,
        # Art 50 sets no remote-area variant for discipline complaints.
        "remote": case.remote_area and not case.discipline,
        "second_level": case.complaint_level == Case.Level.SECOND or code == "K2",
        "dismissal": case.dismissal,
        "multi_site": case.multi_site,
    }


def _pauses(intervals: list) -> list[tuple[dt.date, dt.date]]:
    """Stored [[from, to], ...]; an open pause (to None) does not move the date until it ends."""
    return [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(b))
        for a, b in intervals
        if b is not None and dt.date.fromisoformat(b) >= dt.date.fromisoformat(a)
    ]


@dataclass(frozen=True)
class Computed:
    """A due date, and the unconfirmed days it depends on (empty: it does not)."""

    due: engine.DueDate
    unconfirmed_days: tuple[dt.date, ...]


def _compute(
    case: Case,
    code: str,
    trigger: dt.date,
    *,
    extensions=(),
    paused=(),
    cals: Calendars | None = None,
    limit: int | None = None,
) -> Computed:
    """The due date on the reading that protects the citizen, and the unconfirmed days it rests on:
    if the other reading gives another date, the unconfirmed days in the counted span are named.
    ``limit``: the days a decision fixed, for a rule whose limit is set by decision (R7)."""
    rule = engine.load_rules().get(code, trigger)
    cals = cals or calendars()
    kwargs = {"extensions": list(extensions), "paused": paused, "limit": limit, **_variants(case, code)}
    due = engine.compute_due(rule, trigger, cals.for_bearer(rule.bearer), **kwargs)
    depends: tuple[dt.date, ...] = ()
    if cals.unconfirmed:
        other = engine.compute_due(rule, trigger, cals.other(rule.bearer), **kwargs)
        if other.due_date != due.due_date:
            lo = min(trigger, due.due_date, other.due_date)
            hi = max(trigger, due.due_date, other.due_date)
            depends = tuple(d for d in cals.unconfirmed if lo <= d <= hi)
    return Computed(due, depends)


def _decided_limit(deadline: Deadline) -> int | None:
    """What a recomputation passes as ``limit``: the row's own days when its rule's limit is set by
    a decision (R7), else None (the rule table's limit)."""
    return deadline.limit_days if deadline.rule_code in rules.DECISION_LIMIT_RULES else None


def _save(deadline: Deadline, reason: str) -> None:
    setattr(deadline, "_change_reason", reason)  # noqa: B010 (django-simple-history reads it)
    deadline.save()


def deadlines_start(case: Case, codes: Iterable[str], *, trigger: dt.date | None = None) -> list[Deadline]:
    """Open the deadlines ``codes`` for ``case``, counted from ``trigger`` (the event's day): the
    rows and their history records in one statement each."""
    trigger = trigger or _local()
    cals = calendars()
    created = []
    for code in codes:
        try:
            computed = _compute(case, code, trigger, cals=cals)
        except engine.UnknownRule:
            continue  # no version of that rule in force on the trigger date (e.g. K16 before 07/2026)
        due = computed.due
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
            bearer=due.rule.bearer,
            unconfirmed_days=[d.isoformat() for d in computed.unconfirmed_days],
        )
        setattr(deadline, "_change_reason", f"started {code}")  # noqa: B010 (simple-history reads it)
        created.append(deadline)
    if created:
        with bulk_writer("deadlines_start"):  # with their history records
            bulk_create_with_history(created, Deadline)
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
    computed = _compute(case, code, trigger, limit=days)
    due = computed.due
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
        bearer=due.rule.bearer,
        unconfirmed_days=[d.isoformat() for d in computed.unconfirmed_days],
    )
    _save(deadline, f"started {code} by decision")
    return deadline


def receipt_codes(case: Case) -> list[str]:
    """The limits a new letter opens (Law on Complaints Art 27; Law on Denunciations Arts 24(1),
    26(2), 37(2); Law on Citizen Reception Art 28(1); Circular 05/2021/TT-TTCP)."""
    codes = list(RECEIPT_RULES.get(case.kind, []))
    if case.kind == K.DENUNCIATION and case.previous_case_id and case.previous_case is not None:
        # A re-denunciation at the superior is reviewed within 20 days (Art 37(2)) instead of
        # being handled as a new letter; a follow-up on an overdue one is Art 38 (T10).
        track = rules.denunciation_followup_track(case.previous_case.status)
        codes = ["T9"] if track == rules.REVIEW_RE_DENUNCIATION else ["T10"]
    if case.kind == K.DENUNCIATION and case.channel in REFERRAL_CHANNELS:
        codes.append("T11")
    if case.channel == Case.Channel.IN_PERSON:
        codes += VISIT_RULES
    return codes


RESOLVED_DENUNCIATION = frozenset({Case.Status.CONCLUDED, Case.Status.PUBLISHED, Case.Status.CLOSED})


def deadlines_on_receipt(case: Case) -> list[Deadline]:
    return deadlines_start(case, receipt_codes(case), trigger=_local(case.received_at))


def deadlines_on_out_of_competence(case: Case) -> list[Deadline]:
    """A denunciation found outside the body's competence is transferred within 5 working days of
    its receipt (Law on Denunciations 2018 Art 24(2), rule T2)."""
    if case.kind != K.DENUNCIATION or _open(case, ["T2"]).exists():
        return []
    return deadlines_start(case, ["T2"], trigger=_local(case.received_at))


def accept_codes(case: Case) -> list[str]:
    if case.kind == K.COMPLAINT and case.discipline:
        return ["K6"]  # both levels (Law on Complaints 2011 Art 50)
    if case.kind == K.COMPLAINT and case.complaint_level == Case.Level.SECOND:
        return ["K5"]
    return list(ACCEPT_RULES.get(case.kind, []))


def deadlines_on_track_change(case: Case) -> list[Deadline]:
    """A complaint found (or no longer found) to be a discipline complaint after acceptance: the
    running resolution limit is replaced by the other track's, counted from the same acceptance
    (K4/K5 and K6: Law on Complaints 2011 Arts 28, 37, 50)."""
    if case.kind != K.COMPLAINT or case.accepted_at is None:
        return []
    wanted = [c for c in accept_codes(case) if c in RESOLUTION_RULES]
    running = set(_open(case, sorted(RESOLUTION_RULES)).values_list("rule_code", flat=True))
    if not running or running == set(wanted):
        return []
    deadlines_end(case, Deadline.EndReason.SUPERSEDED, sorted(running))
    return deadlines_start(case, wanted, trigger=_local(case.accepted_at))


def deadlines_on_accept(case: Case) -> list[Deadline]:
    # Acceptance answers the receipt limits; a head's instruction (R7) is not carried out by it.
    deadlines_complete(case, exclude=rules.DECISION_LIMIT_RULES)
    return deadlines_start(case, accept_codes(case), trigger=_local(case.accepted_at))


def conclusion_codes(case: Case) -> list[str]:
    if case.kind == K.COMPLAINT:
        if case.complaint_level == Case.Level.SECOND:
            codes = ["K9", "K11"] if case.discipline else ["K9", "K10", "K11"]
        elif case.discipline:
            codes = ["K7", "K2", "K11"]  # the second complaint's window is K2 (Art 48)
        else:
            codes = list(CONCLUSION_RULES[K.COMPLAINT])
    else:
        codes = list(CONCLUSION_RULES.get(case.kind, []))
    if case.channel == Case.Channel.REFERRAL_DEPUTY:
        codes.append("R2")  # report the result to the referring deputy or body (Law 42/2013 Art 27(2))
    return codes


def deadlines_on_conclusion(case: Case) -> list[Deadline]:
    return deadlines_start(case, conclusion_codes(case), trigger=_local(case.decided_at))


def deadlines_on_suspend_or_end(case: Case) -> list[Deadline]:
    return deadlines_start(case, END_RULES.get(case.kind, []))


def deadlines_on_ending_notice(case: Case) -> list[Deadline]:
    """After a notice ending a complaint's resolution the complainant has 30 days to pursue it,
    then it is barred (Law on Complaints 2011 Art 11(8), rule K13)."""
    if case.kind != K.COMPLAINT:
        return []
    return deadlines_start(case, ["K13"])


def deadlines_on_second_level(first: Case) -> None:
    """A second complaint filed in time (K8, or K2 for a discipline complaint) meets the citizen's
    window, and the first decision no longer takes effect on K11's date: it is superseded by the
    second-level resolution (Law on Complaints 2011 Arts 33, 44, 48)."""
    deadlines_complete(first, ["K8", "K2"])
    deadlines_end(first, Deadline.EndReason.SUPERSEDED, ["K11"])


def deadlines_on_resume(case: Case, *, on: dt.date | None = None) -> list[Deadline]:
    """The continuation decision goes out within 3 working days of its date (Decree 124/2020
    Art 28b as amended from 1/7/2026, K16). Denunciations: Law on Denunciations Art 34(4) sets the
    5 working days for the suspension and ending decisions only, so no limit opens here."""
    if case.kind != K.COMPLAINT:
        return []
    return deadlines_start(case, ["K16"], trigger=on)


def deadlines_on_dialogue(case: Case, when: dt.date) -> list[Deadline]:
    """The dialogue notice goes out at least 5 days before the dialogue (Decree 124/2020 as amended
    from 1/7/2026, K15): a deadline counted backwards from the dialogue's day."""
    return deadlines_start(case, ["K15"], trigger=when)


def dialogue_notice_due(case: Case, when: dt.date) -> dt.date | None:
    """The latest day the dialogue notice may go out for a dialogue on ``when`` (K15: at least 5
    days ahead, from 1/7/2026), or None when no such rule is in force on that day."""
    try:
        return _compute(case, "K15", when).due.due_date
    except engine.UnknownRule:
        return None


def deadlines_on_dialogue_notice(case: Case, *, at: dt.datetime) -> int:
    """The dialogue notice recorded as sent at ``at`` meets K15."""
    return deadlines_complete(case, ["K15"], at=at)


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
    ``ids``: only these rows (one instruction's deadline). Without ``codes``, only the deadlines the
    agency owes: a citizen's window (K8, K2, K13) and a date of effect (K11) run on after the
    agency's step."""
    at = at or timezone.now()
    count = 0
    rows = _open(case, codes, exclude)
    if codes is None:
        rows = rows.filter(bearer="agency")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    for deadline in rows:
        deadline.state = Deadline.State.MET
        deadline.met_at = at
        deadline.missed = deadline.bearer == "agency" and at > deadline.due_at
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
    """Stop the clock from the day after the suspension decision (``on``, its date; Law on
    Denunciations Art 34(2))."""
    day = on or _local()
    count = 0
    for deadline in _open(case).filter(state=Deadline.State.OPEN, bearer="agency"):
        deadline.paused_intervals = [
            *deadline.paused_intervals,
            [(day + dt.timedelta(days=1)).isoformat(), None],
        ]
        deadline.state = Deadline.State.PAUSED
        _save(deadline, "paused")
        count += 1
    return count


def deadlines_resume(case: Case, *, on: dt.date | None = None) -> int:
    """Restart the clock: the days from the day after suspension up to ``on``, the date of the
    continuation decision, are not counted, so the due date moves later by them (in the rule's
    unit); counting goes on from the day after that decision (Law on Denunciations Art 34(2);
    Decree 124/2020 Art 28b(2) as amended by Decree 155/2026: the time limit runs on from the
    continuation decision; Civil Code 2015 Art 147: the day of the event is not counted)."""
    day = on or _local()
    cals = calendars()
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
        _recompute(case, deadline, cals)
        deadline.state = Deadline.State.OPEN
        _save(deadline, "resumed")
        count += 1
    return count


def _recompute(case: Case, deadline: Deadline, cals: Calendars) -> bool:
    computed = _compute(
        case,
        deadline.rule_code,
        deadline.trigger_date,
        extensions=deadline.extension_lengths,
        paused=_pauses(deadline.paused_intervals),
        cals=cals,
        limit=_decided_limit(deadline),
    )
    due = computed.due
    changed = due.due_date != deadline.due_date
    deadline.due_date, deadline.due_at = due.due_date, due.due_at
    deadline.limit_days, deadline.calendar_version = due.limit_days, due.calendar_version
    deadline.bearer = due.rule.bearer
    deadline.unconfirmed_days = [d.isoformat() for d in computed.unconfirmed_days]
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
        computed = _compute(
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
    due = computed.due
    deadline.due_date, deadline.due_at, deadline.limit_days = due.due_date, due.due_at, due.limit_days
    deadline.unconfirmed_days = [d.isoformat() for d in computed.unconfirmed_days]
    _save(deadline, f"extended by {days} days")
    return deadline


def deadlines_recompute_variants(case: Case) -> int:
    """After a change of complexity, remote-area flag, track or level, recompute the running
    deadlines."""
    cals = calendars()
    count = 0
    for deadline in _open(case):
        if _recompute(case, deadline, cals):
            _save(deadline, "recomputed after classification")
            count += 1
    return count


def _agency_due(deadline: Deadline) -> bool:
    return deadline.state == Deadline.State.OPEN and deadline.bearer == "agency"


def next_due_among(deadlines: Iterable[Deadline]) -> dt.datetime | None:
    """:func:`case_refresh_next_due` over deadlines already in hand (a case's first ones)."""
    return min((d.due_at for d in deadlines if _agency_due(d)), default=None)


def case_refresh_next_due(case: Case) -> None:
    """``Case.next_due_at``: the earliest running (not paused) deadline the agency must meet, for
    the sweep, the lists and the overdue figures (a citizen's own window is not the agency's duty)."""
    if case.pk is None:
        case.next_due_at = None
        return
    case.next_due_at = (
        Deadline.objects.filter(case=case, state=Deadline.State.OPEN, bearer="agency")  # as _agency_due
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


@transaction.atomic
def calendar_changed(*, actor=None) -> dict:
    """Recompute the open deadlines produced by an older calendar version. The original due date is
    kept; each case whose date moved gets a CaseEvent (``deadline.recomputed``)."""
    actor = history_user(actor)
    cals = calendars()
    moved: dict[int, list[dict]] = {}
    checked = 0
    # A deadline is stale when its calendar version is not the current one of its reading.
    citizen_read = ["citizen", "event"]
    stale = (
        Deadline.objects.filter(state__in=[Deadline.State.OPEN, Deadline.State.PAUSED])
        .filter(
            (Q(bearer__in=citizen_read) & ~Q(calendar_version=cals.citizen.version))
            | (~Q(bearer__in=citizen_read) & ~Q(calendar_version=cals.agency.version))
        )
        .select_related("case", "case__previous_case")
        .order_by("case_id", "pk")
    )
    for deadline in stale.select_for_update(of=("self",)).iterator(chunk_size=2000):
        checked += 1
        before = deadline.due_date
        moved_date = _recompute(deadline.case, deadline, cals)
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
                data={"calendar_version": cals.agency.version, "deadlines": moved[case.pk]},
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
        "calendar_version": cals.agency.version,
        "citizen_calendar_version": cals.citizen.version,
    }
