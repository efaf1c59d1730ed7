"""The ``find_stalled`` and ``search_index`` commands, as an operator runs them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, CaseStatus
from search.models import PendingIndex
from search.sync import mark_dirty
from tests.factories import CaseFactory

from .conftest import NOW, index_all

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def stalled_json(backend_name, *args) -> list[dict]:
    return json.loads(
        run("find_stalled", "--backend", backend_name, "--format", "json", "--now", NOW.isoformat(), *args)
    )


def test_find_stalled_json_lists_the_stalled_cases_with_their_figures(backend, world):
    index_all(backend)
    rows = stalled_json(backend.name, "--days", "30")
    assert [r["reference"] for r in rows] == ["T-D", "T-M", "T-A", "T-C", "T-G"]
    a = next(r for r in rows if r["reference"] == "T-A")
    assert a["status"] == "received"
    assert a["authority"] == "HN-SXD"
    assert a["days_since_activity"] == 40
    assert a["overdue_days"] == 10
    assert a["overdue"] is True
    g = next(r for r in rows if r["reference"] == "T-G")
    assert (g["days_since_activity"], g["overdue_days"]) == (30, 0)


def test_find_stalled_options_combine(backend, world):
    index_all(backend)
    assert [
        r["reference"] for r in stalled_json(backend.name, "--overdue-by", "3", "--authority", "HN-SXD")
    ] == [
        "T-A",
        "T-B",
    ]
    refs = [
        r["reference"]
        for r in stalled_json(backend.name, "--days", "3", "--working-days", "--authority", "HN-STNMT")
    ]
    assert "T-I" in refs and "T-J" not in refs
    rows = stalled_json(
        backend.name, "--min-transfers", "2", "--min-extensions", "2", "--min-escalation", "2"
    )
    assert [(r["reference"], r["working_days_since_activity"]) for r in rows] == [("T-B", 7)]
    assert [
        r["reference"] for r in stalled_json(backend.name, "--kind", "denunciation", "--status", "suspended")
    ] == ["T-D"]


def test_find_stalled_csv_and_table(db_backend, world):
    text = run(
        "find_stalled", "--format", "csv", "--days", "30", "--authority", "HN", "--now", NOW.isoformat()
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["reference"] for r in rows] == ["T-A", "T-C", "T-G"]
    assert rows[0]["days_since_activity"] == "40"
    table = run("find_stalled", "--days", "30", "--now", NOW.isoformat())
    assert "T-D" in table and "T-F" not in table
    assert "5 hồ sơ" in table


def test_find_stalled_refuses_unknown_or_closed_criteria(db_backend, world):
    with pytest.raises(CommandError, match="NOPE"):
        run("find_stalled", "--authority", "NOPE")
    with pytest.raises(CommandError):
        run("find_stalled", "--status", "closed")
    with pytest.raises(CommandError, match="--days"):
        run("find_stalled", "--working-days")


def test_find_stalled_says_what_to_do_when_elasticsearch_is_unreachable(es_backend, world, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(CommandError, match="--backend database"):
        run("find_stalled", "--backend", "elasticsearch", "--days", "30")


def test_search_index_check_prints_the_drift_and_reconcile_removes_it(backend, world):
    index_all(backend)
    assert "Không có chênh lệch" in run("search_index", "check", "--backend", backend.name)

    a = world.cases["A"]
    a.status = CaseStatus.CLOSED
    a.save()  # changed behind the index's back: stale
    new = CaseFactory(reference="T-NEW", authority=world.sxd)  # never indexed: missing
    gone_id = world.cases["H"].pk
    Case.objects.filter(pk=gone_id).delete()  # deleted: orphaned in Elasticsearch
    mark_dirty(world.cases["C"].pk, error="connection refused")  # a failed index task

    report = json.loads(run("search_index", "check", "--backend", backend.name, "--json"))
    assert report["missing"] == [new.pk]
    assert report["stale"] == [a.pk]
    assert report["pending"] == [world.cases["C"].pk]
    assert report["orphans"] == ([gone_id] if backend.name == "elasticsearch" else [])
    text = run("search_index", "check", "--backend", backend.name)
    assert "T-NEW" in text and "T-A" in text and "T-C" in text
    with pytest.raises(SystemExit):
        run("search_index", "check", "--backend", backend.name, "--exit-code")

    out = run("search_index", "reconcile", "--backend", backend.name)
    assert "còn chênh lệch 0" in out
    backend.refresh()
    assert json.loads(run("search_index", "check", "--backend", backend.name, "--json"))["total"] == 0
    assert not PendingIndex.objects.exists()
    assert "T-A" not in [r["reference"] for r in stalled_json(backend.name, "--days", "30")]
    assert "T-NEW" in [r["reference"] for r in stalled_json(backend.name)]


def test_search_index_rebuild_and_status(backend, world):
    out = run("search_index", "rebuild", "--backend", backend.name)
    assert "13 hồ sơ" in out
    status = json.loads(run("search_index", "status", "--backend", backend.name, "--json"))
    assert status["database_cases"] == 13 and status["pending"] == 0
    assert json.loads(run("search_index", "check", "--backend", backend.name, "--json"))["total"] == 0
