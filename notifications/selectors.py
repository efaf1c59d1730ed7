"""Reads of the outbox, permission-aware."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification
from .services import user_can_manage_notifications


def inbox_for_user(user) -> QuerySet[Notification]:
    """A staff member's in-app messages (their own only), newest first."""
    return Notification.objects.filter(
        recipient_user=user,
        channel=Notification.Channel.INAPP,
        status__in=[Notification.Status.SENT, Notification.Status.PENDING],
    ).select_related("case")


def inbox_unread_count(user) -> int:
    if not user or not user.is_authenticated:
        return 0
    return inbox_for_user(user).filter(read_at__isnull=True).count()


def inbox_get(*, user, notification_id: int) -> Notification:
    return inbox_for_user(user).get(pk=notification_id)


ATTENTION_STATUSES = (Notification.Status.UNKNOWN, Notification.Status.FAILED)


def failed_notifications(user) -> QuerySet[Notification]:
    """Messages that need an administrator: failed for good, or sent with an unknown outcome (the
    unknown ones first: a citizen may be waiting for a receipt). Administrators and superusers only
    (others get none)."""
    if not user_can_manage_notifications(user):
        return Notification.objects.none()
    return (
        Notification.objects.filter(status__in=ATTENTION_STATUSES)
        .select_related("recipient_user", "party__case", "case")
        .order_by("-status", "-created_at", "-pk")
    )


def failed_count(user) -> int:
    return failed_notifications(user).count()
