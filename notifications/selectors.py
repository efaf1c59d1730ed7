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


def failed_notifications(user) -> QuerySet[Notification]:
    """Messages that failed for good; administrators and superusers only (others get none)."""
    if not user_can_manage_notifications(user):
        return Notification.objects.none()
    return Notification.objects.filter(status=Notification.Status.FAILED).select_related(
        "recipient_user", "party__case", "case"
    )


def failed_count(user) -> int:
    return failed_notifications(user).count()
