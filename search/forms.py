"""Filter forms of the oversight dashboard (GET forms: every filtered view has a shareable URL)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import CaseKind, CaseStatus

from .criteria import AGE_BUCKETS, StalledCriteria, open_statuses_in_order
from .oversight import PERIODS, OversightScope


def authority_choices(scope: OversightScope) -> list[tuple[str, str]]:
    choices = [("", _("Tất cả cơ quan trong phạm vi"))]
    for authority in scope.authorities():
        depth = max(0, authority.path.count("/") - 2)
        choices.append((authority.code, f"{'— ' * depth}{authority.name_vi} ({authority.code})"))
    return choices


class OversightFilterForm(forms.Form):
    authority = forms.ChoiceField(label=_("Cơ quan"), required=False)
    kind = forms.ChoiceField(
        label=_("Loại đơn"), required=False, choices=[("", _("Tất cả loại đơn")), *CaseKind.choices]
    )

    def __init__(self, data=None, *, scope: OversightScope, **kwargs):
        super().__init__(data, **kwargs)
        self.scope = scope
        self.fields["authority"].choices = authority_choices(scope)

    def value(self, name: str, default=None):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name) or default
        return default


def _count_field(label):
    return forms.IntegerField(
        label=label, required=False, min_value=0, widget=forms.NumberInput(attrs={"size": 4})
    )


class StalledFilterForm(OversightFilterForm):
    """The finder: every figure of the dashboard links here with the criteria that count it."""

    stalled = forms.BooleanField(label=_("Ngưng trệ theo quy định"), required=False)
    overdue = forms.BooleanField(label=_("Quá hạn"), required=False)
    duplicate = forms.BooleanField(label=_("Nghi trùng"), required=False)
    scope = forms.ChoiceField(
        label=_("Hồ sơ"),
        required=False,
        choices=[("", _("Đang giải quyết")), ("closed", _("Đã kết thúc giải quyết")), ("all", _("Tất cả"))],
    )
    only = forms.BooleanField(
        label=_("Chỉ hồ sơ của chính cơ quan (không gồm đơn vị trực thuộc)"), required=False
    )
    days = _count_field(_("Không hoạt động ít nhất (ngày)"))
    working_days = forms.BooleanField(label=_("Tính theo ngày làm việc"), required=False)
    overdue_by = _count_field(_("Quá hạn ít nhất (ngày)"))
    min_transfers = _count_field(_("Chuyển đơn ít nhất (lần)"))
    min_extensions = _count_field(_("Gia hạn ít nhất (lần)"))
    min_escalation = _count_field(_("Cấp cảnh báo từ"))
    min_reassignments = _count_field(_("Đổi người xử lý ít nhất (lần)"))
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    age = forms.ChoiceField(
        label=_("Thời gian từ khi nhận đơn"),
        required=False,
        choices=[("", _("Mọi thời gian"))] + [(k, label) for k, label, _lo, _hi in AGE_BUCKETS],
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        labels = dict(CaseStatus.choices)
        self.fields["status"].choices = [("", _("Mọi trạng thái"))] + [
            (s, labels[s]) for s in CaseStatus.values
        ]

    def criteria(self) -> StalledCriteria:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        overdue_by = data.get("overdue_by")
        if data.get("overdue") and overdue_by is None:
            overdue_by = 0
        status = data.get("status")
        return StalledCriteria(
            stalled=bool(data.get("stalled")),
            days=data.get("days"),
            working_days=bool(data.get("working_days")) and data.get("days") is not None,
            overdue_by=overdue_by,
            duplicate=bool(data.get("duplicate")),
            age=data.get("age") or None,
            min_transfers=data.get("min_transfers"),
            min_extensions=data.get("min_extensions"),
            min_escalation=data.get("min_escalation"),
            min_reassignments=data.get("min_reassignments"),
            authority=data.get("authority") or None,
            authority_only=bool(data.get("only")) and bool(data.get("authority")),
            kind=data.get("kind") or None,
            statuses=(status,) if status else (),
            open_only=data.get("scope") != "all" and not (status and status not in open_statuses_in_order()),
            closed_only=data.get("scope") == "closed",
            within=self.scope.within,
        )


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value):
        d = super().to_python(value)
        return date(d.year, d.month, 1) if d else d


class OntimeFilterForm(OversightFilterForm):
    period = forms.ChoiceField(
        label=_("Kỳ"), required=False, choices=[(k, label) for k, (_t, label) in PERIODS.items()]
    )
    start = MonthField(label=_("Từ tháng"), required=False)
    end = MonthField(label=_("Đến hết tháng"), required=False)
