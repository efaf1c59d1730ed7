"""Filing a report freezes it: the figures and the facts of everything counted, hashed; a later
correction shows as a difference against the filed version, object by object, and the filed
version does not change."""

import datetime as dt

import pytest

from cases import services
from cases.errors import PermissionDeniedError, ValidationError
from cases.models import Role
from cases.reports import compute, specs
from cases.reports.models import FiledReport
from cases.reports.services import report_file

from .conftest import at


def file_q3(world, **kw):
    period, regime = specs.standard_period("q3", 2026)
    values = {
        "actor": world.user(Role.HEAD_OF_AGENCY),
        "authority": world.hn,
        "period": period,
        "regime": regime,
        "number": "215/BC-UBND",
        "signer_name": "Nguyễn Văn Chủ",
        "signer_title": "Chủ tịch UBND Thành phố",
        "report_date": dt.date(2026, 9, 18),
    }
    values.update(kw)
    return report_file(**values)


def test_filing_freezes_the_figures_and_what_they_count(world, quarter):
    filed = file_q3(world)
    period, regime = specs.standard_period("q3", 2026)
    live = compute.compute_report(world.hn, period, regime)
    assert filed.cells == live.cells()
    assert filed.verify() and len(filed.content_hash) == 64
    snapshot = filed.objects_snapshot()
    assert {r[0] for r in snapshot["visits"]} == {
        v.pk for name, v in quarter.visits.items() if name not in ("next_day",)
    }
    # the list behind a filed cell is the one of the moment of filing
    form = regime.form("02/XLD")
    column, total = form.column(3), next(r for r in compute.report_rows(world.hn) if r.total)
    ids = compute.snapshot_ids(snapshot["cases"], filed.facts["cases"], column, total)
    assert len(ids) == filed.cells["02/XLD"]["total"]["3"]
    with pytest.raises(PermissionError):
        filed.save()
    with pytest.raises(PermissionError):
        FiledReport.objects.filter(pk=filed.pk).update(number="x")
    with pytest.raises(PermissionError):
        filed.delete()


def test_a_correction_shows_as_a_difference_and_the_filed_version_stays(world, quarter, frozen):
    filed = file_q3(world)
    # Later, a case of the quarter is found to be a denunciation, not a complaint: reclassified.
    case = quarter.cases["edge_last_minute"]
    frozen(at(2026, 12, 1, 10))
    services.case_classify(case=case, actor=world.user(Role.INTAKE), kind="denunciation")
    period, regime = specs.standard_period("q3", 2026)
    current = compute.compute_report(world.hn, period, regime, keep_objects=True)
    changes = compute.diff(filed.cells, filed.objects_snapshot(), filed.facts, current)
    assert changes
    touched = {(c.form, c.row, c.n) for c in changes}
    # 02/XLD does not split the unhandled letters by kind: its figures stay, the annex's do not
    assert ("PL/TĐ", "total", 7) in touched and ("PL/TĐ", "total", 8) in touched
    moved = next(c for c in changes if (c.form, c.row, c.n) == ("PL/TĐ", "total", 7))
    assert moved.removed == [case.pk] and moved.filed - 1 == moved.now
    entered = next(c for c in changes if (c.form, c.row, c.n) == ("PL/TĐ", "total", 8))
    assert entered.added == [case.pk]
    # the filed version still says what it said, and still hashes to its hash
    again = FiledReport.objects.get(pk=filed.pk)
    assert again.cells == filed.cells and again.verify()
    # filing the corrected report makes version 2, replacing version 1
    second = file_q3(world, number="230/BC-UBND")
    assert second.version == 2 and second.replaces_id == filed.pk
    assert second.cells == current.cells() and second.content_hash != filed.content_hash
    assert not compute.diff(second.cells, second.objects_snapshot(), second.facts, current)


def test_a_tampered_report_fails_its_hash(world, quarter):
    filed = file_q3(world)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE periodic_reports_filedreport "
            "SET cells = jsonb_set(cells, '{02/XLD,total,3}', '999') WHERE id = %s",
            [filed.pk],
        )
    assert not FiledReport.objects.get(pk=filed.pk).verify()


def test_only_heads_file_and_only_after_the_period(world, quarter, frozen):
    for role in (Role.AUDITOR, Role.INSPECTOR, Role.INTAKE):
        with pytest.raises(PermissionDeniedError):
            file_q3(world, actor=world.user(role))
    with pytest.raises(PermissionDeniedError):
        file_q3(world, actor=world.user(Role.HEAD_OF_AGENCY, "hp"))
    frozen(at(2026, 9, 14, 12))
    with pytest.raises(ValidationError) as exc:
        file_q3(world, report_date=dt.date(2026, 9, 14))
    assert "period" in exc.value.field_errors
    frozen(at(2026, 12, 1, 9))
    with pytest.raises(ValidationError) as exc:
        file_q3(world, number="", signer_name="")
    assert {"number", "signer_name"} <= set(exc.value.field_errors)
    assert not FiledReport.objects.exists()
