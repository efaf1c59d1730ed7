"""Reference data in the Wagtail admin (model permissions: the administrator role): the working-day
calendar (every change recomputes open deadlines through ``calendar_changed``), authorities,
staff memberships (through ``cases.roles`` so the role's group follows) and escalation policies."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from ..deadline_services import calendar_changed
from ..models import Authority, EscalationPolicy, Holiday, Membership
from ..roles import membership_grant, membership_revoke


def _recomputed(request) -> None:
    result = calendar_changed(actor=request.user)
    messages.info(
        request,
        gettext("Đã tính lại %(checked)s thời hạn đang chạy; %(moved)s hồ sơ đổi hạn.")
        % {"checked": result["checked"], "moved": result["moved_cases"]},
    )


class HolidayCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        _recomputed(self.request)
        return instance


class HolidayEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        _recomputed(self.request)
        return instance


class HolidayDeleteView(generic.DeleteView):
    def delete_action(self):
        super().delete_action()
        _recomputed(self.request)


class HolidayViewSet(ModelViewSet):
    model = Holiday
    icon = "date"
    name = "case-holidays"
    menu_label = _("Lịch ngày làm việc")
    add_view_class = HolidayCreateView
    edit_view_class = HolidayEditView
    delete_view_class = HolidayDeleteView
    form_fields = ["date", "kind", "name", "source", "confirmed"]
    list_display = ["date", "kind", "name", "confirmed"]
    list_filter = ["kind", "confirmed"]
    search_fields = ["name", "source"]
    ordering = ["-date"]


class AuthorityViewSet(ModelViewSet):
    model = Authority
    icon = "site"
    name = "case-authorities"
    menu_label = _("Cơ quan")
    form_fields = ["code", "name_vi", "name_en", "level", "parent", "remote_area", "valid_from", "valid_to"]
    list_display = ["code", "name_vi", "level", "parent", "remote_area"]
    list_filter = ["level", "remote_area"]
    search_fields = ["code", "name_vi", "name_en"]
    ordering = ["path"]


class MembershipCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        if data.get("active", True):
            return membership_grant(user=data["user"], authority=data["authority"], role=data["role"])
        return super().save_instance()


class MembershipEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        if instance.active:
            membership_grant(user=instance.user, authority=instance.authority, role=instance.role)
        else:
            membership_revoke(user=instance.user, authority=instance.authority, role=instance.role)
        return instance


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "group"
    name = "case-memberships"
    menu_label = _("Phân công cán bộ")
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    form_fields = ["user", "authority", "role", "active"]
    list_display = ["user", "authority", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "authority__code"]


class EscalationPolicyViewSet(ModelViewSet):
    model = EscalationPolicy
    icon = "warning"
    name = "case-escalation-policies"
    menu_label = _("Quy tắc cảnh báo")
    form_fields = ["authority", "warn_leads", "level2_after", "level3_after", "stalled_after"]
    list_display = ["__str__", "level2_after", "level3_after"]


class ReferenceDataGroup(ViewSetGroup):
    menu_label = _("Danh mục hồ sơ")
    menu_icon = "cog"
    menu_order = 910
    items = (HolidayViewSet, AuthorityViewSet, MembershipViewSet, EscalationPolicyViewSet)
