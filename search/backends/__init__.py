"""Backend selection: ``get_backend()`` returns the one ``settings.SEARCH_BACKEND`` names."""

from __future__ import annotations

from django.conf import settings

from .base import Drift, SearchBackend, SearchUnavailable

__all__ = ["BACKENDS", "Drift", "SearchBackend", "SearchUnavailable", "get_backend"]

BACKENDS = ("database", "elasticsearch")


def get_backend(name: str | None = None, **options) -> SearchBackend:
    """The search backend called ``name`` ("database" or "elasticsearch"), by default the one
    configured in ``settings.SEARCH_BACKEND``. Cheap to call: clients are shared per process."""
    name = (name or settings.SEARCH_BACKEND or "database").lower()
    if name == "database":
        from .database import DatabaseBackend

        return DatabaseBackend(**options)
    if name == "elasticsearch":
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(**options)
    raise ValueError(f"Unknown search backend {name!r}; expected one of {', '.join(BACKENDS)}")
