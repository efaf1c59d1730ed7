"""Sending: SMTP failures retry with backoff and then fail visibly; the HTTP SMS gateway; two
concurrent senders send once; the drain and the management command pick up what is pending."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from notifications.channels.sms import HttpSmsBackend, SmsError
from notifications.models import Notification
from notifications.selectors import failed_notifications
from notifications.services import (
    backoff_seconds,
    notification_drain,
    notification_enqueue,
    notification_resend,
    notification_send,
    notify_case_event,
)
from tests.factories import UserFactory

from .conftest import append_event, closed_port

pytestmark = pytest.mark.django_db


def _queue_email(case, party, key="k"):
    return notification_enqueue(
        party=party,
        channel="email",
        template="case.accepted",
        context={"reference": case.reference, "kind": case.kind},
        language="vi",
        dedupe_key=key,
        case=case,
    )


def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 960]
    assert backoff_seconds(20) == 3600


def test_smtp_failure_retries_then_fails_visibly_and_can_be_resent(
    complaint, settings, django_capture_on_commit_callbacks
):
    case, party = complaint
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    with django_capture_on_commit_callbacks(execute=True):
        n = _queue_email(case, party)
    # Eager Celery runs the task's retries at once (a worker waits 1, 2, 4, 8 minutes between them).
    n.refresh_from_db()
    assert n.status == Notification.Status.FAILED
    assert n.attempts == n.max_attempts == 5
    assert "ConnectionRefusedError" in n.last_error
    assert "an.nguyen@example.vn" not in n.last_error
    assert n.sent_at is None

    admin = UserFactory(username="root", is_superuser=True)
    assert list(failed_notifications(admin)) == [n]
    assert list(failed_notifications(UserFactory(username="plain"))) == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification=n, actor=admin)
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT and n.attempts == 1 and n.resent_count == 1
    assert n.last_error == ""
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["an.nguyen@example.vn"]


def test_a_failed_attempt_with_attempts_left_waits_for_the_backoff(complaint, settings):
    case, party = complaint
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    n = _queue_email(case, party)  # not committed: no task ran
    before = timezone.now()
    result = notification_send(notification_id=n.pk)
    n.refresh_from_db()
    assert result.status == "pending" and result.retry_in == 60
    assert n.attempts == 1 and n.queued_at is None
    assert n.next_attempt_at >= before + dt.timedelta(seconds=60)
    # The drain leaves it alone until the backoff has passed, then sends it.
    assert notification_drain(enqueue=False) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_drain(enqueue=False, now=timezone.now() + dt.timedelta(seconds=61)) == 1
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 2


def test_only_failed_messages_can_be_resent_and_only_by_administrators(complaint):
    case, party = complaint
    n = _queue_email(case, party)
    from django.core.exceptions import PermissionDenied

    from notifications.services import NotificationError

    with pytest.raises(PermissionDenied):
        notification_resend(notification=n, actor=UserFactory(username="insp"))
    with pytest.raises(NotificationError):
        notification_resend(notification=n, actor=UserFactory(username="su", is_superuser=True))


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"auth": self.headers.get("Authorization"), "json": json.loads(body)})
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "gw-1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    _Gateway.received, _Gateway.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Gateway, f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_http_sms_gateway_gets_the_token_and_the_text(
    gateway, complaint, settings, django_capture_on_commit_callbacks
):
    handler, url = gateway
    case, party = complaint
    party.email = ""
    party.save()
    settings.SMS_BACKEND = "notifications.channels.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = url, "s3cret"
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify_case_event(case=case, event=append_event(case, "case.accepted"))
    (request,) = handler.received
    assert request["auth"] == "Bearer s3cret"
    assert request["json"]["to"] == "0912345678"
    assert case.reference in request["json"]["message"]
    assert request["json"]["reference"] == n.dedupe_key
    n.refresh_from_db()
    assert n.status == "sent"


def test_http_sms_gateway_errors_retry_then_fail(
    gateway, complaint, settings, django_capture_on_commit_callbacks
):
    handler, url = gateway
    handler.status = 503
    case, party = complaint
    party.email = ""
    party.save()
    settings.SMS_BACKEND = "notifications.channels.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = url
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify_case_event(case=case, event=append_event(case, "case.accepted"))
    n.refresh_from_db()
    assert len(handler.received) == 5
    assert n.status == "failed" and "HTTP 503" in n.last_error


def test_http_sms_backend_without_a_gateway_url_or_reachable_gateway():
    with pytest.raises(SmsError):
        HttpSmsBackend(url="")
    with pytest.raises(SmsError, match="unreachable"):
        HttpSmsBackend(url=f"http://127.0.0.1:{closed_port()}/", timeout=2).send(to="0900000000", body="x")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_of_the_same_row_send_once(complaint, settings):
    case, party = complaint
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowLocmemBackend"
    mail.outbox = []
    # The row as the outbox holds it (written directly: the send is what is under test).
    n = Notification.objects.create(
        party=party,
        case=case,
        address=party.email,
        channel="email",
        template="case.accepted",
        context={"reference": case.reference},
        dedupe_key="concurrent",
    )
    barrier = threading.Barrier(3)
    results = []

    def sender():
        barrier.wait()
        try:
            results.append(notification_send(notification_id=n.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 1
    # One sender sent it; the others found the row locked (None) or already sent.
    assert sorted(str(r and r.status) for r in results).count("sent") >= 1
    assert len(results) == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_enqueues_with_the_same_key_write_one_row(complaint, sms_dir):
    case, party = complaint
    barrier = threading.Barrier(2)
    results, errors = [], []

    def enqueue():
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(
                    notification_enqueue(
                        party=party,
                        channel="sms",
                        template="case.accepted",
                        context={"reference": case.reference},
                        dedupe_key="same-key",
                    )
                )
        except Exception as exc:  # pragma: no cover - the assertion shows it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enqueue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert Notification.objects.filter(dedupe_key="same-key").count() == 1
    assert sum(r is not None for r in results) == 1
    assert len(list(sms_dir.iterdir())) == 1


def test_drain_picks_unqueued_and_stale_rows_only(complaint, outbox, sms_dir):
    case, party = complaint
    now = timezone.now()
    _queue_email(case, party, "fresh")  # handed to the broker just now: the worker has it
    lost = _queue_email(case, party, "lost")
    Notification.objects.filter(pk=lost.pk).update(queued_at=None)  # the broker was down
    stale = _queue_email(case, party, "stale")
    Notification.objects.filter(pk=stale.pk).update(queued_at=now - dt.timedelta(minutes=30))
    assert notification_drain(enqueue=False) == 2
    statuses = dict(Notification.objects.values_list("dedupe_key", "status"))
    assert statuses == {"fresh": "pending", "lost": "sent", "stale": "sent"}
    assert len(outbox) == 2


def test_send_pending_notifications_command(complaint, outbox, sms_dir, capsys):
    case, party = complaint
    n = _queue_email(case, party)
    Notification.objects.filter(pk=n.pk).update(queued_at=None)
    call_command("send_pending_notifications")
    assert "1 notification(s) processed" in capsys.readouterr().out
    n.refresh_from_db()
    assert n.status == "sent" and len(outbox) == 1
    call_command("send_pending_notifications")
    assert len(outbox) == 1  # nothing sent twice


def test_drain_runs_every_minute_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notification-drain"]
    assert entry == {"task": "notifications.tasks.notification_drain_task", "schedule": 60.0}
    from config.celery import app

    app.loader.import_default_modules()
    assert "notifications.tasks.notification_drain_task" in app.tasks
    assert "notifications.tasks.daily_digest_task" in app.tasks
