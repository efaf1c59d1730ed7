"""Shared fixtures. The suite runs against the real services scripts/services.sh starts; a service
that is not there is a test failure with a message, never a skip."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from elasticsearch import Elasticsearch

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session", autouse=True)
def require_services():
    """Fail the whole run loudly when Redis or Elasticsearch is down (PostgreSQL fails by itself)."""
    problems = []
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis at {settings.CELERY_BROKER_URL}: {exc}")
    es = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=5)
    try:
        es.cluster.health()
    except Exception as exc:
        problems.append(f"Elasticsearch at {settings.ELASTICSEARCH_URL}: {exc}")
    if problems:
        pytest.exit(
            "Required services are not running (start them with `bash scripts/services.sh start`):\n  "
            + "\n  ".join(problems),
            returncode=3,
        )


@pytest.fixture(scope="session")
def services_script():
    """Run scripts/services.sh to stop or start one real service during a test."""

    def run(action: str, service: str) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "services.sh"), action, service], check=True)

    return run


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on the real Redis broker, pointed at the test database.

    Tests that use it must not be wrapped in a transaction (hence transactional_db): the worker
    is another process and only sees committed rows."""
    from config.celery import app

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    app.control.purge()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    old_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"Celery worker exited with {proc.returncode}")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.kill()
        pytest.fail("Celery worker did not answer a ping within 60 s")
    yield proc
    app.conf.task_always_eager = old_eager
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
