from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "cases.verification"
    label = "verification"
    verbose_name = _("Xác minh, báo cáo và đối thoại")
    default_auto_field = "django.db.models.BigAutoField"
