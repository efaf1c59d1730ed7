"""Periodic reports in the Wagtail admin (``/admin/reports/``): choose the authority and the period,
read every form as a printable page (authority, period, signatory block), download the workbook,
open the cases behind any cell, file (freeze) the report, and compare a filed version with the
figures now. Views stay thin: the figures are ``compute``, the filing is ``services``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from cases import redaction
from cases.admin import common
from cases.errors import ApplicationError
from cases.models import Authority
from cases.scope import staff_scope
from config.replica import SAFE_METHODS, reads_from_replica

from . import compute, layout, services, specs, xlsx
from .models import FiledReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = [
    ("q1", _("Quý I")),
    ("q2", _("Quý II")),
    ("q3", _("Quý III")),
    ("q4", _("Quý IV")),
    ("h1", _("6 tháng")),
    ("m9", _("9 tháng")),
    ("year", _("Năm")),
    ("custom", _("Khoảng thời gian khác")),
]
PAGE_SIZE = 50


def default_period(today: dt.date) -> tuple[str, int]:
    """The latest standard period that has ended (what is due to be filed)."""
    candidates = []
    for year in (today.year, today.year - 1):
        for kind in ("q1", "q2", "q3", "q4"):
            try:
                period, _regime = specs.standard_period(kind, year)
            except specs.SpecError:
                continue
            if period.end < today:
                candidates.append((period.end, kind, year))
    if not candidates:
        return "year", today.year - 1
    _end, kind, year = max(candidates)
    return kind, year


class PeriodForm(forms.Form):
    authority = forms.ModelChoiceField(label=_("Cơ quan báo cáo"), queryset=Authority.objects.none())
    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=KINDS)
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=2100, required=False)
    start = forms.DateField(
        label=_("Từ ngày"), required=False, widget=AdminDateInput, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    end = forms.DateField(
        label=_("Đến ngày"), required=False, widget=AdminDateInput, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = services.report_authorities(user)
        self.fields["authority"].label_from_instance = lambda a: f"{a.code} — {a.display_name(common.lang())}"
        self.fields["authority"].to_field_name = "code"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        try:
            if kind == "custom":
                if not data.get("start") or not data.get("end"):
                    raise forms.ValidationError(_("Nhập từ ngày và đến ngày."))
                if data["end"] < data["start"]:
                    raise forms.ValidationError(_("Đến ngày phải sau từ ngày."))
                data["period"], data["regime"] = specs.custom_period(data["start"], data["end"])
            elif kind:
                if not data.get("year"):
                    raise forms.ValidationError(_("Chọn năm báo cáo."))
                data["period"], data["regime"] = specs.standard_period(kind, data["year"])
        except specs.SpecError as exc:
            raise forms.ValidationError(
                _("Không có chế độ báo cáo áp dụng cho kỳ này (hệ thống hỗ trợ từ Thông tư 02/2021/TT-TTCP).")
            ) from exc
        return data


class FileForm(forms.Form):
    number = forms.CharField(label=_("Số báo cáo"), max_length=60)
    report_date = forms.DateField(
        label=_("Ngày báo cáo"), widget=AdminDateInput, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=200)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255)
    recipients = forms.CharField(
        label=_("Nơi nhận"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _query(period: specs.Period, authority: Authority) -> dict:
    if period.kind == "custom":
        return {
            "authority": authority.code,
            "kind": "custom",
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
    return {"authority": authority.code, "kind": period.kind, "year": period.year}


def _url(name: str, params: dict, **extra) -> str:
    from urllib.parse import urlencode

    return reverse(name) + "?" + urlencode({**params, **extra})


class _Base(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if request.method not in SAFE_METHODS:  # filing: the primary, figures and all
            return self._dispatch(request, *args, **kwargs)
        # Reading a report: from the read replica when one is configured (config/replica.py),
        # template included; the primary after the viewer's own write (the filed report).
        with reads_from_replica():
            response = self._dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

    def _dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not services.report_authorities(request.user).exists():
            raise PermissionDenied(gettext("Bạn không có quyền xem báo cáo định kỳ."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": reverse("periodic_reports:index"), "label": gettext("Báo cáo định kỳ")}]

    def parse(self, request):
        """The authority, period and regime asked for, checked against the viewer's scope."""
        today = timezone.localdate()
        if "authority" not in request.GET:
            return PeriodForm(user=request.user, initial=self.defaults(request, today)), None
        form = PeriodForm(request.GET, user=request.user)
        if not form.is_valid():
            return form, None
        authority = form.cleaned_data["authority"]
        if not services.user_can_view_reports(request.user, authority):
            raise PermissionDenied(gettext("Bạn không có quyền xem báo cáo của cơ quan này."))
        return form, (authority, form.cleaned_data["period"], form.cleaned_data["regime"])

    def defaults(self, request, today):
        kind, year = default_period(today)
        first = services.report_authorities(request.user).first()
        return {"authority": first.code if first else None, "kind": kind, "year": year}


