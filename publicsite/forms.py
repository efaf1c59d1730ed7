"""The intake and tracking forms. The web wizard and the JSON API validate with these same forms,
so a rule written here holds on both channels; ``cases.services`` checks again (defence in depth).

Rules that matter for eligibility (legal brief 2.2, 2.3, 3.2, 3.5):
- a complaint names the decision or act and when it became known; after 90 days a reason for the
  delay is needed (Law on Complaints Art 9);
- a denunciation gives the denouncer's real name, address and a means of contact (Law on
  Denunciations Art 23); without them it is an information report (Art 25), filed anonymously;
- a group names its representatives (Law on Citizen Reception Art 29), at most five."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_lazy

from cases import rules
from cases.models import Authority, CaseKind
from cases.validation import RefusesControlCharacters

from .texts import KIND_LABELS

# The limits are cases.rules (one rule for the forms, the API, its schema and the services).
MAX_PEOPLE = rules.MAX_PEOPLE_ONLINE
MAX_REPRESENTATIVES = rules.MAX_REPRESENTATIVES


class AccessibleForm(RefusesControlCharacters, forms.Form):
    """Ties help texts and errors to their inputs (aria-describedby, aria-invalid)."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def _describe(self):
        errors = self._errors or {}
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-help")
            if name in errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def error_list(self) -> list[tuple[str, str]]:
        """(input id, message) for the error summary at the top of the page."""
        items = []
        for name, errors in self.errors.items():
            anchor = ""
            if name in self.fields:
                anchor = self[name].auto_id
                if isinstance(self.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                    anchor += "_0"  # the first option: a radio group has no element with the field's id
            items += [(anchor, str(e)) for e in errors]
        return items


# ------------------------------------------------------------------------------ step 1: kind

KIND_CHOICES = [
    (CaseKind.COMPLAINT, KIND_LABELS[CaseKind.COMPLAINT]),
    (CaseKind.DENUNCIATION, KIND_LABELS[CaseKind.DENUNCIATION]),
    (CaseKind.PETITION, KIND_LABELS[CaseKind.PETITION]),
    (CaseKind.ANONYMOUS_REPORT, KIND_LABELS[CaseKind.ANONYMOUS_REPORT]),
]

KIND_HELP = {
    CaseKind.COMPLAINT: pgettext_lazy(
        "public",
        "Ông/bà cho rằng một quyết định hoặc hành vi hành chính của cơ quan, cán bộ nhà nước là trái "
        "pháp luật và xâm phạm trực tiếp quyền, lợi ích của mình, và muốn được xem xét lại. Gửi trong "
        "90 ngày kể từ khi nhận được hoặc biết quyết định, hành vi (Luật Khiếu nại 2011, Điều 9).",
    ),
    CaseKind.DENUNCIATION: pgettext_lazy(
        "public",
        "Ông/bà báo cho cơ quan có thẩm quyền biết hành vi vi phạm pháp luật của cơ quan, tổ chức, cá "
        "nhân. Phải ghi họ tên thật, địa chỉ và cách liên lạc (Luật Tố cáo 2018, Điều 23); danh tính "
        "người tố cáo được giữ bí mật.",
    ),
    CaseKind.PETITION: pgettext_lazy(
        "public",
        "Ông/bà góp ý, đề nghị hoặc báo cho cơ quan biết một vấn đề trong quản lý nhà nước, không yêu "
        "cầu xem xét lại một quyết định cụ thể (Luật Tiếp công dân 2013, Điều 2).",
    ),
    CaseKind.ANONYMOUS_REPORT: pgettext_lazy(
        "public",
        "Ông/bà không muốn hoặc không thể nêu tên. Tin báo không được giải quyết như đơn tố cáo, nhưng "
        "nếu nêu rõ người vi phạm và có tài liệu cụ thể, cơ quan có thể kiểm tra phục vụ quản lý (Luật Tố "
        "cáo 2018, Điều 25). Ông/bà vẫn nhận mã để theo dõi.",
    ),
}


class KindForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=pgettext_lazy("public", "Loại đơn phù hợp với trường hợp của ông/bà"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": pgettext_lazy("public", "Vui lòng chọn loại đơn."),
            "invalid_choice": pgettext_lazy("public", "Loại đơn không hợp lệ."),
        },
    )

    def kind_options(self):
        """Each radio with its plain-language explanation (rendered by the template)."""
        return [(radio, KIND_HELP[radio.data["value"]]) for radio in self["kind"]]


