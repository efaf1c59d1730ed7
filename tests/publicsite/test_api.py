"""The public JSON API: filing, following, documents, withdrawal, statistics, the OpenAPI
schema and Open311 — and every bad input: 400, 404, 409, 413, 415, 429, never a 500, never a write."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from cases import rules, services
from cases.models import Attachment, Case, CaseEvent, Party, Role
from cases.selectors import case_get_for_tracking

from .conftest import PERSON, api_submit, complaint_payload, docx_bytes, named_file, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

SECRETS = ("Trần Thị Bình", "001199012345", "binh.tran@example.vn", "0987", "Hàng Bạc")


def counts():
    return (
        Case.objects.count(),
        Party.objects.count(),
        Attachment.objects.count(),
        CaseEvent.objects.count(),
    )


def test_create_json_returns_201_with_reference_key_status_and_acceptance_due(client, world):
    response = api_submit(client)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert case_get_for_tracking(body["reference"], body["access_key"]) == case
    assert body["status"] == "received"
    first_open = case.deadlines.filter(state="open").order_by("due_at").first()
    assert body["acceptance_due"] == first_open.due_date.isoformat()
    assert body["acceptance_deadline"]["legal_basis"] == first_open.legal_basis_vi
    assert response["Location"] == f"/api/v1/cases/{body['reference']}/"
    assert "no-store" in response["Cache-Control"]
    assert case.parties.get().full_name == "Trần Thị Bình"


def test_create_multipart_with_files_sniffs_types(client, world):
    files = [
        named_file("a.pdf", pdf_bytes()),
        named_file("anh.png", png_bytes()),
        named_file("b.docx", docx_bytes()),
    ]
    response = api_submit(client, files=files)
    assert response.status_code == 201, response.content
    assert sorted(response.json()["attachments"]) == ["a.pdf", "anh.png", "b.docx"]
    case = Case.objects.get(reference=response.json()["reference"])
    assert sorted(case.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "lawsuit"}, "kind"),
        ({"subject": ""}, "subject"),
        ({"description": "   "}, "description"),
        ({"contested_act": ""}, "contested_act"),
        ({"contested_act_known_on": "2026-02-30"}, "contested_act_known_on"),
        ({"parties": []}, "parties"),
        ({"parties": [{**PERSON, "full_name": ""}]}, "parties.0.full_name"),
        ({"parties": [{**PERSON, "national_id": "12"}]}, "parties.0.national_id"),
        ({"parties": [{**PERSON, "email": "no-at-sign"}]}, "parties.0.email"),
        ({"parties": [{**PERSON, "full_name": 42}]}, "parties.0.full_name"),
        ({"parties": "Trần Thị Bình"}, "parties"),
        ({"parties": [dict(PERSON), {**PERSON, "national_id": "001099000111"}]}, "parties"),
        ({"declaration": False}, "declaration"),
        ({"consent": False}, "consent"),
        ({"signature": "Người Khác"}, "signature"),
        ({"declaration": "maybe"}, "declaration"),
        ({"subject": "x" * 301}, "subject"),
        ({"subject": "bad\x00byte"}, "subject"),
        ({"kind": "denunciation", "parties": [{**PERSON, "phone": "", "email": ""}]}, "parties.0.phone"),
        ({"kind": "anonymous_report", "parties": [dict(PERSON)], "accused_name": "X"}, "parties"),
    ],
)
def test_bad_fields_give_400_with_field_errors_and_write_nothing(client, world, change, field):
    before = counts()
    response = api_submit(client, complaint_payload(**change))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_complaint_older_than_90_days_needs_delay_reason(client, world):
    old = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    response = api_submit(client, complaint_payload(contested_act_known_on=old))
    assert response.status_code == 400 and "delay_reason" in response.json()["errors"]
    response = api_submit(client, complaint_payload(contested_act_known_on=old, delay_reason="Thiên tai"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2, 3]", b'"a string"', b"\xff\xfe\x00garbage", b"null"],
)
def test_malformed_bodies_are_400(client, world, body):
    before = counts()
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert counts() == before


def test_unsupported_body_type_is_415(client, world):
    response = client.post("/api/v1/cases/", "kind=complaint", content_type="text/plain")
    assert response.status_code == 415
    response = client.post("/api/v1/cases/", "<case/>", content_type="application/xml")
    assert response.status_code == 415


def test_multipart_needs_a_json_payload(client, world):
    assert client.post("/api/v1/cases/", {"files": [named_file("a.pdf", pdf_bytes())]}).status_code == 400
    response = client.post(
        "/api/v1/cases/", {"payload": "{oops", "files": [named_file("a.pdf", pdf_bytes())]}
    )
    assert response.status_code == 400 and "payload" in response.json()["errors"]


def test_file_of_the_wrong_type_is_415_whatever_its_name(client, world):
    before = counts()
    response = api_submit(client, files=[named_file("scan.pdf", b"GIF89a....", "application/pdf")])
    assert response.status_code == 415
    assert "scan.pdf" in response.json()["errors"]["files"][0]
    assert counts() == before


def test_files_too_large_are_413(client, world, monkeypatch):
    monkeypatch.setattr(rules, "MAX_FILE_BYTES", 200)
    before = counts()
    response = api_submit(client, files=[named_file("big.pdf", pdf_bytes("x" * 300))])
    assert response.status_code == 413
    monkeypatch.setattr(rules, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(rules, "MAX_TOTAL_BYTES", 300)
    files = [named_file(f"{i}.pdf", pdf_bytes("y" * 150)) for i in range(3)]
    assert api_submit(client, files=files).status_code == 413
    assert counts() == before


def test_body_larger_than_allowed_is_413_before_parsing(client, world):
    response = client.post(
        "/api/v1/cases/", b"{}", content_type="application/json", CONTENT_LENGTH=str(80 * 1024 * 1024)
    )
    assert response.status_code == 413


def test_json_body_over_the_memory_limit_is_413(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_submit(client, complaint_payload(description="x" * 5000))
    assert response.status_code == 413


def test_more_than_ten_files_is_refused(client, world):
    files = [named_file(f"{i}.pdf", pdf_bytes(str(i))) for i in range(11)]
    response = api_submit(client, files=files)
    assert response.status_code == 400 and "files" in response.json()["errors"]


def test_honeypot_field_is_refused(client, world):
    response = api_submit(client, complaint_payload(website="http://spam"))
    assert response.status_code == 400 and Case.objects.count() == 0


def test_submissions_are_rate_limited_429(client, world, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": "3/h", "track": "60/h"}
    for _ in range(3):
        assert api_submit(client).status_code == 201
    response = api_submit(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Case.objects.count() == 3
    assert api_submit(Client(REMOTE_ADDR="192.0.2.7")).status_code == 201


def test_default_limits_are_ten_submissions_and_sixty_lookups_an_hour(settings):
    from publicsite.ratelimit import parse_rate

    assert parse_rate(settings.PUBLIC_RATE_LIMITS["submit"]).count == 10
    assert parse_rate(settings.PUBLIC_RATE_LIMITS["submit"]).seconds == 3600
    assert parse_rate(settings.PUBLIC_RATE_LIMITS["track"]).count == 60


def test_eleventh_submission_in_an_hour_is_429_with_the_default_limit(client, world):
    for _ in range(10):
        assert api_submit(client, complaint_payload(subject="x")).status_code == 201
    assert api_submit(client).status_code == 429


def test_get_case_with_key(client, world):
    created = api_submit(client, files=[named_file("a.pdf", pdf_bytes())]).json()
    response = client.get(f"/api/v1/cases/{created['reference']}/", HTTP_X_ACCESS_KEY=created["access_key"])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "received" and body["status_label"] == "Đã tiếp nhận"
    assert (
        body["deadlines"][0]["legal_basis"] and body["deadlines"][0]["due_date"] == created["acceptance_due"]
    )
    assert body["timeline"][0]["kind"] == "case.received"
    assert body["documents"][0]["name"] == "a.pdf"
    assert body["can_withdraw"] is True and body["can_add_documents"] is True
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text
    # English on request
    english = client.get(
        f"/api/v1/cases/{created['reference']}/",
        HTTP_X_ACCESS_KEY=created["access_key"],
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert english["status_label"] == "Received"


def test_unknown_reference_and_wrong_key_are_the_same_404(client, world):
    created = api_submit(client).json()
    wrong = client.get(f"/api/v1/cases/{created['reference']}/", HTTP_X_ACCESS_KEY="AAAA-BBBB-CCCC-DDDD")
    unknown = client.get("/api/v1/cases/HN-2026-999999/", HTTP_X_ACCESS_KEY=created["access_key"])
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    missing = client.get(f"/api/v1/cases/{created['reference']}/")
    assert missing.status_code == 400 and "X-Access-Key" in missing.json()["errors"]
    # the key is never accepted from the query string
    assert (
        client.get(f"/api/v1/cases/{created['reference']}/?access_key={created['access_key']}").status_code
        == 400
    )


def test_lookups_are_rate_limited_429(client, world, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": "10/h", "track": "2/h"}
    created = api_submit(client).json()
    url = f"/api/v1/cases/{created['reference']}/"
    assert client.get(url, HTTP_X_ACCESS_KEY="AAAA-BBBB-CCCC-DDDD").status_code == 404
    assert client.get(url, HTTP_X_ACCESS_KEY="AAAA-BBBB-CCCC-DDDE").status_code == 404
    response = client.get(url, HTTP_X_ACCESS_KEY=created["access_key"])
    assert response.status_code == 429 and "Retry-After" in response


def test_add_documents(client, world):
    created = api_submit(client).json()
    url = f"/api/v1/cases/{created['reference']}/documents/"
    response = client.post(
        url,
        {"files": [named_file("bo-sung.pdf", pdf_bytes())], "note": "Sổ đỏ"},
        HTTP_X_ACCESS_KEY=created["access_key"],
    )
    assert response.status_code == 201, response.content
    document = response.json()["documents"][0]
    assert document["name"] == "bo-sung.pdf"
    download = client.get(document["url"], HTTP_X_ACCESS_KEY=created["access_key"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf_bytes()
    assert client.get(document["url"], HTTP_X_ACCESS_KEY="AAAA-BBBB-CCCC-DDDD").status_code == 404
    case = Case.objects.get(reference=created["reference"])
    assert case.attachments.get().kind == "supplement"


def test_add_documents_bad_input(client, world):
    created = api_submit(client).json()
    url = f"/api/v1/cases/{created['reference']}/documents/"
    key = {"HTTP_X_ACCESS_KEY": created["access_key"]}
    assert client.post(url, {"note": "  "}, **key).status_code == 400
    assert client.post(url, {"note": "x" * 2001}, **key).status_code == 400
    assert client.post(url, {"files": [named_file("x.exe", b"MZ")]}, **key).status_code == 415
    assert (
        client.post(url, json.dumps({"files": []}), content_type="application/json", **key).status_code == 415
    )
    assert (
        client.post(url, {"files": [named_file("a.pdf", pdf_bytes())]}, HTTP_X_ACCESS_KEY="WRONG").status_code
        == 404
    )
    assert Attachment.objects.count() == 0


def test_a_written_supplement_needs_no_file(client, world):
    created = api_submit(client).json()
    url = f"/api/v1/cases/{created['reference']}/documents/"
    response = client.post(
        url, {"note": "Tôi nhận quyết định ngày 05/03"}, HTTP_X_ACCESS_KEY=created["access_key"]
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "reference": created["reference"],
        "note": "Tôi nhận quyết định ngày 05/03",
        "documents": [],
    }
    case_url = f"/api/v1/cases/{created['reference']}/"
    body = client.get(case_url, HTTP_X_ACCESS_KEY=created["access_key"]).json()
    assert any(t["kind"] == "case.supplemented" for t in body["timeline"])
    assert Attachment.objects.count() == 0


def test_documents_refused_once_the_case_is_finished(client, world):
    created = api_submit(client).json()
    case = Case.objects.get(reference=created["reference"])
    services.case_reject(case=case, actor=world.user(Role.INTAKE), reason_code="KN-11-6")
    response = client.post(
        f"/api/v1/cases/{created['reference']}/documents/",
        {"files": [named_file("a.pdf", pdf_bytes())]},
        HTTP_X_ACCESS_KEY=created["access_key"],
    )
    assert response.status_code == 409
    body = client.get(
        f"/api/v1/cases/{created['reference']}/", HTTP_X_ACCESS_KEY=created["access_key"]
    ).json()
    rejected = next(t for t in body["timeline"] if t["kind"] == "case.rejected")
    assert any("Điều 11" in d["value"] for d in rejected["details"])  # the legal basis is shown


def test_withdraw(client, world):
    created = api_submit(client).json()
    url = f"/api/v1/cases/{created['reference']}/withdraw/"
    key = {"HTTP_X_ACCESS_KEY": created["access_key"]}
    response = client.post(
        url, json.dumps({"statement": "Đã thỏa thuận"}), content_type="application/json", **key
    )
    assert response.status_code == 400 and "confirm" in response.json()["errors"]
    assert Case.objects.get(reference=created["reference"]).status == "received"
    response = client.post(url, json.dumps({"confirm": True}), content_type="application/json", **key)
    # The click records the intent; the signed letter makes the withdrawal (Law on Complaints Art 10).
    assert response.status_code == 200 and response.json()["status"] == "received"
    assert response.json()["can_withdraw"] is False
    case = Case.objects.get(reference=created["reference"])
    assert case.withdrawal_requested_at is not None
    again = client.post(url, json.dumps({"confirm": True}), content_type="application/json", **key)
    assert again.status_code == 409 and "Điều 10" in again.json()["detail"]


def test_withdraw_refused_after_the_decision(client, world):
    created = api_submit(client).json()
    case = Case.objects.get(reference=created["reference"])
    services.case_accept(case=case, actor=world.user(Role.INTAKE))
    services.case_conclude(
        case=case, actor=world.user(Role.HEAD_OF_UNIT), outcome="wrong", summary="Khiếu nại sai"
    )
    response = client.post(
        f"/api/v1/cases/{created['reference']}/withdraw/",
        json.dumps({"confirm": True}),
        content_type="application/json",
        HTTP_X_ACCESS_KEY=created["access_key"],
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).status == "decided"


def test_withdraw_with_wrong_key_is_404_and_changes_nothing(client, world):
    created = api_submit(client).json()
    response = client.post(
        f"/api/v1/cases/{created['reference']}/withdraw/",
        json.dumps({"confirm": True}),
        content_type="application/json",
        HTTP_X_ACCESS_KEY="AAAA-BBBB-CCCC-DDDD",
    )
    assert response.status_code == 404
    assert Case.objects.get(reference=created["reference"]).status == "received"


def test_schema_describes_the_real_endpoints(client, world):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    described = set()
    for path, operations in schema["paths"].items():
        concrete = path.replace("{reference}", "HN-2026-000001").replace("{id}", "1")
        concrete = concrete.replace("{service_request_id}", "HN-2026-000001")
        match = resolve(concrete)
        view = match.func.view_class
        for method in operations:
            assert hasattr(view, method), f"{method.upper()} {path} is described but {view.__name__} lacks it"
        described.add(match.url_name)
    from publicsite import urls

    api_routes = {p.name for p in urls.urlpatterns if str(p.pattern).startswith(("api/", "open311/"))}
    assert api_routes == described, api_routes ^ described
    refs = json.dumps(schema)
    for name in schema["components"]["schemas"]:
        assert f"#/components/schemas/{name}" in refs or name == "Submission"


def test_statistics_endpoint_and_bad_parameters(client, world):
    response = client.get("/api/v1/statistics/")
    assert response.status_code == 200
    body = response.json()
    assert body["min_cases"] == 10 and "rows" in body and "total" in body
    assert client.get("/api/v1/statistics/?year=abc").status_code == 400
    assert client.get("/api/v1/statistics/?quarter=7").status_code == 400
    assert client.get("/api/v1/statistics/?authority=NOPE").status_code == 400
    assert client.get("/api/v1/statistics/?authority=HN&quarter=1").status_code == 200


def test_authorities_list(client, world):
    codes = [a["code"] for a in client.get("/api/v1/authorities/").json()]
    assert {"HN", "HN-SXD", "HP"} <= set(codes)


def test_open311_services_and_requests_show_no_identity_and_no_denunciations(client, world):
    services_list = client.get("/open311/v2/services.json").json()
    assert {s["service_code"] for s in services_list} == {"complaint", "denunciation", "petition"}
    complaint = api_submit(client).json()
    denunciation = api_submit(
        client, complaint_payload(kind="denunciation", accused_name="Ông Nguyễn Văn X, cán bộ địa chính")
    ).json()
    response = client.get("/open311/v2/requests.json")
    assert response.status_code == 200
    ids = [r["service_request_id"] for r in response.json()]
    # Opaque ids, not references (the numbering's gaps would tell the denunciations apart).
    from publicsite.public_ids import token

    assert token(complaint["reference"]) in ids and token(denunciation["reference"]) not in ids
    assert complaint["reference"] not in response.content.decode()
    text = response.content.decode()
    for secret in (*SECRETS, "Nguyễn Văn X", "thu hồi đất", complaint["access_key"]):
        assert secret not in text
    one = client.get(f"/open311/v2/requests/{token(complaint['reference'])}.json")
    assert one.status_code == 200 and one.json()[0]["status"] == "open"
    assert client.get(f"/open311/v2/requests/{token(denunciation['reference'])}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{complaint['reference']}.json").status_code == 404
    assert client.post("/open311/v2/requests.json", {}).status_code == 405
    assert client.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    assert client.get("/open311/v2/requests.json?service_code=denunciation").status_code == 400
    assert client.get("/open311/v2/discovery.json").status_code == 200


def test_wrong_methods_are_405_not_500(client, world):
    assert client.get("/api/v1/cases/").status_code == 405
    assert client.delete("/api/v1/cases/HN-2026-000001/").status_code == 405
    assert client.put("/api/v1/statistics/").status_code == 405


def test_nul_bytes_and_junk_in_urls_and_parameters_are_not_500(client, world):
    key = {"HTTP_X_ACCESS_KEY": "ABCD-EFGH-JKMN-PQRS"}
    assert client.get("/api/v1/cases/HN%00-2026/", **key).status_code == 404
    assert client.get("/api/v1/cases/%27%3B--/", **key).status_code == 404
    assert client.get("/api/v1/cases/HN-2026-000001/", HTTP_X_ACCESS_KEY="\x00").status_code == 404
    assert client.get("/api/v1/statistics/?authority=H%00N").status_code == 400
    assert client.get("/thong-ke/?authority=H%00N").status_code == 200
    nothing = client.get("/open311/v2/requests.json?service_request_id=%00")
    assert nothing.status_code == 200 and nothing.json() == []  # never the whole list
    assert client.get("/open311/v2/requests/%00.json").status_code == 404
    response = client.post("/tra-cuu/", {"action": "lookup", "reference": "HN\x00", "access_key": "\x00"})
    assert response.status_code == 200
