"""Keeping the index in step with the database: index one case, mark failures dirty, measure the
drift, reconcile it. Used by the Celery tasks and the ``search_index`` command."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Case

from .backends import get_backend
from .backends.base import Drift, SearchBackend, SearchUnavailable
from .documents import base_document
from .models import PendingIndex

logger = logging.getLogger("search.sync")


def case_queryset():
    return Case.objects.select_related("authority", "assignee")


def mark_pending(case_ids: Iterable[int]) -> None:
    """Record, inside the transaction of a change, that the index must catch up with these cases.

    The row commits or rolls back with the change, so whatever happens after the commit (the broker
    down or restarted without persistence, the task lost with a killed worker, the index or the
    database failing under the task) the case stays marked until an index write succeeds: the
    task's, or the drain's a minute later. One upsert for the whole set, in case-id order (the
    order every writer of these rows uses)."""
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        return
    now = timezone.now()
    PendingIndex.objects.bulk_create(
        [PendingIndex(case_id=i, attempts=0, first_failed_at=now, last_failed_at=now) for i in ids],
        update_conflicts=True,
        unique_fields=["case_id"],
        update_fields=["last_failed_at"],
    )


def mark_dirty(case_id: int, error: str = "") -> None:
    """Record that the index may be missing this case's latest state after a failed attempt (counted
    in ``attempts``, the reason in ``last_error``). Raises only when the database itself fails."""
    now = timezone.now()
    updated = PendingIndex.objects.filter(case_id=case_id).update(
        attempts=F("attempts") + 1, last_failed_at=now, last_error=error[:2000]
    )
    if not updated:
        PendingIndex.objects.get_or_create(
            case_id=case_id,
            defaults={"first_failed_at": now, "last_failed_at": now, "last_error": error[:2000]},
        )


def note_failure(case_ids: Iterable[int], error: str) -> None:
    """Count a failed attempt on rows that exist (the drain's retries keep their place in line)."""
    PendingIndex.objects.filter(case_id__in=list(case_ids)).update(
        attempts=F("attempts") + 1, last_error=error[:2000]
    )


def clear_dirty(case_ids, *, marked_before=None) -> int:
    """Remove the marks of cases whose current state is in the index. A mark written after
    ``marked_before`` belongs to a newer change and stays; a mark a transaction is rewriting right now
    is skipped rather than waited for (that transaction's own task clears it)."""
    ids = list(case_ids)
    if not ids:
        return 0
    with transaction.atomic():
        qs = PendingIndex.objects.filter(case_id__in=ids)
        if marked_before is not None:
            qs = qs.filter(last_failed_at__lte=marked_before)
        pks = list(qs.select_for_update(skip_locked=True).order_by("case_id").values_list("pk", flat=True))
        if not pks:
            return 0
        return PendingIndex.objects.filter(pk__in=pks).delete()[0]


def index_one(case_id: int, backend: SearchBackend | None = None) -> str:
    """Index the current state of a case, or remove it from the index if it is gone, and clear its
    mark. Raises whatever failed (the index, the database); the mark stays for the drain."""
    backend = backend or get_backend()
    started = timezone.now()
    case = case_queryset().filter(pk=case_id).first()
    if case is None:
        backend.remove_case(case_id)
        result = "removed"
    else:
        backend.index_case(case)
        result = "indexed"
    clear_dirty([case_id], marked_before=started)
    return result


def index_many(case_ids: Iterable[int], backend: SearchBackend | None = None) -> int:
    """Index the current state of many cases in one bulk request (removing those that are gone) and
    clear their marks. Raises whatever failed; the marks stay."""
    backend = backend or get_backend()
    ids = sorted({int(i) for i in case_ids})
    started = timezone.now()
    existing = set(Case.objects.filter(pk__in=ids).values_list("pk", flat=True))
    indexed = (
        backend.bulk_index(case_queryset().filter(pk__in=sorted(existing)).order_by("pk")) if existing else 0
    )
    gone = sorted(set(ids) - existing)
    if gone:
        backend.remove_many(gone)
    clear_dirty(ids, marked_before=started)
    return indexed


@dataclass
class DrainReport:
    indexed: int = 0
    removed: int = 0
    cleared: int = 0
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "indexed": self.indexed,
            "removed": self.removed,
            "cleared": self.cleared,
            "error": self.error,
        }


