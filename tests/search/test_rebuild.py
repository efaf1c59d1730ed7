"""The rebuild's fast path: documents built from plain rows, a bulk load whose queries do not grow
with the number of cases, and a catch-up after the alias swap that keeps every change made while
the index was being built (without re-reading every case)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseStatus
from search import documents
from search.backends import elasticsearch as es_module
from search.documents import (
    DocumentBuilder,
    base_document,
    case_document,
    case_rows,
    fingerprint,
    folded_words,
    row_base_document,
    tokens,
)
from search.models import PendingIndex
from search.sync import case_queryset, index_one, mark_dirty, rebuild
from tests.factories import CaseFactory, UserFactory

from .conftest import NOW, days_ago

pytestmark = pytest.mark.django_db


def es_source(backend, case_id) -> dict | None:
    if not backend.client.exists(index=backend.alias, id=str(case_id)):
        return None
    return backend.client.get(index=backend.alias, id=str(case_id))["_source"]


def check(backend_name="elasticsearch") -> dict:
    out = io.StringIO()
    call_command("search_index", "check", "--backend", backend_name, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_documents_from_rows_are_the_documents_of_the_instances(world):
    b = world.cases["B"]
    b.assignee = UserFactory(username="canbo.xuly")
    b.save()
    instances = {c.pk: c for c in case_queryset()}
    rows = list(case_rows())
    assert [row[0] for row in rows] == sorted(instances)
    builder = DocumentBuilder(now=NOW)
    for row in rows:
        case = instances[row[0]]
        from_row = builder.document(row)
        from_instance = case_document(case, now=NOW)
        assert list(from_row.items()) == list(from_instance.items())  # same keys, same order
        assert json.dumps(from_row) == json.dumps(from_instance)
        assert row_base_document(row) == base_document(case)
        # The fingerprint computed on the way equals the reference definition.
        assert from_row["fingerprint"] == fingerprint(from_row)
    assert builder.document(next(r for r in rows if r[0] == b.pk))["assignee"] == "canbo.xuly"


def test_the_fingerprint_falls_back_to_the_json_module_where_orjson_would_differ(world, monkeypatch):
    case = case_queryset().get(reference="T-A")
    case.closed_at = dt.datetime(1970, 1, 1, 0, 0, 0, 7, tzinfo=dt.UTC)  # 7e-06: exponent form
    doc = base_document(case)
    assert doc["fingerprint"] == fingerprint(doc)
    monkeypatch.setattr(documents, "orjson", None)
    assert base_document(case)["fingerprint"] == doc["fingerprint"]


def test_folded_words_equal_the_tokens_for_every_character_in_context():
    for code in range(0x3000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        for text in (ch, f"a{ch}b", f"Z{ch}9", f"e{ch}\u0301x", f"\u0301{ch}"):
            assert folded_words(text) == " ".join(tokens(text)), (hex(code), text)
    for text in ("Khie\u0302\u0301u na\u0323i đất đai", "ĐƠN TỐ CÁO – HN-2026-000123!", "", None):
        assert folded_words(text) == " ".join(tokens(text))


def test_the_rebuild_query_count_does_not_grow_with_the_number_of_cases(es_backend, world, settings):
    settings.SEARCH_REBUILD_CATCH_UP_MARGIN = 0
    with CaptureQueriesContext(connection) as few:
        assert rebuild(es_backend) == 13
    for i in range(40):
        CaseFactory(reference=f"T-N{i}", authority=world.sxd, last_activity_at=days_ago(i))
    with CaptureQueriesContext(connection) as many:
        assert rebuild(es_backend) == 53
    assert len(many.captured_queries) == len(few.captured_queries)
    assert es_backend.client.count(index=es_backend.alias)["count"] == 53


def test_small_bulk_requests_and_one_in_flight_give_the_same_index(es_backend, world, settings):
    settings.SEARCH_REBUILD_BULK_DOCS = 3
    settings.SEARCH_REBUILD_FETCH_ROWS = 2
    settings.SEARCH_REBUILD_IN_FLIGHT = 1
    assert rebuild(es_backend) == 13
    assert check()["total"] == 0
    source = es_source(es_backend, world.cases["B"].pk)
    assert source == json.loads(json.dumps(case_document(case_queryset().get(reference="T-B"))))


def test_a_change_made_while_the_rebuild_runs_ends_up_in_the_new_index(
    es_backend, world, settings, monkeypatch
):
    """The bulk load reads a snapshot; a change committed meanwhile has its index task write to the
    old index (the alias still points there). The catch-up after the swap must bring it over."""
    settings.SEARCH_REBUILD_CATCH_UP_MARGIN = 0  # only what happens after the start counts
    rebuild(es_backend)
    old_index = es_backend.indices_behind_alias()
    changed, deleted, dirty = world.cases["A"], world.cases["H"], world.cases["D"]
    created = []
    real_rows = es_module.case_rows

    def rows_with_changes_meanwhile(**kwargs):
        rows = real_rows(**kwargs)
        yield next(rows)  # the query has run: what follows is after the snapshot
        changed.status = CaseStatus.ACCEPTED
        changed.transfer_count = 7
        changed.save()
        assert index_one(changed.pk, es_backend) == "indexed"  # into the old index
        deleted_id = deleted.pk
        Case.objects.filter(pk=deleted_id).delete()
        assert index_one(deleted_id, es_backend) == "removed"
        new = CaseFactory(reference="T-DURING", authority=world.sxd, last_activity_at=days_ago(45))
        created.append(new)
        index_one(new.pk, es_backend)
        mark_dirty(dirty.pk, error="timeout")  # a write that failed meanwhile
        yield from rows

    monkeypatch.setattr(es_module, "case_rows", rows_with_changes_meanwhile)
    assert rebuild(es_backend) == 13  # the snapshot: the deleted case in, the new one not yet
    assert es_backend.indices_behind_alias() != old_index

    assert es_source(es_backend, changed.pk)["status"] == "accepted"
    assert es_source(es_backend, changed.pk)["transfer_count"] == 7
    assert es_source(es_backend, deleted.pk) is None
    assert es_source(es_backend, created[0].pk)["reference"] == "T-DURING"
    assert not PendingIndex.objects.exists()
    assert check()["total"] == 0


def test_without_the_catch_up_the_change_would_be_lost(es_backend, world, settings, monkeypatch):
    """The scenario above is a real one: the snapshot alone misses the change."""
    from search import sync

    settings.SEARCH_REBUILD_CATCH_UP_MARGIN = 0
    monkeypatch.setattr(sync, "catch_up", lambda backend, since: None)
    case = world.cases["A"]
    real_rows = es_module.case_rows

    def rows_with_a_change(**kwargs):
        rows = real_rows(**kwargs)
        yield next(rows)
        case.status = CaseStatus.ACCEPTED
        case.save()
        yield from rows

    monkeypatch.setattr(es_module, "case_rows", rows_with_a_change)
    rebuild(es_backend)
    assert es_source(es_backend, case.pk)["status"] == "received"
    assert check()["stale"] == [case.pk]


def test_a_rejected_document_fails_the_rebuild_and_leaves_the_alias_alone(es_backend, world, monkeypatch):
    from search.backends.base import SearchUnavailable

    rebuild(es_backend)
    before = es_backend.indices_behind_alias()
    real_dumps = es_module._dumps

    def with_identity(doc):  # a field the strict mapping does not know: the cluster refuses it
        return real_dumps({**doc, "full_name": "Trần Thị Bí Mật"} if doc["reference"] == "T-C" else doc)

    monkeypatch.setattr(es_module, "_dumps", with_identity)
    with pytest.raises(SearchUnavailable, match="bulk index failed for 1 documents"):
        rebuild(es_backend)
    assert es_backend.indices_behind_alias() == before
    assert es_backend.client.indices.get(index=f"{es_backend.alias}-*").keys() == set(before)
    assert es_backend.client.count(index=es_backend.alias)["count"] == 13
