"""Settings shared by every environment. Everything is read from the environment, with
defaults that suit the embedded set-up of ``make run``; nothing exists only in production."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def read_versions() -> dict[str, str]:
    """Versions pinned in config/versions.env (shared with scripts/)."""
    values = {}
    for line in (BASE_DIR / "config" / "versions.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


VERSIONS = read_versions()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cases",
    "cases.reception",
    "cases.reports",
    "publicsite",
    "notifications",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "simple_history",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite file by default (make run); PostgreSQL in tests and production via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "Hệ thống tiếp nhận khiếu nại, tố cáo"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Case attachments live outside MEDIA_ROOT and are only served through a view that checks access.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))

# Identity fields (Party) are encrypted at rest with these Fernet keys; the first encrypts,
# all decrypt (rotation). Production must set its own.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="]
)

# Celery: Redis broker in tests and production. With CELERY_TASK_ALWAYS_EAGER (make run) tasks run
# in-process, and delay_on_commit still waits for the transaction to commit.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task, in one place.
CELERY_BEAT_SCHEDULE = {
    "escalation-sweep": {"task": "cases.tasks.escalation_sweep_task", "schedule": 15 * 60},
    "daily-digest": {
        "task": "notifications.tasks.daily_digest_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # The outbox drain: sends what is still pending (e.g. queued while the broker was down).
    "notification-drain": {"task": "notifications.tasks.notification_drain_task", "schedule": 60.0},
    "search-reconcile": {"task": "search.tasks.search_reconcile_task", "schedule": crontab(hour=2, minute=0)},
    "event-chain-verify": {
        "task": "cases.tasks.event_chain_verify_task",
        "schedule": crontab(hour=3, minute=0),
    },
}

# Search: "database" (default, works on SQLite and PostgreSQL) or "elasticsearch".
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="kntc")
ELASTICSEARCH_VERSION = VERSIONS["ELASTICSEARCH_VERSION"]

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="khieunai@localhost")
SMS_BACKEND = env("SMS_BACKEND", default="notifications.channels.sms.FileSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
SMS_FILE_PATH = Path(env("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms")))


# Cache: Redis when CACHE_URL (or REDIS_URL) is set, else in-process memory (make run). The
# public rate limits count in this cache, so production needs the shared Redis one.
def cache_settings(url: str) -> dict:
    if url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "kntc",
                "TIMEOUT": 300,
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kntc"}}


CACHE_URL = env("CACHE_URL", default=env("REDIS_URL", default=""))
CACHES = cache_settings(CACHE_URL)

# Public site and API (publicsite): per-IP limits as "<count>/<s|m|h|d>", shared by the web
# forms and the JSON API. "submit" counts filing attempts, "track" every check of an access key.
PUBLIC_RATE_LIMITS = {
    "submit": env("PUBLIC_RATE_LIMIT_SUBMIT", default="10/h"),
    "track": env("PUBLIC_RATE_LIMIT_TRACK", default="60/h"),
}
# How many reverse proxies in front of Django append to X-Forwarded-For (0: use REMOTE_ADDR).
PUBLIC_TRUSTED_PROXY_COUNT = env.int("PUBLIC_TRUSTED_PROXY_COUNT", default=0)
# After a correct reference + key, the browser session may see that one case for this long.
PUBLIC_TRACKING_SESSION_SECONDS = env.int("PUBLIC_TRACKING_SESSION_SECONDS", default=30 * 60)
# An unfinished online form (and its uploaded files) is dropped after this long without activity.
PUBLIC_INTAKE_DRAFT_SECONDS = env.int("PUBLIC_INTAKE_DRAFT_SECONDS", default=2 * 60 * 60)
# Public statistics hide every figure computed on fewer cases than this.
PUBLIC_STATISTICS_MIN_CASES = env.int("PUBLIC_STATISTICS_MIN_CASES", default=10)

# Notifications: retries with exponential backoff (1, 2, 4, 8 minutes), then "failed" and visible.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=600)
# Links in citizens' messages: PUBLIC_BASE_URL + CASE_TRACKING_URL (never the access key).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Public reference prefix for case numbers, e.g. HN-2026-000123.
CASE_REFERENCE_PREFIX = env("CASE_REFERENCE_PREFIX", default="HN")

# Working-day calendar: whether a day off marked confirmed=false in the Holiday table (e.g. 24/11,
# Vietnam Culture Day, until a law is verified) counts as a day off. False: it counts as a working
# day, which gives the stricter, earlier deadline; an administrator confirms the row once the official
# notice is verified and the open deadlines are recomputed. See cases/data/README.md.
CALENDAR_INCLUDE_UNCONFIRMED = env.bool("CALENDAR_INCLUDE_UNCONFIRMED", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The Elasticsearch client logs every request at INFO.
        "elastic_transport": {"level": "WARNING"},
    },
}
