"""Production: every secret and address from the environment; refuses insecure defaults.

Refuses to start with: a weak or development ``DJANGO_SECRET_KEY`` (shorter than 50 characters or
fewer than 5 distinct ones, as Django's own deploy check asks), development or malformed
``FIELD_ENCRYPTION_KEYS``, a blind-index key that is missing or shared with the field keys, or an
SMS or e-mail backend that writes messages (phone numbers, access keys) to files or the console."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BLIND_INDEX_KEY, DATABASES, FIELD_ENCRYPTION_KEYS, SECRET_KEY, env

DEBUG = False


def _weak_secret(value: str) -> bool:
    return value.startswith(("dev-only", "django-insecure")) or len(value) < 50 or len(set(value)) < 5


if _weak_secret(SECRET_KEY):
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY in production: at least 50 characters, not a development value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if FIELD_ENCRYPTION_KEYS[0].startswith("bG9jYWwtZGV2"):
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS in production.")
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key.") from exc
if not BLIND_INDEX_KEY or BLIND_INDEX_KEY.startswith("dev-only") or BLIND_INDEX_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set BLIND_INDEX_KEY in production: its own secret, not one of FIELD_ENCRYPTION_KEYS "
        "(duplicate detection must survive a rotation of the field keys)."
    )

# Persistent connections: a new PostgreSQL connection per request costs more than many intakes' SQL.
for _alias in DATABASES:  # the primary and, when REPLICA_DATABASE_URL is set, the replica
    DATABASES[_alias]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES[_alias]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The health check is probed over plain HTTP by the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the attachment file view alone allows its own origin (PDF preview)
SEARCH_BACKEND = env("SEARCH_BACKEND", default="elasticsearch")
# E-mail: EMAIL_URL (host, port, credentials, TLS; base.py) is required: the console default of
# development would silently print every citizen's receipt.
if not env("EMAIL_URL", default="") and not env("EMAIL_BACKEND", default=""):
    raise ImproperlyConfigured("Set EMAIL_URL in production, e.g. smtp+tls://user:password@host:587.")
SMS_BACKEND = env("SMS_BACKEND", default="notifications.channels.sms.HttpSmsBackend")

# Backends that write a message somewhere readable (a file, the console, memory) would put phone
# numbers, e-mail addresses and access keys in clear outside the database (issue 16, finding 6).
UNSAFE_MESSAGE_BACKENDS = ("console", "filebased", "locmem", "dummy", "FileSmsBackend", "Console")


def _refuse_unsafe_backends(email_backend: str, sms_backend: str) -> None:
    for name, backend in (("EMAIL_BACKEND", email_backend), ("SMS_BACKEND", sms_backend)):
        if any(marker in backend for marker in UNSAFE_MESSAGE_BACKENDS):
            raise ImproperlyConfigured(
                f"{name}={backend} writes messages in clear to a file or the console; production "
                "sends them through a real gateway (SMTP, the SMS HTTP gateway)."
            )


_refuse_unsafe_backends(EMAIL_BACKEND, SMS_BACKEND)
