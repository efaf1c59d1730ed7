"""The case page and everything reached from it: actions, identity reveal, attachments, documents,
the duplicate finder, the history export; plus intake registration and the access log."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from .. import permissions, redaction, selectors, services
from ..duplicates import find_duplicates
from ..errors import ApplicationError, ConflictError, PermissionDeniedError
from ..models import Attachment, Case, CaseEvent, IdentityAccessLog, Party, Role, Visibility
from ..scope import staff_scope
from ..spreadsheet import safe_row
from ..storage import private_storage
from ..verification import steps
from . import common
from .actions import ACTIONS, ANNOTATIONS, action_states, available_actions
from .forms import RevealForm
from .listing import scoped_cases


def _case_breadcrumbs(case: Case, *extra):
    items = [
        {"url": reverse("cases_admin:index"), "label": gettext("Hồ sơ")},
        {"url": reverse("cases_admin:detail", args=[case.reference]), "label": case.reference},
    ]
    return items + list(extra)


def can_export(user, case: Case) -> bool:
    if not permissions.user_can("view", user, case):
        return False
    if user.is_superuser or permissions.is_auditor(user):
        return True
    return Role.HEAD_OF_AGENCY in permissions.roles_for_case(user, case)


def _links(case: Case, user) -> list[dict]:
    visible = scoped_cases(user)
    links = []

    def add(other, relation):
        if other is not None and visible.filter(pk=other.pk).exists():
            links.append(
                {
                    "reference": other.reference,
                    "subject": redaction.for_viewer(other, user, other.subject),
                    "relation": relation,
                    "status": other.get_status_display(),
                }
            )
        elif other is not None:
            links.append(
                {
                    "reference": other.reference,
                    "subject": "",
                    "relation": relation,
                    "status": "",
                    "hidden": True,
                }
            )

    add(case.previous_case, gettext("Hồ sơ trước (lần đầu)"))
    for later in case.later_cases.all():
        add(later, gettext("Hồ sơ sau (lần hai / tố cáo tiếp)"))
    add(case.merged_into, gettext("Đã gộp vào"))
    for dup in case.duplicates.all():
        add(dup, gettext("Hồ sơ trùng đã gộp vào đây"))
    refs = set()
    for data in CaseEvent.objects.filter(case=case, kind="case.linked").values_list("data", flat=True):
        refs.add(data.get("other"))
    for other in Case.objects.filter(reference__in=[r for r in refs if r]):
        add(other, gettext("Hồ sơ liên quan"))
    return links


class CaseDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/detail.html"
    header_icon = "folder-open-inverse"

    def dispatch(self, request, reference):
        self.case = common.case_for(request.user, reference)
        return super().dispatch(request, reference)

    def get_page_title(self):
        return (
            f"{self.case.reference} · {redaction.for_viewer(self.case, self.request.user, self.case.subject)}"
        )

    def get_breadcrumbs_items(self):
        return [*_case_breadcrumbs(self.case)[:-1], {"url": "", "label": self.case.reference}]

    @property
    def header_buttons(self):
        buttons = []
        if can_export(self.request.user, self.case):
            buttons.append(
                HeaderButton(
                    gettext("Xuất lịch sử (JSON)"),
                    url=reverse("cases_admin:export", args=[self.case.reference, "json"]),
                    icon_name="download",
                )
            )
        return buttons

    def get(self, request, *args, **kwargs):
        services.identity_access_record(
            user=request.user, case=self.case, action=IdentityAccessLog.Action.VIEW_CASE
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.case, self.request.user
        actions = available_actions(user, case)
        disabled = [s for s in action_states(user, case) if not s.allowed]
        can_identity = permissions.user_can_view_identity(user, case)
        parties = [
            {**selectors.party_masked(p), "position": p.position + 1, "disclosed": p.identity_disclosed}
            for p in case.parties.all()
        ]
        attachments = []
        for a in case.attachments.select_related("uploaded_by"):
            attachments.append(
                {
                    "obj": a,
                    "previewable": a.content_type.startswith("image/") or a.content_type == "application/pdf",
                    "locked": a.contains_identity and not can_identity,
                }
            )
        timeline = common.timeline_rows(case, user)
        needles = [] if can_identity else redaction.case_needles(case)
        context.update(
            {
                "case": case,
                # What a citizen typed, with identity masked for viewers without the permission.
                "shown": {
                    name: redaction.redact(getattr(case, name), needles)
                    for name in ("subject", "description", "contested_act")
                },
                "deadlines": common.deadline_rows(case, viewer=user),
                "colour_classes": common.COLOUR_CLASSES,
                "parties": parties,
                "can_reveal": can_identity,
                "attachments": attachments,
                "timeline": timeline,
                "notes": [row for row in timeline if row.kind == "note.added"],
                "transitions": [a for a in actions if a.slug not in ANNOTATIONS],
                "annotations": [a for a in actions if a.slug in ANNOTATIONS and a.slug not in ("note",)],
                "can_note": any(a.slug == "note" for a in actions),
                "disabled_actions": disabled,
                "handling": handling_panel(case),
                "links": _links(case, user),
                "escalations": common.escalation_rows(case),
                "escalation_label": common.ESCALATION_LEVELS.get(case.escalation_level, ""),
                "can_export": can_export(user, case),
                "is_auditor": permissions.is_auditor(user),
                "duplicate_count": len(duplicate_candidates(case, user))
                if case.status == Case.Status.RECEIVED
                else 0,
            }
        )
        return context


# ------------------------------------------------------------------------------------ actions


def handling_panel(case: Case) -> dict:
    """What the case page shows of the handling steps: the verification work, the reports with the
    head's review, the dialogues, and in whose name the decision is issued."""
    from ..verification.models import Dialogue, VerificationRecord, VerificationReport

    return {
        "records": list(
            VerificationRecord.objects.filter(case=case).select_related("attachment").order_by("date", "pk")
        ),
        "reports": list(
            VerificationReport.objects.filter(case=case)
            .select_related("submitted_by", "reviewed_by")
            .order_by("round")
        ),
        "dialogues": list(Dialogue.objects.filter(case=case).select_related("minutes").order_by("when")),
        "issued_as": steps.competent_title(case.authority),
        "dialogue_basis": steps.dialogue_requirement(case),
    }


