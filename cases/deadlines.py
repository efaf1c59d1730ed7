"""Statutory deadline arithmetic for complaints, denunciations and citizen reception.

Pure functions over a rule table (``cases/data/deadline_rules.toml``) and a working-day calendar
(``cases/data/holidays_vn_2025_2027.csv`` or the Holiday table): no Django, no ORM, no clock.

Counting follows the Civil Code No. 91/2015/QH13, Arts 144–148:

* the day of the triggering event is not counted; counting starts the next day (Art 147(2)–(3));
* a day-based period ends at 24:00 of its last day (Art 148(1), (6)), so ``due_at`` is 23:59:59.999999
  Asia/Ho_Chi_Minh on ``due_date``;
* a period whose last day is a weekend day or public holiday ends at the end of the next working day
  (Art 148(5)); a period in years ends on the same day and month (Art 148(4)).

A working day is Monday–Friday (Decision 188/1999/QĐ-TTg Art 1) minus public holidays, compensatory
days and swapped days off (Labour Code 45/2019 Arts 111–112, yearly MoHA/PM notices), plus official
make-up Saturdays. Statutes say "ngày làm việc" where they mean working days; plain "ngày" is
counted as calendar days (legal brief 7.2), so the unit is data, per rule and per version.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_CALENDAR_PATH",
    "DEFAULT_RULES_PATH",
    "DeadlineError",
    "DueDate",
    "ExtensionNotAllowed",
    "ExtensionPolicy",
    "NoNumericLimit",
    "Remaining",
    "Rule",
    "RuleTable",
    "RuleVariantLimits",
    "UnknownRule",
    "WorkingCalendar",
    "calendar_entries",
    "calendar_version",
    "compute_due",
    "format_remaining",
    "load_calendar_csv",
    "load_rules",
    "reading_for",
    "remaining",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_RULES_PATH = DATA_DIR / "deadline_rules.toml"
DEFAULT_CALENDAR_PATH = DATA_DIR / "holidays_vn_2025_2027.csv"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
END_OF_DAY = time(23, 59, 59, 999999)

Unit = Literal["calendar_days", "working_days", "years", "none"]
Bearer = Literal["agency", "citizen", "event"]
BEARERS: frozenset[str] = frozenset({"agency", "citizen", "event"})
UNITS: frozenset[str] = frozenset({"calendar_days", "working_days", "years", "none"})
CALENDAR_KINDS: frozenset[str] = frozenset({"holiday", "compensatory", "swapped_off", "makeup_workday"})
_OFF_KINDS = frozenset({"holiday", "compensatory", "swapped_off"})

# The dense calendar arrays span this range; ~40k days keeps construction a few milliseconds.
_FIRST_DAY = date(1990, 1, 1)
_LAST_DAY = date(2100, 12, 31)


class DeadlineError(ValueError):
    """Base class of the engine's errors; messages are Vietnamese first, then English."""


class UnknownRule(DeadlineError):
    """No rule with this code, or no version of it in force on the date asked."""


class ExtensionNotAllowed(DeadlineError):
    """More extensions (or longer ones) than the law allows for the rule and the case's complexity."""


class NoNumericLimit(DeadlineError):
    """The rule has no numeric limit (e.g. K14, T12, T13, C1), so there is no due date to compute."""


# ------------------------------------------------------------------------------------------ rules


@dataclass(frozen=True, slots=True)
class RuleVariantLimits:
    """Limits the law sets for particular cases, replacing the normal limit (all ceilings)."""

    complex: int | None = None
    especially_complex: int | None = None
    remote: int | None = None
    remote_complex: int | None = None
    second_level: int | None = None
    second_level_dismissal: int | None = None
    multi_site: int | None = None


@dataclass(frozen=True, slots=True)
class ExtensionPolicy:
    """Written extension decisions a rule allows (Law on Denunciations Art 30; Decree 31/2019 Art 3)."""

    max_days_each: int
    max_count: int = 0
    max_count_complex: int = 0
    max_count_especially_complex: int = 0

    def allowed(self, *, complex: bool, especially_complex: bool) -> int:
        if especially_complex:
            return self.max_count_especially_complex
        if complex:
            return self.max_count_complex
        return self.max_count


