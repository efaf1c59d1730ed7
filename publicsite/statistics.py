"""Public statistics per authority and period: pure reads from Case and Deadline.

- received: cases received in the period (``reporting.received_q``, as the periodic reports);
- accepted: cases accepted in the period (``reporting.accepted_q``);
- resolved: cases whose decision/conclusion/answer (``decided_at``) falls in the period;
- on time, backlog and its age: the definitions of ``cases.reporting`` (the same the oversight
  dashboard uses, stated once in its methods note, shown on the page);
- median days to resolution: calendar days from receipt to decision, over the resolved cases.

Every figure computed on fewer than ``PUBLIC_STATISTICS_MIN_CASES`` (10) cases is suppressed ("<10");
when a group of cells adds up to a shown total and only one of them is suppressed, one more cell is
hidden ("*", secondary suppression) so no hidden figure can be recovered by subtraction: the total
row for the per-authority columns, the next smallest bucket for the backlog age buckets."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import statistics as pystats
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from cases import reporting
from cases.models import Authority, Case
from config.replica import reads_from_replica

# The backlog age buckets of cases.reporting: (key, lo, hi) with lo <= age < hi.
BUCKETS = [(key, lo, hi) for key, _label, lo, hi in reporting.AGE_BUCKETS]
CACHE_SECONDS = 600
UNKNOWN = "_unknown"


def min_cases() -> int:
    return getattr(settings, "PUBLIC_STATISTICS_MIN_CASES", 10)


@dataclass
class Cell:
    value: float | int | None
    base: int  # how many cases the figure is computed on
    suppressed: bool = False
    secondary: bool = False  # hidden only so that a small figure cannot be worked out

    @property
    def shown(self):
        return None if self.suppressed else self.value

    def display(self, suffix: str = "") -> str:
        if self.secondary:
            return "*"
        if self.suppressed:
            return f"<{min_cases()}"
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            return f"{self.value:.1f}{suffix}".replace(".", "," if not _english() else ".")
        return f"{self.value}{suffix}"


@dataclass
class Row:
    code: str
    name: str
    received: Cell
    accepted: Cell
    resolved: Cell
    on_time_pct: Cell
    median_days: Cell
    backlog: dict[str, Cell]
    backlog_total: Cell
    is_total: bool = False

    def counts(self):
        return {
            "received": self.received,
            "accepted": self.accepted,
            "resolved": self.resolved,
            **{f"backlog_{k}": v for k, v in self.backlog.items()},
            "backlog_total": self.backlog_total,
        }


@dataclass
class Result:
    authority_code: str | None
    year: int
    quarter: int | None
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    any_suppressed: bool = False
    any_secondary: bool = False

    @property
    def bucket_labels(self):
        return bucket_labels()


def bucket_labels():
    return {key: reporting.age_bucket_label(key) for key, _lo, _hi in BUCKETS}


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def period_bounds(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if quarter:
        start = dt.date(year, 3 * (quarter - 1) + 1, 1)
        end_month = 3 * quarter
        end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
        return start, end
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def available_years() -> list[int]:
    current = timezone.localdate().year
    first = Case.objects.aggregate(first=Min("received_at"))["first"]
    start = timezone.localtime(first).year if first else current
    return list(range(current, min(start, current) - 1, -1))


def parse_params(query) -> dict:
    """Filter values from a query string; anything invalid falls back to the default."""
    today = timezone.localdate()
    raw = (query.get("authority") or "").strip()
    code = re.sub(r"[^A-Za-z0-9_-]", "", raw)[:40]
    if code != raw or (code and not Authority.objects.filter(code=code).exists()):
        code = ""
    try:
        year = int(query.get("year") or today.year)
    except (TypeError, ValueError):
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    try:
        quarter = int(query.get("quarter") or 0) or None
    except (TypeError, ValueError):
        quarter = None
    if quarter not in (None, 1, 2, 3, 4):
        quarter = None
    return {"authority_code": code or None, "year": year, "quarter": quarter}


def public_statistics_cached(**params) -> Result:
    key = "publicsite:stats:{authority_code}:{year}:{quarter}:".format(**params) + str(timezone.localdate())
    key += ":" + (get_language() or "vi")[:2]
    try:
        result = cache.get(key)
    except Exception:  # the shared cache is down: compute (the figures do not depend on it)
        return public_statistics(**params)
    if result is None:
        result = public_statistics(**params)
        with contextlib.suppress(Exception):
            cache.set(key, result, CACHE_SECONDS)
    return result


@reads_from_replica()
def public_statistics(
    *, authority_code: str | None = None, year: int, quarter: int | None = None, today: dt.date | None = None
) -> Result:
    today = today or timezone.localdate()
    start, end = period_bounds(year, quarter)
    cases = Case.objects.all()
    root = None
    if authority_code:
        root = Authority.objects.filter(code=authority_code).first()
        if root is not None:
            cases = cases.filter(authority__path__startswith=root.path)

    def per_authority(qs, **aggregates):
        return {row.pop("authority_id"): row for row in qs.values("authority_id").annotate(**aggregates)}

    received = per_authority(cases.filter(reporting.received_q(start, end)), n=Count("id"))
    accepted = per_authority(cases.filter(reporting.accepted_q(start, end)), n=Count("id"))
    resolved_qs = reporting.with_resolution_outcome(cases.filter(reporting.resolved_q(start, end)))
    resolved = per_authority(
        resolved_qs,
        n=Count("id"),
        base=Count("id", filter=reporting.on_time_population_q()),
        on_time=Count("id", filter=reporting.on_time_case_q("on_time")),
    )
    durations: dict[int | str | None, list[int]] = {}
    for authority_id, received_at, decided_at in resolved_qs.values_list(
        "authority_id", "received_at", "decided_at"
    ):
        days = (timezone.localdate(decided_at) - timezone.localdate(received_at)).days
        durations.setdefault(authority_id, []).append(max(days, 0))
        durations.setdefault("all", []).append(max(days, 0))
    backlog_aggs = {
        f"b{key}": Count("id", filter=reporting.age_q(today, low, high)) for key, low, high in BUCKETS
    }
    backlog = per_authority(cases.filter(reporting.backlog_q()), total=Count("id"), **backlog_aggs)

    ids = set(received) | set(accepted) | set(resolved) | set(backlog)
    authorities = {a.pk: a for a in Authority.objects.filter(pk__in=[i for i in ids if i is not None])}
    english = _english()
    rows = []
    for authority in sorted(authorities.values(), key=lambda a: a.path):
        rows.append(
            _row(
                authority.code,
                authority.display_name("en" if english else "vi"),
                authority.pk,
                received,
                accepted,
                resolved,
                durations,
                backlog,
            )
        )
    if None in ids:
        rows.append(
            _row(
                UNKNOWN,
                pgettext("public", "Chưa xác định cơ quan"),
                None,
                received,
                accepted,
                resolved,
                durations,
                backlog,
            )
        )
    total = _total_row(rows, resolved, durations)
    result = Result(
        authority_code=root.code if root else None,
        year=year,
        quarter=quarter,
        period_start=start,
        period_end=end,
        as_of=today,
        rows=rows,
        total=total,
    )
    _suppress(result)
    return result


def _count(value: int) -> Cell:
    return Cell(value, value)


def _row(code, name, pk, received, accepted, resolved, durations, backlog) -> Row:
    res = resolved.get(pk, {})
    base = res.get("base", 0)
    pct = round(100.0 * res.get("on_time", 0) / base, 1) if base else None
    days = durations.get(pk, [])
    back = backlog.get(pk, {})
    return Row(
        code=code,
        name=name,
        received=_count(received.get(pk, {}).get("n", 0)),
        accepted=_count(accepted.get(pk, {}).get("n", 0)),
        resolved=_count(res.get("n", 0)),
        on_time_pct=Cell(pct, base),
        median_days=Cell(float(pystats.median(days)) if days else None, len(days)),
        backlog={key: _count(back.get(f"b{key}", 0)) for key, _lo, _hi in BUCKETS},
        backlog_total=_count(back.get("total", 0)),
    )


def _total_row(rows: list[Row], resolved, durations) -> Row:
    base = sum(r.get("base", 0) for r in resolved.values())
    on_time = sum(r.get("on_time", 0) for r in resolved.values())
    days = durations.get("all", [])
    return Row(
        code="",
        name=pgettext("public", "Tổng cộng"),
        received=_count(sum(r.received.value for r in rows)),
        accepted=_count(sum(r.accepted.value for r in rows)),
        resolved=_count(sum(r.resolved.value for r in rows)),
        on_time_pct=Cell(round(100.0 * on_time / base, 1) if base else None, base),
        median_days=Cell(float(pystats.median(days)) if days else None, len(days)),
        backlog={key: _count(sum(r.backlog[key].value for r in rows)) for key, _lo, _hi in BUCKETS},
        backlog_total=_count(sum(r.backlog_total.value for r in rows)),
        is_total=True,
    )


def _suppress(result: Result) -> None:
    threshold = min_cases()
    rows = [*result.rows, result.total]
    for row in rows:
        for cell in (*row.counts().values(), row.on_time_pct, row.median_days):
            if cell.base < threshold:
                cell.suppressed = True
    # Additive groups (parts, total, what to hide next): the backlog buckets of each row add up to
    # its backlog total (hide the next smallest bucket, the row total stays); each count column
    # adds up over the authorities to the total row (hide the total, every authority stays).
    groups = [([row.backlog[k] for k, _lo, _hi in BUCKETS], row.backlog_total, "part") for row in rows]
    if len(result.rows) > 1:
        for name in result.total.counts():
            groups.append(([r.counts()[name] for r in result.rows], result.total.counts()[name], "total"))
    changed = True
    while changed:
        changed = False
        for parts, total, prefer in groups:
            hidden = [c for c in parts if c.suppressed]
            if len(hidden) != 1 or total.suppressed:
                continue
            visible = sorted((c for c in parts if not c.suppressed), key=lambda c: c.value)
            target = visible[0] if prefer == "part" and visible else total
            target.suppressed = target.secondary = True
            changed = True
    result.any_suppressed = any(
        c.suppressed for row in rows for c in (*row.counts().values(), row.on_time_pct, row.median_days)
    )
    result.any_secondary = any(c.secondary for row in rows for c in row.counts().values())


# ------------------------------------------------------------------------------ presentation


def csv_header() -> list[str]:
    """The CSV's column names in the page's language; the machine-readable codes stay in the
    rows (authority code column, ISO dates)."""
    return [
        pgettext("public", "Mã cơ quan"),
        pgettext("public", "Cơ quan"),
        pgettext("public", "Từ ngày"),
        pgettext("public", "Đến ngày"),
        pgettext("public", "Tiếp nhận"),
        pgettext("public", "Thụ lý"),
        pgettext("public", "Đã giải quyết"),
        pgettext("public", "Giải quyết đúng hạn (%)"),
        pgettext("public", "Số ngày giải quyết (trung vị)"),
        *[
            pgettext("public", "Tồn đọng %(bucket)s") % {"bucket": label}
            for label in bucket_labels().values()
        ],
        pgettext("public", "Tổng tồn đọng"),
        pgettext("public", "Tồn đọng tính đến ngày"),
    ]


def csv_rows(result: Result):
    for row in [*result.rows, result.total]:

        def v(cell):
            if cell.suppressed:
                return cell.display()
            return "" if cell.value is None else cell.value

        yield [
            row.code or pgettext("public", "TỔNG"),
            row.name,
            result.period_start.strftime("%d/%m/%Y"),
            result.period_end.strftime("%d/%m/%Y"),
            v(row.received),
            v(row.accepted),
            v(row.resolved),
            v(row.on_time_pct),
            v(row.median_days),
            *[v(row.backlog[key]) for key, _lo, _hi in BUCKETS],
            v(row.backlog_total),
            result.as_of.strftime("%d/%m/%Y"),
        ]


def as_json(result: Result) -> dict:
    def cell(c: Cell):
        return c.shown

    def row_json(row: Row):
        data = {
            "authority": None if row.is_total else (None if row.code == UNKNOWN else row.code),
            "name": row.name,
            "received": cell(row.received),
            "accepted": cell(row.accepted),
            "resolved": cell(row.resolved),
            "resolved_on_time_pct": cell(row.on_time_pct),
            "median_days_to_resolution": cell(row.median_days),
            "backlog": {key: cell(row.backlog[key]) for key, _lo, _hi in BUCKETS},
            "backlog_total": cell(row.backlog_total),
        }
        cells = {
            **row.counts(),
            "resolved_on_time_pct": row.on_time_pct,
            "median_days_to_resolution": row.median_days,
        }
        data["suppressed"] = sorted(k for k, c in cells.items() if c.suppressed)
        return data

    return {
        "authority": result.authority_code,
        "year": result.year,
        "quarter": result.quarter,
        "period_start": result.period_start.isoformat(),
        "period_end": result.period_end.isoformat(),
        "backlog_as_of": result.as_of.isoformat(),
        "min_cases": min_cases(),
        "rows": [row_json(r) for r in result.rows],
        "total": row_json(result.total),
    }


def charts(result: Result) -> dict:
    """Bar lengths (percent of the longest) for the CSS charts; suppressed figures get no bar."""
    rows = result.rows
    volume_max = max([c.value for r in rows for c in (r.received, r.resolved) if not c.suppressed] or [0])
    backlog_max = max([r.backlog_total.value for r in rows if not r.backlog_total.suppressed] or [0])

    def width(value, top):
        return round(100.0 * value / top, 1) if top and value else 0

    volume = [
        {
            "name": r.name,
            "received": r.received,
            "resolved": r.resolved,
            "received_w": 0 if r.received.suppressed else width(r.received.value, volume_max),
            "resolved_w": 0 if r.resolved.suppressed else width(r.resolved.value, volume_max),
        }
        for r in rows
    ]
    on_time = [
        {
            "name": r.name,
            "cell": r.on_time_pct,
            "w": 0 if r.on_time_pct.suppressed or r.on_time_pct.value is None else r.on_time_pct.value,
        }
        for r in rows
    ]
    backlog = []
    for r in rows:
        segments = []
        if not r.backlog_total.suppressed and backlog_max:
            for key, _lo, _hi in BUCKETS:
                c = r.backlog[key]
                segments.append(
                    {"key": key, "cell": c, "w": 0 if c.suppressed else width(c.value, backlog_max)}
                )
        backlog.append({"name": r.name, "total": r.backlog_total, "segments": segments})
    return {"volume": volume, "on_time": on_time, "backlog": backlog}
