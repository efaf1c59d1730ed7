"""The oversight dashboard in the Wagtail admin: who may open it, what each page shows, where its
figures link to, and the exports. Data is placed relative to the real clock (the views use it)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Authority, CaseKind, CaseStatus, Deadline, Role
from cases.roles import ensure_role_groups, membership_grant
from tests.factories import AuthorityFactory, CaseFactory, UserFactory

from .conftest import index_all

pytestmark = pytest.mark.django_db

URLS = ["overview", "stalled", "ontime", "ontime_cases", "top", "search"]


def ago(days: int, hours: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def deadline(
    case, *, due_days_ago: int, met_days_ago: int | None = None, state=None, rule="K4", end_reason=""
):
    """A resolution deadline of ``case``; met (late when met after its due day) or still open."""
    due_at = ago(due_days_ago)
    met_at = ago(met_days_ago) if met_days_ago is not None else None
    if state is None:
        state = Deadline.State.MET if met_at else Deadline.State.OPEN
    return Deadline.objects.create(
        case=case,
        rule_code=rule,
        rule_version=dt.date(2012, 7, 1),
        title_vi="Thời hạn giải quyết khiếu nại lần đầu",
        legal_basis_vi="Luật Khiếu nại 2011, Điều 28",
        unit="calendar_days",
        limit_days=30,
        trigger_date=timezone.localdate(due_at) - dt.timedelta(days=30),
        original_due_date=timezone.localdate(due_at),
        due_date=timezone.localdate(due_at),
        due_at=due_at,
        calendar_version="test",
        state=state,
        met_at=met_at,
        missed=bool(met_at and met_at > due_at),
        end_reason=end_reason,
    )


def decided(reference, authority, *, decided_days_ago: int, due_days_ago: int, **kw):
    """A case resolved ``decided_days_ago``, its resolution limit due ``due_days_ago``."""
    case = CaseFactory(
        reference=reference,
        authority=authority,
        status=kw.pop("status", CaseStatus.DECIDED),
        received_at=ago(decided_days_ago + 40),
        last_activity_at=ago(decided_days_ago),
        decided_at=ago(decided_days_ago),
        **kw,
    )
    deadline(case, due_days_ago=due_days_ago, met_days_ago=decided_days_ago)
    return case


class Live:
    def __init__(self):
        L = Authority.Level
        self.hn = AuthorityFactory(code="HN", name_vi="UBND thành phố Hà Nội", level=L.PROVINCIAL)
        self.sxd = AuthorityFactory(code="HN-SXD", name_vi="Sở Xây dựng", parent=self.hn)
        self.tt = AuthorityFactory(code="HN-SXD-TT", name_vi="Thanh tra Sở Xây dựng", parent=self.sxd)
        self.stnmt = AuthorityFactory(code="HN-STNMT", name_vi="Sở Tài nguyên và Môi trường", parent=self.hn)
        self.dn = AuthorityFactory(code="DN", name_vi="UBND thành phố Đà Nẵng", level=L.PROVINCIAL)
        S = CaseStatus
        c = CaseFactory
        self.a = c(
            reference="V-A",
            authority=self.sxd,
            status=S.RECEIVED,
            received_at=ago(45),
            last_activity_at=ago(40),
            next_due_at=ago(5),
            subject="Khiếu nại về đất đai tại phường Cầu Giấy",
            description="Bồi thường đất đai.",
        )
        self.b = c(
            reference="V-B",
            authority=self.tt,
            status=S.VERIFYING,
            received_at=ago(100),
            last_activity_at=ago(3),
            transfer_count=5,
            extension_count=2,
            escalation_level=3,
            kind=CaseKind.DENUNCIATION,
            subject="Tố cáo cán bộ địa chính",
            description="Nhận tiền.",
        )
        self.c = c(
            reference="V-C",
            authority=self.stnmt,
            status=S.ACCEPTED,
            received_at=ago(10),
            last_activity_at=ago(10),
            subject="Kiến nghị môi trường",
            description="Xả thải.",
        )
        self.d = c(
            reference="V-D",
            authority=self.dn,
            status=S.VERIFYING,
            received_at=ago(200),
            last_activity_at=ago(90),
            transfer_count=2,
            subject="Khiếu nại đất đai ở Đà Nẵng",
            description="Thu hồi đất đai.",
        )
        self.e = c(
            reference="V-E",
            authority=self.sxd,
            status=S.CLOSED,
            received_at=ago(300),
            last_activity_at=ago(250),
            transfer_count=9,
            subject="Hồ sơ đã đóng",
            description="Xong.",
        )
        # Resolved in the last months (the on-time figures, per case): HN-SXD 1 on time of 3 (E and G
        # late), HN-STNMT 1 of 1; a withdrawal ends its deadline and stays out of the figures.
        self.e.decided_at = ago(30)
        self.e.save()
        deadline(self.e, due_days_ago=35, met_days_ago=30)  # late
        self.f = decided("V-F", self.sxd, decided_days_ago=20, due_days_ago=15)  # on time
        self.g = decided(
            "V-G",
            self.tt,
            decided_days_ago=16,
            due_days_ago=18,
            kind=CaseKind.DENUNCIATION,
            status=CaseStatus.CONCLUDED,
        )  # late
        self.h = decided("V-H", self.stnmt, decided_days_ago=13, due_days_ago=12)  # on time
        self.w = CaseFactory(
            reference="V-W",
            authority=self.sxd,
            status=CaseStatus.WITHDRAWN,
            received_at=ago(60),
            last_activity_at=ago(50),
        )
        deadline(self.w, due_days_ago=40, met_days_ago=50, state=Deadline.State.ENDED, end_reason="withdrawn")
        deadline(self.d, due_days_ago=40)  # open and past due: not resolved, not in the rate


@pytest.fixture
def live(db):
    ensure_role_groups()
    return Live()


def user_with(role, authority, **kw):
    user = UserFactory(**kw)
    membership_grant(user=user, authority=authority, role=role)
    return user


@pytest.fixture
def auditor(live):
    return user_with(Role.AUDITOR, live.hn, username="auditor")


@pytest.fixture
def head(live):
    return user_with(Role.HEAD_OF_UNIT, live.sxd, username="head-sxd")


@pytest.fixture
def inspector(live):
    return user_with(Role.INSPECTOR, live.sxd, username="inspector-sxd")


def url(name, **params):
    from search.links import oversight_url

    return oversight_url(name, **params)


# ------------------------------------------------------------------------------------ access


@pytest.mark.parametrize("name", URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, live, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", URLS)
def test_staff_without_an_oversight_role_get_403(client, inspector, name):
    client.force_login(inspector)
    assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize("name", URLS)
def test_auditors_heads_and_superusers_may_open_every_page(client, auditor, head, name):
    for user in (auditor, head, UserFactory(username="root", is_superuser=True)):
        client.force_login(user)
        assert client.get(url(name)).status_code == 200, (user, name)


def test_the_view_all_cases_permission_alone_grants_nothing(client, live):
    """Read-all belongs to the auditor role (cases.scope), not to a model permission anyone with
    user administration could hand out (issue 16, finding 3)."""
    user = UserFactory(username="oversight-team")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_all_cases")
    )
    client.force_login(user)
    assert client.get(url("overview")).status_code == 403


def test_a_head_cannot_drill_into_another_authority(client, head):
    client.force_login(head)
    assert client.get(url("overview", authority="HN-STNMT")).status_code == 403
    assert client.get(url("overview", authority="HN")).status_code == 403  # the parent is outside too
    assert client.get(url("ontime", authority="DN")).status_code == 403
    assert client.get(url("overview", authority="HN-SXD-TT")).status_code == 200
    assert client.get(url("overview", authority="NO-SUCH")).status_code == 404


def test_the_menu_item_is_shown_only_to_those_who_may_oversee(client, auditor, inspector):
    # The sidebar is rendered from JSON props, so look for the item's URL.
    client.force_login(auditor)
    assert "/admin/oversight/" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(inspector)
    assert "/admin/oversight/" not in client.get(reverse("wagtailadmin_home")).content.decode()


# ---------------------------------------------------------------------------------- overview


def test_overview_rolls_the_backlog_up_the_hierarchy_and_drills_down(client, auditor, live):
    client.force_login(auditor)
    response = client.get(url("overview"))
    report = response.context["report"]
    rows = {r.key: r for r in report.rows}
    assert report.total == 4  # the closed case is not backlog
    assert rows["HN"].total == 3 and rows["DN"].total == 1
    assert rows["HN"].by_status == {"received": 1, "verifying": 1, "accepted": 1}
    assert rows["HN"].by_bucket == {"30-59": 1, "90-179": 1, "0-29": 1}
    assert rows["HN"].overdue == 1
    assert report.by_bucket["180+"] == 1  # the Đà Nẵng case, received 200 days ago
    html = response.content.decode()
    # every figure links to the finder with the criteria that count it
    assert url("stalled", status="received", authority="HN").replace("&", "&amp;") in html
    assert url("stalled", overdue=True, authority="HN").replace("&", "&amp;") in html
    assert url("stalled", age="180+", authority="DN").replace("&", "&amp;") in html
    assert url("overview", authority="HN") in html  # drill-down
    assert "<svg" in html and "ov-fill" in html

    response = client.get(url("overview", authority="HN"))
    rows = {r.key: r for r in response.context["report"].rows}
    assert set(rows) == {"HN-SXD", "HN-STNMT"}
    assert rows["HN-SXD"].total == 2 and rows["HN-SXD"].drillable  # A and B (in its sub-unit)
    response = client.get(url("overview", authority="HN-SXD"))
    rows = {r.key: r for r in response.context["report"].rows}
    assert rows["HN-SXD-TT"].total == 1 and rows["__self__"].total == 1
    assert [a.code for a in response.context["breadcrumbs"]] == ["HN", "HN-SXD"]


def test_overview_kpis_count_overdue_stalled_and_on_time(client, auditor, live):
    client.force_login(auditor)
    kpis = client.get(url("overview")).context["kpis"]
    # open, open and overdue (A), decided and overdue (none), stalled by the default policy (A, D)
    assert [k["value"] for k in kpis[:4]] == [4, 1, 0, 2]
    assert kpis[4]["value"] == "50,0%"  # F and H on time, E and G late (Vietnamese decimal comma)


def test_a_heads_overview_shows_only_their_sub_tree(client, head, live):
    client.force_login(head)
    response = client.get(url("overview"))
    report = response.context["report"]
    assert [r.key for r in report.rows] == ["HN-SXD"]
    assert report.total == 2
    assert "DN" not in [r.key for r in report.rows]


def test_overview_filters_by_kind(client, auditor, live):
    client.force_login(auditor)
    report = client.get(url("overview", kind="denunciation")).context["report"]
    assert report.total == 1 and report.by_status["verifying"] == 1


def test_overview_exports_csv_and_xlsx(client, auditor, live):
    client.force_login(auditor)
    response = client.get(url("overview", export="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã cơ quan", "Cơ quan"] and rows[0][-2:] == ["Tổng tồn đọng", "Quá hạn"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["HN"][1] == "UBND thành phố Hà Nội" and by_code["HN"][-2:] == ["3", "1"]

    response = client.get(url("overview", authority="HN", export="xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][1] == "Cơ quan"
    assert {v[0]: v[-2] for v in values[1:]} == {"HN-SXD": 2, "HN-STNMT": 1}


# ----------------------------------------------------------------------------------- stalled


def test_the_stalled_list_applies_the_finder_criteria(client, auditor, live, backend):
    index_all(backend)
    client.force_login(auditor)
    response = client.get(url("stalled", days=30))
    assert [r["reference"] for r in response.context["rows"]] == ["V-D", "V-A"]
    assert response.context["total"] == 2
    response = client.get(url("stalled", min_transfers=2, authority="HN"))
    assert [r["reference"] for r in response.context["rows"]] == ["V-B"]
    response = client.get(url("stalled", age="0-29"))
    assert [r["reference"] for r in response.context["rows"]] == ["V-C"]
    html = client.get(url("stalled", overdue_by=1)).content.decode()
    assert "V-A" in html and "V-D" not in html


def test_the_stalled_list_of_a_head_never_shows_other_authorities(client, head, live):
    client.force_login(head)
    response = client.get(url("stalled", days=30))
    assert [r["reference"] for r in response.context["rows"]] == ["V-A"]
    # Choosing an authority outside the scope is not possible: the form refuses it.
    response = client.get(url("stalled", authority="DN"))
    assert "DN" in response.context["form"].errors["authority"][0] or response.context["form"].errors
    assert "V-D" not in response.content.decode()


def test_the_stalled_list_exports_what_it_shows(client, auditor, live):
    client.force_login(auditor)
    response = client.get(url("stalled", days=30, export="csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Mã hồ sơ"] for r in rows] == ["V-D", "V-A"]
    assert rows[1]["Số ngày không hoạt động"] == "40"
    response = client.get(url("stalled", days=30, export="xlsx"))
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [v[0] for v in values[1:]] == ["V-D", "V-A"]


def test_the_dashboard_answers_from_the_database_when_elasticsearch_is_down(
    client, auditor, live, es_backend, settings
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    client.force_login(auditor)
    response = client.get(url("stalled", days=30), follow=True)
    assert response.status_code == 200
    assert [r["reference"] for r in response.context["rows"]] == ["V-D", "V-A"]
    assert "không truy cập được" in response.content.decode()
    assert client.get(url("overview")).context["report"].total == 4


# ------------------------------------------------------------------------------------ on time


def test_on_time_rate_by_authority_with_links_to_the_cases(client, auditor, live):
    client.force_login(auditor)
    response = client.get(url("ontime"))
    total = response.context["total"]
    assert (total.on_time, total.late) == (2, 2)  # the withdrawal and the open D are outside
    rows = {item["row"].key: item for item in response.context["table"]}
    assert rows["HN"]["row"].rate.rate == 50.0
    assert rows["DN"]["row"].rate.rate is None  # nothing resolved there
    late = client.get(rows["HN"]["late_url"])
    assert [i["case"].reference for i in late.context["items"]] == ["V-E", "V-G"]
    drill = client.get(url("ontime", authority="HN"))
    rows = {item["row"].key: item["row"] for item in drill.context["table"]}
    assert rows["HN-SXD"].rate.rate == 33.3 and rows["HN-STNMT"].rate.rate == 100.0
    assert "<svg" in drill.content.decode()


def test_on_time_by_quarter_and_export(client, auditor, live):
    client.force_login(auditor)
    response = client.get(url("ontime", period="quarter"))
    series = response.context["series"]
    assert all(p.label.startswith("Q") for p in series)
    assert sum(p.rate.resolved for p in series) == 4
    response = client.get(url("ontime", export="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Tỷ lệ đúng hạn (%)"
    assert ["HN", "UBND thành phố Hà Nội", "2", "2", "50.0"] in rows


def test_a_heads_on_time_page_counts_only_their_cases(client, head, live):
    client.force_login(head)
    total = client.get(url("ontime")).context["total"]
    assert (total.on_time, total.late) == (1, 2)


# -------------------------------------------------------------------------------------- top


def test_most_transferred_extended_and_escalated(client, auditor, live):
    client.force_login(auditor)
    response = client.get(url("top"))
    sections = {s["metric"]: s for s in response.context["sections"]}
    assert [c.reference for c in sections["transfer_count"]["cases"]] == ["V-B", "V-D"]  # closed E left out
    assert [c.reference for c in sections["escalation_level"]["cases"]] == ["V-B"]
    everything = client.get(url("top", all=1)).context["sections"][0]["cases"]
    assert [c.reference for c in everything] == ["V-E", "V-B", "V-D"]
    rows = list(csv.reader(io.StringIO(client.get(url("top", export="csv")).content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Chỉ số", "Mã hồ sơ", "Trạng thái", "Mã trạng thái", "Cơ quan", "Mã cơ quan"]
    assert rows[1][1:] == [
        "V-B",
        "Đang xác minh",
        "verifying",
        "Thanh tra Sở Xây dựng",
        "HN-SXD-TT",
        "5",
        "Tố cáo cán bộ địa chính",
    ]


# ------------------------------------------------------------------------------------ search


def test_staff_search_ignores_accents_and_respects_the_viewers_scope(client, auditor, head, live, backend):
    index_all(backend)
    client.force_login(auditor)
    response = client.get(url("search", q="khieu nai dat dai"))
    assert {r["reference"] for r in response.context["rows"]} == {"V-A", "V-D"}
    client.force_login(head)
    response = client.get(url("search", q="khieu nai dat dai"))
    assert [r["reference"] for r in response.context["rows"]] == ["V-A"]  # Đà Nẵng is not theirs
    assert "V-D" not in response.content.decode()


def test_the_dashboard_speaks_english_to_those_who_prefer_it(client, auditor, live):
    from wagtail.users.models import UserProfile

    client.force_login(auditor)
    assert "Tồn đọng theo trạng thái" in client.get(url("overview")).content.decode()  # Vietnamese first
    profile = UserProfile.get_for_user(auditor)
    profile.preferred_language = "en"
    profile.save()
    html = client.get(url("overview")).content.decode()
    assert "Backlog by status" in html and "Export CSV" in html
    assert "Tồn đọng theo trạng thái" not in html


def test_each_listed_case_links_to_its_page_in_the_inspector_workspace(client, auditor, live):
    CaseFactory(reference="HN-2026-000777", authority=live.sxd, last_activity_at=ago(70), received_at=ago(70))
    client.force_login(auditor)
    html = client.get(url("stalled", days=60)).content.decode()
    assert 'href="/admin/cases/HN-2026-000777/"' in html