# ------------------------------------------------------------------------------ step 2: identity


def validate_national_id(value: str) -> None:
    compact = re.sub(r"[\s.-]", "", value)
    if compact.isdigit():
        if len(compact) not in (9, 12):
            raise forms.ValidationError(
                pgettext("public", "Số định danh cá nhân/CCCD gồm 12 chữ số (CMND cũ: 9 chữ số)."),
                code="national_id",
            )
    elif not re.fullmatch(r"[A-Za-z0-9]{6,20}", compact):
        raise forms.ValidationError(
            pgettext("public", "Số giấy tờ chỉ gồm chữ và số (CCCD 12 chữ số, hộ chiếu 6–20 ký tự)."),
            code="national_id",
        )


def validate_phone(value: str) -> None:
    compact = re.sub(r"[\s.()-]", "", value)
    if not re.fullmatch(r"(\+?84|0)\d{9,10}", compact):
        raise forms.ValidationError(
            pgettext("public", "Số điện thoại không hợp lệ (ví dụ 0912 345 678 hoặc +84 912 345 678)."),
            code="phone",
        )


class PersonForm(AccessibleForm):
    """One person filing (the first is the one who fills the form; others for a group)."""

    full_name = forms.CharField(
        label=pgettext_lazy("public", "Họ và tên"),
        max_length=rules.max_length("full_name"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    national_id = forms.CharField(
        label=pgettext_lazy("public", "Số định danh cá nhân / CCCD"),
        max_length=rules.max_length("national_id"),
        required=False,
        help_text=pgettext_lazy(
            "public", "12 chữ số trên căn cước công dân; người nước ngoài ghi số hộ chiếu."
        ),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(
        label=pgettext_lazy("public", "Địa chỉ liên hệ"),
        max_length=rules.max_length("address"),
        required=False,
        help_text=pgettext_lazy("public", "Số nhà, đường/thôn, phường/xã, tỉnh/thành phố."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = forms.CharField(
        label=pgettext_lazy("public", "Số điện thoại"),
        max_length=rules.max_length("phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=pgettext_lazy("public", "Thư điện tử"),
        max_length=rules.max_length("email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": pgettext_lazy("public", "Địa chỉ thư điện tử không hợp lệ.")},
    )
    is_representative = forms.BooleanField(
        label=pgettext_lazy("public", "Là người đại diện của nhóm"), required=False
    )

    def __init__(self, *args, kind: str = CaseKind.COMPLAINT, is_group: bool = False, **kwargs):
        self.kind = kind
        self.is_group = is_group
        super().__init__(*args, **kwargs)
        for name in self.required_names():
            self.fields[name].widget.attrs["aria-required"] = "true"
            self.fields[name].widget.attrs["required"] = True
        if kind == CaseKind.DENUNCIATION:
            self.fields["phone"].help_text = pgettext_lazy(
                "public",
                "Người tố cáo phải có cách liên lạc: số điện thoại hoặc thư điện tử (Luật Tố cáo, Điều 23).",
            )
        else:
            self.fields["phone"].help_text = pgettext_lazy(
                "public", "Không bắt buộc; để nhận tin nhắn khi hồ sơ có tiến triển."
            )
        self._describe()

    def required_names(self) -> list[str]:
        names = ["full_name", "address"]
        if self.kind == CaseKind.DENUNCIATION:
            names.append("national_id")
        return names

    def clean_full_name(self):
        value = " ".join(self.cleaned_data["full_name"].split())
        if value and not any(ch.isalpha() for ch in value):
            raise forms.ValidationError(pgettext("public", "Họ và tên phải có chữ cái."))
        return value

    def clean_national_id(self):
        value = self.cleaned_data["national_id"].strip()
        if value:
            validate_national_id(value)
        return re.sub(r"[\s.-]", "", value).upper()

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value:
            validate_phone(value)
        return value

    def clean(self):
        data = super().clean()
        messages = {
            "full_name": pgettext("public", "Vui lòng nhập họ và tên."),
            "address": pgettext("public", "Vui lòng nhập địa chỉ liên hệ."),
            "national_id": pgettext(
                "public",
                "Người tố cáo phải cung cấp số định danh cá nhân để cơ quan xác minh (Luật Tố cáo, Điều 24).",
            ),
        }
        for name in self.required_names():
            if name not in self.errors and not data.get(name):
                self.add_error(name, messages[name])
        no_contact = not (data.get("phone") or data.get("email"))
        if self.kind == CaseKind.DENUNCIATION and no_contact and not {"phone", "email"} & set(self.errors):
            self.add_error(
                "phone",
                pgettext(
                    "public",
                    "Người tố cáo phải ghi số điện thoại hoặc thư điện tử để cơ quan liên lạc (Điều 23).",
                ),
            )
        return data


def validate_group(forms_: list[PersonForm]) -> list[str]:
    """Group rules across the people (after each form is valid)."""
    errors = []
    if len(forms_) > MAX_PEOPLE:
        errors.append(
            pgettext(
                "public", "Trực tuyến nhận tối đa %(n)s người; nhóm đông hơn vui lòng gửi đơn trực tiếp."
            )
            % {"n": MAX_PEOPLE}
        )
    if len(forms_) > 1:
        reps = [f for f in forms_ if f.cleaned_data.get("is_representative")]
        if not reps:
            errors.append(
                pgettext(
                    "public",
                    "Nhóm người gửi đơn phải cử ít nhất một người đại diện (Luật Tiếp công dân, Điều 29).",
                )
            )
        elif len(reps) > MAX_REPRESENTATIVES:
            errors.append(
                pgettext("public", "Nhóm cử tối đa %(n)s người đại diện (Luật Tiếp công dân, Điều 29).")
                % {"n": MAX_REPRESENTATIVES}
            )
        ids = [f.cleaned_data.get("national_id") for f in forms_ if f.cleaned_data.get("national_id")]
        if len(ids) != len(set(ids)):
            errors.append(pgettext("public", "Hai người trong nhóm có cùng số định danh cá nhân."))
    return errors


# ------------------------------------------------------------------------------ step 3: content


def authority_options() -> list[tuple[str, str]]:
    """(code, indented name) of the authorities in force today, in tree order. One query of plain
    values: intake builds this on every request, so no model instances."""
    today = timezone.localdate()
    english = is_english()
    rows = (
        Authority.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("path")
        .values_list("code", "name_vi", "name_en", "path")
    )
    return [
        (code, "\u2003" * max(0, path.count("/") - 2) + (name_en if english and name_en else name_vi))
        for code, name_vi, name_en, path in rows
    ]


def authority_choices(
    empty_label: str, options: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    return [("", empty_label), *(authority_options() if options is None else options)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. The checks (count, size, type sniffed from the bytes) are in
    ``intake.read_uploads``, shared with the API; the field only carries the list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if data is None:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class ContentForm(AccessibleForm):
    subject = forms.CharField(
        label=pgettext_lazy("public", "Tiêu đề"),
        max_length=rules.max_length("subject"),
        help_text=pgettext_lazy(
            "public", "Một câu ngắn, ví dụ: Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND."
        ),
        error_messages={"required": pgettext_lazy("public", "Vui lòng nhập tiêu đề.")},
    )
    description = forms.CharField(
        label=pgettext_lazy("public", "Nội dung"),
        max_length=rules.max_length("description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=pgettext_lazy(
            "public", "Sự việc, lý do, yêu cầu của ông/bà; nêu ngày tháng, địa điểm nếu có."
        ),
        error_messages={"required": pgettext_lazy("public", "Vui lòng nhập nội dung.")},
    )
    contested_act = forms.CharField(
        label=pgettext_lazy("public", "Quyết định hoặc hành vi bị khiếu nại"),
        max_length=rules.max_length("contested_act"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=pgettext_lazy(
            "public", "Số, ngày, cơ quan ban hành quyết định; hoặc hành vi, ai thực hiện, khi nào."
        ),
    )
    contested_act_known_on = forms.DateField(
        label=pgettext_lazy("public", "Ngày nhận được hoặc biết quyết định, hành vi"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": pgettext_lazy("public", "Ngày không hợp lệ (ngày/tháng/năm).")},
    )
    # A cadre's or civil servant's complaint against a disciplinary decision on them has its own
    # time limits (Law on Complaints 2011 Arts 48, 50: K2, K6).
    discipline = forms.BooleanField(
        label=pgettext_lazy(
            "public", "Tôi là cán bộ, công chức khiếu nại quyết định kỷ luật đối với chính mình"
        ),
        required=False,
        help_text=pgettext_lazy("public", "Khiếu nại quyết định kỷ luật (Luật Khiếu nại 2011, Chương IV)."),
    )
    dismissal = forms.BooleanField(
        label=pgettext_lazy("public", "Hình thức kỷ luật là buộc thôi việc"), required=False
    )
    delay_reason = forms.CharField(
        label="",  # names the limit that applies: set in __init__
        max_length=rules.max_length("delay_reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accused_name = forms.CharField(
        label=pgettext_lazy("public", "Cơ quan, người bị khiếu nại/tố cáo"),
        max_length=rules.max_length("accused_name"),
        required=False,
        help_text=pgettext_lazy("public", "Tên cơ quan, tổ chức hoặc họ tên người có quyết định, hành vi."),
    )
    accused_position = forms.CharField(
        label=pgettext_lazy("public", "Chức vụ, nơi công tác (nếu biết)"),
        max_length=rules.max_length("accused_position"),
        required=False,
    )
    accused_authority = forms.ChoiceField(
        label=pgettext_lazy("public", "Cơ quan quản lý người bị khiếu nại/tố cáo (nếu biết)"),
        required=False,
        choices=(),
    )
    authority = forms.ChoiceField(
        label=pgettext_lazy("public", "Gửi đến cơ quan"),
        required=False,
        choices=(),
        help_text=pgettext_lazy("public", "Chọn «Không rõ» nếu ông/bà không biết cơ quan nào có thẩm quyền."),
    )
    files = MultipleFileField(
        label=pgettext_lazy("public", "Tài liệu, chứng cứ kèm theo"),
        required=False,
        help_text=pgettext_lazy(
            "public", "PDF, JPEG, PNG, DOCX hoặc ODT; tối đa 10 tệp, mỗi tệp 20 MB, tổng 50 MB."
        ),
    )

    def __init__(self, *args, kind: str = CaseKind.COMPLAINT, today: dt.date | None = None, **kwargs):
        self.kind = kind
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        options = authority_options()
        self.fields["authority"].choices = authority_choices(
            str(pgettext("public", "Không rõ — cán bộ tiếp nhận sẽ chuyển đến cơ quan có thẩm quyền")),
            options,
        )
        self.fields["accused_authority"].choices = authority_choices(
            str(pgettext("public", "Không rõ / không chọn")), options
        )
        days = self.limitation_days()
        self.fields["delay_reason"].label = pgettext("public", "Lý do gửi đơn sau %(days)s ngày") % {
            "days": days
        }
        self.fields["delay_reason"].help_text = pgettext(
            "public",
            "Chỉ khi đã quá %(days)s ngày: ốm đau, thiên tai, đi công tác, học tập xa hoặc trở ngại "
            "khách quan khác (Luật Khiếu nại 2011, Điều 9).",
        ) % {"days": days}
        if kind != CaseKind.COMPLAINT:
            del self.fields["discipline"]
            del self.fields["dismissal"]
        if kind == CaseKind.COMPLAINT:
            for name in ("contested_act", "contested_act_known_on"):
                self.fields[name].widget.attrs["aria-required"] = "true"
                self.fields[name].widget.attrs["required"] = True
        else:
            self.fields["contested_act"].label = pgettext_lazy("public", "Hành vi, sự việc (nếu có)")
            self.fields["contested_act_known_on"].label = pgettext_lazy(
                "public", "Ngày biết sự việc (nếu có)"
            )
        if kind == CaseKind.PETITION:
            self.fields["accused_name"].label = pgettext_lazy("public", "Cơ quan, người liên quan (nếu có)")
        if kind in (CaseKind.DENUNCIATION, CaseKind.ANONYMOUS_REPORT):
            self.fields["subject"].help_text = pgettext_lazy(
                "public", "Một câu ngắn, ví dụ: Tố cáo cán bộ địa chính phường nhận tiền khi làm sổ đỏ."
            )
            self.fields["description"].help_text = pgettext_lazy(
                "public",
                "Người bị tố cáo đã làm gì, khi nào, ở đâu; ai biết sự việc; tài liệu, chứng cứ có được.",
            )
            self.fields["contested_act"].label = pgettext_lazy("public", "Hành vi vi phạm bị tố cáo")
            self.fields["contested_act"].help_text = pgettext_lazy(
                "public", "Hành vi cụ thể của người bị tố cáo, thời gian, địa điểm xảy ra."
            )
            self.fields["contested_act_known_on"].label = pgettext_lazy(
                "public", "Ngày xảy ra hoặc biết hành vi (nếu có)"
            )
            self.fields["accused_name"].help_text = pgettext_lazy(
                "public", "Họ tên, chức vụ của người bị tố cáo, hoặc tên cơ quan, tổ chức bị tố cáo."
            )
        elif kind == CaseKind.PETITION:
            self.fields["subject"].help_text = pgettext_lazy(
                "public", "Một câu ngắn, ví dụ: Kiến nghị sửa chữa hệ thống thoát nước ngõ 32."
            )
            self.fields["description"].help_text = pgettext_lazy(
                "public", "Sự việc ông/bà phản ánh, nơi xảy ra và đề xuất, kiến nghị của ông/bà."
            )
        if kind in (CaseKind.DENUNCIATION, CaseKind.ANONYMOUS_REPORT):
            self.fields["accused_name"].label = pgettext_lazy("public", "Người, cơ quan bị tố cáo")
            self.fields["accused_name"].widget.attrs["aria-required"] = "true"
            self.fields["accused_name"].widget.attrs["required"] = True
        self._describe()

    def clean_contested_act_known_on(self):
        value = self.cleaned_data.get("contested_act_known_on")
        if value and value > self.today:
            raise forms.ValidationError(pgettext("public", "Ngày này chưa đến. Vui lòng kiểm tra lại."))
        if value and value.year < 1945:
            raise forms.ValidationError(pgettext("public", "Ngày không hợp lệ (ngày/tháng/năm)."))
        return value

    def clean(self):
        data = super().clean()
        if self.kind == CaseKind.COMPLAINT:
            if not data.get("contested_act") and "contested_act" not in self.errors:
                self.add_error(
                    "contested_act",
                    pgettext(
                        "public",
                        "Vui lòng nêu quyết định hoặc hành vi bị khiếu nại (Luật Khiếu nại, Điều 8).",
                    ),
                )
            known = data.get("contested_act_known_on")
            if not known and "contested_act_known_on" not in self.errors:
                self.add_error(
                    "contested_act_known_on",
                    pgettext("public", "Vui lòng nhập ngày ông/bà nhận được hoặc biết quyết định, hành vi."),
                )
            if known and self.late() and not (data.get("delay_reason") or "").strip():
                self.add_error(
                    "delay_reason",
                    pgettext(
                        "public",
                        "Đã quá %(days)s ngày kể từ ngày %(date)s. Nếu có lý do chính đáng (ốm đau, thiên "
                        "tai, trở ngại khách quan), vui lòng ghi rõ; nếu không, khiếu nại có thể không "
                        "được thụ lý (Luật Khiếu nại 2011, Điều 9 và Điều 11).",
                    )
                    % {"days": self.limitation_days(), "date": known.strftime("%d/%m/%Y")},
                )
        accused = data.get("accused_name") or data.get("accused_authority")
        if (
            self.kind in (CaseKind.DENUNCIATION, CaseKind.ANONYMOUS_REPORT)
            and not accused
            and "accused_name" not in self.errors
        ):
            self.add_error(
                "accused_name",
                pgettext(
                    "public",
                    "Vui lòng nêu người hoặc cơ quan có hành vi vi phạm (Luật Tố cáo, Điều 23, Điều 25).",
                ),
            )
        return data

    def is_discipline(self) -> bool:
        if "discipline" not in self.fields:
            return False
        if self.is_bound:
            return self.fields["discipline"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("discipline")
            )
        return bool(self.initial.get("discipline"))

    def limitation_days(self) -> int:
        """K1, or K2 for a discipline complaint (``rules.complaint_limitation_days``)."""
        return rules.complaint_limitation_days(discipline=self.is_discipline(), on=self.today)

    def late(self) -> bool:
        known = (self.cleaned_data or {}).get("contested_act_known_on")
        return bool(known and (self.today - known).days > self.limitation_days())


# ------------------------------------------------------------------------------ step 4: review


def _fold(name: str) -> str:
    """A typed signature compared without case, spacing or diacritics: "nguyen van an" signs for
    "Nguyễn Văn An" (many keyboards and phones type Vietnamese without accents)."""
    text = unicodedata.normalize("NFKD", (name or "").replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


class ReviewForm(AccessibleForm):
    declaration = forms.BooleanField(
        label=pgettext_lazy(
            "public",
            "Tôi cam đoan những nội dung trên là đúng sự thật và chịu trách "
            "nhiệm trước pháp luật về nội dung "
            "đơn. Tôi biết rằng cố ý tố cáo sai sự thật là hành vi bị nghiêm cấm.",
        ),
        error_messages={"required": pgettext_lazy("public", "Vui lòng đánh dấu lời cam đoan để gửi đơn.")},
    )
    signature = forms.CharField(
        label=pgettext_lazy("public", "Chữ ký: gõ đầy đủ họ và tên của ông/bà"),
        max_length=rules.max_length("full_name"),
        required=False,
        help_text=pgettext_lazy(
            "public", "Họ tên gõ ở đây thay cho chữ ký trên đơn giấy và phải trùng với họ tên đã khai."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    consent = forms.BooleanField(
        label=pgettext_lazy(
            "public",
            "Tôi đồng ý để cơ quan có thẩm quyền xử lý thông tin cá nhân trong đơn để giải quyết đơn này.",
        ),
        required=False,
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling robots.
    website = forms.CharField(label=pgettext_lazy("public", "Để trống ô này"), required=False, max_length=200)

    def __init__(self, *args, kind: str = CaseKind.COMPLAINT, signers: list[str] | None = None, **kwargs):
        self.kind = kind
        self.signers = signers or []
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if self.anonymous:
            del self.fields["signature"]
            del self.fields["consent"]
        else:
            self.fields["signature"].widget.attrs.update({"required": True, "aria-required": "true"})
            self.fields["consent"].widget.attrs.update({"required": True, "aria-required": "true"})
            self._describe()

    @property
    def anonymous(self) -> bool:
        return self.kind == CaseKind.ANONYMOUS_REPORT

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get("website") or "").strip()) if self.is_bound else False

    def clean(self):
        data = super().clean()
        if self.anonymous:
            return data
        signature = data.get("signature", "")
        if not signature.strip():
            self.add_error("signature", pgettext("public", "Vui lòng gõ họ và tên của ông/bà để ký đơn."))
        elif self.signers and _fold(signature) not in {_fold(s) for s in self.signers}:
            self.add_error(
                "signature",
                pgettext(
                    "public",
                    "Họ tên ký phải trùng với họ tên người gửi đơn hoặc người đại diện đã khai ở bước 2.",
                ),
            )
        if not data.get("consent"):
            self.add_error(
                "consent",
                pgettext("public", "Cần có sự đồng ý xử lý thông tin cá nhân để cơ quan giải quyết đơn."),
            )
        return data


# ------------------------------------------------------------------------------ tracking


class LookupForm(AccessibleForm):
    reference = forms.CharField(
        label=pgettext_lazy("public", "Mã hồ sơ"),
        max_length=32,
        help_text=pgettext_lazy("public", "Ví dụ: HN-2026-000123"),
        error_messages={"required": pgettext_lazy("public", "Vui lòng nhập mã hồ sơ.")},
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    access_key = forms.CharField(
        label=pgettext_lazy("public", "Mã bí mật"),
        max_length=40,
        help_text=pgettext_lazy("public", "16 ký tự trên biên nhận, ví dụ ABCD-EFGH-JKMN-PQRS."),
        error_messages={"required": pgettext_lazy("public", "Vui lòng nhập mã bí mật.")},
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        ),
    )

    def clean_reference(self):
        return "".join(self.cleaned_data["reference"].split()).upper()


class SupplementForm(AccessibleForm):
    files = MultipleFileField(
        label=pgettext_lazy("public", "Tài liệu bổ sung"),
        required=False,
        help_text=pgettext_lazy("public", "PDF, JPEG, PNG, DOCX hoặc ODT; mỗi tệp tối đa 20 MB."),
    )
    note = forms.CharField(
        label=pgettext_lazy("public", "Thông tin bổ sung cho cơ quan giải quyết"),
        help_text=lazy(
            lambda: (
                pgettext(
                    "public", "Viết thông tin bổ sung, hoặc chọn tệp ở trên, hoặc cả hai. Tối đa %(n)s ký tự."
                )
                % {"n": rules.max_length("supplement_text")}
            ),
            str,
        )(),
        max_length=rules.max_length("supplement_text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(AccessibleForm):
    statement = forms.CharField(
        label=pgettext_lazy("public", "Lý do rút đơn (không bắt buộc)"),
        max_length=rules.max_length("withdrawal_statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawConfirmForm(WithdrawForm):
    confirm = forms.BooleanField(
        label=pgettext_lazy("public", "Tôi xác nhận rút đơn này."),
        error_messages={"required": pgettext_lazy("public", "Vui lòng đánh dấu để xác nhận rút đơn.")},
    )


# ------------------------------------------------------------------------------ statistics


class StatisticsFilterForm(forms.Form):
    authority = forms.ChoiceField(label=pgettext_lazy("public", "Cơ quan"), required=False, choices=())
    year = forms.TypedChoiceField(
        label=pgettext_lazy("public", "Năm"), coerce=int, required=False, choices=()
    )
    quarter = forms.TypedChoiceField(
        label=pgettext_lazy("public", "Quý"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", pgettext_lazy("public", "Cả năm")),
            (1, pgettext_lazy("public", "Quý I")),
            (2, pgettext_lazy("public", "Quý II")),
            (3, pgettext_lazy("public", "Quý III")),
            (4, pgettext_lazy("public", "Quý IV")),
        ],
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        english = is_english()
        self.fields["authority"].choices = [("", pgettext("public", "Tất cả cơ quan"))] + [
            (a.code, "\u2003" * max(0, a.path.count("/") - 2) + a.display_name("en" if english else "vi"))
            for a in Authority.objects.order_by("path")
        ]


def is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "vi").startswith("en")
