"""Every rule of the table is either opened by a step of the workflow or documented as computed on
demand; each scheduled rule is opened by the real services, the sweep warns before it ends and,
after it, escalates it (a limit the agency owes) or records that it ended (a citizen's window
lapses, a decision takes effect: nobody in the agency is late)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import deadlines as engine
from cases import services
from cases.deadline_services import working_calendar
from cases.delivery.services import delivery_record
from cases.errors import ValidationError
from cases.escalation import escalation_sweep
from cases.models import Case, CaseEvent, Deadline, Escalation, Role
from cases.verification.models import Dialogue
from notifications.models import Notification
from tests.cases.test_services import submit

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 10, 5, 9, tzinfo=ICT)  # a Monday, after the 1/7/2026 amendments
NOT_SCHEDULED = ("on demand", "no numeric limit", "not tracked here", "applied by the engine")


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_now(START)
    return set_now


def staff(world, role):
    return world.user(role)


def received(world, kind="complaint", **kw):
    return submit(world, kind=kind, received_at=START - dt.timedelta(hours=1), **kw).case


def accepted(world, kind="complaint", **kw):
    case = received(world, kind, **kw)
    services.case_accept(case=case, actor=staff(world, Role.INTAKE))
    return Case.objects.get(pk=case.pk)


def concluded(world, kind="complaint", outcome=None, **kw):
    case = accepted(world, kind, **kw)
    outcome = outcome or {"complaint": "wrong", "denunciation": "false"}[kind]
    services.case_conclude(
        case=case, actor=staff(world, Role.HEAD_OF_UNIT), outcome=outcome, summary="Kết quả"
    )
    return Case.objects.get(pk=case.pk)


def second_level(world, conclude=False, **kw):
    first = concluded(world, **kw)
    case = services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Không đồng ý với quyết định lần đầu"
    ).case
    services.case_accept(case=case, actor=staff(world, Role.HEAD_OF_AGENCY))
    if conclude:
        # The second-level dialogue was held (Law on Complaints Art 39; cases.verification).
        Dialogue.objects.create(
            case=case,
            when=START,
            place="Trụ sở",
            notice_sent_on=START.date(),
            status="held",
            result="Giữ nguyên",
        )
        services.case_conclude(
            case=case, actor=staff(world, Role.HEAD_OF_AGENCY), outcome="wrong", summary="Giữ nguyên"
        )
    return Case.objects.get(pk=case.pk)


def terminated_complaint(world):
    case = accepted(world)
    services.case_terminate(case=case, actor=staff(world, Role.HEAD_OF_UNIT), reason_code="KN-11a-death")
    return case


def suspended(world, kind, reason):
    case = accepted(world, kind)
    services.case_suspend(case=case, actor=staff(world, Role.HEAD_OF_UNIT), reason_code=reason)
    return case


def dialogue(world):
    case = accepted(world)
    inspector = staff(world, Role.INSPECTOR)
    services.case_assign(case=case, actor=staff(world, Role.HEAD_OF_UNIT), assignee=inspector)
    services.case_start_verification(case=case, actor=inspector, plan="Xác minh")
    services.case_schedule_dialogue(
        case=case, actor=inspector, when=START + dt.timedelta(days=15), place="Trụ sở"
    )
    return case


def resumed(world):
    case = suspended(world, "complaint", "KN-11a-related")
    Deadline.objects.filter(case=case, rule_code="K16").delete()  # the suspension's own notice
    services.case_resume(case=case, actor=staff(world, Role.HEAD_OF_UNIT), decision_number="2/QĐ-TTGQ")
    return case


def out_of_competence(world):
    case = received(world, "denunciation")
    services.case_classify(case=case, actor=staff(world, Role.INTAKE), out_of_competence=True)
    return case


def re_denunciation(world):
    first = concluded(world, "denunciation")
    return services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Tố cáo tiếp: kết luận không đúng"
    ).case


def follow_up_after_the_limit(world, clock):
    first = accepted(world, "denunciation")
    t4 = Deadline.objects.get(case=first, rule_code="T4")
    clock(dt.datetime.combine(t4.due_date + dt.timedelta(days=3), dt.time(9), tzinfo=ICT))
    return services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Quá hạn mà chưa được giải quyết"
    ).case


SCENARIOS = {
    "K2": lambda w, c: concluded(w, discipline=True),
    "K3": lambda w, c: received(w),
    "K4": lambda w, c: accepted(w),
    "K5": lambda w, c: second_level(w),
    "K6": lambda w, c: accepted(w, discipline=True),
    "K7": lambda w, c: concluded(w),
    "K8": lambda w, c: concluded(w),
    "K9": lambda w, c: second_level(w, conclude=True),
    "K10": lambda w, c: second_level(w, conclude=True),
    "K11": lambda w, c: concluded(w),
    "K13": lambda w, c: terminated_complaint(w),
    "K15": lambda w, c: dialogue(w),
    "K16": lambda w, c: resumed(w),
    "T1": lambda w, c: received(w, "denunciation"),
    "T2": lambda w, c: out_of_competence(w),
    "T3": lambda w, c: accepted(w, "denunciation"),
    "T4": lambda w, c: accepted(w, "denunciation"),
    "T5": lambda w, c: suspended(w, "denunciation", "TC-34-1-a"),
    "T6": lambda w, c: concluded(w, "denunciation"),
    "T7": lambda w, c: concluded(w, "denunciation"),
    "T8": lambda w, c: concluded(w, "denunciation"),
    "T9": lambda w, c: re_denunciation(w),
    "T10": follow_up_after_the_limit,
    "T11": lambda w, c: received(w, "denunciation", channel=Case.Channel.REFERRAL_PRESS),
    "R1": lambda w, c: received(w, "petition", channel=Case.Channel.IN_PERSON),
    "R2": lambda w, c: concluded(w, channel=Case.Channel.REFERRAL_DEPUTY),
    "R4": lambda w, c: received(w, "petition"),
}


def test_every_rule_is_scheduled_or_documented_as_on_demand():
    table = engine.load_rules()
    scheduled = set()
    for rule in table:
        assert rule.schedule, f"{rule.code} {rule.valid_from}: no schedule"
        if not rule.schedule.startswith(NOT_SCHEDULED):
            scheduled.add(rule.code)
    # R6 (a refusal's notice) and R7 (a head's instruction) are opened by the reception register;
    # tests/reception opens and sweeps them. T14 and T15 (a request to protect a denouncer) are
    # opened by cases.protection; tests/protection opens and sweeps them.
    assert scheduled - {"R6", "R7", "T14", "T15"} == set(SCENARIOS)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ICT)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_the_sweep_warns_before_and_acts_after(world, clock, code):
    case = SCENARIOS[code](world, clock)
    deadline = Deadline.objects.filter(case=case, rule_code=code).latest("pk")
    assert deadline.state == Deadline.State.OPEN
    rule = engine.load_rules().get(code, deadline.trigger_date)
    assert deadline.bearer == rule.bearer
    cal = working_calendar(engine.reading_for(deadline.bearer))
    warn_day = cal.previous_working_day(deadline.due_date)
    if _at(warn_day) > timezone.now():
        clock(_at(warn_day))
        escalation_sweep()
        steps = set(Escalation.objects.filter(deadline=deadline).values_list("step", flat=True))
        assert any(s.startswith("warn-") for s in steps), (code, steps)
    clock(_at(cal.next_working_day(deadline.due_date + dt.timedelta(days=1))))
    escalation_sweep()
    steps = set(Escalation.objects.filter(deadline=deadline).values_list("step", flat=True))
    deadline.refresh_from_db()
    if deadline.bearer == "agency":
        assert "L1" in steps, (code, steps)
        assert Case.objects.get(pk=deadline.case_id).escalation_level >= 1
    else:
        assert "lapsed" in steps and not any(s.startswith("L") for s in steps), (code, steps)
        if deadline.bearer == "event":
            assert deadline.state == Deadline.State.MET
            assert CaseEvent.objects.filter(case_id=deadline.case_id, kind="decision.effective").exists()
        else:
            assert (deadline.state, deadline.end_reason) == (Deadline.State.ENDED, "lapsed")
            assert CaseEvent.objects.filter(case_id=deadline.case_id, kind="deadline.lapsed").exists()
        assert Notification.objects.filter(case_id=deadline.case_id, template="deadline.lapsed").exists()
        assert escalation_sweep().notices == 0  # recorded once


def test_a_second_complaint_in_time_meets_the_window_and_supersedes_the_effect_date(world, clock):
    first = concluded(world)
    services.case_open_second_level(
        case=first, actor=staff(world, Role.INTAKE), description="Không đồng ý với quyết định lần đầu"
    )
    states = dict(Deadline.objects.filter(case=first).values_list("rule_code", "state"))
    assert states["K8"] == Deadline.State.MET and states["K11"] == Deadline.State.ENDED
    assert Deadline.objects.get(case=first, rule_code="K11").end_reason == "superseded"
    assert Deadline.objects.get(case=first, rule_code="K8").missed is False


def test_a_follow_up_before_the_limit_passed_is_refused(world, clock):
    first = accepted(world, "denunciation")
    with pytest.raises(ValidationError, match="Điều 38"):
        services.case_open_second_level(
            case=first, actor=staff(world, Role.INTAKE), description="Tố cáo tiếp"
        )
    assert not Case.objects.filter(previous_case=first).exists()


def test_the_citizens_windows_never_make_a_case_overdue(world, clock):
    case = concluded(world)
    head = staff(world, Role.HEAD_OF_UNIT)
    # K7 is met by the recorded dispatch of the decision (cases.delivery), never by closing.
    decision = services.attachment_add(
        case=case,
        actor=head,
        files=[
            services.FileInput(
                name="qd.pdf", content=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf", kind="decision"
            )
        ],
        visibility="complainant",
    )[0]
    decision.uploaded_at = timezone.now()  # the model's default reads the real clock, not the test's
    decision.save(update_fields=["uploaded_at"])
    delivery_record(
        case=case,
        actor=head,
        attachment=decision,
        recipient_kind="party",
        channel="email",
        party=case.parties.first(),
    )
    services.case_close(case=case, actor=head)
    case.refresh_from_db()
    # K7 was met by the sending; K8 (the complainant's) and K11 (the effect date) run on.
    assert set(Deadline.objects.filter(case=case, state="open").values_list("rule_code", flat=True)) == {
        "K8",
        "K11",
    }
    clock(START + dt.timedelta(days=60))
    assert case.next_due_at is None
    report = escalation_sweep()
    assert report.escalations == 0
    assert not Deadline.objects.filter(case=case, state="open").exists()
