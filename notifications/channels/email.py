"""E-mail through Django's configured backend: SMTP in production; console, file or locmem in
development and tests (``settings.EMAIL_BACKEND``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

from cases.redaction import redact_secrets


def send_email(*, to: str, subject: str, body: str, unsubscribe_url: str = "", message_id: str = "") -> None:
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


class RedactingConsoleBackend(ConsoleEmailBackend):
    """Django's console backend with access keys and phone numbers masked in what it prints
    (the development default; production refuses console backends)."""

    def write_message(self, message):
        msg = message.message()
        text = msg.as_bytes().decode("utf-8", "replace")
        self.stream.write(redact_secrets(text) + "\n" + "-" * 79 + "\n")
