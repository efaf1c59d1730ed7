"""The forms of the protection screens. Dates are typed dd/mm/yyyy."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Channel, Measure, ProtectionDocument, ProtectionNotice, Relation

DATE_FORMATS = ["%d/%m/%Y"]
RELATIVES = 3  # slots for relatives on the request form (Art 47(1))


def _date(label, *, required=True, initial_today=False):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        initial=(lambda: timezone.localdate()) if initial_today else None,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}),
        error_messages={"invalid": _("Nhập ngày theo dạng dd/mm/yyyy.")},
    )


def _measures(label=None, required=True):
    return forms.MultipleChoiceField(
        label=label or _("Biện pháp bảo vệ"),
        choices=Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


def _text(label, *, required=True, rows=3):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class RequestForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hình thức đề nghị"), choices=Channel.choices)
    urgent = forms.BooleanField(label=_("Trường hợp khẩn cấp (Điều 50 khoản 3)"), required=False)
    requested_on = _date(_("Ngày đề nghị"), initial_today=True)
    signed = forms.BooleanField(
        label=_("Văn bản có chữ ký hoặc điểm chỉ của người tố cáo (Điều 50 khoản 2 điểm d)"), required=False
    )
    reasons = _text(_("Lý do và nội dung đề nghị bảo vệ (Điều 50 khoản 2 điểm c)"))
    measures = _measures(_("Nội dung đề nghị bảo vệ"))
    protect_denouncer = forms.BooleanField(label=_("Bảo vệ người tố cáo"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relatives = [(v, label) for v, label in Relation.choices if v != Relation.DENOUNCER]
        for i in range(1, RELATIVES + 1):
            self.fields[f"relative_{i}_relation"] = forms.ChoiceField(
                label=_("Thân nhân %(n)s: quan hệ") % {"n": i},
                choices=[("", "—"), *relatives],
                required=False,
            )
            self.fields[f"relative_{i}_name"] = forms.CharField(
                label=_("Thân nhân %(n)s: họ và tên") % {"n": i}, required=False
            )
            self.fields[f"relative_{i}_address"] = forms.CharField(
                label=_("Thân nhân %(n)s: địa chỉ") % {"n": i}, required=False
            )
            self.fields[f"relative_{i}_phone"] = forms.CharField(
                label=_("Thân nhân %(n)s: điện thoại") % {"n": i}, required=False
            )

    def persons(self):
        from .services import PersonInput

        data = self.cleaned_data
        persons = [PersonInput(relation=Relation.DENOUNCER)] if data.get("protect_denouncer") else []
        for i in range(1, RELATIVES + 1):
            relation = data.get(f"relative_{i}_relation")
            if relation:
                persons.append(
                    PersonInput(
                        relation=relation,
                        full_name=data.get(f"relative_{i}_name", ""),
                        address=data.get(f"relative_{i}_address", ""),
                        phone=data.get(f"relative_{i}_phone", ""),
                    )
                )
        return persons


class ConfirmForm(forms.Form):
    confirmed_on = _date(_("Ngày văn bản"), initial_today=True)
    signed = forms.BooleanField(label=_("Có chữ ký hoặc điểm chỉ của người tố cáo"), required=False)


class ApplyForm(forms.Form):
    measures = _measures()
    under_management = forms.BooleanField(
        label=_("Người được bảo vệ thuộc quyền quản lý của cơ quan (Điều 49 khoản 1)"), required=False
    )
    basis = _text(_("Căn cứ ra quyết định (Điều 52 khoản 2 điểm b)"))
    responsibilities = _text(
        _("Trách nhiệm của cơ quan, tổ chức, cá nhân thực hiện (Điều 52 khoản 2 điểm d)")
    )
    starts_on = _date(_("Thời điểm bắt đầu thực hiện (Điều 52 khoản 2 điểm đ)"), initial_today=True)
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=60)


class ReferForm(forms.Form):
    competent_body = forms.CharField(label=_("Cơ quan có thẩm quyền được đề nghị"), max_length=255)
    measures = _measures(_("Biện pháp đề nghị áp dụng"))
    basis = _text(_("Căn cứ, lý do đề nghị"))
    number = forms.CharField(label=_("Số văn bản"), required=False, max_length=60)


class RefuseForm(forms.Form):
    reasons = _text(_("Lý do không áp dụng biện pháp bảo vệ (Điều 51 khoản 3)"), required=False)
    number = forms.CharField(label=_("Số thông báo"), required=False, max_length=60)


class BodyAnswerForm(forms.Form):
    applied = forms.TypedChoiceField(
        label=_("Trả lời của cơ quan có thẩm quyền"),
        choices=[("1", _("Quyết định áp dụng biện pháp bảo vệ")), ("0", _("Không áp dụng, có nêu lý do"))],
        coerce=lambda v: v == "1",
    )
    dated = _date(_("Ngày văn bản trả lời"), initial_today=True)
    number = forms.CharField(label=_("Số văn bản"), required=False, max_length=60)
    measures = _measures(_("Biện pháp được áp dụng"), required=False)
    starts_on = _date(_("Thời điểm bắt đầu thực hiện"), required=False)
    reasons = _text(_("Lý do không áp dụng"), required=False)


class ChangeForm(forms.Form):
    measures = _measures(_("Biện pháp bảo vệ sau khi thay đổi, bổ sung"))
    under_management = forms.BooleanField(
        label=_("Người được bảo vệ thuộc quyền quản lý của cơ quan (Điều 49 khoản 1)"), required=False
    )
    basis = _text(_("Căn cứ thay đổi, bổ sung (Điều 54 khoản 1)"))
    number = forms.CharField(label=_("Số quyết định"), required=False, max_length=60)
    on_request_dated = _date(_("Ngày văn bản đề nghị của người được bảo vệ (nếu có)"), required=False)


class EndForm(forms.Form):
    ground = forms.ChoiceField(label=_("Căn cứ chấm dứt (Điều 54 khoản 2 điểm b)"))
    note = _text(_("Ghi chú"), required=False)
    number = forms.CharField(label=_("Số quyết định"), required=False, max_length=60)
    on_request_dated = _date(
        _("Ngày văn bản đề nghị chấm dứt của người được bảo vệ (nếu có)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = rules.end_grounds(timezone.localdate())


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu (Điều 55 khoản 2)"))
    dated = _date(_("Ngày văn bản"), initial_today=True)
    number = forms.CharField(label=_("Số, ký hiệu"), required=False, max_length=60)
    summary = _text(_("Trích yếu, nội dung"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ProtectionDocument.Kind.choices)
        from .services import MANUAL_DOCUMENTS

        self.fields["kind"].choices = [(k.value, labels[k.value]) for k in MANUAL_DOCUMENTS]


class NoticeSentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hình thức gửi"), choices=ProtectionNotice.SendChannel.choices)


class IdentityForm(forms.Form):
    reason = forms.CharField(label=_("Lý do cần biết nhân thân người được bảo vệ"), max_length=500)
