"""One form per action. Each asks what the law asks for that step; transition forms carry the
case ``version`` they were opened at (optimistic concurrency)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import Authority, Case, Party, Visibility
from ..reasons import (
    RE_RESOLUTION_GROUNDS,
    REJECTION_REASONS,
    SUSPENSION_REASONS,
    TAKE_OVER_GROUNDS,
    TERMINATION_REASONS,
    reasons_for,
)
from ..services import OUTCOMES as _OUTCOMES
from ..validation import RefusesControlCharacters
from . import common
from .widgets import DATE_HINT, DATETIME_HINT, DateInput, DateTimeInput


class ActionForm(RefusesControlCharacters, forms.Form):
    """Base: the case and the acting user are known to every form."""

    versioned = True
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, user, **kwargs):
        self.case, self.user = case, user
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", case.version)
        super().__init__(*args, **kwargs)
        if not self.versioned:
            del self.fields["version"]


def _reason_choices(table, kind):
    return [("", "—")] + [
        (r.code, f"{r.code} · {r.label(common.lang())} ({r.legal_basis})") for r in reasons_for(table, kind)
    ]


class NoteOnlyForm(ActionForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(NoteOnlyForm):
    generate_notice = forms.BooleanField(
        label=_("Lập thông báo/quyết định thụ lý (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )


class ClassifyForm(ActionForm):
    kind = forms.ChoiceField(label=_("Loại đơn"), choices=Case.Kind.choices)
    authority = forms.ModelChoiceField(
        label=_("Cơ quan có thẩm quyền giải quyết"), queryset=Authority.objects.none(), required=False
    )
    complexity = forms.ChoiceField(
        label=_("Tính chất vụ việc"),
        choices=Case.Complexity.choices,
        help_text=_(
            "Tố cáo phức tạp được gia hạn một lần, đặc biệt phức tạp hai lần (Luật Tố cáo 2018, Điều 30; "
            "Nghị định 31/2019, Điều 3)."
        ),
    )
    remote_area = forms.BooleanField(label=_("Vùng sâu, vùng xa"), required=False)
    # Complaints only: the discipline track (Law on Complaints 2011 Arts 47-58).
    discipline = forms.BooleanField(
        label=_("Khiếu nại quyết định kỷ luật cán bộ, công chức"),
        required=False,
        help_text=_("Thời hạn riêng ở cả hai lần giải quyết (Luật Khiếu nại 2011, Điều 48, 50)."),
    )
    dismissal = forms.BooleanField(label=_("Hình thức kỷ luật buộc thôi việc"), required=False)
    # Denunciations only (Law on Denunciations 2018 Art 24).
    multi_site = forms.BooleanField(
        label=_("Phải xác minh ở nhiều nơi hoặc ủy quyền xác minh"),
        required=False,
        help_text=_("Thời hạn xử lý ban đầu dài hơn (Luật Tố cáo 2018, Điều 24 khoản 1)."),
    )
    out_of_competence = forms.BooleanField(
        label=_("Không thuộc thẩm quyền giải quyết"),
        required=False,
        help_text=_("Phải chuyển đơn cho cơ quan có thẩm quyền (Luật Tố cáo 2018, Điều 24 khoản 2)."),
    )
    accused_name = forms.CharField(
        label=_("Người bị khiếu nại/tố cáo"), required=False, max_length=rules.max_length("accused_name")
    )
    accused_authority = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị bị khiếu nại/tố cáo"), queryset=Authority.objects.all(), required=False
    )

    def __init__(self, *args, case, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(
            {
                "kind": case.kind,
                "authority": case.authority_id,
                "complexity": case.complexity,
                "remote_area": case.remote_area,
                "discipline": case.discipline,
                "dismissal": case.dismissal,
                "multi_site": case.multi_site,
                "out_of_competence": case.out_of_competence,
                "accused_name": case.accused_name,
                "accused_authority": case.accused_authority_id,
            }
        )
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["authority"].queryset = common.authorities_in_scope(user)
        if case.status != Case.Status.RECEIVED:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Chỉ đổi loại đơn khi chưa thụ lý.")
        if case.kind != Case.Kind.COMPLAINT:
            del self.fields["discipline"], self.fields["dismissal"]
        if case.kind != Case.Kind.DENUNCIATION:
            del self.fields["multi_site"], self.fields["out_of_competence"]


class RejectForm(ActionForm):
    reason_code = forms.ChoiceField(label=_("Lý do không thụ lý (căn cứ pháp lý)"))
    reason_text = forms.CharField(
        label=_("Diễn giải lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    generate_notice = forms.BooleanField(
        label=_("Lập thông báo không thụ lý (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["reason_code"].choices = _reason_choices(REJECTION_REASONS, case.kind)


class TransferForm(ActionForm):
    to_authority = forms.ModelChoiceField(label=_("Cơ quan nhận đơn"), queryset=Authority.objects.none())
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    generate_notice = forms.BooleanField(
        label=_("Lập phiếu chuyển đơn (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        today = timezone.localdate()
        qs = Authority.objects.exclude(pk=case.authority_id or 0).order_by("path")
        self.fields["to_authority"].queryset = qs.filter(models_q_valid(today))
        self.fields["to_authority"].label_from_instance = lambda a: (
            f"{a.code} — {a.display_name(common.lang())}"
        )


def models_q_valid(day):
    from django.db.models import Q

    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


class GuideForm(ActionForm):
    guidance = forms.CharField(label=_("Nội dung hướng dẫn"), widget=forms.Textarea(attrs={"rows": 4}))
    to_authority = forms.ModelChoiceField(
        label=_("Cơ quan có thẩm quyền (nếu biết)"),
        queryset=Authority.objects.order_by("path"),
        required=False,
    )


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Mã hồ sơ gốc (gộp vào)"), max_length=32)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_into(self):
        from .. import selectors
        from ..errors import PermissionDeniedError

        ref = self.cleaned_data["into"].strip().upper()
        try:
            target = selectors.case_get_for_user(self.user, ref)
        except PermissionDeniedError:
            raise forms.ValidationError(_("Không tìm thấy hồ sơ này trong phạm vi của bạn.")) from None
        if target.pk == self.case.pk:
            raise forms.ValidationError(_("Không thể gộp hồ sơ vào chính nó."))
        self.target = target
        return ref


class LinkForm(MergeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].label = _("Mã hồ sơ liên quan")


class AssignForm(ActionForm):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Giao cho"), queryset=None)
    reason = forms.CharField(
        label=_("Ghi chú phân công"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["assignee"].queryset = common.assignee_candidates(case)
        self.fields["assignee"].label_from_instance = common.user_display
        from .candidates import apply_to  # unit, workload, conflicts of interest (shown disabled)

        self.candidates = apply_to(self.fields["assignee"], case)


class VerifyForm(ActionForm):
    plan = forms.CharField(
        label=_("Kế hoạch, nội dung xác minh"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Tổ xác minh"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Không cử người có quan hệ, lợi ích với người bị khiếu nại, tố cáo (Nghị định 31/2019, Điều 10)."
        ),
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["team"].queryset = common.assignee_candidates(case)
        self.fields["team"].label_from_instance = common.user_display


class DialogueForm(ActionForm):
    when = forms.DateTimeField(label=_("Thời gian đối thoại"), widget=DateTimeInput, help_text=DATETIME_HINT)
    place = forms.CharField(label=_("Địa điểm"), max_length=rules.max_length("place"))
    agenda = forms.CharField(
        label=_("Nội dung đối thoại"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notice_sent_on = forms.DateField(
        label=_("Ngày gửi thông báo đối thoại"),
        required=False,
        widget=DateInput,
        help_text=_("Gửi trước ngày đối thoại ít nhất 05 ngày (Nghị định 124/2020, Điều 28, sửa đổi 2026)."),
    )
    notice_recipients = forms.CharField(
        label=_("Người nhận thông báo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Người khiếu nại, người bị khiếu nại, cơ quan, tổ chức, cá nhân có liên quan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice_sent_on"].initial = timezone.localdate()


class ExtendForm(ActionForm):
    days = forms.IntegerField(
        label=_("Số ngày gia hạn"),
        min_value=1,
        max_value=rules.extension_days_max(timezone.localdate()),
        initial=rules.extension_days_max(timezone.localdate()),
    )
    decision_number = forms.CharField(
        label=_("Số quyết định gia hạn"), max_length=rules.max_length("decision_number")
    )
    justification = forms.CharField(
        label=_("Lý do gia hạn (tiêu chí vụ việc phức tạp)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    generate_notice = forms.BooleanField(
        label=_("Lập quyết định gia hạn (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )


class ReasonForm(ActionForm):
    table = SUSPENSION_REASONS
    reason_code = forms.ChoiceField(label=_("Lý do (căn cứ pháp lý)"))
    reason_text = forms.CharField(
        label=_("Diễn giải"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["reason_code"].choices = _reason_choices(self.table, case.kind)


class SuspendForm(ReasonForm):
    table = SUSPENSION_REASONS
    decision_number = forms.CharField(
        label=_("Số quyết định tạm đình chỉ"), required=False, max_length=rules.max_length("decision_number")
    )
    decision_date = forms.DateField(
        label=_("Ngày ra quyết định"),
        required=False,
        widget=DateInput,
        help_text=_("Thời hạn dừng từ ngày sau ngày này (Luật Tố cáo 2018, Điều 34 khoản 2)."),
    )
    generate_notice = forms.BooleanField(
        label=_("Lập quyết định tạm đình chỉ theo mẫu (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )


class TerminateForm(ReasonForm):
    table = TERMINATION_REASONS
    decision_number = forms.CharField(
        label=_("Số quyết định đình chỉ"), required=False, max_length=rules.max_length("decision_number")
    )
    generate_notice = forms.BooleanField(
        label=_("Lập quyết định đình chỉ theo mẫu (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )


class WithdrawForm(ActionForm):
    """Record a withdrawal on its signed letter or minutes, and decide what follows (Law on
    Complaints 2011 Art 10; Law on Denunciations 2018 Arts 33, 34(3)(a); Decree 31/2019 Art 4)."""

    evidence = forms.ChoiceField(
        label=_("Văn bản rút đơn"),
        required=False,
        choices=[("", "—"), *((k, v) for k, v in rules.WITHDRAWAL_EVIDENCE.items())],
    )
    statement = forms.CharField(
        label=_("Nội dung đơn/biên bản rút đơn"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.ChoiceField(
        label=_("Phạm vi"),
        choices=[("all", _("Rút toàn bộ nội dung")), ("part", _("Rút một phần nội dung"))],
        initial="all",
    )
    part = forms.CharField(
        label=_("Nội dung được rút (khi rút một phần)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    party = forms.ModelChoiceField(
        label=_("Người rút (khi một người trong nhóm rút)"), required=False, queryset=Party.objects.none()
    )
    end_reason = forms.CharField(
        label=_("Lý do đình chỉ (không thuộc khoản 3 Điều 33 Luật Tố cáo)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    continue_resolution = forms.BooleanField(
        label=_(
            "Vẫn tiếp tục giải quyết (Luật Tố cáo 2018, Điều 33 khoản 3; hoặc chưa có đơn rút có chữ ký)"
        ),
        required=False,
    )
    continue_reason = forms.CharField(
        label=_("Căn cứ tiếp tục giải quyết"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        parties = case.parties.all()
        self.fields["party"].queryset = parties
        self.fields["party"].label_from_instance = lambda p: _("Người gửi đơn số %(n)s") % {"n": p.pk}
        if parties.count() < 2:
            del self.fields["party"]
        if case.kind != Case.Kind.DENUNCIATION:
            del self.fields["end_reason"]
        if case.kind != Case.Kind.DENUNCIATION and case.withdrawal_requested_at is None:
            del self.fields["continue_resolution"]
            del self.fields["continue_reason"]


class ConcludeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Kết quả"))
    summary = forms.CharField(
        label=_("Tóm tắt kết quả, biện pháp xử lý"), widget=forms.Textarea(attrs={"rows": 5})
    )
    decision_number = forms.CharField(
        label=_("Số quyết định/kết luận"), max_length=rules.max_length("decision_number")
    )
    decision_file = forms.FileField(
        label=_("Văn bản đã ký (PDF, DOCX…)"),
        required=False,
        help_text=_("Nếu chưa có, hệ thống lập bản dự thảo DOCX từ mẫu."),
    )
    generate_notice = forms.BooleanField(
        label=_("Lập văn bản kết luận/quyết định (DOCX) khi không tải tệp lên"), required=False, initial=True
    )
    # The second step of the page: an issued decision cannot be undone (cases.admin.views).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    needs_confirmation = True

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        allowed = _OUTCOMES[case.kind]
        self.fields["outcome"].choices = [
            ("", "—"),
            *((v, label) for v, label in Case.Outcome.choices if v in allowed),
        ]


PUBLICATION_CHANNELS = [
    ("Niêm yết tại trụ sở cơ quan, nơi tiếp công dân", _("Niêm yết tại trụ sở cơ quan, nơi tiếp công dân")),
    ("Đăng trên cổng thông tin điện tử", _("Đăng trên cổng thông tin điện tử")),
    ("Công bố tại cuộc họp cơ quan", _("Công bố tại cuộc họp cơ quan")),
    ("Thông báo trên phương tiện thông tin đại chúng", _("Thông báo trên phương tiện thông tin đại chúng")),
]


class PublishForm(ActionForm):
    channel = forms.ChoiceField(
        label=_("Hình thức công khai"),
        choices=PUBLICATION_CHANNELS,
        help_text=_("Không công khai thông tin người tố cáo (Luật Tố cáo 2018, Điều 40 khoản 3)."),
    )
    published_on = forms.DateField(
        label=_("Ngày công khai"), required=False, widget=DateInput, help_text=DATE_HINT
    )
    recipients = forms.CharField(
        label=_("Nơi niêm yết, thành phần cuộc họp hoặc người nhận"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SecondLevelForm(ActionForm):
    versioned = False
    description = forms.CharField(
        label=_("Nội dung đơn lần hai/tố cáo tiếp"), widget=forms.Textarea(attrs={"rows": 4})
    )
    received_at = forms.DateTimeField(
        label=_("Ngày nhận"), widget=DateTimeInput, required=False, help_text=DATETIME_HINT
    )


class ReviewDeclineForm(ActionForm):
    """Art 37(2)(a): the earlier resolution was lawful; the reasons go to the denouncer in writing."""

    reason_text = forms.CharField(
        label=_("Lý do không giải quyết lại (gửi người tố cáo)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    generate_notice = forms.BooleanField(
        label=_("Lập thông báo không giải quyết lại (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )


class ReviewReResolveForm(ActionForm):
    """Art 37(2)(b)-(c), (3): the superior resolves or re-resolves the denunciation itself."""

    ground_code = forms.ChoiceField(label=_("Căn cứ giải quyết lại (Luật Tố cáo 2018, Điều 37)"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["ground_code"].choices = _reason_choices(RE_RESOLUTION_GROUNDS, case.kind)


class ReviewTransferForm(ActionForm):
    to_authority = forms.ModelChoiceField(label=_("Cơ quan có thẩm quyền"), queryset=Authority.objects.none())
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        today = timezone.localdate()
        qs = Authority.objects.exclude(pk=case.authority_id or 0).order_by("path")
        self.fields["to_authority"].queryset = qs.filter(models_q_valid(today))


class FollowupRequestForm(NoteOnlyForm):
    generate_notice = forms.BooleanField(
        label=_("Lập văn bản yêu cầu báo cáo (DOCX) và lưu vào hồ sơ"), required=False, initial=True
    )


class FollowupTakeOverForm(ActionForm):
    """Art 38(5); Decree 31/2019 Art 5: take-over only on one of these grounds, stated."""

    ground_code = forms.ChoiceField(label=_("Căn cứ giải quyết thay (Nghị định 31/2019, Điều 5)"))
    note = forms.CharField(label=_("Căn cứ cụ thể"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["ground_code"].choices = _reason_choices(TAKE_OVER_GROUNDS, case.kind)


class FollowupReportForm(ActionForm):
    report = forms.CharField(
        label=_("Báo cáo quá trình giải quyết, lý do chậm, trách nhiệm"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ContestedSuspendForm(ActionForm):
    """Law on Complaints 2011 Art 35 (K14): suspend the execution of the contested decision."""

    until = forms.DateField(label=_("Tạm đình chỉ thi hành đến ngày"), widget=DateInput)
    reason = forms.CharField(
        label=_("Hậu quả khó khắc phục nếu tiếp tục thi hành"), widget=forms.Textarea(attrs={"rows": 3})
    )
    decision_number = forms.CharField(
        label=_("Số quyết định"), required=False, max_length=rules.max_length("decision_number")
    )


class ContestedLiftForm(ActionForm):
    reason = forms.CharField(
        label=_("Lý do tạm đình chỉ không còn"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EscalateForm(ActionForm):
    level = forms.TypedChoiceField(label=_("Cấp cảnh báo mới"), coerce=int)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["level"].choices = [(n, str(n)) for n in range(case.escalation_level + 1, 4)]


class NoteForm(ActionForm):
    versioned = False
    text = forms.CharField(label=_("Nội dung ghi chú"), widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(
        label=_("Ai được xem"),
        choices=[
            (Visibility.INTERNAL, _("Nội bộ (chỉ cán bộ)")),
            (Visibility.COMPLAINANT, _("Người gửi đơn cũng xem được")),
        ],
        initial=Visibility.INTERNAL,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class AttachForm(ActionForm):
    versioned = False
    files = MultipleFileField(label=_("Tệp (PDF, JPEG, PNG, DOCX, ODT; tối đa 20 MB mỗi tệp)"))  # type: ignore[assignment]
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=[])
    description = forms.CharField(
        label=_("Mô tả"), required=False, max_length=rules.max_length("attachment_description")
    )
    visibility = forms.ChoiceField(
        label=_("Ai được xem"),
        choices=[
            (Visibility.INTERNAL, _("Nội bộ (chỉ cán bộ)")),
            (Visibility.COMPLAINANT, _("Người gửi đơn cũng xem được")),
        ],
        initial=Visibility.INTERNAL,
    )
    contains_identity = forms.BooleanField(
        label=_("Tài liệu có thông tin nhân thân, bút tích người tố cáo (giữ bí mật)"), required=False
    )

    def __init__(self, *args, case, user, **kwargs):
        from ..models import Attachment

        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["kind"].choices = Attachment.Kind.choices


class DocumentForm(ActionForm):
    versioned = False
    template = forms.ChoiceField(label=_("Mẫu văn bản"))
    number = forms.CharField(
        label=_("Số văn bản"), required=False, max_length=rules.max_length("decision_number")
    )
    visibility = forms.ChoiceField(
        label=_("Ai được xem"),
        choices=[
            (Visibility.INTERNAL, _("Nội bộ (chỉ cán bộ)")),
            (Visibility.COMPLAINANT, _("Người gửi đơn cũng xem được")),
        ],
        initial=Visibility.INTERNAL,
    )

    def __init__(self, *args, case, user, **kwargs):
        from .. import documents

        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields["template"].choices = [(t.code, t.title()) for t in documents.templates_for(case)]


class RevealForm(RefusesControlCharacters, forms.Form):
    reason = forms.CharField(
        label=_("Lý do cần xem nhân thân"),
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lý do được ghi vào nhật ký truy cập để kiểm tra, giám sát (Luật Tố cáo 2018, Điều 56)."),
    )
