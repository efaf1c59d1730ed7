from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicsiteConfig(AppConfig):
    name = "publicsite"
    verbose_name = _("Trang công khai")
