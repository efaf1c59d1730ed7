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
def escalation_sweep_task() -> dict:
    """Every 15 minutes (config/settings/base.py CELERY_BEAT_SCHEDULE): warn, escalate, flag stalled."""
    from cases.monitoring.services import escalation_sweep_recorded

    report = escalation_sweep_recorded()
    return {
        "examined": report.examined,
        "warnings": report.warnings,
        "escalations": report.escalations,
        "stalled": report.stalled,
        "notices": report.notices,
        "failed_chunks": report.failed_chunks,
    }
