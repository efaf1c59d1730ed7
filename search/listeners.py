"""The search side of the domain's ports (``cases.effects`` and ``cases.text_search``), registered
in ``SearchConfig.ready()``.

Inside the change's transaction the changed cases are marked in ``PendingIndex`` (committed or rolled
back with the change: the durable record). After the commit they are queued for indexing: one
``index_case_task`` for one case, one ``index_cases_task`` for many (a sweep chunk). Publishing never
waits for a broker that is down (``config.celery.publish``): the request goes on, one line is logged,
and ``search_drain_task`` indexes the marked cases within a minute."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from cases.effects import Change
from cases.text_search import TextSearchUnavailable

logger = logging.getLogger("search.listeners")


def on_case_changed(change: Change) -> None:
    if change.reindex and change.case_ids:
        from .sync import mark_pending

        mark_pending(change.case_ids)
        transaction.on_commit(partial(enqueue_index, list(change.case_ids)))


def enqueue_index(case_ids: list[int]) -> None:
    from config.celery import publish

    from .tasks import index_case_task, index_cases_task

    try:
        if len(case_ids) == 1:
            publish(index_case_task, case_id=case_ids[0])
        else:
            publish(index_cases_task, case_ids=case_ids)
    except Exception as exc:
        logger.warning(
            "search index update for %s case(s) not queued (%s); the drain will index them",
            len(case_ids),
            type(exc).__name__,
        )


def text_search(text: str, limit: int) -> list[int]:
    from .backends import get_backend
    from .backends.base import SearchUnavailable

    try:
        return get_backend().search(text, limit=limit)
    except SearchUnavailable as exc:
        raise TextSearchUnavailable(str(exc)) from exc
