from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("stalled/", views.stalled, name="stalled"),
    path("on-time/", views.ontime, name="ontime"),
    path("on-time/cases/", views.ontime_cases_view, name="ontime_cases"),
    path("most-moved/", views.top, name="top"),
    path("search/", views.search_cases, name="search"),
]
