"""SMS through a gateway. ``settings.SMS_BACKEND`` names the class: ``HttpSmsBackend`` posts to the
operator's HTTP gateway (``SMS_GATEWAY_URL``, ``SMS_GATEWAY_TOKEN``, ``SMS_GATEWAY_TIMEOUT``);
``FileSmsBackend`` writes each message to a file under ``SMS_FILE_PATH`` for development and tests.

Each backend can also say whether a message with a given reference (the outbox row's dedupe key)
arrived: ``lookup(reference)`` returns the gateway's id, ``None`` when it never arrived, or raises
``LookupUnavailable``. That is how a message whose send outcome is unknown is reconciled."""

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

from . import DeliveryUnknown, LookupUnavailable


class SmsError(Exception):
    pass


class SmsBackend:
    """Send one text message; return the gateway's message id (or ""); raise on failure
    (``DeliveryUnknown`` when the gateway may have taken it)."""

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        raise NotImplementedError

    def lookup(self, reference: str) -> str | None:
        """The gateway's id of the message sent with ``reference``, or None if none arrived."""
        raise LookupUnavailable(f"{type(self).__name__} cannot look messages up")


class HttpSmsBackend(SmsBackend):
    """A JSON POST with a bearer token: ``{"to", "message", "reference"}``. Any 2xx is success; the
    response may carry ``{"id": ...}``. ``reference`` is our idempotency key, so a gateway that
    honours it drops a repeated request."""

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        status_url: str | None = None,
    ):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = float(
            timeout if timeout is not None else getattr(settings, "SMS_GATEWAY_TIMEOUT", 10.0)
        )
        self.status_url = (
            status_url if status_url is not None else getattr(settings, "SMS_GATEWAY_STATUS_URL", "")
        )
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not configured")

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def send(self, *, to: str, body: str, reference: str = "") -> str:
        headers = self._headers()
        if reference:
            headers["Idempotency-Key"] = reference
        try:
            response = requests.post(
                self.url,
                data=json.dumps({"to": to, "message": body, "reference": reference}),
                headers=headers,
                timeout=self.timeout,
            )
        except requests.ConnectTimeout as exc:  # no TCP connection in time: nothing was sent
            raise SmsError(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc
        except requests.ConnectionError as exc:
            if _before_request(exc):  # refused, unreachable: nothing was sent
                raise SmsError(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc
            raise DeliveryUnknown(f"SMS gateway did not answer: {exc.__class__.__name__}") from exc
        except requests.RequestException as exc:
            # The request went out and the answer did not come back (read timeout, broken reply).
            raise DeliveryUnknown(f"SMS gateway did not answer: {exc.__class__.__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"SMS gateway answered HTTP {response.status_code}")
        try:
            return str(response.json().get("id", ""))
        except ValueError:
            return ""

    def lookup(self, reference: str) -> str | None:
        """GET ``SMS_GATEWAY_STATUS_URL?reference=...``: 200 with ``{"id": ...}`` when the gateway has
        the message, 404 when it has none."""
        if not self.status_url:
            raise LookupUnavailable("SMS_GATEWAY_STATUS_URL is not configured")
        try:
            response = requests.get(
                self.status_url,
                params={"reference": reference},
                headers=self._headers(),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise LookupUnavailable(f"SMS gateway status unreachable: {exc.__class__.__name__}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise LookupUnavailable(f"SMS gateway status answered HTTP {response.status_code}")
        try:
            return str(response.json().get("id", "")) or "?"
        except ValueError:
            return "?"


def _before_request(exc: BaseException) -> bool:
    """Whether a connection error happened before any byte of the request was sent: urllib3 reports
    that as NewConnectionError (refused, unreachable) or ConnectTimeoutError; a connection reset or
    closed while waiting for the answer is not that."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    todo: list[BaseException] = [exc]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectTimeoutError):
            return True
        linked = [getattr(current, "reason", None), current.__cause__, current.__context__, *current.args]
        todo.extend(e for e in linked if isinstance(e, BaseException))
    return False


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

    def lookup(self, reference: str) -> str | None:
        if not self.path.exists():
            return None
        for f in self.path.glob("*.json"):
            try:
                record = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if record.get("reference") == reference:
                return str(record.get("id", "")) or "?"
        return None


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str, reference: str = "") -> str:
    return get_sms_backend().send(to=to, body=body, reference=reference)
