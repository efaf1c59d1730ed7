"""Reference data in the Wagtail admin (model permissions: the administrator role): the working-day
calendar (every change goes through ``calendar_services``, as the importer does: validated, logged,
open deadlines recomputed), authorities,
staff memberships (through ``cases.roles`` so the role's group follows) and escalation policies."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .. import calendar_services, deadline_services, rules
from ..audit import grants
from ..audit.models import GrantRequest
from ..errors import ApplicationError
from ..models import Authority, EscalationPolicy, Holiday, Membership
from ..scope import staff_scope


def _recomputed(request, report) -> None:
    result = report.recompute or {"checked": 0, "moved_cases": 0}
    messages.info(
        request,
        gettext("Đã tính lại %(checked)s thời hạn đang chạy; %(moved)s hồ sơ đổi hạn.")
        % {"checked": result["checked"], "moved": result["moved_cases"]},
    )


class HolidayForm(WagtailAdminModelForm):
    """The model form's checks, then ``calendar_services``' own (the importer's rules)."""

    class Meta:
        model = Holiday
        fields = ["date", "kind", "name", "source", "confirmed"]


class _HolidaySave:
    """Create and edit through ``calendar_services.holiday_save``: validated as an imported row,
    logged, and the open deadlines it moves recomputed, the same as ``import_holidays``."""

    def save_instance(self):
        data = self.form.cleaned_data
        current = getattr(self, "object", None) if getattr(self, "object", None) and self.object.pk else None
        try:
            report = calendar_services.holiday_save(
                actor=self.request.user,
                date=data["date"],
                kind=data["kind"],
                name=data["name"],
                source=data.get("source", ""),
                confirmed=bool(data.get("confirmed")),
                holiday=current,
            )
        except calendar_services.CalendarImportError as exc:
            raise ValidationError([str(e) for e in exc.errors]) from exc
        _recomputed(self.request, report)
        return Holiday.objects.get(date=data["date"])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)


class HolidayCreateView(_HolidaySave, generic.CreateView):
    pass


class HolidayEditView(_HolidaySave, generic.EditView):
    pass


class HolidayDeleteView(generic.DeleteView):
    def delete_action(self):
        report = calendar_services.holiday_delete(actor=self.request.user, holiday=self.object)
        _recomputed(self.request, report)


def unconfirmed_warning() -> str:
    """The warning administrators see while a calendar day within the next
    ``rules.UNCONFIRMED_WARNING_DAYS`` days is not officially confirmed ("" when none is): every
    deadline over such a day is provisional until the notice is entered."""
    rows = deadline_services.unconfirmed_within()
    if not rows:
        return ""
    days = "; ".join(f"{row.date.strftime('%d/%m/%Y')} ({row.name})" for row in rows)
    return gettext(
        "Trong %(n)s ngày tới có ngày chưa được công bố chính thức: %(days)s. Các thời hạn qua những "
        "ngày này đang tạm tính; hãy cập nhật lịch khi có thông báo chính thức."
    ) % {"n": rules.UNCONFIRMED_WARNING_DAYS, "days": days}


class HolidayIndexView(generic.IndexView):
    def get(self, request, *args, **kwargs):
        warning = unconfirmed_warning()
        if warning:
            messages.warning(request, warning)
        return super().get(request, *args, **kwargs)


class HolidayViewSet(ModelViewSet):
    model = Holiday
    icon = "date"
    name = "case-holidays"
    menu_label = _("Lịch ngày làm việc")
    index_view_class = HolidayIndexView
    add_view_class = HolidayCreateView
    edit_view_class = HolidayEditView
    delete_view_class = HolidayDeleteView
    form_fields = ["date", "kind", "name", "source", "confirmed"]

    def get_form_class(self, for_update=False):
        return HolidayForm

    list_display = ["date", "kind", "name", "confirmed"]
    list_filter = ["kind", "confirmed"]
    search_fields = ["name", "source"]
    ordering = ["-date"]


def _administered(user):
    """The authorities ``user`` may edit: their own administration's sub-tree (cases.scope), or
    every one for a superuser. Moving a body, or creating one, under one's own unit would widen
    one's own scope (every case of that body would follow its path), so the tree an administrator
    may shape is the one they already administer."""
    return staff_scope(user).authorities()


