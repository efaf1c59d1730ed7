"""E-mail through Django's configured backend: SMTP in production (``EMAIL_URL``, see
config/settings/base.py); console, file or locmem in development and tests.

SMTP goes through :class:`SmtpEmailBackend`, Django's backend with two changes that matter when the
server misbehaves: a connection that breaks or times out after the message's end-of-data marker was
sent (the server may have accepted it) raises :class:`~notifications.channels.DeliveryUnknown`
instead of an ordinary error, and a failing QUIT after an accepted message is not an error at all.
Every socket operation is bounded by ``EMAIL_TIMEOUT``."""

from __future__ import annotations

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend

from cases.redaction import redact_secrets

from . import DeliveryUnknown


class _Tracking:
    """Mixin for smtplib.SMTP: knows whether the end-of-data marker is on the wire unanswered."""

    awaiting_final_reply = False
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)  # type: ignore[misc]
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)  # type: ignore[misc]
        data = s.encode("ascii", "replace") if isinstance(s, str) else bytes(s)
        if self._in_data and data.endswith(b"\r\n.\r\n"):
            self.awaiting_final_reply = True

    def getreply(self):
        reply = super().getreply()  # type: ignore[misc]
        self.awaiting_final_reply = False
        return reply


class TrackingSMTP(_Tracking, smtplib.SMTP):
    pass


class TrackingSMTPSSL(_Tracking, smtplib.SMTP_SSL):
    pass


class SmtpEmailBackend(DjangoSmtpBackend):
    @property
    def connection_class(self):
        return TrackingSMTPSSL if self.use_ssl else TrackingSMTP

    def _send(self, email_message):
        try:
            return super()._send(email_message)
        except Exception as exc:
            if getattr(self.connection, "awaiting_final_reply", False):
                raise DeliveryUnknown(
                    f"no answer from the SMTP server after the message was sent ({type(exc).__name__})"
                ) from exc
            raise

    def close(self):
        """QUIT, ignoring any failure: the messages' outcome is known by now."""
        try:
            super().close()
        except Exception:
            for connection in (self.connection, self._partial_connection):
                if connection is not None:
                    with contextlib.suppress(Exception):  # a socket that will not close is dropped
                        connection.close()
            self.connection = self._partial_connection = None


def send_email(*, to: str, subject: str, body: str, unsubscribe_url: str = "", message_id: str = "") -> str:
    """Send one message; returns its Message-ID. Raises ``DeliveryUnknown`` when it may or may not
    have been accepted, another exception when it was not."""
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        # RFC 2369 / RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    sent = message.send(fail_silently=False)
    if sent != 1:
        raise RuntimeError("the e-mail backend accepted no message")
    return message_id


class RedactingConsoleBackend(ConsoleEmailBackend):
    """Django's console backend with access keys and phone numbers masked in what it prints
    (the development default; production refuses console backends)."""

    def write_message(self, message):
        msg = message.message()
        text = msg.as_bytes().decode("utf-8", "replace")
        self.stream.write(redact_secrets(text) + "\n" + "-" * 79 + "\n")