def drain(
    backend: SearchBackend | None = None,
    *,
    grace_seconds: float | None = None,
    chunk: int = 1000,
    budget_seconds: float | None = None,
) -> DrainReport:
    """Index the cases marked in ``PendingIndex`` (oldest first, in chunks), for as long as the budget
    allows (most of the drain interval, so two drains do not overlap). Marks younger than the grace
    period are left to their own task. An index that cannot be reached ends the run with its marks
    counted as a failed attempt (``SearchUnavailable`` is not raised: the next drain tries again)."""
    backend = backend or get_backend()
    grace = settings.SEARCH_DRAIN_GRACE_SECONDS if grace_seconds is None else grace_seconds
    budget = 0.75 * float(settings.SEARCH_DRAIN_SECONDS) if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    report = DrainReport()
    cutoff = timezone.now() - timedelta(seconds=grace)
    after: tuple[datetime, int] | None = None
    while time.monotonic() < deadline:
        qs = PendingIndex.objects.filter(last_failed_at__lte=cutoff)
        if after is not None:  # keyset: rows skipped (locked, re-marked) are not read again in this run
            qs = qs.filter(Q(last_failed_at__gt=after[0]) | Q(last_failed_at=after[0], case_id__gt=after[1]))
        rows = list(qs.order_by("last_failed_at", "case_id").values_list("last_failed_at", "case_id")[:chunk])
        if not rows:
            break
        after = rows[-1]
        ids = [case_id for _at, case_id in rows]
        started = timezone.now()
        existing = set(Case.objects.filter(pk__in=ids).values_list("pk", flat=True))
        gone = sorted(set(ids) - existing)
        try:
            if existing:
                report.indexed += backend.bulk_index(
                    case_queryset().filter(pk__in=sorted(existing)).order_by("pk")
                )
            if gone:
                report.removed += backend.remove_many(gone)
        except SearchUnavailable as exc:
            report.error = str(exc)[:500]
            note_failure(ids, f"drain: {exc}")
            break
        report.cleared += clear_dirty(ids, marked_before=started)
        if len(rows) < chunk:
            break
    if report.indexed or report.removed:
        backend.refresh()
    return report


def compute_drift(backend: SearchBackend) -> Drift:
    """Compare the fingerprint of every case in the database with the one in the index."""
    indexed = backend.indexed_fingerprints()
    drift = Drift(index_count=len(indexed))
    seen: set[int] = set()
    for case in case_queryset().order_by("pk").iterator(chunk_size=2000):
        seen.add(case.pk)
        current = indexed.get(case.pk)
        if current is None:
            drift.missing.append(case.pk)
        elif current != base_document(case)["fingerprint"]:
            drift.stale.append(case.pk)
    drift.database_count = len(seen)
    drift.orphans = sorted(set(indexed) - seen)
    drift.pending = list(PendingIndex.objects.order_by("case_id").values_list("case_id", flat=True))
    return drift


@dataclass
class ReconcileReport:
    backend: str
    before: Drift
    indexed: int = 0
    removed: int = 0
    cleared: int = 0
    refreshed: int = 0
    after: Drift | None = None
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.backend}: drift {self.before.total} → indexed {self.indexed}, removed {self.removed}, "
            f"cleared {self.cleared} pending, refreshed {self.refreshed} open documents"
            + (f", remaining drift {self.after.total}" if self.after is not None else "")
        )

    def as_dict(self) -> dict:
        return {
            "backend": self.backend,
            "before": self.before.as_dict(),
            "indexed": self.indexed,
            "removed": self.removed,
            "cleared": self.cleared,
            "refreshed": self.refreshed,
            "after": self.after.as_dict() if self.after is not None else None,
        }


