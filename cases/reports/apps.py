from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodicReportsConfig(AppConfig):
    name = "cases.reports"
    label = "periodic_reports"
    verbose_name = _("Báo cáo định kỳ")
    default_auto_field = "django.db.models.BigAutoField"
