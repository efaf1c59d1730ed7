"""URLs of the signing and delivery screens, mounted under /admin/cases/ next to the workspace's
own (``cases/delivery/wagtail_hooks.py``); namespace ``delivery_admin``."""

from django.urls import path

from cases.admin import urls as workspace_urls  # noqa: F401  (registers the "ref" converter)

from . import admin_views as v

urlpatterns = [
    path("delivery/day/", v.DailyListView.as_view(), name="daily"),
    path("delivery/sent/", v.SentOnTimeListView.as_view(), name="sent_list"),
    path("<ref:reference>/sign/<int:attachment_id>/", v.SignView.as_view(), name="sign"),
    path("<ref:reference>/delivery/new/", v.DeliveryRecordView.as_view(), name="record"),
    path(
        "<ref:reference>/delivery/<int:delivery_id>/received/",
        v.DeliveryReceivedView.as_view(),
        name="received",
    ),
    path(
        "<ref:reference>/delivery/<int:delivery_id>/returned/",
        v.DeliveryReturnedView.as_view(),
        name="returned",
    ),
    path("<ref:reference>/delivery/<int:delivery_id>/envelope/", v.EnvelopeView.as_view(), name="envelope"),
]
