"""The case search document: what the index knows about a case.

It never holds identity: nothing from ``Party`` (names, ID numbers, addresses, contacts), nothing
about the accused person, no access key. Only the fields listed in ``DOCUMENT_FIELDS`` exist, and
``case_document`` builds them from the Case row, its authority and its assignee alone.

Accent folding happens here, in Python, because the Elasticsearch distribution the tests run on has
only core analysis (no ``asciifolding``): ``subject_folded`` and ``description_folded`` are the
folded copies, and both backends tokenise them the same way (``tokens``)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date, datetime

from django.utils import timezone

from .timeutil import local_date

# Snapshots relative to the moment of indexing: useful to read, never used to select cases (the
# finder compares dates with ``now``), and left out of the fingerprint so they are not "drift".
SNAPSHOT_FIELDS = ("as_of", "days_since_activity", "working_days_since_activity", "overdue_days")

DOCUMENT_FIELDS = (
    "id",
    "reference",
    "status",
    "is_open",
    "kind",
    "complaint_level",
    "complexity",
    "channel",
    "authority",
    "authority_id",
    "authority_path",
    "authority_ancestors",
    "assignee_id",
    "assignee",
    "escalation_level",
    "received_at",
    "accepted_at",
    "last_activity_at",
    "next_due_at",
    "stalled_since",
    "decided_at",
    "closed_at",
    "reassignment_count",
    "transfer_count",
    "extension_count",
    "suspension_count",
    "subject",
    "description",
    "subject_folded",
    "description_folded",
    "fingerprint",
    *SNAPSHOT_FIELDS,
)

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})
_TOKEN = re.compile(r"[0-9a-z]+")


def fold(text: str | None) -> str:
    """Fold Vietnamese (and other Latin) accents: NFD, drop combining marks, đ→d, Đ→D.

    ``fold("Khiếu nại đất đai")`` → ``"Khieu nai dat dai"``. Case is kept."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def tokens(text: str | None) -> list[str]:
    """Folded, lower-cased ASCII word tokens: the unit of full-text matching in both backends.

    Stored space-separated in the ``*_folded`` fields (``folded_words``), so Elasticsearch's core
    ``whitespace`` analyzer finds exactly these words and no others."""
    return _TOKEN.findall(fold(text).lower())


def folded_words(text: str | None) -> str:
    """``"Khiếu nại: đất đai!"`` → ``"khieu nai dat dai"``: the stored form of the folded copies."""
    return " ".join(tokens(text))


def authority_ancestors(path: str) -> list[str]:
    """``"/HN/HN-SXD/"`` → ``["HN", "HN-SXD"]``: the authority and every body above it."""
    return [code for code in path.split("/") if code]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def base_document(case) -> dict:
    """The document without the time-relative snapshots: a pure function of the database row."""
    authority = case.authority if case.authority_id else None
    path = authority.path if authority is not None else ""
    assignee = case.assignee if case.assignee_id else None
    doc = {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "is_open": bool(case.is_open),
        "kind": case.kind,
        "complaint_level": case.complaint_level or "",
        "complexity": case.complexity or "",
        "channel": case.channel or "",
        "authority": authority.code if authority is not None else "",
        "authority_id": case.authority_id,
        "authority_path": path,
        "authority_ancestors": authority_ancestors(path),
        "assignee_id": case.assignee_id,
        "assignee": assignee.get_username() if assignee is not None else "",
        "escalation_level": case.escalation_level,
        "received_at": _iso(case.received_at),
        "accepted_at": _iso(case.accepted_at),
        "last_activity_at": _iso(case.last_activity_at),
        "next_due_at": _iso(case.next_due_at),
        "stalled_since": _iso(case.stalled_since),
        "decided_at": _iso(case.decided_at),
        "closed_at": _iso(case.closed_at),
        "reassignment_count": case.reassignment_count,
        "transfer_count": case.transfer_count,
        "extension_count": case.extension_count,
        "suspension_count": case.suspension_count,
        "subject": case.subject,
        "description": case.description,
        "subject_folded": folded_words(case.subject),
        "description_folded": folded_words(case.description),
    }
    doc["fingerprint"] = fingerprint(doc)
    return doc


def fingerprint(doc: dict) -> str:
    """A hash of everything in the document except the snapshots and the fingerprint itself.

    Datetimes are compared as instants (UTC), so a time zone change is not drift."""
    stable = {}
    for key, value in doc.items():
        if key in SNAPSHOT_FIELDS or key == "fingerprint":
            continue
        if isinstance(value, str) and key.endswith("_at") and value:
            value = datetime.fromisoformat(value).timestamp()
        stable[key] = value
    raw = json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def add_snapshots(doc: dict, case, *, today: date, calendar) -> dict:
    activity_day = local_date(case.last_activity_at)
    doc["as_of"] = today.isoformat()
    doc["days_since_activity"] = max(0, (today - activity_day).days)
    doc["working_days_since_activity"] = max(0, calendar.working_days_between(activity_day, today))
    overdue = 0
    if case.next_due_at is not None:
        overdue = max(0, (today - local_date(case.next_due_at)).days)
    doc["overdue_days"] = overdue
    return doc


def case_document(case, *, now: datetime | None = None, calendar=None) -> dict:
    """The search document of one case (a plain dict, JSON-serialisable). No identity field, ever.

    ``case`` should come with ``select_related("authority", "assignee")``."""
    from .timeutil import working_calendar

    today = local_date(now or timezone.now())
    return add_snapshots(base_document(case), case, today=today, calendar=calendar or working_calendar())
