"""The oversight dashboard (Wagtail admin, ``/admin/oversight/``): backlog by status and age per
authority with drill-down, the stalled-case finder, on-time rates, the cases most often
transferred, extended or escalated, and staff full-text search. Read-only; CSV and XLSX exports.

Every view starts with ``_scope`` (403 for users who may not oversee anything) and limits every
query to the viewer's part of the authority tree."""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _

from cases import reporting
from cases.models import Authority, CaseStatus
from config.replica import reads_from_replica

from . import charts
from .backends import get_backend
from .backends.base import SearchUnavailable
from .backends.database import DatabaseBackend
from .criteria import AGE_BUCKETS, StalledCriteria
from .exports import export_response
from .finder import EXPORT_COLUMNS, rows_for_ids
from .forms import OntimeFilterForm, OversightFilterForm, StalledFilterForm
from .links import case_url, oversight_url
from .oversight import (
    NO_AUTHORITY,
    SELF,
    TOP_METRICS,
    Level,
    backlog_report,
    ontime_cases,
    ontime_report,
    oversight_scope,
    top_cases,
)
from .timeutil import working_calendar

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


class OutOfScope(Exception):
    """The viewer may oversee, but not this part of the tree."""


def _forbidden(request, message: str):
    # A real 403 (Wagtail would turn PermissionDenied into a redirect to the admin home).
    return TemplateResponse(
        request,
        "search/oversight/forbidden.html",
        {"page_title": _("Không có quyền truy cập"), "header_icon": "warning", "message": message},
        status=403,
    )


