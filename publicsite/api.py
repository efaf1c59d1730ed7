"""The public JSON API (/api/v1/), described by the OpenAPI document at /api/v1/schema/.

Same rules as the web forms (they validate with the same Django forms and call the same
services). Bad input never writes anything: 400 with field errors, 404 when the reference and
key do not match (one answer for both), 409 when the case's state does not allow the request,
413 for size, 415 for file or body type, 429 when rate-limited, 503 with ``Retry-After`` when a
dependency (the database) is down, and a JSON 500 for anything else: never an HTML error page
(``publicsite.outages``). Answers carrying case data are
``Cache-Control: no-store``. Messages follow ``Accept-Language`` (vi by default, en)."""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import pgettext
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import services, workflow
from cases.actors import Citizen
from cases.errors import ApplicationError, ConflictError
from cases.errors import ValidationError as ServiceValidationError
from cases.models import Attachment, Authority
from cases.services.base import STATE

from . import access, intake, outages, public_ids, ratelimit, statistics, texts
from .views import case_public_view, file_response

logger = logging.getLogger(__name__)

PERSON_KEYS = ("full_name", "national_id", "address", "phone", "email")
CONTENT_KEYS = (
    "subject",
    "description",
    "contested_act",
    "contested_act_known_on",
    "delay_reason",
    "accused_name",
    "accused_position",
    "accused_authority",
    "authority",
)
# A complaint against a disciplinary decision (Law on Complaints 2011 Arts 47-58) and a dismissal.
FLAG_KEYS = ("discipline", "dismissal")


class ApiError(Exception):
    def __init__(
        self, status_code: int, detail: str, errors: dict | None = None, headers: dict | None = None
    ):
        super().__init__(detail)
        self.status_code, self.detail, self.errors, self.headers = (
            status_code,
            detail,
            errors or {},
            headers or {},
        )


def api_language(request) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("en"):
            return "en"
        if code.startswith("vi"):
            return "vi"
    return "vi"


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser; a document nested so deep that the decoder gives up (RecursionError) is
    a 400 like any unreadable body, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON nested too deeply") from None


class PublicAPIView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [BoundedJSONParser]
    throttle_classes: list = []
    cacheable = False

    def dispatch(self, request, *args, **kwargs):
        with translation.override(api_language(request)):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        if request.method == "POST" and intake.request_too_large(request):
            raise ApiError(413, pgettext("public", "Dung lượng gửi lên vượt quá 50 MB."))
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, ApiError):
            body = {"detail": exc.detail}
            if exc.errors:
                body["errors"] = exc.errors
            response = Response(body, status=exc.status_code, headers=exc.headers)
        elif isinstance(exc, RequestDataTooBig):
            response = Response({"detail": pgettext("public", "Dung lượng gửi lên quá lớn.")}, status=413)
        elif isinstance(exc, TooManyFilesSent):
            response = Response({"detail": pgettext("public", "Quá nhiều tệp.")}, status=413)
        elif isinstance(exc, TooManyFieldsSent):
            response = Response({"detail": pgettext("public", "Quá nhiều trường dữ liệu.")}, status=400)
        elif isinstance(exc, exceptions.ParseError):
            response = Response(
                {
                    "detail": pgettext(
                        "public", "Dữ liệu gửi lên không đọc được (JSON hoặc multipart không hợp lệ)."
                    )
                },
                status=400,
            )
        elif isinstance(exc, exceptions.UnsupportedMediaType):
            response = Response(
                {
                    "detail": pgettext("public", "Kiểu nội dung không được hỗ trợ: %(type)s.")
                    % {"type": self.request.content_type}
                },
                status=415,
            )
        elif isinstance(exc, Http404):
            response = Response({"detail": pgettext("public", "Không tìm thấy.")}, status=404)
        elif isinstance(exc, ConflictError):
            response = Response({"detail": exc.message}, status=409)
        elif isinstance(exc, ServiceValidationError):
            response = Response({"detail": exc.message, "errors": exc.field_errors}, status=400)
        elif isinstance(exc, exceptions.APIException | PermissionDenied):
            return super().handle_exception(exc)
        elif outages.dependency_down(exc):
            # The database (or the search cluster) is unreachable: a clean, retryable answer.
            logger.warning("api %s: dependency down: %s", self.request.method, outages.describe(exc))
            response = Response(
                {"detail": outages.unavailable_detail()},
                status=503,
                headers={"Retry-After": str(outages.retry_after())},
            )
        else:
            # A bug: still JSON, logged by type and place (never the message, which can quote a row).
            logger.error("api %s: unexpected %s", self.request.method, outages.describe(exc))
            response = Response({"detail": outages.error_detail()}, status=500)
        response.exception = True
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.cacheable and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=300)
        else:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        response["Content-Language"] = translation.get_language() or "vi"
        return response

    # --- helpers shared by the case endpoints

    def limit(self, scope: str) -> None:
        verdict = ratelimit.hit(self.request, scope)
        if not verdict.allowed:
            raise ApiError(
                429,
                pgettext("public", "Quá nhiều yêu cầu. Vui lòng thử lại sau %(s)s giây.")
                % {"s": verdict.retry_after},
                headers={"Retry-After": str(verdict.retry_after)},
            )

    def case_from_key(self, reference: str):
        key = self.request.headers.get("X-Access-Key", "")
        if not key.strip():
            raise ApiError(
                400,
                pgettext("public", "Thiếu mã bí mật."),
                {"X-Access-Key": [pgettext("public", "Gửi mã bí mật trong tiêu đề X-Access-Key.")]},
            )
        self.limit("track")
        case = access.case_for_key(reference, key)
        if case is None:
            raise ApiError(404, pgettext("public", "Không tìm thấy hồ sơ với mã hồ sơ và mã bí mật này."))
        return case


