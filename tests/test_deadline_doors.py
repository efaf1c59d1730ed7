"""Deadlines at every door: the discipline track (service, web intake, API, receipt), ended
deadlines (tracking, workspace, on-time figures), provisional dates naming the unconfirmed day
(workspace, tracking, receipt, the administrators' warning), and the citizen texts that come from
the rule table (the guide, the legal bases, the late-complaint limit)."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from cases import deadlines as engine
from cases import reporting, rules, services
from cases.models import Case, Deadline, Holiday, Role
from cases.reasons import REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS
from cases.roles import ensure_role_groups
from tests.cases.test_services import at, submit
from tests.publicsite.conftest import Citizen as WebCitizen
from tests.publicsite.conftest import api_submit, complaint_payload

pytestmark = pytest.mark.django_db
DOUBT = re.compile(r"chưa xác minh|chưa xác nhận|unverified|unconfirmed|\?|\[U\]|\[S\]", re.IGNORECASE)


@pytest.fixture(autouse=True)
def groups(db):
    ensure_role_groups()


def test_a_discipline_complaint_gets_k6_at_both_levels_and_k2_as_its_window(world):
    head = world.user(Role.HEAD_OF_UNIT)
    first = submit(world, discipline=True, received_at=at(2026, 10, 5)).case
    assert first.discipline and not first.dismissal
    services.case_accept(case=first, actor=world.user(Role.INTAKE))
    k6 = Deadline.objects.get(case=first, rule_code="K6")
    assert (k6.limit_days, k6.legal_basis_vi) == (30, "Luật Khiếu nại số 02/2011/QH13, Điều 50")
    assert not Deadline.objects.filter(case=first, rule_code__in=["K4", "K5"]).exists()
    services.case_conclude(case=first, actor=head, outcome="wrong", summary="Giữ nguyên kỷ luật")
    window = Deadline.objects.get(case=first, rule_code="K2")
    assert (window.bearer, window.limit_days) == ("citizen", 10)  # 10 days for the second complaint
    assert not Deadline.objects.filter(case=first, rule_code="K8").exists()

    second = services.case_open_second_level(
        case=first, actor=world.user(Role.INTAKE), description="Không đồng ý"
    ).case
    assert second.discipline and second.complaint_level == "second"
    services.case_accept(case=second, actor=world.user(Role.HEAD_OF_AGENCY))
    assert Deadline.objects.get(case=second, rule_code="K6").limit_days == 30
    assert not Deadline.objects.filter(case=second, rule_code="K5").exists()
    assert Deadline.objects.get(case=first, rule_code="K2").state == Deadline.State.MET


def test_a_dismissal_gives_thirty_days_for_the_second_complaint(world):
    case = submit(world, discipline=True, dismissal=True).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_conclude(
        case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="wrong", summary="Giữ nguyên"
    )
    assert Deadline.objects.get(case=case, rule_code="K2").limit_days == 30


def test_classifying_a_complaint_as_discipline_after_acceptance_swaps_the_limit(world):
    case = submit(world, received_at=at(2026, 10, 5)).case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    k4 = Deadline.objects.get(case=case, rule_code="K4")
    services.case_classify(case=case, actor=world.user(Role.HEAD_OF_UNIT), discipline=True)
    k4.refresh_from_db()
    assert (k4.state, k4.end_reason) == (Deadline.State.ENDED, "superseded")
    k6 = Deadline.objects.get(case=case, rule_code="K6")
    assert k6.trigger_date == k4.trigger_date and k6.state == Deadline.State.OPEN


def test_the_web_receipt_names_the_discipline_track(client, world):
    citizen = WebCitizen(client)
    citizen.choose("complaint")
    citizen.identify()
    assert citizen.describe(discipline="on").status_code == 303
    html = client.get(citizen.sign()["Location"]).content.decode()
    reference = re.search(r'id="receipt-reference">([^<]+)<', html).group(1)
    case = Case.objects.get(reference=reference)
    assert case.discipline
    resolution = re.search(r'id="receipt-resolution">(.*?)</dd>', html, re.S).group(1)
    k6 = engine.load_rules().get("K6", timezone.localdate())
    assert engine.describe_limit(k6) in resolution and "Điều 50" in resolution


def test_the_late_complaint_limit_follows_the_track(client, world):
    citizen = WebCitizen(client)
    citizen.choose("complaint")
    citizen.identify()
    known = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    page = citizen.describe(discipline="on", contested_act_known_on=known).content.decode()
    days = rules.complaint_limitation_days(discipline=True)
    assert f"Đã quá {days} ngày kể từ ngày" in page  # 15 days (K2): a reason is needed
    assert citizen.describe(contested_act_known_on=known).status_code == 303  # 90 days (K1): in time


def test_the_api_takes_the_discipline_flags(client, world):
    response = api_submit(client, complaint_payload(discipline=True, dismissal=True))
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.discipline and case.dismissal
    bad = api_submit(client, complaint_payload(discipline="yes"))
    assert bad.status_code == 400 and "discipline" in bad.json()["errors"]
    schema = client.get("/api/v1/schema/").json()
    props = json.dumps(schema)
    assert '"discipline"' in props and "Arts 47-58" in props


# ------------------------------------------------------------------------------ ended deadlines


def test_withdrawn_deadlines_read_ended_by_withdrawal_everywhere_and_leave_the_on_time_figures(client, world):
    result = submit(world, kind="denunciation", accused_name="Nguyễn Văn A")
    case = result.case
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    # The signed letter, recorded by the staff with the reason the resolution ends (Art 33(3)).
    services.case_withdraw(
        case=case,
        actor=world.user(Role.INTAKE),
        statement="Rút",
        evidence="signed_letter",
        end_reason="Hành vi bị tố cáo không có dấu hiệu vi phạm; việc rút đơn là tự nguyện.",
    )
    t4 = Deadline.objects.get(case=case, rule_code="T4")
    assert (t4.state, t4.end_reason) == (Deadline.State.ENDED, "withdrawn")
    assert not rules.counts_for_on_time(t4)
    client.post(
        "/tra-cuu/", {"action": "lookup", "reference": case.reference, "access_key": result.access_key}
    )
    html = client.get(f"/tra-cuu/?ma={case.reference}").content.decode()
    assert "kết thúc do rút đơn" in html
    staff = client.__class__()
    staff.force_login(world.user(Role.HEAD_OF_UNIT))
    html = staff.get(f"/admin/cases/{case.reference}/").content.decode()
    assert "kết thúc do rút đơn" in html
    year = timezone.localdate().year
    counts = reporting.on_time_counts(
        Case.objects.filter(pk=case.pk), dt.date(year, 1, 1), dt.date(year, 12, 31)
    )
    assert counts.resolved == 0


# ------------------------------------------------------------------------------ provisional dates


def _unconfirmed_day_in_the_next_week(world):
    today = timezone.localdate()
    day = today + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    Holiday.objects.filter(date=day).delete()
    Holiday.objects.create(date=day, kind="holiday", name="Ngày nghỉ dự kiến (thử)", confirmed=False)
    return day


def test_a_provisional_date_names_its_unconfirmed_day_to_staff_and_citizens(client, world):
    day = _unconfirmed_day_in_the_next_week(world)
    result = submit(world)
    k3 = Deadline.objects.get(case=result.case, rule_code="K3")
    assert k3.unconfirmed_days == [day.isoformat()]
    shown = day.strftime("%d/%m/%Y")
    client.post(
        "/tra-cuu/",
        {"action": "lookup", "reference": result.case.reference, "access_key": result.access_key},
    )
    tracking = client.get(f"/tra-cuu/?ma={result.case.reference}").content.decode()
    assert f"Tạm tính theo lịch nghỉ ngày {shown}" in tracking
    assert "chưa xác minh" not in tracking
    staff = client.__class__()
    staff.force_login(world.user(Role.INTAKE))
    page = staff.get(f"/admin/cases/{result.case.reference}/").content.decode()
    assert "Tạm tính" in page and shown in page


def test_the_receipt_marks_a_provisional_acceptance_date(client, world):
    day = _unconfirmed_day_in_the_next_week(world)
    citizen = WebCitizen(client)
    citizen.choose("complaint")
    citizen.identify()
    citizen.describe()
    html = client.get(citizen.sign()["Location"]).content.decode()
    assert f"Tạm tính theo lịch nghỉ ngày {day.strftime('%d/%m/%Y')}" in html


def test_administrators_are_warned_of_every_unconfirmed_day_within_120_days(client, world):
    soon = _unconfirmed_day_in_the_next_week(world)
    later = timezone.localdate() + dt.timedelta(days=rules.UNCONFIRMED_WARNING_DAYS + 10)
    Holiday.objects.filter(date=later).delete()
    Holiday.objects.create(date=later, kind="holiday", name="Xa (thử)", confirmed=False)
    admin = world.user(Role.ADMINISTRATOR)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    home = client.get("/admin/").content.decode()
    assert 'data-testid="unconfirmed-calendar"' in home
    assert soon.strftime("%d/%m/%Y") in home and later.strftime("%d/%m/%Y") not in home
    listing = client.get("/admin/case-holidays/").content.decode()
    assert soon.strftime("%d/%m/%Y") in listing and "chưa được công bố chính thức" in listing
    inspector = client.__class__()
    inspector.force_login(world.user(Role.INSPECTOR))
    assert 'data-testid="unconfirmed-calendar"' not in inspector.get("/admin/").content.decode()


# ------------------------------------------------------------------------------ citizen texts


def test_legal_bases_shown_to_citizens_carry_no_doubt():
    for rule in engine.load_rules():
        for text in (rule.legal_basis_vi, rule.legal_basis_en, rule.title_vi, rule.title_en):
            assert not DOUBT.search(text), (rule.code, text)
    for table in (REJECTION_REASONS, SUSPENSION_REASONS, TERMINATION_REASONS):
        for reason in table.values():
            assert not DOUBT.search(reason.legal_basis + reason.label_vi + reason.label_en), reason.code


def test_the_guide_states_the_limits_of_the_rule_table_in_force(client, world):
    html = client.get("/huong-dan/").content.decode()
    section = html[html.index('data-testid="time-limits"') :]
    today = timezone.localdate()
    for code in ("K1", "K3", "K4", "K6", "T1", "T4"):
        rule = engine.load_rules().get(code, today)
        assert engine.describe_limit(rule) in section and rule.legal_basis_vi in section, code
    assert "7 ngày làm việc kể từ ngày nhận đơn" in section  # K3 since 01/07/2026
    assert "10 ngày (làm việc)" not in html and "chưa xác minh" not in html
    english = client.get("/en/guide/").content.decode()
    assert "7 working days from receipt of the letter" in english
