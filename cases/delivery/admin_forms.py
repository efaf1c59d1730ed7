"""Forms of the workspace's signing and delivery screens. Every limit is ``cases.rules``'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import rules
from cases.models import Case
from cases.validation import RefusesControlCharacters

from .models import Delivery
from .selectors import results_to_send


class SignForm(RefusesControlCharacters, forms.Form):
    number = forms.CharField(
        label=_("Số văn bản"), max_length=rules.max_length("decision_number"), required=False
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký (in dưới chữ ký)"),
        max_length=rules.max_length("signer_title"),
        help_text=_("Ví dụ: Giám đốc; KT. Giám đốc — Phó Giám đốc; Chủ tịch."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Tôi đã kiểm tra nội dung và đồng ý ký số, ban hành văn bản này. Văn bản đã ký không thể sửa."
        ),
        error_messages={"required": _("Đánh dấu xác nhận trước khi ký.")},
    )


class DeliveryForm(RefusesControlCharacters, forms.Form):
    attachment = forms.ChoiceField(label=_("Văn bản gửi"))
    recipient_kind = forms.ChoiceField(label=_("Người nhận"), choices=Delivery.Recipient.choices)
    party = forms.ChoiceField(label=_("Người gửi đơn nhận kết quả"), required=False)
    recipient_name = forms.CharField(
        label=_("Tên người / cơ quan nhận"),
        required=False,
        max_length=rules.max_length("recipient_name"),
        help_text=_("Khi người nhận không phải người gửi đơn."),
    )
    address = forms.CharField(
        label=_("Địa chỉ nhận"),
        required=False,
        max_length=rules.max_length("address"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Để trống để dùng địa chỉ trong đơn của người gửi đơn."),
    )
    contact = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        required=False,
        max_length=rules.max_length("delivery_contact"),
        help_text=_("Để trống để dùng thông tin liên hệ trong đơn."),
    )
    channel = forms.ChoiceField(label=_("Hình thức gửi"), choices=Delivery.Channel.choices)
    postal_service = forms.ChoiceField(
        label=_("Doanh nghiệp bưu chính"),
        required=False,
        choices=[("", "—"), *Delivery.PostalService.choices],
    )
    tracking_number = forms.CharField(
        label=_("Số hiệu bưu gửi"), required=False, max_length=rules.max_length("tracking_number")
    )
    sent_at = forms.DateTimeField(
        label=_("Thời điểm gửi / giao"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    proof = forms.FileField(
        label=_("Bản quét giấy biên nhận (khi trao trực tiếp)"),
        required=False,
        help_text=_("PDF, JPEG hoặc PNG; có chữ ký của người nhận."),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=rules.max_length("note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, pending: Delivery | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        results = list(results_to_send(case))
        attachment_field: forms.ChoiceField = self.fields["attachment"]  # type: ignore[assignment]
        attachment_field.choices = [(str(a.pk), a.description or a.original_name) for a in results]
        party_field: forms.ChoiceField = self.fields["party"]  # type: ignore[assignment]
        party_field.choices = [("", "—")] + [
            (str(p.pk), f"{p.get_role_display()} #{p.position + 1}") for p in case.parties.all()
        ]
        self.fields["version"].initial = case.version
        self.fields["sent_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        if results:
            self.fields["attachment"].initial = str(results[0].pk)
        parties = list(case.parties.all())
        if parties:
            self.fields["party"].initial = str(parties[0].pk)
        if pending is not None:
            self.fields["attachment"].initial = str(pending.attachment_id)
            self.fields["recipient_kind"].initial = pending.recipient_kind
            self.fields["party"].initial = str(pending.party_id or "")
            self.fields["channel"].initial = pending.channel

    def clean_sent_at(self):
        value = self.cleaned_data["sent_at"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value


class ReceivedForm(RefusesControlCharacters, forms.Form):
    received_on = forms.DateField(
        label=_("Ngày người nhận nhận được"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    proof = forms.FileField(label=_("Phiếu báo phát / xác nhận (bản quét)"), required=False)


class ReturnedForm(RefusesControlCharacters, forms.Form):
    returned_on = forms.DateField(
        label=_("Ngày thư bị trả lại"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.ChoiceField(label=_("Lý do"), choices=Delivery.ReturnReason.choices)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DayForm(RefusesControlCharacters, forms.Form):
    date = forms.DateField(
        label=_("Ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
