"""The periodic reports as data: the reporting regimes (which circular, in force when, its data
periods and its form set: ``data/regimes.toml``), the forms (``data/forms_*.toml``) and the named
metrics they use (``data/metrics.toml``). Pure: no database access.

A report is made under the regime in force on the last day of its period (the circular the
authority files under). Each form column is a metric (conditions on ``cases.reporting``'s period
facts) with the form's and the column's own conditions, a sum of other columns, or a figure the
data does not hold."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SOURCES = ("cases", "visits", "sessions")
AGGREGATES = ("count", "people", "matters_first", "matters_repeat")


class SpecError(ValueError):
    pass


@dataclass(frozen=True)
class Metric:
    name: str
    label_vi: str
    source: str
    aggregate: str
    where: dict[str, frozenset]


@dataclass(frozen=True)
class Column:
    n: int
    head: tuple[str, ...]
    metric: Metric | None = None
    where: dict[str, frozenset] = field(default_factory=dict)  # merged: metric, form, column
    sum: tuple[int, ...] = ()
    not_held: bool = False
    checks: tuple[tuple[int, ...], ...] = ()

    @property
    def source(self) -> str | None:
        return self.metric.source if self.metric else None

    @property
    def aggregate(self) -> str:
        return self.metric.aggregate if self.metric else "count"

    @property
    def counted(self) -> bool:
        """A figure computed from the data (drillable), not a sum or a blank."""
        return self.metric is not None


@dataclass(frozen=True)
class Form:
    code: str
    title_vi: str
    title_en: str
    columns: tuple[Column, ...]
    layout_note: str = ""
    annex: bool = False

    def column(self, n: int) -> Column:
        for c in self.columns:
            if c.n == n:
                return c
        raise KeyError(n)

    @property
    def slug(self) -> str:
        return self.code.replace("/", "-").replace("Đ", "D").lower()

    def title(self, language: str = "vi") -> str:
        return self.title_en if language == "en" and self.title_en else self.title_vi


@dataclass(frozen=True)
class PeriodKind:
    kind: str
    label_vi: str
    label_en: str
    start: tuple[int, int, int]  # month, day, year offset
    end: tuple[int, int, int]

    def label(self, language: str = "vi") -> str:
        return self.label_en if language == "en" else self.label_vi

    def bounds(self, year: int) -> tuple[dt.date, dt.date]:
        sm, sd, sy = self.start
        em, ed, ey = self.end
        return dt.date(year + sy, sm, sd), dt.date(year + ey, em, ed)


@dataclass(frozen=True)
class Regime:
    code: str
    title_vi: str
    title_en: str
    valid_from: dt.date
    valid_to: dt.date | None
    periods: tuple[PeriodKind, ...]
    periods_confidence: str
    periods_basis_vi: str
    forms: tuple[Form, ...]

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def period_kind(self, kind: str) -> PeriodKind:
        for p in self.periods:
            if p.kind == kind:
                return p
        raise SpecError(f"{self.code}: no period {kind!r}")

    def form(self, code_or_slug: str) -> Form:
        for f in self.forms:
            if code_or_slug in (f.code, f.slug):
                return f
        raise KeyError(code_or_slug)

    def title(self, language: str = "vi") -> str:
        return self.title_en if language == "en" and self.title_en else self.title_vi


@dataclass(frozen=True)
class Period:
    """A report's period: whole local days [start, end], its kind (q1…year, or custom) and year."""

    start: dt.date
    end: dt.date
    kind: str = "custom"
    year: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise SpecError("the period ends before it starts")

    def label(self, regime: Regime | None = None, language: str = "vi") -> str:
        span = f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        if self.kind == "custom" or regime is None:
            return span
        name = regime.period_kind(self.kind).label(language)
        return f"{name} {self.year} ({span})"


def _frozen(where) -> dict[str, frozenset]:
    return {k: frozenset(v) for k, v in (where or {}).items()}


def _merge(*wheres: dict[str, frozenset]) -> dict[str, frozenset]:
    merged: dict[str, frozenset] = {}
    for where in wheres:
        for k, v in where.items():
            merged[k] = merged[k] & v if k in merged else v
    return merged


@lru_cache(maxsize=1)
def metrics() -> dict[str, Metric]:
    with open(DATA / "metrics.toml", "rb") as fh:
        raw = tomllib.load(fh)["metric"]
    found = {}
    for name, m in raw.items():
        source, aggregate = m["source"], m.get("aggregate", "count")
        if source not in SOURCES or aggregate not in AGGREGATES:
            raise SpecError(f"metric {name}: source {source!r} / aggregate {aggregate!r}")
        found[name] = Metric(name, m["label_vi"], source, aggregate, _frozen(m.get("where")))
    return found


