"""Workspace screens for signed documents and the delivery of results (under /admin/cases/, wired in
``cases/delivery/wagtail_hooks.py``): the "Ký số và ban hành" confirmation, the "Gửi / trả kết quả"
form, receipt and return, the printable envelope (identity only with the identity permission, and
every print is an access-log row), and the clerk's daily delivery list with the "sent on time"
figure and the list it counts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases import permissions, reporting, services
from cases.admin import common
from cases.admin.listing import scoped_cases
from cases.errors import ApplicationError, PermissionDeniedError
from cases.models import Attachment, Case, CaseEvent, IdentityAccessLog

from . import admin_forms as f
from . import selectors, signing
from .models import Delivery, SignedDocument
from .services import (
    default_signer_title,
    delivery_mark_received,
    delivery_mark_returned,
    delivery_record,
    document_issue_signed,
    signer_display_name,
    unsigned_documents,
)


def _breadcrumbs(case: Case, label: str):
    return [
        {"url": reverse("cases_admin:index"), "label": gettext("Hồ sơ")},
        {"url": reverse("cases_admin:detail", args=[case.reference]), "label": case.reference},
        {"url": "", "label": label},
    ]


def _file_input(upload):
    if not upload:
        return None
    return services.FileInput(name=upload.name, content=upload.read(), content_type=upload.content_type or "")


def _apply_errors(form, exc: ApplicationError) -> None:
    for name, errors in exc.field_errors.items():
        if name in form.fields:
            for err in errors:
                form.add_error(name, str(err))
    form.add_error(None, exc.message)


class _CaseScreen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"
    verb = "deliver"
    title = ""

    def dispatch(self, request, reference, *args, **kwargs):
        self.case = common.case_for(request.user, reference)
        if permissions.is_auditor(request.user):
            raise PermissionDenied(gettext("Tài khoản kiểm tra, giám sát chỉ được xem."))
        common.require(self.verb, request.user, self.case)
        return super().dispatch(request, reference, *args, **kwargs)

    def get_page_title(self):
        return f"{self.title} · {self.case.reference}"

    def get_breadcrumbs_items(self):
        return _breadcrumbs(self.case, str(self.title))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, title=self.title, deadlines=common.deadline_rows(self.case))
        return context


# ------------------------------------------------------------------------------ signing


class SignView(_CaseScreen):
    """The confirmation step before a decision or notice is signed and issued."""

    template_name = "delivery/admin/sign.html"
    verb = "sign"
    header_icon = "success"

    @property
    def title(self):
        return gettext("Ký số và ban hành")

    def dispatch(self, request, reference, attachment_id):
        self.attachment_id = attachment_id
        return super().dispatch(request, reference, attachment_id)

    def _source(self) -> Attachment:
        source = unsigned_documents(self.case).filter(pk=self.attachment_id).first()
        if source is None:
            raise Http404
        return source

    def _number(self) -> str:
        for kind in ("case.decided", "case.concluded", "case.extended"):
            event = CaseEvent.objects.filter(case=self.case, kind=kind).order_by("-seq").first()
            if event and event.data.get("decision_number"):
                return event.data["decision_number"]
        return ""

    def _form(self, data=None):
        return f.SignForm(
            data,
            initial={
                "number": self._number(),
                "signer_title": default_signer_title(self.request.user, self.case),
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                document = document_issue_signed(
                    case=self.case,
                    actor=request.user,
                    attachment=self._source(),
                    number=form.cleaned_data["number"],
                    signer_title=form.cleaned_data["signer_title"],
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("Đã ký số và ban hành %(title)s (SHA-256 %(hash)s…).")
                    % {"title": document.title, "hash": document.sha256[:16]},
                )
                return redirect("cases_admin:detail", self.case.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate, problem = None, ""
        try:
            certificate = signing.signer_certificate()
        except ApplicationError as exc:
            problem = exc.message
        context.update(
            source=self._source(),
            signer_name=signer_display_name(self.request.user),
            certificate=certificate,
            signing_problem=problem,
        )
        return context


# ------------------------------------------------------------------------------ delivery


class DeliveryRecordView(_CaseScreen):
    template_name = "delivery/admin/record.html"

    @property
    def title(self):
        return gettext("Gửi / trả kết quả")

    def _pending(self) -> Delivery | None:
        pk = self.request.GET.get("pending") or self.request.POST.get("pending")
        if not pk or not str(pk).isdigit():
            return None
        return Delivery.objects.filter(case=self.case, pk=int(pk), status=Delivery.Status.PENDING).first()

    def get(self, request, *args, **kwargs):
        form = f.DeliveryForm(case=self.case, pending=self._pending())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        pending = self._pending()
        form = f.DeliveryForm(request.POST, request.FILES, case=self.case, pending=pending)
        if form.is_valid():
            d = form.cleaned_data
            attachment = Attachment.objects.filter(case=self.case, pk=int(d["attachment"])).first()
            party = self.case.parties.filter(pk=int(d["party"])).first() if d.get("party") else None
            try:
                if attachment is None:
                    raise ApplicationError(gettext("Chọn văn bản kết quả của hồ sơ này."))
                delivery_record(
                    case=self.case,
                    actor=request.user,
                    attachment=attachment,
                    recipient_kind=d["recipient_kind"],
                    party=party if d["recipient_kind"] == Delivery.Recipient.PARTY else None,
                    recipient_name=d["recipient_name"],
                    address=d["address"],
                    contact=d["contact"],
                    channel=d["channel"],
                    sent_at=d["sent_at"],
                    postal_service=d["postal_service"],
                    tracking_number=d["tracking_number"],
                    proof=_file_input(d.get("proof")),
                    note=d["note"],
                    pending=pending,
                    expected_version=d["version"],
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã ghi nhận việc gửi kết quả."))
                return redirect("cases_admin:detail", self.case.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = self._pending()
        return context


class _DeliveryScreen(_CaseScreen):
    form_class: type = f.ReceivedForm

    def dispatch(self, request, reference, delivery_id):
        self.delivery_id = delivery_id
        return super().dispatch(request, reference, delivery_id)

    @property
    def delivery(self) -> Delivery:
        delivery = Delivery.objects.filter(case=self.case, pk=self.delivery_id).first()
        if delivery is None:
            raise Http404
        return delivery

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=self.form_class(initial={self.date_field: timezone.localdate()}))
        )

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.perform(form.cleaned_data)
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, str(self.success))
                return redirect("cases_admin:detail", self.case.reference)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["delivery"] = self.delivery
        return context


class DeliveryReceivedView(_DeliveryScreen):
    template_name = "delivery/admin/simple_form.html"
    form_class = f.ReceivedForm
    date_field = "received_on"

    @property
    def title(self):
        return gettext("Ghi nhận người nhận đã nhận")

    @property
    def success(self):
        return gettext("Đã ghi nhận người nhận đã nhận kết quả.")

    def perform(self, d):
        delivery_mark_received(
            delivery=self.delivery,
            actor=self.request.user,
            received_on=d["received_on"],
            proof=_file_input(d.get("proof")),
        )


class DeliveryReturnedView(_DeliveryScreen):
    template_name = "delivery/admin/simple_form.html"
    form_class = f.ReturnedForm
    date_field = "returned_on"

    @property
    def title(self):
        return gettext("Ghi nhận thư bị trả lại")

    @property
    def success(self):
        return gettext("Đã ghi nhận thư bị trả lại; kết quả được đưa lại vào danh sách phải gửi.")

    def perform(self, d):
        delivery_mark_returned(
            delivery=self.delivery,
            actor=self.request.user,
            returned_on=d["returned_on"],
            reason=d["reason"],
            note=d["note"],
        )


class EnvelopeView(_CaseScreen):
    """A printable envelope / address label. The recipient's identity is printed only for a user
    with the identity permission, and each print of a party's address is an access-log row."""

    template_name = "delivery/admin/envelope.html"

    @property
    def title(self):
        return gettext("In phong bì")

    def dispatch(self, request, reference, delivery_id):
        self.delivery_id = delivery_id
        return super().dispatch(request, reference, delivery_id)

    def get(self, request, *args, **kwargs):
        delivery = (
            Delivery.objects.filter(case=self.case, pk=self.delivery_id).select_related("party").first()
        )
        if delivery is None:
            raise Http404
        may_see = delivery.party is None or permissions.user_can_view_identity(request.user, self.case)
        address = None
        if may_see:
            address = selectors.delivery_address(delivery)
            if delivery.party is not None:
                services.identity_access_record(
                    user=request.user,
                    case=self.case,
                    action=IdentityAccessLog.Action.REVEAL_IDENTITY,
                    party=delivery.party,
                    reason=gettext("In phong bì gửi kết quả (lượt gửi #%(n)s)") % {"n": delivery.pk},
                )
        response = self.render_to_response(
            self.get_context_data(delivery=delivery, address=address, may_see=may_see)
        )
        response["Cache-Control"] = "no-store"
        return response


