"""The head's reception session: who may preside (the head; a delegate only where the text in force
allowed it), the notice of conclusions, and its instructions as deadlines (R7) that the same sweep
warns about and escalates, that acceptance does not meet and the unit's report does."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import deadline_services, services
from cases.errors import PermissionDeniedError, ValidationError
from cases.escalation import escalation_sweep
from cases.models import Case, CaseEvent, Deadline, Escalation, Holiday, Role
from cases.reception import services as reception
from cases.reception.models import HeadSession, Instruction
from notifications.models import Notification
from tests.factories import UserFactory

from .conftest import at, complaint_visit


def plan(world, place, when, **kw):
    values = {
        "actor": world.user(Role.INTAKE),
        "authority": world.hn,
        "place": place,
        "starts_at": when,
        "presider": world.user(Role.HEAD_OF_AGENCY),
        "presider_title": "Chủ tịch UBND Thành phố",
    }
    values.update(kw)
    return reception.session_plan(**values)


def held_session_with_instruction(world, place, frozen, *, due=dt.date(2026, 11, 20)):
    """Thu 05/11/2026: the head receives a visitor whose complaint becomes a case, then instructs the
    Department of Construction to report by ``due``."""
    frozen(at(2026, 11, 5, 8))
    session = plan(world, place, at(2026, 11, 5, 8))
    frozen(at(2026, 11, 5, 11))
    visit = complaint_visit(world, place=place, session=session, received_at=at(2026, 11, 5, 8, 30))
    session = reception.session_conclude(
        session=session,
        actor=world.user(Role.HEAD_OF_AGENCY),
        conclusions="Giao Sở Xây dựng kiểm tra, báo cáo kết quả trước ngày 20/11/2026.",
        notice_number="125/TB-UBND",
        notice_date=dt.date(2026, 11, 5),
        attendees="Lãnh đạo Sở Xây dựng; Thanh tra Thành phố",
        recipients="Sở Xây dựng; Thanh tra Thành phố; công dân",
        instructions=[
            reception.InstructionInput(
                case=visit.case,
                unit=world.hn_sxd,
                content="Kiểm tra hồ sơ thu hồi đất, báo cáo kết quả và trả lời công dân.",
                due_date=due,
            )
        ],
    )
    return session, visit


def test_only_the_head_presides_and_delegation_follows_the_law_of_the_day(world, place, frozen):
    frozen(at(2026, 11, 2, 8))
    from cases.roles import membership_grant

    deputy = UserFactory(username="hn_deputy")  # a vice-chair: a leader of the city, not its head
    membership_grant(user=deputy, authority=world.hn, role=Role.HEAD_OF_UNIT)
    with pytest.raises(ValidationError) as exc:
        plan(world, place, at(2026, 11, 10, 8), presider=deputy)
    assert "người đứng đầu" in str(exc.value.field_errors["presider"][0])
    # authorised reception: allowed before 01/07/2026, not after (Law 136/2025)
    with pytest.raises(ValidationError) as exc:
        plan(world, place, at(2026, 11, 10, 8), presider=deputy, authorised=True)
    assert "không ủy quyền" in str(exc.value.field_errors["authorised"][0])
    old = plan(world, place, at(2026, 6, 10, 8), presider=deputy, authorised=True)
    assert old.authorised
    assert plan(world, place, at(2026, 11, 10, 8)).presider == world.user(Role.HEAD_OF_AGENCY)
    with pytest.raises(PermissionDeniedError):
        plan(world, place, at(2026, 11, 10, 8), actor=world.user(Role.AUDITOR))
    with pytest.raises(ValidationError):
        plan(world, place, at(2026, 11, 10, 8), kind="adhoc", adhoc_ground="")
    adhoc = plan(world, place, at(2026, 11, 11, 8), kind="adhoc", adhoc_ground="18-3-a")
    assert adhoc.kind == "adhoc"


def test_conclusions_open_tracked_deadlines_on_the_cases(world, place, frozen):
    session, visit = held_session_with_instruction(world, place, frozen)
    assert session.state == HeadSession.State.HELD and session.notice_number == "125/TB-UBND"
    instruction = Instruction.objects.get(session=session)
    deadline = instruction.deadline
    assert deadline.case == visit.case and deadline.rule_code == "R7" and deadline.state == "open"
    assert deadline.due_date == dt.date(2026, 11, 20) and deadline.limit_days == 15
    assert deadline.legal_basis_vi == "Nghị định 154/2026/NĐ-CP, Điều 25 khoản 2"
    case = Case.objects.get(pk=visit.case.pk)
    event = CaseEvent.objects.get(case=case, kind="case.instructed")
    assert event.data["unit"] == "HN-SXD" and event.data["due_date"] == "2026-11-20"
    # R1 (16/11) and K3 (16/11 at 7 working days from 05/11) come first; the instruction is among the open
    assert set(case.deadlines.filter(state="open").values_list("rule_code", flat=True)) == {"K3", "R1", "R7"}
    with pytest.raises(ValidationError):  # one notice per session
        reception.session_conclude(
            session=session,
            actor=world.user(Role.HEAD_OF_AGENCY),
            conclusions="x",
            notice_number="126/TB-UBND",
            notice_date=dt.date(2026, 11, 5),
        )


def test_a_due_date_on_a_weekend_moves_to_the_next_working_day(world, place, frozen):
    _session, visit = held_session_with_instruction(
        world, place, frozen, due=dt.date(2026, 11, 21)
    )  # Saturday
    deadline = Instruction.objects.get(case=visit.case).deadline
    assert deadline.due_date == dt.date(2026, 11, 23)  # Civil Code Art 148(5)


def test_instructions_only_on_open_cases_in_the_heads_tree(world, place, frozen):
    frozen(at(2026, 11, 5, 8))
    session = plan(world, place, at(2026, 11, 5, 8))
    frozen(at(2026, 11, 5, 11))
    other = complaint_visit(world, authority=world.hn, actor=world.user(Role.INTAKE)).case
    elsewhere = services.case_submit(
        kind="petition",
        subject="Phản ánh",
        description="Phản ánh tại Hải Phòng",
        parties=[services.PartyInput(full_name="A", address="Hải Phòng")],
        actor=world.user(Role.INTAKE, "hp"),
        authority=world.hp,
    ).case
    with pytest.raises(ValidationError) as exc:
        reception.session_conclude(
            session=session,
            actor=world.user(Role.HEAD_OF_AGENCY),
            conclusions="Chỉ đạo",
            notice_number="1/TB",
            notice_date=dt.date(2026, 11, 5),
            instructions=[
                reception.InstructionInput(elsewhere, world.hn_sxd, "Kiểm tra", dt.date(2026, 11, 20)),
                reception.InstructionInput(other, world.hp_sxd, "Kiểm tra", dt.date(2026, 11, 20)),
                reception.InstructionInput(other, world.hn_sxd, "Kiểm tra", dt.date(2026, 11, 5)),
            ],
        )
    errors = exc.value.field_errors
    assert {"instructions.0.case", "instructions.1.unit", "instructions.2.due_date"} <= set(errors)
    assert not Deadline.objects.filter(rule_code="R7").exists()
    assert HeadSession.objects.get(pk=session.pk).state == HeadSession.State.PLANNED


def test_the_sweep_warns_and_escalates_an_instruction(world, place, frozen):
    _session, visit = held_session_with_instruction(world, place, frozen)
    case = Case.objects.get(pk=visit.case.pk)
    # Acceptance answers K3 and R1 but not the head's instruction.
    frozen(at(2026, 11, 6, 9))
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    instruction = Instruction.objects.get(case=case)
    assert Deadline.objects.get(pk=instruction.deadline_id).state == "open"
    unit_head = world.user(Role.HEAD_OF_UNIT)  # head of unit of HN-SXD, the instructed unit
    sxd_staff = UserFactory(username="sxd_head2")
    from cases.roles import membership_grant

    membership_grant(user=sxd_staff, authority=world.hn_sxd, role=Role.HEAD_OF_AGENCY)
    # Wed 18/11: 2 working days before Fri 20/11 -> the warning of 3 working days
    frozen(at(2026, 11, 18, 9))
    report = escalation_sweep(now=at(2026, 11, 18, 9))
    steps = set(Escalation.objects.filter(deadline_id=instruction.deadline_id).values_list("step", flat=True))
    assert steps == {"warn-3"} and report.warnings >= 1
    warned = Notification.objects.filter(template="deadline.warning", case=case)
    assert {n.recipient_user_id for n in warned} >= {unit_head.pk}
    # Thu 26/11: 3 working days overdue (23, 25, 26; the test calendar has 24/11 off) -> levels 1
    # and 2 (the default ladder), one event per level
    frozen(at(2026, 11, 26, 9))
    escalation_sweep(now=at(2026, 11, 26, 9))
    steps = set(Escalation.objects.filter(deadline_id=instruction.deadline_id).values_list("step", flat=True))
    assert {"L1", "L2"} <= steps
    case.refresh_from_db()
    assert case.escalation_level == 2
    climbs = CaseEvent.objects.filter(case=case, kind="case.escalated").order_by("seq")
    assert [e.data["rule"] for e in climbs] == ["R7", "R7"]
    breached = Notification.objects.filter(template__in=["deadline.breached", "case.escalated"], case=case)
    recipients = {n.recipient_user_id for n in breached}
    assert unit_head.pk in recipients and sxd_staff.pk in recipients  # the instructed unit hears of it
    assert world.user(Role.HEAD_OF_AGENCY).pk in recipients  # and the head who instructed (level 2)
    # the sweep is idempotent
    escalation_sweep(now=at(2026, 11, 26, 9))
    assert Escalation.objects.filter(deadline_id=instruction.deadline_id).count() == len(steps)


def test_the_units_report_meets_the_instruction(world, place, frozen):
    _session, visit = held_session_with_instruction(world, place, frozen)
    instruction = Instruction.objects.get(case=visit.case)
    frozen(at(2026, 11, 24, 9))  # after the due date: met, but late
    with pytest.raises(PermissionDeniedError):
        reception.instruction_report(
            instruction=instruction, actor=world.user(Role.INSPECTOR, "hp"), report="x"
        )
    done = reception.instruction_report(
        instruction=instruction, actor=world.user(Role.HEAD_OF_UNIT), report="Đã kiểm tra, trả lời công dân."
    )
    deadline = Deadline.objects.get(pk=done.deadline_id)
    assert deadline.state == "met" and deadline.missed
    assert CaseEvent.objects.filter(case=visit.case, kind="case.instruction_reported").exists()
    with pytest.raises(ValidationError):
        reception.instruction_report(
            instruction=instruction, actor=world.user(Role.HEAD_OF_UNIT), report="again"
        )


def test_a_holiday_added_later_keeps_the_heads_limit(world, place, frozen):
    _session, visit = held_session_with_instruction(world, place, frozen, due=dt.date(2026, 11, 20))
    Holiday.objects.create(date=dt.date(2026, 11, 20), kind="holiday", name="Ngày nghỉ thử nghiệm")
    deadline_services.calendar_changed()
    deadline = Instruction.objects.get(case=visit.case).deadline
    deadline.refresh_from_db()
    # 15 calendar days as the head fixed them; the last day is now a day off: the next working day
    assert deadline.limit_days == 15 and deadline.due_date == dt.date(2026, 11, 23)
    assert deadline.original_due_date == dt.date(2026, 11, 20)


def test_withdrawal_ends_the_instruction_with_its_reason(world, place, frozen):
    _session, visit = held_session_with_instruction(world, place, frozen)
    frozen(at(2026, 11, 9, 9))
    services.case_withdraw(
        case=visit.case,
        actor=world.user(Role.INTAKE),
        statement="Tôi xin rút đơn khiếu nại.",
        evidence="signed_letter",
    )
    deadline = Instruction.objects.get(case=visit.case).deadline
    deadline.refresh_from_db()
    assert deadline.state == "ended" and deadline.end_reason == "withdrawn"


def _conclude(world, session):
    return reception.session_conclude(
        session=session,
        actor=world.user(Role.HEAD_OF_AGENCY),
        conclusions="Đã nghe công dân trình bày; giao cơ quan chuyên môn trả lời.",
        notice_number="130/TB-UBND",
        notice_date=timezone.localtime(session.starts_at).date(),
    )


def test_the_heads_minimum_days_count_the_days_held_in_person_in_the_period(world, place, frozen):
    """Law 42/2013 Art 12(5): the chair of a provincial People's Committee receives citizens at
    least one day a month; a session only planned, or one of another month, does not count (and
    from 01/07/2026 none may be delegated: ``rules.delegation_allowed``); counted by
    ``cases.reception.selectors.head_reception_compliance``."""
    from cases import rules
    from cases.reception.selectors import head_reception_compliance

    day = dt.date(2026, 11, 20)
    frozen(at(2026, 10, 28, 8))
    _conclude(world, plan(world, place, at(2026, 10, 28, 8)))  # October: another month
    frozen(at(2026, 11, 3, 8))
    plan(world, place, at(2026, 11, 12, 8))  # planned, not held
    before = head_reception_compliance(world.hn, day)
    assert before["held"] == 0 and not before["verdict"].allowed
    assert (before["start"], before["end"]) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert "Điều 12 khoản 5" in before["rule"]["legal_basis_vi"]
    frozen(at(2026, 11, 5, 8))
    _conclude(world, plan(world, place, at(2026, 11, 5, 8)))
    after = head_reception_compliance(world.hn, day)
    assert after["held"] == 1 and after["verdict"].allowed
    # The commune chair: one day a week until 30/06/2026, two days a month from 01/07/2026.
    assert rules.head_reception_minimum("commune", dt.date(2026, 6, 30))["per"] == "week"
    later = rules.head_reception_minimum("commune", dt.date(2026, 7, 1))
    assert (later["days"], later["per"]) == (2, "month")
