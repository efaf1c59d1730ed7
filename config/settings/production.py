"""Production: every secret and address from the environment; refuses insecure defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, FIELD_ENCRYPTION_KEYS, SECRET_KEY, env

DEBUG = False
if SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in production.")
if FIELD_ENCRYPTION_KEYS[0].startswith("bG9jYWwtZGV2"):
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS in production.")

# Persistent connections: a new PostgreSQL connection per request costs more than many intakes' SQL.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SEARCH_BACKEND = env("SEARCH_BACKEND", default="elasticsearch")
# E-mail: EMAIL_URL (host, port, credentials, TLS; base.py) is required: the console default of
# development would silently print every citizen's receipt.
if not env("EMAIL_URL", default="") and not env("EMAIL_BACKEND", default=""):
    raise ImproperlyConfigured("Set EMAIL_URL in production, e.g. smtp+tls://user:password@host:587.")
