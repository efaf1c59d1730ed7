"""The public side keeps receiving complaints when Redis is down and answers clean JSON 503s when the
database is (issue 17, items 1 and 8). "Down" is real: the cache or the database connection points
at a loopback port nobody listens on, or the request's own PostgreSQL session is killed; the shared
services are never stopped."""

from __future__ import annotations

import logging
import socket

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import close_old_connections, connection
from django.test import Client
from rest_framework.test import APIRequestFactory

from cases.models import Case
from publicsite import ratelimit
from publicsite.api import PublicAPIView

from .conftest import api_submit, complaint_payload

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    """The cache (Redis) unreachable: connection refused, as with Redis stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    ratelimit.local_counter.clear()
    ratelimit._state.update(down_until=0.0, degraded=False)
    yield
    ratelimit.local_counter.clear()
    ratelimit._state.update(down_until=0.0, degraded=False)


def _person(n: int) -> dict:
    return {
        "full_name": "Trần Thị Bình",
        "national_id": f"00119901234{n}",
        "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
        "phone": f"098765432{n}",
        "email": f"binh{n}@example.vn",
    }


def test_with_redis_down_a_complaint_is_received_and_the_limit_counts_in_the_process(
    client, world, settings, cache_down, caplog
):
    settings.PUBLIC_RATE_LIMITS = {"submit": "2/h", "track": "60/h"}
    with caplog.at_level(logging.WARNING, logger="publicsite.ratelimit"):
        first = api_submit(client, complaint_payload(parties=[_person(1)]))
        second = api_submit(client, complaint_payload(parties=[_person(2)]))
        third = api_submit(client, complaint_payload(parties=[_person(3)]))
    assert first.status_code == second.status_code == 201, first.content
    assert third.status_code == 429 and third["Retry-After"]  # fail-open is not limit-free
    assert Case.objects.count() == 2
    switches = [r for r in caplog.records if "failing open" in r.getMessage()]
    assert len(switches) == 1 and switches[0].exc_info is None  # one line, not one per request


def test_the_shared_cache_answering_again_is_logged_and_used(client, world, settings, cache_down, caplog):
    settings.PUBLIC_RATE_LIMITS = {"submit": "100/h"}
    assert api_submit(client, complaint_payload(parties=[_person(4)])).status_code == 201
    # Redis is back: the real cache of this test run.
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": _real_cache_location()}}
    ratelimit._state["down_until"] = 0.0
    with caplog.at_level(logging.WARNING, logger="publicsite.ratelimit"):
        assert api_submit(client, complaint_payload(parties=[_person(5)])).status_code == 201
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert not ratelimit._state["degraded"]


def _real_cache_location() -> str:
    import os

    return os.environ.get("CACHE_URL", "redis://127.0.0.1:6389/2")


def test_with_redis_down_the_statistics_are_computed_without_the_cache(client, world, cache_down):
    response = client.get("/api/v1/statistics/")
    assert response.status_code == 200 and "rows" in response.json()


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_the_api_answers_json_503_with_retry_after(world, settings):
    settings.PUBLIC_RATE_LIMITS = {}
    settings.PUBLIC_API_RETRY_AFTER_SECONDS = 17
    client = Client(raise_request_exception=False)
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    try:
        responses = [
            api_submit(client, complaint_payload(parties=[_person(6)])),
            client.get("/api/v1/cases/HN-2026-000001/", HTTP_X_ACCESS_KEY="ABCD-EFGH-JKMN-PQRS"),
            client.get("/api/v1/authorities/", HTTP_ACCEPT_LANGUAGE="en"),
            client.get("/open311/v2/requests.json"),
        ]
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    for response in responses:
        assert response.status_code == 503, (response.status_code, response.content[:200])
        assert response["Content-Type"].startswith("application/json")
        assert response["Retry-After"] == "17"
        assert "no-store" in response["Cache-Control"]
        assert response.json()["detail"]
    assert "temporarily unavailable" in responses[2].json()["detail"]
    assert "gián đoạn" in responses[0].json()["detail"]
    assert Case.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_killed_database_session_mid_request_is_a_json_503_and_the_next_request_reconnects(world, settings):
    settings.PUBLIC_RATE_LIMITS = {}
    client = Client(raise_request_exception=False)
    connection.ensure_connection()
    db = django_settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    killed = api_submit(client, complaint_payload(parties=[_person(7)]))
    assert killed.status_code == 503 and killed.json()["detail"] and killed["Retry-After"]
    # What Django's handler does at the end of every request (the test client skips it): a connection
    # that failed and is unusable is closed, so the next request opens a new one.
    close_old_connections()
    again = api_submit(client, complaint_payload(parties=[_person(8)]))
    assert again.status_code == 201, again.content


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_a_public_page_is_a_503_page_not_a_bare_500(world):
    client = Client(raise_request_exception=False)
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    try:
        response = client.get("/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    assert response.status_code == 503 and response["Retry-After"]
    body = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in body and "temporarily unavailable" in body


class Broken(PublicAPIView):
    def get(self, request):
        raise RuntimeError("a bug, with a row's value in its message: 0987654321")


def test_an_unexpected_api_error_is_a_json_500_logged_without_its_message(caplog):
    request = APIRequestFactory().get("/api/v1/broken/")
    with caplog.at_level(logging.ERROR, logger="publicsite.api"):
        response = Broken.as_view()(request).render()
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.data["detail"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "0987654321" not in logged


def test_the_schema_documents_the_503_with_retry_after_and_the_json_500_on_every_operation(client, world):
    schema = client.get("/api/v1/schema/").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert "Retry-After" in answers["503"]["headers"], (path, method)
            assert answers["500"]["content"]["application/json"], (path, method)
