"""One domain error type with subclasses; views turn them into clear messages (vi / en)."""


class ApplicationError(Exception):
    """A request the domain refuses. ``message`` is safe to show to the person who asked."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class PermissionDeniedError(ApplicationError):
    pass


class ConflictError(ApplicationError):
    """Someone else changed the case since the form was opened (optimistic concurrency)."""


class ValidationError(ApplicationError):
    pass


class ConflictOfInterestError(ApplicationError):
    """The assignee belongs to the unit accused, or is the person accused."""
