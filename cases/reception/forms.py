"""Forms of the reception workspace. They collect and shape input; every rule is the service's
(``cases.reception.services``, asking ``cases.rules``), whose errors are shown on the fields."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from cases import rules
from cases.admin import common
from cases.admin.forms import MultipleFileField
from cases.models import Authority, Case, Role
from cases.validation import RefusesControlCharacters

from . import services
from .models import HeadSession, ReceivedDocument, ReceptionPlace, RegularHours, Visit

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]


def _authority_label(a: Authority) -> str:
    return f"{a.code} — {a.display_name(common.lang())}"


class PersonForm(RefusesControlCharacters, forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=rules.max_length("full_name"), required=False
    )
    national_id = forms.CharField(
        label=_("Số căn cước/định danh cá nhân/hộ chiếu"),
        max_length=rules.max_length("national_id"),
        required=False,
    )
    id_issued = forms.CharField(
        label=_("Ngày cấp, nơi cấp"), max_length=rules.max_length("place"), required=False
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=rules.max_length("address"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=rules.max_length("phone"), required=False)
    is_representative = forms.BooleanField(label=_("Người đại diện"), required=False)


class DocumentForm(RefusesControlCharacters, forms.Form):
    name = forms.CharField(
        label=_("Tên tài liệu"), max_length=rules.max_length("attachment_description"), required=False
    )
    pages = forms.IntegerField(label=_("Số trang"), min_value=1, required=False)
    condition = forms.ChoiceField(
        label=_("Tình trạng"), choices=ReceivedDocument.Condition.choices, required=False
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


PersonFormSet = formset_factory(PersonForm, extra=8, max_num=30)
DocumentFormSet = formset_factory(DocumentForm, extra=4, max_num=50)


class VisitForm(RefusesControlCharacters, forms.Form):
    authority = forms.ModelChoiceField(label=_("Cơ quan tiếp"), queryset=Authority.objects.none())
    place = forms.ModelChoiceField(
        label=_("Nơi tiếp"), queryset=ReceptionPlace.objects.none(), required=False
    )
    session = forms.ModelChoiceField(
        label=_("Buổi tiếp của người đứng đầu (nếu có)"), queryset=HeadSession.objects.none(), required=False
    )
    received_at = forms.DateTimeField(
        label=_("Thời gian tiếp"),
        widget=AdminDateTimeInput,
        required=False,
        input_formats=DATETIME_FORMATS,
        help_text=_("Để trống nếu là bây giờ."),
    )
    channel = forms.ChoiceField(
        label=_("Hình thức tiếp"), choices=Visit.Channel.choices, initial=Visit.Channel.IN_PERSON
    )
    content_kind = forms.ChoiceField(label=_("Loại nội dung"), choices=Visit.Content.choices)
    summary = forms.CharField(label=_("Nội dung sự việc"), widget=forms.Textarea(attrs={"rows": 4}))
    request = forms.CharField(
        label=_("Yêu cầu, đề nghị"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    group_size = forms.IntegerField(
        label=_("Số người cùng nội dung"),
        min_value=1,
        initial=1,
        help_text=_(
            "Đoàn từ 5 người: cử 1–2 người đại diện (5–10 người) hoặc đến 5 người (trên 10 người), "
            "Luật Tiếp công dân 2013, Điều 29."
        ),
    )
    prior_resolution = forms.CharField(label=_("Cơ quan đã giải quyết"), required=False, max_length=300)
    existing_case = forms.CharField(
        label=_("Mã hồ sơ đã có (nếu vụ việc đã tiếp nhận trước)"), required=False, max_length=32
    )
    handling = forms.ChoiceField(label=_("Kết quả tiếp, xử lý"), choices=Visit.Handling.choices)
    in_competence = forms.BooleanField(label=_("Thuộc thẩm quyền"), required=False, initial=True)
    subject = forms.CharField(
        label=_("Tiêu đề hồ sơ"), required=False, max_length=rules.max_length("subject")
    )
    contested_act = forms.CharField(
        label=_("Quyết định, hành vi bị khiếu nại"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contested_act_known_on = forms.DateField(
        label=_("Ngày nhận được/biết quyết định"),
        required=False,
        widget=AdminDateInput,
        input_formats=DATE_FORMATS,
    )
    accused_name = forms.CharField(
        label=_("Người bị tố cáo"), required=False, max_length=rules.max_length("accused_name")
    )
    accused_authority = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị bị khiếu nại/tố cáo"),
        queryset=Authority.objects.order_by("path"),
        required=False,
    )
    referred_to = forms.ModelChoiceField(
        label=_("Cơ quan được hướng dẫn, chuyển đến"),
        queryset=Authority.objects.order_by("path"),
        required=False,
    )
    referred_to_text = forms.CharField(
        label=_("Cơ quan khác (ngoài danh mục)"), required=False, max_length=300
    )
    referral_number = forms.CharField(
        label=_("Số văn bản hướng dẫn, chuyển đơn"), required=False, max_length=60
    )
    guidance = forms.CharField(
        label=_("Nội dung hướng dẫn, giải thích"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    refusal_ground = forms.ChoiceField(label=_("Căn cứ từ chối tiếp"), required=False, choices=())
    refusal_explanation = forms.CharField(
        label=_("Lý do cụ thể đã giải thích"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    receipt_number = forms.CharField(label=_("Số giấy biên nhận"), required=False, max_length=60)
    files = MultipleFileField(label=_("Bản chụp đơn, tài liệu"), required=False)  # type: ignore[assignment]
    follow_up = forms.CharField(
        label=_("Theo dõi kết quả giải quyết"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [a.pk for a in common.authorities_in_scope(user) if services.user_can_record_visit(user, a)]
        self.fields["authority"].queryset = Authority.objects.filter(pk__in=allowed).order_by("path")
        for name in ("authority", "accused_authority", "referred_to"):
            self.fields[name].label_from_instance = _authority_label
        self.fields["place"].queryset = ReceptionPlace.objects.filter(active=True, authority__pk__in=allowed)
        today = timezone.localdate()
        self.fields["session"].queryset = HeadSession.objects.filter(
            authority__pk__in=allowed,
            state__in=[HeadSession.State.PLANNED, HeadSession.State.HELD],
            starts_at__date__gte=today - dt.timedelta(days=7),
        ).select_related("authority")
        self.fields["session"].label_from_instance = lambda s: (
            f"{timezone.localtime(s.starts_at):%d/%m/%Y %H:%M} — {s.authority.code} — {s.presider_title}"
        )
        self.fields["refusal_ground"].choices = [("", "—")] + [
            (g.code, f"{g.label(common.lang())} ({g.legal_basis_vi})") for g in rules.refusal_grounds(today)
        ]
        if len(allowed) == 1:
            self.fields["authority"].initial = allowed[0]

    def clean_existing_case(self):
        ref = (self.cleaned_data.get("existing_case") or "").strip().upper()
        if not ref:
            return None
        case = Case.objects.filter(reference=ref).first()
        if case is None:
            raise forms.ValidationError(_("Không tìm thấy hồ sơ này."))
        return case


class RevealForm(RefusesControlCharacters, forms.Form):
    reason = forms.CharField(
        label=_("Lý do cần xem nhân thân"),
        min_length=rules.REVEAL_REASON_MIN,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Lý do được ghi vào nhật ký truy cập (Luật Tố cáo 2018, Điều 56; Nghị định 154/2026, Điều 12)."
        ),
    )


class RefusalNoticeForm(RefusesControlCharacters, forms.Form):
    number = forms.CharField(label=_("Số thông báo"), max_length=60)
    notice_date = forms.DateField(
        label=_("Ngày thông báo"), widget=AdminDateInput, input_formats=DATE_FORMATS
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Như trên; Lưu: VT, hồ sơ.",
    )


class SessionForm(RefusesControlCharacters, forms.Form):
    authority = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Authority.objects.none())
    place = forms.ModelChoiceField(label=_("Nơi tiếp"), queryset=ReceptionPlace.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Thời gian bắt đầu"), widget=AdminDateTimeInput, input_formats=DATETIME_FORMATS
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=HeadSession.Kind.choices)
    adhoc_ground = forms.ChoiceField(label=_("Trường hợp tiếp đột xuất"), required=False, choices=())
    presider = forms.ModelChoiceField(label=_("Người chủ trì"), queryset=get_user_model().objects.none())
    presider_title = forms.CharField(label=_("Chức vụ người chủ trì"), max_length=255)
    authorised = forms.BooleanField(
        label=_("Ủy quyền tiếp"),
        required=False,
        help_text=_(
            "Chỉ áp dụng trước ngày 01/07/2026; từ ngày đó người đứng đầu không ủy quyền "
            "(Luật số 136/2025/QH15)."
        ),
    )
    public = forms.BooleanField(label=_("Công bố lịch trên trang công khai"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            a.pk for a in common.authorities_in_scope(user) if services.user_can_manage_sessions(user, a)
        ]
        self.fields["authority"].queryset = Authority.objects.filter(pk__in=allowed).order_by("path")
        self.fields["authority"].label_from_instance = _authority_label
        self.fields["place"].queryset = ReceptionPlace.objects.filter(active=True, authority__pk__in=allowed)
        self.fields["presider"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__authority__pk__in=allowed,
                memberships__active=True,
                memberships__role__in=[Role.HEAD_OF_AGENCY, Role.HEAD_OF_UNIT],
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["presider"].label_from_instance = common.user_display
        self.fields["adhoc_ground"].choices = [("", "—")] + [
            (str(g["code"]), f"{g['label_vi']} ({g['legal_basis_vi']})")
            for g in rules.adhoc_grounds(timezone.localdate())
        ]


class InstructionForm(RefusesControlCharacters, forms.Form):
    case = forms.CharField(label=_("Mã hồ sơ"), max_length=32, required=False)
    unit = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị được giao"), queryset=Authority.objects.none(), required=False
    )
    content = forms.CharField(
        label=_("Nội dung chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(
        label=_("Hạn thực hiện"), required=False, widget=AdminDateInput, input_formats=DATE_FORMATS
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Authority.objects.none()
        self.fields["unit"].label_from_instance = _authority_label

    def clean_case(self):
        ref = (self.cleaned_data.get("case") or "").strip().upper()
        if not ref:
            return None
        case = Case.objects.filter(reference=ref).select_related("authority").first()
        if case is None:
            raise forms.ValidationError(_("Không tìm thấy hồ sơ này."))
        return case


InstructionFormSet = formset_factory(InstructionForm, extra=3, max_num=30)


class ConcludeForm(RefusesControlCharacters, forms.Form):
    attendees = forms.CharField(
        label=_("Thành phần tham dự"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conclusions = forms.CharField(
        label=_("Ý kiến kết luận, chỉ đạo của người đứng đầu"), widget=forms.Textarea(attrs={"rows": 5})
    )
    notice_number = forms.CharField(label=_("Số thông báo kết luận"), max_length=60)
    notice_date = forms.DateField(
        label=_("Ngày thông báo"), widget=AdminDateInput, input_formats=DATE_FORMATS
    )
    recipients = forms.CharField(
        label=_("Nơi nhận"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(RefusesControlCharacters, forms.Form):
    report = forms.CharField(label=_("Kết quả thực hiện chỉ đạo"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(RefusesControlCharacters, forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), widget=forms.Textarea(attrs={"rows": 2}))


class PlaceForm(RefusesControlCharacters, forms.ModelForm):
    class Meta:
        model = ReceptionPlace
        fields = [
            "authority",
            "name_vi",
            "name_en",
            "address_vi",
            "address_en",
            "phone",
            "email",
            "notes_vi",
            "notes_en",
            "public",
            "active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            a.pk for a in common.authorities_in_scope(user) if services.user_can_manage_sessions(user, a)
        ]
        self.fields["authority"].queryset = Authority.objects.filter(pk__in=allowed).order_by("path")
        self.fields["authority"].label_from_instance = _authority_label


class HoursForm(RefusesControlCharacters, forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Thứ"), choices=RegularHours.Weekday.choices, coerce=int, required=False
    )
    opens = forms.TimeField(label=_("Từ"), required=False, input_formats=["%H:%M"])
    closes = forms.TimeField(label=_("Đến"), required=False, input_formats=["%H:%M"])


HoursFormSet = formset_factory(HoursForm, extra=4, max_num=30)
