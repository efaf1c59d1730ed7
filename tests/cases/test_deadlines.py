"""Table-driven tests of the pure deadline engine (cases.deadlines) against the shipped 2025–2027 calendar.

Every expected date below was worked out by hand, day by day, on the real calendar; the comment on each
row shows the count. No database: the calendar is read from the CSV with the csv module.
"""

import csv
from datetime import date
from pathlib import Path

import pytest

from cases.deadlines import (
    DeadlineError,
    ExtensionNotAllowed,
    NoNumericLimit,
    Remaining,
    UnknownRule,
    WorkingCalendar,
    calendar_version,
    compute_due,
    format_remaining,
    load_calendar_csv,
    load_rules,
    remaining,
)

DATA = Path(__file__).resolve().parents[2] / "cases" / "data"
CSV_PATH = DATA / "holidays_vn_2025_2027.csv"
D = date.fromisoformat


def read_csv_entries() -> list[tuple[date, str]]:
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        return [(D(row["date"]), row["kind"]) for row in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar(read_csv_entries())


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_weekdays_used_in_comments_are_right():
    # The hand counts below lean on these weekdays; check them with datetime, not memory.
    expected = {
        "2025-04-26": "Sat",
        "2025-05-02": "Fri",
        "2026-02-16": "Mon",
        "2026-02-20": "Fri",
        "2026-04-26": "Sun",
        "2026-04-27": "Mon",
        "2026-06-30": "Tue",
        "2026-07-01": "Wed",
        "2026-08-22": "Sat",
        "2026-08-31": "Mon",
        "2026-11-24": "Tue",
        "2027-02-04": "Thu",
        "2027-05-01": "Sat",
        "2027-05-03": "Mon",
        "2026-01-01": "Thu",
        "2027-01-01": "Fri",
    }
    assert {d: D(d).strftime("%a") for d in expected} == expected


# --------------------------------------------------------------------------------------- calendar


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-04-25", True),  # Friday
        ("2025-04-26", True),  # make-up Saturday for 2 May 2025
        ("2025-04-27", False),  # the Sunday after it stays off
        ("2025-05-02", False),  # swapped day off
        ("2025-01-27", False),  # Tết 2025
        ("2026-01-01", False),  # New Year
        ("2026-02-13", True),  # Friday before Tết 2026
        ("2026-02-16", False),  # Tết 2026 Mon..Fri
        ("2026-02-20", False),
        ("2026-02-21", False),  # Saturday, not a make-up day
        ("2026-02-23", True),  # first working day after Tết
        ("2026-04-26", False),  # Giỗ Tổ on a Sunday
        ("2026-04-27", False),  # compensatory Monday
        ("2026-04-28", True),
        ("2026-08-22", True),  # make-up Saturday for 31 Aug 2026
        ("2026-08-31", False),  # swapped day off
        ("2026-11-24", False),  # Vietnam Culture Day (unconfirmed row, shipped as holiday)
        ("2027-02-09", False),  # Tết 2027
        ("2027-05-01", False),  # Labour Day on a Saturday
        ("2027-05-03", False),  # compensatory Monday
        ("2027-05-04", True),
    ],
)
def test_is_working_day(cal, day, working):
    assert cal.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        ("2026-02-13", "2026-02-23", 1),  # only Mon 23/2: the Tết week and two weekends are off
        ("2025-04-25", "2025-04-28", 2),  # Sat 26/4 (make-up) and Mon 28/4
        ("2026-02-23", "2026-02-13", -1),  # reversed interval is negative
        ("2026-03-02", "2026-03-02", 0),
        # Whole years: 261 weekdays each; 2025 minus 12 weekday days off plus 1 make-up Saturday.
        ("2024-12-31", "2025-12-31", 250),
        # 2026: 261 - 13 weekday days off (1/1, 16-20/2, 27/4, 30/4, 1/5, 31/8, 1-2/9, 24/11) + 1 make-up.
        ("2025-12-31", "2026-12-31", 249),
        # 2027: 261 - 12 (1/1, 4,5,8,9,10/2, 16/4, 30/4, 3/5, 2-3/9, 24/11).
        ("2026-12-31", "2027-12-31", 247),  # every listed 2027 day off, 1/9 and 3/9 both
    ],
)
def test_working_days_between(cal, a, b, count):
    assert cal.working_days_between(D(a), D(b)) == count


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-02-13", 1, "2026-02-23"),  # Friday before Tết: next counted day is after Tết
        ("2026-02-13", 0, "2026-02-13"),
        ("2025-04-25", 1, "2025-04-26"),  # the make-up Saturday counts
        ("2025-12-31", 1, "2026-01-05"),  # 1 Jan off, 2 Jan swapped off (12729/VPCP-KGVX)
        ("2026-02-14", 1, "2026-02-23"),  # start on a Saturday: still not counted
    ],
)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(D(start), n) == D(expected)