class IndexView(_Base):
    template_name = "periodic_reports/index.html"
    page_title = _("Báo cáo định kỳ")

    def get(self, request, *args, **kwargs):
        form, chosen = self.parse(request)
        if chosen is not None:
            authority, period, _regime = chosen
            return redirect(_url("periodic_reports:view", _query(period, authority)))
        filed = FiledReport.objects.filter(
            authority__in=services.report_authorities(request.user)
        ).select_related("authority", "filed_by")[:50]
        return self.render_to_response(self.get_context_data(form=form, filed=filed))


class ReportView(_Base):
    """The live report: every form, printable, with links to the cases of each cell."""

    template_name = "periodic_reports/report.html"
    page_title = _("Báo cáo định kỳ")

    def get(self, request, *args, **kwargs):
        form, chosen = self.parse(request)
        if chosen is None:
            return self.render_to_response(
                self.get_context_data(form=form, report=None), status=400 if form.is_bound else 200
            )
        authority, period, regime = chosen
        report = compute.compute_report(authority, period, regime)
        params = _query(period, authority)
        if request.GET.get("format") == "xlsx":
            head = layout.heading(report)
            return _xlsx_response(
                report, head, f"bao-cao-{authority.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
            )
        versions = list(services.filed_versions(authority, period, regime).select_related("filed_by"))
        can_file = (
            services.user_can_file_reports(request.user, authority) and period.end < timezone.localdate()
        )
        file_form = FileForm(initial={"report_date": timezone.localdate()}) if can_file else None
        return self.render_to_response(
            self.get_context_data(
                form=form,
                report=report,
                tables=_tables(report, params),
                head=layout.heading(report),
                methods=layout.methods_note(report),
                params=params,
                versions=versions,
                file_form=file_form,
                xlsx_url=_url("periodic_reports:view", params, format="xlsx"),
            )
        )

    def post(self, request, *args, **kwargs):
        _form, chosen = self.parse(request)
        if chosen is None:
            raise Http404
        authority, period, regime = chosen
        file_form = FileForm(request.POST)
        if not file_form.is_valid():
            messages.error(request, gettext("Thông tin nộp báo cáo chưa hợp lệ."))
            return redirect(_url("periodic_reports:view", _query(period, authority)))
        try:
            filed = services.report_file(
                actor=request.user,
                authority=authority,
                period=period,
                regime=regime,
                **file_form.cleaned_data,
            )
        except ApplicationError as exc:
            messages.error(
                request,
                " ".join([str(exc.message), *(str(e) for errs in exc.field_errors.values() for e in errs)]),
            )
            return redirect(_url("periodic_reports:view", _query(period, authority)))
        messages.success(
            request, gettext("Đã nộp và khóa số liệu báo cáo (lần %(v)s).") % {"v": filed.version}
        )
        return redirect("periodic_reports:filed", pk=filed.pk)


def _xlsx_response(report, head, name: str) -> HttpResponse:
    response = HttpResponse(xlsx.report_xlsx(report, head), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _tables(report: compute.Report, params: dict | None, filed: FiledReport | None = None) -> list[dict]:
    """What the template draws: per form its header rows and the cells with their links."""
    tables = []
    for f in report.forms:
        rows = []
        for i, row in enumerate(f.rows):
            cells = []
            for c in f.form.columns:
                value = f.values[row.key][c.n]
                link = None
                if c.counted and value:
                    cell = {"form": f.form.code, "col": c.n, "row": row.key}
                    if filed is not None:
                        link = reverse("periodic_reports:filed_cell", args=[filed.pk]) + "?" + _encode(cell)
                    elif params is not None:
                        link = _url("periodic_reports:cell", params, **cell)
                cells.append({"value": value, "link": link, "n": c.n})
            rows.append(
                {
                    "number": "" if row.total else i + 1,
                    "label": row.label,
                    "total": row.total,
                    "cells": cells,
                    "key": row.key,
                }
            )
        tables.append(
            {"form": f.form, "headers": layout.header_rows(f.form), "rows": rows, "slug": f.form.slug}
        )
    return tables


def _encode(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _cell_spec(request, regime):
    try:
        form = regime.form(request.GET.get("form", ""))
        column = form.column(int(request.GET.get("col", "")))
    except (KeyError, ValueError) as exc:
        raise Http404(gettext("Không có ô này trong biểu.")) from exc
    if not column.counted:
        raise Http404(gettext("Ô này không đếm hồ sơ."))
    return form, column


class CellView(_Base):
    """The cases (visits, sessions) a cell of the live report counts."""

    template_name = "periodic_reports/cell.html"
    page_title = _("Hồ sơ của ô số liệu")

    def get(self, request, *args, **kwargs):
        _form, chosen = self.parse(request)
        if chosen is None:
            raise Http404
        authority, period, regime = chosen
        form, column = _cell_spec(request, regime)
        row = next((r for r in compute.report_rows(authority) if r.key == request.GET.get("row")), None)
        if row is None:
            raise Http404(gettext("Không có dòng này trong biểu."))
        qs = compute.cell_queryset(authority, period, form, column, row).order_by("pk")
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("p"))
        params = _query(period, authority)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                column=column,
                row=row,
                period=period,
                authority=authority,
                page=page,
                source=column.metric.source,
                items=_items(column.metric.source, list(page.object_list), request.user),
                back=_url("periodic_reports:view", params) + f"#{form.slug}",
                filed=None,
            )
        )