class ActionView(WagtailAdminTemplateMixin, TemplateView):
    """GET shows the action's form, POST calls the service. A stale ``version`` re-renders the
    bound form with the conflict message and what changed, so nothing typed is lost."""

    template_name = "cases/admin/action.html"
    header_icon = "folder-open-inverse"

    def dispatch(self, request, reference, action):
        self.case = common.case_for(request.user, reference)
        self.action = ACTIONS.get(action)
        if self.action is None:
            raise Http404
        if permissions.is_auditor(request.user):
            raise PermissionDenied(gettext("Tài khoản kiểm tra, giám sát chỉ được xem."))
        return super().dispatch(request, reference, action)

    def get_page_title(self):
        return f"{self.action.label} · {self.case.reference}"

    def get_breadcrumbs_items(self):
        return _case_breadcrumbs(self.case, {"url": "", "label": str(self.action.label)})

    def _form(self, data=None, files=None):
        initial = {}
        if self.action.slug in ("merge", "link") and self.request.GET.get("into"):
            initial["into"] = self.request.GET["into"]
        return self.action.form_class(data, files, case=self.case, user=self.request.user, initial=initial)

    def get(self, request, *args, **kwargs):
        if not self.action.allowed(request.user, self.case):
            common.require(self.action.verb, request.user, self.case)
            state = self.action.state(request.user, self.case)
            messages.error(
                request,
                state[1]
                if state and state[1]
                else gettext("Thao tác này không còn phù hợp với trạng thái hiện tại của hồ sơ."),
            )
            return redirect("cases_admin:detail", self.case.reference)
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST, request.FILES)
        posted_version = request.POST.get("version")
        stale = form.fields.get("version") is not None and posted_version != str(self.case.version)
        if not permissions.user_can(self.action.verb, request.user, self.case) and not stale:
            common.require(self.action.verb, request.user, self.case)
        if stale:
            return self._conflict(
                form,
                gettext("Hồ sơ vừa được người khác cập nhật; vui lòng xem lại thay đổi rồi thực hiện lại."),
            )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if getattr(form, "needs_confirmation", False) and not form.cleaned_data.get("confirmed"):
            # An issued decision or conclusion cannot be undone: show what will be issued, in whose
            # name, and ask once more (Law on Complaints Arts 17-21, 31, 40; Law on Denunciations
            # Art 35).
            verdict = self.action.verdict(self.case) if self.action.verdict else None
            if verdict is not None and not verdict:
                form.add_error(None, str(verdict.reason))
                return self.render_to_response(self.get_context_data(form=form), status=400)
            data = form.data.copy()
            data["confirmed"] = "1"
            confirming = self.action.form_class(data, request.FILES, case=self.case, user=request.user)
            confirming.is_valid()
            context = self.get_context_data(form=confirming)
            context["confirm"] = {
                "issued_as": steps.competent_title(self.case.authority),
                "number": form.cleaned_data.get("decision_number", ""),
                "outcome": dict(Case.Outcome.choices).get(form.cleaned_data.get("outcome", ""), ""),
                "summary": form.cleaned_data.get("summary", ""),
                "file_dropped": bool(request.FILES),
            }
            context["submit_label"] = gettext("Xác nhận ban hành")
            return self.render_to_response(context)
        try:
            case = self.action.run(self.case, request.user, form)
        except ConflictError as exc:
            return self._conflict(form, exc.message)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            for name, errors in exc.field_errors.items():
                if name in form.fields:
                    for err in errors:
                        form.add_error(name, str(err))
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, str(self.action.success))
        target = case.reference if isinstance(case, Case) else self.case.reference
        return redirect("cases_admin:detail", target)

    def _conflict(self, form, message):
        fresh = Case.objects.get(pk=self.case.pk)
        data = form.data.copy()
        data["version"] = str(fresh.version)  # resubmitting after review applies to the new state
        refreshed = self.action.form_class(data, form.files, case=fresh, user=self.request.user)
        refreshed.is_valid()
        context = self.get_context_data(form=refreshed)
        context["conflict"] = message
        context["recent"] = common.timeline_rows(fresh, self.request.user)[:4]
        context["still_allowed"] = self.action.allowed(self.request.user, fresh)
        return self.render_to_response(context, status=409)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "case": self.case,
                "action": self.action,
                "deadlines": common.deadline_rows(self.case, viewer=self.request.user),
                "submit_label": self.action.label,
            }
        )
        return context


