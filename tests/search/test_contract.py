"""One contract, every backend: the database backend and Elasticsearch (real server) must select
the same cases for the same criteria, in the same order, relative to the same ``now``."""

from __future__ import annotations

import json
import random

import pytest
from django.db import connection

from cases import models
from search.criteria import AGE_BUCKET_KEYS, StalledCriteria
from search.documents import case_document
from search.sync import case_queryset
from tests.factories import CaseFactory, PartyFactory

from .conftest import NOW, days_ago, index_all

pytestmark = pytest.mark.django_db


def found(backend, world, **criteria) -> list[str]:
    return world.refs(backend.find_stalled(StalledCriteria(**criteria), now=NOW))


@pytest.fixture
def indexed(backend, world):
    assert connection.vendor == "postgresql"
    index_all(backend)
    return backend


def test_inactivity_in_calendar_days_includes_the_boundary_day(indexed, world):
    # Least recently active first; the closed case E is never "stalled".
    assert found(indexed, world, days=30) == ["T-D", "T-M", "T-A", "T-C", "T-G"]
    assert "T-H" in found(indexed, world, days=29)
    assert indexed.count_stalled(StalledCriteria(days=30), now=NOW) == 5


def test_inactivity_in_working_days_skips_weekends_and_holidays(indexed, world):
    assert {"T-I", "T-J"} <= set(found(indexed, world, days=3))
    working = found(indexed, world, days=3, working_days=True)
    assert "T-I" in working  # Thu → Fri, Tue, Wed
    assert "T-J" not in working  # Fri → Tue, Wed only (Sat, Sun, holiday Mon)


def test_overdue_by_k_days(indexed, world):
    assert found(indexed, world, overdue_by=5) == ["T-A"]
    assert found(indexed, world, overdue_by=3) == ["T-A", "T-B"]
    # 0: any passed deadline, including one that passed an hour ago, but not one due tonight.
    assert set(found(indexed, world, overdue_by=0)) == {"T-A", "T-B", "T-K"}


def test_counters_and_escalation(indexed, world):
    assert found(indexed, world, min_transfers=2) == ["T-B"]
    assert found(indexed, world, min_extensions=1) == ["T-D", "T-B"]
    assert found(indexed, world, min_escalation=2) == ["T-B"]
    assert found(indexed, world, min_reassignments=4) == ["T-B"]
    assert found(indexed, world, min_suspensions=1) == ["T-B"]
    assert found(indexed, world, min_transfers=6) == []


def test_authority_includes_its_sub_units(indexed, world):
    assert set(found(indexed, world, authority="HN-SXD")) == {"T-A", "T-B", "T-F", "T-G", "T-H"}
    assert set(found(indexed, world, authority="HN-SXD-TT")) == {"T-B"}
    assert set(found(indexed, world, authority="DN")) == {"T-D"}
    hn = set(found(indexed, world, authority="HN"))
    assert "T-D" not in hn and "T-M" not in hn and {"T-A", "T-B", "T-C", "T-K"} <= hn
    assert found(indexed, world, authority="NO-SUCH-BODY") == []


def test_kind_status_and_combined_criteria(indexed, world):
    assert found(indexed, world, kind=models.CaseKind.DENUNCIATION) == ["T-D", "T-B"]
    assert found(indexed, world, statuses=("suspended",)) == ["T-D"]
    assert found(indexed, world, statuses=("closed",)) == []  # not an open state
    assert found(indexed, world, days=30, authority="HN") == ["T-A", "T-C", "T-G"]
    assert found(indexed, world, days=5, overdue_by=1, min_transfers=1) == ["T-B"]


def test_permission_scope_limits_every_selection(indexed, world):
    assert set(found(indexed, world, days=30, within=("HN-STNMT", "DN"))) == {"T-C", "T-D"}
    assert found(indexed, world, within=()) == []


def test_received_age_window(indexed, world):
    # Received 90 to 179 days ago: B (95) and D (120); C is 200 days old.
    assert set(found(indexed, world, received_age_min=90, received_age_max=180)) == {"T-B", "T-D"}


def test_limit_and_offset_page_through_the_same_order(indexed, world):
    everything = found(indexed, world)
    assert len(everything) == 12  # all open cases
    ids = indexed.find_stalled(StalledCriteria(), now=NOW, limit=4, offset=4)
    assert world.refs(ids) == everything[4:8]


def test_backlog_aggregation_counts_open_cases_by_authority_status_and_age(indexed, world):
    cells = indexed.aggregate_backlog(now=NOW)
    table = {(c.authority, c.status, c.bucket): (c.count, c.overdue) for c in cells}
    assert sum(c.count for c in cells) == 12  # every open case once; E is closed
    assert table[("HN-SXD", "received", "30-59")] == (3, 1)  # A (45 d, overdue), G, H (31 d)
    assert table[("HN-SXD-TT", "verifying", "90-179")] == (1, 1)  # B
    assert table[("HN-STNMT", "accepted", "180+")] == (1, 0)  # C
    assert table[("HN", "accepted", "60-89")] == (2, 1)  # K overdue an hour ago, L due tonight
    assert table[("", "received", "30-59")] == (1, 0)  # M, no authority yet
    assert {c.bucket for c in cells} <= set(AGE_BUCKET_KEYS)
    scoped = indexed.aggregate_backlog(now=NOW, within=("HN-SXD",))
    assert {c.authority for c in scoped} == {"HN-SXD", "HN-SXD-TT"}
    by_kind = indexed.aggregate_backlog(now=NOW, kind=models.CaseKind.PETITION)
    assert [(c.authority, c.count) for c in by_kind] == [("HN-STNMT", 1)]


