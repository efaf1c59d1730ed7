"""Who may see a case on the public side.

The citizen proves access once with the reference and the secret key (POSTed, never in a URL);
the browser session then holds a short grant for that one reference. The tracking grant never
holds the key; the only time a key is in a session is the one-shot receipt after filing, and it is
encrypted there with the field keys (``publicsite.intake.Receipt.as_session``). Staff reach the
same documents through their own permissions."""

from __future__ import annotations

import re
import time

from django.conf import settings

from cases import permissions
from cases.models import Attachment, Case, Visibility
from cases.references import normalise_key
from cases.selectors import case_get_for_tracking

SESSION_KEY = "publicsite.tracking"
CITIZEN_VISIBILITIES = (Visibility.COMPLAINANT, Visibility.PUBLIC)


def normalise_reference(reference: str) -> str:
    """Upper case, only letters, digits and dashes (a NUL byte or a quote never reaches a query)."""
    return clean_code(reference).upper()[:32]


def clean_code(value) -> str:
    """A reference or authority code as typed: letters, digits, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9_-]", "", str(value or ""))[:64]


def case_for_key(reference: str, key: str) -> Case | None:
    """The same None for an unknown reference and for a wrong key."""
    reference = normalise_reference(reference)
    if not reference or not (key or "").strip():
        return None
    return case_get_for_tracking(reference, normalise_key(key))


def grant(request, reference: str) -> None:
    grants = _live_grants(request)
    grants[reference] = int(time.time()) + settings.PUBLIC_TRACKING_SESSION_SECONDS
    request.session[SESSION_KEY] = grants
    request.session.cycle_key()  # a new session id once access is proven


def revoke(request, reference: str | None = None) -> None:
    grants = _live_grants(request)
    if reference is None:
        grants = {}
    else:
        grants.pop(reference, None)
    request.session[SESSION_KEY] = grants


def granted_until(request, reference: str) -> int | None:
    return _live_grants(request).get(normalise_reference(reference))


def _live_grants(request) -> dict[str, int]:
    now = int(time.time())
    grants = request.session.get(SESSION_KEY) or {}
    return {ref: until for ref, until in grants.items() if isinstance(until, int) and until > now}


def case_for_session(request, reference: str) -> Case | None:
    reference = normalise_reference(reference)
    if not reference or granted_until(request, reference) is None:
        return None
    return Case.objects.select_related("authority").filter(reference=reference).first()


def citizen_attachments(case: Case):
    return case.attachments.filter(visibility__in=CITIZEN_VISIBILITIES).order_by("uploaded_at", "pk")


def staff_may_download(user, attachment: Attachment) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    case = attachment.case
    if not permissions.user_can_view_case(user, case):
        return False
    # A denouncer's letters carry identity and handwriting (Law on Denunciations Art 56(2)).
    return not attachment.contains_identity or permissions.user_can_view_identity(user, case)
