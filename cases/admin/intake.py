"""Intake officers register a paper letter or a walk-in visit through ``services.case_submit``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import permissions, rules, services
from ..errors import ApplicationError
from ..models import Authority, Case
from ..validation import RefusesControlCharacters
from . import common, staging
from .forms import MultipleFileField
from .listing import intake_allowed
from .widgets import DATE_HINT, DATETIME_HINT, DateInput, DateTimeInput

STAFF_CHANNELS = [(c, label) for c, label in Case.Channel.choices if c != Case.Channel.ONLINE]


class RegisterForm(RefusesControlCharacters, forms.Form):
    channel = forms.ChoiceField(label=_("Hình thức nhận"), choices=STAFF_CHANNELS, initial=Case.Channel.POST)
    received_at = forms.DateTimeField(
        label=_("Thời điểm nhận"),
        widget=DateTimeInput,
        required=False,
        help_text=_("Để trống nếu là bây giờ; %(hint)s.") % {"hint": DATETIME_HINT},
    )
    kind = forms.ChoiceField(label=_("Loại đơn"), choices=Case.Kind.choices)
    authority = forms.ModelChoiceField(
        label=_("Cơ quan có thẩm quyền (nếu đã rõ)"), queryset=Authority.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Tiêu đề"), max_length=rules.max_length("subject"))
    description = forms.CharField(
        label=_("Nội dung đơn / nội dung trình bày"), widget=forms.Textarea(attrs={"rows": 6})
    )
    contested_act = forms.CharField(
        label=_("Quyết định, hành vi bị khiếu nại"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contested_act_known_on = forms.DateField(
        label=_("Ngày nhận được/biết quyết định"), required=False, widget=DateInput, help_text=DATE_HINT
    )
    discipline = forms.BooleanField(
        label=_("Khiếu nại quyết định kỷ luật cán bộ, công chức"),
        required=False,
        help_text=_(
            "Có thời hạn riêng ở cả hai lần giải quyết (Luật Khiếu nại 2011, Chương IV, Điều 47–58)."
        ),
    )
    dismissal = forms.BooleanField(label=_("Hình thức kỷ luật buộc thôi việc"), required=False)
    accused_name = forms.CharField(
        label=_("Người bị khiếu nại/tố cáo"), required=False, max_length=rules.max_length("accused_name")
    )
    accused_position = forms.CharField(
        label=_("Chức vụ"), required=False, max_length=rules.max_length("accused_position")
    )
    accused_authority = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị bị khiếu nại/tố cáo"),
        queryset=Authority.objects.order_by("path"),
        required=False,
    )
    full_name = forms.CharField(
        label=_("Họ và tên người gửi đơn"), required=False, max_length=rules.max_length("full_name")
    )
    national_id = forms.CharField(
        label=_("Số định danh cá nhân/CCCD"), required=False, max_length=rules.max_length("national_id")
    )
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=rules.max_length("address"))
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=rules.max_length("phone"))
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    files = MultipleFileField(label=_("Bản chụp đơn, tài liệu kèm theo"), required=False)  # type: ignore[assignment]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.filter(
            pk__in=[a.pk for a in common.authorities_in_scope(user) if permissions.can_register_for(user, a)]
        ).order_by("path")
        self.fields["authority"].label_from_instance = lambda a: a.display_name(common.lang())
        self.fields["accused_authority"].label_from_instance = self.fields["authority"].label_from_instance


class RegisterView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/register.html"
    header_icon = "mail"
    page_title = _("Tiếp nhận đơn")

    def dispatch(self, request, *args, **kwargs):
        if not intake_allowed(request.user):
            raise PermissionDenied(gettext("Bạn không có quyền tiếp nhận đơn."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("cases_admin:index"), "label": gettext("Hồ sơ")},
            {"url": "", "label": gettext("Tiếp nhận đơn")},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=RegisterForm(user=request.user)))

    def _rejected(self, form, stage, *, keep_new: bool = True):
        """The form again, with its errors and every file uploaded so far kept (``staging``)."""
        uploads = self.request.FILES.getlist("files") if keep_new else []
        stage = staging.keep_uploads(self.request, stage, uploads)
        context = self.get_context_data(form=form)
        if stage is not None:
            context["staged"] = stage.files()
            context["staged_token"] = stage.signed(self.request.user)
        return self.render_to_response(context, status=400)

    def post(self, request, *args, **kwargs):
        stage = staging.stage_for_request(request)
        form = RegisterForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._rejected(form, stage, keep_new="files" not in form.errors)
        d = form.cleaned_data
        parties = []
        if d["full_name"]:
            parties.append(
                services.PartyInput(
                    full_name=d["full_name"],
                    national_id=d["national_id"],
                    address=d["address"],
                    phone=d["phone"],
                    email=d["email"],
                    is_representative=True,
                )
            )
        files = [
            services.FileInput(
                name=f.name,
                content=f.read(),
                content_type=f.content_type or "",
                contains_identity=d["kind"] == Case.Kind.DENUNCIATION,
            )
            for f in d.get("files") or []
        ]
        for meta, content in stage.read() if stage is not None else []:
            files.append(
                services.FileInput(
                    name=meta.name,
                    content=content,
                    content_type=meta.content_type,
                    contains_identity=d["kind"] == Case.Kind.DENUNCIATION,
                )
            )
        try:
            result = services.case_submit(
                kind=d["kind"],
                subject=d["subject"],
                description=d["description"],
                parties=parties,
                channel=d["channel"],
                authority=d["authority"],
                contested_act=d["contested_act"],
                contested_act_known_on=d["contested_act_known_on"],
                accused_name=d["accused_name"],
                accused_position=d["accused_position"],
                accused_authority=d["accused_authority"],
                discipline=d["discipline"],
                dismissal=d["dismissal"],
                files=files,
                actor=request.user,
                received_at=d["received_at"] or timezone.now(),
            )
        except ApplicationError as exc:
            for name, errors in exc.field_errors.items():
                field = name.split(".")[-1] if name.startswith("parties.") else name
                if field == "parties":
                    field = "full_name"
                for err in errors:
                    form.add_error(field if field in form.fields else None, str(err))
            form.add_error(None, exc.message)
            return self._rejected(
                form, stage, keep_new=not any(k.startswith("files") for k in exc.field_errors)
            )
        if stage is not None:
            stage.discard()
        from .slip import slip_context
        from .views import duplicate_candidates

        response = self.render_to_response(
            self.get_context_data(
                form=None,
                result=result,
                slip=slip_context(result, request.user),
                duplicates=duplicate_candidates(result.case, request.user, limit=5),
            )
        )
        response["Cache-Control"] = "no-store"  # the tracking key is shown once
        return response
