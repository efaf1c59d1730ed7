from django.urls import path

from . import views

app_name = "publicsite"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
