"""In-app messages: the outbox row *is* the staff member's inbox item (Wagtail admin, with an
unread count). Delivering one only records the rendered text and the time."""

from __future__ import annotations


def deliver_inapp(*, notification) -> None:
    if notification.recipient_user_id is None:
        raise ValueError("an in-app message needs a staff recipient")
    if not notification.recipient_user.is_active:
        raise ValueError("the recipient's account is disabled")
