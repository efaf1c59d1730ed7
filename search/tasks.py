"""Celery tasks of the search layer.

``index_case_task`` is queued by every case service after commit
(``index_case_task.delay_on_commit(case_id=case.pk)``). An unreachable search cluster never makes a
case change fail: the case is marked dirty (``search.models.PendingIndex``), the task retries with
backoff, and when it gives up the nightly ``search_reconcile_task`` picks the case up again."""

from __future__ import annotations

import logging
import random

from celery import shared_task

logger = logging.getLogger("search.tasks")

# 30 s, 1 min, 2 min, ... capped at 1 h; 8 retries span about 2.5 hours.
INDEX_MAX_RETRIES = 8


def _backoff(retries: int) -> int:
    return min(3600, 30 * 2**retries) + random.randint(0, 15)


@shared_task(bind=True, max_retries=INDEX_MAX_RETRIES, acks_late=True, ignore_result=True)
def index_case_task(self, case_id: int) -> str:
    """Write the current state of one case to the search index (or remove it when the case is
    gone). Returns "indexed", "removed" or "deferred" (left dirty for the reconcile)."""
    from .backends.base import SearchUnavailable
    from .sync import index_one

    try:
        return index_one(case_id)
    except SearchUnavailable as exc:
        # index_one has already marked the case dirty, so nothing is lost whatever happens next.
        final = self.request.is_eager or self.request.retries >= self.max_retries
        if final:
            logger.error(
                "search index unavailable, case %s left for the reconcile (%s)",
                case_id,
                exc,
            )
            return "deferred"
        logger.warning(
            "search index unavailable, case %s retry %s/%s (%s)",
            case_id,
            self.request.retries + 1,
            self.max_retries,
            exc,
        )
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from None


@shared_task(bind=True, max_retries=INDEX_MAX_RETRIES, acks_late=True, ignore_result=True)
def index_cases_task(self, case_ids: list[int]) -> str:
    """Write many cases at once in one bulk request (the escalation sweep changes thousands of
    cases per run; one task per case would make it wait on the broker). The same failure rules as
    :func:`index_case_task`: the cases are marked dirty first, then retried, then left for the
    reconcile."""
    from django.utils import timezone

    from .backends import get_backend
    from .backends.base import SearchUnavailable
    from .sync import case_queryset, clear_dirty, mark_dirty

    started = timezone.now()
    try:
        get_backend().bulk_index(case_queryset().filter(pk__in=case_ids))
    except SearchUnavailable as exc:
        for case_id in case_ids:
            mark_dirty(case_id, error=str(exc))
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.error("search index unavailable, %s cases left for the reconcile (%s)", len(case_ids), exc)
            return "deferred"
        logger.warning(
            "search index unavailable, %s cases retry %s (%s)", len(case_ids), self.request.retries + 1, exc
        )
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from None
    clear_dirty(case_ids, marked_before=started)
    return "indexed"


@shared_task(bind=True, max_retries=3, acks_late=True)
def search_reconcile_task(self) -> dict:
    """Nightly: compare the database with the index, re-index what drifted (missing, stale,
    orphaned, and cases left dirty by failed index tasks), then bring the open cases' day counts
    up to date. Returns the report as a dict."""
    from .backends.base import SearchUnavailable
    from .sync import nightly

    try:
        report = nightly()
    except SearchUnavailable as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.error("search reconcile failed, index unavailable: %s", exc)
            raise
        raise self.retry(exc=exc, countdown=600) from None
    logger.info("search reconcile: %s", report.summary())
    return report.as_dict()
