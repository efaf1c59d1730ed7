"""System check: the Elasticsearch client's major version must equal the server's.

The server version is pinned in config/versions.env (read by scripts/ too)."""

import elasticsearch
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_elasticsearch_client_major(app_configs=None, **kwargs):
    client_major = elasticsearch.__versionstr__.split(".")[0]
    server_major = settings.ELASTICSEARCH_VERSION.split(".")[0]
    if client_major != server_major:
        return [
            checks.Error(
                f"elasticsearch client {elasticsearch.__versionstr__} does not match the server "
                f"{settings.ELASTICSEARCH_VERSION} pinned in config/versions.env: majors must be equal.",
                id="search.E001",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def check_search_backend_setting(app_configs=None, **kwargs):
    from .backends import BACKENDS

    if settings.SEARCH_BACKEND not in BACKENDS:
        return [
            checks.Error(
                f"SEARCH_BACKEND is {settings.SEARCH_BACKEND!r}; expected one of {', '.join(BACKENDS)}.",
                id="search.E002",
            )
        ]
    return []
