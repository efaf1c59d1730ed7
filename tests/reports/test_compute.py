"""Every cell of every form of a quarterly report, checked against an independent count: the facts
of each case are worked out here in Python from its event log (not from the SQL of
``cases.reporting``), the forms' conditions applied to them, and the result compared with the
report, row by row. Also: the period's edges in Asia/Ho_Chi_Minh, the forms' own cross-footings,
and that each cell's drill-down lists exactly what it counts."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest

from cases.models import Authority, Case, CaseEvent, Deadline
from cases.reception.models import HeadSession, Visit
from cases.reports import compute, specs

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
Q3_2026 = (dt.date(2026, 6, 15), dt.date(2026, 9, 14))
TRIAGE = ("case.accepted", "case.rejected", "case.transferred", "case.guided", "case.merged")
INELIGIBLE = {"XLD-28-ineligible", "XLD-28-illegible", "XLD-28-resolved", "TC-25", "TC-25-2-insufficient"}
BUCKETS = [("0-29", 0, 30), ("30-59", 30, 60), ("60-89", 60, 90), ("90-179", 90, 180), ("180+", 180, 10**6)]


def position(moment, start, end):
    if moment is None:
        return "never"
    day = moment.astimezone(ICT).date()
    return "before" if day < start else "in" if day <= end else "after"


def case_facts(case: Case, start, end) -> dict:
    """The period facts of one case, from its event log."""
    events = list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", "created_at", "data")
    )
    first = {}
    for kind, created, data in events:
        first.setdefault(kind, (created, data))

    def when(*kinds):
        times = [first[k][0] for k in kinds if k in first]
        return min(times) if times else None

    accepted = when("case.accepted")
    handled = when(*TRIAGE) or when("case.withdrawn", "case.terminated")
    decided = when("case.decided", "case.concluded")
    ended = (
        decided
        or when("case.rejected", "case.transferred", "case.guided", "case.merged")
        or when("case.withdrawn", "case.terminated")
    )
    if accepted:
        handling = "accepted"
    elif "case.merged" in first:
        handling = "merged"
    elif "case.rejected" in first:
        handling = "ineligible" if first["case.rejected"][1]["reason_code"] in INELIGIBLE else "rejected"
    elif "case.guided" in first:
        handling = "guided"
    elif "case.transferred" in first:
        urged = Visit.objects.filter(case=case, handling="urged").exists()
        handling = "urged" if urged else "transferred"
    elif "case.withdrawn" in first or "case.terminated" in first:
        handling = "withdrawn"
    else:
        handling = ""
    resolution = ""
    if accepted:
        if decided:
            resolution = "decided"
        elif "case.withdrawn" in first:
            resolution = "withdrawn"
        elif "case.terminated" in first:
            resolution = "terminated"
    on_time = ""
    if position(decided, start, end) == "in":
        met = Deadline.objects.filter(case=case, rule_code__in=["K4", "K5", "K6", "T4"], state="met")
        if met.filter(missed=True).exists():
            on_time = "late"
        elif met.exists():
            on_time = "on_time"
    age = (end - case.received_at.astimezone(ICT).date()).days
    prior = ""
    if case.reason_code == "KN-11-7":
        prior = "second_done"
    elif case.reason_code == "KN-11-9":
        prior = "court"
    elif case.kind == "complaint" and case.complaint_level == "second":
        prior = "first_done"
    elif case.kind == "denunciation" and case.previous_case_id:
        prior = "redenounced_concluded" if case.previous_case.decided_at else "redenounced_pending"
    parties = case.parties.count()
    return {
        "signers": "many" if parties > 1 else "one" if parties == 1 else "none",
        "received": position(case.received_at, start, end),
        "handled": position(handled, start, end),
        "accepted": position(accepted, start, end),
        "ended": position(ended, start, end),
        "decided": position(decided, start, end),
        "handling": handling,
        "resolution": resolution,
        "on_time": on_time,
        "age_end": next(k for k, lo, hi in BUCKETS if lo <= max(age, 0) < hi),
        "prior": prior,
        "repeat": case.previous_case_id is not None,
        "kind": case.kind,
        "status": case.status,
        "outcome": case.outcome,
        "channel": case.channel,
        "complaint_level": case.complaint_level,
    }


def visit_facts(visit: Visit, start, end) -> dict:
    session = "regular" if visit.session_id is None else "authorised" if visit.session.authorised else "head"
    return {
        "received": position(visit.received_at, start, end),
        "session": session,
        "group": visit.group_size >= 5,
        "repeat": visit.repeat,
        "handling": visit.handling,
        "content_kind": visit.content_kind,
        "channel": visit.channel,
        "in_competence": visit.in_competence,
    }


def expected_cells(authority: Authority, start, end, regime) -> dict:
    rows = compute.report_rows(authority)
    ids = next(r.authority_ids for r in rows if r.total)
    cases = [
        (c.authority_id, case_facts(c, start, end), c) for c in Case.objects.filter(authority_id__in=ids)
    ]
    lo_hi_visits = [
        (v.authority_id, visit_facts(v, start, end), v)
        for v in Visit.objects.filter(authority_id__in=ids)
        if position(v.received_at, start, end) == "in"
    ]
    sessions = [
        (s.authority_id, {"held": "in", "authorised": s.authorised, "kind": s.kind}, s)
        for s in HeadSession.objects.filter(authority_id__in=ids, state="held")
        if position(s.starts_at, start, end) == "in"
    ]
    pools = {"cases": cases, "visits": lo_hi_visits, "sessions": sessions}
    expected = {}
    for form in regime.forms:
        table = {row.key: {} for row in rows}
        for col in form.columns:
            if col.metric is None:
                continue
            for row in rows:
                hits = [
                    obj
                    for authority_id, facts, obj in pools[col.metric.source]
                    if authority_id in row.authority_ids and all(facts[k] in v for k, v in col.where.items())
                ]
                if col.aggregate == "count":
                    value = len(hits)
                elif col.aggregate == "people":
                    value = sum(v.group_size for v in hits)
                else:
                    matters = defaultdict(bool)
                    for v in hits:
                        matters[v.matter_key] |= not v.repeat
                    want = col.aggregate == "matters_first"
                    value = sum(1 for first in matters.values() if first == want)
                table[row.key][col.n] = value
        for col in form.columns:
            if col.sum:
                for row in rows:
                    table[row.key][col.n] = sum(table[row.key][n] for n in col.sum)
            if col.not_held:
                for row in rows:
                    table[row.key][col.n] = None
        expected[form.code] = table
    return expected


@pytest.fixture
def report(world, quarter):
    period, regime = specs.standard_period("q3", 2026)
    return compute.compute_report(world.hn, period, regime)


def test_the_quarter_is_the_circulars_data_period(report):
    assert (report.period.start, report.period.end) == Q3_2026
    assert report.regime.code == "TT06-2025"
    assert [f.form.code for f in report.forms] == [
        "01/TCD",
        "02/XLD",
        "03/GQKN",
        "04/GQTC",
        "05/KQTH",
        "PL/TĐ",
        "PL/KĐ",
    ]
    assert [r.key for r in report.rows] == ["HN:self", "HN-P-HK", "HN-SXD", "total"]


@pytest.mark.parametrize("regime_code", ["TT06-2025", "TT01-2024", "TT02-2021"])
def test_every_cell_matches_an_independent_count(world, quarter, regime_code):
    # The same data through each form set (the one in force for the quarter is TT06-2025).
    period, _regime = specs.standard_period("q3", 2026)
    report = compute.compute_report(world.hn, period, specs.regime(regime_code))
    expected = expected_cells(world.hn, *Q3_2026, report.regime)
    mismatches = []
    for f in report.forms:
        for row in f.rows:
            for col in f.form.columns:
                got, want = f.values[row.key][col.n], expected[f.form.code][row.key][col.n]
                if got != want:
                    mismatches.append(
                        f"{f.form.code} {row.key} ({col.n}) {col.head[-1]}: report {got}, count {want}"
                    )
    assert not mismatches, "\n".join(mismatches)
    # The data exercises the forms: most counted cells of the total row are not zero.
    if regime_code == "TT06-2025":
        total = report.form("02/XLD").values["total"]
        assert all(total[n] > 0 for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 14, 18, 19, 20))
    problems = [p for f in report.forms for p in f.check_failures()]
    assert not problems, "\n".join(problems)


def test_the_edges_of_the_period_in_vietnam_time(report, quarter):
    xld = report.form("02/XLD").values
    # Received 23:59:59 on 14/06 (before) and 23:59 on 14/09 (in); 00:00 on 15/06 in, 15/09 out.
    sxd = xld["HN-SXD"]
    ward = xld["HN-P-HK"]
    sxd_cases = {c.reference for name, c in quarter.cases.items() if c.authority.code == "HN-SXD"}
    assert len(sxd_cases) > 5
    received_in_sxd = Case.objects.filter(
        authority__code="HN-SXD",
        received_at__gte=dt.datetime(2026, 6, 15, tzinfo=ICT),
        received_at__lt=dt.datetime(2026, 9, 15, tzinfo=ICT),
    ).count()
    assert sxd[3] == received_in_sxd
    names = {name for name, c in quarter.cases.items() if c.authority.code == "HN-SXD"}
    in_period = {"edge_last_minute", "den_on_time", "refused_k11", "duplicate", "anonymous", "redenounce"}
    assert in_period <= names and sxd[3] == len(in_period)
    assert sxd[5] == 1  # the letter of 23:59 on 14/09 is not handled by the end: carried to the next period
    carried = {"carried_decided", "edge_before"}  # received before 15/06, handled in the period
    assert sxd[2] == len(carried)
    assert ward[3] == 3  # 00:00 on 15/06 (the first day), the filed letter and the early withdrawal
    backlog = report.form("PL/TĐ").values["total"]
    assert backlog[1] == backlog[2] + backlog[3] + backlog[4] + backlog[5] + backlog[6]
    tcd = report.form("01/TCD").values["HN:self"]
    assert tcd[13] == 1 and tcd[12] == 1  # the head's visit at 23:59 on 14/09 is in; 00:00 on 15/09 is not
    assert tcd[4] == 3  # regular: the first visit, the group, the repeat (the refusal is not a reception)
    assert tcd[8] == 1 and tcd[9] == 6
    assert tcd[21] == 1 and tcd[26] == 1 and tcd[27] == 12  # the authorised session of 20/06, its group


def test_the_forms_own_cross_footings_hold(report):
    problems = [p for f in report.forms for p in f.check_failures()]
    assert not problems, "\n".join(problems)


def test_each_cell_lists_what_it_counts(world, report):
    for f in report.forms:
        for col in f.form.columns:
            if col.metric is None:
                continue
            for row in f.rows:
                qs = compute.cell_queryset(world.hn, report.period, f.form, col, row)
                value = f.values[row.key][col.n]
                if col.aggregate == "count":
                    assert qs.count() == value, (f.form.code, row.key, col.n)
                elif col.aggregate == "people":
                    assert sum(qs.values_list("group_size", flat=True)) == value, (f.form.code, col.n)
                else:
                    assert len(set(qs.values_list("matter_key", flat=True))) == value, (f.form.code, col.n)


def test_a_commune_report_has_one_row(world, quarter):
    period, regime = specs.standard_period("q3", 2026)
    r = compute.compute_report(world.hn_ward, period, regime)
    assert [row.key for row in r.rows] == ["HN-P-HK"]
    assert r.form("02/XLD").values["HN-P-HK"][3] == 3


def test_regimes_and_periods_by_date():
    (p, r) = specs.standard_period("year", 2026)
    assert (p.start, p.end, r.code) == (dt.date(2025, 12, 15), dt.date(2026, 12, 14), "TT06-2025")
    (p, r) = specs.standard_period("q1", 2024)
    assert (p.start, p.end, r.code) == (dt.date(2023, 12, 15), dt.date(2024, 3, 14), "TT01-2024")
    (p, r) = specs.standard_period("h1", 2023)
    assert (p.start, p.end, r.code) == (dt.date(2022, 12, 15), dt.date(2023, 6, 14), "TT02-2021")
    (p, r) = specs.standard_period("m9", 2025)
    assert (p.start, p.end, r.code) == (dt.date(2024, 12, 15), dt.date(2025, 9, 14), "TT01-2024")
    (p, r) = specs.standard_period("q4", 2025)
    assert r.code == "TT06-2025"  # 15/09 – 14/12/2025 ends after 30/09/2025
    with pytest.raises(specs.SpecError):
        specs.standard_period("q1", 2021)  # before Circular 02/2021: not supported
