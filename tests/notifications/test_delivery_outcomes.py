"""A message is sent at most once, whatever fails around it (issue 17, items 5 and 6).

Against a real SMTP server on a socket (``ScriptedSmtp``) through the production SMTP backend, the
real PostgreSQL and a real HTTP SMS gateway: the attempt is recorded before sending; a refused or
unreachable server is a definite failure, retried; a message handed over without an answer is
"unknown" and never resent by itself; the database dying after the SMTP server accepted a message
does not send it again; a row left "sending" by a lost worker is reconciled (SMS: looked up at the
gateway by its reference) instead of being sent blindly."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from cases.crypto import encrypt
from notifications.models import Notification
from notifications.selectors import failed_notifications
from notifications.services import (
    message_id_for,
    notification_confirm_delivered,
    notification_drain,
    notification_enqueue,
    notification_resend,
    notification_send,
)
from notifications.tasks import notification_outcome_task
from tests.factories import UserFactory

from .conftest import closed_port
from .smtp_server import ScriptedSmtp

pytestmark = pytest.mark.django_db

SMTP = "notifications.channels.email.SmtpEmailBackend"


def _receipt(case, party, *, channel="email", key="receipt"):
    """A citizen's receipt carrying the access key (the one secret a message may hold)."""
    return notification_enqueue(
        party=party,
        channel=channel,
        template="case.received",
        context={"reference": case.reference, "kind": case.kind},
        language="vi",
        dedupe_key=key,
        case=case,
        secrets={"access_key": "ABCD-EFGH-JKMN-PQRS"},
    )


def _smtp(settings, server: ScriptedSmtp, timeout: float = 5) -> None:
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, timeout


def test_the_attempt_is_recorded_and_the_message_carries_its_deterministic_message_id(complaint, settings):
    case, party = complaint
    with ScriptedSmtp("accept") as server:
        _smtp(settings, server)
        n = _receipt(case, party)
        result = notification_send(notification_id=n.pk)
    n.refresh_from_db()
    assert result.status == n.status == "sent"
    assert n.attempts == 1 and n.attempt_started_at is not None and n.secrets_enc == ""
    assert n.message_id == message_id_for(n) == f"<notification-{n.pk}@localhost>"
    assert server.message_ids() == [n.message_id]
    assert "ABCD-EFGH-JKMN-PQRS" in server.messages[0].get_body().get_content()


def test_a_refusing_smtp_server_is_a_definite_failure_retried_after_the_backoff(complaint, settings):
    case, party = complaint
    with ScriptedSmtp("refuse") as server:
        _smtp(settings, server)
        n = _receipt(case, party)
        result = notification_send(notification_id=n.pk)
    n.refresh_from_db()
    assert result.status == "pending" and result.retry_in == 60
    assert n.status == "pending" and n.attempts == 1 and n.queued_at is None
    assert "451" in n.last_error and party.email not in n.last_error
    assert n.secrets_enc  # kept for the next attempt
    assert server.messages == []


def test_a_frozen_smtp_server_fails_the_attempt_within_the_timeout_and_nothing_is_sent(complaint, settings):
    case, party = complaint
    with ScriptedSmtp("silent_banner", delay=5) as server:
        _smtp(settings, server, timeout=1)
        n = _receipt(case, party)
        started = time.monotonic()
        result = notification_send(notification_id=n.pk)
        elapsed = time.monotonic() - started
    assert elapsed < 3, elapsed
    assert result.status == "pending" and result.retry_in is not None
    assert server.messages == []


def test_no_answer_after_the_whole_message_is_unknown_never_resent_and_left_to_an_administrator(
    complaint, settings
):
    case, party = complaint
    admin = UserFactory(username="root", is_superuser=True)
    with ScriptedSmtp("silent_after_data", delay=2) as server:
        _smtp(settings, server, timeout=1)
        n = _receipt(case, party)
        assert notification_send(notification_id=n.pk).status == "unknown"
        time.sleep(2.5)  # the server accepts it after the client gave up: it did arrive
        assert len(server.messages) == 1
        # The drain (even well after the stale window) does not send it again.
        assert notification_drain(enqueue=False, now=timezone.now() + dt.timedelta(hours=1)) == 0
        assert len(server.messages) == 1
    n.refresh_from_db()
    assert n.status == "unknown" and "outcome unknown" in n.last_error
    assert n.secrets_enc  # the receipt may still have to go out: the key stays encrypted
    assert list(failed_notifications(admin)) == [n]
    assert list(failed_notifications(UserFactory(username="plain"))) == []

    notification_confirm_delivered(notification=n, actor=admin)
    n.refresh_from_db()
    assert n.status == "sent" and n.secrets_enc == "" and n.sent_at is not None
    assert list(failed_notifications(admin)) == []


