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
from collections.abc import Iterator
from datetime import date, datetime

from django.db import connections
from django.utils import timezone

from cases.redaction import needles_by_case, redact_text

from .timeutil import local_date

try:
    from psycopg.types.datetime import TimestamptzLoader as _TimestamptzLoader
except ImportError:  # pragma: no cover (psycopg2, or another database driver)
    _TimestamptzLoader = None

try:  # optional: the same bytes as the json module for what documents hold, several times faster
    import orjson
except ImportError:  # pragma: no cover
    orjson = None

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
    "duplicate_suspected",
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
    """``"Khiếu nại: đất đai!"`` → ``"khieu nai dat dai"``: the stored form of the folded copies.

    Equal to ``" ".join(tokens(text))``, computed with one ``str.translate`` through a per-character
    table (``_WORD_CHARS``) instead of normalising the whole text twice: folding, lower-casing and
    splitting into ``[0-9a-z]`` words act on each character alone (combining marks, the only
    characters that interact, are dropped), so the table gives the same words."""
    if not text:
        return ""
    return " ".join(text.translate(_WORD_CHARS).split())


_WORD_ASCII = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


class _WordTable(dict):
    """code point → what ``tokens`` keeps of that character: lower-case ASCII letters and digits,
    ``""`` for a combining mark (it joins the letters around it), a space for anything else.
    Filled on first sight of each character, from ``fold`` itself."""

    def __missing__(self, code: int) -> str:
        kept = "".join(ch if ch in _WORD_ASCII else " " for ch in fold(chr(code)).lower())
        self[code] = kept
        return kept


_WORD_CHARS = _WordTable()


def authority_ancestors(path: str) -> list[str]:
    """``"/HN/HN-SXD/"`` → ``["HN", "HN-SXD"]``: the authority and every body above it."""
    return [code for code in path.split("/") if code]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# The columns of a case that make its document, in the order ``case_rows`` selects them and
# ``DocumentBuilder`` reads them. The assignee's user name is added by ``row_fields`` (it depends
# on the user model). Nothing here reaches ``Party`` or the accused person.
_ROW_FIELDS = (
    "pk",
    "reference",
    "status",
    "kind",
    "complaint_level",
    "complexity",
    "channel",
    "authority_id",
    "authority__code",
    "authority__path",
    "assignee_id",
    # assignee__<USERNAME_FIELD>
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
    "duplicate_suspected",
    "subject",
    "description",
)
_USERNAME_POSITION = _ROW_FIELDS.index("assignee_id") + 1


def row_fields() -> tuple[str, ...]:
    from django.contrib.auth import get_user_model

    username = f"assignee__{get_user_model().USERNAME_FIELD}"
    return (*_ROW_FIELDS[:_USERNAME_POSITION], username, *_ROW_FIELDS[_USERNAME_POSITION:])


_SUBJECT = _ROW_FIELDS.index("subject") + 1  # positions in a row (after the username column)
_DESCRIPTION = _ROW_FIELDS.index("description") + 1


def _redacted(rows: list[tuple]) -> list[tuple]:
    """The rows with identity a citizen typed into the subject or description masked: the index
    never holds identity (``cases.redaction``; one party query per chunk)."""
    needles = needles_by_case([row[0] for row in rows])
    if not needles:
        return rows
    memo: dict = {}
    out = []
    for row in rows:
        found = needles.get(row[0])
        if found:
            row = (
                *row[:_SUBJECT],
                redact_text(row[_SUBJECT], found, memo),
                redact_text(row[_DESCRIPTION], found, memo),
                *row[_DESCRIPTION + 1 :],
            )
        out.append(row)
    return out


