"""No case is forgotten by the index (issue 17, items 2 to 4): a change marks its cases in
PendingIndex inside its own transaction; any failure of an index task leaves the mark (with the
attempt counted); the drain, every minute, indexes what is marked; publishing with the broker down
does not block the request and logs one line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from cases import services
from search.models import PendingIndex
from search.sync import drain, mark_pending
from search.tasks import index_case_task, index_cases_task, search_drain_task
from tests.factories import CaseFactory, UserFactory

from .test_sync import DEAD_URL

ROOT = Path(__file__).resolve().parents[2]


def _age_marks(seconds: int = 120) -> None:
    PendingIndex.objects.update(last_failed_at=timezone.now() - dt.timedelta(seconds=seconds))


@pytest.mark.django_db
def test_a_change_marks_its_cases_in_its_own_transaction_and_the_task_clears_them(
    db_backend, world, django_capture_on_commit_callbacks
):
    case = world.cases["A"]
    admin = UserFactory(is_superuser=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_accept(case=case, actor=admin, note="thụ lý")
        assert PendingIndex.objects.filter(case_id=case.pk, attempts=0).exists()
        raise RuntimeError("the change rolls back")
    assert not PendingIndex.objects.filter(case_id=case.pk).exists()  # and so does its mark

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_accept(case=case, actor=admin, note="thụ lý")
    # Committed, the task not run yet (the broker could lose it now): the mark is there.
    assert PendingIndex.objects.filter(case_id=case.pk).exists()
    for callback in callbacks:
        callback()  # the index task (eager here)
    assert not PendingIndex.objects.filter(case_id=case.pk).exists()
    assert db_backend.indexed_fingerprints().get(case.pk)


@pytest.mark.django_db
def test_an_index_task_that_cannot_reach_the_index_leaves_the_mark_with_the_attempt(
    es_backend, world, settings
):
    case = world.cases["B"]
    mark_pending([case.pk])
    settings.ELASTICSEARCH_URL = DEAD_URL
    assert index_case_task.delay(case_id=case.pk).get() == "deferred"
    assert index_cases_task.delay(case_ids=[case.pk, world.cases["C"].pk]).get() == "deferred"
    row = PendingIndex.objects.get(case_id=case.pk)
    assert row.attempts == 2 and row.last_error.startswith("SearchUnavailable")
    # A task for a case that was never marked (queued by an older release) marks it.
    assert PendingIndex.objects.filter(case_id=world.cases["C"].pk).exists() is False
    assert index_case_task.delay(case_id=world.cases["C"].pk).get() == "deferred"
    assert PendingIndex.objects.filter(case_id=world.cases["C"].pk).exists()


@pytest.mark.django_db
def test_an_index_task_that_fails_for_another_reason_leaves_the_mark_too(world, settings):
    settings.SEARCH_BACKEND = "no-such-backend"  # a misconfiguration: not a SearchUnavailable
    case = world.cases["D"]
    assert index_case_task.delay(case_id=case.pk).get() == "deferred"
    assert PendingIndex.objects.get(case_id=case.pk).last_error == "ValueError"


def _terminate(pid: int) -> None:
    db = django_settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_an_index_task_whose_database_session_is_killed_still_leaves_the_case_marked(db_backend):
    """Issue 17 item 4: the task's session dies under it; the failure is recorded on a new one."""
    case = CaseFactory(reference="KILLED-1")
    PendingIndex.objects.all().delete()
    connection.ensure_connection()
    _terminate(connection.connection.info.backend_pid)
    assert index_case_task.delay(case_id=case.pk).get() == "deferred"
    row = PendingIndex.objects.get(case_id=case.pk)
    assert row.last_error.startswith("OperationalError")
    # The drain, a minute later, indexes it.
    _age_marks()
    assert drain(db_backend).indexed == 1
    assert not PendingIndex.objects.exists()


@pytest.mark.django_db
def test_the_drain_indexes_what_is_marked_and_keeps_what_the_index_refuses(
    es_backend, es_prefix, world, settings
):
    ids = [world.cases[k].pk for k in ("A", "B", "C")]
    mark_pending(ids)
    _age_marks()
    mark_pending([world.cases["D"].pk])  # marked just now: left to its own task

    settings.ELASTICSEARCH_URL = DEAD_URL
    from search.backends import get_backend

    report = drain(get_backend("elasticsearch", index_prefix=es_prefix))
    assert report.error and report.indexed == 0
    assert set(PendingIndex.objects.filter(attempts=1).values_list("case_id", flat=True)) == set(ids)

    report = drain(es_backend)
    assert report.error == "" and report.indexed == 3 and report.cleared == 3
    assert set(PendingIndex.objects.values_list("case_id", flat=True)) == {world.cases["D"].pk}
    assert set(es_backend.indexed_fingerprints()) == set(ids)

    # A case deleted while marked is removed from the index.
    gone = CaseFactory(reference="GONE-1")
    es_backend.index_case(gone)
    gone_id = gone.pk
    gone.delete()
    mark_pending([gone_id])
    _age_marks()
    report = drain(es_backend)
    assert report.removed == 1 and gone_id not in es_backend.indexed_fingerprints()


