"""The report, the oversight dashboard and the public statistics page agree for the same scope and
period: they count with the same definitions of ``cases.reporting``."""

import datetime as dt
from zoneinfo import ZoneInfo

from cases.models import Case
from cases.reports import compute, specs
from publicsite.statistics import public_statistics
from search.backends.database import DatabaseBackend
from search.oversight import Level, OversightScope, ontime_report

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 12, 1)  # the fixture leaves the clock at 01/12/2026 09:00


def report_for(world, start, end):
    period, regime = specs.custom_period(start, end)
    assert regime.code == "TT06-2025"
    return compute.compute_report(world.hn, period, regime)


def test_received_and_on_time_agree_with_public_statistics_and_the_dashboard(world, quarter):
    # The calendar third quarter: a period the public page offers and a report can be made for.
    start, end = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
    report = report_for(world, start, end)
    public = public_statistics(authority_code="HN", year=2026, quarter=3, today=TODAY)
    received = report.form("02/XLD").values["total"][3]
    assert received == public.total.received.value
    assert (
        received
        == Case.objects.filter(
            authority__path__startswith="/HN/",
            received_at__gte=dt.datetime(2026, 7, 1, tzinfo=ICT),
            received_at__lt=dt.datetime(2026, 10, 1, tzinfo=ICT),
        ).count()
    )
    complaints = report.form("03/GQKN").values["total"]
    denunciations = report.form("04/GQTC").values["total"]
    on_time, late = complaints[25] + denunciations[30], complaints[26] + denunciations[31]
    assert on_time + late > 0 and late > 0
    _rows, _series, dashboard = ontime_report(
        Level(scope=OversightScope(everything=True), node=world.hn),
        start=start,
        end=end + dt.timedelta(days=1),
        period="month",
    )
    assert (dashboard.on_time, dashboard.late) == (on_time, late)
    assert public.total.on_time_pct.base == on_time + late


def test_the_backlog_at_the_end_of_a_period_ending_today_is_the_backlog_now(world, quarter):
    report = report_for(world, dt.date(2026, 9, 15), TODAY)
    backlog = report.form("PL/TĐ").values["total"]
    columns = dict(zip(("0-29", "30-59", "60-89", "90-179", "180+"), (2, 3, 4, 5, 6), strict=True))
    cells = DatabaseBackend().aggregate_backlog(within=("HN",))
    assert backlog[1] == sum(c.count for c in cells) > 0
    dashboard = {key: sum(c.count for c in cells if c.bucket == key) for key in columns}
    assert {key: backlog[n] for key, n in columns.items()} == dashboard
    assert backlog[6] >= 1  # the petition of 05/01/2026 is 180+ days old
    public = public_statistics(authority_code="HN", year=2026, today=TODAY)
    assert public.total.backlog_total.value == backlog[1]
    assert {key: public.total.backlog[key].value for key in columns} == dashboard
