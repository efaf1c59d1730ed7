"""Case services: the row, its history record, the CaseEvent and the queued side effects."""

import datetime as dt
import threading
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from cases import services
from cases.actors import SYSTEM, Citizen
from cases.delivery.services import delivery_record
from cases.errors import ConflictError, ConflictOfInterestError, PermissionDeniedError, ValidationError
from cases.events import chain_verify
from cases.models import Attachment, Case, CaseEvent, Deadline, Party, Role
from cases.selectors import case_get_for_tracking
from cases.verification import services as verification
from cases.workflow import InvalidTransition

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def PDF_FILE(name="bien-ban.pdf"):
    return services.FileInput(name=name, content=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=ICT)


def submit(world, kind="complaint", **kw):
    defaults = {
        "kind": kind,
        "subject": "Khiếu nại việc thu hồi đất",
        "description": "Tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.",
        "parties": [
            services.PartyInput(
                full_name="Trần Thị Bình",
                national_id="001199012345",
                address="12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
                phone="0987654321",
                email="binh.tran@example.vn",
            )
        ],
        "authority": world.hn_sxd,
        "contested_act": "Quyết định 12/QĐ-UBND ngày 01/03/2026" if kind == "complaint" else "",
    }
    defaults.update(kw)
    return services.case_submit(**{"actor": Citizen.filing(), **defaults})


