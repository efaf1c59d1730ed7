"""The protection screens of the workspace (under /admin/cases/<reference>/protection/, wired in
``cases/protection/wagtail_hooks.py``): one form per step, each calling one service, and the
need-to-know identity read. Views stay thin: the verdicts come from ``permissions`` and ``rules``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases.admin import common
from cases.errors import ApplicationError
from cases.rules import ALLOWED, Verdict

from . import forms as f
from . import permissions, rules, services
from .models import ProtectionNotice, ProtectionRequest


@dataclass(frozen=True)
class Step:
    slug: str
    label: Any
    form: type
    # (user, case, request) -> Verdict; request is None for "new"
    verdict: Callable[[Any, Any, ProtectionRequest | None], Verdict]
    run: Callable[..., Any]  # (user, case, request, cleaned_data, form=...) -> the service result
    primary: bool = False


def _both(*verdicts: Verdict) -> Verdict:
    for verdict in verdicts:
        if not verdict:
            return verdict
    return ALLOWED


def _new(user, case, request):
    return _both(permissions.can_receive(user, case), rules.can_request(case))


def _decide(rule):
    return lambda user, case, request: _both(permissions.can_decide(user, case), rule(request))


def _keep(rule=None):
    def verdict(user, case, request):
        return _both(permissions.can_keep_file(user, request), rule(request) if rule else ALLOWED)

    return verdict


def _open(request):
    if request.status == ProtectionRequest.Status.ENDED:
        return Verdict(False, _("Việc bảo vệ đã chấm dứt (Luật Tố cáo 2018, Điều 54 khoản 2)."))
    return ALLOWED


def _can_end(request):
    return rules.can_end(request, ProtectionRequest.EndGround.GROUNDS_CEASED, timezone.localdate())


STEPS: dict[str, Step] = {
    s.slug: s
    for s in [
        Step(
            "new",
            _("Tiếp nhận đề nghị bảo vệ"),
            f.RequestForm,
            _new,
            lambda user, case, request, d, form=None: services.protection_request_record(
                case=case,
                actor=user,
                channel=d["channel"],
                urgent=d["urgent"],
                requested_on=d["requested_on"],
                reasons=d["reasons"],
                measures=d["measures"],
                signed=d["signed"],
                persons=form.persons(),
            ),
            primary=True,
        ),
        Step(
            "confirm",
            _("Ghi nhận văn bản xác nhận"),
            f.ConfirmForm,
            _keep(rules.can_confirm),
            lambda user, case, request, d, form=None: services.protection_request_confirm(
                request=request, actor=user, confirmed_on=d["confirmed_on"], signed=d["signed"]
            ),
        ),
        Step(
            "apply",
            _("Quyết định áp dụng biện pháp bảo vệ"),
            f.ApplyForm,
            _decide(rules.can_decide),
            lambda user, case, request, d, form=None: services.protection_apply(
                request=request,
                actor=user,
                measures=d["measures"],
                basis=d["basis"],
                responsibilities=d["responsibilities"],
                starts_on=d["starts_on"],
                decision_number=d["decision_number"],
                under_management=d["under_management"],
            ),
            primary=True,
        ),
        Step(
            "refer",
            _("Đề nghị cơ quan có thẩm quyền"),
            f.ReferForm,
            _decide(rules.can_decide),
            lambda user, case, request, d, form=None: services.protection_refer(
                request=request,
                actor=user,
                competent_body=d["competent_body"],
                measures=d["measures"],
                basis=d["basis"],
                number=d["number"],
            ),
        ),
        Step(
            "refuse",
            _("Không áp dụng, thông báo lý do"),
            f.RefuseForm,
            _decide(rules.can_decide),
            lambda user, case, request, d, form=None: services.protection_refuse(
                request=request, actor=user, reasons=d["reasons"], number=d["number"]
            ),
        ),
        Step(
            "answer",
            _("Ghi nhận trả lời của cơ quan có thẩm quyền"),
            f.BodyAnswerForm,
            _decide(rules.can_record_body_answer),
            lambda user, case, request, d, form=None: services.protection_body_answer(
                request=request,
                actor=user,
                applied=d["applied"],
                dated=d["dated"],
                number=d["number"],
                measures=d["measures"],
                starts_on=d["starts_on"],
                reasons=d["reasons"],
            ),
        ),
        Step(
            "change",
            _("Thay đổi, bổ sung biện pháp"),
            f.ChangeForm,
            _decide(rules.can_change),
            lambda user, case, request, d, form=None: services.protection_change(
                request=request,
                actor=user,
                measures=d["measures"],
                basis=d["basis"],
                number=d["number"],
                on_request_dated=d["on_request_dated"],
                under_management=d["under_management"],
            ),
        ),
        Step(
            "end",
            _("Chấm dứt bảo vệ"),
            f.EndForm,
            _decide(_can_end),
            lambda user, case, request, d, form=None: services.protection_end(
                request=request,
                actor=user,
                ground=d["ground"],
                note=d["note"],
                number=d["number"],
                on_request_dated=d["on_request_dated"],
            ),
        ),
        Step(
            "document",
            _("Bổ sung tài liệu vào hồ sơ"),
            f.DocumentForm,
            _keep(_open),
            lambda user, case, request, d, form=None: services.protection_document_add(
                request=request,
                actor=user,
                kind=d["kind"],
                dated=d["dated"],
                number=d["number"],
                summary=d["summary"],
            ),
        ),
    ]
}
# The buttons of one request on the panel, in order.
REQUEST_STEPS = ("confirm", "apply", "refer", "refuse", "answer", "change", "end", "document")


def _breadcrumbs(case, label):
    return [
        {"url": reverse("cases_admin:index"), "label": gettext("Hồ sơ")},
        {"url": reverse("cases_admin:detail", args=[case.reference]), "label": case.reference},
        {"url": "", "label": label},
    ]


def _request_for(case, pk) -> ProtectionRequest:
    request = ProtectionRequest.objects.filter(case=case, pk=pk).select_related("case").first()
    if request is None:
        raise Http404
    return request


def _apply_errors(form, exc: ApplicationError) -> None:
    for name, errors in exc.field_errors.items():
        if name in form.fields:
            for err in errors:
                form.add_error(name, str(err))
    form.add_error(None, exc.message)


class _Screen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "lock"
    template_name = "protection/admin/form.html"

    def get_page_title(self):
        return f"{self.title} · {self.case.reference}"

    def get_breadcrumbs_items(self):
        return _breadcrumbs(self.case, str(self.title))


class StepView(_Screen):
    """One step of the process: the form, then its service."""

    def dispatch(self, request, reference, step, pk=None):
        self.case = common.case_for(request.user, reference)
        self.step = STEPS.get(step)
        if self.step is None or (pk is None) != (step == "new"):
            raise Http404
        self.protection = _request_for(self.case, pk) if pk is not None else None
        verdict = self.step.verdict(request.user, self.case, self.protection)
        if not verdict:
            raise PermissionDenied(str(verdict.reason))
        self.title = self.step.label
        return super().dispatch(request, reference, step, pk)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.step.form()))

    def post(self, request, *args, **kwargs):
        form = self.step.form(request.POST)
        if form.is_valid():
            try:
                self.step.run(request.user, self.case, self.protection, form.cleaned_data, form=form)
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã ghi nhận: %(step)s.") % {"step": self.step.label})
                return redirect(reverse("cases_admin:detail", args=[self.case.reference]) + "#protection-h")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"case": self.case, "protection": self.protection, "step": self.step})
        return context


class NoticeSentView(_Screen):
    title = _("Ghi nhận đã gửi thông báo")

    def dispatch(self, request, reference, pk, notice_id):
        self.case = common.case_for(request.user, reference)
        self.protection = _request_for(self.case, pk)
        self.notice = ProtectionNotice.objects.filter(request=self.protection, pk=notice_id).first()
        if self.notice is None:
            raise Http404
        verdict = permissions.can_keep_file(request.user, self.protection)
        if not verdict:
            raise PermissionDenied(str(verdict.reason))
        return super().dispatch(request, reference, pk, notice_id)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=f.NoticeSentForm()))

    def post(self, request, *args, **kwargs):
        form = f.NoticeSentForm(request.POST)
        if form.is_valid():
            try:
                services.protection_notice_sent(
                    notice=self.notice, actor=request.user, channel=form.cleaned_data["channel"]
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã ghi nhận gửi thông báo."))
                return redirect(reverse("cases_admin:detail", args=[self.case.reference]) + "#protection-h")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"case": self.case, "protection": self.protection, "notice": self.notice})
        return context


class IdentityView(_Screen):
    """Who the protected people are, after a stated reason; each read is logged and on the
    internal timeline (``services.protection_identity_read``)."""

    template_name = "protection/admin/identity.html"
    title = _("Nhân thân người được bảo vệ")

    def dispatch(self, request, reference, pk):
        self.case = common.case_for(request.user, reference)
        self.protection = _request_for(self.case, pk)
        verdict = permissions.can_read_identity(request.user, self.protection)
        if not verdict:
            raise PermissionDenied(str(verdict.reason))
        return super().dispatch(request, reference, pk)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=f.IdentityForm()))

    def post(self, request, *args, **kwargs):
        form = f.IdentityForm(request.POST)
        if form.is_valid():
            try:
                persons = services.protection_identity_read(
                    user=request.user, request=self.protection, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                response = self.render_to_response(self.get_context_data(form=None, persons=persons))
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"case": self.case, "protection": self.protection})
        return context