# ------------------------------------------------------------------------------- identity


class RevealView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cases/admin/reveal.html"
    header_icon = "view"

    def dispatch(self, request, reference, party_id):
        self.case = common.case_for(request.user, reference)
        self.party = Party.objects.filter(case=self.case, pk=party_id).first()
        if self.party is None:
            raise Http404
        if not permissions.user_can_view_identity(request.user, self.case):
            raise PermissionDenied(gettext("Bạn không có quyền xem nhân thân người gửi đơn."))
        return super().dispatch(request, reference, party_id)

    def get_page_title(self):
        return gettext("Xem nhân thân") + f" · {self.case.reference}"

    def get_breadcrumbs_items(self):
        return _case_breadcrumbs(self.case, {"url": "", "label": gettext("Xem nhân thân")})

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=RevealForm()))

    def post(self, request, *args, **kwargs):
        form = RevealForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            identity = services.party_identity_reveal(
                user=request.user, party=self.party, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form.add_error("reason", exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        response = self.render_to_response(self.get_context_data(form=None, identity=identity))
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"case": self.case, "party": self.party, "masked": selectors.party_masked(self.party)})
        return context


# ------------------------------------------------------------------------------ attachments


def _attachment(request, reference, attachment_id) -> tuple[Case, Attachment]:
    case = common.case_for(request.user, reference)
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    if attachment.contains_identity and not permissions.user_can_view_identity(request.user, case):
        raise PermissionDenied(
            gettext(
                "Tài liệu có thông tin nhân thân người tố cáo; cần quyền xem nhân thân "
                "(Luật Tố cáo, Điều 56)."
            )
        )
    return case, attachment


