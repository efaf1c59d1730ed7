"""Keeping the index in step: the alias swap, the index task, the outbox of failed writes, and an
Elasticsearch outage that must never block or lose a case change."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from django.core.management import call_command
from elasticsearch import ApiError, Elasticsearch

from cases import services
from cases.models import Case, CaseStatus
from search.criteria import StalledCriteria
from search.models import PendingIndex
from search.sync import rebuild
from search.tasks import index_case_task, search_reconcile_task
from tests.factories import CaseFactory, UserFactory

from .conftest import NOW, days_ago

DEAD_URL = "http://127.0.0.1:9"  # nothing listens on the discard port: connection refused


def es_status(backend, case_id):
    return backend.client.get(index=backend.alias, id=str(case_id))["_source"]["status"]


def check(backend_name="elasticsearch") -> dict:
    out = io.StringIO()
    call_command("search_index", "check", "--backend", backend_name, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_rebuild_fills_a_new_versioned_index_and_swaps_the_alias(es_backend, world):
    es_backend.index_case(world.cases["A"])  # first write creates the initial index behind the alias
    first = es_backend.indices_behind_alias()
    assert first == [f"{es_backend.alias}-initial"]

    assert rebuild(es_backend) == len(world.cases)
    second = es_backend.indices_behind_alias()
    assert len(second) == 1 and re.fullmatch(rf"{re.escape(es_backend.alias)}-\d{{20}}", second[0])
    assert not es_backend.client.indices.exists(index=first[0])  # the old index is gone
    assert es_backend.client.count(index=es_backend.alias)["count"] == len(world.cases)

    rebuild(es_backend)
    third = es_backend.indices_behind_alias()
    assert third != second and len(third) == 1
    assert not es_backend.client.indices.exists(index=second[0])
    refs = world.refs(es_backend.find_stalled(StalledCriteria(days=30), now=NOW))
    assert refs == ["T-D", "T-M", "T-A", "T-C", "T-G"]


@pytest.mark.django_db
def test_index_task_writes_the_current_row_and_removes_a_deleted_case(es_backend, world):
    case = world.cases["F"]
    assert index_case_task.delay(case_id=case.pk).get() == "indexed"
    es_backend.refresh()
    assert es_status(es_backend, case.pk) == "dialogue"

    case.status = CaseStatus.VERIFYING
    case.save()
    index_case_task.delay(case_id=case.pk)
    es_backend.refresh()
    assert es_status(es_backend, case.pk) == "verifying"

    case_id = case.pk
    case.delete()
    assert index_case_task.delay(case_id=case_id).get() == "removed"  # quietly, the row is gone
    es_backend.refresh()
    assert not es_backend.client.exists(index=es_backend.alias, id=str(case_id))
    assert index_case_task.delay(case_id=987654321).get() == "removed"


@pytest.mark.django_db
def test_a_failed_index_write_is_kept_dirty_and_the_reconcile_task_catches_up(es_backend, world, settings):
    es_backend.bulk_index(Case.objects.all())
    case = world.cases["A"]
    case.status = CaseStatus.ACCEPTED
    case.save()
    settings.ELASTICSEARCH_URL = DEAD_URL
    assert index_case_task.delay(case_id=case.pk).get() == "deferred"  # no exception reaches the caller
    pending = PendingIndex.objects.get(case_id=case.pk)
    assert "Connection" in pending.last_error or "connection" in pending.last_error

    settings.ELASTICSEARCH_URL = es_backend.url
    report = search_reconcile_task.delay().get()
    assert report["before"]["pending"] == [case.pk]
    assert report["after"]["total"] == 0
    assert es_status(es_backend, case.pk) == "accepted"
    assert not PendingIndex.objects.exists()


@pytest.mark.django_db
def test_case_services_index_after_commit(es_backend, world, django_capture_on_commit_callbacks):
    case = world.cases["A"]
    es_backend.bulk_index(Case.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(case=case, actor=UserFactory(is_superuser=True), note="Đủ điều kiện thụ lý")
    es_backend.refresh()
    assert es_status(es_backend, case.pk) == "accepted"
    # Accepting is activity: the case is no longer idle for 30 days.
    assert case.pk not in es_backend.find_stalled(StalledCriteria(days=30))


@pytest.fixture
def worker_on_elasticsearch(es_prefix, monkeypatch):
    """Environment for the worker process: the Elasticsearch backend and this test's index."""
    monkeypatch.setenv("SEARCH_BACKEND", "elasticsearch")
    monkeypatch.setenv("ELASTICSEARCH_INDEX_PREFIX", es_prefix)
    return monkeypatch


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.worker
def test_a_real_worker_indexes_a_case_from_the_queue(
    worker_on_elasticsearch, settings, celery_worker_process
):
    settings.SEARCH_BACKEND = "elasticsearch"
    case = CaseFactory(reference="W-1", status=CaseStatus.VERIFYING, last_activity_at=days_ago(40))
    index_case_task.delay(case_id=case.pk)
    client = Elasticsearch(settings.ELASTICSEARCH_URL)
    alias = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-cases"

    def indexed():
        try:
            return client.indices.exists_alias(name=alias) and client.exists(index=alias, id=str(case.pk))
        except ApiError as exc:  # the worker's new index exists but its shard is still starting
            if exc.meta.status == 503:
                return False
            raise

    assert wait_for(indexed), "the worker did not index the case"