def _documents_url(reference: str, pk: int) -> str:
    return reverse("publicsite:api-case-document", kwargs={"reference": reference, "pk": pk})


def case_json(case) -> dict:
    view = case_public_view(case)
    return {
        "reference": case.reference,
        "kind": case.kind,
        "kind_label": view["kind_label"],
        "subject": case.subject,
        "status": case.status,
        "status_label": view["status_label"],
        "status_explanation": view["status_explanation"],
        "received_at": case.received_at.isoformat(),
        "authority": (
            {"code": case.authority.code, "name": texts.authority_name(case.authority)}
            if case.authority_id
            else None
        ),
        "acceptance_due": view["acceptance_due"].isoformat() if view["acceptance_due"] else None,
        "outcome": case.outcome or None,
        "outcome_label": view["outcome_label"] or None,
        "deadlines": [
            {
                "title": d["title"],
                "legal_basis": d["legal_basis"],
                "due_date": d["due_date"].isoformat(),
                "original_due_date": d["original_due_date"].isoformat() if d["original_due_date"] else None,
                "state": d["state"],
                "remaining_days": d["remaining_days"],
                "remaining": d["remaining"],
                "colour": d["colour"],
            }
            for d in view["deadlines"]
        ],
        "timeline": [
            {
                "at": t["at"].isoformat(),
                "kind": t["kind"],
                "title": t["title"],
                "actor": str(t["actor"]),
                "details": [{"label": str(label), "value": str(value)} for label, value in t["details"]],
                "document": t["attachment"],
            }
            for t in view["timeline"]
        ],
        "documents": [
            {
                "id": d["id"],
                "name": d["name"],
                "kind": d["kind"],
                "kind_label": d["kind_label"],
                "size": d["size"],
                "content_type": d["content_type"],
                "uploaded_at": d["uploaded_at"].isoformat(),
                "from_citizen": d["from_citizen"],
                "url": _documents_url(case.reference, d["id"]),
            }
            for d in view["documents"]
        ],
        "can_withdraw": view["can_withdraw"],
        "can_add_documents": view["can_add_documents"],
    }


# ------------------------------------------------------------------------------ parsing the payload


def _text(value, key, errors, max_length=None):
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.setdefault(key, []).append(pgettext("public", "Phải là một chuỗi ký tự."))
        return ""
    return str(value)


