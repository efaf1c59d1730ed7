"""The identity redaction the outbox applies: the pure functions live in ``cases.redaction`` (the
domain and the search index use them too); this module keeps the names notifications imports."""

from cases.redaction import (  # noqa: F401
    MASK,
    MIN_NEEDLE,
    case_needles,
    contains_identity,
    fold,
    identity_needles,
    redact,
    redact_text,
)