@pytest.mark.parametrize(
    "query",
    ["khieu nai dat dai", "KHIẾU NẠI ĐẤT ĐAI", "Khiếu nại đất đai", "dat dai khieu nai", "đât đai khiêu nai"],
)
def test_full_text_search_ignores_accents_and_case(indexed, world, query):
    # A (subject) and E (closed, still searchable); nothing that lacks one of the words.
    assert set(world.refs(indexed.search(query))) == {"T-A", "T-E"}


def test_full_text_search_matches_whole_words_in_subject_or_description(indexed, world):
    assert set(world.refs(indexed.search("to lich"))) == {"T-C"}  # description only
    assert world.refs(indexed.search("xay dung khong phep")) == ["T-D"]
    assert indexed.search("dat dai nha may") == []  # every word must appear
    assert world.refs(indexed.search("phep")) == ["T-D"]  # "phép"
    assert indexed.search("phe") == []  # words, not prefixes
    assert indexed.search("") == []


def test_full_text_search_finds_a_reference(indexed, world):
    assert world.refs(indexed.search("t-b")) == ["T-B"]


def test_search_document_never_contains_identity(backend, world):
    case = world.cases["B"]
    party = PartyFactory(
        case=case,
        role=models.Party.Role.DENOUNCER,
        full_name="Trần Thị Bí Mật",
        national_id="079123456789",
        address="Số 99 ngõ Bí Mật, Hà Nội",
        phone="0987654321",
        email="bimat@example.vn",
    )
    case.accused_name = "Nguyễn Văn Bị Tố"
    case.save()
    doc = case_document(case_queryset().get(pk=case.pk), now=NOW)
    secrets = [party.full_name, party.national_id, party.address, party.phone, party.email, case.accused_name]
    raw = json.dumps(doc, ensure_ascii=False)
    for secret in secrets:
        assert secret not in raw
    assert not {"full_name", "national_id", "address", "phone", "email", "parties", "accused_name"} & set(doc)
    if backend.name == "elasticsearch":
        index_all(backend)
        source = backend.client.get(index=backend.alias, id=str(case.pk))["_source"]
        stored = json.dumps(source, ensure_ascii=False)
        assert source["reference"] == "T-B"
        for secret in secrets:
            assert secret not in stored
        # A full-text search for the denouncer's name finds nothing.
        assert backend.search("Trần Thị Bí Mật") == []


def test_document_fields_and_snapshots(world):
    doc = case_document(case_queryset().get(reference="T-B"), now=NOW)
    assert doc["authority"] == "HN-SXD-TT"
    assert doc["authority_path"] == "/HN/HN-SXD/HN-SXD-TT/"
    assert doc["authority_ancestors"] == ["HN", "HN-SXD", "HN-SXD-TT"]
    assert doc["subject_folded"] == "to cao can bo dia chinh"
    assert (doc["days_since_activity"], doc["overdue_days"]) == (10, 3)
    # 10 days back from Wed 17/6 is Sun 7/6: Mon 8 – Fri 12, Tue 16, Wed 17 (Mon 15 off) = 7.
    assert doc["working_days_since_activity"] == 7
    assert (doc["transfer_count"], doc["extension_count"], doc["escalation_level"]) == (3, 2, 2)


def test_both_backends_agree_on_random_cases_and_criteria(world, db_backend, es_backend):
    rng = random.Random(20260617)
    statuses = [s.value for s in models.CaseStatus]
    authorities = [world.hn, world.sxd, world.tt, world.stnmt, world.dn, None]
    for n in range(150):
        activity = days_ago(rng.randint(0, 400), rng.randint(0, 23), rng.randint(0, 59))
        CaseFactory(
            reference=f"R-{n:04d}",
            status=rng.choice(statuses),
            kind=rng.choice(list(models.CaseKind.values)),
            authority=rng.choice(authorities),
            last_activity_at=activity,
            received_at=activity - __import__("datetime").timedelta(days=rng.randint(0, 200)),
            next_due_at=rng.choice([None, days_ago(rng.randint(-30, 90), rng.randint(0, 23))]),
            transfer_count=rng.randint(0, 4),
            extension_count=rng.randint(0, 2),
            escalation_level=rng.randint(0, 3),
            reassignment_count=rng.randint(0, 3),
            subject=rng.choice(["Khiếu nại đất đai", "Tố cáo cán bộ", "Phản ánh môi trường"]),
            description=rng.choice(["bồi thường", "xây dựng trái phép", "ô nhiễm tiếng ồn"]),
        )
    index_all(db_backend)
    index_all(es_backend)
    for _ in range(40):
        criteria = StalledCriteria(
            days=rng.choice([None, 0, 7, 30, 90, 365]),
            working_days=rng.choice([False, True]),
            overdue_by=rng.choice([None, None, 0, 1, 15]),
            min_transfers=rng.choice([None, 1, 3]),
            min_extensions=rng.choice([None, None, 1, 2]),
            min_escalation=rng.choice([None, None, 1, 3]),
            authority=rng.choice([None, "HN", "HN-SXD", "HN-STNMT", "DN"]),
            kind=rng.choice([None, *models.CaseKind.values]),
        )
        db_ids = db_backend.find_stalled(criteria, now=NOW)
        assert es_backend.find_stalled(criteria, now=NOW) == db_ids, criteria
        assert es_backend.count_stalled(criteria, now=NOW) == len(db_ids)
    for query in ["khieu nai", "to cao can bo", "xay dung trai phep", "o nhiem", "dat"]:
        assert set(es_backend.search(query)) == set(db_backend.search(query)), query

    def totals(cells):
        return sorted((c.authority, c.status, c.bucket, c.count, c.overdue) for c in cells)

    assert totals(es_backend.aggregate_backlog(now=NOW)) == totals(db_backend.aggregate_backlog(now=NOW))
