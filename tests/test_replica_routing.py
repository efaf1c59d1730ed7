"""Reads of oversight and reporting from the read replica (config/replica.py), the primary for every
write and for the reads that must see the reader's own writes.

The replica is the test mirror of ``default`` (config/settings/test.py): a second connection, a
session of its own, on the same test database, so the queries each connection ran tell where each
read went. Committed rows are needed for the replica's session to see them: these tests are
transactional. Routing is on only where a test turns it on (``DATABASE_READ_REPLICA``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Authority, Case, CaseStatus, Role
from cases.reports.models import FiledReport
from config.replica import PIN_COOKIE, read_database, reads_from_replica
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

Q3 = {"authority": "HN", "kind": "q3", "year": "2026"}
OVERSIGHT = [
    ("overview", {}),
    ("stalled", {}),
    ("ontime", {}),
    ("top", {}),
    ("search", {"q": "HN-2026-R00001"}),
]


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_READ_REPLICA = "replica"


@pytest.fixture
def cases(world):
    from cases.roles import ensure_role_groups

    ensure_role_groups()  # a transactional test starts without the rows the migrations made
    long_ago = timezone.now() - dt.timedelta(days=60)
    made = [
        CaseFactory(
            reference=f"HN-2026-R{n:05d}",
            authority=world.hn_sxd,
            status=CaseStatus.VERIFYING,
            received_at=long_ago,
            last_activity_at=long_ago,
            next_due_at=long_ago + dt.timedelta(days=30),
            subject=f"Đơn thử bản sao {n}",
        )
        for n in range(3)
    ]
    return made


class Where:
    """The statements each connection ran inside the block."""

    def __init__(self):
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self):
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @staticmethod
    def _touching(ctx, table: str) -> list[str]:
        return [q["sql"] for q in ctx.captured_queries if table in q["sql"]]

    def on_default(self, table: str) -> list[str]:
        return self._touching(self.default, table)

    def on_replica(self, table: str) -> list[str]:
        return self._touching(self.replica, table)


def oversight(name: str, **params) -> str:
    from search.links import oversight_url

    return oversight_url(name, **params)


@pytest.mark.parametrize(("name", "params"), OVERSIGHT)
def test_the_oversight_pages_read_the_cases_from_the_replica(client, world, cases, replica_on, name, params):
    client.force_login(world.user(Role.AUDITOR))
    with Where() as where:
        response = client.get(oversight(name, **params))
    assert response.status_code == 200
    assert where.on_replica('"cases_case"'), name
    assert not where.on_default('"cases_case"'), where.on_default('"cases_case"')


def test_the_overview_shows_from_the_replica_what_the_primary_committed(client, world, cases, replica_on):
    client.force_login(world.user(Role.AUDITOR))
    with Where() as where:
        kpis = {k["label"]: k["value"] for k in client.get(oversight("overview")).context["kpis"]}
    assert kpis["Hồ sơ đang giải quyết"] == 3 and kpis["Đang giải quyết đã quá hạn"] == 3
    assert where.on_replica("GROUP BY") and not where.on_default("GROUP BY")


def test_the_report_page_computes_its_figures_on_the_replica(client, world, cases, replica_on):
    client.force_login(world.user(Role.HEAD_OF_AGENCY))
    with Where() as where:
        response = client.get(reverse("periodic_reports:view"), Q3)
    assert response.status_code == 200 and "Biểu số 02/XLD" in response.content.decode()
    # The grouped query of the cases and the analytic session settings run on the same connection.
    assert where.on_replica("SET LOCAL jit = off") and where.on_replica('"cases_case"')
    assert not where.on_default('"cases_case"') and not where.on_default("SET LOCAL")


def test_filing_writes_and_reads_on_the_primary_and_the_filed_page_after_it_too(
    client, world, cases, replica_on
):
    client.force_login(world.user(Role.HEAD_OF_AGENCY))
    with Where() as where:
        response = client.post(
            reverse("periodic_reports:view") + "?authority=HN&kind=q3&year=2026",
            {
                "number": "215/BC-UBND",
                "report_date": timezone.localdate().strftime("%d/%m/%Y"),
                "signer_name": "Nguyễn Văn Chủ",
                "signer_title": "Chủ tịch UBND Thành phố",
            },
        )
    filed = FiledReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("periodic_reports:filed", args=[filed.pk])
    # The figures it froze were read inside its transaction, on the primary.
    assert where.on_default('"cases_case"') and where.on_default(
        f'INSERT INTO "{FiledReport._meta.db_table}"'
    )
    assert not where.replica.captured_queries
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 30 and cookie["httponly"]

    # The page the form redirects to shows the report just filed: read from the primary.
    with Where() as where:
        page = client.get(response.url)
    assert page.status_code == 200 and "Nguyễn Văn Chủ" in page.content.decode()
    assert where.on_default(f'"{FiledReport._meta.db_table}"') and not where.replica.captured_queries

    # So does the dashboard right after: the write was this browser's.
    client.force_login(world.user(Role.AUDITOR))
    with Where() as where:
        assert client.get(oversight("overview")).status_code == 200
    assert where.on_default('"cases_case"') and not where.replica.captured_queries

    # Once the pin has expired (the cookie is gone), the same pages read from the replica again.
    del client.cookies[PIN_COOKIE]
    client.force_login(world.user(Role.HEAD_OF_AGENCY))
    with Where() as where:
        assert client.get(response.url).status_code == 200
    assert where.on_replica(f'"{FiledReport._meta.db_table}"')
    assert not where.on_default(f'"{FiledReport._meta.db_table}"')


def test_without_a_replica_everything_stays_on_the_primary_and_no_cookie_is_set(client, world, cases):
    client.force_login(world.user(Role.HEAD_OF_AGENCY))
    with Where() as where:
        assert client.get(oversight("overview")).status_code == 200
        assert client.get(reverse("periodic_reports:view"), Q3).status_code == 200
        response = client.post(
            reverse("periodic_reports:view") + "?authority=HN&kind=q3&year=2026",
            {
                "number": "216/BC-UBND",
                "report_date": timezone.localdate().strftime("%d/%m/%Y"),
                "signer_name": "Nguyễn Văn Chủ",
                "signer_title": "Chủ tịch UBND Thành phố",
            },
        )
    assert response.status_code == 302 and PIN_COOKIE not in response.cookies
    assert where.on_default('"cases_case"') and not where.replica.captured_queries
    with reads_from_replica():
        assert read_database() == "default"


def test_the_find_stalled_command_reads_from_the_replica(world, cases, replica_on, capsys):
    with Where() as where:
        call_command("find_stalled", "--backend", "database", "--days", "30", "--format", "json")
    out = capsys.readouterr().out
    assert all(case.reference in out for case in cases)
    assert where.on_replica('"cases_case"') and not where.on_default('"cases_case"')


def test_public_statistics_read_from_the_replica(world, cases, replica_on):
    from publicsite.statistics import public_statistics

    with Where() as where:
        public_statistics(year=timezone.localdate().year)
    assert where.on_replica('"cases_case"') and not where.on_default('"cases_case"')


# ------------------------------------------------------------------------------ the rules themselves


def test_reads_go_to_the_replica_only_inside_the_block(world, replica_on):
    assert read_database() == "default"
    with reads_from_replica():
        assert read_database() == "replica"
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
    assert read_database() == "default"


def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(world, replica_on):
    with reads_from_replica(), transaction.atomic():
        Authority.objects.filter(code="HN").update(name_en="Ha Noi")
        assert read_database() == "default"
        with Where() as where:
            assert Authority.objects.get(code="HN").name_en == "Ha Noi"  # its own uncommitted write
        assert where.on_default('"cases_authority"') and not where.replica.captured_queries


def test_a_write_inside_the_block_sends_the_rest_of_it_to_the_primary(world, replica_on):
    with reads_from_replica():
        hn = Authority.objects.get(code="HN")
        assert hn._state.db == "replica"
        hn.name_en = "Hanoi"
        with Where() as where:
            hn.save()  # an object read from the replica is written to the primary
        assert where.on_default('UPDATE "cases_authority"') and not where.replica.captured_queries
        assert read_database() == "default"
    with reads_from_replica():  # a new block outside a request starts unpinned
        assert read_database() == "replica"


def test_the_replica_is_never_migrated(replica_on):
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True