def test_next_previous_and_roll(cal):
    assert cal.next_working_day(D("2026-04-24")) == D("2026-04-28")  # skips 25-26 weekend and 27 comp.
    assert cal.next_working_day(D("2025-04-25")) == D("2025-04-26")  # make-up Saturday
    assert cal.next_working_day(D("2026-03-02")) == D("2026-03-03")  # strictly after
    assert cal.previous_working_day(D("2026-02-23")) == D("2026-02-13")
    assert cal.roll_forward(D("2026-03-02")) == D("2026-03-02")
    assert cal.roll_forward(D("2027-05-01")) == D("2027-05-04")
    assert cal.roll_back(D("2026-07-11")) == D("2026-07-10")
    with pytest.raises(ValueError):
        cal.add_working_days(D("2026-03-02"), -1)


def test_calendar_rejects_bad_entries():
    with pytest.raises(ValueError, match="kind"):
        WorkingCalendar([(D("2026-01-01"), "party")])
    with pytest.raises(ValueError, match="Saturday or Sunday"):
        WorkingCalendar([(D("2026-01-02"), "makeup_workday")])  # a Friday
    with pytest.raises(ValueError, match="Both"):
        WorkingCalendar([(D("2026-08-22"), "makeup_workday"), (D("2026-08-22"), "holiday")])


def test_calendar_version_is_stable_and_sensitive(cal):
    entries = read_csv_entries()
    assert calendar_version(entries) == calendar_version(list(reversed(entries))) == cal.version
    assert calendar_version([*entries, (D("2027-12-31"), "holiday")]) != cal.version
    assert WorkingCalendar(entries, version="db-42").version == "db-42"
    assert load_calendar_csv(CSV_PATH).version == cal.version
    # The agency's reading works the unconfirmed days off (e.g. 24 Nov): another calendar, another
    # version; the citizen's reading keeps them off.
    agency = load_calendar_csv(CSV_PATH, reading="agency")
    citizen = load_calendar_csv(CSV_PATH, reading="citizen")
    assert agency.version != citizen.version
    assert agency.is_working_day(D("2026-11-24")) and not citizen.is_working_day(D("2026-11-24"))


# ---------------------------------------------------------------------------------------- the CSV


def test_holiday_csv_shape():
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    assert header == ["date", "kind", "name", "source", "confirmed"]
    assert all(len(r) == 5 for r in rows)
    dates = [D(r[0]) for r in rows]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert {r[1] for r in rows} == {"holiday", "compensatory", "swapped_off", "makeup_workday"}
    assert {r[4] for r in rows} == {"true", "false"}
    assert all(r[2] and r[3] for r in rows)
    kinds = {r[0]: r[1] for r in rows}
    assert kinds["2026-04-26"] == "holiday" and kinds["2026-04-27"] == "compensatory"
    assert kinds["2027-05-03"] == "compensatory"
    assert kinds["2025-05-02"] == kinds["2026-08-31"] == "swapped_off"
    assert kinds["2025-04-26"] == kinds["2026-08-22"] == "makeup_workday"
    assert [r[0] for r in rows if r[0].startswith("2026-02")] == [f"2026-02-{d}" for d in range(16, 21)]
    assert {r[0]: r[4] for r in rows}["2026-11-24"] == "false"
    assert all(D(r[0]).weekday() == 5 for r in rows if r[1] == "makeup_workday")


# -------------------------------------------------------------------------------------- the rules

