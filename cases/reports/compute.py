"""Computing a periodic report: the figures of every form for an authority (one row for its own
cases, one per body directly under it with its whole sub-tree, and the total), a period and a
regime, from the period facts of ``cases.reporting``.

How: one grouped query per source (cases, visits of the register, heads' sessions) counts the rows
of each combination of the facts the forms ask about (a small "cube"); every cell is then the sum
of the combinations its conditions accept. A cell's drill-down filters the same facts with the same
conditions (``reporting.facts_q``), so the list a cell opens holds exactly what it counts. A filed
report keeps, instead of the cube, the facts of every object it counted (``Snapshot``), so its
cells and their lists are those of the moment of filing, and a later difference shows object by
object (``diff``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.utils import timezone

from cases import reporting
from cases.models import Authority, Case
from cases.reception.models import HeadSession, Visit
from config.replica import read_database, reads_from_replica

from .specs import Column, Form, Period, Regime, facts_needed

# ------------------------------------------------------------------------------ reporting units


@dataclass(frozen=True)
class RowDef:
    key: str
    label: str
    code: str
    authority_ids: frozenset[int]
    total: bool = False


def report_rows(authority: Authority) -> list[RowDef]:
    """The authority's own cases (when bodies sit under it), each body directly under it with its
    sub-tree, then the total (every body of the sub-tree)."""
    subtree = list(Authority.objects.filter(path__startswith=authority.path).values_list("pk", "path"))
    children = list(Authority.objects.filter(parent=authority).order_by("path"))
    everything = frozenset(pk for pk, _p in subtree)
    if not children:
        return [RowDef(authority.code, authority.name_vi, authority.code, everything, total=True)]
    rows = [
        RowDef(
            f"{authority.code}:self",
            f"{authority.name_vi} (trực tiếp)",
            authority.code,
            frozenset({authority.pk}),
        )
    ]
    for child in children:
        ids = frozenset(pk for pk, path in subtree if path.startswith(child.path))
        rows.append(RowDef(child.code, child.name_vi, child.code, ids))
    rows.append(RowDef("total", "Tổng cộng", authority.code, everything, total=True))
    return rows


# ------------------------------------------------------------------------------ facts per source


def _in_authorities(qs, authority_ids: Iterable[int]):
    """Limit to the authorities' cases; no condition when they are every authority there is (a
    province's tree), so the planner scans the table instead of probing an index a million times."""
    ids = sorted(authority_ids)
    if len(ids) > 20 and len(ids) == Authority.objects.count():
        return qs.filter(authority__isnull=False)
    return qs.filter(authority_id__in=ids)


def _case_queryset(authority_ids: Iterable[int], period: Period, facts: Sequence[str]):
    qs = _in_authorities(Case.objects.all(), authority_ids).filter(
        reporting.may_touch_period_q(period.start, period.end)
    )
    return reporting.period_facts(qs, period.start, period.end, facts)


def _visit_queryset(authority_ids: Iterable[int], period: Period, facts: Sequence[str]):
    # Every reception figure counts visits of the period (flows, not stock).
    qs = Visit.objects.filter(authority_id__in=sorted(authority_ids)).filter(
        reporting.received_q(period.start, period.end)
    )
    return reporting.visit_period_facts(qs, period.start, period.end, facts)


def _session_queryset(authority_ids: Iterable[int], period: Period, facts: Sequence[str]):
    lo, hi = reporting.day_bounds(period.start, period.end)
    qs = HeadSession.objects.filter(
        authority_id__in=sorted(authority_ids),
        state=HeadSession.State.HELD,
        starts_at__gte=lo,
        starts_at__lt=hi,
    )
    return reporting.session_period_facts(qs, period.start, period.end, facts)


QUERYSETS = {"cases": _case_queryset, "visits": _visit_queryset, "sessions": _session_queryset}


@dataclass
class Cube:
    """Counted combinations of one source: (authority id, matter key or "", fact values) -> [count,
    people]."""

    source: str
    facts: tuple[str, ...]
    cells: dict[tuple, list[int]] = field(default_factory=dict)

    def add(self, authority_id: int, matter: str, values: tuple, n: int = 1, people: int = 0) -> None:
        key = (authority_id, matter, values)
        slot = self.cells.get(key)
        if slot is None:
            self.cells[key] = [n, people]
        else:
            slot[0] += n
            slot[1] += people