def reconcile(backend: SearchBackend | None = None, *, verify: bool = True) -> ReconcileReport:
    """Re-index every case that drifted (missing, stale, left dirty) and remove orphans.

    Raises ``SearchUnavailable`` if the index still cannot be reached (the dirty marks stay)."""
    backend = backend or get_backend()
    started = timezone.now()
    drift = backend.check()
    report = ReconcileReport(backend=backend.name, before=drift)
    existing_pending = set(Case.objects.filter(pk__in=drift.pending).values_list("pk", flat=True))
    to_index = set(drift.missing) | set(drift.stale) | existing_pending
    to_remove = set(drift.orphans) | (set(drift.pending) - existing_pending)
    if to_index:
        cases = case_queryset().filter(pk__in=sorted(to_index)).order_by("pk").iterator(chunk_size=1000)
        report.indexed = backend.bulk_index(cases)
    if to_remove:
        report.removed = backend.remove_many(sorted(to_remove))
    report.cleared = clear_dirty(drift.pending, marked_before=started)
    if to_index or to_remove:
        backend.refresh()
    if verify:
        report.after = backend.check()
    logger.info("search reconcile %s", report.summary())
    return report


def refresh_open_documents(backend: SearchBackend | None = None) -> int:
    """Re-write the documents of open cases so their day counts (days since activity, working
    days since activity, days overdue) are as of today. Selections never depend on them: they
    compare dates with ``now``; this keeps what people read in the index current."""
    from cases.workflow import OPEN_STATES

    backend = backend or get_backend()
    if not backend.stores_snapshots:
        return 0
    cases = case_queryset().filter(status__in=OPEN_STATES).order_by("pk").iterator(chunk_size=2000)
    return backend.bulk_index(cases)


def nightly(backend: SearchBackend | None = None) -> ReconcileReport:
    """What the nightly task does: reconcile the drift, then refresh the open cases' day counts."""
    backend = backend or get_backend()
    report = reconcile(backend)
    report.refreshed = refresh_open_documents(backend)
    return report


# How far before the start of a rebuild its catch-up looks for changed cases: a change is stamped
# (``updated_at``) when it is saved, not when its transaction commits, and application servers'
# clocks may differ a little from this one. Seconds; ``settings.SEARCH_REBUILD_CATCH_UP_MARGIN``.
REBUILD_CATCH_UP_MARGIN = 600


@dataclass
class CatchUpReport:
    since: datetime
    indexed: int = 0
    removed: int = 0
    cleared: int = 0

    def as_dict(self) -> dict:
        return {
            "since": self.since.isoformat(),
            "indexed": self.indexed,
            "removed": self.removed,
            "cleared": self.cleared,
        }


def rebuild(backend: SearchBackend | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Build the index again from scratch, then catch up with changes made while it was building
    (they were written to the previous index). Cases marked dirty before the start are now in it."""
    backend = backend or get_backend()
    started = timezone.now()
    n = backend.rebuild(progress) if progress else backend.rebuild()
    clear_dirty(PendingIndex.objects.values_list("case_id", flat=True), marked_before=started)
    margin = timedelta(seconds=getattr(settings, "SEARCH_REBUILD_CATCH_UP_MARGIN", REBUILD_CATCH_UP_MARGIN))
    catch_up(backend, since=started - margin)
    return n


def catch_up(backend: SearchBackend, *, since) -> CatchUpReport:
    """Re-index what may have changed since ``since`` without reaching the index: every case saved
    since then (``updated_at``), every case left in the outbox (``PendingIndex``), and remove the
    cases deleted since then (their history says so) or pending and gone.

    This is what a rebuild needs after the alias swap instead of a full drift check: the new index
    was filled from a snapshot taken after ``since``, so anything it lacks was changed after that,
    and every change saves the case (services never use ``QuerySet.update()`` on cases)."""
    checked = timezone.now()
    pending = set(PendingIndex.objects.values_list("case_id", flat=True))
    gone = set(pending)
    history = getattr(Case, "history", None)
    if history is not None:
        deleted = history.model.objects.filter(history_type="-", history_date__gte=since)
        gone |= set(deleted.values_list("id", flat=True))
    gone -= set(Case.objects.filter(pk__in=gone).values_list("pk", flat=True))
    report = CatchUpReport(since=since)
    changed = case_queryset().filter(Q(updated_at__gte=since) | Q(pk__in=pending - gone)).order_by("pk")
    report.indexed = backend.bulk_index(changed.iterator(chunk_size=1000))
    if gone:
        report.removed = backend.remove_many(sorted(gone))
    report.cleared = clear_dirty(pending, marked_before=checked)
    if report.indexed or report.removed:
        backend.refresh()
    logger.info("search rebuild catch-up since %s: %s", since, report.as_dict())
    return report
