"""Wagtail admin wiring of citizen reception: URLs under /admin/reception/ and the "Tiếp công dân"
menu (register, new visit, heads' sessions, places)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cases.admin import common

from . import selectors, services
from . import urls as reception_urls


@hooks.register("register_admin_urls")
def register_reception_urls():
    return [
        path(
            "reception/",
            include((reception_urls.urlpatterns, "reception_admin"), namespace="reception_admin"),
        )
    ]


def _sees(request) -> bool:
    return request.user.is_authenticated and selectors.register_authorities(request.user).exists()


class ReceptionItem(MenuItem):
    def is_shown(self, request):
        return _sees(request)


class RecordItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_authenticated and any(
            services.user_can_record_visit(request.user, a) for a in common.authorities_in_scope(request.user)
        )


class ReceptionSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return _sees(request)


@hooks.register("register_admin_menu_item")
def register_reception_menu():
    menu = Menu(
        items=[
            ReceptionItem(
                _("Sổ tiếp công dân"),
                reverse("reception_admin:register"),
                name="reception-register",
                icon_name="list-ul",
                order=100,
            ),
            RecordItem(
                _("Ghi lượt tiếp"),
                reverse("reception_admin:visit_new"),
                name="reception-new",
                icon_name="plus",
                order=200,
            ),
            ReceptionItem(
                _("Lịch tiếp của người đứng đầu"),
                reverse("reception_admin:sessions"),
                name="reception-sessions",
                icon_name="date",
                order=300,
            ),
            ReceptionItem(
                _("Nơi tiếp, giờ tiếp"),
                reverse("reception_admin:places"),
                name="reception-places",
                icon_name="site",
                order=400,
            ),
        ]
    )
    return ReceptionSubmenu(_("Tiếp công dân"), menu, name="reception", icon_name="group", order=55)