def _analytic_session(db: str) -> None:
    """Settings for one large grouped read, inside the caller's transaction on ``db``: no JIT
    (compiling the hundreds of CASE expressions costs more than it saves) and memory for an
    in-memory hash aggregate."""
    connection = connections[db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL work_mem = '256MB'")
            # A few tens of thousands of groups: hashing them beats sorting half a million rows on
            # a dozen text keys, which the planner's estimates do not see.
            cur.execute("SET LOCAL enable_sort = off")


def _grouped(qs, keys: Sequence[str], sums: Sequence[str] = (), *, db: str) -> list[tuple]:
    """``SELECT keys, count(*), sum(...) FROM (qs) GROUP BY keys``: the facts are computed once per
    row in the inner query and the outer one groups on plain columns (a hash aggregate), which
    PostgreSQL does far faster than grouping on the expressions themselves."""
    query = qs.order_by().values_list(*keys, *sums).query
    inner_sql, params = query.sql_with_params()
    cols = [f"c{i}" for i in range(len(keys) + len(sums))]
    key_cols, sum_cols = cols[: len(keys)], cols[len(keys) :]
    # Text keys compared byte by byte (the grouping needs equality, not a language's order).
    texts = {i for i, k in enumerate(keys) if _is_text(qs, k)}
    group = [f'{c} COLLATE "C"' if i in texts else c for i, c in enumerate(key_cols)]
    select = ", ".join([*group, "count(*)", *(f"sum({c})" for c in sum_cols)])
    # OFFSET 0 keeps the facts in their own query level: each is computed once per row.
    sql = (
        f"SELECT {select} FROM ({inner_sql} OFFSET 0) AS facts ({', '.join(cols)}) "  # noqa: S608 - generated names
        f"GROUP BY {', '.join(group)}"
    )
    with connections[db].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _is_text(qs, key: str) -> bool:
    from django.db.models import CharField as Char
    from django.db.models import TextField

    if key in qs.query.annotations:
        field = qs.query.annotations[key].output_field
    else:
        try:
            field = qs.model._meta.get_field(key)
        except Exception:
            return False
    return isinstance(field, Char | TextField)


def live_cube(source: str, authority_ids: Iterable[int], period: Period, facts: Sequence[str]) -> Cube:
    """The grouped query of a source."""
    cube = Cube(source, tuple(facts))
    qs = QUERYSETS[source](authority_ids, period, facts)
    names = [f"f_{f}" for f in facts]
    db = read_database()
    with transaction.atomic(using=db):
        _analytic_session(db)
        if source == "visits":
            for row in _grouped(qs, ["authority_id", "matter_key", *names], ["group_size"], db=db):
                cube.add(row[0], row[1], tuple(row[2:-2]), row[-2], row[-1] or 0)
        else:
            for row in _grouped(qs, ["authority_id", *names], db=db):
                cube.add(row[0], "", tuple(row[1:-1]), row[-1])
    return cube


def object_rows(
    source: str, authority_ids: Iterable[int], period: Period, facts: Sequence[str]
) -> list[list]:
    """Every object a source's figures count, with its facts: [id, authority id, matter, people,
    *values] (what a filed report keeps)."""
    qs = QUERYSETS[source](authority_ids, period, facts)
    names = [f"f_{f}" for f in facts]
    db = read_database()
    with transaction.atomic(using=db):
        _analytic_session(db)
        qs = qs.using(db)
        if source == "visits":
            return [
                [r[0], r[1], r[2], r[3], *r[4:]]
                for r in qs.order_by("pk").values_list(
                    "pk", "authority_id", "matter_key", "group_size", *names
                )
            ]
        return [
            [r[0], r[1], "", 0, *r[2:]] for r in qs.order_by("pk").values_list("pk", "authority_id", *names)
        ]


def cube_from_objects(source: str, facts: Sequence[str], rows: Iterable[Sequence]) -> Cube:
    cube = Cube(source, tuple(facts))
    for r in rows:
        cube.add(r[1], r[2], tuple(r[4:]), 1, r[3])
    return cube


# ------------------------------------------------------------------------------ cells


def _predicate(column: Column, facts: tuple[str, ...]):
    checks = [(facts.index(k), v) for k, v in sorted(column.where.items())]

    def accepts(values: tuple) -> bool:
        return all(values[i] in allowed for i, allowed in checks)

    return accepts


def _owners(rows: Sequence[RowDef]) -> dict[int, tuple[str, ...]]:
    owners: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        for pk in row.authority_ids:
            owners[pk].append(row.key)
    return {pk: tuple(keys) for pk, keys in owners.items()}


def spec_key(column: Column) -> tuple:
    """Columns with the same conditions count the same things: computed once."""
    return tuple(sorted((k, tuple(sorted(v, key=repr))) for k, v in column.where.items()))


# {spec key: {authority id: [count, people]}}
Counts = dict[tuple, dict[int, list[int]]]


def python_counts(cube: Cube, specs: dict[tuple, dict]) -> Counts:
    """Each condition set evaluated on the cube's combinations, summed per authority."""
    found: Counts = {}
    for key, where in specs.items():
        checks = [(cube.facts.index(k), v) for k, v in sorted(where.items())]
        acc: dict[int, list[int]] = {}
        for (authority_id, _matter, values), (n, people) in cube.cells.items():
            if all(values[i] in allowed for i, allowed in checks):
                slot = acc.setdefault(authority_id, [0, 0])
                slot[0] += n
                slot[1] += people
        found[key] = acc
    return found


def sql_counts(
    source: str, authority_ids: Iterable[int], period: Period, facts: Sequence[str], specs
) -> Counts:
    """The same, in one query: the facts per row, grouped into the cube, then one filtered sum per
    condition set, per authority (``SUM(n) FILTER (WHERE …)``). For the cases of a province the
    cube stays in the database."""
    qs = QUERYSETS[source](authority_ids, period, facts)
    names = [f"f_{f}" for f in facts]
    keys = ["authority_id", *names]
    query = qs.order_by().values_list(*keys).query
    inner_sql, params = query.sql_with_params()
    cols = [f"c{i}" for i in range(len(keys))]
    texts = {i for i, k in enumerate(keys) if _is_text(qs, k)}
    group = [f'{c} COLLATE "C"' if i in texts else c for i, c in enumerate(cols)]
    sums, sum_params = [], []
    ordered = list(specs.items())
    for _key, where in ordered:
        conds = []
        for fact, allowed in sorted(where.items()):
            col = cols[keys.index(f"f_{fact}")]
            values = sorted(allowed, key=repr)
            conds.append(f"{col} IN ({', '.join(['%s'] * len(values))})")
            sum_params += values
        sums.append(f"SUM(n) FILTER (WHERE {' AND '.join(conds) or 'TRUE'})")
    sql = (
        f"WITH facts ({', '.join(cols)}) AS MATERIALIZED ({inner_sql} OFFSET 0), "  # noqa: S608 - generated names
        f"cube ({', '.join(cols)}, n) AS "
        f"(SELECT {', '.join(group)}, count(*) FROM facts GROUP BY {', '.join(group)}) "
        f"SELECT c0, {', '.join(sums) or 'NULL'} FROM cube GROUP BY c0"
    )
    found: Counts = {key: {} for key, _w in ordered}
    db = read_database()
    with transaction.atomic(using=db):
        _analytic_session(db)
        with connections[db].cursor() as cur:
            cur.execute(sql, [*params, *sum_params])
            for row in cur.fetchall():
                for (key, _w), value in zip(ordered, row[1:], strict=True):
                    if value:
                        found[key][row[0]] = [int(value), 0]
    return found


def counted_values(
    column: Column, cube: Cube, rows: Sequence[RowDef], counts: Counts | None = None
) -> dict[str, int]:
    """The column's figure for every reporting unit (row key)."""
    aggregate = column.aggregate
    if aggregate in ("count", "people"):
        key = spec_key(column)
        per_authority = (counts or python_counts(cube, {key: column.where}))[key]
        index = 0 if aggregate == "count" else 1
        return {
            row.key: sum(per_authority[pk][index] for pk in row.authority_ids if pk in per_authority)
            for row in rows
        }
    accepts = _predicate(column, cube.facts)
    owners = _owners(rows)
    # Distinct matters (vụ việc): a matter counts as "first" when one of its visits counted here
    # was its first reception, as "repeat" when all were repeats.
    repeat_at = cube.facts.index("repeat")
    matters: dict[str, dict[str, bool]] = defaultdict(dict)  # row key -> matter -> has a first visit
    for (authority_id, matter, values), _slot in cube.cells.items():
        if accepts(values):
            for row_key in owners.get(authority_id, ()):
                seen = matters[row_key]
                seen[matter] = seen.get(matter, False) or not values[repeat_at]
    want_first = aggregate == "matters_first"
    return {row.key: sum(1 for first in matters[row.key].values() if first == want_first) for row in rows}


@dataclass
class FormResult:
    form: Form
    rows: list[RowDef]
    values: dict[str, dict[int, int | None]]  # row key -> column number -> figure (None: not held)

    def value(self, row_key: str, n: int) -> int | None:
        return self.values[row_key][n]

    def check_failures(self) -> list[str]:
        """The form's own cross-footings that do not hold (should be none)."""
        problems = []
        for row in self.rows:
            cells = self.values[row.key]
            for c in self.form.columns:
                for parts in c.checks:
                    total = sum(cells[p] or 0 for p in parts)
                    if cells[c.n] != total:
                        problems.append(
                            f"{self.form.code} {row.key}: ({c.n}) {cells[c.n]} != {parts} {total}"
                        )
        return problems


def form_values(
    form: Form, rows: Sequence[RowDef], cubes: dict[str, Cube], counts: dict[str, Counts] | None = None
) -> FormResult:
    counts = counts if counts is not None else {}
    values: dict[str, dict[int, int | None]] = {row.key: {} for row in rows}
    for c in form.columns:
        if c.metric is not None:
            source = c.metric.source
            per_row = counted_values(c, cubes[source], rows, counts.get(source))
            for row in rows:
                values[row.key][c.n] = per_row[row.key]
        elif c.not_held:
            for row in rows:
                values[row.key][c.n] = None
    for c in form.columns:
        if c.sum:
            for row in rows:
                values[row.key][c.n] = sum(values[row.key][n] or 0 for n in c.sum)
    return FormResult(form, list(rows), values)


def regime_specs(regime: Regime) -> dict[str, dict[tuple, dict]]:
    """{source: {spec key: conditions}} of every counted (count or people) column of the forms."""
    found: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for f in regime.forms:
        for c in f.columns:
            if c.metric is not None and c.aggregate in ("count", "people"):
                found[c.metric.source][spec_key(c)] = c.where
    return found


# ------------------------------------------------------------------------------ the report


@dataclass
class Report:
    authority: Authority
    period: Period
    regime: Regime
    rows: list[RowDef]
    forms: list[FormResult]
    computed_at: dt.datetime
    cubes: dict[str, Cube] = field(default_factory=dict)
    objects: dict[str, list[list]] | None = None  # per source, when computed for filing

    def form(self, code_or_slug: str) -> FormResult:
        for f in self.forms:
            if code_or_slug in (f.form.code, f.form.slug):
                return f
        raise KeyError(code_or_slug)

    def cells(self) -> dict[str, dict[str, dict[str, int | None]]]:
        """{form code: {row key: {column number: figure}}} (JSON-ready)."""
        return {
            f.form.code: {row: {str(n): v for n, v in cols.items()} for row, cols in f.values.items()}
            for f in self.forms
        }


def _facts_by_source(regime: Regime) -> dict[str, tuple[str, ...]]:
    found = {source: facts_needed(regime, source) for source in QUERYSETS}
    if "repeat" not in found["visits"]:
        found["visits"] = tuple(sorted({*found["visits"], "repeat"}))
    return found


@reads_from_replica()
def compute_report(
    authority: Authority, period: Period, regime: Regime, *, keep_objects: bool = False
) -> Report:
    """Every form of ``regime`` for ``authority`` and ``period``. ``keep_objects``: read every
    counted object's facts (for filing) and count from them, so what is filed is what is shown."""
    rows = report_rows(authority)
    ids = next(r.authority_ids for r in rows if r.total)
    facts = _facts_by_source(regime)
    specs_by_source = regime_specs(regime)
    cubes: dict[str, Cube] = {}
    counts: dict[str, Counts] = {}
    objects: dict[str, list[list]] | None = {} if keep_objects else None
    for source, names in facts.items():
        specs_ = specs_by_source.get(source, {})
        if objects is not None:
            objects[source] = object_rows(source, ids, period, names)
            cubes[source] = cube_from_objects(source, names, objects[source])
            counts[source] = python_counts(cubes[source], specs_)
        elif source == "cases":
            # The cube of a province's cases stays in the database: one query returns the sums.
            cubes[source] = Cube(source, tuple(names))
            counts[source] = sql_counts(source, ids, period, names, specs_)
        else:
            cubes[source] = live_cube(source, ids, period, names)
            counts[source] = python_counts(cubes[source], specs_)
    forms = [form_values(f, rows, cubes, counts) for f in regime.forms]
    return Report(authority, period, regime, rows, forms, timezone.now(), cubes, objects)


# ------------------------------------------------------------------------------ drill-down


def cell_queryset(report_authority: Authority, period: Period, form: Form, column: Column, row: RowDef):
    """The cases, visits or sessions a counted cell counts (live), as a queryset."""
    source = column.metric.source if column.metric else None
    if source is None:
        raise ValueError("only counted cells have a list")
    names = tuple(sorted(column.where))
    if source == "visits" and "repeat" not in names:
        names = (*names, "repeat")
    qs = QUERYSETS[source](row.authority_ids, period, names).filter(reporting.facts_q(column.where))
    if column.aggregate in ("matters_first", "matters_repeat"):
        firsts: dict[str, bool] = {}
        for matter, repeat in qs.values_list("matter_key", "repeat"):
            firsts[matter] = firsts.get(matter, False) or not repeat
        want = column.aggregate == "matters_first"
        qs = qs.filter(matter_key__in=sorted(m for m, first in firsts.items() if first == want))
    return qs


def snapshot_ids(objects: Sequence[Sequence], facts: Sequence[str], column: Column, row: RowDef) -> list[int]:
    """The ids a counted cell of a filed report counted, from its snapshot."""
    accepts = _predicate(column, tuple(facts))
    matched = [r for r in objects if r[1] in row.authority_ids and accepts(tuple(r[4:]))]
    if column.aggregate in ("matters_first", "matters_repeat"):
        repeat_at = list(facts).index("repeat")
        firsts: dict[str, bool] = {}
        for r in matched:
            firsts[r[2]] = firsts.get(r[2], False) or not r[4 + repeat_at]
        want = column.aggregate == "matters_first"
        matched = [r for r in matched if firsts[r[2]] == want]
    return [r[0] for r in matched]


# ------------------------------------------------------------------------------ differences


@dataclass
class CellChange:
    form: str
    row: str
    n: int
    filed: int | None
    now: int | None
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    source: str = "cases"


def diff(
    filed_cells: dict,
    filed_objects: dict[str, list[list]],
    filed_facts: dict[str, Sequence[str]],
    current: Report,
) -> list[CellChange]:
    """What changed between a filed report and the same report computed now: every cell whose
    figure or whose objects differ, with the objects that entered or left it."""
    assert current.objects is not None, "compute the current report with keep_objects=True"
    changes: dict[tuple[str, str, int], CellChange] = {}
    for f in current.forms:
        for row in f.rows:
            for c in f.form.columns:
                before = filed_cells.get(f.form.code, {}).get(row.key, {}).get(str(c.n))
                after = f.values[row.key][c.n]
                if before != after:
                    changes[(f.form.code, row.key, c.n)] = CellChange(
                        f.form.code, row.key, c.n, before, after, source=c.source or ""
                    )
    for source, now_rows in current.objects.items():
        facts = tuple(filed_facts.get(source, ()))
        if tuple(current.cubes[source].facts) != facts:
            continue  # a different form set: figures compared only
        old = {r[0]: r for r in filed_objects.get(source, [])}
        new = {r[0]: r for r in now_rows}
        moved = [pk for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk)]
        if not moved:
            continue
        for f in current.forms:
            for c in f.form.columns:
                if c.source != source or c.aggregate not in ("count", "people"):
                    continue
                accepts = _predicate(c, facts)
                for row in f.rows:
                    for pk in moved:
                        was = (
                            (r := old.get(pk)) is not None
                            and r[1] in row.authority_ids
                            and accepts(tuple(r[4:]))
                        )
                        is_ = (
                            (r := new.get(pk)) is not None
                            and r[1] in row.authority_ids
                            and accepts(tuple(r[4:]))
                        )
                        if was == is_:
                            continue
                        change = changes.setdefault(
                            (f.form.code, row.key, c.n),
                            CellChange(f.form.code, row.key, c.n, None, None, source=source),
                        )
                        change.filed = filed_cells.get(f.form.code, {}).get(row.key, {}).get(str(c.n))
                        change.now = f.values[row.key][c.n]
                        (change.added if is_ else change.removed).append(pk)
    return sorted(changes.values(), key=lambda ch: (ch.form, ch.row, ch.n))
