"""Public statistics: the figures, suppression of anything computed on fewer than 10 cases
(with secondary suppression), the page with its charts, the CSV and the methods note."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import services
from cases.actors import Citizen
from cases.models import Role
from publicsite import statistics

from .conftest import PERSON

pytestmark = pytest.mark.django_db
ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def make(world, n, authority, *, received, accept=False, conclude=None, kind="complaint"):
    """n cases received at ``received``; optionally accepted, and decided now when ``conclude``."""
    made = []
    for i in range(n):
        result = services.case_submit(
            actor=Citizen.filing(),
            kind=kind,
            subject=f"Đơn {i}",
            description="Nội dung",
            parties=[services.PartyInput(**{**PERSON, "national_id": f"0010{authority.pk:02d}{i:06d}"})],
            authority=authority,
            contested_act="Quyết định 1/QĐ" if kind == "complaint" else "",
            received_at=received,
        )
        made.append(result.case)
    if accept or conclude is not None:
        for case in made:
            services.case_accept(case=case, actor=world.user(Role.INTAKE))
    if conclude is not None:
        head = world.user(Role.HEAD_OF_UNIT)
        for case in made:
            services.case_conclude(case=case, actor=head, outcome="right", summary="Đúng")
    return made


def test_counts_on_time_median_and_backlog_with_suppression(world):
    today = timezone.localdate()
    now = timezone.now()
    make(world, 12, world.hn_sxd, received=now - dt.timedelta(days=5), conclude=0)
    make(world, 3, world.hn_sxd, received=now - dt.timedelta(days=40))  # backlog 30-59, small
    make(world, 4, world.hn_ward, received=now - dt.timedelta(days=2))  # a small authority
    result = statistics.public_statistics(year=today.year, today=today)
    rows = {r.code: r for r in result.rows}
    sxd, ward = rows["HN-SXD"], rows["HN-P-HK"]
    if (now - dt.timedelta(days=40)).year == today.year:
        assert sxd.received.shown == 15
    assert sxd.accepted.shown == 12 and sxd.resolved.shown == 12
    assert sxd.on_time_pct.shown == 100.0
    assert sxd.median_days.shown == 5.0
    # fewer than 10: hidden, also from the JSON and the CSV
    assert ward.received.suppressed and ward.received.shown is None
    assert ward.received.display() == "<10"
    assert ward.resolved.suppressed and ward.on_time_pct.suppressed
    # backlog: 3 old ones at SXD are hidden; the one other hidden cell keeps the total honest
    assert sxd.backlog["30-59"].suppressed
    assert sxd.backlog_total.suppressed or sum(1 for c in sxd.backlog.values() if c.suppressed) >= 2
    assert result.any_suppressed


def test_secondary_suppression_hides_a_second_cell_when_only_one_is_hidden():
    cell = statistics.Cell
    row_a = statistics.Row(
        "A",
        "A",
        cell(30, 30),
        cell(30, 30),
        cell(0, 0),
        cell(None, 0),
        cell(None, 0),
        {
            "0-29": cell(25, 25),
            "30-59": cell(3, 3),
            "60-89": cell(12, 12),
            "90-179": cell(14, 14),
            "180+": cell(20, 20),
        },
        cell(74, 74),
    )
    row_b = statistics.Row(
        "B",
        "B",
        cell(4, 4),
        cell(4, 4),
        cell(0, 0),
        cell(None, 0),
        cell(None, 0),
        {k: cell(0, 0) for k in ("0-29", "30-59", "60-89", "90-179", "180+")},
        cell(0, 0),
    )
    total = statistics.Row(
        "",
        "T",
        cell(34, 34),
        cell(34, 34),
        cell(0, 0),
        cell(None, 0),
        cell(None, 0),
        {
            "0-29": cell(25, 25),
            "30-59": cell(3, 3),
            "60-89": cell(12, 12),
            "90-179": cell(14, 14),
            "180+": cell(20, 20),
        },
        cell(74, 74),
        is_total=True,
    )
    result = statistics.Result(
        None,
        2026,
        None,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        dt.date(2026, 6, 1),
        rows=[row_a, row_b],
        total=total,
    )
    statistics._suppress(result)
    # row A's backlog: 3 is hidden, so the next smallest (12) is hidden too: 74 - 25 - 14 - 20 = 15 = 3 + 12
    assert row_a.backlog["30-59"].suppressed and row_a.backlog["60-89"].suppressed
    assert not row_a.backlog["0-29"].suppressed and not row_a.backlog["90-179"].suppressed
    assert row_a.backlog["60-89"].secondary and row_a.backlog["60-89"].display() == "*"
    # received: B (4) is hidden; with only one hidden row the total would give it away, so the
    # total is hidden and every authority's own figure stays
    assert row_b.received.suppressed and row_b.received.display() == "<10"
    assert total.received.suppressed and total.received.secondary
    assert not row_a.received.suppressed and row_a.received.display() == "30"
    assert result.any_secondary


def test_statistics_page_with_charts_table_notes_and_methods(client, world):
    now = timezone.now()
    make(world, 11, world.hn_sxd, received=now - dt.timedelta(days=3), conclude=0)
    make(world, 2, world.hn_ward, received=now - dt.timedelta(days=1))
    response = client.get(f"/thong-ke/?year={timezone.localdate().year}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sở Xây dựng Hà Nội" in html and "UBND phường Hoàn Kiếm" in html
    assert '<td class="num">11</td>' in html
    assert "&lt;10" in html and 'id="suppression-note"' in html
    assert 'class="bar bar--a" style="width: 100.0%"' in html  # server-rendered bars, no script
    assert "<script" not in html.split("<main")[1]  # the charts need no script
    assert "Phương pháp tính" in html and "dưới 10 đơn" in html
    assert "format=csv" in html


def test_csv_download_suppresses_small_figures(client, world):
    now = timezone.now()
    make(world, 10, world.hn_sxd, received=now - dt.timedelta(days=1))
    make(world, 1, world.hn_ward, received=now - dt.timedelta(days=1))
    response = client.get(f"/thong-ke/?year={timezone.localdate().year}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_code = {r["Mã cơ quan"]: r for r in rows}
    assert by_code["HN-SXD"]["Tiếp nhận"] == "10"
    assert by_code["HN-P-HK"]["Tiếp nhận"] == "<10"
    assert by_code["TỔNG"]["Tiếp nhận"] == "*"  # 11 - 10 would give the hidden 1 away
    assert "Trần Thị Bình" not in text


def test_filter_by_authority_tree_and_quarter(world):
    hn_case = make(world, 10, world.hn_sxd, received=dt.datetime(2026, 2, 10, 9, tzinfo=ICT))
    make(world, 10, world.hp_sxd, received=dt.datetime(2026, 2, 10, 9, tzinfo=ICT))
    assert hn_case
    result = statistics.public_statistics(
        authority_code="HN", year=2026, quarter=1, today=dt.date(2026, 6, 1)
    )
    assert [r.code for r in result.rows] == ["HN-SXD"]
    assert result.rows[0].received.shown == 10
    q2 = statistics.public_statistics(authority_code="HN", year=2026, quarter=2, today=dt.date(2026, 6, 1))
    assert all(r.received.value == 0 for r in q2.rows)
    assert statistics.period_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_late_resolution_lowers_the_on_time_rate(world):
    received = timezone.now() - dt.timedelta(days=80)
    cases = make(world, 10, world.hn_sxd, received=received, accept=True)
    from cases.models import Deadline

    head = world.user(Role.HEAD_OF_UNIT)
    for i, case in enumerate(cases):
        if i < 4:  # four are decided after their resolution deadline
            for d in Deadline.objects.filter(case=case, rule_code="K4"):
                d.due_date = timezone.localdate() - dt.timedelta(days=10)
                d.due_at = timezone.now() - dt.timedelta(days=10)
                d.save(update_fields=["due_date", "due_at"])
        services.case_conclude(case=case, actor=head, outcome="right", summary="Đúng")
    result = statistics.public_statistics(year=timezone.localdate().year)
    row = next(r for r in result.rows if r.code == "HN-SXD")
    assert row.on_time_pct.shown == 60.0


def test_api_statistics_nulls_suppressed_figures(client, world):
    make(world, 3, world.hn_ward, received=timezone.now())
    body = client.get("/api/v1/statistics/").json()
    ward = next(r for r in body["rows"] if r["authority"] == "HN-P-HK")
    assert ward["received"] is None and "received" in ward["suppressed"]
