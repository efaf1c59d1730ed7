"""Routes of the public side that are not Wagtail pages: the JSON API, Open311, the private
document download and the health probe. Included by config/urls.py before Wagtail's catch-all."""

from django.urls import path

from . import api, views

app_name = "publicsite"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("tai-lieu/<int:pk>/", views.document_download, name="document"),
    # JSON API v1
    path("api/v1/", api.ApiRootView.as_view(), name="api-root"),
    path("api/v1/schema/", api.SchemaView.as_view(), name="api-schema"),
    path("api/v1/cases/", api.CaseCreateView.as_view(), name="api-cases"),
    path("api/v1/cases/<str:reference>/", api.CaseDetailView.as_view(), name="api-case"),
    path(
        "api/v1/cases/<str:reference>/documents/", api.CaseDocumentsView.as_view(), name="api-case-documents"
    ),
    path(
        "api/v1/cases/<str:reference>/documents/<int:pk>/",
        api.CaseDocumentDownloadView.as_view(),
        name="api-case-document",
    ),
    path("api/v1/cases/<str:reference>/withdraw/", api.CaseWithdrawView.as_view(), name="api-case-withdraw"),
    path("api/v1/statistics/", api.StatisticsView.as_view(), name="api-statistics"),
    path("api/v1/authorities/", api.AuthoritiesView.as_view(), name="api-authorities"),
    # Open311 GeoReport v2 (read-only)
    path("open311/v2/discovery.json", api.Open311DiscoveryView.as_view(), name="open311-discovery"),
    path("open311/v2/services.json", api.Open311ServicesView.as_view(), name="open311-services"),
    path("open311/v2/requests.json", api.Open311RequestsView.as_view(), name="open311-requests"),
    path(
        "open311/v2/requests/<str:service_request_id>.json",
        api.Open311RequestsView.as_view(),
        name="open311-request",
    ),
]