def test_an_unknown_message_resent_by_an_administrator_goes_again_with_the_same_message_id(
    complaint, settings, django_capture_on_commit_callbacks
):
    case, party = complaint
    admin = UserFactory(username="root", is_superuser=True)
    with ScriptedSmtp("silent_after_data", delay=1.5) as server:
        _smtp(settings, server, timeout=0.5)
        n = _receipt(case, party)
        assert notification_send(notification_id=n.pk).status == "unknown"
        time.sleep(2)
        server.mode = "accept"
        with django_capture_on_commit_callbacks(execute=True):
            notification_resend(notification=n, actor=admin)
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 2 and n.resent_count == 1
    assert server.message_ids() == [n.message_id, n.message_id]


def test_a_quit_that_gets_no_answer_after_an_accepted_message_is_not_a_failure(complaint, settings):
    case, party = complaint
    with ScriptedSmtp("silent_on_quit", delay=3) as server:
        _smtp(settings, server, timeout=1)
        n = _receipt(case, party)
        assert notification_send(notification_id=n.pk).status == "sent"
    assert len(server.messages) == 1


def _terminate_backend(pid: int) -> None:
    """Kill one PostgreSQL session from outside, as an operator or a restart does."""
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
def test_the_database_dying_after_the_server_accepted_the_message_does_not_send_it_again(complaint, settings):
    """Issue 17 item 5: the session that recorded the attempt is killed while the SMTP server takes
    the message; recording "sent" reconnects, and nothing sends it a second time."""
    case, party = complaint
    # Written directly: in autocommit an enqueue would send it at once, before the server is set up.
    n = Notification.objects.create(
        party=party,
        case=case,
        address=party.email,
        channel="email",
        template="case.received",
        context={"reference": case.reference, "kind": case.kind},
        secrets_enc=encrypt(json.dumps({"access_key": "ABCD-EFGH-JKMN-PQRS"})),
        dedupe_key="receipt",
    )
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with ScriptedSmtp("accept", on_data=lambda _raw: _terminate_backend(pid)) as server:
        _smtp(settings, server)
        result = notification_send(notification_id=n.pk)
        assert result.status == "sent"
        assert notification_drain(enqueue=False, now=timezone.now() + dt.timedelta(hours=1)) == 0
    assert connection.connection.info.backend_pid != pid  # it did reconnect
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 1 and n.secrets_enc == ""
    assert len(server.messages) == 1


def test_an_outcome_the_sender_could_not_record_is_recorded_by_the_outcome_task(complaint, settings):
    case, party = complaint
    n = _receipt(case, party)
    Notification.objects.filter(pk=n.pk).update(
        status="sending", attempts=1, attempt_started_at=timezone.now()
    )
    # A late or repeated outcome for another attempt changes nothing.
    assert (
        notification_outcome_task.delay(notification_id=n.pk, attempt=2, outcome="failed").get() == "sending"
    )
    assert notification_outcome_task.delay(notification_id=n.pk, attempt=1, outcome="sent").get() == "sent"
    n.refresh_from_db()
    assert n.status == "sent" and n.secrets_enc == ""
    assert notification_outcome_task.delay(notification_id=n.pk, attempt=1, outcome="failed").get() == "sent"