# (code, trigger, flags, expected due date, expected rolled_forward_from)
CASES = [
    # K1 90 cd: 5/1 + 90 = Sun 5/4/2026 → Mon 6/4.
    ("K1", "2026-01-05", {}, "2026-04-06", "2026-04-05"),
    # K2 15 cd: 15/4 + 15 = Wed 30/4 hol; 1/5 hol, 2/5 swapped, 3-4/5 weekend → Mon 5/5.
    ("K2", "2025-04-15", {}, "2025-05-05", "2025-04-30"),
    # K2 second complaint 10 cd: 16/4 + 10 = Sat 26/4/2025, a make-up working day: no roll.
    ("K2", "2025-04-16", {"second_level": True}, "2025-04-26", None),
    # K2 second complaint after dismissal 30 cd: Sun 3/8 + 30 = Tue 2/9 hol → Wed 3/9.
    ("K2", "2025-08-03", {"second_level": True, "dismissal": True}, "2025-09-03", "2025-09-02"),
    # K3 10 wd from Tue 30/6/2026 (old version): Jul 1,2,3,6,7,8,9,10,13,14.
    ("K3", "2026-06-30", {}, "2026-07-14", None),
    # K3 7 wd from Wed 1/7/2026 (new version): Jul 2,3,6,7,8,9,10.
    ("K3", "2026-07-01", {}, "2026-07-10", None),
    # K3 10 wd over Tết 2026: Feb 12,13 | 23,24,25,26,27 | Mar 2,3,4.
    ("K3", "2026-02-11", {}, "2026-03-04", None),
    # K4 30 cd: 20/1 + 30 = Thu 19/2 (Tết); 20/2 Tết, 21-22 weekend → Mon 23/2.
    ("K4", "2026-01-20", {}, "2026-02-23", "2026-02-19"),
    # K4 complex 45 cd: 12/3 + 45 = Sun 26/4 (Giỗ Tổ); Mon 27/4 compensatory → Tue 28/4.
    ("K4", "2026-03-12", {"complex": True}, "2026-04-28", "2026-04-26"),
    # K4 remote 45 cd: same ceiling as complex.
    ("K4", "2026-03-12", {"remote": True}, "2026-04-28", "2026-04-26"),
    # K4 remote + complex 60 cd: Sun 1/3 + 60 = Thu 30/4 hol; 1/5 hol; 2-3/5 weekend → Mon 4/5.
    ("K4", "2026-03-01", {"remote": True, "complex": True}, "2026-05-04", "2026-04-30"),
    # K4 especially complex = complex 45 cd: 17/11/2025 + 45 = Thu 1/1/2026 → Fri 2/1.
    ("K4", "2025-11-17", {"especially_complex": True}, "2026-01-05", "2026-01-01"),
    # K5 45 cd: 15/7/2026 + 45 = Sat 29/8; 30/8 Sun; 31/8 swapped; 1-2/9 hol → Thu 3/9.
    ("K5", "2026-07-15", {}, "2026-09-03", "2026-08-29"),
    # K5 complex 60 cd: 2/3/2027 + 29 = 31/3, + 31 = Sat 1/5 hol; Sun 2/5; Mon 3/5 comp. → Tue 4/5.
    ("K5", "2027-03-02", {"complex": True}, "2027-05-04", "2027-05-01"),
    # K5 remote + complex 70 cd: 15/9/2026 + 70 = Tue 24/11 (Culture Day, unconfirmed row) → Wed 25/11.
    ("K5", "2026-09-15", {"remote": True, "complex": True}, "2026-11-25", "2026-11-24"),
    # K6 30 cd: 1/4/2027 + 30 = Sat 1/5 hol; Sun 2/5; Mon 3/5 compensatory → Tue 4/5.
    ("K6", "2027-04-01", {}, "2027-05-04", "2027-05-01"),
    # K6 has no remote variant (Art 50): remote changes nothing. Mon 2/6/2025 + 30 = Wed 2/7.
    ("K6", "2025-06-02", {"remote": True}, "2025-07-02", None),
    # K6 complex 45 cd: 22/12/2026 + 9 = 31/12, + 31 = 31/1, + 5 = Fri 5/2/2027 (Tết 4-10/2) → Thu 11/2.
    ("K6", "2026-12-22", {"complex": True}, "2027-02-12", "2027-02-05"),
    # K7 3 wd from Tue 29/4/2025: 30/4, 1/5 hol, 2/5 swapped, weekend → May 5, 6, 7.
    ("K7", "2025-04-29", {}, "2025-05-07", None),
    # K7 3 wd from Fri 25/4/2025: Sat 26/4 make-up (1), Mon 28 (2), Tue 29 (3).
    ("K7", "2025-04-25", {}, "2025-04-29", None),
    # K8 30 cd: Sat 1/8/2026 + 30 = Mon 31/8 swapped; 1-2/9 hol → Thu 3/9.
    ("K8", "2026-08-01", {}, "2026-09-03", "2026-08-31"),
    # K8 remote 45 cd: 17/12/2025 + 45 = Sat 31/1/2026; Sun 1/2 → Mon 2/2.
    ("K8", "2025-12-17", {"remote": True}, "2026-02-02", "2026-01-31"),
    # K9 7 cd: 25/12/2025 + 7 = Thu 1/1/2026 → Fri 2/1.
    ("K9", "2025-12-25", {}, "2026-01-05", "2026-01-01"),
    # K10 15 cd: 7/8/2026 + 15 = Sat 22/8, a make-up working day: no roll.
    ("K10", "2026-08-07", {}, "2026-08-22", None),
    # K11 30 cd: 11/1/2027 + 30 = Wed 10/2 (Tết 2027) → Thu 11/2.
    ("K11", "2027-01-11", {}, "2027-02-12", "2027-02-10"),
    # K11 remote 45 cd: 17/3/2027 + 45 = Sat 1/5 hol; Sun 2/5; Mon 3/5 comp. → Tue 4/5.
    ("K11", "2027-03-17", {"remote": True}, "2027-05-04", "2027-05-01"),
    # K12 7 cd: Mon 20/1/2025 + 7 = Mon 27/1 (Tết 27/1-1/2); Sun 2/2 → Mon 3/2.
    ("K12", "2025-01-20", {}, "2025-02-03", "2025-01-27"),
    # K13 30 cd: Sat 28/3/2026 + 30 = Mon 27/4 compensatory → Tue 28/4.
    ("K13", "2026-03-28", {}, "2026-04-28", "2026-04-27"),
    # K16 3 wd from Thu 27/8/2026: Fri 28 (1); 29-30 weekend; 31/8 swapped; 1-2/9 hol; Thu 3 (2), Fri 4 (3).
    ("K16", "2026-08-27", {}, "2026-09-04", None),
    # T1 7 wd from Thu 12/2/2026: Feb 13 | Tết week | 23, 24, 25, 26, 27 | Mar 2.
    ("T1", "2026-02-12", {}, "2026-03-02", None),
    # T1 multi-site 10 wd from Wed 22/4/2026: 23, 24 | 27 comp. | 28, 29 | 30/4, 1/5 hol | May 4..8, 11.
    ("T1", "2026-04-22", {"multi_site": True}, "2026-05-11", None),
    # T2 5 wd from Mon 29/12/2025: Dec 30, 31 | 1/1 hol | Jan 2, 5, 6.
    ("T2", "2025-12-29", {}, "2026-01-07", None),
    # T3 5 wd from Thu 20/8/2026: Fri 21, Sat 22 (make-up), Mon 24, Tue 25, Wed 26.
    ("T3", "2026-08-20", {}, "2026-08-26", None),
    # T4 30 cd: 5/1/2027 + 30 = Thu 4/2 (Tết 4-10/2/2027) → Thu 11/2.
    ("T4", "2027-01-05", {}, "2027-02-12", "2027-02-04"),
    # T4 complex, one extension (60 cd): 3/3/2025 + 60 = Fri 2/5 swapped; 3-4/5 weekend → Mon 5/5.
    ("T4", "2025-03-03", {"complex": True, "extensions": 1}, "2025-05-05", "2025-05-02"),
    # T4 complex, one 15-day extension (45 cd): 3/3/2025 + 45 = Thu 17/4.
    ("T4", "2025-03-03", {"complex": True, "extensions": [15]}, "2025-04-17", None),
    # T4 especially complex, two extensions (90 cd): 4/6/2025 + 90 = Tue 2/9 hol → Wed 3/9.
    ("T4", "2025-06-04", {"especially_complex": True, "extensions": 2}, "2025-09-03", "2025-09-02"),
    # T5 5 wd from Wed 3/2/2027: Tết 4-10/2 | Feb 11, 12, 15, 16, 17.
    ("T5", "2027-02-03", {}, "2027-02-18", None),
    # T6 5 wd from Wed 28/4/2027: Thu 29 | 30/4, 1/5 hol, Sun 2/5, Mon 3/5 comp. | May 4, 5, 6, 7.
    ("T6", "2027-04-28", {}, "2027-05-07", None),
    # T7 7 wd from Thu 23/1/2025: Fri 24 | Tết 27/1-1/2 | Feb 3, 4, 5, 6, 7, 10.
    ("T7", "2025-01-23", {}, "2025-02-10", None),
    # T8 7 wd from Thu 24/12/2026: Dec 25, 28, 29, 30, 31 | 1/1 hol | Jan 4, 5.
    ("T8", "2026-12-24", {}, "2027-01-05", None),
    # T9 20 cd: 28/1/2026 + 20 = Tue 17/2 (Tết) → Mon 23/2.
    ("T9", "2026-01-28", {}, "2026-02-23", "2026-02-17"),
    # T10 5 wd from Mon 1/9/2025 (itself a holiday): 2/9 hol | Sep 3, 4, 5, 8, 9.
    ("T10", "2025-09-01", {}, "2025-09-09", None),
    # T11 20 cd: 12/12/2025 + 20 = Thu 1/1/2026 → Fri 2/1.
    ("T11", "2025-12-12", {}, "2026-01-05", "2026-01-01"),
    # T14 3 wd from Thu 12/2/2026 (protection request): Fri 13 | Tết 16-20/2 | Mon 23, Tue 24.
    ("T14", "2026-02-12", {}, "2026-02-24", None),
    # T15 1 wd from Fri 28/8/2026 (urgent request): 31/8 swapped off, 1-2/9 hol | Thu 3/9.
    ("T15", "2026-08-28", {}, "2026-09-03", None),
    # R1 10 wd from Mon 21/4/2025: 22, 23, 24, 25, Sat 26 (make-up), 28, 29 | 30/4-4/5 off | May 5, 6, 7.
    ("R1", "2025-04-21", {}, "2025-05-07", None),
    # R2 7 wd from Thu 23/4/2026: Fri 24 | 27 comp. | 28, 29 | 30/4, 1/5 hol | May 4, 5, 6, 7.
    ("R2", "2026-04-23", {}, "2026-05-07", None),
    # R3 5 wd from Wed 1/9/2027: 2-3/9 hol, weekend | Sep 6, 7, 8, 9, 10.
    ("R3", "2027-09-01", {}, "2027-09-10", None),
    # R4 10 wd from Fri 18/12/2026: Dec 21-25, 28-31 (9) | 1/1 hol, weekend | Mon 4/1/2027 (10).
    ("R4", "2026-12-18", {}, "2027-01-04", None),
    # R5 1 year: 30/4/2026 → Fri 30/4/2027 hol; Sat 1/5 hol; Sun 2/5; Mon 3/5 comp. → Tue 4/5.
    ("R5", "2026-04-30", {}, "2027-05-04", "2027-04-30"),
    # R5 1 year: Mon 10/3/2025 → Tue 10/3/2026.
    ("R5", "2025-03-10", {}, "2026-03-10", None),
    # R6 3 wd from Fri 3/7/2026: Jul 6, 7, 8.
    ("R6", "2026-07-03", {}, "2026-07-08", None),
]