def _hidden_item(when) -> dict:
    """A counted item the viewer may not open (the accused, their unit, out of scope): the figure
    keeps it, so the list still adds up to the cell, but nothing of it is shown."""
    return {
        "label": gettext("Hồ sơ không hiển thị"),
        "url": "",
        "subject": gettext(
            "Bạn không được xem hồ sơ này (liên quan đến người bị khiếu nại, tố cáo hoặc ngoài phạm vi)."
        ),
        "kind": "",
        "status": "",
        "authority": "",
        "when": when,
        "hidden": True,
    }


def _items(source: str, objects: list, user) -> list[dict]:
    """The rows of a cell's list, as ``user`` may read them: the one staff scope decides which items
    open (cases.scope), and free text is redacted of identity for whoever may not see it
    (cases.redaction), as on every other staff list."""
    scope = staff_scope(user)
    if source == "cases":
        rows = []
        for c in objects:
            if not scope.contains(c):
                rows.append(_hidden_item(c.received_at))
                continue
            rows.append(
                {
                    "label": c.reference,
                    "url": reverse("cases_admin:detail", args=[c.reference]),
                    "subject": redaction.for_viewer(c, user, c.subject),
                    "kind": c.get_kind_display(),
                    "status": c.get_status_display(),
                    "authority": c.authority.display_name(common.lang()) if c.authority_id else "",
                    "when": c.received_at,
                }
            )
        return rows
    visible = {a.pk for a in scope.authorities().filter(pk__in={o.authority_id for o in objects})}
    if source == "visits":
        rows = []
        for v in objects:
            if v.authority_id not in visible:
                rows.append(_hidden_item(v.received_at))
                continue
            # Visitors' names and numbers are typed into the summary too: never shown here.
            needles = redaction.identity_needles(v.persons.all())
            rows.append(
                {
                    "label": v.register_label,
                    "url": reverse("reception_admin:visit", args=[v.pk]),
                    "subject": redaction.redact_text(v.summary[:120], needles),
                    "kind": v.get_content_kind_display(),
                    "status": v.get_handling_display(),
                    "authority": v.authority.display_name(common.lang()),
                    "when": v.received_at,
                }
            )
        return rows
    return [
        {
            "label": f"#{s.pk}",
            "url": reverse("reception_admin:session", args=[s.pk]),
            "subject": s.presider_title,
            "kind": s.get_kind_display(),
            "status": s.get_state_display(),
            "authority": s.authority.display_name(common.lang()),
            "when": s.starts_at,
        }
        if s.authority_id in visible
        else _hidden_item(s.starts_at)
        for s in objects
    ]


def _filed_report(request, pk: int) -> FiledReport:
    filed = get_object_or_404(FiledReport.objects.select_related("authority", "filed_by", "replaces"), pk=pk)
    if not services.user_can_view_reports(request.user, filed.authority):
        raise PermissionDenied(gettext("Bạn không có quyền xem báo cáo của cơ quan này."))
    return filed


def filed_as_report(filed: FiledReport) -> compute.Report:
    """A filed report shown from what was frozen: its own figures and reporting units."""
    regime = specs.regime(filed.regime)
    period = specs.Period(filed.period_start, filed.period_end, filed.period_kind, filed.period_year)
    rows_now = {r.key: r for r in compute.report_rows(filed.authority)}
    rows = [
        compute.RowDef(
            key,
            label,
            code,
            rows_now[key].authority_ids if key in rows_now else frozenset(),
            total=key == "total" or (len(filed.rows) == 1),
        )
        for key, label, code in filed.rows
    ]
    forms = []
    for f in regime.forms:
        stored = filed.cells.get(f.code, {})
        values = {row.key: {c.n: stored.get(row.key, {}).get(str(c.n)) for c in f.columns} for row in rows}
        forms.append(compute.FormResult(f, rows, values))
    return compute.Report(filed.authority, period, regime, rows, forms, filed.filed_at)