def test_submit_writes_case_party_event_deadline_and_queues_index(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = submit(world, received_at=at(2026, 2, 12))  # Thursday before Tết 2026
    case = Case.objects.get(pk=result.case.pk)
    assert case.reference.startswith("HN-2026-")
    assert case.status == Case.Status.RECEIVED
    # One write of the case: one history record, holding the final state (the first event's head).
    assert case.history.count() == 1
    record = case.history.get()
    assert record.history_change_reason == "submitted"
    assert record.history_type == "+"
    assert case.event_count == 1 and case.event_head
    assert record.duplicate_suspected == case.duplicate_suspected
    assert record.next_due_at == case.next_due_at is not None
    assert record.version == case.version

    # Identity is encrypted at rest: the raw column holds no name.
    with connection.cursor() as cur:
        cur.execute("SELECT full_name, national_id FROM cases_party WHERE case_id = %s", [case.pk])
        raw_name, raw_id = cur.fetchone()
    assert "Bình" not in raw_name and raw_name.startswith("enc1:")
    assert "001199012345" not in raw_id
    assert Party.objects.get(case=case).full_name == "Trần Thị Bình"

    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.seq, event.visibility) == ("case.received", 1, "complainant")
    assert "Bình" not in str(event.data) and "001199012345" not in str(event.data)
    assert case.event_head == event.hash and case.event_count == 1

    # K3: 10 working days after Thu 12/02/2026: Fri 13, (Tết 16–20 off), 23–27/02, 02–05/03 -> 05/03/2026.
    k3 = Deadline.objects.get(case=case, rule_code="K3")
    assert k3.due_date == dt.date(2026, 3, 5)
    assert case.next_due_at == k3.due_at
    assert k3.history.count() == 1

    assert len(callbacks) >= 1  # the search index update, after commit
    assert case_get_for_tracking(case.reference, result.access_key) == case
    assert case_get_for_tracking(case.reference, "WRONG-KEY0-0000-0000") is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"description": ""}, "description"),
        ({"parties": []}, "parties"),
        ({"contested_act": ""}, "contested_act"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_bad_submission_is_refused_and_writes_nothing(world, changes, field):
    before = (
        Case.objects.count(),
        Party.objects.count(),
        CaseEvent.objects.count(),
        Deadline.objects.count(),
    )
    with pytest.raises(ValidationError) as exc:
        submit(world, **changes)
    assert any(key.startswith(field) for key in exc.value.field_errors)
    after = (Case.objects.count(), Party.objects.count(), CaseEvent.objects.count(), Deadline.objects.count())
    assert after == before


def test_denunciation_needs_an_address(world):
    with pytest.raises(ValidationError) as exc:
        submit(world, kind="denunciation", parties=[services.PartyInput(full_name="Lê Văn C")])
    assert "parties.0.address" in exc.value.field_errors


def test_group_complaint_needs_a_representative(world):
    people = [services.PartyInput(full_name=f"Người {i}", address="Hà Nội") for i in range(5)]
    with pytest.raises(ValidationError):
        submit(world, parties=people)
    people[0].is_representative = True
    result = submit(world, parties=people)
    assert result.case.parties.filter(is_representative=True).count() == 1


def test_full_complaint_lifecycle_with_deadlines(world):
    head, inspector = world.user(Role.HEAD_OF_UNIT), world.user(Role.INSPECTOR)
    case = submit(world, received_at=at(2026, 3, 2)).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    case.refresh_from_db()
    assert case.status == "accepted"
    assert Deadline.objects.get(case=case, rule_code="K3").state == Deadline.State.MET
    k4 = Deadline.objects.get(case=case, rule_code="K4")
    assert k4.limit_days == 30
    services.case_assign(case=case, actor=head, assignee=inspector, reason="Phân công xác minh")
    services.case_start_verification(case=case, actor=inspector, plan="Kiểm tra hồ sơ đất")
    verification.verification_record_add(
        case=case,
        actor=inspector,
        kind="minutes",
        date=timezone.localdate(),
        summary="Làm việc với UBND phường",
    )
    verification.verification_report_submit(
        case=case,
        actor=inspector,
        findings="Thu hồi đúng một phần",
        draft_summary="Dự thảo",
        findings_differ=True,
    )
    verification.verification_report_approve(case=case, actor=head)
    services.case_schedule_dialogue(
        case=case, actor=inspector, when=timezone.now() + dt.timedelta(days=7), place="Trụ sở Sở Xây dựng"
    )
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: real_now() + dt.timedelta(days=8)):
        verification.dialogue_record_minutes(
            case=case,
            actor=inspector,
            held_on=timezone.localdate(),
            participants="Người khiếu nại, đại diện UBND phường",
            result="Giữ nguyên yêu cầu",
            minutes=PDF_FILE(),
        )
        services.case_conclude(
            case=case,
            actor=head,
            outcome="partly_right",
            summary="Đúng một phần",
            decision_number="15/QĐ-SXD",
            decision_file=PDF_FILE("quyet-dinh.pdf"),
        )
        case.refresh_from_db()
        assert case.status == "decided" and case.outcome == "partly_right"
        assert Deadline.objects.get(case=case, rule_code="K4").state == Deadline.State.MET
        assert Deadline.objects.filter(case=case, rule_code="K7", state="open").exists()
        services.case_publish(case=case, actor=head, channel="Niêm yết tại trụ sở")
        with pytest.raises(ValidationError, match="Điều 32"):
            services.case_close(case=case, actor=head)  # not sent yet (K7)
        decision = Attachment.objects.get(case=case, kind="decision")
        delivery_record(
            case=case,
            actor=head,
            attachment=decision,
            recipient_kind="party",
            channel="email",
            party=case.parties.first(),
        )
        assert Deadline.objects.get(case=case, rule_code="K7").state == Deadline.State.MET
        services.case_close(case=case, actor=head)
    case.refresh_from_db()
    assert case.status == "closed" and case.next_due_at is None
    kinds = [
        k
        for k in CaseEvent.objects.filter(case=case).values_list("kind", flat=True)
        if k not in ("attachment.added",)
    ]
    assert kinds == [
        "case.received",
        "case.accepted",
        "case.assigned",
        "case.verification_started",
        "verification.recorded",
        "verification.report_submitted",
        "verification.report_approved",
        "case.dialogue_scheduled",
        "case.dialogue_held",
        "case.decided",
        "case.published",
        "delivery.sent",
        "case.closed",
    ]
    assert case.history.filter(history_change_reason="accepted").exists()
    assert chain_verify([case.pk]).ok


def test_forbidden_transition_raises_and_changes_nothing(world):
    case = submit(world).case
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(InvalidTransition):
        services.case_conclude(case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="right", summary="x")
    case.refresh_from_db()
    assert case.status == "received" and case.version == version
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_reject_needs_a_reason_of_the_right_kind(world):
    case = submit(world).case
    intake = world.user(Role.INTAKE)
    with pytest.raises(ValidationError):
        services.case_reject(case=case, actor=intake, reason_code="TC-29-1-a")  # a denunciation ground
    services.case_reject(case=case, actor=intake, reason_code="KN-11-6", reason_text="Quá 90 ngày")
    case.refresh_from_db()
    assert case.status == "rejected" and case.reason_code == "KN-11-6"
    event = CaseEvent.objects.get(case=case, kind="case.rejected")
    assert event.data["legal_basis"].startswith("Luật Khiếu nại 2011, Điều 11")


def test_denunciation_transferred_only_once(world):
    case = submit(world, kind="denunciation").case
    services.case_transfer(case=case, actor=world.user(Role.INTAKE), to_authority=world.hn_ward)
    case.refresh_from_db()
    assert case.status == "transferred" and case.transfer_count == 1 and case.transferred_to == world.hn_ward


