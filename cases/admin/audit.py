"""The access log for oversight: who revealed which identity, who opened or exported which case."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic.base import BaseListingView

from ..models import IdentityAccessLog
from . import common
from .listing import CappedPaginator, LabelledColumn
from .views import access_log_scope

ALL = "all"


class AccessLogFilterSet(WagtailFilterSet):
    """Reveals of identity first: without a choice, the log shows the reveals only (the rare rows
    that matter), and "Tất cả" brings back every opening and export."""

    action = django_filters.ChoiceFilter(
        label=_("Thao tác"),
        choices=[*IdentityAccessLog.Action.choices, (ALL, _("Tất cả thao tác"))],
        method="filter_action",
        empty_label=None,
    )
    user = django_filters.ChoiceFilter(label=_("Cán bộ"), method="filter_user")
    reason = django_filters.CharFilter(label=_("Lý do có chứa"), field_name="reason", lookup_expr="icontains")
    case = django_filters.CharFilter(label=_("Mã hồ sơ"), field_name="case__reference", lookup_expr="iexact")
    created = django_filters.DateFromToRangeFilter(
        label=_("Thời gian"), field_name="created_at", widget=DateRangePickerWidget
    )

    class Meta:
        model = IdentityAccessLog
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        if data is not None and not data.get("action"):
            data = data.copy()
            data["action"] = IdentityAccessLog.Action.REVEAL_IDENTITY
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["user"].extra["choices"] = [
            (str(u.pk), f"{common.user_display(u)} ({u.get_username()})")
            for u in common.staff_in_scope(request.user)
        ] + [
            (str(u.pk), f"{common.user_display(u)} ({u.get_username()})") for u in _intake_staff(request.user)
        ]

    def filter_action(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(action=value)

    def filter_user(self, queryset, name, value):
        return queryset.filter(user_id=int(value)) if str(value).isdigit() else queryset


def _intake_staff(user):
    from django.contrib.auth import get_user_model

    from ..models import Role

    return (
        get_user_model()
        .objects.filter(
            memberships__active=True,
            memberships__role__in=[Role.INTAKE, Role.ADMINISTRATOR],
            memberships__authority__in=common.authorities_in_scope(user),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class AccessLogPaginator(CappedPaginator):
    noun = _("dòng nhật ký")


class AccessLogView(BaseListingView):
    template_name = "cases/admin/access_log.html"
    results_template_name = "wagtailadmin/generic/listing_results.html"
    filterset_class = AccessLogFilterSet
    paginator_class = AccessLogPaginator
    paginate_by = 50
    header_icon = "history"
    page_title = _("Nhật ký truy cập")
    index_url_name = "cases_admin:access_log"
    index_results_url_name = "cases_admin:access_log_results"
    verbose_name = _("dòng nhật ký")
    verbose_name_plural = _("dòng nhật ký")

    def dispatch(self, request, *args, **kwargs):
        if access_log_scope(request.user) is None:
            raise PermissionDenied(
                gettext("Chỉ cán bộ kiểm tra, giám sát và thủ trưởng cơ quan xem được nhật ký truy cập.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("cases_admin:index"), "label": gettext("Hồ sơ")},
            {"url": "", "label": gettext("Nhật ký truy cập")},
        ]

    def get_base_queryset(self):
        return access_log_scope(self.request.user).order_by("-created_at", "-pk")

    def get_filterset_kwargs(self):
        return {"data": self.request.GET, "request": self.request}

    def filter_queryset(self, queryset):
        if self.filters and not self.filters.is_valid():
            return queryset.none()
        if self.filters:
            return self.filters.filter_queryset(queryset)
        return queryset

    @property
    def columns(self):
        return [
            LabelledColumn(
                "created_at",
                label=gettext("Thời gian"),
                accessor=lambda log: timezone.localtime(log.created_at).strftime("%d/%m/%Y %H:%M:%S"),
            ),
            LabelledColumn(
                "user",
                label=gettext("Cán bộ"),
                accessor=lambda log: f"{common.user_display(log.user)} ({log.user.get_username()})",
            ),
            LabelledColumn("action", label=gettext("Thao tác"), accessor="get_action_display"),
            TitleColumn(
                "case",
                label=gettext("Hồ sơ"),
                classname="kntc-nowrap",
                accessor=lambda log: log.case.reference,
                get_url=lambda log: reverse("cases_admin:detail", args=[log.case.reference]),
            ),
            # The party's role and position, never its name.
            LabelledColumn(
                "party",
                label=gettext("Người gửi đơn"),
                accessor=lambda log: str(log.party) if log.party_id else "",
            ),
            LabelledColumn("reason", label=gettext("Lý do"), accessor="reason"),
        ]
