"""The reception workspace, mounted at /admin/reception/ by ``cases/reception/wagtail_hooks.py``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("register/print/", views.register_print, name="register_print"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_new"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit"),
    path("visits/<int:pk>/receipt/", views.receipt_print, name="receipt"),
    path("visits/<int:pk>/refusal-notice/", views.refusal_notice_print, name="refusal_notice"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_new"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session"),
    path("sessions/<int:pk>/notice/", views.session_notice_print, name="session_notice"),
    path("places/", views.PlacesView.as_view(), name="places"),
    path("places/new/", views.PlaceEditView.as_view(), name="place_new"),
    path("places/<int:pk>/", views.PlaceEditView.as_view(), name="place_edit"),
]