def oversight_view(view):
    """Compute the viewer's scope once; 403 for those without one or asking outside it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Read-only pages: from the read replica when one is configured (config/replica.py; the
        # primary after the viewer's own write).
        with reads_from_replica():
            scope = oversight_scope(request.user)
            if scope is None:
                return _forbidden(request, _("Bạn không có quyền xem trang giám sát."))
            try:
                response = view(request, scope, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()  # the template's queries run here, on the same database
                return response
            except OutOfScope as exc:
                return _forbidden(request, str(exc))

    return wrapper


def _level(request, scope) -> Level:
    code = (request.GET.get("authority") or "").strip()
    if not code:
        return Level(scope=scope, node=None)
    node = Authority.objects.filter(code=code).first()
    if node is None:
        raise Http404(_("Không có cơ quan này."))
    if not scope.allows(node):
        raise OutOfScope(_("Cơ quan này nằm ngoài phạm vi giám sát của bạn."))
    return Level(scope=scope, node=node)


def _backend_call(request, method: str, **kwargs):
    """Ask the configured backend; if Elasticsearch is down, answer from the database (exact,
    only slower) and say so."""
    backend = get_backend()
    try:
        return getattr(backend, method)(**kwargs)
    except SearchUnavailable:
        if not getattr(request, "_oversight_fallback_noted", False):
            messages.warning(
                request,
                _(
                    "Máy chủ tìm kiếm tạm thời không truy cập được; "
                    "số liệu được tính trực tiếp từ cơ sở dữ liệu."
                ),
            )
            request._oversight_fallback_noted = True
        return getattr(DatabaseBackend(), method)(**kwargs)


def _tabs(active: str) -> list[dict]:
    items = [
        ("overview", _("Tổng quan tồn đọng")),
        ("stalled", _("Tìm hồ sơ tồn đọng")),
        ("ontime", _("Tỷ lệ đúng hạn")),
        ("top", _("Chuyển, gia hạn, cảnh báo nhiều")),
        ("search", _("Tìm kiếm hồ sơ")),
    ]
    return [{"name": n, "label": label, "url": oversight_url(n), "active": n == active} for n, label in items]


def _render(request, template: str, title: str, context: dict, tab: str):
    context.update({"page_title": title, "header_icon": "view", "tabs": _tabs(tab)})
    return TemplateResponse(request, f"search/oversight/{template}", context)


def _export_format(request) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in ("csv", "xlsx") else None


def _status_labels() -> dict[str, str]:
    return {k: str(v) for k, v in CaseStatus.choices}


# -------------------------------------------------------------------------------------- overview


@oversight_view
def overview(request, scope):
    level = _level(request, scope)
    form = OversightFilterForm(request.GET, scope=scope)
    kind = form.value("kind")
    now = timezone.now()
    cells = _backend_call(request, "aggregate_backlog", now=now, within=level.within, kind=kind)
    report = backlog_report(level, cells)
    here = level.node.code if level.node else None
    statuses = _status_labels()
    bucket_labels = {k: str(label) for k, label, _lo, _hi in AGE_BUCKETS}

    if fmt := _export_format(request):
        headers = [_("Mã cơ quan"), _("Cơ quan")]
        headers += [statuses[s] for s in report.statuses]
        headers += [bucket_labels[b] for b in report.by_bucket]
        headers += [_("Tổng tồn đọng"), _("Quá hạn")]
        rows = [
            [row.code if row.key != SELF else _("%(code)s (trực tiếp)") % {"code": row.code}, row.label]
            + [row.by_status.get(s, 0) for s in report.statuses]
            + [row.by_bucket.get(b, 0) for b in report.by_bucket]
            + [row.total, row.overdue]
            for row in report.rows
        ]
        return export_response(fmt, f"ton-dong-{here or 'tat-ca'}", _("Tồn đọng"), headers, rows)

    finder = {"authority": here, "kind": kind}
    stalled = _backend_call(
        request,
        "count_stalled",
        criteria=StalledCriteria(stalled=True, kind=kind, within=level.within),
        now=now,
    )
    overdue_after_decision = (
        _backend_call(
            request,
            "count_stalled",
            criteria=StalledCriteria(overdue_by=0, open_only=False, kind=kind, within=level.within),
            now=now,
        )
        - report.overdue
    )
    start, end_inclusive = reporting.default_on_time_window(timezone.localdate(now))
    end = end_inclusive + timedelta(days=1)
    _rows, _series, ontime_total = ontime_report(level, start=start, end=end, period="month", kind=kind)
    ontime_params = {"start": start.strftime("%Y-%m"), "end": end_inclusive.strftime("%Y-%m"), **finder}
    kpis = [
        {
            "label": _("Hồ sơ đang giải quyết"),
            "value": report.total,
            "url": oversight_url("stalled", **finder),
        },
        {
            "label": _("Đang giải quyết đã quá hạn"),
            "value": report.overdue,
            "url": oversight_url("stalled", overdue=True, **finder),
            "alert": report.overdue > 0,
        },
        {
            "label": _("Đã có quyết định, quá hạn gửi/công khai"),
            "value": overdue_after_decision,
            "url": oversight_url("stalled", overdue=True, scope="closed", **finder),
            "alert": overdue_after_decision > 0,
        },
        {
            "label": _("Ngưng trệ"),
            "value": stalled,
            "url": oversight_url("stalled", stalled=True, **finder),
            "alert": stalled > 0,
        },
        {
            "label": _("Tỷ lệ giải quyết đúng hạn 12 tháng"),
            "value": f"{localize(ontime_total.rate)}%" if ontime_total.rate is not None else "—",
            "value_raw": ontime_total.rate,
            "url": oversight_url("ontime", **ontime_params),
        },
    ]
    status_bars = charts.bars(
        [
            charts.Bar(label=statuses[s], value=n, url=oversight_url("stalled", status=s, **finder))
            for s, n in report.by_status.items()
        ]
    )
    age_chart = charts.column_chart(
        [
            charts.Column(
                label=bucket_labels[b],
                value=n,
                url=oversight_url("stalled", age=b, **finder),
                title=f"{bucket_labels[b]}: {n}",
                colour=charts.BUCKET_COLOURS[i],
            )
            for i, (b, n) in enumerate(report.by_bucket.items())
        ],
        slot=96,
    )
    widest = max((r.total for r in report.rows), default=0)
    table = []
    for row in report.rows:
        code = row.code if row.key != NO_AUTHORITY else None
        linkable = row.key != NO_AUTHORITY
        # A row "trực tiếp tại X" counts X's own cases, not its sub-units': so does its link.
        row_finder = {"authority": code, "only": row.key == SELF, "kind": kind}
        segments = charts.stack(
            [
                charts.Segment(
                    label=f"{bucket_labels[b]}: {row.by_bucket.get(b, 0)}",
                    value=row.by_bucket.get(b, 0),
                    url=oversight_url("stalled", age=b, **row_finder) if linkable else "",
                    colour=charts.BUCKET_COLOURS[i],
                )
                for i, b in enumerate(report.by_bucket)
            ],
            widest,
        )
        table.append(
            {
                "row": row,
                "drill_url": oversight_url("overview", authority=row.code, kind=kind)
                if row.drillable
                else "",
                "self": row.key == SELF,
                "segments": segments,
                "statuses": [
                    {
                        "n": row.by_status.get(s, 0),
                        "url": oversight_url("stalled", status=s, **row_finder) if linkable else "",
                    }
                    for s in report.statuses
                ],
                "total_url": oversight_url("stalled", **row_finder) if linkable else "",
                "overdue_url": oversight_url("stalled", overdue=True, **row_finder) if linkable else "",
            }
        )
    return _render(
        request,
        "overview.html",
        _("Giám sát tồn đọng"),
        {
            "form": form,
            "level": level,
            "breadcrumbs": level.breadcrumbs(),
            "kind": kind,
            "report": report,
            "kpis": kpis,
            "status_bars": status_bars,
            "age_chart": age_chart,
            "table": table,
            "status_headers": [statuses[s] for s in report.statuses],
            "bucket_legend": [
                {"label": bucket_labels[k], "colour": charts.BUCKET_COLOURS[i]}
                for i, (k, *_r) in enumerate(AGE_BUCKETS)
            ],
            "methods": reporting.methods(),
            "now": now,
            "export_csv": _with(request, export="csv"),
            "export_xlsx": _with(request, export="xlsx"),
            "sweep": _last_sweep(now),
        },
        "overview",
    )


def _last_sweep(now):
    from cases.monitoring.services import last_sweep

    run = last_sweep()
    return {"run": run, "stale": run is None or run.started_at < now - timedelta(hours=1)}


def _with(request, **params) -> str:
    query = request.GET.copy()
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}"


# --------------------------------------------------------------------------------------- stalled


@oversight_view
def stalled(request, scope):
    form = StalledFilterForm(request.GET, scope=scope)
    criteria = form.criteria()
    now = timezone.now()
    calendar = working_calendar()
    if fmt := _export_format(request):
        ids = _backend_call(
            request, "find_stalled", criteria=criteria, now=now, limit=EXPORT_LIMIT, calendar=calendar
        )
        rows = rows_for_ids(ids, now=now, queryset=scope.cases(), calendar=calendar)
        keys = [k for k, _label in EXPORT_COLUMNS]
        return export_response(
            fmt,
            "ho-so-ngung-tre",
            _("Hồ sơ ngưng trệ"),
            [str(label) for _k, label in EXPORT_COLUMNS],
            ([row[k] for k in keys] for row in rows),
        )
    try:
        page = max(1, int(request.GET.get("p", "1")))
    except ValueError:
        page = 1
    total = _backend_call(request, "count_stalled", criteria=criteria, now=now, calendar=calendar)
    ids = _backend_call(
        request,
        "find_stalled",
        criteria=criteria,
        now=now,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        calendar=calendar,
    )
    rows = rows_for_ids(ids, now=now, queryset=scope.cases(), calendar=calendar)
    longest = max((r["days_since_activity"] for r in rows), default=0)
    for row in rows:
        row["url"] = case_url(row["reference"])
        row["idle_width"] = charts.pct(row["days_since_activity"], longest)
    pages = max(1, -(-total // PAGE_SIZE))
    return _render(
        request,
        "stalled.html",
        _("Tìm hồ sơ tồn đọng"),
        {
            "form": form,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "prev_url": _with(request, p=page - 1) if page > 1 else "",
            "next_url": _with(request, p=page + 1) if page < pages else "",
            "now": now,
            "export_csv": _with(request, export="csv", p=None),
            "export_xlsx": _with(request, export="xlsx", p=None),
            "criteria_active": not criteria.with_(within=None).is_empty(),
            "include_closed": not criteria.open_only or criteria.closed_only,
            "methods": reporting.methods(),
        },
        "stalled",
    )


# ---------------------------------------------------------------------------------------- ontime


def _ontime_range(form: OntimeFilterForm, now) -> tuple[date, date, str]:
    """[start, end) of whole months; by default the dashboard's twelve months
    (``reporting.default_on_time_window``), so the tile and this tab show the same figure."""
    default_start, default_end = reporting.default_on_time_window(timezone.localdate(now))
    period = form.value("period", "month")
    end_month = form.value("end") or date(default_end.year, default_end.month, 1)
    start = form.value("start") or default_start
    # "until the end of" the end month: the exclusive bound is the first day of the next month.
    end = date(end_month.year + end_month.month // 12, end_month.month % 12 + 1, 1)
    if start >= end:
        start = date(end.year - 1, end.month, 1)
    return start, end, period


@oversight_view
def ontime(request, scope):
    level = _level(request, scope)
    form = OntimeFilterForm(request.GET, scope=scope)
    kind = form.value("kind")
    now = timezone.now()
    start, end, period = _ontime_range(form, now)
    form = OntimeFilterForm(
        {
            **request.GET.dict(),
            "period": period,
            "start": start.strftime("%Y-%m"),
            "end": (end - timedelta(days=1)).strftime("%Y-%m"),
        },
        scope=scope,
    )
    rows, series, total = ontime_report(level, start=start, end=end, period=period, kind=kind)
    here = level.node.code if level.node else None
    span = {"start": start.isoformat(), "end": end.isoformat(), "kind": kind}
    if fmt := _export_format(request):
        headers = [_("Mã cơ quan"), _("Cơ quan"), _("Đúng hạn"), _("Trễ hạn"), _("Tỷ lệ đúng hạn (%)")]
        data = [
            [r.authority.code if r.authority else "", r.label, r.rate.on_time, r.rate.late, r.rate.rate]
            for r in rows
        ]
        data += [[_("Kỳ"), p.label, p.rate.on_time, p.rate.late, p.rate.rate] for p in series]
        return export_response(fmt, f"dung-han-{here or 'tat-ca'}", _("Tỷ lệ đúng hạn"), headers, data)
    table = []
    for r in rows:
        code = r.authority.code if r.authority else None
        exact = {"only": True} if r.key == SELF else {}
        resolved = r.rate.resolved or 1
        table.append(
            {
                "row": r,
                "drill_url": oversight_url(
                    "ontime",
                    authority=code,
                    period=period,
                    start=start.strftime("%Y-%m"),
                    end=(end - timedelta(days=1)).strftime("%Y-%m"),
                    kind=kind,
                )
                if r.drillable
                else "",
                "on_time_width": charts.pct(r.rate.on_time, resolved),
                "late_width": charts.pct(r.rate.late, resolved),
                "on_time_url": oversight_url(
                    "ontime_cases", authority=code, outcome="on_time", **exact, **span
                )
                if code
                else "",
                "late_url": oversight_url("ontime_cases", authority=code, outcome="late", **exact, **span)
                if code
                else "",
            }
        )
    chart = charts.column_chart(
        [
            charts.Column(
                label=p.label,
                value=p.rate.rate,
                url=oversight_url(
                    "ontime_cases",
                    authority=here,
                    outcome="late",
                    start=p.start.isoformat(),
                    end=p.end.isoformat(),
                    kind=kind,
                ),
                title=_("%(label)s: %(rate)s%% đúng hạn (%(on)s/%(all)s)")
                % {
                    "label": p.label,
                    "rate": "—" if p.rate.rate is None else f"{p.rate.rate:g}",
                    "on": p.rate.on_time,
                    "all": p.rate.resolved,
                },
                colour=charts.ON_TIME_COLOUR if (p.rate.rate or 0) >= 80 else charts.LATE_COLOUR,
            )
            for p in series
        ],
        maximum=100,
    )
    return _render(
        request,
        "ontime.html",
        _("Tỷ lệ giải quyết đúng hạn"),
        {
            "form": form,
            "level": level,
            "breadcrumbs": level.breadcrumbs(),
            "table": table,
            "series": series,
            "chart": chart,
            "total": total,
            "start": start,
            "end_inclusive": end - timedelta(days=1),
            "period_heading": {
                "month": _("Tỷ lệ đúng hạn theo tháng"),
                "quarter": _("Tỷ lệ đúng hạn theo quý"),
                "year": _("Tỷ lệ đúng hạn theo năm"),
            }[period],
            "late_total_url": oversight_url("ontime_cases", authority=here, outcome="late", **span),
            "on_time_total_url": oversight_url("ontime_cases", authority=here, outcome="on_time", **span),
            "export_csv": _with(request, export="csv"),
            "export_xlsx": _with(request, export="xlsx"),
            "methods": reporting.methods(),
        },
        "ontime",
    )


@oversight_view
def ontime_cases_view(request, scope):
    """The cases behind an on-time figure (resolved in the period; on time, late, or both)."""
    level = _level(request, scope)
    now = timezone.now()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        default_start, default_end = reporting.default_on_time_window(timezone.localdate(now))
        start, end = default_start, default_end + timedelta(days=1)
    outcome = request.GET.get("outcome") or ""
    kind = request.GET.get("kind") or None
    exact = request.GET.get("only") == "1"
    qs = ontime_cases(level, start=start, end=end, outcome=outcome, kind=kind, exact=exact).select_related(
        "authority"
    )
    qs = qs.order_by("decided_at", "pk")
    outcome_labels = {"on_time": _("Đúng hạn"), "late": _("Trễ hạn")}
    if fmt := _export_format(request):
        headers = [_("Mã hồ sơ"), _("Cơ quan"), _("Loại đơn"), _("Ngày ra quyết định/kết luận"), _("Kết quả")]
        data = (
            [
                c.reference,
                c.authority.name_vi if c.authority_id else "",
                c.get_kind_display(),
                timezone.localtime(c.decided_at).strftime("%d/%m/%Y"),
                str(outcome_labels["late" if c.resolution_late else "on_time"]),
            ]
            for c in qs[:EXPORT_LIMIT]
        )
        return export_response(fmt, "giai-quyet-dung-han", _("Giải quyết đúng hạn"), headers, data)
    try:
        page = max(1, int(request.GET.get("p", "1")))
    except ValueError:
        page = 1
    total = qs.count()
    items = [
        {
            "case": c,
            "url": case_url(c.reference),
            "outcome": outcome_labels["late" if c.resolution_late else "on_time"],
            "key": "late" if c.resolution_late else "on_time",
        }
        for c in qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    pages = max(1, -(-total // PAGE_SIZE))
    return _render(
        request,
        "ontime_cases.html",
        _("Hồ sơ giải quyết đúng hạn, trễ hạn"),
        {
            "items": items,
            "total": total,
            "level": level,
            "start": start,
            "end_inclusive": end - timedelta(days=1),
            "outcome": outcome_labels.get(outcome, ""),
            "page": page,
            "pages": pages,
            "prev_url": _with(request, p=page - 1) if page > 1 else "",
            "next_url": _with(request, p=page + 1) if page < pages else "",
            "export_csv": _with(request, export="csv", p=None),
            "export_xlsx": _with(request, export="xlsx", p=None),
        },
        "ontime",
    )


# ------------------------------------------------------------------------------------------- top


@oversight_view
def top(request, scope):
    level = _level(request, scope)
    form = OversightFilterForm(request.GET, scope=scope)
    kind = form.value("kind")
    open_only = request.GET.get("all") != "1"
    here = level.node.code if level.node else None
    sections = []
    for metric, title in TOP_METRICS.items():
        cases = top_cases(level, metric, open_only=open_only, kind=kind)
        sections.append({"metric": metric, "title": title, "cases": cases})
    if fmt := _export_format(request):
        headers = [
            _("Chỉ số"),
            _("Mã hồ sơ"),
            _("Trạng thái"),
            _("Mã trạng thái"),
            _("Cơ quan"),
            _("Mã cơ quan"),
            _("Giá trị"),
            _("Tiêu đề"),
        ]
        data = [
            [
                str(s["title"]),
                c.reference,
                c.get_status_display(),
                c.status,
                c.authority.name_vi if c.authority_id else "",
                c.authority.code if c.authority_id else "",
                getattr(c, s["metric"]),
                c.subject,
            ]
            for s in sections
            for c in s["cases"]
        ]
        return export_response(fmt, f"nhieu-lan-{here or 'tat-ca'}", _("Nhiều lần"), headers, data)
    min_param = {
        "transfer_count": "min_transfers",
        "extension_count": "min_extensions",
        "escalation_level": "min_escalation",
        "reassignment_count": "min_reassignments",
    }
    for section in sections:
        metric = section["metric"]
        section["bars"] = charts.bars(
            [
                charts.Bar(
                    label=f"{c.reference} · {c.subject}",
                    value=getattr(c, metric),
                    url=case_url(c.reference),
                    title=f"{c.reference}: {getattr(c, metric)}",
                )
                for c in section["cases"]
            ]
        )
        for bar, case in zip(section["bars"], section["cases"], strict=True):
            bar.case = case
        section["finder_url"] = oversight_url("stalled", authority=here, kind=kind, **{min_param[metric]: 2})
    return _render(
        request,
        "top.html",
        _("Hồ sơ chuyển, gia hạn, cảnh báo nhiều lần"),
        {
            "form": form,
            "level": level,
            "breadcrumbs": level.breadcrumbs(),
            "sections": sections,
            "open_only": open_only,
            "toggle_url": _with(request, all=None if not open_only else "1"),
            "export_csv": _with(request, export="csv"),
            "export_xlsx": _with(request, export="xlsx"),
        },
        "top",
    )


# ---------------------------------------------------------------------------------------- search


@oversight_view
def search_cases(request, scope):
    query = (request.GET.get("q") or "").strip()
    rows, total, unavailable = [], 0, False
    page = 1
    pages = 1
    if query:
        try:
            ids = get_backend().search(query, limit=1000)
        except SearchUnavailable:
            ids, unavailable = [], True
            messages.error(request, _("Máy chủ tìm kiếm tạm thời không truy cập được. Vui lòng thử lại sau."))
        # The backend returns ids; what the viewer may see is decided here, in the database.
        visible = set(scope.cases().filter(pk__in=ids).values_list("pk", flat=True))
        ids = [i for i in ids if i in visible]
        total = len(ids)
        try:
            page = max(1, int(request.GET.get("p", "1")))
        except ValueError:
            page = 1
        pages = max(1, -(-total // PAGE_SIZE))
        rows = rows_for_ids(ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], queryset=scope.cases())
        for row in rows:
            row["url"] = case_url(row["reference"])
    return _render(
        request,
        "search.html",
        _("Tìm kiếm hồ sơ"),
        {
            "query": query,
            "rows": rows,
            "total": total,
            "unavailable": unavailable,
            "page": page,
            "pages": pages,
            "prev_url": _with(request, p=page - 1) if page > 1 else "",
            "next_url": _with(request, p=page + 1) if page < pages else "",
        },
        "search",
    )