def case_rows(queryset=None, *, chunk_size: int = 5000) -> Iterator[tuple]:
    """The document rows (tuples, see ``row_fields``) of the cases of ``queryset`` (default: every
    case), in id order, streamed from a server-side cursor: one query, whatever the number of cases,
    plus one for the parties of each chunk (identity typed into free text is masked)."""
    batch: list[tuple] = []
    for row in _raw_case_rows(queryset, chunk_size=chunk_size):
        batch.append(row)
        if len(batch) >= chunk_size:
            yield from _redacted(batch)
            batch = []
    if batch:
        yield from _redacted(batch)


def _raw_case_rows(queryset=None, *, chunk_size: int = 5000) -> Iterator[tuple]:
    from cases.models import Case

    qs = (Case.objects.all() if queryset is None else queryset).order_by("pk").values_list(*row_fields())
    connection = connections[qs.db]
    if connection.vendor != "postgresql" or _TimestamptzLoader is None:
        yield from qs.iterator(chunk_size=chunk_size)
        return
    # Django reads timestamptz columns with a pure-Python loader (about 10 µs a value); psycopg's
    # own loader, compiled, gives the same aware datetimes (the session time zone is the one Django
    # set). None of these columns has a Django converter, so the rows are what values_list yields.
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    with connection.chunked_cursor() as cursor:
        adapters = getattr(cursor.cursor, "adapters", None)  # psycopg 3
        if adapters is not None:
            adapters.register_loader("timestamptz", _TimestamptzLoader)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


def case_row(case) -> tuple:
    """The document row of a case instance (with ``select_related("authority", "assignee")``),
    identity typed into the subject or description masked."""
    authority = case.authority if case.authority_id else None
    assignee = case.assignee if case.assignee_id else None
    row = (
        case.pk,
        case.reference,
        case.status,
        case.kind,
        case.complaint_level,
        case.complexity,
        case.channel,
        case.authority_id,
        authority.code if authority is not None else None,
        authority.path if authority is not None else None,
        case.assignee_id,
        assignee.get_username() if assignee is not None else None,
        case.escalation_level,
        case.received_at,
        case.accepted_at,
        case.last_activity_at,
        case.next_due_at,
        case.stalled_since,
        case.decided_at,
        case.closed_at,
        case.reassignment_count,
        case.transfer_count,
        case.extension_count,
        case.suspension_count,
        case.duplicate_suspected,
        case.subject,
        case.description,
    )
    return _redacted([row])[0]


