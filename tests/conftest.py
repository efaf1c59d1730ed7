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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese: requests through LocaleMiddleware leave the thread's language
    activated, which would leak into the next test's commands and templates."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def services_script():
    """Run scripts/services.sh to stop or start one real service during a test."""

    def run(action: str, service: str) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "services.sh"), action, service], check=True)

    return run


def start_celery_worker(extra_env: dict | None = None, name: str = "test") -> subprocess.Popen:
    """Start a real Celery worker process (solo pool) on the real Redis broker, pointed at the test
    database, and return once it answers a ping. It consumes every queue (default and
    notifications). ``extra_env`` adds settings for that process only."""
    from config.celery import app

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(extra_env or {}),
    }
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
            f"{name}-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"Celery worker exited with {proc.returncode}")
        if app.control.ping(timeout=0.5):
            return proc
    proc.kill()
    pytest.fail("Celery worker did not answer a ping within 60 s")


def stop_celery_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on the real Redis broker, pointed at the test database.

    Tests that use it must not be wrapped in a transaction (hence transactional_db): the worker
    is another process and only sees committed rows."""
    from config.celery import app

    app.control.purge()
    old_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # Eager tasks run in threads by earlier tests can leave Celery's process-global "inside a task"
    # flag set (it is not thread-safe); this process is the client here, so joining is fine.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    proc = start_celery_worker()
    yield proc
    app.conf.task_always_eager = old_eager
    stop_celery_worker(proc)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class World:
    """Two separate authority trees with a user for every role in each (for cross-agency tests)."""

    def __init__(self):
        from cases.models import Authority, Holiday, Role
        from cases.roles import membership_grant
        from tests.factories import AuthorityFactory, UserFactory

        self.hn = AuthorityFactory(
            code="HN", name_vi="UBND Thành phố Hà Nội", level=Authority.Level.PROVINCIAL
        )
        self.hn_sxd = AuthorityFactory(code="HN-SXD", name_vi="Sở Xây dựng Hà Nội", parent=self.hn)
        self.hn_ward = AuthorityFactory(
            code="HN-P-HK", name_vi="UBND phường Hoàn Kiếm", parent=self.hn, level=Authority.Level.COMMUNE
        )
        self.hp = AuthorityFactory(
            code="HP", name_vi="UBND Thành phố Hải Phòng", level=Authority.Level.PROVINCIAL
        )
        self.hp_sxd = AuthorityFactory(code="HP-SXD", name_vi="Sở Xây dựng Hải Phòng", parent=self.hp)
        self.users = {}
        for tree, unit in (("hn", self.hn_sxd), ("hp", self.hp_sxd)):
            top = getattr(self, tree)
            for role, where in (
                (Role.INTAKE, top),
                (Role.INSPECTOR, unit),
                (Role.HEAD_OF_UNIT, unit),
                (Role.HEAD_OF_AGENCY, top),
                (Role.AUDITOR, top),
                (Role.ADMINISTRATOR, top),
            ):
                user = UserFactory(username=f"{tree}_{role}")
                membership_grant(user=user, authority=where, role=role)
                self.users[(tree, role)] = user
        self.inspector2 = UserFactory(username="hn_inspector2")
        membership_grant(user=self.inspector2, authority=self.hn_sxd, role=Role.INSPECTOR)
        # Enough of the official calendar for deadline arithmetic in service tests.
        import csv

        with open(ROOT / "cases" / "data" / "holidays_vn_2025_2027.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                Holiday.objects.get_or_create(
                    date=row["date"], defaults={"kind": row["kind"], "name": row["name"]}
                )

    def user(self, role: str, tree: str = "hn"):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(pk=self.users[(tree, role)].pk)  # fresh: no cached perms


@pytest.fixture
def world(db):
    return World()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (scripts/install_services.sh installs it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make around it
    # are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    """A fresh browser context per test, pointed at the live test server."""
    from publicsite.setup import ensure_site

    ensure_site()  # transactional tests flush the rows the data migration made
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # The pages must pass their own Content-Security-Policy (config/csp.py): the browser reports
    # every blocked script, style, frame or form target on the console.
    violations: list[str] = []
    pg.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield pg
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