def _refusal_status(exc: ServiceValidationError) -> int:
    """409 when the case's state refuses the request (withdrawn after the decision, closed case),
    400 when what was sent is wrong."""
    return 409 if exc.code == STATE else 400


def _api_fields(exc: ServiceValidationError, names: dict[str, str]) -> dict[str, list[str]]:
    """The service's field errors under the API's field names."""
    return {names.get(name, name): errors for name, errors in exc.field_errors.items()}


def _flag(value, key, errors) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "on", "yes", "no"):
        return value.lower() in ("true", "1", "on", "yes")
    errors.setdefault(key, []).append(pgettext("public", "Phải là true hoặc false."))
    return False


def parse_payload(data) -> tuple[dict, dict, list[dict], dict]:
    """(kind+review fields, content, people, type errors) from the decoded JSON document."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise ApiError(400, pgettext("public", "Nội dung gửi lên phải là một đối tượng JSON."))
    top = {"kind": _text(data.get("kind"), "kind", errors)}
    content = {key: _text(data.get(key), key, errors) for key in CONTENT_KEYS}
    for key in FLAG_KEYS:  # JSON booleans, handed to the form as a ticked box or not
        value = data.get(key, False)
        if not isinstance(value, bool):
            errors[key] = [pgettext("public", "Phải là true hoặc false.")]
        content[key] = "on" if value is True else ""
    people = []
    parties = data.get("parties", [])
    if parties is None:
        parties = []
    if not isinstance(parties, list):
        errors["parties"] = [pgettext("public", "Phải là một danh sách.")]
        parties = []
    if len(parties) > 60:
        errors["parties"] = [pgettext("public", "Quá nhiều người trong một đơn.")]
        parties = []
    for i, party in enumerate(parties):
        if not isinstance(party, dict):
            errors[f"parties.{i}"] = [pgettext("public", "Phải là một đối tượng.")]
            continue
        person = {key: _text(party.get(key), f"parties.{i}.{key}", errors) for key in PERSON_KEYS}
        person["is_representative"] = _flag(
            party.get("is_representative"), f"parties.{i}.is_representative", errors
        )
        people.append(person)
    review = {
        "declaration": _flag(data.get("declaration"), "declaration", errors),
        "consent": _flag(data.get("consent"), "consent", errors),
        "signature": _text(data.get("signature"), "signature", errors),
        "website": _text(data.get("website"), "website", errors),
    }
    top.update(review)
    return top, content, people, errors


# ------------------------------------------------------------------------------ endpoints


class ApiRootView(PublicAPIView):
    cacheable = True

    def get(self, request):
        return Response(
            {
                "schema": reverse("publicsite:api-schema"),
                "cases": reverse("publicsite:api-cases"),
                "statistics": reverse("publicsite:api-statistics"),
                "authorities": reverse("publicsite:api-authorities"),
                "open311": reverse("publicsite:open311-discovery"),
            }
        )


class CaseCreateView(PublicAPIView):
    parser_classes = [BoundedJSONParser, MultiPartParser]

    def post(self, request):
        self.limit("submit")
        data = request.data
        if request.content_type and request.content_type.startswith("multipart/"):
            raw = data.get("payload")
            if not raw:
                raise ApiError(
                    400,
                    pgettext("public", "Thiếu phần «payload» (JSON)."),
                    {"payload": [pgettext("public", "Bắt buộc.")]},
                )
            try:
                data = json.loads(raw)
            except (TypeError, ValueError, RecursionError):
                raise ApiError(
                    400,
                    pgettext("public", "Phần «payload» không phải JSON hợp lệ."),
                    {"payload": [pgettext("public", "JSON không hợp lệ.")]},
                ) from None
        top, content, people, errors = parse_payload(data)
        if errors:
            raise ApiError(400, pgettext("public", "Thông tin đơn chưa hợp lệ."), errors)
        if top.get("website", "").strip():
            logger.warning("api honeypot filled; nothing registered")
            raise ApiError(400, pgettext("public", "Yêu cầu không hợp lệ."))
        status_code = 400
        if request.FILES:
            self.limit("upload")
        check = intake.read_uploads(request.FILES.getlist("files"))
        if not check.ok:
            errors["files"] = check.errors
            status_code = check.status
        kind, kind_errors = intake.validate_kind(top)
        errors.update(kind_errors)
        cleaned_people, cleaned_content = [], {}
        if kind:
            cleaned_people, people_errors, _forms = intake.validate_people(kind, people)
            cleaned_content, content_errors, _form = intake.validate_content(kind, content)
            errors.update(people_errors)
            errors.update(content_errors)
            if not people_errors:
                review_errors, _review = intake.validate_review(kind, cleaned_people, top)
                errors.update({k: v for k, v in review_errors.items() if k != "website"})
        if errors:
            raise ApiError(status_code, pgettext("public", "Thông tin đơn chưa hợp lệ."), errors)
        try:
            receipt = intake.submit(
                kind=kind, people=cleaned_people, content=cleaned_content, files=check.files
            )
        except ServiceValidationError as exc:
            raise ApiError(400, exc.message, exc.field_errors) from None
        location = reverse("publicsite:api-case", kwargs={"reference": receipt.reference})
        return Response(
            {
                "reference": receipt.reference,
                "access_key": receipt.access_key,
                "status": receipt.status,
                "status_label": texts.status_label(receipt.status),
                "acceptance_due": receipt.acceptance_due,
                "acceptance_deadline": {
                    "title": receipt.acceptance_title_en if texts.english() else receipt.acceptance_title_vi,
                    "legal_basis": receipt.acceptance_basis_en
                    if texts.english()
                    else receipt.acceptance_basis_vi,
                }
                if receipt.acceptance_due
                else None,
                "received_at": receipt.received_at,
                "attachments": receipt.attachments,
                "case_url": location,
            },
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class CaseDetailView(PublicAPIView):
    def get(self, request, reference):
        case = self.case_from_key(reference)
        return Response(case_json(case))


class CaseDocumentsView(PublicAPIView):
    parser_classes = [MultiPartParser]

    def post(self, request, reference):
        case = self.case_from_key(reference)
        self.limit("upload")
        uploads = request.FILES.getlist("files")
        note = request.data.get("note", "") if hasattr(request.data, "get") else ""
        if not isinstance(note, str):
            raise ApiError(
                400,
                pgettext("public", "Ghi chú không hợp lệ."),
                {"note": [pgettext("public", "Phải là một chuỗi ký tự.")]},
            )
        if not uploads and not note.strip():
            raise ApiError(
                400,
                pgettext("public", "Chưa chọn tệp hoặc nhập nội dung bổ sung."),
                {"files": [pgettext("public", "Gửi ít nhất một tệp, hoặc nội dung trong trường note.")]},
            )
        files = []
        if uploads:
            existing = case.attachments.filter(uploaded_by__isnull=True)
            check = intake.read_uploads(
                uploads, existing.count(), sum(existing.values_list("size", flat=True))
            )
            if not check.ok:
                raise ApiError(
                    check.status, pgettext("public", "Tệp đính kèm không hợp lệ."), {"files": check.errors}
                )
            files = check.files
        try:
            event = services.case_supplement(
                case=case, actor=Citizen.with_key(case.pk), text=note, files=files
            )
        except ServiceValidationError as exc:
            fields = _api_fields(exc, {"supplement_text": "note", "text": "note"})
            raise ApiError(_refusal_status(exc), exc.message, fields) from None
        created = Attachment.objects.filter(pk__in=event.data.get("attachments") or []).order_by("pk")
        return Response(
            {
                "reference": case.reference,
                "note": event.data.get("note", event.data.get("text", "")),
                "documents": [
                    {
                        "id": a.pk,
                        "name": a.original_name,
                        "size": a.size,
                        "content_type": a.content_type,
                        "url": _documents_url(case.reference, a.pk),
                    }
                    for a in created
                ],
            },
            status=status.HTTP_201_CREATED,
        )


class CaseDocumentDownloadView(PublicAPIView):
    def get(self, request, reference, pk):
        case = self.case_from_key(reference)
        attachment = access.citizen_attachments(case).filter(pk=pk).first()
        if attachment is None:
            raise ApiError(404, pgettext("public", "Không tìm thấy."))
        return file_response(attachment)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            return super().finalize_response(request, response, *args, **kwargs)
        return response


class CaseWithdrawView(PublicAPIView):
    def post(self, request, reference):
        case = self.case_from_key(reference)
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            raise ApiError(400, pgettext("public", "Nội dung gửi lên phải là một đối tượng JSON."))
        errors: dict[str, list[str]] = {}
        statement = _text(data.get("statement"), "statement", errors)
        confirm = _flag(data.get("confirm"), "confirm", errors)
        if not confirm and "confirm" not in errors:
            errors["confirm"] = [pgettext("public", 'Gửi "confirm": true để xác nhận rút đơn.')]
        if errors:
            raise ApiError(400, pgettext("public", "Yêu cầu rút đơn chưa hợp lệ."), errors)
        try:
            case = services.case_withdrawal_request(
                case=case, actor=Citizen.with_key(case.pk), statement=statement
            )
        except ServiceValidationError as exc:
            raise ApiError(
                _refusal_status(exc), exc.message, _api_fields(exc, {"withdrawal_statement": "statement"})
            ) from None
        except ApplicationError as exc:
            raise ApiError(409, exc.message) from None
        return Response(case_json(case))


class StatisticsView(PublicAPIView):
    cacheable = True

    def get(self, request):
        errors = {}
        query = request.query_params
        code = query.get("authority") or ""
        if code and (access.clean_code(code) != code or not Authority.objects.filter(code=code).exists()):
            errors["authority"] = [pgettext("public", "Không có cơ quan với mã này.")]
        params = statistics.parse_params(query)
        for key in ("year", "quarter"):
            raw = query.get(key)
            if raw and str(params[key]) != raw.strip():
                errors[key] = [pgettext("public", "Giá trị không hợp lệ.")]
        if errors:
            raise ApiError(400, pgettext("public", "Tham số không hợp lệ."), errors)
        return Response(statistics.as_json(statistics.public_statistics_cached(**params)))


class AuthoritiesView(PublicAPIView):
    cacheable = True

    def get(self, request):
        english = texts.english()
        return Response(
            [
                {
                    "code": a.code,
                    "name": a.display_name("en" if english else "vi"),
                    "parent": a.parent.code if a.parent_id else None,
                    "level": a.level,
                }
                for a in Authority.objects.select_related("parent").order_by("path")
            ]
        )


class SchemaView(PublicAPIView):
    cacheable = True

    def get(self, request):
        from .openapi import schema

        return Response(schema())


# ------------------------------------------------------------------------------ Open311 GeoReport v2

OPEN311_KINDS = ("complaint", "petition")  # denunciations and anonymous reports are never listed


class Open311DiscoveryView(PublicAPIView):
    cacheable = True

    def get(self, request):
        base = request.build_absolute_uri(reverse("publicsite:open311-services")).rsplit("/", 1)[0] + "/"
        return Response(
            {
                "changeset": "2026-11-26T00:00:00+07:00",
                "contact": "Trang công khai · public site",
                "key_service": "",
                "endpoints": [
                    {
                        "specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": base,
                        "changeset": "2026-11-26T00:00:00+07:00",
                        "type": "production",
                        "formats": ["application/json"],
                    }
                ],
            }
        )


class Open311ServicesView(PublicAPIView):
    cacheable = True

    def get(self, request):
        from .forms import KIND_HELP

        return Response(
            [
                {
                    "service_code": kind,
                    "service_name": texts.kind_label(kind),
                    "description": str(KIND_HELP[kind]),
                    "metadata": False,
                    "type": "realtime",
                    "keywords": kind,
                    "group": pgettext("public", "Khiếu nại, tố cáo, kiến nghị"),
                }
                for kind in ("complaint", "denunciation", "petition")
            ]
        )


OPEN311_EARLIEST = (2000, 1, 1)  # dates outside [2000, 2100) are refused, not computed with
OPEN311_LATEST = (2100, 1, 1)


class Open311RequestsView(PublicAPIView):
    """Read-only, no identity and no content: an opaque id, kind, status, authority and dates of
    complaints and petitions. Denunciations are not listed (Law on Denunciations Art 56), and the
    id is not the reference (``publicsite.public_ids``): the gaps of a sequence would tell which
    numbers are denunciations."""

    def get(self, request, service_request_id: str | None = None):
        import datetime as dt

        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        from cases.models import Case

        qs = Case.objects.filter(kind__in=OPEN311_KINDS).select_related("authority").order_by("-received_at")
        query = request.query_params
        if service_request_id is not None:
            raw_ids = [service_request_id]
        elif "service_request_id" in query:
            raw_ids = query.get("service_request_id", "").split(",")
        else:
            raw_ids = None
        if raw_ids is not None:
            # Ids asked for: exactly those (an id that names nothing is nothing, never the list).
            ids = [ref for ref in (public_ids.reference_for(i) for i in raw_ids[:100]) if ref]
            qs = qs.filter(reference__in=ids)
        else:
            errors = {}
            start = end = None
            for key in ("start_date", "end_date"):
                raw = query.get(key)
                if raw:
                    try:
                        value = parse_datetime(raw)
                    except ValueError:  # well-formed but impossible (a 25th hour, a 31st of June)
                        value = None
                    # Real offsets lie within ±14:00; PostgreSQL refuses a timestamp beyond ±15:59.
                    if (
                        value is not None
                        and value.utcoffset() is not None
                        and (abs(value.utcoffset()) > dt.timedelta(hours=14))
                    ):
                        value = None
                    if value is None:
                        errors[key] = [
                            pgettext("public", "Ngày giờ theo ISO 8601, ví dụ 2026-03-01T00:00:00+07:00.")
                        ]
                    elif not (
                        dt.datetime(*OPEN311_EARLIEST)
                        <= value.replace(tzinfo=None)
                        < dt.datetime(*OPEN311_LATEST)
                    ):
                        errors[key] = [
                            pgettext("public", "Ngày giờ phải trong khoảng từ năm 2000 đến năm 2099.")
                        ]
                        value = None
                    elif timezone.is_naive(value):
                        value = timezone.make_aware(value)
                    if value is not None:
                        value = value.astimezone(dt.UTC)
                    if key == "start_date":
                        start = value
                    else:
                        end = value
            status_filter = query.get("status", "")
            if status_filter and status_filter not in ("open", "closed"):
                errors["status"] = [pgettext("public", "open hoặc closed.")]
            code = query.get("service_code", "")
            if code and code not in OPEN311_KINDS:
                errors["service_code"] = [
                    pgettext("public", "Mã dịch vụ không có hoặc không được công khai.")
                ]
            if errors:
                raise ApiError(400, pgettext("public", "Tham số không hợp lệ."), errors)
            end = end or timezone.now()
            start = start or end - dt.timedelta(days=90)
            qs = qs.filter(received_at__gte=start, received_at__lte=end)
            if status_filter == "open":
                qs = qs.filter(status__in=workflow.OPEN_STATES)
            elif status_filter == "closed":
                qs = qs.exclude(status__in=workflow.OPEN_STATES)
            if code:
                qs = qs.filter(kind=code)
        rows = [
            {
                "service_request_id": public_ids.token(c.reference),
                "status": "open" if c.status in workflow.OPEN_STATES else "closed",
                "status_notes": texts.status_label(c.status),
                "service_name": texts.kind_label(c.kind),
                "service_code": c.kind,
                "agency_responsible": texts.authority_name(c.authority) if c.authority_id else None,
                "requested_datetime": c.received_at.isoformat(),
                "updated_datetime": c.last_activity_at.isoformat(),
                "expected_datetime": c.next_due_at.isoformat()
                if c.next_due_at and c.status in workflow.OPEN_STATES
                else None,
            }
            for c in qs[:1000]
        ]
        if service_request_id is not None and not rows:
            raise ApiError(404, pgettext("public", "Không tìm thấy."))
        return Response(rows)
