"""The search backend interface: a small protocol both backends implement.

Backends return case ids (never rows): callers load the rows from the database and apply the
viewer's permissions there. A backend that cannot reach its store raises ``SearchUnavailable``;
nothing outside ``backends/elasticsearch.py`` ever sees a client exception."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..criteria import BacklogCell, StalledCriteria


class SearchUnavailable(Exception):
    """The search store cannot be reached or refused the request; the caller may retry later."""


@dataclass
class Drift:
    """Differences between the database (truth) and the index."""

    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    stale: list[int] = field(default_factory=list)  # indexed with content that differs
    orphans: list[int] = field(default_factory=list)  # in the index, no longer in the database
    pending: list[int] = field(default_factory=list)  # marked dirty by a failed index task
    database_count: int = 0
    index_count: int = 0

    @property
    def total(self) -> int:
        return len(set(self.missing) | set(self.stale) | set(self.orphans) | set(self.pending))

    @property
    def is_zero(self) -> bool:
        return self.total == 0

    def as_dict(self) -> dict:
        return {
            "missing": sorted(self.missing),
            "stale": sorted(self.stale),
            "orphans": sorted(self.orphans),
            "pending": sorted(self.pending),
            "database_count": self.database_count,
            "index_count": self.index_count,
            "total": self.total,
        }


class SearchBackend(abc.ABC):
    name: str = ""
    # True when documents carry day counts relative to the indexing date (``documents.SNAPSHOT_FIELDS``)
    # that the nightly task should bring up to date.
    stores_snapshots: bool = False

    # -- writes ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def index_case(self, case) -> None:
        """Write one case's document (``case`` with authority and assignee selected)."""

    @abc.abstractmethod
    def remove_case(self, case_id: int) -> None:
        """Remove one case from the index; no error if it is not there."""

    @abc.abstractmethod
    def bulk_index(self, cases: Iterable, *, now: datetime | None = None) -> int:
        """Write many cases; returns how many were written."""

    def remove_many(self, case_ids: Iterable[int]) -> int:
        n = 0
        for case_id in case_ids:
            self.remove_case(case_id)
            n += 1
        return n

    @abc.abstractmethod
    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Build the whole index again from the database; returns the number of documents.
        ``progress``, when given, is called with the number of documents each time some are written."""

    # -- reads ----------------------------------------------------------------------------------
    @abc.abstractmethod
    def find_stalled(
        self,
        criteria: StalledCriteria,
        *,
        now: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
        calendar=None,
    ) -> list[int]:
        """Ids of open cases matching ``criteria``, least recently active first (ties: by id)."""

    @abc.abstractmethod
    def count_stalled(self, criteria: StalledCriteria, *, now: datetime | None = None, calendar=None) -> int:
        """How many cases ``find_stalled`` would return without a limit."""

    @abc.abstractmethod
    def aggregate_backlog(
        self,
        *,
        now: datetime | None = None,
        within: tuple[str, ...] | None = None,
        kind: str | None = None,
    ) -> list[BacklogCell]:
        """Open cases counted per authority (the body itself, not its sub-units), status and age
        bucket (``criteria.AGE_BUCKETS``, days since received), with how many are overdue."""

    @abc.abstractmethod
    def search(self, text: str, *, limit: int = 500) -> list[int]:
        """Ids of cases whose subject or description contains every word of ``text`` (accents and
        case ignored), or whose reference is ``text``. Most relevant first."""

    # -- lifecycle ------------------------------------------------------------------------------
    @abc.abstractmethod
    def indexed_fingerprints(self) -> dict[int, str]:
        """{case id: fingerprint} of every document in the index."""

    def check(self) -> Drift:
        """Compare the database with the index."""
        from ..sync import compute_drift

        return compute_drift(self)

    def refresh(self) -> None:  # noqa: B027 (optional hook: most backends need nothing)
        """Make every write so far visible to reads (a no-op where writes are visible at once)."""

    def health(self) -> dict:
        return {"backend": self.name, "ok": True}
