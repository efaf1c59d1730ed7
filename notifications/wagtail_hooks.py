"""Wagtail admin: the inbox menu item (with the unread count in its label) and, for administrators,
the failed messages with a resend action."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from . import admin_views, selectors, services

admin_urlpatterns = [
    path("", admin_views.inbox, name="inbox"),
    path("<int:notification_id>/", admin_views.inbox_detail, name="inbox_detail"),
    path("read-all/", admin_views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("failed/", admin_views.failed_list, name="failed"),
    path("failed/<int:notification_id>/resend/", admin_views.failed_resend, name="failed_resend"),
    path("failed/<int:notification_id>/confirm/", admin_views.unknown_confirm, name="unknown_confirm"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("notifications/", include((admin_urlpatterns, "notifications_admin")))]


class CountMenuItem(MenuItem):
    """A menu link whose label ends with a live count, e.g. "Hộp thư (3)"."""

    def count(self, request) -> int:
        raise NotImplementedError

    def render_component(self, request):
        n = self.count(request)
        label = f"{self.label} ({n})" if n else str(self.label)
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class InboxMenuItem(CountMenuItem):
    def count(self, request) -> int:
        return selectors.inbox_unread_count(request.user)


class FailedMenuItem(CountMenuItem):
    def is_shown(self, request) -> bool:
        return services.user_can_manage_notifications(request.user)

    def count(self, request) -> int:
        return selectors.failed_count(request.user)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(
        _("Hộp thư"),
        reverse("notifications_admin:inbox"),
        name="notifications-inbox",
        icon_name="mail",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_failed_menu_item():
    return FailedMenuItem(
        _("Thông báo gửi lỗi"),
        reverse("notifications_admin:failed"),
        name="notifications-failed",
        icon_name="warning",
        order=9000,
    )
