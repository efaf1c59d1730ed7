"""The sweep spread over real Celery worker processes (decision 0013): the periodic task plans and
sends chunks; two workers share them; every due case climbs each rung exactly once, and the chunk
that completes the sweep records its result for the dashboard."""

import time

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, Escalation
from cases.monitoring.models import SweepChunk, SweepRun
from tests.cases.test_escalation import accepted_denunciation
from tests.conftest import start_celery_worker, stop_celery_worker


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


@pytest.mark.worker
def test_a_sweep_split_over_two_workers_escalates_each_due_case_once(world, celery_worker_process):
    from cases.tasks import escalation_sweep_task

    with pytest.MonkeyPatch.context() as mp:
        cases = [
            accepted_denunciation(world, lambda m: mp.setattr(timezone, "now", lambda: m)) for _ in range(4)
        ]
    second = start_celery_worker(name="second")
    try:
        # back on the real clock: every case's deadline (April 2026) is long past; one case a chunk
        planned = escalation_sweep_task.delay(chunk_size=1).get(timeout=60)
        assert planned["chunks"] >= 5  # four due cases, the windows
        run = SweepRun.objects.get(pk=planned["run"])
        assert wait_for(lambda: SweepRun.objects.get(pk=run.pk).finished_at is not None), (
            "sweep never finished"
        )
    finally:
        stop_celery_worker(second)
    run.refresh_from_db()
    assert run.chunks_done == run.chunks_total == planned["chunks"]
    assert SweepChunk.objects.filter(run=run).count() == run.chunks_total
    assert run.failed_chunks == 0 and run.escalations == 3 * len(cases)
    for case in cases:
        assert Case.objects.get(pk=case.pk).escalation_level == 3
        assert CaseEvent.objects.filter(case=case, kind="case.escalated").count() == 3
        assert Escalation.objects.filter(case=case, step__startswith="L").count() == 3

    # A second sweep finds every step taken: nothing again.
    again = escalation_sweep_task.delay(chunk_size=1).get(timeout=60)
    assert wait_for(lambda: SweepRun.objects.get(pk=again["run"]).finished_at is not None)
    assert SweepRun.objects.get(pk=again["run"]).escalations == 0
    assert CaseEvent.objects.filter(case__in=cases, kind="case.escalated").count() == 3 * len(cases)
