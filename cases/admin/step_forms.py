"""Forms of the handling steps between verification and the decision (``cases.verification``):
verification work, the verification report, the head's review, the dialogue minutes, the
continuation decision. Each asks what the law asks for that step."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import Case
from ..services import OUTCOMES as _OUTCOMES
from ..verification.models import VerificationRecord
from .forms import ActionForm, NoteOnlyForm
from .widgets import DATE_HINT, DateInput

FILE_HELP = _("PDF, JPEG, PNG, DOCX, ODT; tối đa 20 MB. Lưu nội bộ, không gửi người bị tố cáo.")


class VerificationWorkForm(ActionForm):
    kind = forms.ChoiceField(label=_("Loại công việc"), choices=VerificationRecord.Kind.choices)
    date = forms.DateField(label=_("Ngày thực hiện"), widget=DateInput, help_text=DATE_HINT)
    summary = forms.CharField(
        label=_("Nội dung tóm tắt"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=rules.max_length("summary"),
    )
    file = forms.FileField(
        label=_("Tệp kèm theo (bản quét biên bản, tài liệu)"), required=False, help_text=FILE_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ReportForm(ActionForm):
    findings = forms.CharField(
        label=_("Kết quả xác minh"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=rules.max_length("summary"),
    )
    findings_differ = forms.BooleanField(
        label=_("Kết quả xác minh khác với yêu cầu của người khiếu nại"),
        required=False,
        help_text=_("Khi đó phải đối thoại trước khi ra quyết định (Luật Khiếu nại 2011, Điều 30 khoản 1)."),
    )
    draft_outcome = forms.ChoiceField(label=_("Kết quả dự kiến"), required=False)
    draft_summary = forms.CharField(
        label=_("Dự thảo quyết định/kết luận (nội dung chính)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=rules.max_length("summary"),
    )
    file = forms.FileField(label=_("Báo cáo, dự thảo kèm theo"), required=False, help_text=FILE_HELP)

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        allowed = _OUTCOMES[case.kind]
        self.fields["draft_outcome"].choices = [
            ("", "—"),
            *((v, label) for v, label in Case.Outcome.choices if v in allowed),
        ]
        if case.kind != Case.Kind.COMPLAINT:
            del self.fields["findings_differ"]


class ApproveForm(ActionForm):
    comment = forms.CharField(
        label=_("Ý kiến (nếu có)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(ActionForm):
    comment = forms.CharField(
        label=_("Ý kiến chỉ đạo, nội dung cần hoàn thiện"), widget=forms.Textarea(attrs={"rows": 4})
    )


class DialogueMinutesForm(ActionForm):
    held_on = forms.DateField(label=_("Ngày đối thoại"), widget=DateInput, help_text=DATE_HINT)
    absent = forms.BooleanField(
        label=_("Người khiếu nại vắng mặt không có lý do chính đáng"),
        required=False,
        help_text=_("Từ 01/7/2026 không cản trở việc ra quyết định (Nghị định 124/2020, sửa đổi 2026)."),
    )
    participants = forms.CharField(
        label=_("Thành phần tham dự"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.CharField(label=_("Kết quả đối thoại"), widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.FileField(
        label=_("Biên bản đối thoại có chữ ký"),
        required=False,
        help_text=_("Bắt buộc khi đã đối thoại (Luật Khiếu nại 2011, Điều 30 khoản 3)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class ResumeForm(NoteOnlyForm):
    decision_number = forms.CharField(
        label=_("Số quyết định tiếp tục giải quyết"), max_length=rules.max_length("decision_number")
    )
    decision_date = forms.DateField(
        label=_("Ngày ra quyết định"),
        widget=DateInput,
        help_text=_("Thời hạn giải quyết được tính tiếp từ ngày này (Luật Tố cáo 2018, Điều 34 khoản 2)."),
    )
    generate_notice = forms.BooleanField(
        label=_("Lập quyết định tiếp tục giải quyết theo mẫu (DOCX) và lưu vào hồ sơ"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_date"].initial = timezone.localdate()