@pytest.mark.parametrize(
    ("complexity", "allowed"),
    [("normal", 0), ("complex", 1), ("especially_complex", 2)],
)
def test_denunciation_extensions_follow_article_30(world, complexity, allowed):
    head = world.user(Role.HEAD_OF_UNIT)
    case = submit(world, kind="denunciation", received_at=at(2026, 3, 2)).case
    services.case_classify(case=case, actor=world.user(Role.INTAKE), complexity=complexity)
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    t4 = Deadline.objects.get(case=case, rule_code="T4")
    base_due = t4.due_date
    for n in range(allowed):
        services.case_extend(
            case=case,
            actor=head,
            days=30,
            decision_number=f"{n + 1}/QĐ-GH",
            justification="Cần xác minh tại nhiều địa điểm",
        )
    t4.refresh_from_db()
    assert t4.extensions == allowed
    assert t4.original_due_date == base_due
    if allowed:
        assert t4.due_date > base_due
    with pytest.raises(ValidationError):
        services.case_extend(case=case, actor=head, days=30, decision_number="9/QĐ-GH", justification="thêm")
    t4.refresh_from_db()
    assert t4.extensions == allowed


def test_complaints_cannot_be_extended(world):
    case = submit(world).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    with pytest.raises(ValidationError):
        services.case_extend(
            case=case, actor=world.user(Role.HEAD_OF_UNIT), days=10, decision_number="1", justification="x"
        )


def test_suspension_stops_the_clock_and_resume_moves_the_due_date(world, monkeypatch):
    head = world.user(Role.HEAD_OF_UNIT)

    def on(day):
        monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, day, 10))

    on(2)  # Monday 02/03/2026
    case = submit(world, kind="denunciation", received_at=at(2026, 3, 2, 8)).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    t4 = Deadline.objects.get(case=case, rule_code="T4")
    assert t4.due_date == dt.date(2026, 4, 1)  # 30 calendar days (Law on Denunciations Art 30)
    on(10)
    services.case_suspend(case=case, actor=head, reason_code="TC-34-1-b", reason_text="Chờ giám định")
    t4.refresh_from_db()
    case.refresh_from_db()
    assert t4.state == Deadline.State.PAUSED and case.status == "suspended"
    assert case.next_due_at is None or case.next_due_at != t4.due_at  # a paused clock is not "next due"
    on(20)
    services.case_resume(case=case, actor=head, decision_number="03/QĐ-TTGQ")
    t4.refresh_from_db()
    case.refresh_from_db()
    assert case.status == "accepted" and t4.state == Deadline.State.OPEN
    # 11/03..20/03 are not counted (Art 34(2)): 01/04 + 10 days = Sat 11/04 -> Mon 13/04 (Civil Code 148(5)).
    assert t4.paused_intervals == [["2026-03-11", "2026-03-20"]]
    assert (t4.original_due_date, t4.due_date) == (dt.date(2026, 4, 1), dt.date(2026, 4, 13))


def test_assignment_refuses_conflicts_of_interest(world):
    head = world.user(Role.HEAD_OF_UNIT)
    inspector = world.user(Role.INSPECTOR)
    # The denunciation accuses the Construction Department, where the inspector works. Its head is
    # in the accused unit too, so the city's head of agency assigns (cases.scope).
    case = submit(world, kind="denunciation", accused_authority=world.hn_sxd, accused_name="Ông X").case
    with pytest.raises(PermissionDeniedError):
        services.case_assign(case=case, actor=head, assignee=inspector)
    with pytest.raises(ConflictOfInterestError):
        services.case_assign(case=case, actor=world.user(Role.HEAD_OF_AGENCY), assignee=inspector)
    case2 = submit(world, kind="denunciation").case
    services.case_classify(case=case2, actor=head, accused_user=world.inspector2)
    with pytest.raises(ConflictOfInterestError):
        services.case_assign(case=case2, actor=head, assignee=world.inspector2)
    services.case_assign(case=case2, actor=head, assignee=inspector)
    case2.refresh_from_db()
    assert case2.assignee == inspector


