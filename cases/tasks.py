"""Celery tasks of the case domain: thin wrappers that call one service each."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="cases.tasks.event_chain_verify_task")
def event_chain_verify_task() -> dict:
    """Nightly: recompute every event chain; a broken chain is logged as an error for the operators."""
    from cases.events import chain_verify

    report = chain_verify()
    if not report.ok:
        logger.error("event chain verification failed: %s", "; ".join(report.problems[:20]))
    return {"cases": report.cases_checked, "events": report.events_checked, "problems": len(report.problems)}


@shared_task(name="cases.tasks.event_checkpoint_task")
def event_checkpoint_task() -> dict:
    """Nightly: sign yesterday's state of every event chain (cases.audit.checkpoints) and export it
    to EVENT_CHECKPOINT_EXPORT_DIR for the superior agency. Idempotent: an existing day is left."""
    import datetime as dt
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from cases.audit import checkpoints
    from cases.audit.models import EventCheckpoint

    day = timezone.localdate() - dt.timedelta(days=1)
    if EventCheckpoint.objects.filter(day=day).exists():
        return {"day": day.isoformat(), "created": False}
    checkpoint, _path = checkpoints.checkpoint_create(
        day=day, export_dir=Path(settings.EVENT_CHECKPOINT_EXPORT_DIR)
    )
    return {"day": day.isoformat(), "created": True, "cases": checkpoint.case_count, "root": checkpoint.root}


@shared_task(name="cases.tasks.escalation_sweep_task", acks_late=True)
def escalation_sweep_task(chunk_size: int | None = None) -> dict:
    """Every 15 minutes (config/settings/base.py CELERY_BEAT_SCHEDULE): plan the sweep and send its
    chunks as tasks, so every worker takes a share (decision 0014). It does not wait for them: the
    chunk that completes the sweep records its result (``SweepRun``) for the dashboard. In eager
    mode (``make run``) the chunks run here, one after the other."""
    from django.db import transaction

    from cases.monitoring.services import sweep_run_plan

    with transaction.atomic():
        run, chunks = sweep_run_plan(chunk_size=chunk_size)
    now = run.started_at.isoformat()
    for index, (kind, ids) in enumerate(chunks):
        escalation_sweep_chunk_task.apply_async(
            kwargs={"run_id": run.pk, "index": index, "kind": kind, "case_ids": ids, "now": now}
        )
    return {"run": run.pk, "chunks": len(chunks)}


@shared_task(name="cases.tasks.escalation_sweep_chunk_task", acks_late=True, ignore_result=True)
def escalation_sweep_chunk_task(*, run_id: int, index: int, kind: str, case_ids: list[int], now: str) -> bool:
    """One chunk of a sweep, once (``cases.monitoring.services.sweep_chunk_recorded``)."""
    import datetime as dt

    from cases.monitoring.services import sweep_chunk_recorded

    return sweep_chunk_recorded(
        run_id=run_id, index=index, kind=kind, case_ids=case_ids, now=dt.datetime.fromisoformat(now)
    )
