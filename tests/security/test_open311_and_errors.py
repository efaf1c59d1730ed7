"""Findings 9 and 12: the 500s the attack found are clear 4xx answers, and Open311 neither lists
everything for an id that names nothing nor lets its numbering reveal the denunciations."""

import json
import re

import pytest

from publicsite.public_ids import reference_for, token
from tests.publicsite.conftest import api_submit, complaint_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path_id", ["%00", "---", "_", "%20", "HN-2026-000001"])
def test_an_open311_path_id_that_names_nothing_is_a_404(client, world, path_id):
    api_submit(client)
    assert client.get(f"/open311/v2/requests/{path_id}.json").status_code == 404


def test_open311_ids_do_not_reveal_the_numbering(client, world):
    filed = [
        api_submit(client, complaint_payload(kind=kind, accused_name="Ông Nguyễn Văn X")).json()
        for kind in ("complaint", "denunciation", "complaint", "denunciation", "complaint")
    ]
    listed = client.get("/open311/v2/requests.json").json()
    ids = [r["service_request_id"] for r in listed]
    assert len(ids) == 3
    text = json.dumps(listed)
    assert not re.search(r"[A-Z]{1,10}-\d{4}-\d+", text)  # no reference, so no gap to read
    assert {reference_for(i) for i in ids} == {f["reference"] for f in filed[::2]}
    assert reference_for(token("HN-2026-000001")[:-2] + "aa") is None  # forged ids name nothing


@pytest.mark.parametrize(
    "query",
    [
        "start_date=0001-01-01T00:00:00",
        "end_date=0001-01-02T00:00:00%2B14:00",
        "start_date=9999-12-31T23:59:59",
        "end_date=9999-12-31T23:59:59-12:00",
    ],
)
def test_open311_dates_near_year_1_or_9999_are_a_400(client, world, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert "2000" in json.dumps(response.json(), ensure_ascii=False)


def test_deeply_nested_json_is_a_400(client, world):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/cases/", {"payload": body, "files": []})
    assert response.status_code == 400


def test_the_preview_of_a_docx_with_a_bad_crc_is_a_page_not_a_500(client, world):
    import io
    import zipfile

    from cases import services
    from cases.actors import Citizen
    from cases.models import Role
    from cases.roles import ensure_role_groups
    from tests.workspace.conftest import PERSON

    ensure_role_groups()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document><w:body><w:p>Nội dung đơn</w:p></w:body></w:document>")
    damaged = bytearray(buf.getvalue())
    at = damaged.index("Nội dung".encode())
    damaged[at] ^= 0xFF  # the stored bytes no longer match the member's CRC
    case = services.case_submit(
        kind="complaint",
        subject="Khiếu nại",
        description="Nội dung",
        contested_act="QĐ 1",
        parties=[services.PartyInput(**PERSON)],
        authority=world.hn_sxd,
        actor=Citizen.filing(),
        files=[services.FileInput("don.docx", bytes(damaged), "application/octet-stream")],
    ).case
    attachment = case.attachments.get()
    client.force_login(world.user(Role.INTAKE))
    response = client.get(f"/admin/cases/{case.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 200  # shown as a download, never a 500


def test_the_case_page_for_a_department_administrator_is_a_404_not_a_500(client, world):
    from cases.models import Role
    from cases.roles import ensure_role_groups, membership_grant
    from tests.factories import UserFactory
    from tests.workspace.conftest import make_case

    ensure_role_groups()
    admin = UserFactory(username="sxd_admin")
    membership_grant(user=admin, authority=world.hn_sxd, role=Role.ADMINISTRATOR)
    other = make_case(world, tree="hp")
    client.force_login(admin)
    assert client.get(f"/admin/cases/{other.reference}/").status_code == 404
    assert other.reference not in client.get("/admin/cases/").content.decode()


def test_an_unreachable_rate_limit_store_is_not_a_500(client, world, monkeypatch):
    """Found by `make fuzz` when the shared Redis restarted: the limiter's cache raised. A real
    Redis client pointed at a port where nothing listens gives the real connection error."""
    from django.core.cache.backends.redis import RedisCache

    import publicsite.ratelimit

    monkeypatch.setattr(publicsite.ratelimit, "cache", RedisCache("redis://127.0.0.1:9/0", {}))
    response = api_submit(client)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "query",
    [
        # Found by `make fuzz` (2026-12-02): PostgreSQL refuses offsets beyond ±15:59.
        "end_date=2000-09-23T17:03:13.0%2B17:32",
        "start_date=2026-06-31T00:00:00",  # well-formed, impossible
        "start_date=2026-01-01T25:00:00",
    ],
)
def test_open311_dates_with_impossible_parts_are_a_400(client, world, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400, response.content[:500]
    assert "ISO 8601" in json.dumps(response.json(), ensure_ascii=False)


def test_open311_dates_with_an_offset_filter_in_utc(client, world):
    assert client.get("/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B14:00").status_code == 200