# ------------------------------------------------------------------------------ the clerk's list


def delivery_allowed(user) -> bool:
    if not (user and user.is_authenticated) or permissions.is_auditor(user):
        return False
    if user.is_superuser:
        return True
    return any(role in permissions.ACTION_ROLES["deliver"] for role, _path in permissions._memberships(user))


class DailyListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "delivery/admin/daily.html"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not delivery_allowed(request.user):
            raise PermissionDenied(gettext("Bạn không có quyền ghi nhận việc gửi kết quả."))
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Gửi kết quả trong ngày")

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = f.DayForm(self.request.GET or None)
        day = timezone.localdate()
        if form.is_valid() and form.cleaned_data.get("date"):
            day = form.cleaned_data["date"]
        cases = scoped_cases(self.request.user)
        start = day.replace(day=1)
        figure = reporting.sent_on_time_counts(cases, start, day)
        context.update(
            form=form,
            day=day,
            previous=day - dt.timedelta(days=1),
            next=day + dt.timedelta(days=1),
            lists=selectors.daily_list(cases, day),
            figure=figure,
            period=(start, day),
            definition=dict(reporting.methods(("sent_on_time",))),
        )
        return context


class SentOnTimeListView(DailyListView):
    """The cases the "sent on time" figure counts (on time or late) for a period."""

    template_name = "delivery/admin/sent_list.html"

    def get_page_title(self):
        return gettext("Gửi kết quả đúng hạn / trễ hạn")

    def get_context_data(self, **kwargs):
        context = TemplateView.get_context_data(self, **kwargs)
        context.update(WagtailAdminTemplateMixin.get_context_data(self, **kwargs))
        today = timezone.localdate()
        try:
            start = dt.date.fromisoformat(self.request.GET.get("from", ""))
            end = dt.date.fromisoformat(self.request.GET.get("to", ""))
        except ValueError:
            start, end = today.replace(day=1), today
        outcome = self.request.GET.get("outcome", "on_time")
        if outcome not in ("on_time", "late"):
            outcome = "on_time"
        cases = reporting.sent_on_time_cases(scoped_cases(self.request.user), start, end, outcome)
        context.update(
            cases=list(cases.select_related("authority").order_by("reference")[:500]),
            outcome=outcome,
            period=(start, end),
            signed=SignedDocument,
        )
        return context