def _log_identity_file(request, case, attachment):
    if attachment.contains_identity:
        services.identity_access_record(
            user=request.user,
            case=case,
            action=IdentityAccessLog.Action.REVEAL_IDENTITY,
            reason=gettext("Mở tài liệu có thông tin nhân thân: %(name)s")
            % {"name": attachment.original_name},
            attachment=attachment,
        )


def attachment_preview(request, reference, attachment_id):
    case, attachment = _attachment(request, reference, attachment_id)
    docx = None
    if attachment.content_type.endswith("wordprocessingml.document"):
        from ..documents import docx_preview

        try:
            with private_storage().open(attachment.file.name, "rb") as fh:
                docx = docx_preview(fh.read())
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
            docx = None  # a damaged or oversized document: shown as a download, never a 500
    if docx is not None:
        _log_identity_file(request, case, attachment)
    return TemplateResponse(
        request,
        "cases/admin/attachment.html",
        {
            "page_title": attachment.original_name,
            "header_icon": "doc-full",
            "breadcrumbs_items": _case_breadcrumbs(case, {"url": "", "label": attachment.original_name}),
            "case": case,
            "attachment": attachment,
            "is_image": attachment.content_type.startswith("image/"),
            "is_pdf": attachment.content_type == "application/pdf",
            "docx": docx,
        },
    )


def _private_root():
    from django.conf import settings

    return settings.PRIVATE_STORAGE_ROOT


