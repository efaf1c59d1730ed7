from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "cases.reception"
    label = "reception"
    verbose_name = _("Tiếp công dân")
    default_auto_field = "django.db.models.BigAutoField"
