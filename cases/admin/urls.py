"""URLs of the inspector workspace, mounted at /admin/cases/ by ``cases/wagtail_hooks.py``."""

from django.urls import path, re_path, register_converter

from . import audit, grants, intake, listing, views


class ReferenceConverter:
    regex = r"[A-Za-z]{1,10}-\d{4}-\d{1,9}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "ref")


def _listing(preset: str, route: str, name: str):
    return [
        path(route, listing.CaseIndexView.as_view(preset=preset), name=name),
        path(
            f"{route}results/",
            listing.CaseIndexView.as_view(preset=preset, results_only=True),
            name=f"results_{name}",
        ),
    ]


urlpatterns = [
    *_listing("all", "", "index"),
    *_listing("mine", "mine/", "mine"),
    *_listing("triage", "triage/", "triage"),
    *_listing("due_soon", "due-soon/", "due_soon"),
    *_listing("overdue", "overdue/", "overdue"),
    *_listing("duplicates", "duplicates/", "duplicates_queue"),
    path("bulk-assign/", listing.bulk_assign, name="bulk_assign"),
    path("register/", intake.RegisterView.as_view(), name="register"),
    path("audit/access-log/", audit.AccessLogView.as_view(), name="access_log"),
    path(
        "audit/access-log/results/", audit.AccessLogView.as_view(results_only=True), name="access_log_results"
    ),
    path("grants/", grants.GrantsView.as_view(), name="grants"),
    path("<ref:reference>/", views.CaseDetailView.as_view(), name="detail"),
    path("<ref:reference>/action/<slug:action>/", views.ActionView.as_view(), name="action"),
    path("<ref:reference>/parties/<int:party_id>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("<ref:reference>/attachments/<int:attachment_id>/", views.attachment_preview, name="attachment"),
    path(
        "<ref:reference>/attachments/<int:attachment_id>/file/", views.attachment_file, name="attachment_file"
    ),
    path("<ref:reference>/duplicates/", views.duplicates_view, name="duplicates"),
    path("<ref:reference>/duplicates/clear/", views.duplicate_clear_view, name="duplicate_clear"),
    path("<ref:reference>/duplicates/<ref:other>/merge/", views.merge_preview_view, name="merge_preview"),
    re_path(
        r"^(?P<reference>[A-Za-z]{1,10}-\d{4}-\d{1,9})/export\.(?P<fmt>json|csv)$",
        views.export_view,
        name="export",
    ),
]
