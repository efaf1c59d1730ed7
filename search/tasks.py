"""Celery tasks of the search layer.

Every change marks its cases in ``search.models.PendingIndex`` inside its own transaction and queues
``index_case_task`` (one case) or ``index_cases_task`` (a sweep chunk) after the commit
(``search.listeners``). A task that succeeds clears the marks; a task that fails for any reason (the
cluster down or timing out, the database restarting under it, a bug) leaves them, records the
attempt, logs one line and returns: ``search_drain_task`` (beat, every minute) indexes whatever is
still marked, and the nightly ``search_reconcile_task`` compares everything. No task waits in the
broker for a retry, so the broker's visibility timeout can stay a few minutes long."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError, close_old_connections

logger = logging.getLogger("search.tasks")

# Retries only when the failure cannot even be recorded (the database is down): 30 s apart, about
# five minutes in all; the mark written with the change is there anyway.
RECORD_RETRIES = 10
RECORD_RETRY_SECONDS = 30


def _error_text(exc: BaseException) -> str:
    """A failure as stored and logged: its type and, for the index, its message (never a row)."""
    from .backends.base import SearchUnavailable

    if isinstance(exc, SearchUnavailable):
        return f"{type(exc).__name__}: {exc}"[:500]
    code = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    return f"{type(exc).__name__}" + (f" (SQLSTATE {code})" if code else "")


def _log_text(exc: BaseException) -> str:
    """A failure as a log line may show it: the type and what failed, never a document or a row (an
    index error can quote a field's value)."""
    cause = exc.__cause__
    head = str(exc).split(":", 1)[0][:120] if not isinstance(exc, DatabaseError) else ""
    return (
        type(exc).__name__ + (f" ({head})" if head else "") + (f" <- {type(cause).__name__}" if cause else "")
    )


def _deferred(task, case_ids: list[int], exc: BaseException) -> str:
    """Record a failed index write on the cases' marks and leave them to the drain."""
    from .sync import mark_dirty, note_failure

    error = _error_text(exc)
    if isinstance(exc, DatabaseError):
        close_old_connections()  # a connection the database dropped is opened again for the record
    try:
        if len(case_ids) == 1:
            mark_dirty(case_ids[0], error=error)
        else:
            note_failure(case_ids, error)
    except DatabaseError as db_exc:
        close_old_connections()
        if task.request.is_eager or task.request.retries >= RECORD_RETRIES:
            logger.error(
                "search index: %s case(s) not indexed and the failure not recorded (%s); "
                "their marks are left for the drain",
                len(case_ids),
                _log_text(db_exc),
            )
            return "deferred"
        logger.warning(
            "search index: %s case(s) not indexed (%s), database unavailable; retry in %ss",
            len(case_ids),
            _log_text(exc),
            RECORD_RETRY_SECONDS,
        )
        raise task.retry(countdown=RECORD_RETRY_SECONDS, max_retries=RECORD_RETRIES) from None
    logger.warning("search index: %s case(s) left for the drain (%s)", len(case_ids), _log_text(exc))
    return "deferred"


@shared_task(bind=True, acks_late=True, ignore_result=True)
def index_case_task(self, case_id: int) -> str:
    """Write the current state of one case to the search index (or remove it when the case is
    gone). Returns "indexed", "removed" or "deferred" (left marked for the drain)."""
    from .sync import index_one

    try:
        return index_one(case_id)
    except Exception as exc:
        return _deferred(self, [case_id], exc)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def index_cases_task(self, case_ids: list[int]) -> str:
    """Write many cases at once in one bulk request (the escalation sweep changes thousands of
    cases per run; one task per case would make it wait on the broker). The same failure rules as
    :func:`index_case_task`."""
    from .sync import index_many

    try:
        index_many(case_ids)
    except Exception as exc:
        return _deferred(self, list(case_ids), exc)
    return "indexed"


@shared_task(name="search.tasks.search_drain_task", ignore_result=True)
def search_drain_task() -> dict:
    """Every minute (beat): index the cases still marked in PendingIndex (their task was lost with
    the broker, or failed on the index or the database)."""
    from .sync import drain

    try:
        report = drain()
    except DatabaseError as exc:
        close_old_connections()
        logger.warning("search drain: database unavailable (%s); the next run tries again", _log_text(exc))
        return {"indexed": 0, "removed": 0, "cleared": 0, "error": type(exc).__name__}
    if report.error:
        logger.warning(
            "search drain: index unavailable (%s); %s cases indexed before it stopped",
            report.error.split(":", 1)[0][:120],
            report.indexed,
        )
    elif report.indexed or report.removed:
        logger.info("search drain: %s", report.as_dict())
    return report.as_dict()


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
            logger.error("search reconcile failed, index unavailable: %s", _log_text(exc))
            raise
        raise self.retry(exc=exc, countdown=300) from None
    logger.info("search reconcile: %s", report.summary())
    return report.as_dict()