def _case_id(case) -> str:
    code, trigger, flags, *_ = case
    return "-".join([code, trigger, *sorted(flags)])


@pytest.mark.parametrize(
    ("code", "trigger", "flags", "expected", "rolled_from"), CASES, ids=[_case_id(c) for c in CASES]
)
def test_rule_due_dates(cal, rules, code, trigger, flags, expected, rolled_from):
    rule = rules.get(code, D(trigger))
    due = compute_due(rule, D(trigger), cal, **flags)
    assert due.due_date == D(expected)
    assert due.rolled_forward_from == (D(rolled_from) if rolled_from else None)
    assert due.rule_code == code
    assert due.calendar_version == cal.version
    assert not due.provisional
    if rule.unit == "working_days":
        assert cal.working_days_between(D(trigger), due.due_date) == due.days_counted


@pytest.mark.parametrize(
    ("dialogue", "latest_notice", "rolled_back_from"),
    [
        ("2026-07-14", "2026-07-09", None),  # Tue dialogue - 5 = Thu 9/7
        ("2026-07-16", "2026-07-10", "2026-07-11"),  # Thu - 5 = Sat 11/7 → back to Fri 10/7
        # Mon 7/9 - 5 = Wed 2/9 hol; 1/9 hol, 31/8 swapped, 29-30/8 weekend → back to Fri 28/8.
        ("2026-09-07", "2026-08-28", "2026-09-02"),
    ],
)
def test_k15_dialogue_notice_counts_backwards(cal, rules, dialogue, latest_notice, rolled_back_from):
    due = compute_due(rules.get("K15", D(dialogue)), D(dialogue), cal)
    assert due.due_date == D(latest_notice)
    assert due.rolled_back_from == (D(rolled_back_from) if rolled_back_from else None)
    assert due.rolled_forward_from is None


