"""The public pages' behaviour: the intake wizard, the tracking desk, the statistics and the
private document download. Writes go through ``cases.services`` only.

Every response that shows case data or identity typed by the citizen carries
``Cache-Control: no-store``; the secret key never appears in a URL, and the session holds it only
encrypted (the receipt, with the field keys, until the receipt page has been shown once)."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from cases import reporting, rules, services, workflow
from cases.actors import Citizen
from cases.delivery.models import Delivery
from cases.delivery.selectors import public_deliveries, public_signatures
from cases.errors import ApplicationError
from cases.errors import ValidationError as ServiceValidationError
from cases.models import Attachment, Authority, CaseKind, CaseStatus, IdentityAccessLog
from cases.selectors import case_deadlines, case_timeline
from cases.spreadsheet import safe_row

from . import access, intake, ratelimit, statistics, texts
from .forms import (
    ContentForm,
    KindForm,
    LookupForm,
    PersonForm,
    ReviewForm,
    StatisticsFilterForm,
    SupplementForm,
    WithdrawConfirmForm,
    WithdrawForm,
    validate_group,
)

logger = logging.getLogger(__name__)

PERSON_FIELDS = ("full_name", "national_id", "address", "phone", "email", "is_representative")
CONTENT_FIELDS = (
    "subject",
    "description",
    "contested_act",
    "contested_act_known_on",
    "discipline",
    "dismissal",
    "delay_reason",
    "accused_name",
    "accused_position",
    "accused_authority",
    "authority",
)


def healthz(request):
    """Liveness probe for load balancers: no database round trip, no case data."""
    return JsonResponse({"status": "ok"})


def _no_store(response):
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _render(page, request, template, context, status=200):
    base = page.get_context(request)
    base.update(context)
    return _no_store(TemplateResponse(request, template, base, status=status))


def _redirect(url: str, **params) -> HttpResponseRedirect:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return _no_store(HttpResponseRedirect(f"{url}?{query}" if query else url, status=303))


def too_large_response(request, page=None):
    context = {
        "title": pgettext("public", "Tệp quá lớn"),
        "message": pgettext(
            "public", "Tổng dung lượng gửi lên vượt quá 50 MB. Vui lòng gửi ít tệp hơn hoặc nén ảnh."
        ),
    }
    if page is not None:
        return _render(page, request, "publicsite/problem.html", context, status=413)
    return _no_store(TemplateResponse(request, "publicsite/problem.html", context, status=413))


def rate_limited_response(page, request, verdict):
    response = _render(
        page,
        request,
        "publicsite/problem.html",
        {
            "title": pgettext("public", "Quá nhiều yêu cầu"),
            "message": pgettext(
                "public",
                "Có quá nhiều yêu cầu từ địa chỉ mạng của ông/bà. Vui lòng thử lại sau %(minutes)s phút.",
            )
            % {"minutes": max(1, verdict.retry_after // 60)},
        },
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


# ======================================================================================= intake


def _steps(current: int, kind: str, first_incomplete: int | None):
    labels = {
        1: pgettext("public", "Loại đơn"),
        2: pgettext("public", "Người gửi"),
        3: pgettext("public", "Nội dung, tài liệu"),
        4: pgettext("public", "Xem lại và gửi"),
    }
    steps = []
    for number in (1, 2, 3, 4):
        skipped = number == 2 and kind == CaseKind.ANONYMOUS_REPORT
        done = first_incomplete is None or number < first_incomplete
        steps.append(
            {
                "number": number,
                "label": labels[number],
                "current": number == current,
                "done": done and number != current and not skipped,
                "skipped": skipped,
                "reachable": first_incomplete is None or number <= first_incomplete,
            }
        )
    return steps


def intake_serve(page, request):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method == "POST" and intake.request_too_large(request):
        return too_large_response(request, page)
    step = request.GET.get("step", "1")
    if step == "receipt":
        return _intake_receipt(page, request)
    if request.GET.get("restart") == "1" and request.method == "GET":
        intake.discard_draft(request)
        return _redirect(page.get_url(request))
    try:
        step = int(step)
    except ValueError:
        step = 1
    step = min(max(step, 1), 4)
    draft = intake.load_draft(request)
    first_incomplete = intake.first_incomplete_step(draft)
    limit = first_incomplete or 4
    if step > limit:
        return _redirect(page.get_url(request), step=limit)
    kind = draft.get("kind", "")
    if step == 2 and kind == CaseKind.ANONYMOUS_REPORT:
        return _redirect(page.get_url(request), step=3)
    handler = {1: _intake_kind, 2: _intake_people, 3: _intake_content, 4: _intake_review}[step]
    return handler(page, request, draft, first_incomplete)


def _intake_context(step, draft, first_incomplete, **extra):
    kind = draft.get("kind", "")
    return {
        "step": step,
        "steps": _steps(step, kind, first_incomplete),
        "kind": kind,
        "kind_label": texts.kind_label(kind) if kind else "",
        "has_draft": bool(kind),
        **extra,
    }


def _intake_kind(page, request, draft, first_incomplete):
    if request.method == "POST":
        form = KindForm(request.POST)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            if kind == CaseKind.ANONYMOUS_REPORT:
                draft["people"], draft["people_done"] = [], False
            draft["kind"] = kind
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=3 if kind == CaseKind.ANONYMOUS_REPORT else 2)
    else:
        form = KindForm(initial={"kind": draft.get("kind") or None})
    return _render(
        page,
        request,
        "publicsite/intake_page.html",
        _intake_context(
            1,
            draft,
            first_incomplete,
            form=form,
            errors=form.error_list() if form.is_bound else [],
            guide_page=_sibling(page, "guidepage"),
        ),
    )


def _person_forms(kind, people, data=None):
    is_group = len(people) > 1
    return [
        PersonForm(
            data=data, initial=p if data is None else None, kind=kind, is_group=is_group, prefix=f"p{i}"
        )
        for i, p in enumerate(people)
    ]


def _posted_people(request) -> list[dict]:
    try:
        count = int(request.POST.get("people_count", "1"))
    except ValueError:
        count = 1
    count = min(max(count, 1), 60)
    people = []
    for i in range(count):
        person = {name: request.POST.get(f"p{i}-{name}", "").strip() for name in PERSON_FIELDS[:-1]}
        person["is_representative"] = request.POST.get(f"p{i}-is_representative") in ("on", "true", "1")
        people.append(person)
    return people


def _intake_people(page, request, draft, first_incomplete):
    kind = draft["kind"]
    people = draft.get("people") or [{}]
    group_errors: list[str] = []
    if request.method == "POST":
        people = _posted_people(request)
        nav = request.POST.get("nav", "next")
        if nav.startswith("remove-"):
            try:
                index = int(nav.split("-", 1)[1])
            except ValueError:
                index = -1
            if 0 < index < len(people):
                people.pop(index)
            draft["people"], draft["people_done"] = people, False
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=2)
        if nav == "add":
            people.append({})
            draft["people"], draft["people_done"] = people, False
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=2)
        if nav == "back":
            draft["people"] = people
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=1)
        data = request.POST
        forms_ = _person_forms(kind, people, data=data)
        valid = all([f.is_valid() for f in forms_])  # noqa: C419 (validate every form)
        if valid:
            group_errors = validate_group(forms_)
        if valid and not group_errors:
            draft["people"] = [
                {
                    **{k: f.cleaned_data.get(k, "") for k in PERSON_FIELDS[:-1]},
                    "is_representative": bool(f.cleaned_data.get("is_representative")) or len(forms_) == 1,
                }
                for f in forms_
            ]
            draft["people_done"] = True
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=3)
        draft["people"], draft["people_done"] = people, False
        intake.save_draft(request, draft)
    else:
        forms_ = _person_forms(kind, people)
    errors = [("", e) for e in group_errors]
    for f in forms_:
        if f.is_bound:
            errors += f.error_list()
    return _render(
        page,
        request,
        "publicsite/intake_page.html",
        _intake_context(
            2,
            draft,
            first_incomplete,
            person_forms=forms_,
            people_count=len(forms_),
            group_errors=group_errors,
            errors=errors,
            is_denunciation=kind == CaseKind.DENUNCIATION,
        ),
    )


def _intake_content(page, request, draft, first_incomplete):
    kind = draft["kind"]
    upload_errors: list[str] = []
    if request.method == "POST":
        posted = {name: request.POST.get(name, "") for name in CONTENT_FIELDS}
        draft["content"] = posted
        draft["content_done"] = False
        remove = request.POST.getlist("remove_file")
        if remove:
            intake.unstage_files(draft, remove)
        uploads = request.FILES.getlist("files")
        if uploads:
            # Every public step that accepts files counts in the "upload" bucket before any file
            # is read (the wizard, the tracking page and the API share it).
            verdict = ratelimit.hit(request, "upload")
            if not verdict.allowed:
                intake.save_draft(request, draft)
                return rate_limited_response(page, request, verdict)
            count, size = intake.staged_totals(draft)
            check = intake.read_uploads(uploads, count, size)
            if check.ok:
                intake.stage_files(draft, check.files)
            upload_errors = check.errors
        nav = request.POST.get("nav", "next")
        form = ContentForm(data=posted, kind=kind)
        if nav == "back":
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=1 if kind == CaseKind.ANONYMOUS_REPORT else 2)
        valid = form.is_valid()
        for message in upload_errors:
            form.add_error("files", message)
        if valid and not upload_errors and nav == "next":
            draft["content_done"] = True
            intake.save_draft(request, draft)
            return _redirect(page.get_url(request), step=4)
        intake.save_draft(request, draft)
        if nav == "upload" and not upload_errors:
            if uploads or remove:
                messages.success(request, pgettext("public", "Đã cập nhật danh sách tài liệu."))
            return _redirect(page.get_url(request), step=3)
    else:
        content = draft.get("content") or {}
        form = ContentForm(initial=content, kind=kind)
    return _render(
        page,
        request,
        "publicsite/intake_page.html",
        _intake_context(
            3,
            draft,
            first_incomplete,
            form=form,
            staged=draft.get("files", []),
            errors=form.error_list() if form.is_bound else [],
            late=form.is_bound and form.late(),
            limitation_days=form.limitation_days(),
            is_complaint=kind == CaseKind.COMPLAINT,
            is_denunciation=kind in (CaseKind.DENUNCIATION, CaseKind.ANONYMOUS_REPORT),
        ),
    )


def _review_summary(draft):
    kind = draft["kind"]
    content = draft.get("content") or {}
    codes = {content.get("authority"), content.get("accused_authority")} - {None, ""}
    names = {a.code: texts.authority_name(a) for a in Authority.objects.filter(code__in=codes)}
    known = content.get("contested_act_known_on") or ""
    try:
        known_display = dt.date.fromisoformat(known).strftime("%d/%m/%Y") if known else ""
    except ValueError:
        known_display = known
    return {
        "people": draft.get("people") or [],
        "content": content,
        "known_display": known_display,
        "authority_display": names.get(content.get("authority") or "") or texts.authority_name(None),
        "accused_authority_display": names.get(content.get("accused_authority") or "", ""),
        "files": draft.get("files", []),
        "is_group": len(draft.get("people") or []) > 1,
        "anonymous": kind == CaseKind.ANONYMOUS_REPORT,
    }


def _intake_review(page, request, draft, first_incomplete):
    kind = draft["kind"]
    people = draft.get("people") or []
    service_errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if request.POST.get("nav") == "back":
            return _redirect(page.get_url(request), step=3)
        verdict = ratelimit.hit(request, "submit")
        if not verdict.allowed:
            return rate_limited_response(page, request, verdict)
        form = ReviewForm(request.POST, kind=kind, signers=intake.signers(kind, people))
        if form.is_spam:
            logger.warning("intake honeypot filled; nothing registered")
            return _render(
                page,
                request,
                "publicsite/problem.html",
                {
                    "title": pgettext("public", "Không thể gửi đơn"),
                    "message": pgettext("public", "Yêu cầu không hợp lệ. Vui lòng thử lại."),
                },
                status=400,
            )
        if form.is_valid():
            kind_, people_ok, content = _revalidate(draft)
            if kind_ is None:
                return _redirect(page.get_url(request), step=first_incomplete or 1)
            try:
                receipt = intake.submit(
                    kind=kind, people=people_ok, content=content, files=intake.staged_inputs(draft)
                )
            except ServiceValidationError as exc:
                service_errors = [("", m) for msgs in exc.field_errors.values() for m in msgs] or [
                    ("", exc.message)
                ]
            else:
                intake.discard_draft(request, draft)
                request.session[intake.RECEIPT_KEY] = receipt.as_session()
                access.grant(request, receipt.reference)
                return _redirect(page.get_url(request), step="receipt")
    else:
        form = ReviewForm(kind=kind, signers=intake.signers(kind, people))
    errors = service_errors + (form.error_list() if form.is_bound else [])
    return _render(
        page,
        request,
        "publicsite/intake_page.html",
        _intake_context(4, draft, first_incomplete, form=form, errors=errors, **_review_summary(draft)),
    )


def _revalidate(draft):
    kind, errors = intake.validate_kind({"kind": draft.get("kind", "")})
    if errors:
        return None, None, None
    people, errors, _forms = intake.validate_people(kind, draft.get("people") or [])
    if errors:
        return None, None, None
    content, errors, _form = intake.validate_content(kind, draft.get("content") or {})
    if errors:
        return None, None, None
    return kind, people, content


SHOWN_RECEIPT_KEY = "publicsite.shown_receipt_reference"


def _intake_receipt(page, request):
    receipt = intake.Receipt.from_session(request.session.pop(intake.RECEIPT_KEY, None))
    context = {
        "step": "receipt",
        "receipt": None,
        # After the one showing, a reload still says which case it was (never the key).
        "shown_reference": request.session.get(SHOWN_RECEIPT_KEY, ""),
        "tracking_page": _sibling(page, "trackingpage"),
    }
    if receipt:
        request.session[SHOWN_RECEIPT_KEY] = receipt["reference"]
        authority = Authority.objects.filter(code=receipt.get("authority_code") or "").first()
        english = texts.english()
        context.update(
            receipt=receipt,
            kind_label=texts.kind_label(receipt["kind"]),
            status_label=texts.status_label(receipt["status"]),
            received_at=timezone.localtime(dt.datetime.fromisoformat(receipt["received_at"])),
            acceptance_due=dt.date.fromisoformat(receipt["acceptance_due"])
            if receipt["acceptance_due"]
            else None,
            acceptance_title=receipt["acceptance_title_en" if english else "acceptance_title_vi"]
            or receipt["acceptance_title_vi"],
            acceptance_basis=receipt["acceptance_basis_en" if english else "acceptance_basis_vi"]
            or receipt["acceptance_basis_vi"],
            acceptance_provisional=", ".join(
                dt.date.fromisoformat(day).strftime("%d/%m/%Y")
                for day in receipt.get("acceptance_provisional") or []
            ),
            resolution=_localised_limit(receipt.get("resolution") or {}, english),
            authority_display=texts.authority_name(authority),
            tracking_page=_sibling(page, "trackingpage"),
        )
    return _render(page, request, "publicsite/intake_receipt.html", context)


def _localised_limit(limit: dict, english: bool) -> dict:
    if not limit:
        return {}
    pick = "en" if english else "vi"
    return {
        "title": limit.get(f"title_{pick}") or limit["title_vi"],
        "limit": limit.get(f"limit_{pick}") or limit["limit_vi"],
        "legal_basis": limit.get(f"legal_basis_{pick}") or limit["legal_basis_vi"],
    }


def _sibling(page, model_name):
    """The page of another type under the same home page (same language)."""
    parent = page.get_parent()
    return parent.get_children().live().filter(content_type__model=model_name).first() if parent else None


# ======================================================================================= tracking


def _deadline_rows(case):
    english = texts.english()
    rows = []
    for view in case_deadlines(case=case):
        d = view.deadline
        rows.append(
            {
                "title": (d.title_en if english and d.title_en else d.title_vi),
                "legal_basis": (d.legal_basis_en if english and d.legal_basis_en else d.legal_basis_vi),
                "due_date": d.due_date,
                "original_due_date": d.original_due_date if d.original_due_date != d.due_date else None,
                "remaining": view.remaining_text_en if english else view.remaining_text_vi,
                "remaining_days": view.remaining_days,
                "colour": view.colour,
                "state": d.state,
                "provisional": view.provisional_text,
            }
        )
    return rows


def _timeline_rows(case, visible_attachment_ids):
    rows = []
    for entry in case_timeline(case=case, viewer="complainant"):
        data = entry.data or {}
        attachment = data.get("attachment")
        rows.append(
            {
                "at": entry.at,
                "kind": entry.kind,
                "title": str(texts.EVENT_TITLES.get(entry.kind, pgettext("public", "Cập nhật hồ sơ"))),
                "actor": pgettext("public", "Người gửi đơn")
                if entry.actor == "Người gửi đơn"
                else pgettext("public", "Cơ quan giải quyết"),
                "details": texts.event_details(entry.kind, data, on=timezone.localdate(entry.at)),
                "attachment": attachment if attachment in visible_attachment_ids else None,
            }
        )
    return list(reversed(rows))


def _delivery_rows(case):
    """How the result reached the citizen (or is on its way): channel, dates, the postal item's
    number; never a name or an address."""
    rows = []
    for d in public_deliveries(case):
        date = timezone.localtime(d.sent_at).strftime("%d/%m/%Y") if d.sent_at else ""
        if d.status == Delivery.Status.PENDING:
            text = pgettext("public", "Cơ quan đang gửi lại kết quả cho ông/bà.")
        elif d.channel == Delivery.Channel.POST:
            text = pgettext("public", "Kết quả đã gửi qua bưu điện ngày %(date)s") % {"date": date}
            if d.tracking_number:
                text += " " + pgettext("public", "(%(service)s, số hiệu bưu gửi %(number)s)") % {
                    "service": d.postal_service_label,
                    "number": d.tracking_number,
                }
            if d.status == Delivery.Status.DELIVERED and d.received_on:
                text += "; " + pgettext("public", "đã phát ngày %(date)s") % {
                    "date": d.received_on.strftime("%d/%m/%Y")
                }
            if d.status == Delivery.Status.RETURNED and d.returned_on:
                text += "; " + pgettext("public", "thư bị trả lại ngày %(date)s, cơ quan sẽ gửi lại") % {
                    "date": d.returned_on.strftime("%d/%m/%Y")
                }
        elif d.channel == Delivery.Channel.EMAIL:
            text = pgettext("public", "Kết quả đã gửi qua thư điện tử ngày %(date)s") % {"date": date}
        elif d.channel == Delivery.Channel.SMS:
            text = pgettext("public", "Đã nhắn tin thông báo kết quả ngày %(date)s") % {"date": date}
        else:
            text = pgettext("public", "Kết quả đã trao trực tiếp tại cơ quan ngày %(date)s") % {"date": date}
        rows.append({"text": text, "status": d.status, "channel": d.channel, "document": d.document_name})
    return rows


def _signature_row(document, result):
    return {
        "valid": result.valid,
        "signer": document.signer_name,
        "title": document.signer_title,
        "signed_at": document.signed_at,
        "number": document.document_number,
        "sha256": document.sha256,
    }


def case_public_view(case):
    """What the complainant sees of a case (shared by the tracking page and the API)."""
    attachments = list(access.citizen_attachments(case))
    visible_ids = {a.pk for a in attachments}
    signatures = public_signatures(case, visible_ids)
    documents = [
        {
            "id": a.pk,
            "name": a.original_name,
            "kind": a.kind,
            "kind_label": str(texts.ATTACHMENT_KIND_LABELS.get(a.kind, a.kind)),
            "size": a.size,
            "content_type": a.content_type,
            "uploaded_at": a.uploaded_at,
            "from_citizen": a.uploaded_by_id is None
            and a.kind in (Attachment.Kind.EVIDENCE, Attachment.Kind.SUPPLEMENT),
            "signature": _signature_row(*signatures[a.pk]) if a.pk in signatures else None,
        }
        for a in attachments
    ]
    deadline = intake.acceptance_deadline(case)
    return {
        "case": case,
        "reference": case.reference,
        "kind": case.kind,
        "kind_label": texts.kind_label(case.kind),
        "status": case.status,
        "status_label": texts.status_label(case.status),
        "status_explanation": texts.status_explanation(case.status),
        "authority_display": texts.authority_name(case.authority),
        "deadlines": _deadline_rows(case),
        "acceptance_due": deadline.due_date if deadline and case.status == CaseStatus.RECEIVED else None,
        "timeline": _timeline_rows(case, visible_ids),
        "decisions": [d for d in documents if not d["from_citizen"]],
        "own_documents": [d for d in documents if d["from_citizen"]],
        "documents": documents,
        "can_withdraw": bool(rules.citizen_may_request_withdrawal(case)),
        "withdrawal_pending": case.withdrawal_requested_at is not None,
        "withdrawal_pending_text": texts.WITHDRAWAL_REQUESTED.get(case.kind, ""),
        "can_add_documents": case.status in workflow.OPEN_STATES,
        "outcome_label": str(texts.OUTCOME_LABELS.get(case.outcome, "")) if case.outcome else "",
        "deliveries": _delivery_rows(case),
    }


def tracking_serve(page, request):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method == "POST" and intake.request_too_large(request):
        return too_large_response(request, page)
    if request.method == "POST":
        action = request.POST.get("action", "lookup")
        if action == "lookup":
            return _tracking_lookup(page, request)
        reference = access.normalise_reference(request.POST.get("reference", ""))
        if action == "forget":
            access.revoke(request, reference or None)
            messages.info(request, pgettext("public", "Đã đóng phiên xem hồ sơ trên trình duyệt này."))
            return _redirect(page.get_url(request))
        case = access.case_for_session(request, reference)
        if case is None:
            messages.warning(
                request,
                pgettext("public", "Phiên xem hồ sơ đã hết hạn. Vui lòng nhập lại mã hồ sơ và mã bí mật."),
            )
            return _redirect(page.get_url(request), ma=reference)
        if action == "supplement":
            return _tracking_supplement(page, request, case)
        if action in ("withdraw", "withdraw_confirm"):
            return _tracking_withdraw(page, request, case, confirm=action == "withdraw_confirm")
        return _redirect(page.get_url(request), ma=reference)
    reference = access.normalise_reference(request.GET.get("ma", ""))
    case = access.case_for_session(request, reference) if reference else None
    if case is None:
        form = LookupForm(initial={"reference": reference})
        return _render(page, request, "publicsite/tracking_page.html", {"lookup_form": form, "errors": []})
    return _tracking_detail(page, request, case)


def _tracking_lookup(page, request, status=200):
    form = LookupForm(request.POST)
    errors = []
    if form.is_valid():
        verdict = ratelimit.hit(request, "track")
        if not verdict.allowed:
            return rate_limited_response(page, request, verdict)
        case = access.case_for_key(form.cleaned_data["reference"], form.cleaned_data["access_key"])
        if case is not None:
            access.grant(request, case.reference)
            return _redirect(page.get_url(request), ma=case.reference)
        # One answer for an unknown reference and for a wrong key.
        errors = [
            (
                "id_access_key",
                pgettext(
                    "public", "Không tìm thấy hồ sơ với mã hồ sơ và mã bí mật này. Vui lòng kiểm tra lại."
                ),
            )
        ]
    else:
        errors = form.error_list()
    form = LookupForm(initial={"reference": request.POST.get("reference", "")}, data=None)
    return _render(
        page,
        request,
        "publicsite/tracking_page.html",
        {"lookup_form": form, "errors": errors, "lookup_failed": bool(errors)},
        status=status,
    )


def _tracking_detail(page, request, case, *, supplement_form=None, withdraw_form=None, errors=()):
    until = access.granted_until(request, case.reference)
    context = case_public_view(case)
    context.update(
        supplement_form=supplement_form or SupplementForm(),
        withdraw_form=withdraw_form or WithdrawForm(),
        errors=list(errors),
        session_until=timezone.localtime(dt.datetime.fromtimestamp(until, tz=dt.UTC)) if until else None,
    )
    return _render(page, request, "publicsite/tracking_page.html", context)


def _tracking_supplement(page, request, case):
    verdict = ratelimit.hit(request, "upload")
    if not verdict.allowed:
        return rate_limited_response(page, request, verdict)
    form = SupplementForm(request.POST, request.FILES)
    uploads = request.FILES.getlist("files")
    if form.is_valid():
        text = form.cleaned_data["note"]
        if not uploads and not text.strip():
            form.add_error("note", pgettext("public", "Vui lòng nhập nội dung bổ sung hoặc chọn tệp."))
        elif not uploads:
            try:
                services.case_supplement(case=case, actor=Citizen.with_key(case.pk), text=text)
            except ApplicationError as exc:
                form.add_error("note", exc.message)
            else:
                messages.success(
                    request, pgettext("public", "Đã nhận thông tin bổ sung. Cơ quan giải quyết sẽ xem xét.")
                )
                return _redirect(page.get_url(request), ma=case.reference)
        else:
            existing = case.attachments.filter(uploaded_by__isnull=True)
            check = intake.read_uploads(
                uploads, existing.count(), sum(existing.values_list("size", flat=True))
            )
            for message in check.errors:
                form.add_error("files", message)
            if check.ok:
                try:
                    services.case_supplement(
                        case=case, actor=Citizen.with_key(case.pk), text=text, files=check.files
                    )
                except ApplicationError as exc:
                    form.add_error("files", exc.message)
                else:
                    messages.success(
                        request,
                        pgettext("public", "Đã nhận %(n)s tài liệu bổ sung. Cơ quan giải quyết sẽ xem xét.")
                        % {"n": len(check.files)},
                    )
                    return _redirect(page.get_url(request), ma=case.reference)
    return _tracking_detail(page, request, case, supplement_form=form, errors=form.error_list())


def _tracking_withdraw(page, request, case, *, confirm: bool):
    verdict = rules.citizen_may_request_withdrawal(case)
    if not verdict:
        messages.error(request, str(verdict.reason))
        return _redirect(page.get_url(request), ma=case.reference)
    if not confirm:
        form = WithdrawForm(request.POST)
        form.is_valid()
        confirm_form = WithdrawConfirmForm(initial={"statement": form.cleaned_data.get("statement", "")})
        return _render(
            page,
            request,
            "publicsite/tracking_withdraw.html",
            {**case_public_view(case), "confirm_form": confirm_form, "errors": []},
        )
    form = WithdrawConfirmForm(request.POST)
    if not form.is_valid():
        return _render(
            page,
            request,
            "publicsite/tracking_withdraw.html",
            {**case_public_view(case), "confirm_form": form, "errors": form.error_list()},
        )
    try:
        case = services.case_withdrawal_request(
            case=case, actor=Citizen.with_key(case.pk), statement=form.cleaned_data["statement"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        # Exactly what happens next (Law on Complaints Art 10; Law on Denunciations Art 33).
        messages.success(request, str(texts.withdrawal_confirmation(case.kind, case.status)))
    return _redirect(page.get_url(request), ma=case.reference)


# ======================================================================================= documents


@require_GET
def document_download(request, pk: int):
    """A case document, to the citizen whose session holds the case's grant (complainant-visible
    documents only) or to staff allowed to see it. Anything else is the same 404."""
    attachment = Attachment.objects.select_related("case", "case__authority").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    allowed = False
    if attachment.visibility in access.CITIZEN_VISIBILITIES and access.granted_until(
        request, attachment.case.reference
    ):
        allowed = True
    elif access.staff_may_download(request.user, attachment):
        allowed = True
        if attachment.contains_identity:
            # Opening a denouncer's own letter reveals identity: auditors see who did (Art 56).
            services.identity_access_record(
                user=request.user,
                case=attachment.case,
                action=IdentityAccessLog.Action.REVEAL_IDENTITY,
                reason=f"tải tài liệu #{attachment.pk}",
                attachment=attachment,
            )
    if not allowed:
        raise Http404
    return file_response(attachment)


def file_response(attachment):
    try:
        handle = _open_private(attachment)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


def _open_private(attachment):
    from cases.storage import private_storage

    return private_storage().open(attachment.file.name, "rb")


# ======================================================================================= statistics


def statistics_serve(page, request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    params = statistics.parse_params(request.GET)
    result = statistics.public_statistics_cached(**params)
    if request.GET.get("format") == "csv":
        return statistics_csv(result)
    form = StatisticsFilterForm(
        initial={
            "authority": params["authority_code"] or "",
            "year": params["year"],
            "quarter": params["quarter"] or "",
        },
        years=statistics.available_years(),
    )
    query = urlencode({k: v for k, v in request.GET.items() if k in ("authority", "year", "quarter")})
    context = {
        "filter_form": form,
        "result": result,
        "charts": statistics.charts(result),
        "csv_url": f"{page.get_url(request)}?{query + '&' if query else ''}format=csv",
        "api_url": f"/api/v1/statistics/?{query}" if query else "/api/v1/statistics/",
        "definitions": reporting.methods(reporting.PUBLIC_METHODS),
    }
    base = page.get_context(request)
    base.update(context)
    response = TemplateResponse(request, "publicsite/statistics_page.html", base)
    # No case data, but the page may carry a session message: browsers may keep it, proxies not.
    patch_cache_control(response, private=True, max_age=300)
    return response


def statistics_csv(result) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"thong-ke-{result.period_start:%Y%m%d}-{result.period_end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so spreadsheet programs read the Vietnamese letters as UTF-8
    writer = csv.writer(response)
    writer.writerow(safe_row(statistics.csv_header()))
    for row in statistics.csv_rows(result):
        writer.writerow(safe_row(row))  # authority names are data: never a formula
    return response


def reception_serve(page, request):
    """The reception places with their address, regular hours and the heads' upcoming public
    reception days (``cases.reception.selectors``: reads only, no personal data)."""
    from cases.reception import selectors as reception

    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    language = "en" if (page.locale.language_code or "vi").startswith("en") else "vi"
    places = []
    for place in reception.public_places():
        hours: dict[int, list] = {}
        for h in place.hours.all():
            hours.setdefault(h.weekday, []).append(h)
        places.append(
            {
                "place": place,
                "name": place.name(language),
                "address": place.address(language),
                "notes": place.notes(language),
                "authority": place.authority.display_name(language),
                "hours": [(h[0].get_weekday_display(), h) for _day, h in sorted(hours.items())],
                "sessions": reception.upcoming_public_sessions(place),
            }
        )
    base = page.get_context(request)
    base.update({"places": places})
    response = TemplateResponse(request, "publicsite/reception_page.html", base)
    patch_cache_control(response, public=True, max_age=300)
    return response
