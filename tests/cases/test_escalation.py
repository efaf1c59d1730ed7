"""The escalation sweep: warnings before a breach, the ladder after it, stalled cases, idempotence
(also under two concurrent sweeps), and the periodic task on a real Celery worker."""

import datetime as dt
import io
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from cases import deadline_services, services
from cases.escalation import escalation_sweep
from cases.events import chain_verify
from cases.models import Case, CaseEvent, Deadline, Escalation, EscalationPolicy, Role
from notifications.models import Notification
from tests.cases.test_services import submit

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=ICT)


@pytest.fixture
def frozen(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def accepted_denunciation(world, frozen):
    """A denunciation accepted on Mon 02/03/2026 and assigned: T4 due Wed 01/04/2026, T3 due 09/03."""
    frozen(at(2026, 3, 2, 9))
    case = submit(world, kind="denunciation", received_at=at(2026, 3, 2, 8)).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_assign(case=case, actor=world.user(Role.HEAD_OF_UNIT), assignee=world.user(Role.INSPECTOR))
    # the notices (T3) went out, so the resolution deadline (T4) is what the sweep sees
    with transaction.atomic():
        case = Case.objects.get(pk=case.pk)
        deadline_services.deadlines_complete(case, ["T3"])
        deadline_services.case_refresh_next_due(case)
        case.save(update_fields=["next_due_at"])
    return Case.objects.get(pk=case.pk)


def staff_notes(template, user=None):
    qs = Notification.objects.filter(template=template)
    return qs.filter(recipient_user=user) if user else qs


def test_warnings_before_breach_go_to_the_assignee_once(world, frozen):
    case = accepted_denunciation(world, frozen)
    assert case.next_due_at.astimezone(ICT).date() == dt.date(2026, 4, 1)
    inspector = world.user(Role.INSPECTOR)
    # Fri 27/03: 3 working days left (30, 31, 01) -> warn-3
    frozen(at(2026, 3, 27))
    report = escalation_sweep()
    assert report.warnings == 1
    assert Escalation.objects.filter(case=case, step="warn-3").exists()
    assert staff_notes("deadline.warning", inspector).count() == 2  # in-app + email
    assert escalation_sweep().warnings == 0  # idempotent
    # Tue 31/03: 1 working day left -> warn-1
    frozen(at(2026, 3, 31))
    assert escalation_sweep().warnings == 1
    assert staff_notes("deadline.warning", inspector).count() == 4
    assert Case.objects.get(pk=case.pk).escalation_level == 0


def test_breach_climbs_the_ladder_with_events_and_history(world, frozen):
    case = accepted_denunciation(world, frozen)
    head_unit, director = world.user(Role.HEAD_OF_UNIT), world.user(Role.HEAD_OF_AGENCY)
    frozen(at(2026, 4, 2))  # one working day late
    report = escalation_sweep()
    case.refresh_from_db()
    assert report.escalations == 1 and case.escalation_level == 1
    assert staff_notes("deadline.breached", head_unit).exists()
    event = CaseEvent.objects.filter(case=case, kind="case.escalated").get()
    assert event.data["to"] == 1 and event.data["rule"] == "T4"
    assert case.history.filter(history_change_reason="escalated to level 1").exists()
    assert escalation_sweep().escalations == 0

    frozen(at(2026, 4, 6))  # Thu 02, Fri 03, Mon 06 -> 3 working days late: level 2 (default)
    escalation_sweep()
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert staff_notes("case.escalated", director).exists()

    frozen(at(2026, 4, 14))  # 8+ working days late -> level 3: the superior authority is told
    escalation_sweep()
    case.refresh_from_db()
    assert case.escalation_level == 3
    # The Art 38 report deadline (T10) starts from the denouncer's follow-up, not from the ladder.
    assert not Deadline.objects.filter(case=case, rule_code="T10").exists()
    assert Escalation.objects.filter(case=case).values_list("step", flat=True).distinct().count() == 3
    assert chain_verify([case.pk]).ok
    # escalation is not handling: it does not reset the case's activity clock
    assert case.last_activity_at < at(2026, 4, 2)


def test_ladder_is_configurable_per_authority(world, frozen):
    EscalationPolicy.objects.create(authority=world.hn_sxd, warn_leads=[5], level2_after=1, level3_after=1)
    case = accepted_denunciation(world, frozen)
    frozen(at(2026, 3, 25))  # 5 working days before 01/04
    assert escalation_sweep().warnings == 1
    assert Escalation.objects.filter(case=case, step="warn-5").exists()
    frozen(at(2026, 4, 2))  # 1 working day late: level 2 already under this policy
    escalation_sweep()
    assert Case.objects.get(pk=case.pk).escalation_level == 2


def test_a_suspended_case_escalates_only_its_suspension_decision(world, frozen):
    """The resolution clock stops (Law on Denunciations Art 34(2)); the suspension decision must
    still go out within 5 working days (Art 34(4), T5)."""
    case = accepted_denunciation(world, frozen)
    frozen(at(2026, 3, 10))
    services.case_suspend(case=case, actor=world.user(Role.HEAD_OF_UNIT), reason_code="TC-34-1-b")
    frozen(at(2026, 5, 4))
    escalation_sweep()
    climbed = set(Escalation.objects.filter(case=case).values_list("deadline__rule_code", flat=True))
    assert climbed == {"T5"}
    assert Deadline.objects.get(case=case, rule_code="T4").state == Deadline.State.PAUSED


def test_dry_run_changes_nothing(world, frozen):
    case = accepted_denunciation(world, frozen)
    frozen(at(2026, 4, 14))
    out = io.StringIO()
    call_command("escalate_overdue", "--dry-run", stdout=out)
    assert "would:" in out.getvalue() and case.reference in out.getvalue()
    assert (
        not Escalation.objects.exists()
        and not Notification.objects.filter(template="case.escalated").exists()
    )
    call_command("escalate_overdue", "--now", "2026-04-14T10:00:00+07:00", stdout=io.StringIO())
    assert Case.objects.get(pk=case.pk).escalation_level == 3


def test_stalled_cases_are_flagged_once_and_their_handler_told(world, frozen):
    case = accepted_denunciation(world, frozen)
    frozen(at(2026, 3, 3))
    services.case_start_verification(case=case, actor=world.user(Role.INSPECTOR))
    frozen(at(2026, 3, 31, 9))  # 20 working days after 03/03 with no handling
    report = escalation_sweep()
    case.refresh_from_db()
    assert report.stalled == 1 and case.stalled_since is not None
    assert staff_notes("case.stalled", world.user(Role.INSPECTOR)).exists()
    assert escalation_sweep().stalled == 0
    services.note_add(case=case, actor=world.user(Role.INSPECTOR), text="Đã làm việc với người bị tố cáo")
    assert Case.objects.get(pk=case.pk).stalled_since is None  # handling clears the flag


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_escalate_and_notify_once(world, monkeypatch):
    frozen_now = at(2026, 3, 2, 9)
    monkeypatch.setattr(timezone, "now", lambda: frozen_now)
    case = accepted_denunciation(world, lambda m: monkeypatch.setattr(timezone, "now", lambda: m))
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 14))
    errors = []
    barrier = threading.Barrier(2)

    def sweep():
        try:
            barrier.wait()
            escalation_sweep()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Case.objects.get(pk=case.pk).escalation_level == 3
    assert CaseEvent.objects.filter(case=case, kind="case.escalated").count() == 3
    keys = list(Notification.objects.filter(case=case).values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) and len(keys) > 0
    assert chain_verify([case.pk]).ok


