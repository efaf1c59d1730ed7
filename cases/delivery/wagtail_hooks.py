"""Wagtail wiring of the signing and delivery screens: their URLs under /admin/cases/ and the
clerk's "Gửi kết quả" menu entry."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .admin_views import delivery_allowed


@hooks.register("register_admin_urls")
def register_delivery_urls():
    return [path("cases/", include((admin_urls.urlpatterns, "delivery_admin"), namespace="delivery_admin"))]


class DeliveryMenuItem(MenuItem):
    def is_shown(self, request):
        return delivery_allowed(request.user)


@hooks.register("register_admin_menu_item")
def register_delivery_menu():
    return DeliveryMenuItem(
        _("Gửi kết quả"), reverse("delivery_admin:daily"), name="delivery-daily", icon_name="mail", order=60
    )