NO_LIMIT = ["K14", "T12", "T13", "C1"]


@pytest.mark.parametrize("code", NO_LIMIT)
def test_rules_without_numeric_limit(cal, rules, code):
    rule = rules.get(code, D("2026-03-02"))
    assert rule.limit is None and rule.unit == "none"
    with pytest.raises(NoNumericLimit, match=code):
        compute_due(rule, D("2026-03-02"), cal)


def test_a_limit_set_by_decision_counts_the_days_the_decision_fixed(cal, rules):
    # R7: the head's instruction at a reception session fixes its own limit (Decree 154/2026 Art 25(2)).
    rule = rules.get("R7", D("2026-11-05"))
    assert rule.set_by_decision and rule.limit is None and rule.unit == "calendar_days"
    with pytest.raises(NoNumericLimit):
        compute_due(rule, D("2026-11-05"), cal)
    assert compute_due(rule, D("2026-11-05"), cal, limit=15).due_date == D("2026-11-20")
    # a last day on a Saturday moves to Monday (Civil Code Art 148(5))
    assert compute_due(rule, D("2026-11-05"), cal, limit=16).due_date == D("2026-11-23")
    # the text in force on the notice's date: Circular 04/2021 before 01/07/2026, Decree 154 after
    assert rules.get("R7", D("2026-06-30")).legal_basis_vi.startswith("Thông tư 04/2021")
    assert rules.get("R7", D("2026-07-01")).legal_basis_vi == "Nghị định 154/2026/NĐ-CP, Điều 25 khoản 2"
    # the limit argument is for decision rules only
    k4 = rules.get("K4", D("2026-11-05"))
    assert compute_due(k4, D("2026-11-05"), cal, limit=2).limit_days == 30


