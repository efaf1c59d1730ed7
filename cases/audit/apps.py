from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseAuditConfig(AppConfig):
    name = "cases.audit"
    label = "case_audit"
    verbose_name = _("Kiểm soát phân quyền và toàn vẹn nhật ký")
    default_auto_field = "django.db.models.BigAutoField"