@pytest.mark.django_db
def test_the_drain_task_reports_an_index_outage_in_one_line(world, settings, caplog, es_backend):
    mark_pending([world.cases["A"].pk])
    _age_marks()
    settings.ELASTICSEARCH_URL = DEAD_URL
    with caplog.at_level(logging.WARNING, logger="search.tasks"):
        result = search_drain_task.delay().get()
    assert result["error"] and PendingIndex.objects.filter(case_id=world.cases["A"].pk).exists()
    lines = [r for r in caplog.records if r.name == "search.tasks"]
    assert len(lines) == 1 and lines[0].exc_info is None and "\n" not in lines[0].getMessage()


def test_the_index_drain_runs_every_minute_next_to_the_notification_drain():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule["search-drain"] == {"task": "search.tasks.search_drain_task", "schedule": 60.0}
    assert schedule["notification-drain"]["schedule"] == 60.0
    from config.celery import app

    app.loader.import_default_modules()
    assert "search.tasks.search_drain_task" in app.tasks


PUBLISH_WITH_BROKER_DOWN = r"""
import json, logging, sys, time, django
django.setup()
from cases import services
from cases.actors import Citizen
from cases.models import Authority, Case
from notifications.models import Notification
from search.models import PendingIndex

lines = []
class Collect(logging.Handler):
    def emit(self, record):
        lines.append({"name": record.name, "msg": record.getMessage(), "exc": bool(record.exc_info)})
logging.getLogger().addHandler(Collect())
authority = Authority.objects.get(code=sys.argv[1])
def submit(n):
    return services.case_submit(
        actor=Citizen.filing(), kind=Case.Kind.PETITION, subject="Kiến nghị sửa đèn đường",
        description="Đèn đường ngõ 5 hỏng đã hai tháng.", authority=authority,
        parties=[services.PartyInput(full_name="Lê Thị Hoa", phone=f"09111111{n}", email=f"h{n}@example.vn")],
    )
submit(1)  # first one: imports, connections
lines.clear()
started = time.monotonic()
result = submit(2)
elapsed = time.monotonic() - started
print(json.dumps({
    "elapsed": elapsed,
    "pending": PendingIndex.objects.filter(case_id=result.case.pk).count(),
    "unqueued": Notification.objects.filter(case=result.case, queued_at__isnull=True).count(),
    "rows": Notification.objects.filter(case=result.case).count(),
    "lines": [l for l in lines if l["name"].startswith(("search", "notifications", "celery", "kombu"))],
}))
"""


@pytest.mark.django_db(transaction=True)
def test_intake_with_the_broker_down_does_not_wait_for_it_and_logs_one_line_per_publish(tmp_path):
    """Issue 17 item 2: a separate process (as a gunicorn worker) with the broker at a closed port
    files a case: it returns at once, the case is marked for the index drain, the receipts are left
    for the outbox drain, and each failed publish is one log line without a traceback."""
    from tests.factories import AuthorityFactory

    authority = AuthorityFactory(code="BROKER-DOWN")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    out = subprocess.run(
        [sys.executable, "-c", PUBLISH_WITH_BROKER_DOWN, authority.code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    # Before: each delay() retried for up to the connect timeout (seconds); two per intake.
    assert report["elapsed"] < 2, report
    assert report["pending"] == 1
    assert report["rows"] == 2 and report["unqueued"] == 2
    warnings = [line for line in report["lines"] if "not queued" in line["msg"]]
    assert len(warnings) == 2, report["lines"]  # one for the index task, one for the receipts
    assert not any(line["exc"] for line in report["lines"])
    assert "Traceback" not in out.stderr


@pytest.mark.django_db(transaction=True)
def test_both_drains_report_a_database_outage_in_one_line_and_try_again_next_minute(caplog):
    from notifications.tasks import notification_drain_task

    original = connection.settings_dict["PORT"]
    connection.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        connection.settings_dict["PORT"] = s.getsockname()[1]
    try:
        with caplog.at_level(logging.WARNING):
            assert search_drain_task.delay().get()["error"] == "OperationalError"
            assert notification_drain_task.delay().get() == 0
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(lines) == 2 and not any(r.exc_info for r in lines)
