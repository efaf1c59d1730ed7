"""Wagtail admin wiring of the inspector workspace: URLs under /admin/cases/, the "Hồ sơ" menu with
the ready-made lists, and the reference-data viewsets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from .admin import urls as workspace_urls
from .admin.grants import grants_scope
from .admin.listing import intake_allowed, sees_cases
from .admin.reference_data import ReferenceDataGroup, unconfirmed_warning
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


class UnconfirmedCalendarPanel(Component):
    """On the admin home, for whoever may edit the calendar: the days within the next
    ``rules.UNCONFIRMED_WARNING_DAYS`` not yet officially confirmed."""

    name = "unconfirmed_calendar"
    order = 50
    template_name = "cases/admin/unconfirmed_calendar_panel.html"

    def __init__(self, warning: str):
        self.warning = warning

    def get_context_data(self, parent_context=None):
        return {"warning": self.warning, "calendar_url": reverse("case-holidays:index")}


class RoleHomePanel(Component):
    """The role's tasks and counts (``cases.admin.home``) instead of Wagtail's page dashboard."""

    name = "kntc_role_home"
    order = 10
    template_name = "cases/admin/home_panel.html"

    def get_context_data(self, parent_context):
        from .admin import home

        request = parent_context["request"]
        return {
            "request": request,
            "sections": home.sections_for(request.user),
            "roles": home.role_labels(request.user),
            "sweep": home.sweep_summary(request.user),
        }


@hooks.register("construct_homepage_panels")
def role_home_panels(request, panels):
    # Wagtail's own panels are about pages (drafts, recent edits, locked pages): none of them is
    # a task of the workspace's staff.
    panels[:] = [RoleHomePanel()] if sees_cases(request.user) else []
    # Whoever may edit the calendar is warned of the days not yet officially confirmed.
    if request.user.has_perm("cases.change_holiday"):
        warning = unconfirmed_warning()
        if warning:
            panels.insert(0, UnconfirmedCalendarPanel(warning))