@pytest.fixture
def worker_with_dead_elasticsearch(worker_on_elasticsearch):
    worker_on_elasticsearch.setenv("ELASTICSEARCH_URL", DEAD_URL)


@pytest.mark.worker
def test_a_worker_that_cannot_reach_elasticsearch_records_the_case_and_retries(
    worker_with_dead_elasticsearch, celery_worker_process
):
    # The first fixture sets the environment before the second starts the worker process.
    case = CaseFactory(reference="W-2")
    index_case_task.delay(case_id=case.pk)
    assert wait_for(lambda: PendingIndex.objects.filter(case_id=case.pk).exists()), "no dirty mark"
    assert Case.objects.get(pk=case.pk).reference == "W-2"  # the change itself is untouched


@pytest.mark.services
@pytest.mark.django_db
def test_an_elasticsearch_outage_blocks_no_change_and_the_reconcile_restores_zero_drift(
    es_backend, world, services_script, django_capture_on_commit_callbacks
):
    from search.backends.base import SearchUnavailable

    rebuild(es_backend)
    assert check()["total"] == 0
    accepted, touched = world.cases["A"], world.cases["C"]

    services_script("stop", "elasticsearch")
    try:
        # A change through the services succeeds; its index task finds no cluster and records it.
        with django_capture_on_commit_callbacks(execute=True):
            services.case_accept(
                case=accepted, actor=UserFactory(is_superuser=True), note="Thụ lý trong lúc mất kết nối"
            )
        assert Case.objects.get(pk=accepted.pk).status == CaseStatus.ACCEPTED
        assert PendingIndex.objects.filter(case_id=accepted.pk).exists()
        # Changes made behind the index's back and a new case: no task, only the drift check sees them.
        touched.transfer_count = 4
        touched.save()
        new = CaseFactory(reference="T-OUT", authority=world.sxd, last_activity_at=days_ago(60))
        with pytest.raises(SearchUnavailable):
            es_backend.find_stalled(StalledCriteria(days=30), now=NOW)
    finally:
        services_script("start", "elasticsearch")

    drift = check()
    assert drift["pending"] == [accepted.pk]
    assert drift["missing"] == [new.pk]
    assert set(drift["stale"]) == {accepted.pk, touched.pk}

    out = io.StringIO()
    call_command("search_index", "reconcile", "--backend", "elasticsearch", stdout=out)
    assert "còn chênh lệch 0" in out.getvalue()
    assert check()["total"] == 0
    assert es_status(es_backend, accepted.pk) == "accepted"
    assert touched.pk in es_backend.find_stalled(StalledCriteria(min_transfers=4), now=NOW)
    assert new.pk in es_backend.find_stalled(StalledCriteria(days=30), now=NOW)


@pytest.mark.django_db
def test_the_nightly_task_brings_the_day_counts_of_open_cases_up_to_date(es_backend, world):
    # Indexed 40 days ago: the document says what was true then.
    es_backend.bulk_index(Case.objects.all(), now=days_ago(40))
    es_backend.refresh()
    stale = es_backend.client.get(index=es_backend.alias, id=str(world.cases["D"].pk))["_source"]
    report = search_reconcile_task.delay().get()
    assert report["before"]["total"] == 0  # day counts are not drift ...
    assert report["refreshed"] == 12  # ... but every open case's document is rewritten
    es_backend.refresh()
    fresh = es_backend.client.get(index=es_backend.alias, id=str(world.cases["D"].pk))["_source"]
    assert fresh["days_since_activity"] - stale["days_since_activity"] >= 40
    closed = es_backend.client.get(index=es_backend.alias, id=str(world.cases["E"].pk))["_source"]
    assert closed["as_of"] == stale["as_of"]  # closed cases are left alone
