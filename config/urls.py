from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

# JSON on the API paths (503 with Retry-After when the database is down), a page without the database
# elsewhere: never Django's bare "Server Error (500)".
handler500 = "publicsite.outages.server_error"

# No Django admin: reference data and users have one admin, Wagtail's, whose screens go through the
# services (a second admin on the same models was a way around them).
urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("thong-bao/", include("notifications.urls")),
    path("", include("publicsite.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail pages last, with the language prefix only for English (Vietnamese is the default).
# The public "verify a document" page is a plain view (cases.delivery.verification), under both
# languages' prefixes: /xac-thuc-van-ban/ and /en/verify-a-document/.
from publicsite.verify import ROUTE as VERIFY_ROUTE  # noqa: E402
from publicsite.verify import verify_document  # noqa: E402

urlpatterns += i18n_patterns(
    path(VERIFY_ROUTE, verify_document, name="verify-document"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