# One encoder for every fingerprint (``json.dumps`` with options builds a new one per call).
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _timestamp(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _stable_json(stable: dict, timestamps: tuple) -> bytes:
    """``json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` in UTF-8.

    orjson writes the same bytes for strings, integers, booleans, null, lists and these floats;
    it spells floats in exponent form differently (``1e-7`` against ``1e-07``), which for a
    timestamp means within 0.1 ms of 1970-01-01: such a row takes the json module."""
    if orjson is not None and not any(t is not None and 0 < abs(t) < 1e-4 for t in timestamps):
        try:
            return orjson.dumps(stable, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # e.g. a lone surrogate: let the json module raise as it always did
            pass
    return _FINGERPRINT_JSON.encode(stable).encode("utf-8")


def row_base_document(row: tuple) -> dict:
    """``base_document`` of a document row: the same dict, key for key, and the same fingerprint,
    computed from the row's values (each text folded once, datetimes hashed as instants directly)."""
    from cases.workflow import is_open

    (
        pk,
        reference,
        status,
        kind,
        complaint_level,
        complexity,
        channel,
        authority_id,
        authority_code,
        authority_path,
        assignee_id,
        assignee_name,
        escalation_level,
        received_at,
        accepted_at,
        last_activity_at,
        next_due_at,
        stalled_since,
        decided_at,
        closed_at,
        reassignment_count,
        transfer_count,
        extension_count,
        suspension_count,
        duplicate_suspected,
        subject,
        description,
    ) = row
    if authority_id:
        code, path = authority_code, authority_path
    else:
        code, path = "", ""
    doc = {
        "id": pk,
        "reference": reference,
        "status": status,
        "is_open": bool(is_open(kind, status)),
        "kind": kind,
        "complaint_level": complaint_level or "",
        "complexity": complexity or "",
        "channel": channel or "",
        "authority": code,
        "authority_id": authority_id,
        "authority_path": path,
        "authority_ancestors": authority_ancestors(path),
        "assignee_id": assignee_id,
        "assignee": assignee_name if assignee_id else "",
        "escalation_level": escalation_level,
        "received_at": _iso(received_at),
        "accepted_at": _iso(accepted_at),
        "last_activity_at": _iso(last_activity_at),
        "next_due_at": _iso(next_due_at),
        "stalled_since": _iso(stalled_since),
        "decided_at": _iso(decided_at),
        "closed_at": _iso(closed_at),
        "reassignment_count": reassignment_count,
        "transfer_count": transfer_count,
        "extension_count": extension_count,
        "suspension_count": suspension_count,
        "duplicate_suspected": bool(duplicate_suspected),
        "subject": subject,
        "description": description,
        "subject_folded": folded_words(subject),
        "description_folded": folded_words(description),
    }
    # What ``fingerprint(doc)`` hashes: the same keys, with the "*_at" datetimes as instants.
    stable = dict(doc)
    timestamps = (
        _timestamp(received_at),
        _timestamp(accepted_at),
        _timestamp(last_activity_at),
        _timestamp(next_due_at),
        _timestamp(decided_at),
        _timestamp(closed_at),
    )
    (
        stable["received_at"],
        stable["accepted_at"],
        stable["last_activity_at"],
        stable["next_due_at"],
        stable["decided_at"],
        stable["closed_at"],
    ) = timestamps
    doc["fingerprint"] = hashlib.sha256(_stable_json(stable, timestamps)).hexdigest()[:32]
    return doc


def base_document(case) -> dict:
    """The document without the time-relative snapshots: a pure function of the database row."""
    return row_base_document(case_row(case))


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


class DocumentBuilder:
    """Builds the search documents of many cases as of one moment: ``case_document`` for rows
    (``case_rows``), with the day, the time zone and the calendar looked up once, and the working
    days per day of last activity computed once."""

    _ACTIVITY = _ROW_FIELDS.index("last_activity_at") + 1  # +1: the assignee's user name
    _DUE = _ROW_FIELDS.index("next_due_at") + 1

    def __init__(self, *, now: datetime | None = None, calendar=None) -> None:
        from .timeutil import working_calendar

        self.zone = timezone.get_current_timezone()
        self.today = local_date(now or timezone.now())
        self.as_of = self.today.isoformat()
        self.calendar = calendar or working_calendar()
        self._days: dict[date, tuple[int, int]] = {}

    def _local_date(self, value: datetime) -> date:
        if value.utcoffset() is None:
            return local_date(value)  # naive: the same error as ``timezone.localtime``
        return value.astimezone(self.zone).date()

    def document(self, row: tuple) -> dict:
        doc = row_base_document(row)
        today = self.today
        activity_day = self._local_date(row[self._ACTIVITY])
        days = self._days.get(activity_day)
        if days is None:
            days = (
                max(0, (today - activity_day).days),
                max(0, self.calendar.working_days_between(activity_day, today)),
            )
            self._days[activity_day] = days
        due = row[self._DUE]
        doc["as_of"] = self.as_of
        doc["days_since_activity"] = days[0]
        doc["working_days_since_activity"] = days[1]
        doc["overdue_days"] = max(0, (today - self._local_date(due)).days) if due is not None else 0
        return doc


def case_document(case, *, now: datetime | None = None, calendar=None) -> dict:
    """The search document of one case (a plain dict, JSON-serialisable). No identity field, ever.

    ``case`` should come with ``select_related("authority", "assignee")``."""
    return DocumentBuilder(now=now, calendar=calendar).document(case_row(case))
