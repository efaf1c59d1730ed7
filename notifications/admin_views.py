"""Wagtail admin views: each staff member's inbox, and the failed messages with a resend action
(administrators and superusers only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Notification
from .rendering import render_context_for, render_message


def _text(notification: Notification) -> tuple[str, str]:
    if notification.subject or notification.body:
        return notification.subject, notification.body
    rendered = render_message(notification.template, notification.language, render_context_for(notification))
    return rendered.subject, rendered.body


def inbox(request):
    page = Paginator(selectors.inbox_for_user(request.user), 30).get_page(request.GET.get("p"))
    items = [(n, _text(n)[0]) for n in page.object_list]
    return TemplateResponse(
        request,
        "notifications/admin/inbox.html",
        {
            "page_title": _("Hộp thư"),
            "header_icon": "mail",
            "page": page,
            "items": items,
            "unread": selectors.inbox_unread_count(request.user),
        },
    )


def inbox_detail(request, notification_id: int):
    try:
        notification = selectors.inbox_get(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    services.notification_mark_read(notification=notification, user=request.user)
    subject, body = _text(notification)
    return TemplateResponse(
        request,
        "notifications/admin/inbox_detail.html",
        {"page_title": subject, "header_icon": "mail", "notification": notification, "body": body},
    )


@require_POST
def inbox_mark_all_read(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications_admin:inbox")


def failed_list(request):
    if not services.user_can_manage_notifications(request.user):
        raise PermissionDenied
    page = Paginator(selectors.failed_notifications(request.user), 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "notifications/admin/failed.html",
        {"page_title": _("Thông báo gửi lỗi hoặc chưa rõ kết quả"), "header_icon": "warning", "page": page},
    )


@require_POST
def failed_resend(request, notification_id: int):
    if not services.user_can_manage_notifications(request.user):
        raise PermissionDenied
    notification = get_object_or_404(Notification, pk=notification_id)
    try:
        services.notification_resend(notification=notification, actor=request.user)
    except services.NotificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Đã đưa thông báo #%(id)s vào hàng đợi gửi lại.") % {"id": notification.pk}
        )
    return redirect("notifications_admin:failed")


@require_POST
def unknown_confirm(request, notification_id: int):
    """An administrator confirms that a message whose outcome was unknown did arrive."""
    if not services.user_can_manage_notifications(request.user):
        raise PermissionDenied
    notification = get_object_or_404(Notification, pk=notification_id)
    try:
        services.notification_confirm_delivered(notification=notification, actor=request.user)
    except services.NotificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ghi nhận thông báo #%(id)s là đã gửi.") % {"id": notification.pk})
    return redirect("notifications_admin:failed")
