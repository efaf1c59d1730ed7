"""Where the dashboard's figures link to: the cases behind each number.

Open-backlog figures link to the inspectors' case list (``/admin/cases/``) with the query
parameters it understands (status, kind, authority, stalled=1, overdue=1); figures that list can
not express (age buckets, the finder's criteria, deadline outcomes) link to the oversight lists,
which show exactly the cases counted."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse

CASE_LIST_PARAMS = ("status", "kind", "authority", "stalled", "overdue", "q")


def _query(params: dict) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return urlencode({k: (1 if v is True else v) for k, v in clean.items()})


def case_list_url(**params) -> str:
    base = getattr(settings, "OVERSIGHT_CASE_LIST_URL", "/admin/cases/")
    query = _query({k: v for k, v in params.items() if k in CASE_LIST_PARAMS})
    return f"{base}?{query}" if query else base


def case_url(reference: str) -> str:
    """One case in the inspectors' workspace (``/admin/cases/<reference>/``)."""
    try:
        return reverse("cases_admin:detail", kwargs={"reference": reference})
    except NoReverseMatch:  # a reference the workspace's URL pattern does not accept
        return case_list_url(q=reference)


def oversight_url(name: str, **params) -> str:
    url = reverse(f"oversight:{name}")
    query = _query(params)
    return f"{url}?{query}" if query else url
