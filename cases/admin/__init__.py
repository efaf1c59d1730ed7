"""The inspector workspace in the Wagtail admin (``cases.admin.*`` modules, wired up in
``cases/wagtail_hooks.py``) and, here, the Django admin registrations of the reference data.

Django's admin autodiscovery imports this package, so only the reference-data registrations live
in this module; every case change goes through ``cases.services`` from the Wagtail views."""

from django.contrib import admin, messages

from ..deadline_services import calendar_changed
from ..models import Authority, EscalationPolicy, Holiday, Membership
from ..roles import membership_grant, membership_revoke


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "confirmed", "source")
    list_filter = ("kind", "confirmed")
    search_fields = ("name", "source")
    date_hierarchy = "date"

    def _recompute(self, request):
        result = calendar_changed(actor=request.user)
        messages.info(
            request,
            f"Đã tính lại {result['checked']} thời hạn; {result['moved_cases']} hồ sơ đổi hạn / "
            f"{result['checked']} deadlines rechecked, {result['moved_cases']} cases moved",
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            obj.delete()
        self._recompute(request)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "level", "parent", "remote_area", "valid_from", "valid_to")
    list_filter = ("level", "remote_area")
    search_fields = ("code", "name_vi", "name_en")
    readonly_fields = ("path",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "authority", "role", "active")
    list_filter = ("role", "active", "authority")
    search_fields = ("user__username", "user__last_name", "authority__code")

    def save_model(self, request, obj, form, change):
        # Through cases.roles so the role's group (and its permissions) follow the membership.
        if obj.active:
            membership_grant(user=obj.user, authority=obj.authority, role=obj.role)
        elif obj.pk:
            membership_revoke(user=obj.user, authority=obj.authority, role=obj.role)
        else:
            super().save_model(request, obj, form, change)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "warn_leads", "level2_after", "level3_after")
