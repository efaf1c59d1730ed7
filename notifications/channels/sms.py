"""SMS through a gateway. ``settings.SMS_BACKEND`` names the class: ``HttpSmsBackend`` posts to the
operator's HTTP gateway (``SMS_GATEWAY_URL``, ``SMS_GATEWAY_TOKEN``); ``FileSmsBackend`` writes each
message to a file under ``SMS_FILE_PATH`` for development and tests."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from cases.redaction import redact_secrets


class SmsError(Exception):
    pass


class SmsBackend:
    """Send one text message; return the gateway's message id (or ""); raise on failure."""

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        raise NotImplementedError


class HttpSmsBackend(SmsBackend):
    """A JSON POST with a bearer token: ``{"to", "message", "reference"}``. Any 2xx is success; the
    response may carry ``{"id": ...}``. ``reference`` is our idempotency key, so a gateway that
    honours it drops a repeated request."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 15.0):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not configured")

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if reference:
            headers["Idempotency-Key"] = reference
        try:
            response = requests.post(
                self.url,
                data=json.dumps({"to": to, "message": body, "reference": reference}),
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise SmsError(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"SMS gateway answered HTTP {response.status_code}")
        try:
            return str(response.json().get("id", ""))
        except ValueError:
            return ""


class FileSmsBackend(SmsBackend):
    """One JSON file per message under ``SMS_FILE_PATH`` (development, tests), 0600, with any
    access key in the message masked (``cases.redaction.redact_secrets``): a developer's disk never
    keeps one. Production refuses this backend (``config/settings/production.py``)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path if path is not None else settings.SMS_FILE_PATH)

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        record = {
            "id": message_id,
            "to": to,  # the address (the file is 0600); the message keeps no access key
            "message": redact_secrets(body, phones=False),
            "reference": reference,
        }
        record["at"] = timezone.now().isoformat()
        target = self.path / f"{timezone.now():%Y%m%dT%H%M%S}-{message_id}.json"
        tmp = target.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False))
        tmp.replace(target)
        return message_id


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str, reference: str = "") -> str:
    return get_sms_backend().send(to=to, body=body, reference=reference)