def test_every_rule_code_is_tested(rules):
    tested = {c[0] for c in CASES} | {"K15", "R7"} | set(NO_LIMIT)
    assert tested == set(rules.codes())
    expected_codes = {f"K{i}" for i in range(1, 17)} | {f"T{i}" for i in range(1, 16)}
    expected_codes |= {f"R{i}" for i in range(1, 8)} | {"C1"}
    assert set(rules.codes()) == expected_codes


# ---------------------------------------------------------------------------------------- versions


def test_k3_version_switch(rules):
    first, old, new = (rules.get("K3", D(d)) for d in ("2020-12-09", "2026-06-30", "2026-07-01"))
    # Circular 07/2013 until Decree 124/2020 took effect; Decree 124 Art 16(1); as amended in 2026.
    assert "07/2013" in first.legal_basis_vi and first.valid_to == D("2020-12-09")
    assert "124/2020" in old.legal_basis_vi and "07/2013" not in old.legal_basis_vi
    assert (old.limit, old.unit, old.valid_to, old.confidence) == (10, "working_days", D("2026-06-30"), "S")
    assert (new.limit, new.unit, new.valid_from, new.confidence) == (7, "working_days", D("2026-07-01"), "U")
    assert len(rules.versions("K3")) == 3


@pytest.mark.parametrize("code", ["K15", "K16", "R6"])
def test_2026_rules_only_from_1_july_2026(rules, code):
    assert rules.get(code, D("2026-07-01")).confidence == "U"
    with pytest.raises(UnknownRule):
        rules.get(code, D("2026-06-30"))


def test_unknown_rule_raises(rules):
    with pytest.raises(UnknownRule, match="K99"):
        rules.get("K99", D("2026-01-01"))
    with pytest.raises(ValueError):  # UnknownRule is a ValueError for callers that catch broadly
        rules.get("X1", D("2026-01-01"))
    assert issubclass(UnknownRule, DeadlineError)


def test_rule_table_facts(rules):
    assert rules.get("R4", D("2026-01-01")).confidence == "U"
    assert [r.code for r in rules if r.extensions is not None] == ["T4"]
    k4 = rules.get("K4", D("2026-01-01"))
    assert (k4.variants.complex, k4.variants.remote, k4.variants.remote_complex) == (45, 45, 60)
    k5 = rules.get("K5", D("2026-01-01"))
    assert (k5.limit, k5.variants.complex, k5.variants.remote, k5.variants.remote_complex) == (45, 60, 60, 70)
    assert rules.get("K8", D("2026-01-01")).variants.remote == 45
    assert rules.get("T1", D("2026-01-01")).variants.multi_site == 10
    assert all(r.legal_basis_vi and r.legal_basis_en and r.title_vi and r.title_en for r in rules)


# -------------------------------------------------------------------------------------- extensions


def test_t4_complex_one_extension_ok_two_refused(cal, rules):
    t4 = rules.get("T4", D("2025-03-03"))
    due = compute_due(t4, D("2025-03-03"), cal, complex=True, extensions=1)
    assert (due.limit_days, due.extension_days) == (60, 30)
    with pytest.raises(ExtensionNotAllowed, match=r"tối đa 1 lần.*at most 1 time"):
        compute_due(t4, D("2025-03-03"), cal, complex=True, extensions=2)