class FiledView(_Base):
    template_name = "periodic_reports/report.html"
    page_title = _("Báo cáo đã nộp")

    def get(self, request, pk, *args, **kwargs):
        filed = _filed_report(request, pk)
        report = filed_as_report(filed)
        head = layout.heading(
            report,
            number=filed.number,
            report_date=filed.report_date,
            signer_title=filed.signer_title,
            signer_name=filed.signer_name,
            filed=filed,
        )
        if request.GET.get("format") == "xlsx":
            return _xlsx_response(
                report, head, f"bao-cao-{filed.authority.code}-{filed.period_start:%Y%m%d}-v{filed.version}"
            )
        params = _query(report.period, filed.authority)
        return self.render_to_response(
            self.get_context_data(
                report=report,
                tables=_tables(report, None, filed),
                head=head,
                methods=layout.methods_note(report),
                filed=filed,
                intact=filed.verify(),
                params=params,
                live_url=_url("periodic_reports:view", params),
                diff_url=reverse("periodic_reports:diff", args=[filed.pk]),
                xlsx_url=reverse("periodic_reports:filed", args=[filed.pk]) + "?format=xlsx",
                versions=list(services.filed_versions(filed.authority, report.period, report.regime)),
            )
        )


class FiledCellView(_Base):
    """The objects a cell of a filed report counted at filing, from its snapshot."""

    template_name = "periodic_reports/cell.html"
    page_title = _("Hồ sơ của ô số liệu (bản đã nộp)")

    def get(self, request, pk, *args, **kwargs):
        filed = _filed_report(request, pk)
        regime = specs.regime(filed.regime)
        form, column = _cell_spec(request, regime)
        report = filed_as_report(filed)
        row = next((r for r in report.rows if r.key == request.GET.get("row")), None)
        if row is None:
            raise Http404(gettext("Không có dòng này trong biểu."))
        source = column.metric.source
        snapshot = filed.objects_snapshot()
        ids = compute.snapshot_ids(snapshot.get(source, []), filed.facts.get(source, []), column, row)
        from cases.models import Case
        from cases.reception.models import HeadSession, Visit

        qs = (
            {"cases": Case, "visits": Visit, "sessions": HeadSession}[source]
            .objects.filter(pk__in=ids)
            .order_by("pk")
        )
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                column=column,
                row=row,
                period=report.period,
                authority=filed.authority,
                page=page,
                source=source,
                items=_items(source, list(page.object_list), request.user),
                filed=filed,
                count=len(ids),
                back=reverse("periodic_reports:filed", args=[filed.pk]) + f"#{form.slug}",
            )
        )


class DiffView(_Base):
    """A filed version against the same report computed now: the cells that differ and the cases
    that entered or left them."""

    template_name = "periodic_reports/diff.html"
    page_title = _("So sánh với bản đã nộp")

    def get(self, request, pk, *args, **kwargs):
        filed = _filed_report(request, pk)
        regime = specs.regime(filed.regime)
        period = specs.Period(filed.period_start, filed.period_end, filed.period_kind, filed.period_year)
        current = compute.compute_report(filed.authority, period, regime, keep_objects=True)
        changes = compute.diff(filed.cells, filed.objects_snapshot(), filed.facts, current)
        labels = {(f.form.code, c.n): c.head for f in current.forms for c in f.form.columns}
        rows = {r.key: r.label for r in current.rows}
        from cases.models import Case

        refs = dict(
            Case.objects.filter(
                pk__in={pk for ch in changes if ch.source == "cases" for pk in ch.added + ch.removed}
            ).values_list("pk", "reference")
        )
        shown = [
            {
                "change": ch,
                "head": " › ".join(labels.get((ch.form, ch.n), ())),
                "row": rows.get(ch.row, ch.row),
                "added": [refs.get(pk, pk) for pk in ch.added][:50],
                "removed": [refs.get(pk, pk) for pk in ch.removed][:50],
            }
            for ch in changes
        ]
        return self.render_to_response(
            self.get_context_data(
                filed=filed,
                changes=shown,
                intact=filed.verify(),
                period=period,
                back=reverse("periodic_reports:filed", args=[filed.pk]),
            )
        )
