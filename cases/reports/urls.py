"""Periodic reports in the admin, mounted at /admin/reports/ by ``cases/reports/wagtail_hooks.py``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("view/", views.ReportView.as_view(), name="view"),
    path("cell/", views.CellView.as_view(), name="cell"),
    path("filed/<int:pk>/", views.FiledView.as_view(), name="filed"),
    path("filed/<int:pk>/cell/", views.FiledCellView.as_view(), name="filed_cell"),
    path("filed/<int:pk>/diff/", views.DiffView.as_view(), name="diff"),
]
