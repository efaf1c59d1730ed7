"""Wagtail admin wiring of the inspector workspace: URLs under /admin/cases/, the "Hồ sơ" menu with
the ready-made lists, and the reference-data viewsets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .admin import urls as workspace_urls
from .admin.grants import grants_scope
from .admin.listing import intake_allowed, sees_cases
from .admin.reference_data import ReferenceDataGroup
from .admin.views import access_log_scope


@hooks.register("register_admin_urls")
def register_case_urls():
    return [path("cases/", include((workspace_urls.urlpatterns, "cases_admin"), namespace="cases_admin"))]


def _sees_cases(request) -> bool:
    return sees_cases(request.user)


class CaseMenuItem(MenuItem):
    def is_shown(self, request):
        return _sees_cases(request)


class IntakeMenuItem(MenuItem):
    def is_shown(self, request):
        return intake_allowed(request.user)


class AccessLogMenuItem(MenuItem):
    def is_shown(self, request):
        return access_log_scope(request.user) is not None


class GrantsMenuItem(MenuItem):
    def is_shown(self, request):
        return grants_scope(request.user) is not None


class CasesSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return _sees_cases(request)


def _case_menu():
    return Menu(
        items=[
            CaseMenuItem(
                _("Việc của tôi"), reverse("cases_admin:mine"), name="cases-mine", icon_name="user", order=100
            ),
            CaseMenuItem(
                _("Chờ phân loại"),
                reverse("cases_admin:triage"),
                name="cases-triage",
                icon_name="tasks",
                order=200,
            ),
            CaseMenuItem(
                _("Sắp đến hạn"),
                reverse("cases_admin:due_soon"),
                name="cases-due-soon",
                icon_name="time",
                order=300,
            ),
            CaseMenuItem(
                _("Quá hạn"),
                reverse("cases_admin:overdue"),
                name="cases-overdue",
                icon_name="warning",
                order=400,
            ),
            CaseMenuItem(
                _("Tất cả hồ sơ"),
                reverse("cases_admin:index"),
                name="cases-all",
                icon_name="list-ul",
                order=500,
            ),
            IntakeMenuItem(
                _("Tiếp nhận đơn"),
                reverse("cases_admin:register"),
                name="cases-register",
                icon_name="mail",
                order=600,
            ),
            AccessLogMenuItem(
                _("Nhật ký truy cập"),
                reverse("cases_admin:access_log"),
                name="cases-access-log",
                icon_name="history",
                order=700,
            ),
            GrantsMenuItem(
                _("Phê duyệt phân quyền"),
                reverse("cases_admin:grants"),
                name="cases-grants",
                icon_name="group",
                order=800,
            ),
        ]
    )


@hooks.register("register_admin_menu_item")
def register_case_menu():
    return CasesSubmenu(_("Hồ sơ"), _case_menu(), name="cases", icon_name="folder-open-inverse", order=50)


@hooks.register("register_admin_viewset")
def register_reference_data():
    return ReferenceDataGroup()
