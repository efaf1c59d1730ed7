"""Running the escalation sweep with a record of the run (the periodic task and the
``escalate_overdue`` command both come here)."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import SweepChunk, SweepRun

KEEP = 2000  # runs kept (about three weeks at one run every 15 minutes)


def sweep_run_record(*, report=None, started_at, seconds: float, error: str = "") -> SweepRun:
    run = SweepRun.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        seconds=round(seconds, 3),
        examined=getattr(report, "examined", 0),
        warnings=getattr(report, "warnings", 0),
        escalations=getattr(report, "escalations", 0),
        stalled=getattr(report, "stalled", 0),
        notices=getattr(report, "notices", 0),
        failed_chunks=getattr(report, "failed_chunks", 0),
        error=error[:200],
    )
    stale = SweepRun.objects.order_by("-started_at").values_list("pk", flat=True)[KEEP : KEEP + 500]
    if stale:
        SweepRun.objects.filter(pk__in=list(stale)).delete()
    return run


def escalation_sweep_recorded(**kwargs):
    """``cases.escalation.escalation_sweep`` with a ``SweepRun`` written after it (also when it
    raises: the error's type is recorded, never its message, which could quote a row)."""
    from cases.escalation import escalation_sweep

    started, clock = timezone.now(), time.monotonic()
    try:
        report = escalation_sweep(**kwargs)
    except Exception as exc:
        sweep_run_record(started_at=started, seconds=time.monotonic() - clock, error=type(exc).__name__)
        raise
    if not kwargs.get("dry_run"):
        sweep_run_record(report=report, started_at=started, seconds=time.monotonic() - clock)
    return report


def last_sweep() -> SweepRun | None:
    """The last sweep that finished (one spread over the workers finishes with its last chunk)."""
    return SweepRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


# --- the sweep spread over the workers (decision 0014) ----------------------------------------


def sweep_run_plan(
    *, now=None, chunk_size: int | None = None
) -> tuple[SweepRun, list[tuple[str, list[int]]]]:
    """Plan a sweep: its ``SweepRun`` (unfinished until its last chunk is recorded) and its chunks."""
    from cases.escalation import CHUNK_SIZE, sweep_context, sweep_plan

    started = timezone.now()
    run = sweep_context(now=now)
    chunks = sweep_plan(run, chunk_size or CHUNK_SIZE)
    record = SweepRun.objects.create(
        started_at=started, finished_at=None, seconds=0, chunks_total=len(chunks)
    )
    return record, chunks


def sweep_chunk_recorded(*, run_id: int, index: int, kind: str, case_ids: list[int], now) -> bool:
    """Run chunk ``index`` of sweep ``run_id`` once. Its ``SweepChunk`` row is written in the
    chunk's own transaction, so a chunk redelivered after it committed (its worker died before the
    acknowledgement) finds the row and does nothing, and one redelivered after a kill mid-chunk
    (rolled back) runs again from the start; the steps themselves are unique per (deadline, step).
    The chunk that completes the run writes its totals. Returns False when the chunk had run."""
    from cases.escalation import sweep_chunk_run, sweep_context

    if SweepChunk.objects.filter(run_id=run_id, index=index).exists():
        _sweep_run_finish(run_id)
        return False
    run = sweep_context(now=now)

    def record(report) -> None:
        SweepChunk.objects.bulk_create(
            [
                SweepChunk(
                    run_id=run_id,
                    index=index,
                    examined=report.examined,
                    warnings=report.warnings,
                    escalations=report.escalations,
                    stalled=report.stalled,
                    notices=report.notices,
                )
            ],
            ignore_conflicts=True,
        )

    sweep_chunk_run(run, kind, case_ids, record)
    if run.report.failed_chunks:
        SweepChunk.objects.bulk_create(
            [SweepChunk(run_id=run_id, index=index, examined=len(case_ids), failed=True)],
            ignore_conflicts=True,
        )
    _sweep_run_finish(run_id)
    return True


def _sweep_run_finish(run_id: int) -> None:
    """Count the run's chunks; the call that finds them all writes the run's totals, once."""
    with transaction.atomic():
        run = SweepRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.finished_at is not None:
            return
        totals = SweepChunk.objects.filter(run_id=run_id).aggregate(
            done=Count("pk"),
            examined=Sum("examined"),
            warnings=Sum("warnings"),
            escalations=Sum("escalations"),
            stalled=Sum("stalled"),
            notices=Sum("notices"),
            failed=Count("pk", filter=Q(failed=True)),
        )
        run.chunks_done = totals["done"]
        fields = ["chunks_done"]
        if run.chunks_done >= run.chunks_total:
            run.finished_at = timezone.now()
            run.seconds = round((run.finished_at - run.started_at).total_seconds(), 3)
            for name in ("examined", "warnings", "escalations", "stalled", "notices"):
                setattr(run, name, totals[name] or 0)
            run.failed_chunks = totals["failed"]
            fields += [
                "finished_at",
                "seconds",
                "examined",
                "warnings",
                "escalations",
                "stalled",
                "notices",
                "failed_chunks",
            ]
        run.save(update_fields=fields)
