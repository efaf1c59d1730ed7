"""Running the escalation sweep with a record of the run (the periodic task and the
``escalate_overdue`` command both come here)."""

from __future__ import annotations

import time

from django.utils import timezone

from .models import SweepRun

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
    return SweepRun.objects.order_by("-started_at").first()
