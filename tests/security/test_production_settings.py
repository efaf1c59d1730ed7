"""Finding 13 (and the start-up half of finding 6): production refuses weak secrets and backends
that write messages in clear, passes Django's deploy check, every HTML page carries a CSP, and the
check guarding the reference sequence's name survives ``python -O``."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _env(**overrides) -> dict:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_ALLOWED_HOSTS": "kntc.example.vn",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.vn:587",
    }
    env.pop("EMAIL_BACKEND", None)
    env.pop("SMS_BACKEND", None)
    env.update(overrides)
    return env


def _manage(*args, **overrides):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(**overrides), capture_output=True, text=True
    )


def test_check_deploy_with_production_settings_gives_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"DJANGO_SECRET_KEY": "x"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "a" * 80}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me" + "x" * 40}, "DJANGO_SECRET_KEY"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "Fernet"),
        ({"BLIND_INDEX_KEY": ""}, "BLIND_INDEX_KEY"),
        ({"SMS_BACKEND": "notifications.channels.sms.FileSmsBackend"}, "SMS_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
    ],
)
def test_production_refuses_to_start_with(overrides, message):
    result = _manage("check", **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_the_reference_sequence_check_survives_python_O():
    code = (
        "import django; django.setup()\n"
        "from cases.references import _next_number\n"
        "try:\n"
        '    _next_number("X\'; DROP TABLE cases_case; --", 2026)\n'
        "except ValueError as exc:\n"
        "    print('refused', exc)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-O", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "refused" in result.stdout, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_html_page_carries_a_content_security_policy(client):
    from publicsite.setup import ensure_site

    ensure_site()
    public = client.get("/")
    policy = public["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    admin = client.get("/admin/login/")
    assert "frame-ancestors 'self'" in admin["Content-Security-Policy"]
    assert "Content-Security-Policy" not in client.get("/api/v1/")  # JSON: nothing to execute
