"""The reception workspace in the Wagtail admin (``/admin/reception/``): the register (sổ tiếp công
dân) with its printable form, a visit form for a person or a group, a visit's page with the
identity reveal, the receipt for documents and the refusal notice, the heads' reception sessions
with the notice of conclusions and its instructions, and the reception places with their hours.
Thin views: every change is a ``services`` verb; domain errors are shown on the form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases import rules
from cases import services as case_services
from cases.admin import common
from cases.errors import ApplicationError
from cases.models import Authority, Case

from . import forms, selectors, services
from .models import HeadSession, Instruction, ReceptionPlace, RegularHours, Visit, VisitIdentityAccess

PAGE_SIZE = 50
MASK = "●●●●●●"


def _deny(message):
    raise PermissionDenied(message)


def _apply_errors(form, exc: ApplicationError, prefix_map=None) -> None:
    """The service's field errors on the form's fields (others as form errors)."""
    for name, errors in exc.field_errors.items():
        field = name
        if prefix_map:
            for prefix, target in prefix_map.items():
                if name.startswith(prefix):
                    field = target
        for err in errors:
            if field in form.fields:
                form.add_error(field, str(err))
            else:
                form.add_error(None, f"{name}: {err}" if "." in name else str(err))
    form.add_error(None, str(exc.message))


class _Base(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not selectors.register_authorities(request.user).exists():
            _deny(gettext("Bạn không có quyền xem sổ tiếp công dân."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": reverse("reception_admin:register"), "label": gettext("Tiếp công dân")}]


# ------------------------------------------------------------------------------ the register


def _date(value: str | None) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime((value or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def _register_queryset(request):
    qs = selectors.visits_for_user(request.user)
    authority = request.GET.get("authority")
    if authority:
        qs = qs.filter(authority__code=authority)
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if start:
        qs = qs.filter(received_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)))
    if end:
        qs = qs.filter(
            received_at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
        )
    if request.GET.get("handling") in Visit.Handling.values:
        qs = qs.filter(handling=request.GET["handling"])
    if request.GET.get("content") in Visit.Content.values:
        qs = qs.filter(content_kind=request.GET["content"])
    return qs.order_by("-received_at", "-number"), start, end


class RegisterView(_Base):
    template_name = "reception/register.html"
    page_title = _("Sổ tiếp công dân")

    def get(self, request, *args, **kwargs):
        qs, start, end = _register_queryset(request)
        page = Paginator(qs.prefetch_related("persons"), PAGE_SIZE).get_page(request.GET.get("p"))
        rows = [
            {
                "visit": v,
                "people": len(v.persons.all()),
                "group": rules.is_group_visit(v.group_size),
            }
            for v in page.object_list
        ]
        day = timezone.localdate()
        compliance = [
            {"authority": a, **selectors.head_reception_compliance(a, day)}
            for a in selectors.register_authorities(request.user)
            .filter(reception_places__isnull=False)
            .distinct()[:20]
        ]
        can_record = any(
            services.user_can_record_visit(request.user, a) for a in common.authorities_in_scope(request.user)
        )
        return self.render_to_response(
            self.get_context_data(
                page=page,
                rows=rows,
                authorities=selectors.register_authorities(request.user),
                handlings=Visit.Handling.choices,
                contents=Visit.Content.choices,
                start=start,
                end=end,
                can_record=can_record,
                compliance=compliance,
                query=request.GET.urlencode(),
                register_form=rules.register_form(day),
            )
        )


def register_print(request):
    """The register as printed (Mẫu 03/TCD from 01/07/2026): name, address and ID in clear only
    for a user who may read identity, each visit's reveal logged."""
    if not request.user.is_authenticated or not selectors.register_authorities(request.user).exists():
        _deny(gettext("Bạn không có quyền xem sổ tiếp công dân."))
    qs, start, end = _register_queryset(request)
    visits = list(qs.order_by("received_at", "number")[:1000])
    entries = []
    for v in visits:
        identity = None
        if services.user_can_view_visit_identity(request.user, v):
            identity = services.visit_identity_reveal(
                user=request.user,
                visit=v,
                reason=gettext("In sổ tiếp công dân"),
                action=VisitIdentityAccess.Action.PRINT,
            )
        entries.append({"visit": v, "identity": identity})
    day = end or timezone.localdate()
    return TemplateResponse(
        request,
        "reception/print_register.html",
        {
            "entries": entries,
            "start": start,
            "end": end,
            "form": rules.register_form(day),
            "now": timezone.now(),
        },
    )


