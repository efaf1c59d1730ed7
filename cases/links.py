"""Public addresses of a case, for what staff hand to citizens (the intake slip's QR code) and for
the messages the notifications app sends. Never carries the access key."""

from __future__ import annotations

from urllib.parse import quote, urljoin

from django.conf import settings


def public_base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL


def tracking_url(reference: str) -> str:
    """Where a citizen follows their case (the reference filled in; the key is typed by hand)."""
    pattern = getattr(settings, "CASE_TRACKING_URL", "/tra-cuu/?ma={reference}")
    return urljoin(public_base_url(), pattern.format(reference=quote(reference)))
