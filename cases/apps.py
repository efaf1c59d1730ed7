from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Hồ sơ khiếu nại, tố cáo")

    def ready(self) -> None:
        from . import names
        from .roles import ensure_role_groups

        names.install()  # family name first wherever Django or Wagtail prints a user's name

        # After every migrate (the permissions exist by then): groups follow cases.roles.
        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="cases.ensure_role_groups")
