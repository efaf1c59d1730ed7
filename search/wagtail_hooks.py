"""Wagtail admin: the oversight dashboard under /admin/oversight/ and its menu item, shown only to
those who may oversee (auditors, heads of unit and of agency, superusers)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .oversight import user_can_view_oversight


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("oversight/", include((urls.urlpatterns, "oversight")))]


class OversightMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return user_can_view_oversight(request.user)


@hooks.register("register_admin_menu_item")
def register_oversight_menu_item():
    return OversightMenuItem(
        _("Giám sát tồn đọng"),
        reverse("oversight:overview"),
        name="oversight",
        icon_name="view",
        order=300,
    )