def _lost_mid_send(n: Notification, minutes: int = 10) -> None:
    """The row as a worker killed between recording the attempt and its outcome leaves it."""
    Notification.objects.filter(pk=n.pk).update(
        status="sending", attempts=1, attempt_started_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_an_email_left_sending_by_a_lost_worker_becomes_unknown_not_resent(complaint, settings):
    case, party = complaint
    mail.outbox = []
    n = _receipt(case, party)
    _lost_mid_send(n, minutes=1)
    settings.NOTIFICATIONS_SENDING_STALE_SECONDS = 180
    assert notification_drain(enqueue=False) == 0  # another sender may still be at work on it
    n.refresh_from_db()
    assert n.status == "sending"
    settings.NOTIFICATIONS_SENDING_STALE_SECONDS = 30
    notification_drain(enqueue=False)
    n.refresh_from_db()
    assert n.status == "unknown" and "Message-ID" in n.last_error
    assert mail.outbox == []


def test_an_sms_left_sending_is_looked_up_by_its_reference_found_is_sent_absent_is_tried_again(
    complaint, sms_dir, settings
):
    from notifications.channels.sms import FileSmsBackend

    case, party = complaint
    party.email = ""
    party.save()
    delivered = _receipt(case, party, channel="sms", key="delivered")
    lost = _receipt(case, party, channel="sms", key="lost")
    FileSmsBackend().send(to=party.phone, body="...", reference="delivered")  # it got there before the kill
    _lost_mid_send(delivered)
    _lost_mid_send(lost)
    notification_drain(enqueue=False)
    delivered.refresh_from_db()
    lost.refresh_from_db()
    assert delivered.status == "sent" and delivered.provider_id and delivered.secrets_enc == ""
    assert lost.status == "pending" and lost.next_attempt_at > timezone.now()
    assert len(list(sms_dir.glob("*.json"))) == 1
    assert notification_drain(enqueue=False, now=timezone.now() + dt.timedelta(minutes=5)) == 1
    lost.refresh_from_db()
    assert lost.status == "sent" and lost.attempts == 2
    assert len(list(sms_dir.glob("*.json"))) == 2


class Gateway:
    """An HTTP SMS gateway: records every POST, answers after ``delay`` seconds; GET /status."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.received: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                data["id"] = f"gw-{len(owner.received) + 1}"
                owner.received.append(data)
                time.sleep(owner.delay)
                with contextlib.suppress(OSError):
                    self._json(200, {"id": data["id"]})

            def do_GET(self):
                reference = parse_qs(urlparse(self.path).query).get("reference", [""])[0]
                found = [m for m in owner.received if m["reference"] == reference]
                self._json(200, {"id": found[0]["id"]}) if found else self._json(404, {})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_an_sms_the_gateway_took_without_answering_is_looked_up_later_and_sent_once(complaint, settings):
    case, party = complaint
    party.email = ""
    party.save()
    with Gateway(delay=2) as gateway:
        settings.SMS_BACKEND = "notifications.channels.sms.HttpSmsBackend"
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_STATUS_URL = (
            f"{gateway.url}/send",
            f"{gateway.url}/status",
        )
        settings.SMS_GATEWAY_TIMEOUT = 0.5
        n = _receipt(case, party, channel="sms")
        assert notification_send(notification_id=n.pk).status == "sending"  # in doubt: ask later
        n.refresh_from_db()
        assert "outcome unknown" in n.last_error
        notification_drain(enqueue=False, now=timezone.now() + dt.timedelta(minutes=10))
        n.refresh_from_db()
        assert n.status == "sent" and n.provider_id == "gw-1"
        assert len(gateway.received) == 1


def test_without_a_status_url_an_sms_in_doubt_is_unknown_at_once(complaint, settings):
    case, party = complaint
    party.email = ""
    party.save()
    with Gateway(delay=2) as gateway:
        settings.SMS_BACKEND = "notifications.channels.sms.HttpSmsBackend"
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_STATUS_URL = f"{gateway.url}/send", ""
        settings.SMS_GATEWAY_TIMEOUT = 0.5
        n = _receipt(case, party, channel="sms")
        assert notification_send(notification_id=n.pk).status == "unknown"
        assert len(gateway.received) == 1


def test_an_unreachable_sms_gateway_is_a_definite_failure(complaint, settings):
    case, party = complaint
    party.email = ""
    party.save()
    settings.SMS_BACKEND = "notifications.channels.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port()}/send"
    n = _receipt(case, party, channel="sms")
    result = notification_send(notification_id=n.pk)
    assert result.status == "pending" and result.retry_in == 60
