"""Celery tasks: take ids, fetch the row again, call one service, own their retries."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError, close_old_connections

from . import services

logger = logging.getLogger(__name__)


# A send that finds the database unreachable before anything was sent tries again this often, for
# about five minutes; after that the drain queues it again (NOTIFICATIONS_REQUEUE_AFTER_SECONDS).
DATABASE_RETRY_SECONDS = 10
DATABASE_RETRIES = 30


@shared_task(
    bind=True,
    name="notifications.tasks.send_notification_task",
    max_retries=DATABASE_RETRIES,
    ignore_result=True,
)
def send_notification_task(self, notification_id: int) -> str | None:
    """Send one outbox row, at most once (``services.notification_send``). A failed attempt with
    attempts left waits in the outbox for its backoff (the drain queues it again when it is due), not
    in the broker. Runs on the "notifications" queue, with its own time limit
    (``NOTIFICATIONS_SEND_TIME_LIMIT``)."""
    try:
        result = services.notification_send(notification_id=notification_id)
        if self.request.is_eager:
            # In-process (make run, most tests): no drain comes back later, so the retries run now.
            while result is not None and result.retry_in is not None:
                result = services.notification_send(notification_id=notification_id)
    except DatabaseError as exc:
        if self.request.is_eager:
            raise
        close_old_connections()
        logger.warning(
            "notification %s: database unavailable before sending (%s); retry in %ss",
            notification_id,
            type(exc).__name__,
            DATABASE_RETRY_SECONDS,
        )
        raise self.retry(countdown=DATABASE_RETRY_SECONDS) from None
    return result.status if result is not None else None


@shared_task(
    bind=True,
    name="notifications.tasks.notification_outcome_task",
    max_retries=360,
    acks_late=True,
    ignore_result=True,
)
def notification_outcome_task(
    self, notification_id: int, attempt: int, outcome: str, provider_id: str = "", error: str = ""
) -> str | None:
    """Record the outcome of a send that the sender could not record itself (the database was
    restarting): every 10 s for up to an hour, until the database answers."""
    try:
        result = services.notification_record_outcome(
            notification_id=notification_id,
            attempt=attempt,
            outcome=outcome,
            provider_id=provider_id,
            error=error,
        )
    except DatabaseError:
        close_old_connections()
        raise self.retry(countdown=DATABASE_RETRY_SECONDS) from None
    return result.status if result is not None else None


@shared_task(name="notifications.tasks.notification_drain_task", ignore_result=True)
def notification_drain_task() -> int:
    """Every minute (beat): reconcile sends whose worker was lost, then queue again what is pending
    and due (after a broker outage, a backoff, a lost task)."""
    try:
        count = services.notification_drain(enqueue=True)
    except DatabaseError as exc:
        close_old_connections()
        logger.warning(
            "notification drain: database unavailable (%s); the next run tries again", type(exc).__name__
        )
        return 0
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
    from config.celery import publish

    for index, pk in enumerate(notification_ids):
        try:
            publish(send_notification_task, notification_id=pk)
        except Exception as exc:
            logger.warning(
                "notification fan-out: broker unavailable (%s), %s rows left pending",
                type(exc).__name__,
                len(notification_ids) - index,
            )
            services.notification_forget_queued(notification_ids[index:])
            return index
    return len(notification_ids)