@pytest.mark.worker
def test_periodic_sweep_on_a_real_worker_escalates_and_sends(world, celery_worker_process):
    from cases.tasks import escalation_sweep_task

    with pytest.MonkeyPatch.context() as mp:
        case = accepted_denunciation(world, lambda m: mp.setattr(timezone, "now", lambda: m))
    # back on the real clock: the case's deadline (April 2026) is long past
    result = escalation_sweep_task.delay().get(timeout=90)
    from cases.monitoring.models import SweepRun

    deadline = timezone.now() + dt.timedelta(seconds=60)
    while timezone.now() < deadline and SweepRun.objects.get(pk=result["run"]).finished_at is None:
        import time

        time.sleep(0.25)
    assert SweepRun.objects.get(pk=result["run"]).escalations >= 1
    case.refresh_from_db()
    assert case.escalation_level == 3
    # the outbox rows were written by the worker and sent by the worker's send task
    rows = Notification.objects.filter(case=case, template__in=["deadline.breached", "case.escalated"])
    assert rows.exists()
    deadline = timezone.now() + dt.timedelta(seconds=60)
    while timezone.now() < deadline and rows.exclude(status="sent").exists():
        import time

        time.sleep(0.5)
    assert not rows.exclude(status="sent").exists(), list(rows.values_list("status", "last_error"))