@xframe_options_sameorigin
def attachment_file(request, reference, attachment_id):
    """The file from private storage, after the permission checks; inline only for images and
    PDFs (for the preview), always as a download otherwise."""
    case, attachment = _attachment(request, reference, attachment_id)
    storage = private_storage()
    try:
        handle = storage.open(attachment.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    _log_identity_file(request, case, attachment)
    inline = request.GET.get("inline") == "1" and (
        attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    )
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------ duplicates


def duplicate_candidates(case: Case, user, limit: int = 20) -> list[dict]:
    """The likely duplicates in the user's scope (``cases.duplicates``: the rule that sets the
    ``duplicate_suspected`` flag), each with why it was suggested."""
    return [
        {"case": c.case, "why": c.reasons, "score": c.score}
        for c in find_duplicates(case, within=scoped_cases(user), limit=limit)
    ]


def duplicates_view(request, reference):
    case = common.case_for(request.user, reference)
    can_merge = ACTIONS["merge"].allowed(request.user, case)
    can_link = ACTIONS["link"].allowed(request.user, case)
    return TemplateResponse(
        request,
        "cases/admin/duplicates.html",
        {
            "page_title": gettext("Hồ sơ nghi trùng") + f" · {case.reference}",
            "header_icon": "group",
            "breadcrumbs_items": _case_breadcrumbs(case, {"url": "", "label": gettext("Hồ sơ nghi trùng")}),
            "case": case,
            "candidates": duplicate_candidates(case, request.user),
            "can_merge": can_merge,
            "can_link": can_link,
            "can_clear": case.duplicate_suspected and permissions.user_can("merge", request.user, case),
        },
    )


def merge_preview_view(request, reference, other):
    """Before a merge, both cases side by side and one sentence saying which one closes."""
    case = common.case_for(request.user, reference)
    target = common.case_for(request.user, other)
    if target.pk == case.pk or not ACTIONS["merge"].allowed(request.user, case):
        return redirect("cases_admin:duplicates", case.reference)
    why = next((c["why"] for c in duplicate_candidates(case, request.user) if c["case"].pk == target.pk), [])
    return TemplateResponse(
        request,
        "cases/admin/merge_preview.html",
        {
            "page_title": gettext("Gộp hồ sơ trùng") + f" · {case.reference}",
            "header_icon": "group",
            "breadcrumbs_items": _case_breadcrumbs(case, {"url": "", "label": gettext("Gộp hồ sơ trùng")}),
            "case": case,
            "target": target,
            "why": why,
            "sides": [
                {"role": gettext("Kết thúc (gộp vào hồ sơ còn lại)"), "case": case, "closes": True},
                {"role": gettext("Tiếp tục giải quyết"), "case": target, "closes": False},
            ],
        },
    )


@require_POST
def duplicate_clear_view(request, reference):
    """Staff checked the likely duplicates and found none (``services.case_clear_duplicate``)."""
    case = common.case_for(request.user, reference)
    common.require("merge", request.user, case)
    try:
        services.case_clear_duplicate(
            case=case,
            actor=request.user,
            note=request.POST.get("note", ""),
            expected_version=int(request.POST.get("version") or 0) or None,
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("cases_admin:duplicates", case.reference)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("cases_admin:duplicates", case.reference)
    messages.success(request, gettext("Đã xác nhận hồ sơ %(ref)s không trùng.") % {"ref": case.reference})
    return redirect("cases_admin:duplicates_queue")


# --------------------------------------------------------------------------------- export


def history_export(case: Case, user) -> dict:
    """Everything that happened to the case, for an auditor: events (with their hash chain),
    field-level history, deadlines, attachments (metadata) and the access log. Identity is masked
    unless the exporting user holds the identity permission (auditors do not)."""
    from ..events import chain_verify

    report = chain_verify([case.pk])
    entries = selectors.case_timeline(case=case, viewer=user)
    # Identity typed into free text leaves the system only for those holding the permission.
    needles = [] if permissions.user_can_view_identity(user, case) else redaction.case_needles(case)
    memo: dict = {}
    for entry in entries:
        entry.data = redaction.redact(entry.data, needles, memo)
        entry.changes = redaction.redact(entry.changes, needles, memo)
        entry.reason = redaction.redact(entry.reason, needles, memo)

    def masked(change):
        if change["field"] in selectors.IDENTITY_FIELDS:
            return {"field": change["field"], "old": selectors.MASK, "new": selectors.MASK}
        return {k: str(v) if v is not None else None for k, v in change.items()}

    return {
        "case": {
            "reference": case.reference,
            "kind": case.kind,
            "status": case.status,
            "authority": case.authority.code if case.authority is not None else None,
            "received_at": case.received_at.isoformat(),
            "subject": redaction.redact(case.subject, needles, memo),
            "version": case.version,
            "event_count": case.event_count,
            "chain_ok": report.ok,
        },
        "exported_at": timezone.now().isoformat(),
        "exported_by": user.get_username(),
        # An export leaves the system: identity is never in it (Law on Denunciations Art 56).
        "identity_included": False,
        "timeline": [
            {
                "at": e.at.isoformat(),
                "source": e.source,
                "kind": e.kind,
                "actor": e.actor,
                "visibility": e.visibility,
                "data": e.data,
                "changes": [masked(c) for c in e.changes],
                "reason": e.reason,
            }
            for e in entries
        ],
        "events": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "hash": e.hash,
                "prev_hash": e.prev_hash,
                "at": e.created_at.isoformat(),
            }
            for e in case.events.order_by("seq")
        ],
        "deadlines": [
            {
                "rule": d.rule_code,
                "state": d.state,
                "trigger_date": d.trigger_date.isoformat(),
                "original_due_date": d.original_due_date.isoformat(),
                "due_date": d.due_date.isoformat(),
                "extensions": d.extension_lengths,
                "paused": d.paused_intervals,
                "missed": d.missed,
            }
            for d in case.deadlines.order_by("created_at", "pk")
        ],
        "attachments": [
            {
                "name": a.original_name,
                "sha256": a.sha256,
                "size": a.size,
                "kind": a.kind,
                "visibility": a.visibility,
                "contains_identity": a.contains_identity,
                "uploaded_by": a.uploaded_by.get_username() if a.uploaded_by_id else None,
                "uploaded_at": a.uploaded_at.isoformat(),
            }
            for a in case.attachments.select_related("uploaded_by")
        ],
        "access_log": [
            {
                "at": log.created_at.isoformat(),
                "user": log.user.get_username(),
                "action": log.action,
                "party": str(log.party) if log.party_id else None,
                "reason": log.reason,
            }
            for log in case.access_logs.select_related("user", "party", "party__case").order_by("created_at")
        ],
    }


