"""The domain's port for full-text search over cases (subject and description, accents folded).

The workspace list asks :func:`case_ids_matching`; the ``search`` app registers the configured
backend in its ``AppConfig.ready()``. Results are case ids only: what the viewer may see is decided
by the caller, in the database."""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[str, int], list[int]]


class TextSearchUnavailable(Exception):
    """No provider is registered, or the provider's store cannot be reached right now."""


_provider: list[Provider] = []


def register(provider: Provider) -> None:
    _provider[:] = [provider]


def case_ids_matching(text: str, *, limit: int = 1000) -> list[int]:
    """Ids of cases whose subject or description contains every word of ``text`` (accents and
    case ignored), or whose reference is ``text``; most relevant first."""
    if not _provider:
        raise TextSearchUnavailable("no text search provider is registered")
    return _provider[0](text, limit)
