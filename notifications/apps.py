from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from cases import effects

        from .listeners import on_case_changed

        # The domain's after-change port: outbox rows in the same transaction as the change.
        effects.register("notifications", on_case_changed)