def test_t4_especially_complex_two_ok_three_refused(cal, rules):
    t4 = rules.get("T4", D("2025-06-04"))
    assert compute_due(t4, D("2025-06-04"), cal, especially_complex=True, extensions=2).limit_days == 90
    with pytest.raises(ExtensionNotAllowed, match="at most 2 time"):
        compute_due(t4, D("2025-06-04"), cal, especially_complex=True, extensions=3)


def test_t4_normal_case_cannot_be_extended(cal, rules):
    with pytest.raises(ExtensionNotAllowed, match="không được gia hạn"):
        compute_due(rules.get("T4", D("2025-06-04")), D("2025-06-04"), cal, extensions=1)


def test_extension_longer_than_30_days_refused(cal, rules):
    with pytest.raises(ExtensionNotAllowed, match="31"):
        compute_due(rules.get("T4", D("2025-06-04")), D("2025-06-04"), cal, complex=True, extensions=[31])


def test_complaint_rules_have_no_extension_decisions(cal, rules):
    # Complex complaint periods are ceilings (Law on Complaints Art 28), not extension decisions.
    with pytest.raises(ExtensionNotAllowed, match="K4"):
        compute_due(rules.get("K4", D("2026-03-12")), D("2026-03-12"), cal, complex=True, extensions=1)


# -------------------------------------------------------------------------------------- suspensions


@pytest.mark.parametrize(
    ("paused", "expected", "paused_days"),
    [
        ([], "2026-07-01", 0),  # 1/6 + 30 = Wed 1/7
        ([("2026-06-10", "2026-06-19")], "2026-07-13", 10),  # 1/7 + 10 paused days = Sat 11/7 → Mon 13/7
        # Moving the end to 11/7 brings the pause 5-7/7 into the period: 11/7 + 3 = Tue 14/7.
        ([("2026-06-10", "2026-06-19"), ("2026-07-05", "2026-07-07")], "2026-07-14", 13),
        ([("2026-08-01", "2026-08-05")], "2026-07-01", 0),  # after the due date: no effect
        ([("2026-05-25", "2026-06-03")], "2026-07-03", 2),  # only 2-3/6 fall after the trigger
        # Overlapping pauses are merged: 10-19/6 counted once.
        ([("2026-06-10", "2026-06-15"), ("2026-06-12", "2026-06-19")], "2026-07-13", 10),
    ],
)
def test_t4_suspension_calendar_days(cal, rules, paused, expected, paused_days):
    t4 = rules.get("T4", D("2026-06-01"))
    due = compute_due(t4, D("2026-06-01"), cal, paused=[(D(a), D(b)) for a, b in paused])
    assert (due.due_date, due.paused_days) == (D(expected), paused_days)


def test_open_suspension_runs_to_today(cal, rules):
    t4 = rules.get("T4", D("2026-06-01"))
    due = compute_due(t4, D("2026-06-01"), cal, paused=[(D("2026-06-10"), None)], today=D("2026-06-19"))
    assert due.due_date == D("2026-07-13")
    with pytest.raises(ValueError, match="today"):
        compute_due(t4, D("2026-06-01"), cal, paused=[(D("2026-06-10"), None)])


def test_suspension_working_days(cal, rules):
    # T5 5 wd from Mon 8/6/2026: Jun 9, 10, 11, 12, 15. A pause 10-11/6 skips 2 working days:
    # Jun 9 (1), 12 (2), 15 (3), 16 (4), 17 (5).
    t5 = rules.get("T5", D("2026-06-08"))
    assert compute_due(t5, D("2026-06-08"), cal).due_date == D("2026-06-15")
    due = compute_due(t5, D("2026-06-08"), cal, paused=[(D("2026-06-10"), D("2026-06-11"))])
    assert (due.due_date, due.paused_days) == (D("2026-06-17"), 2)
    # A pause over a weekend costs no working days: 13-14/6 is Sat-Sun.
    due = compute_due(t5, D("2026-06-08"), cal, paused=[(D("2026-06-13"), D("2026-06-14"))])
    assert (due.due_date, due.paused_days) == (D("2026-06-15"), 0)
    # A pause covering the due day: Jun 9-12 counted (4), 15-16 paused, 17 (5).
    due = compute_due(t5, D("2026-06-08"), cal, paused=[(D("2026-06-15"), D("2026-06-16"))])
    assert due.due_date == D("2026-06-17")


def test_k1_obstacle_time_excluded(cal, rules):
    # 3/3/2025 + 90 = Sun 1/6; 10 obstacle days (10-19/3) → Wed 11/6.
    k1 = rules.get("K1", D("2025-03-03"))
    assert compute_due(k1, D("2025-03-03"), cal).due_date == D("2025-06-02")  # Sun 1/6 → Mon 2/6
    due = compute_due(k1, D("2025-03-03"), cal, paused=[(D("2025-03-10"), D("2025-03-19"))])
    assert due.due_date == D("2025-06-11")


