from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "cases.delivery"
    label = "delivery"
    verbose_name = _("Ký số và gửi kết quả giải quyết")
    default_auto_field = "django.db.models.BigAutoField"
