"""Celery tasks: take ids, fetch the row again, call one service, own their retries."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, name="notifications.tasks.send_notification_task", max_retries=None, ignore_result=True
)
def send_notification_task(self, notification_id: int) -> str | None:
    """Send one outbox row. A failure with attempts left is retried with backoff (the row counts the
    attempts; after the last one it is marked failed and shown in the admin)."""
    result = services.notification_send(notification_id=notification_id)
    if self.request.is_eager:
        # In-process (make run, most tests): no worker to come back later, so the retries run now.
        while result is not None and result.retry_in is not None:
            result = services.notification_send(notification_id=notification_id)
    if result is None:
        return None
    if result.retry_in is not None:
        services.notification_mark_queued(
            notification_id=notification_id, at=timezone.now() + timedelta(seconds=result.retry_in)
        )
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(name="notifications.tasks.notification_drain_task", ignore_result=True)
def notification_drain_task() -> int:
    """Every minute (beat): queue again what is pending and due, e.g. after a broker outage."""
    count = services.notification_drain(enqueue=True)
    if count:
        logger.info("notification drain: %s rows queued", count)
    return count


@shared_task(name="notifications.tasks.daily_digest_task", ignore_result=True)
def daily_digest_task() -> int:
    """Every morning (beat): one digest per head of their overdue and due-soon cases."""
    return len(services.notification_daily_digest())


@shared_task(name="notifications.tasks.dispatch_notifications_task", ignore_result=True)
def dispatch_notifications_task(notification_ids: list[int]) -> int:
    """Fan out many outbox rows (one escalation sweep chunk) to the send task, one message each,
    so every worker takes a share. Rows that cannot be queued stay pending for the drain."""
    for index, pk in enumerate(notification_ids):
        try:
            send_notification_task.delay(notification_id=pk)
        except Exception:
            logger.warning(
                "notification fan-out: broker unavailable, %s rows left pending",
                len(notification_ids) - index,
            )
            services.notification_forget_queued(notification_ids[index:])
            return index
    return len(notification_ids)
