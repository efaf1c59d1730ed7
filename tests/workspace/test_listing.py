"""Case lists: scope per authority, filters (incl. the oversight dashboard's query string), ready-made
views, search, ordering by next deadline, capped counts and bulk assignment."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, EscalationPolicy, Role
from tests.factories import UserFactory

from .conftest import accepted, fresh, make_case


def refs(response) -> set[str]:
    html = response.content.decode()
    return {c.reference for c in Case.objects.all() if f'href="/admin/cases/{c.reference}/"' in html}


def test_list_needs_a_role_and_shows_only_own_authority(world, login):
    hn = make_case(world, tree="hn")
    hp = make_case(world, tree="hp")
    stranger = UserFactory(username="no_role")  # staff, no membership
    assert login(stranger).get("/admin/cases/").status_code in (302, 403)
    assert refs(login(world.user(Role.INSPECTOR, "hn")).get("/admin/cases/")) == {hn.reference}
    assert refs(login(world.user(Role.INSPECTOR, "hp")).get("/admin/cases/")) == {hp.reference}
    # The oversight auditor sees every agency.
    assert refs(login(world.user(Role.AUDITOR, "hn")).get("/admin/cases/")) == {hn.reference, hp.reference}


def test_dashboard_query_string_filters(world, login):
    """/admin/cases/?status=...&authority=CODE&kind=...&stalled=1&overdue=1 as the dashboard links."""
    old = make_case(world, received_at=timezone.now() - dt.timedelta(days=60))
    fresh_case = make_case(world)
    other_kind = make_case(world, kind="denunciation", received_at=timezone.now() - dt.timedelta(days=60))
    hp_old = make_case(world, tree="hp", received_at=timezone.now() - dt.timedelta(days=60))
    # Make "old" look stalled and overdue (no activity for weeks, deadline passed).
    for case in (old, other_kind, hp_old):
        c = fresh(case)
        c.last_activity_at = timezone.now() - dt.timedelta(days=40)
        c._change_reason = "test"
        c.save(update_fields=["last_activity_at"])
    auditor = world.user(Role.AUDITOR)
    client = login(auditor)
    r = client.get("/admin/cases/?status=received&authority=HN&kind=complaint&stalled=1&overdue=1")
    assert r.status_code == 200
    assert refs(r) == {old.reference}
    # Each filter on its own.
    assert refs(client.get("/admin/cases/?authority=HP")) == {hp_old.reference}
    assert refs(client.get("/admin/cases/?kind=denunciation")) == {other_kind.reference}
    assert fresh_case.reference not in refs(client.get("/admin/cases/?stalled=1"))
    assert refs(client.get("/admin/cases/?overdue=1")) == {
        old.reference,
        other_kind.reference,
        hp_old.reference,
    }


def test_authority_filter_includes_sub_units_and_refuses_foreign_codes(world, login):
    sxd = make_case(world)  # HN-SXD, a sub-unit of HN
    ward = make_case(world, authority=world.hn_ward)
    client = login(world.user(Role.HEAD_OF_AGENCY, "hn"))
    assert refs(client.get("/admin/cases/?authority=HN")) == {sxd.reference, ward.reference}
    assert refs(client.get("/admin/cases/?authority=HN-P-HK")) == {ward.reference}
    # A code outside the user's scope is not silently ignored: nothing is listed.
    r = client.get("/admin/cases/?authority=HP")
    assert refs(r) == set() and "không hợp lệ" in r.content.decode()


def test_filters_assignee_channel_received_escalation_due_within(world, login):
    mine = accepted(world)  # assigned to the HN inspector; T4/T3 running
    visit = make_case(
        world, channel=Case.Channel.IN_PERSON, received_at=timezone.now() - dt.timedelta(days=20)
    )
    head = world.user(Role.HEAD_OF_AGENCY)
    services.case_escalate(case=visit, actor=head, level=2, reason="Quá hạn")
    inspector = world.user(Role.INSPECTOR)
    client = login(inspector)
    assert refs(client.get("/admin/cases/?assignee=me")) == {mine.reference}
    assert refs(client.get("/admin/cases/?assignee=none")) == {visit.reference}
    assert refs(client.get("/admin/cases/?channel=in_person")) == {visit.reference}
    since = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert refs(client.get(f"/admin/cases/?received_from={since}")) == {mine.reference}
    assert refs(client.get("/admin/cases/?escalation=2")) == {visit.reference}
    # T3 (notify within 5 working days) is due within 5 working days; nothing within 0 days.
    assert mine.reference in refs(client.get("/admin/cases/?due_within=5"))
    assert refs(client.get("/admin/cases/?due_within=0")) == set()


def received_for_k3_in(working_days_left: int) -> dt.datetime:
    from cases.deadline_services import working_calendar
    from cases.deadlines import load_rules

    cal = working_calendar()
    target = cal.add_working_days(timezone.localdate(), working_days_left)
    limit = load_rules().get("K3", timezone.localdate()).limit  # 10, or 7 from 07/2026
    day, counted = target, 0
    while counted < limit:
        day -= dt.timedelta(days=1)
        counted += cal.is_working_day(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def test_ready_made_views(world, login):
    mine = accepted(world)  # T3 due in 5 working days, T4 in 30 days: not "due soon"
    triage = make_case(world)
    overdue = make_case(world, received_at=timezone.now() - dt.timedelta(days=40))
    # K3 counts working days from receipt: received so that 2 working days are left.
    soon = make_case(world, received_at=received_for_k3_in(2))
    client = login(world.user(Role.INSPECTOR))
    assert refs(client.get("/admin/cases/mine/")) == {mine.reference}
    assert refs(client.get("/admin/cases/triage/")) == {triage.reference, overdue.reference, soon.reference}
    assert refs(client.get("/admin/cases/overdue/")) == {overdue.reference}
    assert refs(client.get("/admin/cases/due-soon/")) == {soon.reference}
    # The results fragment used by Wagtail's filter/search refresh answers too.
    assert refs(client.get("/admin/cases/mine/results/")) == {mine.reference}


def test_default_order_is_next_due_date_with_undated_last(world, login):
    late = make_case(world, received_at=timezone.now() - dt.timedelta(days=3))
    early = make_case(world, received_at=timezone.now() - dt.timedelta(days=30))
    closed = make_case(world)
    services.case_reject(case=closed, actor=world.user(Role.INTAKE), reason_code="XLD-28-illegible")
    html = login(world.user(Role.INTAKE)).get("/admin/cases/").content.decode()
    assert html.index(early.reference) < html.index(late.reference) < html.index(closed.reference)
    html = login(world.user(Role.INTAKE)).get("/admin/cases/?ordering=-received_at").content.decode()
    assert html.index(closed.reference) < html.index(early.reference)


def test_search_by_reference_and_words(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        land = make_case(world, subject="Khiếu nại bồi thường giải phóng mặt bằng")
        other = make_case(world, subject="Kiến nghị sửa đường")
    client = login(world.user(Role.INSPECTOR))
    assert refs(client.get(f"/admin/cases/?q={land.reference}")) == {land.reference}
    # Accents ignored by the search backend.
    assert refs(client.get("/admin/cases/?q=giai+phong+mat+bang")) == {land.reference}
    assert other.reference not in refs(client.get("/admin/cases/?q=boi+thuong"))
    # Search never widens the scope: the HP inspector finds nothing of HN.
    assert refs(login(world.user(Role.INSPECTOR, "hp")).get(f"/admin/cases/?q={land.reference}")) == set()


def test_count_is_capped(world, login, monkeypatch):
    from cases.admin import listing

    for _ in range(3):
        make_case(world)
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    html = login(world.user(Role.INTAKE)).get("/admin/cases/").content.decode()
    assert "Hơn 2 hồ sơ" in html


def test_bulk_assign(world, login):
    a = accepted(world, assign=False)
    b = accepted(world, assign=False)
    conflicted = accepted(world, assign=False)
    services.case_classify(case=conflicted, actor=world.user(Role.INTAKE), accused_authority=world.hn_sxd)
    hp_case = accepted(world, tree="hp", assign=False)
    inspector = world.user(Role.INSPECTOR)
    ids = [a.pk, b.pk, conflicted.pk, hp_case.pk]
    # Inspectors may not assign.
    r = login(inspector).post("/admin/cases/bulk-assign/", {"id": ids, "assignee": inspector.pk})
    assert r.status_code in (302, 403) and fresh(a).assignee_id is None
    # The city's head of agency (the department's head is in the accused unit: excluded).
    head = world.user(Role.HEAD_OF_AGENCY)
    client = login(head)
    r = client.post(
        "/admin/cases/bulk-assign/",
        {"id": ids, "assignee": inspector.pk, "next": "/admin/cases/"},
        follow=True,
    )
    assert fresh(a).assignee_id == inspector.pk and fresh(b).assignee_id == inspector.pk
    # The conflict of interest is refused with its reason, the other agency's case untouched.
    assert fresh(conflicted).assignee_id is None
    html = r.content.decode()
    assert conflicted.reference in html and "đơn vị bị khiếu nại/tố cáo" in html
    assert fresh(hp_case).assignee_id is None


def test_stalled_uses_the_escalation_policy(world, login):
    case = make_case(world)
    c = fresh(case)
    c.last_activity_at = timezone.now() - dt.timedelta(days=8)
    c._change_reason = "test"
    c.save(update_fields=["last_activity_at"])
    client = login(world.user(Role.INTAKE))
    assert refs(client.get("/admin/cases/?stalled=1")) == set()  # default: 10 working days when received
    EscalationPolicy.objects.create(authority=None, stalled_after={"received": 3})
    assert refs(client.get("/admin/cases/?stalled=1")) == {case.reference}
    assert refs(client.get("/admin/cases/?stalled=1&idle_days=30")) == set()


@pytest.mark.parametrize("url", ["/admin/cases/", "/admin/cases/mine/", "/admin/cases/triage/"])
def test_menu_lists_ready_made_views(world, login, url):
    html = login(world.user(Role.INSPECTOR)).get(url).content.decode()
    for label in ("Việc của tôi", "Chờ phân loại", "Sắp đến hạn", "Quá hạn"):
        assert label in html


def test_english_is_available(world, login):
    from wagtail.users.models import UserProfile

    case = make_case(world)
    user = world.user(Role.HEAD_OF_UNIT)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    html = login(user).get("/admin/cases/").content.decode()
    assert "My cases" in html and "Awaiting triage" in html and "Việc của tôi" not in html
    html = login(user).get(f"/admin/cases/{case.reference}/").content.decode()
    assert "Case details" in html and "Timeline" in html
