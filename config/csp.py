"""Content-Security-Policy on every HTML page (issue 16, finding 13).

The public site is strict: scripts and styles only from this origin (``site.js``, ``site.css``),
no inline script, no plugin, no foreign frame or form target; style *attributes* are allowed
(the statistics bars set their width in one). The Wagtail admin needs inline scripts and styles of
its own, so its policy allows them but nothing from another origin. Public pages may not be framed
at all; admin pages only by the admin itself (Wagtail's page preview, the attachment preview of our
own PDFs). Browsers report violations on the console, which the browser tests read
(``tests/conftest.py``)."""

from __future__ import annotations

from django.conf import settings

PUBLIC = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'"
)
ADMIN = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; worker-src 'self' blob:"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return response
        admin = request.path.startswith(("/admin/", "/django-admin/"))
        policy = getattr(settings, "CSP_ADMIN" if admin else "CSP_PUBLIC", None) or (
            ADMIN if admin else PUBLIC
        )
        response["Content-Security-Policy"] = policy
        return response
