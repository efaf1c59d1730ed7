"""The real path: a Celery worker process on the real Redis sends the outbox, once; and with Redis
stopped during intake the case is saved and the outbox drains once Redis is back."""

import json
import logging
import time
import uuid

import pytest
from django.conf import settings

from cases import services
from cases.actors import Citizen
from cases.models import Case
from config.celery import ping
from notifications.models import Notification
from notifications.tasks import notification_drain_task, send_notification_task
from tests.factories import AuthorityFactory


def unique_phone() -> str:
    return "09" + str(uuid.uuid4().int)[:8]


def sms_sent_to(phone: str) -> list[dict]:
    """The messages the worker's FileSmsBackend wrote for this number (the directory is shared)."""
    path = settings.SMS_FILE_PATH
    if not path.exists():
        return []
    found = []
    for f in path.glob("*.json"):
        try:
            record = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("to") == phone:
            found.append(record)
    return found


def wait_for(predicate, timeout=45.0, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _intake(phone: str):
    """A citizen files online: ``case_submit`` writes the case, the party, the first event and the
    outbox rows in one transaction; sending is triggered on commit."""
    result = services.case_submit(
        actor=Citizen.filing(),
        kind=Case.Kind.PETITION,
        subject="Kiến nghị sửa đèn đường",
        description="Đèn đường ngõ 5 hỏng đã hai tháng.",
        parties=[services.PartyInput(full_name="Lê Thị Hoa", phone=phone, email=f"{phone}@example.vn")],
        authority=AuthorityFactory(code=f"W-{uuid.uuid4().hex[:6]}"),
    )
    ids = list(Notification.objects.filter(case=result.case).values_list("pk", flat=True))
    return result.case, ids


def _statuses(ids):
    return set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True))


@pytest.mark.worker
def test_a_real_worker_sends_each_message_exactly_once(celery_worker_process):
    phone = unique_phone()
    case, ids = _intake(phone)
    assert len(ids) == 2
    assert wait_for(lambda: _statuses(ids) == {"sent"}), _statuses(ids)

    sms = Notification.objects.get(pk__in=ids, channel="sms")
    # The same row queued again (a duplicate delivery, a drain racing a retry): still one message.
    send_notification_task.delay(notification_id=sms.pk)
    send_notification_task.delay(notification_id=sms.pk)
    notification_drain_task.delay()
    # The solo worker takes tasks in order: once this round trip is back, the ones above have run.
    assert ping.delay("after").get(timeout=60) == "pong:after"
    records = sms_sent_to(phone)
    assert len(records) == 1
    assert case.reference in records[0]["message"]
    sms.refresh_from_db()
    assert sms.attempts == 1 and sms.status == "sent"


@pytest.mark.services
@pytest.mark.worker
def test_intake_with_redis_down_is_saved_and_the_outbox_drains_when_redis_returns(
    transactional_db, services_script, request, caplog
):
    from config.celery import app

    phone = unique_phone()
    old_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # publish to the real broker, as in production
    try:
        services_script("stop", "redis")
        try:
            with caplog.at_level(logging.WARNING, logger="notifications.services"):
                case, ids = _intake(phone)
        finally:
            services_script("start", "redis")

        # The intake committed: the case and its outbox rows are there, waiting.
        assert Case.objects.filter(pk=case.pk).exists()
        assert len(ids) == 2
        rows = Notification.objects.filter(pk__in=ids)
        assert {(n.status, n.queued_at) for n in rows} == {("pending", None)}
        # One line for the batch, saying what happens next (notifications.services).
        assert "notification(s) not queued" in caplog.text and "the drain will send" in caplog.text
        assert sms_sent_to(phone) == []

        # Redis is back: a worker starts and the beat's drain (run here once) empties the outbox.
        request.getfixturevalue("celery_worker_process")
        notification_drain_task.delay()
        assert wait_for(lambda: _statuses(ids) == {"sent"}), _statuses(ids)
        assert len(sms_sent_to(phone)) == 1
        assert all(n.attempts == 1 for n in Notification.objects.filter(pk__in=ids))
    finally:
        app.conf.task_always_eager = old_eager


@pytest.mark.worker
def test_a_worker_killed_mid_send_gets_its_task_back_and_the_message_is_reconciled_not_resent(
    transactional_db, settings
):
    """Issue 17 item 7: the worker is SIGKILLed while the SMS gateway holds its request. Its task
    comes back from Redis after the (lowered) visibility timeout to a new worker, which finds the
    attempt recorded and does not send again; the drain then asks the gateway, finds the message
    and marks it sent. One message reached the gateway."""
    import redis

    from config.celery import app
    from notifications.services import notification_drain
    from tests.conftest import start_celery_worker, stop_celery_worker

    from .test_delivery_outcomes import Gateway

    with Gateway(delay=8) as gateway:
        env = {
            "SMS_BACKEND": "notifications.channels.sms.HttpSmsBackend",
            "SMS_GATEWAY_URL": f"{gateway.url}/send",
            "SMS_GATEWAY_STATUS_URL": f"{gateway.url}/status",
            "SMS_GATEWAY_TIMEOUT": "30",
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        }
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        app.control.purge()
        old_eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        first = start_celery_worker(env, name="doomed")
        second = None
        try:
            result = services.case_submit(
                actor=Citizen.filing(),
                kind=Case.Kind.PETITION,
                subject="Kiến nghị sửa đèn đường",
                description="Đèn đường ngõ 5 hỏng đã hai tháng.",
                parties=[services.PartyInput(full_name="Lê Thị Hoa", phone=unique_phone())],
                authority=AuthorityFactory(code=f"K-{uuid.uuid4().hex[:6]}"),
            )
            (sms,) = Notification.objects.filter(case=result.case)
            assert wait_for(lambda: len(gateway.received) == 1, timeout=60), "the worker never sent"
            first.kill()  # SIGKILL, mid-task: the gateway has the request, the worker no answer
            first.wait(10)
            sms.refresh_from_db()
            assert sms.status == "sending" and sms.attempts == 1

            second = start_celery_worker(env, name="heir")
            # The task comes back (visibility timeout) and is taken and acknowledged by the new worker.
            assert wait_for(lambda: broker.hlen("unacked") == 0 and broker.llen("notifications") == 0, 60)
            time.sleep(1)
            assert len(gateway.received) == 1  # the redelivered task did not send again
            sms.refresh_from_db()
            assert sms.status == "sending"

            settings.SMS_BACKEND = env["SMS_BACKEND"]
            settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_STATUS_URL = (
                env["SMS_GATEWAY_URL"],
                env["SMS_GATEWAY_STATUS_URL"],
            )
            settings.NOTIFICATIONS_SENDING_STALE_SECONDS = 0
            notification_drain(enqueue=False)
            sms.refresh_from_db()
            assert sms.status == "sent" and sms.provider_id == "gw-1"
            assert len(gateway.received) == 1
        finally:
            app.conf.task_always_eager = old_eager
            if first.poll() is None:
                first.kill()
            if second is not None:
                stop_celery_worker(second)
