"""The shipped calendar, row by row: every official day off, swap and make-up Saturday of 2025-2027
with the legal basis it rests on, and how an unconfirmed day is read (a limit the agency owes ends
earlier, one the citizen must meet ends later). The source column is what staff read; the basis
below is the notice or article each row must cite."""

import csv
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from cases import deadlines as engine
from cases.deadline_services import working_calendar

D = dt.date.fromisoformat
with open(engine.DEFAULT_CALENDAR_PATH, encoding="utf-8") as _fh:
    ROWS = {row["date"]: row for row in csv.DictReader(_fh)}

# (date, kind, confirmed, a text the source must contain)
OFFICIAL = [
    # 2025: Labour Code Art 112 and Notice 6150/TB-BLĐTBXH of 03/12/2024 (Tết, 30/4–1/5 swap, 2/9)
    ("2025-01-01", "holiday", True, "Điều 112"),
    *((f"2025-01-{d}", "holiday", True, "6150/TB-BLĐTBXH") for d in range(27, 32)),
    ("2025-04-07", "holiday", True, "Điều 112"),  # Giỗ Tổ Hùng Vương, 10/3 lunar
    ("2025-04-26", "makeup_workday", True, "6150/TB-BLĐTBXH"),
    ("2025-04-30", "holiday", True, "Điều 112"),
    ("2025-05-01", "holiday", True, "Điều 112"),
    ("2025-05-02", "swapped_off", True, "6150/TB-BLĐTBXH"),
    ("2025-09-01", "holiday", True, "6150/TB-BLĐTBXH"),
    ("2025-09-02", "holiday", True, "Điều 112"),
    # 2026: the New Year swap (Government Office 12729/VPCP-KGVX of 25/12/2025) and Notice 9441/TB-BNV
    ("2026-01-01", "holiday", True, "Điều 112"),
    ("2026-01-02", "swapped_off", True, "12729/VPCP-KGVX"),
    ("2026-01-10", "makeup_workday", True, "12729/VPCP-KGVX"),
    *((f"2026-02-{d}", "holiday", True, "9441/TB-BNV") for d in range(16, 21)),
    ("2026-04-26", "holiday", True, "Điều 112"),  # Giỗ Tổ on a Sunday
    ("2026-04-27", "compensatory", True, "Điều 111"),  # Art 111(3): the next working day
    ("2026-04-30", "holiday", True, "Điều 112"),
    ("2026-05-01", "holiday", True, "Điều 112"),
    ("2026-08-22", "makeup_workday", True, "9441/TB-BNV"),
    ("2026-08-31", "swapped_off", True, "9441/TB-BNV"),
    ("2026-09-01", "holiday", True, "9441/TB-BNV"),
    ("2026-09-02", "holiday", True, "Điều 112"),
    # 2027: what the Labour Code fixes is confirmed; Tết and the day next to 2/9 await the notice
    ("2027-01-01", "holiday", True, "Điều 112"),
    ("2027-04-16", "holiday", True, "Điều 112"),
    ("2027-04-30", "holiday", True, "Điều 112"),
    ("2027-05-01", "holiday", True, "Điều 112"),
    ("2027-05-03", "compensatory", True, "Điều 111"),
    ("2027-09-02", "holiday", True, "Điều 112"),
]
UNCONFIRMED = [
    *((f"2027-02-{d:02d}", "Chưa có thông báo cho Tết Đinh Mùi 2027") for d in range(4, 12)),
    ("2027-09-01", "Chưa có thông báo năm 2027"),
    ("2027-09-03", "Chưa có thông báo năm 2027"),
    ("2026-11-24", "chưa xác minh"),
    ("2027-11-24", "chưa xác minh"),
]


@pytest.mark.parametrize(("day", "kind", "confirmed", "basis"), OFFICIAL)
def test_every_official_day_is_shipped_confirmed_with_its_basis(day, kind, confirmed, basis):
    row = ROWS[day]
    assert (row["kind"], row["confirmed"] == "true") == (kind, confirmed)
    assert basis in row["source"], row["source"]


@pytest.mark.parametrize(("day", "why"), UNCONFIRMED)
def test_every_open_day_says_why_in_its_row(day, why):
    assert ROWS[day]["confirmed"] == "false"
    assert why in ROWS[day]["source"]


def test_nothing_else_is_shipped():
    assert set(ROWS) == {d for d, *_ in OFFICIAL} | {d for d, _ in UNCONFIRMED}
    assert "2025-02-01" not in ROWS  # a Saturday of Tết 2025, not a make-up day


def test_the_official_days_are_days_off_on_both_readings():
    for reading in ("agency", "citizen"):
        cal = engine.load_calendar_csv(reading=reading)
        for day, kind, _c, _b in OFFICIAL:
            assert cal.is_working_day(D(day)) == (kind == "makeup_workday"), (reading, day)


def test_an_unconfirmed_day_off_is_worked_for_the_agency_and_off_for_the_citizen():
    agency = engine.load_calendar_csv(reading="agency")
    citizen = engine.load_calendar_csv(reading="citizen")
    for day, _why in UNCONFIRMED:
        if D(day).weekday() < 5:
            assert agency.is_working_day(D(day)) and not citizen.is_working_day(D(day)), day
    rules = engine.load_rules()
    # The agency's 7-working-day acceptance from Tue 02/02/2027 ends before the unconfirmed Tết days
    # count; a citizen's 15-day window ending on 11/02/2027 (unconfirmed) runs to the next day.
    k3 = rules.get("K3", D("2027-02-02"))
    assert engine.compute_due(k3, D("2027-02-02"), agency).due_date == D("2027-02-11")
    assert engine.compute_due(k3, D("2027-02-02"), citizen).due_date == D("2027-02-19")
    k2 = rules.get("K2", D("2027-01-27"))
    assert k2.bearer == "citizen"
    assert engine.compute_due(k2, D("2027-01-27"), agency).due_date == D("2027-02-11")
    assert engine.compute_due(k2, D("2027-01-27"), citizen).due_date == D("2027-02-12")


@pytest.mark.parametrize(
    ("args", "due"),
    [
        # 30 days from 02/08/2026 end on 01/09 (a day off, Notice 9441/TB-BNV) and 02/09 is National
        # Day: Civil Code Art 148(5) moves the end to Thu 03/09.
        (("K4", "2026-08-02"), "2026-09-03"),
        # 7 working days from Mon 05/01/2026 with 02/01 swapped off and Sat 10/01 worked: Tue 13/01.
        (("T1", "2026-01-05"), "2026-01-13"),
        # 10 working days from 31/12/2025 skip 01/01 and 02/01 and count Sat 10/01: Thu 15/01.
        (("K3", "2025-12-31"), "2026-01-15"),
    ],
)
def test_the_dates_the_review_found_wrong(db, args, due):
    out = StringIO()
    call_command("import_holidays", str(engine.DEFAULT_CALENDAR_PATH), stdout=out)
    out = StringIO()
    call_command("compute_deadline", *args, stdout=out)
    assert out.getvalue().splitlines()[0] == due


def test_the_database_calendar_reads_the_same_as_the_file(db):
    call_command("import_holidays", str(engine.DEFAULT_CALENDAR_PATH), stdout=StringIO())
    for reading in ("agency", "citizen"):
        db_cal = working_calendar(reading)
        file_cal = engine.load_calendar_csv(reading=reading)
        day = D("2025-01-01")
        while day <= D("2027-12-31"):
            assert db_cal.is_working_day(day) == file_cal.is_working_day(day), (reading, day)
            day += dt.timedelta(days=1)