def test_stale_version_is_a_conflict(world):
    case = submit(world).case
    stale = Case.objects.get(pk=case.pk).version
    services.case_classify(case=case, actor=world.user(Role.INTAKE), complexity="complex")
    with pytest.raises(ConflictError):
        services.case_accept(case=case, actor=world.user(Role.INTAKE), expected_version=stale)
    assert Case.objects.get(pk=case.pk).status == "received"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins(world):
    case = submit(world).case
    version = Case.objects.get(pk=case.pk).version
    intake = world.user(Role.INTAKE)
    results = []
    barrier = threading.Barrier(2)

    def accept():
        try:
            barrier.wait()
            services.case_accept(case=case, actor=intake, expected_version=version)
            results.append("ok")
        except (ConflictError, InvalidTransition) as exc:
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ConflictError", "ok"]
    assert CaseEvent.objects.filter(case=case, kind="case.accepted").count() == 1
    assert chain_verify([case.pk]).ok


def test_withdrawal_until_conclusion_only(world):
    head = world.user(Role.HEAD_OF_UNIT)
    case = submit(world).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    # Online, the citizen's click is the intent (Law on Complaints Art 10); the signed letter makes it.
    services.case_withdrawal_request(case=case, actor=Citizen.with_key(case.pk), statement="Tôi rút đơn")
    case.refresh_from_db()
    assert case.status == "accepted" and case.withdrawal_requested_at is not None
    assert CaseEvent.objects.get(case=case, kind="case.withdrawal_requested").actor_role == "citizen"
    with pytest.raises(ValidationError, match="Điều 10"):
        services.case_withdraw(case=case, actor=world.user(Role.INTAKE), statement="Tôi rút đơn")
    services.case_withdraw(
        case=case, actor=world.user(Role.INTAKE), statement="Tôi rút đơn", evidence="signed_letter"
    )
    case.refresh_from_db()
    assert case.status == "withdrawn" and case.withdrawal_requested_at is None

    decided = submit(world).case
    services.case_accept(case=decided, actor=world.user(Role.INTAKE))
    services.case_conclude(case=decided, actor=head, outcome="wrong", summary="Khiếu nại sai")
    with pytest.raises(ValidationError):
        services.case_withdrawal_request(case=decided, actor=Citizen.with_key(decided.pk))


def test_denunciation_withdrawal_can_be_overridden_under_article_33_3(world):
    case = submit(world, kind="denunciation").case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_withdraw(
        case=case,
        actor=world.user(Role.HEAD_OF_UNIT),
        statement="rút",
        continue_resolution=True,
        continue_reason="Có dấu hiệu bị đe dọa",
    )
    case.refresh_from_db()
    assert case.status == "accepted"


def test_second_level_complaint_is_linked_and_uses_k5(world):
    head = world.user(Role.HEAD_OF_UNIT)
    first = submit(world).case
    services.case_accept(case=first, actor=world.user(Role.INTAKE))
    services.case_conclude(case=first, actor=head, outcome="wrong", summary="Giữ nguyên quyết định")
    result = services.case_open_second_level(
        case=first, actor=world.user(Role.INTAKE), description="Không đồng ý với quyết định lần đầu"
    )
    second = result.case
    assert second.previous_case == first and second.complaint_level == "second"
    assert second.authority == world.hn  # the direct superior
    services.case_accept(case=second, actor=world.user(Role.HEAD_OF_AGENCY))
    assert Deadline.objects.get(case=second, rule_code="K5").limit_days == 45
    assert CaseEvent.objects.filter(case=first, kind="case.followed_up").exists()


def test_merge_duplicate(world):
    original = submit(world).case
    dup = submit(world).case
    assert Case.objects.get(pk=dup.pk).duplicate_suspected  # same ID number within 30 days
    services.case_merge_duplicate(case=dup, actor=world.user(Role.INTAKE), into=original)
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into == original
    assert CaseEvent.objects.filter(case=original, kind="case.duplicate_linked").exists()


def test_an_internal_level_three_escalation_does_not_start_the_article_38_deadline(world):
    """T10 (Law on Denunciations Art 38(1)-(2)) runs from the superior's receipt of the denouncer's
    follow-up after the resolution limit passed, not from the internal ladder reaching level 3."""
    case = submit(world, kind="denunciation").case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_escalate(case=case, actor=SYSTEM, level=3, reason="Quá hạn giải quyết")
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert not Deadline.objects.filter(case=case, rule_code="T10").exists()


def test_notes_are_internal_by_default(world):
    case = submit(world).case
    event = services.note_add(case=case, actor=world.user(Role.INTAKE), text="Đã gọi điện xác nhận")
    assert event.visibility == "internal"
    with pytest.raises(PermissionDeniedError):
        services.note_add(case=case, actor=world.user(Role.INTAKE, "hp"), text="không phải cơ quan mình")
