"""One domain error type with subclasses. Messages are translatable (Vietnamese source strings,
``gettext_lazy``, English in ``cases/locale/en``) and are rendered in the language active when they
are read: the web page's, or the API request's ``Accept-Language`` (Vietnamese by default).

``ApplicationError(_("Hồ sơ %(reference)s ..."), params={"reference": ...})`` keeps the lazy string
and its parameters apart, so ``message`` is interpolated after translation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise

Text = str | Promise


def render(text: Text, params: Mapping[str, Any] | None = None) -> str:
    """A (lazy) message in the active language, with its ``%(name)s`` parameters filled in."""
    rendered = str(text)
    return rendered % dict(params) if params else rendered


class ApplicationError(Exception):
    """A request the domain refuses. ``message`` is safe to show to the person who asked."""

    def __init__(
        self,
        message: Text,
        *,
        params: Mapping[str, Any] | None = None,
        field_errors: Mapping[str, list[Text]] | None = None,
        code: str = "",
    ):
        super().__init__(message)
        self._message = message
        self.params = dict(params or {})
        self._field_errors = {name: list(errors) for name, errors in (field_errors or {}).items()}
        self.code = code

    @property
    def message(self) -> str:
        return render(self._message, self.params)

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """Per-field messages in the active language."""
        return {
            name: [render(e, self.params) if isinstance(e, Promise) else str(e) for e in errors]
            for name, errors in self._field_errors.items()
        }

    def __str__(self) -> str:
        return self.message


class PermissionDeniedError(ApplicationError):
    pass


class ConflictError(ApplicationError):
    """Someone else changed the case since the form was opened (optimistic concurrency)."""


class ValidationError(ApplicationError):
    pass


class ConflictOfInterestError(ApplicationError):
    """The assignee belongs to the unit accused, or is the person accused."""
