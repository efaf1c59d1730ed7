from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Tìm kiếm và giám sát")

    def ready(self) -> None:
        from cases import effects, text_search

        from . import checks  # noqa: F401  (registers the system checks)
        from .listeners import on_case_changed
        from .listeners import text_search as backend_search

        effects.register("search", on_case_changed)
        text_search.register(backend_search)