# ------------------------------------------------------------------------------ visits


def _persons(formset) -> list[services.PersonInput]:
    persons = []
    for f in formset.forms:
        d = f.cleaned_data if f.is_valid() else {}
        if not d or not any(d.get(k) for k in ("full_name", "national_id", "address", "phone")):
            continue
        persons.append(
            services.PersonInput(
                full_name=d.get("full_name", ""),
                national_id=d.get("national_id", ""),
                id_issued=d.get("id_issued", ""),
                address=d.get("address", ""),
                phone=d.get("phone", ""),
                is_representative=bool(d.get("is_representative")),
            )
        )
    return persons


def _documents(formset) -> list[services.DocumentInput]:
    found = []
    for f in formset.forms:
        d = f.cleaned_data if f.is_valid() else {}
        if d and (d.get("name") or "").strip():
            found.append(
                services.DocumentInput(
                    name=d["name"],
                    pages=d.get("pages") or 1,
                    condition=d.get("condition") or "photocopy",
                    note=d.get("note", ""),
                )
            )
    return found


class VisitCreateView(_Base):
    template_name = "reception/visit_form.html"
    page_title = _("Ghi lượt tiếp công dân")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not any(
            services.user_can_record_visit(request.user, a) for a in common.authorities_in_scope(request.user)
        ):
            _deny(gettext("Bạn không có quyền ghi sổ tiếp công dân."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = {}
        if request.GET.get("session"):
            session = HeadSession.objects.filter(pk=request.GET["session"]).first()
            if session is not None:
                initial = {
                    "session": session.pk,
                    "authority": session.authority_id,
                    "place": session.place_id,
                }
        return self._render(
            forms.VisitForm(user=request.user, initial=initial),
            forms.PersonFormSet(prefix="persons"),
            forms.DocumentFormSet(prefix="documents"),
        )

    def _render(self, form, persons, documents, status=200):
        return self.render_to_response(
            self.get_context_data(form=form, persons=persons, documents=documents), status=status
        )

    def post(self, request, *args, **kwargs):
        form = forms.VisitForm(request.POST, request.FILES, user=request.user)
        persons = forms.PersonFormSet(request.POST, prefix="persons")
        documents = forms.DocumentFormSet(request.POST, prefix="documents")
        if not (form.is_valid() and persons.is_valid() and documents.is_valid()):
            return self._render(form, persons, documents, status=400)
        d = form.cleaned_data
        files = [
            case_services.FileInput(
                name=f.name,
                content=f.read(),
                content_type=f.content_type or "",
                contains_identity=d["content_kind"] == "denunciation",
            )
            for f in d.get("files") or []
        ]
        try:
            result = services.visit_record(
                actor=request.user,
                authority=d["authority"],
                place=d.get("place"),
                session=d.get("session"),
                received_at=d.get("received_at") or timezone.now(),
                channel=d["channel"],
                content_kind=d["content_kind"],
                summary=d["summary"],
                request=d.get("request", ""),
                group_size=d["group_size"],
                prior_resolution=d.get("prior_resolution", ""),
                in_competence=bool(d.get("in_competence")),
                handling=d["handling"],
                referred_to=d.get("referred_to"),
                referred_to_text=d.get("referred_to_text", ""),
                referral_number=d.get("referral_number", ""),
                guidance=d.get("guidance", ""),
                existing_case=d.get("existing_case"),
                documents=_documents(documents),
                files=files,
                subject=d.get("subject", ""),
                contested_act=d.get("contested_act", ""),
                contested_act_known_on=d.get("contested_act_known_on"),
                accused_name=d.get("accused_name", ""),
                accused_authority=d.get("accused_authority"),
                refusal_ground=d.get("refusal_ground", ""),
                refusal_explanation=d.get("refusal_explanation", ""),
                receipt_number=d.get("receipt_number", ""),
                persons=_persons(persons),
                follow_up=d.get("follow_up", ""),
                note=d.get("note", ""),
            )
        except ApplicationError as exc:
            _apply_errors(
                form,
                exc,
                {"persons.": "__persons__", "parties.": "__persons__", "documents.": "__documents__"},
            )
            person_errors = [
                str(e)
                for k, errs in exc.field_errors.items()
                if k.startswith(("persons", "parties"))
                for e in errs
            ]
            return self.render_to_response(
                self.get_context_data(
                    form=form, persons=persons, documents=documents, person_errors=person_errors
                ),
                status=400,
            )
        if result.access_key:
            # The tracking key is shown once, on the visit page right after recording it.
            request.session[f"visit-key-{result.visit.pk}"] = {
                "reference": result.case.reference,
                "key": result.access_key,
            }
        messages.success(
            request, gettext("Đã ghi sổ lượt tiếp số %(n)s.") % {"n": result.visit.register_label}
        )
        return redirect("reception_admin:visit", pk=result.visit.pk)


def _visit_for(request, pk: int) -> Visit:
    visit = get_object_or_404(selectors.visits_for_user(request.user), pk=pk)
    return visit


class VisitDetailView(_Base):
    template_name = "reception/visit.html"

    def get_page_title(self):
        return gettext("Lượt tiếp số %(n)s") % {"n": self.visit.register_label}

    def dispatch(self, request, pk, *args, **kwargs):
        response = super().dispatch
        if not request.user.is_authenticated:
            return response(request, *args, **kwargs)
        self.visit = _visit_for(request, pk)
        return response(request, *args, **kwargs)

    def context(self, **extra):
        visit = self.visit
        refusal = getattr(visit, "refusal", None)
        user = self.request.user
        can_issue = (
            refusal is not None
            and refusal.notice_required
            and not refusal.notice_issued
            and (
                user.is_superuser
                or (
                    services.user_is_head_of(user, visit.authority)
                    if refusal.notice_signer_role == "head"
                    else services.user_can_record_visit(user, visit.authority)
                )
            )
        )
        key = self.request.session.pop(f"visit-key-{visit.pk}", None)
        slip = None
        if key and visit.case_id:
            # The same receipt and appointment slip as a letter registered at the desk (one name
            # for each code, a QR to the tracking page), printed for the visitor there and then.
            from types import SimpleNamespace

            from cases.admin.slip import slip_context

            slip = slip_context(
                SimpleNamespace(
                    case=visit.case, access_key=key["key"], deadlines=list(visit.case.deadlines.all())
                ),
                user,
            )
        context = {
            "visit": visit,
            "persons": list(visit.persons.all()),
            "documents": list(visit.documents.all()),
            "refusal": refusal,
            "group": rules.is_group_visit(visit.group_size),
            "can_reveal": services.user_can_view_visit_identity(user, visit),
            "reveal_form": forms.RevealForm(),
            "notice_form": forms.RefusalNoticeForm(initial={"notice_date": timezone.localdate()})
            if can_issue
            else None,
            "receipt_form": rules.receipt_form(timezone.localtime(visit.received_at).date()),
            "tracking": key,
            "slip": slip,
            "mask": MASK,
        }
        context.update(extra)
        return self.get_context_data(**context)

    def get(self, request, *args, **kwargs):
        response = self.render_to_response(self.context())
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "reveal":
            form = forms.RevealForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.context(reveal_form=form), status=400)
            try:
                identity = services.visit_identity_reveal(
                    user=request.user, visit=self.visit, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                form.add_error("reason", str(exc.message))
                return self.render_to_response(self.context(reveal_form=form), status=403)
            response = self.render_to_response(self.context(identity=identity))
            response["Cache-Control"] = "no-store"
            return response
        if action == "notice":
            refusal = getattr(self.visit, "refusal", None)
            if refusal is None:
                raise Http404
            form = forms.RefusalNoticeForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.context(notice_form=form), status=400)
            try:
                services.refusal_notice_issue(refusal=refusal, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                _apply_errors(form, exc)
                return self.render_to_response(self.context(notice_form=form), status=400)
            messages.success(request, gettext("Đã ban hành thông báo từ chối tiếp công dân."))
            return redirect("reception_admin:visit", pk=self.visit.pk)
        raise Http404


def _document_identity(request, visit: Visit, reason: str):
    """For a document addressed to the visitor: their identity, revealed (and logged) for a user
    who may read it; None otherwise (the document shows blanks)."""
    if services.user_can_view_visit_identity(request.user, visit):
        return services.visit_identity_reveal(
            user=request.user, visit=visit, reason=reason, action=VisitIdentityAccess.Action.PRINT
        )
    return None


def receipt_print(request, pk: int):
    """Giấy biên nhận thông tin, tài liệu (Decree 154/2026 Art 15(4), Mẫu 02/TCD)."""
    visit = _visit_for(request, pk)
    if not visit.documents.exists():
        raise Http404(gettext("Lượt tiếp này không nhận tài liệu."))
    day = timezone.localtime(visit.received_at).date()
    identity = _document_identity(request, visit, gettext("In giấy biên nhận tài liệu"))
    return TemplateResponse(
        request,
        "reception/print_receipt.html",
        {
            "visit": visit,
            "documents": list(visit.documents.all()),
            "person": (identity or [None])[0],
            "form": rules.receipt_form(day),
            "officer": common.user_display(visit.officer),
        },
    )


def refusal_notice_print(request, pk: int):
    """Thông báo từ chối tiếp công dân (Mẫu 01/TCD from 01/07/2026)."""
    visit = _visit_for(request, pk)
    refusal = getattr(visit, "refusal", None)
    if refusal is None or not refusal.notice_required:
        raise Http404(gettext("Lượt tiếp này không có thông báo từ chối."))
    identity = _document_identity(request, visit, gettext("In thông báo từ chối tiếp công dân"))
    return TemplateResponse(
        request,
        "reception/print_refusal.html",
        {"visit": visit, "refusal": refusal, "person": (identity or [None])[0]},
    )


# ------------------------------------------------------------------------------ heads' sessions


class SessionListView(_Base):
    template_name = "reception/sessions.html"
    page_title = _("Lịch tiếp công dân của người đứng đầu")
    header_icon = "date"

    def get(self, request, *args, **kwargs):
        qs = selectors.sessions_for_user(request.user)
        now = timezone.now()
        upcoming = list(
            qs.filter(starts_at__gte=now - dt.timedelta(hours=12))
            .exclude(state=HeadSession.State.CANCELLED)
            .order_by("starts_at")[:50]
        )
        past = list(qs.filter(starts_at__lt=now - dt.timedelta(hours=12)).order_by("-starts_at")[:50])
        can_plan = any(
            services.user_can_manage_sessions(request.user, a)
            for a in common.authorities_in_scope(request.user)
        )
        return self.render_to_response(self.get_context_data(upcoming=upcoming, past=past, can_plan=can_plan))


class SessionCreateView(_Base):
    template_name = "reception/session_form.html"
    page_title = _("Lên lịch tiếp công dân của người đứng đầu")
    header_icon = "date"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=forms.SessionForm(user=request.user)))

    def post(self, request, *args, **kwargs):
        form = forms.SessionForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            session = services.session_plan(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, gettext("Đã lên lịch buổi tiếp công dân."))
        return redirect("reception_admin:session", pk=session.pk)


