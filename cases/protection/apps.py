from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "cases.protection"
    label = "protection"
    verbose_name = _("Bảo vệ người tố cáo")
    default_auto_field = "django.db.models.BigAutoField"
