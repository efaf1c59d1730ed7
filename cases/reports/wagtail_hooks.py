"""Wagtail admin wiring of the periodic reports: URLs under /admin/reports/ and the menu entry."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import services
from . import urls as report_urls


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/", include((report_urls.urlpatterns, "periodic_reports"), namespace="periodic_reports"))
    ]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return services.report_authorities(request.user).exists() if request.user.is_authenticated else False


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    return ReportsMenuItem(
        _("Báo cáo định kỳ"),
        reverse("periodic_reports:index"),
        name="periodic-reports",
        icon_name="table",
        order=60,
    )
