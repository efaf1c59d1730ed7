"""URLs of the protection screens, mounted under /admin/cases/ next to the workspace's own
(``cases/protection/wagtail_hooks.py``); namespace ``protection_admin``."""

from django.urls import path

from cases.admin import urls as workspace_urls  # noqa: F401  (registers the "ref" converter)

from . import views as v

urlpatterns = [
    path("<ref:reference>/protection/new/", v.StepView.as_view(), {"step": "new"}, name="new"),
    path("<ref:reference>/protection/<int:pk>/identity/", v.IdentityView.as_view(), name="identity"),
    path(
        "<ref:reference>/protection/<int:pk>/notices/<int:notice_id>/sent/",
        v.NoticeSentView.as_view(),
        name="notice_sent",
    ),
    path("<ref:reference>/protection/<int:pk>/<slug:step>/", v.StepView.as_view(), name="step"),
]
