"""Settings that decide how the product behaves when a dependency fails (issue 17, items 6 and 7):
SMTP from EMAIL_URL with a timeout, notifications on their own queue, a visibility timeout a few
minutes above the longest task and no countdown longer than it."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PRINT_EMAIL = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', "
    "'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT')}))"
)


def _settings_with(module: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    return subprocess.run(
        [sys.executable, "-c", PRINT_EMAIL],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_smtp_host_port_credentials_tls_and_timeout_come_from_email_url():
    out = _settings_with(
        "config.settings.dev", EMAIL_URL="smtp+tls://mailer:p%40ss@smtp.example.vn:587", EMAIL_TIMEOUT="7"
    )
    assert out.returncode == 0, out.stderr[-2000:]
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values == {
        "EMAIL_BACKEND": "notifications.channels.email.SmtpEmailBackend",
        "EMAIL_HOST": "smtp.example.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 7.0,
    }
    ssl = json.loads(_settings_with("config.settings.dev", EMAIL_URL="smtp+ssl://smtp.example.vn:465").stdout)
    assert ssl["EMAIL_USE_SSL"] is True and ssl["EMAIL_PORT"] == 465 and ssl["EMAIL_TIMEOUT"] == 10.0


def test_production_refuses_to_start_without_an_email_url():
    env = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": "a2V5LWZvci10aGUtc2V0dGluZ3MtdGVzdC0xMjM0NTY=",
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
    }
    out = _settings_with("config.settings.production", **env)
    assert out.returncode != 0 and "Set EMAIL_URL" in out.stderr
    ok = _settings_with("config.settings.production", EMAIL_URL="smtp://relay.internal:25", **env)
    assert ok.returncode == 0, ok.stderr[-2000:]


def test_notifications_have_their_own_queue_which_a_worker_without_q_also_consumes():
    from config.celery import app

    queues = app.amqp.queues
    assert set(queues) == {"celery", "notifications"}
    # Distinct exchanges and routing keys: a message for one queue never lands in the other.
    assert queues["notifications"].routing_key == "notifications"
    assert queues["celery"].routing_key == "celery"
    assert queues["notifications"].exchange.name != queues["celery"].exchange.name
    router = app.amqp.router
    for task in ("send_notification_task", "notification_outcome_task", "dispatch_notifications_task"):
        assert router.route({}, f"notifications.tasks.{task}")["queue"].name == "notifications"
    for task in (
        "search.tasks.index_case_task",
        "search.tasks.search_drain_task",
        "cases.tasks.escalation_sweep_task",
    ):
        assert router.route({}, task)["queue"].name == "celery"


def test_the_visibility_timeout_is_a_few_minutes_above_the_longest_task_and_no_countdown_outlives_it():
    from notifications import tasks as notification_tasks
    from search import tasks as search_tasks

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT + 120 <= visibility <= settings.CELERY_TASK_TIME_LIMIT + 600
    assert visibility < 3600
    send_limit = settings.CELERY_TASK_ANNOTATIONS["notifications.tasks.send_notification_task"]["time_limit"]
    assert send_limit < settings.NOTIFICATIONS_SENDING_STALE_SECONDS  # a stale "sending" row has no sender
    for countdown in (
        notification_tasks.DATABASE_RETRY_SECONDS,
        search_tasks.RECORD_RETRY_SECONDS,
        300,  # search_reconcile_task's retry
    ):
        assert countdown < visibility
    # A publish gives up at once: no sleeping between tries, a short connect timeout.
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    assert policy["max_retries"] <= 1 and policy["interval_start"] == 0
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 2


def test_the_beat_schedulers_report_a_failed_try_in_one_line_without_traceback_or_stack(caplog):
    import logging
    import traceback

    logger = logging.getLogger("celery.beat")
    try:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    except ConnectionError as exc:
        with caplog.at_level(logging.ERROR, logger="celery.beat"):
            # What celery.beat does when it cannot publish a due task.
            logger.error("Message Error: %s\n%s", exc, traceback.format_stack(), exc_info=True)
    (record,) = caplog.records
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert (
        record.getMessage().startswith("Message Error: Error 111")
        and "[ConnectionError]" in record.getMessage()
    )
