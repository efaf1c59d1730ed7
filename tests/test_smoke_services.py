"""One round trip per real service: PostgreSQL, Redis with a Celery worker, Elasticsearch."""

import uuid

import elasticsearch
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from elasticsearch import Elasticsearch


@pytest.mark.django_db
def test_postgres_round_trip():
    assert connection.vendor == "postgresql", "the suite must run on PostgreSQL, not SQLite"
    user = get_user_model().objects.create_user(username="smoke", password="x")
    assert get_user_model().objects.get(pk=user.pk).username == "smoke"
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print("postgres", cur.fetchone()[0])


@pytest.mark.worker
def test_celery_task_round_trips_through_redis_with_a_real_worker(celery_worker_process):
    from config.celery import ping

    token = uuid.uuid4().hex
    result = ping.delay(token)
    assert result.get(timeout=30) == f"pong:{token}"


def test_elasticsearch_document_round_trip():
    es = Elasticsearch(settings.ELASTICSEARCH_URL)
    info = es.nodes.info(node_id="_local")
    server_version = next(iter(info["nodes"].values()))["version"]
    print("elasticsearch", server_version, "client", elasticsearch.__versionstr__)
    assert server_version.split(".")[0] == elasticsearch.__versionstr__.split(".")[0]
    assert server_version == settings.ELASTICSEARCH_VERSION

    index = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-smoke-{uuid.uuid4().hex[:8]}"
    try:
        es.index(index=index, id="1", document={"subject": "khiếu nại đất đai"}, refresh=True)
        assert es.get(index=index, id="1")["_source"]["subject"] == "khiếu nại đất đai"
    finally:
        es.indices.delete(index=index, ignore_unavailable=True)