def test_a_sweep_in_chunks_writes_events_history_index_and_messages_in_bulk(
    world, frozen, django_capture_on_commit_callbacks
):
    """Several due cases, swept two at a time: each climbs once per level (two levels at once for
    the later ones), its event chain holds, one history record per case per sweep, the search index
    follows after commit, and a second sweep adds nothing."""
    from search.backends import get_backend

    complaints = []
    for day in (2, 3, 4, 5, 6):
        frozen(at(2026, 3, day, 9))
        case = submit(
            world, received_at=at(2026, 3, day, 8), subject=f"Khiếu nại số {day} của Trần Thị Bình"
        ).case
        complaints.append(case)
    late = accepted_denunciation(world, frozen)  # T4 due 01/04
    frozen(at(2026, 4, 6))  # complaints: K3 acceptance long overdue (level 2); denunciation 3 wd late
    get_backend().bulk_index(Case.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        report = escalation_sweep(chunk_size=2)
    cases = [Case.objects.get(pk=c.pk) for c in [*complaints, late]]
    # K3 (acceptance, 10 working days) ended 16-20/03: 11+ working days late, the whole ladder;
    # the denunciation's T4 ended 01/04: 3 working days late, level 2.
    expected = {c.pk: [1, 2, 3] for c in complaints} | {late.pk: [1, 2]}
    assert report.examined == 6 and report.escalations == 5 * 3 + 2
    for case in cases:
        levels = list(
            CaseEvent.objects.filter(case=case, kind="case.escalated")
            .order_by("seq")
            .values_list("data__to", flat=True)
        )
        assert levels == expected[case.pk]
        assert case.escalation_level == levels[-1]
        assert case.history.filter(history_change_reason=f"escalated to level {levels[-1]}").count() == 1
        assert case.last_activity_at < at(2026, 4, 2)  # the sweep is not handling
    assert chain_verify([c.pk for c in cases]).ok
    assert get_backend().check().total == 0, "the index did not follow the escalations"
    head_unit, director = world.user(Role.HEAD_OF_UNIT), world.user(Role.HEAD_OF_AGENCY)
    assert staff_notes("deadline.breached", head_unit).count() == 2 * 6  # in-app + e-mail per case
    assert staff_notes("case.escalated", director).count() == 2 * 6
    # the subject quotes the complainant's name: no message carries it
    contexts = Notification.objects.filter(template__in=["deadline.breached", "case.escalated"])
    assert not [n for n in contexts if "Bình" in str(n.context) or "Binh" in str(n.context)]
    assert set(contexts.values_list("status", flat=True)) == {"sent"}
    before = (CaseEvent.objects.count(), Notification.objects.count(), Escalation.objects.count())
    again = escalation_sweep(chunk_size=2)
    assert again.escalations == 0 and again.notices == 0
    assert (CaseEvent.objects.count(), Notification.objects.count(), Escalation.objects.count()) == before


def test_two_breached_deadlines_of_one_case_climb_once(world, frozen):
    case = accepted_denunciation(world, frozen)
    frozen(at(2026, 4, 2))
    with transaction.atomic():  # a second open deadline, also one working day late
        deadline_services.deadlines_start(Case.objects.get(pk=case.pk), ["T10"], trigger=dt.date(2026, 3, 25))
    report = escalation_sweep()
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert CaseEvent.objects.filter(case=case, kind="case.escalated").count() == 1
    # each deadline's breach is still reported to the head of unit
    assert report.escalations == 2
    assert Escalation.objects.filter(case=case, step="L1").count() == 2
    assert chain_verify([case.pk]).ok


def test_dry_run_lists_only_what_the_sweep_would_still_do(world, frozen):
    case = accepted_denunciation(world, frozen)
    frozen(at(2026, 4, 6))
    planned = escalation_sweep(dry_run=True).planned
    assert [p for p in planned if " T4 " in p] == [f"{case.reference} T4 L1", f"{case.reference} T4 L2"]
    assert not Escalation.objects.exists()
    escalation_sweep()
    assert escalation_sweep(dry_run=True).planned == []


def test_stalled_cases_are_flagged_in_bulk_with_events_and_history(world, frozen, monkeypatch):
    from cases import escalation

    monkeypatch.setattr(escalation, "CHUNK_SIZE", 2)
    cases = []
    for day in (2, 3, 4):
        frozen(at(2026, 3, day, 9))
        cases.append(submit(world, received_at=at(2026, 3, day, 8)).case)
    frozen(at(2026, 5, 4, 9))  # received, then nothing for 20+ working days
    report = escalation_sweep()
    assert report.stalled == 3
    head = world.user(Role.HEAD_OF_UNIT)
    for case in cases:
        case.refresh_from_db()
        assert case.stalled_since is not None
        event = CaseEvent.objects.get(case=case, kind="case.stalled")
        assert event.data["threshold"] == 10 and event.data["working_days_without_activity"] >= 10
        assert case.history.filter(history_change_reason="stalled").count() == 1
        assert staff_notes("case.stalled", head).filter(case=case).count() == 2
    assert chain_verify([c.pk for c in cases]).ok
    again = escalation_sweep()
    assert again.stalled == 0
    assert CaseEvent.objects.filter(kind="case.stalled").count() == 3


def test_a_failing_chunk_is_rolled_back_and_the_sweep_goes_on(world, frozen, monkeypatch, caplog):
    from cases import escalation

    first = accepted_denunciation(world, frozen)
    second = accepted_denunciation(world, frozen)
    frozen(at(2026, 4, 2))
    original = services.case_escalate_many

    def fail_for_first(*, climbs, locked, **kwargs):
        changed = original(climbs=climbs, locked=locked, **kwargs)
        if first.pk in locked:
            raise RuntimeError("injected failure")
        return changed

    monkeypatch.setattr(escalation.services, "case_escalate_many", fail_for_first)
    report = escalation_sweep(chunk_size=1)
    assert report.failed_chunks == 1 and report.escalations == 1
    logged = [r.getMessage() for r in caplog.records if "chunk of cases" in r.getMessage()]
    assert logged and "RuntimeError" in logged[0] and "injected failure" not in logged[0]
    assert not Escalation.objects.filter(case=first).exists()  # rolled back, tried again next time
    assert not CaseEvent.objects.filter(case=first, kind="case.escalated").exists()
    assert Case.objects.get(pk=first.pk).escalation_level == 0
    assert Case.objects.get(pk=second.pk).escalation_level == 1
    with pytest.raises(CommandError, match="1 chunk"):
        call_command("escalate_overdue", "--now", "2026-04-02T10:00:00+07:00", stdout=io.StringIO())
    monkeypatch.setattr(escalation.services, "case_escalate_many", original)
    assert escalation_sweep().escalations == 1
    assert chain_verify([first.pk, second.pk]).ok


def test_copy_insert_reports_a_duplicate_key_as_an_integrity_error(world):
    from django.db import IntegrityError

    from config.bulk import copy_insert

    def row():
        user = world.user(Role.INSPECTOR)
        return Notification(recipient_user=user, channel="inapp", template="case.stalled", dedupe_key="k")

    copy_insert(Notification, [row()])
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_insert(Notification, [row()])
    assert Notification.objects.filter(dedupe_key="k").count() == 1