def _form(raw: dict) -> Form:
    known = metrics()
    form_where = _frozen(raw.get("where"))
    form_source = raw.get("source")
    columns = []
    for c in raw["columns"]:
        metric = None
        if "metric" in c:
            if c["metric"] not in known:
                raise SpecError(f"{raw['code']} column {c['n']}: unknown metric {c['metric']!r}")
            metric = known[c["metric"]]
        where = {}
        if metric is not None:
            extra = form_where if metric.source == form_source else {}
            where = _merge(metric.where, extra, _frozen(c.get("where")))
        columns.append(
            Column(
                n=int(c["n"]),
                head=tuple(c["head"]),
                metric=metric,
                where=where,
                sum=tuple(c.get("sum", ())),
                not_held=bool(c.get("not_held", False)),
                checks=tuple(tuple(x) for x in c.get("check", ())),
            )
        )
    numbers = [c.n for c in columns]
    if numbers != list(range(1, len(columns) + 1)):
        raise SpecError(f"{raw['code']}: columns must be numbered 1..n in order")
    for c in columns:
        kinds = [c.metric is not None, bool(c.sum), c.not_held]
        if sum(kinds) != 1:
            raise SpecError(f"{raw['code']} column {c.n}: exactly one of metric, sum, not_held")
        for n in (*c.sum, *(x for check in c.checks for x in check)):
            if n not in numbers:
                raise SpecError(f"{raw['code']} column {c.n}: refers to column {n}")
    return Form(
        code=raw["code"],
        title_vi=raw["title_vi"],
        title_en=raw.get("title_en", ""),
        columns=tuple(columns),
        layout_note=raw.get("layout_note", ""),
        annex=bool(raw.get("annex", False)),
    )


def _ymd(d: dict) -> tuple[int, int, int]:
    return int(d["month"]), int(d["day"]), int(d.get("year", 0))


@lru_cache(maxsize=1)
def regimes() -> tuple[Regime, ...]:
    with open(DATA / "regimes.toml", "rb") as fh:
        raw = tomllib.load(fh)["regime"]
    found = []
    for r in raw:
        with open(DATA / r["forms"], "rb") as fh:
            forms_raw = tomllib.load(fh)
        if forms_raw.get("regime") != r["code"]:
            raise SpecError(f"{r['forms']} is not the form set of {r['code']}")
        found.append(
            Regime(
                code=r["code"],
                title_vi=r["title_vi"],
                title_en=r["title_en"],
                valid_from=r["valid_from"],
                valid_to=r.get("valid_to"),
                periods=tuple(
                    PeriodKind(p["kind"], p["label_vi"], p["label_en"], _ymd(p["start"]), _ymd(p["end"]))
                    for p in r["period"]
                ),
                periods_confidence=r["periods_confidence"],
                periods_basis_vi=r["periods_basis_vi"],
                forms=tuple(_form(f) for f in forms_raw["form"]),
            )
        )
    found.sort(key=lambda x: x.valid_from)
    for older, newer in pairwise(found):
        if older.valid_to is None or older.valid_to >= newer.valid_from:
            raise SpecError(f"regimes {older.code} and {newer.code} overlap")
    return tuple(found)


def regime_on(day: dt.date) -> Regime:
    for r in regimes():
        if r.in_force_on(day):
            return r
    raise SpecError(f"no reporting regime in force on {day:%d/%m/%Y}")


def regime(code: str) -> Regime:
    for r in regimes():
        if r.code == code:
            return r
    raise SpecError(f"unknown regime {code!r}")


def standard_period(kind: str, year: int) -> tuple[Period, Regime]:
    """The data period of report ``kind`` for ``year``, under the regime in force on its last day
    (the periods of one regime decide which regime that is: the end day, then the check)."""
    for r in reversed(regimes()):
        try:
            start, end = r.period_kind(kind).bounds(year)
        except SpecError:
            continue
        if r.in_force_on(end):
            return Period(start, end, kind, year), r
    raise SpecError(f"no regime has a {kind} period for {year}")


def custom_period(start: dt.date, end: dt.date) -> tuple[Period, Regime]:
    return Period(start, end), regime_on(end)


def facts_needed(regime_: Regime, source: str) -> tuple[str, ...]:
    """Every fact a source's columns of the regime's forms ask about (sorted)."""
    found = {k for f in regime_.forms for c in f.columns if c.source == source for k in c.where}
    return tuple(sorted(found))
