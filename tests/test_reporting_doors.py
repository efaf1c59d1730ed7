"""One definition, every door: the figures of the oversight dashboard, the lists they link to, the
public statistics, the workspace filters and the escalation sweep count the same cases, on both
search backends. The cases are made through the services (with a frozen clock) and include
withdrawn, merged, transferred, suspended, overdue and stalled ones (issue: "One home for every
rule, and the same figure on every screen")."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import reporting, services
from cases.actors import Citizen
from cases.escalation import escalation_sweep
from cases.models import Case, Deadline, Role
from publicsite import statistics
from search.backends import get_backend
from search.sync import case_queryset

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 5, 20, 10, 0, tzinfo=ICT)  # a Wednesday

pytestmark = pytest.mark.django_db


def at(m, d, h=9):
    return dt.datetime(2026, m, d, h, tzinfo=ICT)


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def person(n: int) -> services.PartyInput:
    return services.PartyInput(
        full_name=f"Người Gửi {n}",
        national_id=f"0011990{n:05d}",
        address="12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
        phone="0987654321",
    )


def submit(world, kind, when, n, clock, *, authority=None, **kw):
    clock(when)
    return services.case_submit(
        kind=kind,
        subject=kw.pop("subject", f"Đơn số {n} về việc thu hồi đất"),
        description="Đề nghị xem xét theo quy định.",
        parties=[person(kw.pop("person", n))],
        authority=authority or world.hn_sxd,
        contested_act="Quyết định 12/QĐ-UBND" if kind == "complaint" else "",
        accused_name=kw.pop("accused_name", "Ông Nguyễn Văn X" if kind == "denunciation" else ""),
        actor=Citizen.filing(),
        received_at=when,
        **kw,
    ).case


class Scenario:
    """Cases of HN-SXD and HN-P-HK (under HN) as of Wednesday 20/05/2026, 10:00."""

    def __init__(self, world, clock):
        intake, head = world.user(Role.INTAKE), world.user(Role.HEAD_OF_UNIT)

        def step(when, fn, **kw):
            clock(when)
            return fn(**kw)

        def accepted(kind, received, n, **kw):
            case = submit(world, kind, received, n, clock, **kw)
            return step(received + dt.timedelta(days=1), services.case_accept, case=case, actor=intake)

        self.on_time = accepted("complaint", at(3, 2), 1)  # K4 due 02/04
        step(
            at(3, 20), services.case_conclude, case=self.on_time, actor=head, outcome="right", summary="Đúng"
        )
        self.late = accepted("complaint", at(3, 2), 2)
        step(at(4, 20), services.case_conclude, case=self.late, actor=head, outcome="wrong", summary="Sai")
        self.withdrawn = accepted("complaint", at(3, 2), 3)
        # Withdrawn on the signed letter, recorded by the staff (Law on Complaints Art 10).
        step(at(3, 10), services.case_withdraw, case=self.withdrawn, actor=intake, evidence="signed_letter")
        self.petition = submit(world, "petition", at(4, 1), 4, clock)
        step(
            at(4, 2),
            services.case_withdrawal_request,
            case=self.petition,
            actor=Citizen.with_key(self.petition.pk),
        )
        self.overdue = accepted("denunciation", at(3, 2), 6)  # T4 due 01/04, no activity since
        self.merged = submit(world, "denunciation", at(3, 9), 6, clock)  # the same denouncer again
        step(at(3, 10), services.case_merge_duplicate, case=self.merged, actor=intake, into=self.overdue)
        # Only denunciations are transferred; complaints and petitions are guided (cases.rules).
        self.transferred = submit(world, "denunciation", at(3, 2), 7, clock)
        step(
            at(3, 4), services.case_transfer, case=self.transferred, actor=intake, to_authority=world.hn_ward
        )
        self.suspended = accepted("complaint", at(4, 1), 8)
        step(
            at(4, 10),
            services.case_suspend,
            case=self.suspended,
            actor=head,
            reason_code="KN-11a-related",
            reason_text="Chờ kết quả vụ việc liên quan",
        )
        self.fresh = submit(world, "complaint", at(5, 19), 9, clock, authority=world.hn_ward)
        self.unsent = accepted("complaint", at(4, 15), 10)
        step(at(5, 5), services.case_conclude, case=self.unsent, actor=head, outcome="right", summary="Đúng")
        self.duplicate_of = submit(world, "complaint", at(5, 11), 11, clock)
        self.duplicate = submit(world, "complaint", at(5, 18), 11, clock, person=11)  # same person
        clock(NOW)


@pytest.fixture
def scenario(world, clock):
    return Scenario(world, clock)


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, settings):
    if request.param == "database":
        settings.SEARCH_BACKEND = "database"
        yield get_backend("database")
        return
    url = settings.ELASTICSEARCH_URL
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{uuid.uuid4().hex[:10]}"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    settings.SEARCH_BACKEND = "elasticsearch"
    backend = get_backend("elasticsearch", index_prefix=prefix, refresh=True)
    yield backend
    get_backend("elasticsearch", url=url, index_prefix=prefix).drop()


def indexed(backend):
    backend.bulk_index(case_queryset().order_by("pk"), now=NOW)
    backend.refresh()
    return backend


def refs(ids) -> set[str]:
    return set(Case.objects.filter(pk__in=ids).values_list("reference", flat=True))


def test_every_dashboard_figure_equals_the_list_it_links_to(client, world, scenario, backend):
    indexed(backend)
    client.force_login(world.user(Role.AUDITOR))
    overview = client.get("/admin/oversight/")
    assert overview.status_code == 200
    checked = 0
    for kpi in overview.context["kpis"]:
        target = client.get(kpi["url"])
        assert target.status_code == 200, kpi
        if "/on-time/" in kpi["url"]:
            assert target.context["total"].rate == overview.context["kpis"][-1]["value_raw"], kpi
        else:
            assert target.context["total"] == kpi["value"], (kpi["label"], kpi["url"])
        checked += 1
    for row in overview.context["table"]:
        if not row["total_url"]:
            continue
        assert client.get(row["total_url"]).context["total"] == row["row"].total
        assert client.get(row["overdue_url"]).context["total"] == row["row"].overdue
        for cell in row["statuses"]:
            assert client.get(cell["url"]).context["total"] == cell["n"]
        for segment in row["segments"]:
            if segment.url:
                assert client.get(segment.url).context["total"] == segment.value
        checked += 1
    assert checked >= 6
    # the figures themselves, so the test cannot pass on zeros
    kpis = {k["label"]: k["value"] for k in overview.context["kpis"]}
    assert kpis["Hồ sơ đang giải quyết"] == 5  # overdue, suspended, fresh, duplicate_of, duplicate
    assert kpis["Đang giải quyết đã quá hạn"] >= 1
    assert kpis["Đã có quyết định, quá hạn gửi/công khai"] >= 1  # the unsent decision (K7)


def test_the_on_time_tile_equals_the_on_time_tab_and_leaves_endings_out(client, world, scenario):
    client.force_login(world.user(Role.AUDITOR))
    overview = client.get("/admin/oversight/")
    tile = next(k for k in overview.context["kpis"] if "/on-time/" in k["url"])
    tab = client.get(tile["url"])
    total = tab.context["total"]
    # On time: the first complaint and the unsent one; late: the second. The withdrawn complaint,
    # the withdrawn petition, the merged, transferred and suspended cases are not in the denominator.
    assert (total.on_time, total.late) == (2, 1)
    assert tile["value_raw"] == total.rate == 66.7
    listed = client.get(tab.context["late_total_url"])
    assert [i["case"].reference for i in listed.context["items"]] == [scenario.late.reference]
    # Their deadlines ended with the reason: none was "met", none counts as on time.
    for ended, reason, code in (
        (scenario.withdrawn, "withdrawn", "K4"),
        (scenario.petition, "withdrawn", "R4"),
        (scenario.merged, "merged", "T1"),
    ):
        deadline = Deadline.objects.get(case=ended, rule_code=code)
        assert (deadline.state, deadline.end_reason) == (Deadline.State.ENDED, reason)


def test_public_statistics_equal_the_dashboard_for_the_same_authority_and_period(
    client, world, scenario, settings
):
    settings.PUBLIC_STATISTICS_MIN_CASES = 1  # no small-number suppression for the comparison
    result = statistics.public_statistics(authority_code="HN", year=2026, quarter=None, today=NOW.date())
    client.force_login(world.user(Role.AUDITOR))
    overview = client.get("/admin/oversight/?authority=HN")
    report = overview.context["report"]
    assert result.total.backlog_total.value == report.total
    assert {k: c.value for k, c in result.total.backlog.items()} == report.by_bucket
    ontime = client.get("/admin/oversight/on-time/?authority=HN&start=2026-01&end=2026-12")
    assert result.total.on_time_pct.value == ontime.context["total"].rate == 66.7
    assert result.total.resolved.value == 3  # three decisions in 2026 (the on-time denominator too)


def test_the_workspace_filter_the_sweep_and_the_oversight_tab_select_the_same_stalled_cases(
    client, world, scenario, backend, clock
):
    clock(NOW)
    escalation_sweep(now=NOW)
    flagged = set(Case.objects.filter(stalled_since__isnull=False).values_list("reference", flat=True))
    assert scenario.overdue.reference in flagged  # accepted 03/03, untouched since
    assert scenario.suspended.reference not in flagged  # suspended cases wait by design
    indexed(backend)
    client.force_login(world.user(Role.AUDITOR))
    tab = client.get("/admin/oversight/stalled/?stalled=1")
    listed = {row["reference"] for row in tab.context["rows"]}
    workspace = client.get("/admin/cases/?stalled=1")
    in_list = {c.reference for c in workspace.context["object_list"]}
    assert flagged == listed == in_list
    assert refs(backend.find_stalled(_criteria(stalled=True), now=NOW)) == flagged


def test_both_backends_answer_every_reporting_question_alike(world, scenario, settings):
    db = get_backend("database")
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{uuid.uuid4().hex[:10]}"
    es = get_backend("elasticsearch", index_prefix=prefix, refresh=True)
    try:
        indexed(es)
        questions = [
            _criteria(),
            _criteria(stalled=True),
            _criteria(overdue_by=0),
            _criteria(overdue_by=0, open_only=False),
            _criteria(duplicate=True),
            *[_criteria(age=key) for key in reporting.AGE_BUCKET_KEYS],
            _criteria(authority="HN-SXD", authority_only=True),
            _criteria(statuses=("suspended",)),
            _criteria(statuses=("withdrawn",), open_only=False),
        ]
        for criteria in questions:
            assert refs(db.find_stalled(criteria, now=NOW)) == refs(es.find_stalled(criteria, now=NOW)), (
                criteria
            )
            assert db.count_stalled(criteria, now=NOW) == es.count_stalled(criteria, now=NOW), criteria
        cells = {
            (c.authority, c.status, c.bucket): (c.count, c.overdue) for c in db.aggregate_backlog(now=NOW)
        }
        assert cells == {
            (c.authority, c.status, c.bucket): (c.count, c.overdue) for c in es.aggregate_backlog(now=NOW)
        }
    finally:
        es.drop()


def test_one_duplicate_rule_behind_the_hint_the_flag_the_filter_and_the_queue(client, world, scenario):
    dup = Case.objects.get(pk=scenario.duplicate.pk)
    assert dup.duplicate_suspected
    assert not Case.objects.get(pk=scenario.duplicate_of.pk).duplicate_suspected  # nothing before it
    client.force_login(world.user(Role.INTAKE))
    flagged = {c.reference for c in client.get("/admin/cases/?duplicate=1").context["object_list"]}
    queue = {c.reference for c in client.get("/admin/cases/duplicates/").context["object_list"]}
    assert flagged == queue == {dup.reference}
    page = client.get(f"/admin/cases/{dup.reference}/duplicates/").content.decode()
    assert scenario.duplicate_of.reference in page
    # Cleared by staff: out of the filter and the queue, with its reason on the timeline.
    services.case_clear_duplicate(case=dup, actor=world.user(Role.INTAKE), note="Hai việc khác nhau")
    assert not client.get("/admin/cases/duplicates/").context["object_list"]


def test_withdrawn_cases_read_ended_by_withdrawal_in_the_workspace_and_on_tracking(client, world, scenario):
    client.force_login(world.user(Role.HEAD_OF_UNIT))
    html = client.get(f"/admin/cases/{scenario.petition.reference}/").content.decode()
    assert "kết thúc do rút đơn" in html and "đúng hạn" not in html.split("Thời hạn")[1][:2000]


def _criteria(**kw):
    from search.criteria import StalledCriteria

    return StalledCriteria(**kw)