class SessionDetailView(_Base):
    template_name = "reception/session.html"
    header_icon = "date"

    def get_page_title(self):
        return gettext("Buổi tiếp công dân ngày %(d)s") % {
            "d": f"{timezone.localtime(self.session.starts_at):%d/%m/%Y}"
        }

    def dispatch(self, request, pk, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = get_object_or_404(selectors.sessions_for_user(request.user), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def units(self):
        return Authority.objects.filter(path__startswith=self.session.authority.path).order_by("path")

    def context(self, **extra):
        session, user = self.session, self.request.user
        can_manage = (
            services.user_can_manage_sessions(user, session.authority) or user.pk == session.presider_id
        )
        visits = list(session.visits.select_related("case").order_by("received_at"))
        instructions = list(session.instructions.select_related("case", "unit", "deadline", "reported_by"))
        today = timezone.localdate()
        for ins in instructions:
            ins.can_report = ins.reported_at is None and services.user_can_report_instruction(user, ins)
            ins.overdue = ins.deadline.state == "open" and ins.deadline.due_date < today
        case_refs = sorted({v.case.reference for v in visits if v.case_id})
        context = {
            "session": session,
            "visits": visits,
            "instructions": instructions,
            "can_manage": can_manage
            and not session.concluded
            and session.state != HeadSession.State.CANCELLED,
            "can_cancel": can_manage and session.state == HeadSession.State.PLANNED and not visits,
            "case_refs": case_refs,
            "report_form": forms.ReportForm(),
            "cancel_form": forms.CancelForm(),
        }
        if context["can_manage"] and "conclude_form" not in extra:
            context["conclude_form"] = forms.ConcludeForm(initial={"notice_date": today})
            context["instruction_formset"] = forms.InstructionFormSet(
                prefix="ins",
                form_kwargs={"units": self.units()},
                initial=[{"case": ref} for ref in case_refs],
            )
        context.update(extra)
        return self.get_context_data(**context)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context())

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        session = self.session
        if action == "conclude":
            form = forms.ConcludeForm(request.POST)
            formset = forms.InstructionFormSet(
                request.POST, prefix="ins", form_kwargs={"units": self.units()}
            )
            if not (form.is_valid() and formset.is_valid()):
                return self.render_to_response(
                    self.context(conclude_form=form, instruction_formset=formset), status=400
                )
            instructions = []
            for f in formset.forms:
                d = f.cleaned_data
                if not d or not (d.get("content") or "").strip():
                    continue
                if d.get("case") is None or d.get("unit") is None or d.get("due_date") is None:
                    f.add_error(None, gettext("Mỗi chỉ đạo cần mã hồ sơ, đơn vị được giao và hạn thực hiện."))
                    return self.render_to_response(
                        self.context(conclude_form=form, instruction_formset=formset), status=400
                    )
                instructions.append(
                    services.InstructionInput(d["case"], d["unit"], d["content"], d["due_date"])
                )
            try:
                services.session_conclude(
                    session=session, actor=request.user, instructions=instructions, **form.cleaned_data
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
                for name, errors in exc.field_errors.items():
                    if name.startswith("instructions."):
                        _, index, field = name.split(".")
                        target = formset.forms[int(index)] if int(index) < len(formset.forms) else None
                        if target is not None:
                            for err in errors:
                                target.add_error(field if field in target.fields else None, str(err))
                return self.render_to_response(
                    self.context(conclude_form=form, instruction_formset=formset), status=400
                )
            messages.success(
                request, gettext("Đã ban hành thông báo kết luận; các chỉ đạo đã được theo dõi thời hạn.")
            )
            return redirect("reception_admin:session", pk=session.pk)
        if action == "report":
            instruction = get_object_or_404(Instruction, pk=request.POST.get("instruction"), session=session)
            form = forms.ReportForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.context(report_form=form), status=400)
            try:
                services.instruction_report(
                    instruction=instruction, actor=request.user, report=form.cleaned_data["report"]
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
                return redirect("reception_admin:session", pk=session.pk)
            messages.success(request, gettext("Đã ghi kết quả thực hiện chỉ đạo."))
            return redirect("reception_admin:session", pk=session.pk)
        if action == "cancel":
            form = forms.CancelForm(request.POST)
            if form.is_valid():
                try:
                    services.session_cancel(
                        session=session, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, gettext("Đã hủy buổi tiếp."))
                except ApplicationError as exc:
                    messages.error(request, str(exc.message))
            return redirect("reception_admin:session", pk=session.pk)
        raise Http404


def session_notice_print(request, pk: int):
    """Thông báo kết luận việc tiếp công dân (Decree 154/2026 Art 25(2); no form is prescribed)."""
    session = get_object_or_404(selectors.sessions_for_user(request.user), pk=pk)
    if not session.concluded:
        raise Http404(gettext("Buổi tiếp chưa có thông báo kết luận."))
    return TemplateResponse(
        request,
        "reception/print_session_notice.html",
        {
            "session": session,
            "instructions": list(session.instructions.select_related("case", "unit", "deadline")),
        },
    )


# ------------------------------------------------------------------------------ places


class PlacesView(_Base):
    template_name = "reception/places.html"
    page_title = _("Nơi tiếp công dân và lịch tiếp")
    header_icon = "site"

    def get(self, request, *args, **kwargs):
        places = ReceptionPlace.objects.filter(
            authority__in=selectors.register_authorities(request.user)
        ).prefetch_related("hours")
        can_edit = any(
            services.user_can_manage_sessions(request.user, a)
            for a in common.authorities_in_scope(request.user)
        )
        return self.render_to_response(self.get_context_data(places=places, can_edit=can_edit))


class PlaceEditView(_Base):
    template_name = "reception/place_form.html"
    page_title = _("Nơi tiếp công dân")
    header_icon = "site"

    def dispatch(self, request, pk=None, *args, **kwargs):
        self.place = None
        if request.user.is_authenticated and pk is not None:
            self.place = get_object_or_404(ReceptionPlace, pk=pk)
            if not services.user_can_manage_sessions(request.user, self.place.authority):
                _deny(gettext("Bạn không có quyền sửa nơi tiếp công dân này."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = forms.PlaceForm(instance=self.place, user=request.user)
        initial = [
            {"weekday": h.weekday, "opens": h.opens, "closes": h.closes}
            for h in (self.place.hours.all() if self.place else [])
        ]
        return self.render_to_response(
            self.get_context_data(
                form=form, hours=forms.HoursFormSet(prefix="hours", initial=initial), place=self.place
            )
        )

    def post(self, request, *args, **kwargs):
        form = forms.PlaceForm(request.POST, instance=self.place, user=request.user)
        hours = forms.HoursFormSet(request.POST, prefix="hours")
        if not (form.is_valid() and hours.is_valid()):
            return self.render_to_response(
                self.get_context_data(form=form, hours=hours, place=self.place), status=400
            )
        slots = [
            h.cleaned_data
            for h in hours.forms
            if h.cleaned_data and h.cleaned_data.get("opens") and h.cleaned_data.get("closes")
        ]
        for slot in slots:
            if slot["closes"] <= slot["opens"] or slot.get("weekday") is None:
                form.add_error(None, gettext("Giờ tiếp: chọn thứ và giờ kết thúc sau giờ bắt đầu."))
                return self.render_to_response(
                    self.get_context_data(form=form, hours=hours, place=self.place), status=400
                )
        from django.db import transaction

        with transaction.atomic():
            place = form.save()
            place.hours.all().delete()
            RegularHours.objects.bulk_create(
                [
                    RegularHours(place=place, weekday=s["weekday"], opens=s["opens"], closes=s["closes"])
                    for s in slots
                ]
            )
        messages.success(request, gettext("Đã lưu nơi tiếp công dân."))
        return redirect("reception_admin:places")


def case_visits(case: Case) -> list[Visit]:
    return list(case.visits.order_by("received_at"))
