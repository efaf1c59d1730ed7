"""Role grants in the Wagtail admin: requests waiting for a second person, their decision, and the
append-only grant log (``cases.audit.grants`` decides; these views only ask and show)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..audit import grants
from ..audit.models import GrantLogEntry, GrantRequest
from ..errors import ApplicationError
from ..models import Membership, Role
from ..validation import RefusesControlCharacters


def _roots(user, roles) -> list[str]:
    return list(
        Membership.objects.filter(user=user, role__in=roles, active=True).values_list(
            "authority__path", flat=True
        )
    )


def grants_scope(user) -> Q | None:
    """Which requests and log rows ``user`` reads: superusers and auditors all; administrators and
    heads of agency their sub-trees; the rest none (None)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or _roots(user, [Role.AUDITOR]):
        return Q()
    roots = _roots(user, [Role.ADMINISTRATOR, Role.HEAD_OF_AGENCY])
    if not roots:
        return None
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(authority__path__startswith=root)
    return q


class DecisionForm(RefusesControlCharacters, forms.Form):
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GrantsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/grants.html"
    header_icon = "group"
    page_title = _("Phê duyệt phân quyền")

    def dispatch(self, request, *args, **kwargs):
        self.scope = grants_scope(request.user)
        if self.scope is None:
            raise PermissionDenied(gettext("Bạn không có quyền xem các yêu cầu phân quyền."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        pending = list(
            GrantRequest.objects.filter(self.scope, state=GrantRequest.State.PENDING).select_related(
                "grantee", "authority", "requested_by"
            )
        )
        for item in pending:
            item.can_decide = grants.may_approve(user, item.authority) and user.pk not in (
                item.requested_by_id,
                item.grantee_id,
            )
            item.can_withdraw = user.pk == item.requested_by_id
        context.update(
            {
                "pending": pending,
                "log": GrantLogEntry.objects.filter(self.scope).select_related(
                    "actor", "grantee", "authority"
                )[:200],
                "form": DecisionForm(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(GrantRequest.objects.filter(self.scope), pk=request.POST.get("request"))
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            if request.POST.get("decision") == "approve":
                grants.grant_approve(actor=request.user, request=item, note=note)
                messages.success(request, gettext("Đã phê duyệt và cấp quyền."))
            else:
                grants.grant_refuse(actor=request.user, request=item, note=note)
                messages.success(request, gettext("Đã ghi nhận: không cấp quyền."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("cases_admin:grants")
        return redirect("cases_admin:grants")
