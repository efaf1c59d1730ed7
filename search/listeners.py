"""The search side of the domain's ports (``cases.effects`` and ``cases.text_search``), registered
in ``SearchConfig.ready()``.

After a change commits, the changed cases are queued for indexing: one ``index_case_task`` for one
case, one ``index_cases_task`` for many (a sweep chunk). A broker that cannot take the task must not
undo a committed change, so a failed publish marks the cases dirty (``PendingIndex``), which the
drain and the nightly reconcile pick up."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from cases.effects import Change
from cases.text_search import TextSearchUnavailable

logger = logging.getLogger("search.listeners")


def on_case_changed(change: Change) -> None:
    if change.reindex and change.case_ids:
        transaction.on_commit(partial(enqueue_index, list(change.case_ids)))


def enqueue_index(case_ids: list[int]) -> None:
    from .sync import mark_dirty
    from .tasks import index_case_task, index_cases_task

    try:
        if len(case_ids) == 1:
            index_case_task.delay(case_id=case_ids[0])
        else:
            index_cases_task.delay(case_ids=case_ids)
    except Exception as exc:
        logger.warning(
            "search index update for %s case(s) not queued (%s); they are marked for the drain",
            len(case_ids),
            type(exc).__name__,
        )
        for case_id in case_ids:
            mark_dirty(case_id, error=f"enqueue failed: {type(exc).__name__}")


def text_search(text: str, limit: int) -> list[int]:
    from .backends import get_backend
    from .backends.base import SearchUnavailable

    try:
        return get_backend().search(text, limit=limit)
    except SearchUnavailable as exc:
        raise TextSearchUnavailable(str(exc)) from exc