class _SafeWriter:
    """A csv writer whose text cells cannot become formulas (``cases.spreadsheet``)."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        self.writer.writerow(safe_row(row))


def export_view(request, reference, fmt):
    case = common.case_for(request.user, reference)
    if not can_export(request.user, case):
        raise PermissionDenied(
            gettext("Chỉ cán bộ kiểm tra, giám sát và thủ trưởng cơ quan được xuất lịch sử hồ sơ.")
        )
    payload = history_export(case, request.user)
    services.identity_access_record(
        user=request.user, case=case, action=IdentityAccessLog.Action.EXPORT, reason=f"export {fmt}"
    )
    if fmt == "json":
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
    else:
        buffer = io.StringIO()
        writer = _SafeWriter(csv.writer(buffer))
        # Vietnamese labels for people, the codes beside them for machines.
        writer.writerow(
            [
                gettext("Thời điểm"),
                gettext("Nguồn"),
                gettext("Mã sự kiện"),
                gettext("Sự kiện"),
                gettext("Người thực hiện"),
                gettext("Phạm vi xem"),
                gettext("Chi tiết"),
                gettext("Thay đổi"),
                gettext("Lý do"),
            ]
        )
        sources = {
            "event": gettext("Sự kiện"),
            "history": gettext("Lịch sử thay đổi"),
            "access_log": gettext("Nhật ký truy cập"),
        }
        visibilities = dict(Visibility.choices)
        actions = dict(IdentityAccessLog.Action.choices)

        def when(iso: str) -> str:
            from datetime import datetime

            return timezone.localtime(datetime.fromisoformat(iso)).strftime("%d/%m/%Y %H:%M:%S")

        for row in payload["timeline"]:
            writer.writerow(
                [
                    when(row["at"]),
                    sources.get(row["source"], row["source"]),
                    row["kind"],
                    str(common.EVENT_LABELS.get(row["kind"], row["kind"])),
                    row["actor"],
                    str(visibilities.get(row["visibility"], row["visibility"])),
                    json.dumps(row["data"], ensure_ascii=False, default=str),
                    json.dumps(row["changes"], ensure_ascii=False),
                    common.reason_label(row["reason"]),
                ]
            )
        for log in payload["access_log"]:
            writer.writerow(
                [
                    when(log["at"]),
                    sources["access_log"],
                    log["action"],
                    str(actions.get(log["action"], log["action"])),
                    log["user"],
                    "",
                    log["party"] or "",
                    "",
                    log["reason"],
                ]
            )
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-history.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------ access log


def access_log_scope(user):
    """Auditors and superusers read every row; heads of agency their own sub-trees; others none."""
    qs = IdentityAccessLog.objects.select_related("user", "case", "party", "party__case").filter(
        staff_scope(user).case_q("case__")  # never the log of a case the reader is accused in
    )
    if user.is_superuser or permissions.is_auditor(user):
        return qs
    paths = [p for r, p in permissions._memberships(user) if r == Role.HEAD_OF_AGENCY]
    if not paths:
        return None
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(case__authority__path__startswith=path)
    return qs.filter(condition)
