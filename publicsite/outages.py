"""What the public side answers when a dependency is down, and the last-resort error handler.

The JSON API never answers HTML: a dependency that is down (the database restarting or refusing
connections, the search cluster for a query that needs it) gives ``503`` with ``Retry-After`` and a
JSON body, anything else unexpected a JSON ``500`` (both in the OpenAPI schema). The web pages get a
small bilingual page rendered without the database (the normal layout reads the page tree).

Log lines name the error's type, SQLSTATE and where it was raised, never its message: a database
message can quote a row, an index error a field's value."""

from __future__ import annotations

import logging
import sys
import traceback

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import pgettext

from cases.text_search import TextSearchUnavailable

logger = logging.getLogger(__name__)

DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, TextSearchUnavailable)
API_PREFIXES = ("/api/", "/open311/")


def dependency_down(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says a dependency is unreachable rather than a bug."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DEPENDENCY_ERRORS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def describe(exc: BaseException) -> str:
    """Type, SQLSTATE and the innermost frame of our code: enough to find it, nothing from a row."""
    parts = [type(exc).__name__]
    state = getattr(exc, "sqlstate", None) or getattr(exc.__cause__, "sqlstate", None)
    if state:
        parts.append(f"SQLSTATE {state}")
    base = str(settings.BASE_DIR)
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(base) and "site-packages" not in f.filename
    ]
    if frames:
        where = frames[-1]
        parts.append(f"at {where.filename.removeprefix(str(settings.BASE_DIR) + '/')}:{where.lineno}")
    return " ".join(parts)


def retry_after() -> int:
    return int(getattr(settings, "PUBLIC_API_RETRY_AFTER_SECONDS", 30))


def unavailable_detail() -> str:
    return pgettext("public", "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau %(s)s giây.") % {
        "s": retry_after()
    }


def error_detail() -> str:
    return pgettext("public", "Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau.")


def _no_store(response):
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _api_language(request) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith(("en", "vi")):
            return code[:2]
    return "vi"


def server_error(request, *args, **kwargs):
    """``handler500``: whatever escaped the views and middleware. JSON on the API paths, a page
    rendered without the database elsewhere; 503 with Retry-After when a dependency is down."""
    exc = sys.exc_info()[1]
    down = dependency_down(exc)
    status = 503 if down else 500
    if exc is not None:
        logger.error(
            "%s %s: %s%s",
            request.method,
            request.path if request.path.startswith(API_PREFIXES) else "(page)",
            describe(exc),
            " (dependency down)" if down else "",
        )
    if request.path.startswith(API_PREFIXES):
        with translation.override(_api_language(request)):
            response = JsonResponse(
                {"detail": unavailable_detail() if down else error_detail()}, status=status
            )
            response["Content-Language"] = translation.get_language() or "vi"
    else:
        body = render_to_string(
            "publicsite/unavailable.html",
            {
                "unavailable": down,
                "retry_after": retry_after(),
                "LANGUAGE_CODE": translation.get_language() or "vi",
            },
        )
        response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    if down:
        response["Retry-After"] = str(retry_after())
    return _no_store(response)