@dataclass(frozen=True, slots=True)
class Rule:
    """One version of one statutory time limit, as read from the rule table."""

    code: str
    title_vi: str
    title_en: str
    limit: int | None
    unit: Unit
    trigger: str
    legal_basis_vi: str
    legal_basis_en: str
    confidence: Literal["C", "S", "U"]
    valid_from: date
    valid_to: date | None = None
    direction: Literal["after", "before"] = "after"
    variants: RuleVariantLimits = field(default_factory=RuleVariantLimits)
    extensions: ExtensionPolicy | None = None
    notes: str = ""
    # Who must meet the limit: the agency (the default), the citizen (their own time limit, counted
    # on the citizen's reading of an unconfirmed day), or nobody ("event": a day something takes
    # effect). See WorkingCalendar and deadline_services.working_calendar.
    bearer: Bearer = "agency"
    schedule: str = ""
    # The limit is fixed by a decision, case by case (R7: the head's instruction in the notice of
    # conclusions of a reception session sets its own time limit), not by the rule table.
    set_by_decision: bool = False

    @property
    def version(self) -> date:
        """A version is identified by the date it took effect."""
        return self.valid_from

    def in_force_on(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def limit_for(
        self,
        *,
        complex: bool = False,
        especially_complex: bool = False,
        remote: bool = False,
        second_level: bool = False,
        dismissal: bool = False,
        multi_site: bool = False,
    ) -> int:
        """The limit for a case with these features.

        Variants are ceilings set by the law (e.g. Law on Complaints Arts 28, 37), so the largest
        applicable one wins; a feature the rule has no variant for does not change its limit.
        ``especially_complex`` implies ``complex``; ``dismissal`` only matters at second level (K2).
        """
        if self.limit is None:
            raise NoNumericLimit(_no_limit_message(self))
        v = self.variants
        base = self.limit
        if second_level:
            if dismissal and v.second_level_dismissal is not None:
                base = v.second_level_dismissal
            elif v.second_level is not None:
                base = v.second_level
        is_complex = complex or especially_complex
        candidates = [base]
        if especially_complex and v.especially_complex is not None:
            candidates.append(v.especially_complex)
        if is_complex and v.complex is not None:
            candidates.append(v.complex)
        if remote and v.remote is not None:
            candidates.append(v.remote)
        if remote and is_complex and v.remote_complex is not None:
            candidates.append(v.remote_complex)
        if multi_site and v.multi_site is not None:
            candidates.append(v.multi_site)
        return max(candidates)


def _unknown_code_message(code: str) -> str:
    return f"Không có quy tắc thời hạn mã {code!r}. / Unknown deadline rule {code!r}."


class RuleTable:
    """All versions of all rules; ``get(code, on)`` returns the version in force on a date."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_code: dict[str, list[Rule]] = {}
        for rule in rules:
            by_code.setdefault(rule.code, []).append(rule)
        for code, versions in by_code.items():
            versions.sort(key=lambda r: r.valid_from)
            for older, newer in pairwise(versions):
                if older.valid_to is None or older.valid_to >= newer.valid_from:
                    raise ValueError(
                        f"Rule {code}: versions from {older.valid_from} and {newer.valid_from} overlap"
                    )
        self._by_code: dict[str, tuple[Rule, ...]] = {c: tuple(v) for c, v in by_code.items()}

    def get(self, code: str, on: date) -> Rule:
        """The version of rule ``code`` in force on ``on`` (normally the trigger date).

        Raises :class:`UnknownRule` for an unknown code or when no version is in force that day.
        """
        versions = self._by_code.get(code)
        if versions is None:
            raise UnknownRule(_unknown_code_message(code))
        for rule in versions:
            if rule.valid_from <= on and (rule.valid_to is None or on <= rule.valid_to):
                return rule
        raise UnknownRule(
            f"Quy tắc {code} không có phiên bản hiệu lực ngày {on:%d/%m/%Y}. "
            f"/ Rule {code} has no version in force on {on.isoformat()}."
        )

    def versions(self, code: str) -> tuple[Rule, ...]:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownRule(_unknown_code_message(code)) from None

    def codes(self) -> list[str]:
        return list(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Rule]:
        for versions in self._by_code.values():
            yield from versions

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_code.values())


_RULE_KEYS = frozenset(
    {
        "code",
        "title_vi",
        "title_en",
        "limit",
        "unit",
        "trigger",
        "direction",
        "variants",
        "extensions",
        "legal_basis_vi",
        "legal_basis_en",
        "confidence",
        "valid_from",
        "valid_to",
        "notes",
        "bearer",
        "schedule",
        "set_by_decision",
    }
)


_REQUIRED_KEYS = frozenset(
    {
        "code",
        "title_vi",
        "title_en",
        "unit",
        "trigger",
        "legal_basis_vi",
        "legal_basis_en",
        "confidence",
        "valid_from",
    }
)


def _as_date(value: object, what: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{what}: expected a date, got a date-time {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError(f"{what}: expected an ISO date, got {value!r}")


def _rule_from_dict(raw: dict[str, object]) -> Rule:
    code = str(raw.get("code", "?"))
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise ValueError(f"Rule {code}: unknown keys {sorted(unknown)}")
    missing = _REQUIRED_KEYS - set(raw)
    if missing:
        raise ValueError(f"Rule {code}: missing keys {sorted(missing)}")
    unit = raw["unit"]
    if unit not in UNITS:
        raise ValueError(f"Rule {code}: unit {unit!r} not in {sorted(UNITS)}")
    limit = raw.get("limit")
    set_by_decision = raw.get("set_by_decision", False)
    if not isinstance(set_by_decision, bool):
        raise ValueError(f"Rule {code}: set_by_decision must be true or false")
    if set_by_decision:
        if limit is not None or unit == "none":
            raise ValueError(f"Rule {code}: a limit set by decision has a unit and no limit in the table")
    elif (limit is None) != (unit == "none"):
        raise ValueError(f"Rule {code}: a limit is required exactly when unit is not 'none'")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValueError(f"Rule {code}: limit must be a positive integer")
    if raw.get("confidence") not in ("C", "S", "U"):
        raise ValueError(f"Rule {code}: confidence must be C, S or U")
    direction = raw.get("direction", "after")
    if direction not in ("after", "before"):
        raise ValueError(f"Rule {code}: direction must be 'after' or 'before'")
    if direction == "before" and unit != "calendar_days":
        raise ValueError(f"Rule {code}: only calendar-day rules may count backwards")
    variants = RuleVariantLimits(**raw.get("variants", {}))  # type: ignore[arg-type]
    ext_raw = raw.get("extensions")
    extensions = ExtensionPolicy(**ext_raw) if ext_raw else None  # type: ignore[arg-type]
    valid_from = _as_date(raw["valid_from"], f"{code}.valid_from")
    valid_to = _as_date(raw["valid_to"], f"{code}.valid_to") if raw.get("valid_to") is not None else None
    if valid_to is not None and valid_to < valid_from:
        raise ValueError(f"Rule {code}: valid_to before valid_from")
    bearer = raw.get("bearer", "agency")
    if bearer not in BEARERS:
        raise ValueError(f"Rule {code}: bearer must be one of {sorted(BEARERS)}")
    return Rule(
        code=code,
        title_vi=str(raw["title_vi"]),
        title_en=str(raw["title_en"]),
        limit=limit,
        unit=unit,  # type: ignore[arg-type]
        trigger=str(raw["trigger"]),
        legal_basis_vi=str(raw["legal_basis_vi"]),
        legal_basis_en=str(raw["legal_basis_en"]),
        confidence=raw["confidence"],  # type: ignore[arg-type]
        valid_from=valid_from,
        valid_to=valid_to,
        direction=direction,  # type: ignore[arg-type]
        variants=variants,
        extensions=extensions,
        notes=str(raw.get("notes", "")),
        bearer=bearer,  # type: ignore[arg-type]
        schedule=str(raw.get("schedule", "")),
        set_by_decision=set_by_decision,
    )


@lru_cache(maxsize=8)
def _load_rules_cached(path: str) -> RuleTable:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return RuleTable(_rule_from_dict(raw) for raw in data.get("rule", []))


def load_rules(path: str | Path | None = None) -> RuleTable:
    """Read and validate the rule table (cached per path). Defaults to the shipped TOML file."""
    return _load_rules_cached(str(Path(path or DEFAULT_RULES_PATH).resolve()))


# --------------------------------------------------------------------------------------- calendar


def calendar_version(entries: Iterable[tuple[date, str]]) -> str:
    """A stable hash of the (date, kind) entries: same days, same version, whatever the order or names.

    Stored with every computed deadline so an audit can re-run it on the same calendar.
    """
    lines = sorted({f"{d.isoformat()} {kind}" for d, kind in entries})
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


class WorkingCalendar:
    """Working days of Vietnamese state bodies: Mon–Fri (Decision 188/1999/QĐ-TTg) minus holidays,
    compensatory days and swapped days off, plus make-up Saturdays (Labour Code 2019 Arts 111–112).

    Built once from (date, kind) pairs; lookups are O(1) on precomputed arrays.
    ``coverage`` is the span of whole years the entries describe; outside it only weekends are known.
    """

    __slots__ = ("_base", "_coverage_ords", "_cum", "_last", "_wd_ords", "_working", "coverage", "version")

    def __init__(self, entries: Iterable[tuple[date, str]], version: str | None = None) -> None:
        pairs = [(d, kind) for d, kind in entries]
        off: set[int] = set()
        makeup: set[int] = set()
        for d, kind in pairs:
            if kind not in CALENDAR_KINDS:
                raise ValueError(
                    f"{d}: unknown calendar kind {kind!r} (expected one of {sorted(CALENDAR_KINDS)})"
                )
            if not (_FIRST_DAY <= d <= _LAST_DAY):
                raise ValueError(f"{d}: outside the supported range {_FIRST_DAY}..{_LAST_DAY}")
            if kind == "makeup_workday":
                if d.weekday() < 5:
                    raise ValueError(f"{d}: a make-up working day must fall on a Saturday or Sunday")
                makeup.add(d.toordinal())
            else:
                off.add(d.toordinal())
        clash = off & makeup
        if clash:
            days = ", ".join(date.fromordinal(o).isoformat() for o in sorted(clash))
            raise ValueError(f"Both a day off and a make-up working day: {days}")
        self.version: str = version if version is not None else calendar_version(pairs)
        years = sorted({d.year for d, _ in pairs})
        self.coverage: tuple[date, date] | None = (
            (date(years[0], 1, 1), date(years[-1], 12, 31)) if years else None
        )
        # An empty calendar covers nothing: every result is provisional.
        self._coverage_ords = (
            (self.coverage[0].toordinal(), self.coverage[1].toordinal()) if self.coverage else (1, 0)
        )

        self._base = _FIRST_DAY.toordinal()
        self._last = _LAST_DAY.toordinal()
        size = self._last - self._base + 1
        working = bytearray(size)
        cum = array("l", bytes(size * array("l").itemsize))
        wd_ords = array("l")
        count = 0
        for i in range(size):
            o = self._base + i
            is_working = ((o - 1) % 7 < 5 and o not in off) or o in makeup  # ordinal 1 is a Monday
            if is_working:
                working[i] = 1
                count += 1
                wd_ords.append(o)
            cum[i] = count  # working days in [_FIRST_DAY, day i]
        self._working = bytes(working)
        self._cum = cum
        self._wd_ords = wd_ords

    # Internals work on date ordinals; ``i`` is an index into the arrays (ordinal - _base).

    def _i(self, o: int) -> int:
        i = o - self._base
        if i < 0 or o > self._last:
            raise ValueError(f"{date.fromordinal(o)}: outside the supported range {_FIRST_DAY}..{_LAST_DAY}")
        return i

    def _wd_at(self, k: int) -> int:
        """Ordinal of the k-th (0-based) working day of the supported range."""
        if not 0 <= k < len(self._wd_ords):
            raise ValueError(f"Result outside the supported range {_FIRST_DAY}..{_LAST_DAY}")
        return self._wd_ords[k]

    def _nth_working_after_ord(self, o: int, n: int) -> int:
        """The n-th (n >= 1) working day strictly after ``o``: cum[i] working days are <= o."""
        return self._wd_at(self._cum[self._i(o)] + n - 1)

    def _roll_forward_ord(self, o: int) -> int:
        i = self._i(o)
        return o if self._working[i] else self._wd_at(self._cum[i])

    def _roll_back_ord(self, o: int) -> int:
        i = self._i(o)
        return o if self._working[i] else self._wd_at(self._cum[i] - 1)

    def _count_between_ordinals(self, lo: int, hi: int) -> int:
        """Working days in [lo, hi]."""
        return self._cum[self._i(hi)] - self._cum[self._i(lo - 1)]

    def covers(self, d: date) -> bool:
        """True if ``d`` lies in a year the calendar entries describe."""
        return self.coverage is not None and self.coverage[0] <= d <= self.coverage[1]

    def is_working_day(self, d: date) -> bool:
        return self._working[self._i(d.toordinal())] == 1

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return date.fromordinal(self._nth_working_after_ord(d.toordinal(), 1))

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return date.fromordinal(self._wd_at(self._cum[self._i(d.toordinal() - 1)] - 1))

    def roll_forward(self, d: date) -> date:
        """``d`` if it is a working day, else the next working day (Civil Code Art 148(5))."""
        return date.fromordinal(self._roll_forward_ord(d.toordinal()))

    def roll_back(self, d: date) -> date:
        """``d`` if it is a working day, else the previous working day."""
        return date.fromordinal(self._roll_back_ord(d.toordinal()))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; ``start`` itself is never counted (Civil Code
        Art 147(2)), so the first counted day is the first working day after it. ``n == 0`` → start."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return start
        return date.fromordinal(self._nth_working_after_ord(start.toordinal(), n))

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in the half-open interval (a, b]; negative when b < a."""
        return self._cum[self._i(b.toordinal())] - self._cum[self._i(a.toordinal())]


Reading = Literal["agency", "citizen"]


def reading_for(bearer: str) -> Reading:
    """How an unconfirmed calendar day is read for a limit borne by ``bearer``: the reading that
    protects the citizen. A limit the agency must meet ends at the EARLIER date (an unconfirmed day
    off is worked, an unconfirmed make-up Saturday is worked); a limit the citizen must meet, and a
    day something takes effect for them, end at the LATER date (an unconfirmed day off is off, an
    unconfirmed make-up Saturday is not worked), so nobody is refused as late because of a day the
    state had not yet confirmed."""
    return "citizen" if bearer in ("citizen", "event") else "agency"


def calendar_entries(rows: Iterable[tuple[date, str, bool]], reading: Reading) -> list[tuple[date, str]]:
    """The (date, kind) pairs of calendar rows (date, kind, confirmed) as ``reading`` reads them."""
    entries = []
    for day, kind, confirmed in rows:
        if not confirmed:
            off = kind in _OFF_KINDS
            if reading == "agency" and off:
                continue  # counted as a working day: the agency's limit ends earlier
            if reading == "citizen" and not off:
                continue  # an unconfirmed make-up Saturday is not worked: the citizen's ends later
        entries.append((day, kind))
    return entries


def load_calendar_csv(path: str | Path | None = None, *, reading: Reading | None = None) -> WorkingCalendar:
    """Build a calendar from a CSV with columns date,kind,name,source,confirmed (the shipped file by
    default). ``reading`` reads the unconfirmed rows for that bearer (``calendar_entries``); without
    it every listed row counts as if confirmed."""
    rows: list[tuple[date, str, bool]] = []
    with open(path or DEFAULT_CALENDAR_PATH, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            confirmed = row.get("confirmed", "true").strip().lower() == "true"
            rows.append((date.fromisoformat(row["date"]), row["kind"].strip(), confirmed))
    if reading is None:
        return WorkingCalendar([(d, k) for d, k, _c in rows])
    return WorkingCalendar(calendar_entries(rows, reading))


# ------------------------------------------------------------------------------------ computation


class DueDate(NamedTuple):
    """A computed deadline, with everything needed to show it, cite it and re-run it.

    A NamedTuple (immutable, and cheap to build: the engine makes ~10^5 of these per second);
    the rule's texts are read through to ``rule``.
    """

    rule: Rule
    trigger_date: date
    due_date: date
    limit_days: int  # in ``unit``, after variants and extensions, before pauses
    paused_days: int  # days in ``unit`` skipped because they fell inside a pause
    extension_days: int
    calendar_version: str
    rolled_forward_from: date | None = None  # Civil Code Art 148(5)
    rolled_back_from: date | None = None  # "at least N days before" rules (K15)
    provisional: bool = False  # the period leaves the calendar's coverage: holidays there unknown

    @property
    def due_at(self) -> datetime:
        """The end of the due day in Hà Nội: a day-based period ends at 24:00 (Civil Code Art 148(1), (6))."""
        return datetime.combine(self.due_date, END_OF_DAY, tzinfo=TZ)

    @property
    def days_counted(self) -> int:
        """Days (in ``unit``) that counted toward the limit; paused days are not among them."""
        return self.limit_days

    @property
    def rule_code(self) -> str:
        return self.rule.code

    @property
    def rule_version(self) -> date:
        return self.rule.valid_from

    @property
    def unit(self) -> str:
        return self.rule.unit

    @property
    def title_vi(self) -> str:
        return self.rule.title_vi

    @property
    def title_en(self) -> str:
        return self.rule.title_en

    @property
    def legal_basis_vi(self) -> str:
        return self.rule.legal_basis_vi

    @property
    def legal_basis_en(self) -> str:
        return self.rule.legal_basis_en

    @property
    def confidence(self) -> str:
        return self.rule.confidence


def _no_limit_message(rule: Rule) -> str:
    return (
        f"Quy tắc {rule.code} không có thời hạn tính bằng số ngày ({rule.legal_basis_vi}). "
        f"/ Rule {rule.code} has no numeric time limit ({rule.legal_basis_en})."
    )


_COMPLEXITY_TEXT = {
    "normal": ("không phức tạp", "a case that is not complex"),
    "complex": ("phức tạp", "a complex case"),
    "especially_complex": ("đặc biệt phức tạp", "an especially complex case"),
}


def _extension_days(
    rule: Rule, extensions: int | Sequence[int], *, complex: bool, especially_complex: bool
) -> int:
    """Total extra days from extension decisions, after checking them against the law."""
    if isinstance(extensions, int):
        count = extensions
        if count < 0:
            raise ValueError("extensions must be >= 0")
        lengths: list[int] | None = None
    else:
        lengths = list(extensions)
        count = len(lengths)
    if count == 0:
        return 0
    policy = rule.extensions
    if policy is None:
        raise ExtensionNotAllowed(
            f"{rule.code}: pháp luật không cho phép gia hạn thời hạn này ({rule.legal_basis_vi}). "
            f"/ {rule.code}: the law allows no extension of this time limit ({rule.legal_basis_en})."
        )
    allowed = policy.allowed(complex=complex, especially_complex=especially_complex)
    level = "especially_complex" if especially_complex else "complex" if complex else "normal"
    vi, en = _COMPLEXITY_TEXT[level]
    if count > allowed:
        if allowed == 0:
            raise ExtensionNotAllowed(
                f"{rule.code}: vụ việc {vi} không được gia hạn ({rule.legal_basis_vi}). "
                f"/ {rule.code}: {en} may not be extended ({rule.legal_basis_en})."
            )
        raise ExtensionNotAllowed(
            f"{rule.code}: vụ việc {vi} chỉ được gia hạn tối đa {allowed} lần, mỗi lần không quá "
            f"{policy.max_days_each} ngày; đã yêu cầu {count} lần ({rule.legal_basis_vi}). "
            f"/ {rule.code}: {en} may be extended at most {allowed} time(s), by up to "
            f"{policy.max_days_each} days each; {count} requested ({rule.legal_basis_en})."
        )
    if lengths is None:
        return count * policy.max_days_each
    for days in lengths:
        if not 1 <= days <= policy.max_days_each:
            raise ExtensionNotAllowed(
                f"{rule.code}: mỗi lần gia hạn từ 1 đến {policy.max_days_each} ngày; đã yêu cầu {days} ngày. "
                f"/ {rule.code}: each extension is 1 to {policy.max_days_each} days; {days} requested."
            )
    return sum(lengths)


def _merge_pauses(paused: Sequence[tuple[date, date | None]], today: date | None) -> list[tuple[int, int]]:
    """Pauses as sorted, merged, inclusive ordinal ranges. An open pause (end None) runs to ``today``."""
    ranges: list[tuple[int, int]] = []
    for start, end in paused:
        if end is None:
            if today is None:
                raise ValueError("An open pause (end None) needs today=... to be counted up to")
            end = today
        if end < start:
            raise ValueError(f"Pause {start}..{end} ends before it starts")
        ranges.append((start.toordinal(), end.toordinal()))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1] + 1:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _add_years(d: date, years: int) -> date:
    """Same day and month ``years`` later (Civil Code Art 148(4)); 29 Feb → 28 Feb (end of month)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def compute_due(
    rule: Rule,
    trigger: date,
    calendar: WorkingCalendar,
    *,
    complex: bool = False,
    especially_complex: bool = False,
    remote: bool = False,
    second_level: bool = False,
    dismissal: bool = False,
    multi_site: bool = False,
    extensions: int | Sequence[int] = 0,
    paused: Sequence[tuple[date, date | None]] = (),
    today: date | None = None,
    limit: int | None = None,
) -> DueDate:
    """The due date of ``rule`` for an event on ``trigger``.

    * Counting starts the day after ``trigger`` (Civil Code Art 147(2)–(3)).
    * Calendar-day rules: trigger + limit days; if that day is not a working day the period ends on
      the next working day (Art 148(5)). Working-day rules count working days only.
    * ``paused``: inclusive (from, to) suspensions whose days do not count (Law on Denunciations
      Art 34(2); Law on Complaints Art 9 for obstacle time). The period is extended by the paused days
      that fall inside it: calendar days for calendar-day rules, working days for working-day rules.
      An open pause ``(from, None)`` runs to ``today``.
    * ``extensions``: a count of maximum-length extension decisions, or each decision's length in days.
      Only rules with an extension policy allow them (T4: 0 normal, 1 complex, 2 especially complex,
      ≤30 days each); anything else raises :class:`ExtensionNotAllowed`. They lengthen the period
      counted from the trigger (T4 at most 90 days in all).
    * Variants (complex, remote, second level, ...) pick the limit; see :meth:`Rule.limit_for`.

    * ``limit``: for a rule whose limit is set by a decision (``Rule.set_by_decision``, R7), the
      number of days that decision fixed; ignored for every other rule.

    Raises :class:`NoNumericLimit` for rules without a numeric limit (or a decision rule called
    without ``limit``).
    """
    if rule.set_by_decision:
        if limit is None or limit < 1:
            raise NoNumericLimit(_no_limit_message(rule))
        rule = replace(rule, limit=limit)
    if rule.limit is None or rule.unit == "none":
        raise NoNumericLimit(_no_limit_message(rule))
    if not (complex or especially_complex or remote or second_level or multi_site):
        base = rule.limit
    else:
        base = rule.limit_for(
            complex=complex,
            especially_complex=especially_complex,
            remote=remote,
            second_level=second_level,
            dismissal=dismissal,
            multi_site=multi_site,
        )
    ext = (
        _extension_days(rule, extensions, complex=complex, especially_complex=especially_complex)
        if extensions
        else 0
    )
    total = base + ext
    pauses = _merge_pauses(paused, today) if paused else []
    t = trigger.toordinal()
    rolled_forward_from: date | None = None
    rolled_back_from: date | None = None
    paused_days = 0

    # The arithmetic runs on day ordinals against the calendar's arrays: this is the hot path.
    if rule.direction == "before":
        if pauses:
            raise ValueError(f"{rule.code}: pauses do not apply to an 'at least N days before' rule")
        nominal = t - total
        due_o = calendar._roll_back_ord(nominal)
        if due_o != nominal:
            rolled_back_from = date.fromordinal(nominal)
        first_o, last_o = due_o, t
    elif rule.unit == "calendar_days":
        nominal = t + total
        for a, b in pauses:
            if b <= t:
                continue
            if a > nominal:
                break
            skipped = b - max(a, t + 1) + 1
            paused_days += skipped
            nominal += skipped
        due_o = calendar._roll_forward_ord(nominal)
        if due_o != nominal:
            rolled_forward_from = date.fromordinal(nominal)
        first_o, last_o = t + 1, due_o
    elif rule.unit == "working_days":
        target = total
        due_o = calendar._nth_working_after_ord(t, target)
        for a, b in pauses:
            if b <= t:
                continue
            if a > due_o:
                break
            # Working days inside the pause are skipped: the due day moves that many working days on.
            skipped = calendar._count_between_ordinals(max(a, t + 1), b)
            paused_days += skipped
            target += skipped
            due_o = calendar._nth_working_after_ord(t, target)
        first_o, last_o = t + 1, due_o
    else:  # years
        if pauses:
            raise ValueError(f"{rule.code}: pauses are not supported for periods in years")
        nominal = _add_years(trigger, total).toordinal()
        due_o = calendar._roll_forward_ord(nominal)
        if due_o != nominal:
            rolled_forward_from = date.fromordinal(nominal)
        first_o, last_o = t + 1, due_o

    cov = calendar._coverage_ords
    return DueDate(
        rule,
        trigger,
        date.fromordinal(due_o),
        total,
        paused_days,
        ext,
        calendar.version,
        rolled_forward_from,
        rolled_back_from,
        not (cov[0] <= first_o and last_o <= cov[1]),
    )


# ------------------------------------------------------------------------------------- remaining


@dataclass(frozen=True, slots=True)
class Remaining:
    """Signed days left until a deadline: positive = left, 0 = due today, negative = overdue."""

    days: int
    unit: Literal["working_days", "calendar_days"]

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def due_today(self) -> bool:
        return self.days == 0


def remaining(due_date: date, today: date, unit: str, calendar: WorkingCalendar) -> Remaining:
    """Days left from ``today`` to ``due_date`` in the rule's unit.

    Working-day rules count working days in (today, due]; once the due day has passed the deadline is
    at least one working day overdue, even on the weekend right after it. Other rules (calendar days,
    years) count calendar days.
    """
    if unit == "none":
        raise ValueError("A rule without a numeric limit has no remaining time")
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}")
    if unit != "working_days":
        return Remaining(days=(due_date - today).days, unit="calendar_days")
    if today == due_date:
        return Remaining(days=0, unit="working_days")
    if today < due_date:
        return Remaining(days=max(1, calendar.working_days_between(today, due_date)), unit="working_days")
    return Remaining(days=-max(1, calendar.working_days_between(due_date, today)), unit="working_days")


def format_remaining(rem: Remaining, lang: str = "vi") -> str:
    """ "còn 3 ngày làm việc" / "3 working days left", "quá hạn 2 ngày" / "2 days overdue",
    "hết hạn hôm nay" / "due today"."""
    n = abs(rem.days)
    working = rem.unit == "working_days"
    if lang == "vi":
        if rem.days == 0:
            return "hết hạn hôm nay"
        noun = "ngày làm việc" if working else "ngày"
        return f"còn {n} {noun}" if rem.days > 0 else f"quá hạn {n} {noun}"
    if lang == "en":
        if rem.days == 0:
            return "due today"
        noun = ("working day" if working else "day") + ("" if n == 1 else "s")
        return f"{n} {noun} left" if rem.days > 0 else f"{n} {noun} overdue"
    raise ValueError(f"Unsupported language {lang!r} (expected 'vi' or 'en')")


_UNIT_WORDS = {
    "vi": {"calendar_days": "ngày", "working_days": "ngày làm việc", "years": "năm"},
    "en": {"calendar_days": "days", "working_days": "working days", "years": "years"},
}
_TRIGGER_WORDS = {
    "case.received": ("kể từ ngày nhận đơn", "from receipt of the letter"),
    "case.accepted": ("kể từ ngày thụ lý", "from acceptance"),
    "decision.received": (
        "kể từ ngày nhận được hoặc biết quyết định, hành vi",
        "from receiving or learning of the decision or act",
    ),
    "decision.issued": ("kể từ ngày ban hành quyết định", "from the decision's date"),
    "conclusion.issued": ("kể từ ngày ban hành kết luận", "from the conclusion's date"),
}
_VARIANT_WORDS = {
    "complex": ("vụ việc phức tạp", "complex cases"),
    "especially_complex": ("vụ việc đặc biệt phức tạp", "especially complex cases"),
    "remote": ("vùng sâu, vùng xa", "remote areas"),
    "remote_complex": ("vùng sâu, vùng xa, phức tạp", "remote areas, complex"),
    "second_level": ("lần hai", "at second level"),
    "second_level_dismissal": ("lần hai, kỷ luật buộc thôi việc", "at second level after a dismissal"),
    "multi_site": ("xác minh ở nhiều nơi", "checks at several places"),
}


def describe_limit(rule: Rule, lang: str = "vi") -> str:
    """A rule's limit in plain words, from the rule table alone: "30 ngày kể từ ngày thụ lý; vụ
    việc phức tạp: 45 ngày", with its variants and extensions. The citizen-facing guide and receipt
    say this, so no screen restates a number by hand."""
    if lang not in _UNIT_WORDS:
        raise ValueError(f"Unsupported language {lang!r} (expected 'vi' or 'en')")
    vi = lang == "vi"
    if rule.limit is None:
        return "không quy định số ngày" if vi else "no set number of days"
    units = _UNIT_WORDS[lang]
    unit = units.get(rule.unit, "")
    head = f"{rule.limit} {unit}"
    if rule.direction == "before":
        head = f"ít nhất {head} trước" if vi else f"at least {head} before"
    trigger = _TRIGGER_WORDS.get(rule.trigger)
    if trigger and rule.direction == "after":
        head += " " + trigger[0 if vi else 1]
    parts = [head]
    for name, words in _VARIANT_WORDS.items():
        value = getattr(rule.variants, name)
        if value is not None:
            parts.append(f"{words[0 if vi else 1]}: {value} {unit}")
    ext = rule.extensions
    if ext is not None:
        counts = [
            (ext.max_count, ("thông thường", "normal cases")),
            (ext.max_count_complex, ("phức tạp", "complex")),
            (ext.max_count_especially_complex, ("đặc biệt phức tạp", "especially complex")),
        ]
        allowed = [(n, w[0 if vi else 1]) for n, w in counts if n]
        if allowed:
            if vi:
                listed = ", ".join(f"{w} {n} lần" for n, w in allowed)
                parts.append(f"gia hạn: {listed}, mỗi lần không quá {ext.max_days_each} {unit}")
            else:
                listed = ", ".join(f"{w} {n}" for n, w in allowed)
                parts.append(f"extensions: {listed}, each at most {ext.max_days_each} {unit}")
    return "; ".join(parts)