class AuthorityForm(WagtailAdminModelForm):
    """The parent must be a body the user administers; the top of one's own administration keeps
    its place (only a superuser moves or creates a top-level body)."""

    class Meta:
        model = Authority
        fields = ["code", "name_vi", "name_en", "level", "parent", "remote_area", "valid_from", "valid_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None or user.is_superuser:
            return
        self.fields["parent"].queryset = _administered(user)
        self.fields["parent"].required = True
        if self.instance.pk and self.instance.path in staff_scope(user).roots:
            self.fields["parent"].disabled = True
            self.fields["parent"].help_text = gettext(
                "Chỉ quản trị hệ thống được chuyển cơ quan cấp cao nhất của bạn."
            )

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        user = self.for_user
        if user is None or user.is_superuser or self.fields["parent"].disabled:
            return parent
        if parent is not None and self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError(
                gettext("Cơ quan cấp trên không thể là chính cơ quan này hoặc cơ quan trực thuộc nó.")
            )
        if parent is None or not _administered(user).filter(pk=parent.pk).exists():
            raise ValidationError(gettext("Chỉ chọn được cơ quan cấp trên trong phạm vi bạn quản trị."))
        return parent


class _AdministeredAuthorities:
    """Index, edit and delete see only the authorities the user administers."""

    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=_administered(self.request.user).values("pk"))


class AuthorityIndexView(_AdministeredAuthorities, generic.IndexView):
    pass


class AuthorityEditView(generic.EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not _administered(self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class AuthorityDeleteView(generic.DeleteView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not _administered(self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class AuthorityViewSet(ModelViewSet):
    model = Authority
    icon = "site"
    name = "case-authorities"
    menu_label = _("Cơ quan")
    index_view_class = AuthorityIndexView
    edit_view_class = AuthorityEditView
    delete_view_class = AuthorityDeleteView
    form_fields = AuthorityForm.Meta.fields
    list_display = ["code", "name_vi", "level", "parent", "remote_area"]
    list_filter = ["level", "remote_area"]
    search_fields = ["code", "name_vi", "name_en"]
    ordering = ["path"]

    def get_form_class(self, for_update=False):
        return AuthorityForm


class MembershipCreateView(generic.CreateView):
    """A new role goes through ``cases.audit.grants``: given at once within the requester's own
    administration, otherwise filed for a head of agency at that scope to approve."""

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = grants.grant_request(
                actor=self.request.user, grantee=data["user"], authority=data["authority"], role=data["role"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if isinstance(result, GrantRequest):
            messages.warning(
                self.request,
                gettext(
                    "Đã gửi đề nghị cấp quyền (%(why)s); quyền có hiệu lực khi thủ trưởng cơ quan phê duyệt."
                )
                % {"why": result.why},
            )
            return redirect("cases_admin:grants")
        messages.success(self.request, gettext("Đã cấp quyền."))
        return redirect(self.index_url_name)


class MembershipEditView(generic.EditView):
    """Only the "active" switch can change: a role is never re-pointed at another person, body or
    role in place. Switching off revokes at once; switching on is a new grant (it may wait)."""

    def form_valid(self, form):
        membership = Membership.objects.get(pk=self.object.pk)
        wanted = form.cleaned_data["active"]
        try:
            if membership.active and not wanted:
                grants.grant_revoke(actor=self.request.user, membership=membership)
                messages.success(self.request, gettext("Đã thu hồi quyền."))
            elif wanted and not membership.active:
                result = grants.grant_request(
                    actor=self.request.user,
                    grantee=membership.user,
                    authority=membership.authority,
                    role=membership.role,
                )
                if isinstance(result, GrantRequest):
                    messages.warning(self.request, gettext("Đã gửi đề nghị cấp lại quyền, chờ phê duyệt."))
                    return redirect("cases_admin:grants")
                messages.success(self.request, gettext("Đã cấp lại quyền."))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        return redirect(self.index_url_name)


class MembershipDeleteView(generic.DeleteView):
    """Deleting a role revokes it (the row stays, inactive, and the revocation is logged)."""

    def delete_action(self):
        try:
            grants.grant_revoke(actor=self.request.user, membership=self.object)
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "group"
    name = "case-memberships"
    menu_label = _("Phân công cán bộ")
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    form_fields = ["user", "authority", "role", "active"]
    list_display = ["user", "authority", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "authority__code"]

    def get_form_class(self, for_update=False):
        if for_update:
            return forms.modelform_factory(Membership, form=WagtailAdminModelForm, fields=["active"])
        return super().get_form_class(for_update)


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