def test_bad_pause_rejected(cal, rules):
    with pytest.raises(ValueError):
        compute_due(
            rules.get("T4", D("2026-06-01")),
            D("2026-06-01"),
            cal,
            paused=[(D("2026-06-10"), D("2026-06-01"))],
        )


# ------------------------------------------------------------------------------------- due details


def test_due_at_is_end_of_day_in_hanoi(cal, rules):
    due = compute_due(rules.get("K9", D("2025-12-25")), D("2025-12-25"), cal)
    assert due.due_at.isoformat() == "2026-01-05T23:59:59.999999+07:00"
    assert str(due.due_at.tzinfo) == "Asia/Ho_Chi_Minh"
    assert due.rule_version == D("2012-07-01")
    assert due.legal_basis_vi.endswith("Điều 41 khoản 1") and due.legal_basis_en.endswith("Art 41(1)")
    assert (due.limit_days, due.unit, due.days_counted) == (7, "calendar_days", 7)


def test_provisional_outside_calendar_years(cal, rules):
    # 15/12/2027 + 30 = 14/1/2028: 2028 holidays are not in the calendar yet.
    due = compute_due(rules.get("K4", D("2027-12-15")), D("2027-12-15"), cal)
    assert due.due_date == D("2028-01-14") and due.provisional


def test_r5_one_year_is_same_day_next_year_not_365_days(cal, rules):
    # Civil Code Art 148(4): 1/3/2027 → Wed 1/3/2028, 366 days later because 2028 is a leap year.
    r5 = rules.get("R5", D("2027-03-01"))
    due = compute_due(r5, D("2027-03-01"), cal)
    assert (due.due_date, due.unit, due.provisional) == (D("2028-03-01"), "years", True)
    # 29/2 has no counterpart in 2029: the year ends on the last day of February, Wed 28/2/2029.
    assert compute_due(r5, D("2028-02-29"), cal).due_date == D("2029-02-28")


# ---------------------------------------------------------------------------------------- remaining


@pytest.mark.parametrize(
    ("due", "today", "unit", "days", "vi", "en"),
    [
        # (Thu 12/2, Mon 23/2] holds Fri 13/2 and Mon 23/2 only.
        ("2026-02-23", "2026-02-12", "working_days", 2, "còn 2 ngày làm việc", "2 working days left"),
        ("2026-02-23", "2026-02-20", "working_days", 1, "còn 1 ngày làm việc", "1 working day left"),
        ("2026-02-23", "2026-02-23", "working_days", 0, "hết hạn hôm nay", "due today"),
        # (Tue 29/4, Tue 6/5/2025]: 30/4, 1/5, 2/5 off, weekend; Mon 5 and Tue 6 count.
        ("2025-04-29", "2025-05-06", "working_days", -2, "quá hạn 2 ngày làm việc", "2 working days overdue"),
        # The Saturday after a Friday due date is already overdue.
        ("2026-07-10", "2026-07-11", "working_days", -1, "quá hạn 1 ngày làm việc", "1 working day overdue"),
        ("2026-04-28", "2026-04-25", "calendar_days", 3, "còn 3 ngày", "3 days left"),
        ("2026-04-28", "2026-04-27", "calendar_days", 1, "còn 1 ngày", "1 day left"),
        ("2026-04-28", "2026-04-30", "calendar_days", -2, "quá hạn 2 ngày", "2 days overdue"),
        ("2026-04-28", "2026-04-28", "calendar_days", 0, "hết hạn hôm nay", "due today"),
    ],
)
def test_remaining_and_format(cal, due, today, unit, days, vi, en):
    rem = remaining(D(due), D(today), unit, cal)
    assert rem == Remaining(days=days, unit=unit)
    assert rem.overdue is (days < 0) and rem.due_today is (days == 0)
    assert format_remaining(rem) == vi
    assert format_remaining(rem, lang="en") == en


def test_remaining_rejects_bad_input(cal):
    with pytest.raises(ValueError):
        remaining(D("2026-01-05"), D("2026-01-02"), "none", cal)
    with pytest.raises(ValueError):
        format_remaining(Remaining(days=1, unit="calendar_days"), lang="fr")


def test_engine_does_not_import_django():
    import subprocess
    import sys

    code = (
        "import sys, cases.deadlines; sys.exit(1 if any(m.startswith('django') for m in sys.modules) else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
