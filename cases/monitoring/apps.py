from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Records of the periodic jobs staff rely on (the escalation sweep's last runs)."""

    name = "cases.monitoring"
    label = "cases_monitoring"
    verbose_name = _("Giám sát tác vụ định kỳ")
    default_auto_field = "django.db.models.BigAutoField"
