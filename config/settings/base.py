"""Settings shared by every environment. Everything is read from the environment, with
defaults that suit the embedded set-up of ``make run``; nothing exists only in production."""

from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Exchange, Queue

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
    "cases.monitoring",
    "cases.delivery",
    "cases.verification",
    "cases.audit",
    "cases.reception",
    "cases.reports",
    "cases.protection",
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
    # Reads after the browser's own write go to the primary (config/replica.py).
    "config.replica.PrimaryAfterWriteMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
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
# A PostgreSQL streaming replica (hot standby) of that database, e.g.
# postgres://kntc:…@db-replica:5432/kntc: the oversight dashboard, the periodic reports and the
# public statistics read from it; everything that writes, and every read right after the reader's
# own write, stays on "default" (config/replica.py, docs/deployment.md). Unset: one database.
REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
DATABASE_READ_REPLICA = "replica" if REPLICA_DATABASE_URL else ""
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
# After a POST (or PUT, PATCH, DELETE) the same browser reads from the primary for this long
# (the kntc_primary cookie): far above a healthy replica's lag.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=30)
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

# No avatars from gravatar.com: it would learn a hash of every staff e-mail, and the admin's CSP
# allows images from this origin only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "Hệ thống tiếp nhận khiếu nại, tố cáo"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Day-first dates in every form and picker (config/formats/: dd/mm/yyyy, dd/mm/yyyy HH:MM).
FORMAT_MODULE_PATH = ["config.formats"]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# No avatars fetched from gravatar.com: it breaks offline and leaks hashes of staff e-mails.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_USER_LOGIN_FORM = "cases.admin.auth.LoginForm"
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
# The blind index for duplicate detection (Party.national_id_digest) has its own key, so rotating
# the field keys never changes a digest (cases.crypto.blind_index; manage.py rotate_keys).
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="dev-only-blind-index-key")
# Signed checkpoints over the event chains (cases.audit.checkpoints): an Ed25519 private key in
# PEM, kept outside the database (a file the database's owner cannot write).
EVENT_CHECKPOINT_KEY_FILE = env(
    "EVENT_CHECKPOINT_KEY_FILE", default=str(BASE_DIR / "var" / "keys" / "checkpoint.pem")
)
# Where the daily export (statement, signature, leaves) is written for the superior agency.
EVENT_CHECKPOINT_EXPORT_DIR = env(
    "EVENT_CHECKPOINT_EXPORT_DIR", default=str(BASE_DIR / "var" / "checkpoints")
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
# No task runs longer than this (the worker kills it); the longest are the nightly reconcile and the
# sweep. Sending one message has its own, shorter limit (NOTIFICATIONS_SEND_TIME_LIMIT below).
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing never waits for a broker that is down: a short connect timeout, one immediate reconnect
# and no sleeping between tries. What a request publishes after its commit is recorded in the database
# first (the notification outbox, search.PendingIndex), and the drains below send what the broker did
# not take. Workers reconnect their consumers on their own (broker_connection_max_retries).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
# A task taken by a worker that dies (SIGKILL, lost machine) goes back to the queue this long after it
# was taken: a few minutes above the longest task, so a running task is never handed out twice.
# No task is scheduled further ahead than this (retries wait in the outbox and PendingIndex rows,
# which the drains pick up, not in the broker), so no countdown outlives it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
    # Above the worker's BRPOP timeout (1 s); a broker that stops answering fails a publish after this.
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=10.0),
    # How often a worker looks for tasks whose worker died (kombu's default is every 100 s).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
# Notifications have their own queue and workers, so a slow or frozen SMTP server or SMS gateway
# never delays indexing or the sweep: run `celery -A config worker -Q celery` and
# `celery -A config worker -Q notifications` (README, "Running in production"). A worker started
# without -Q consumes both.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name, type="direct"), routing_key=name) for name in ("celery", "notifications")
]
CELERY_TASK_ROUTES = {
    "notifications.tasks.send_notification_task": {"queue": "notifications"},
    "notifications.tasks.notification_outcome_task": {"queue": "notifications"},
    "notifications.tasks.dispatch_notifications_task": {"queue": "notifications"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# How often the drains run (seconds). A minute in production; `make faults` shortens it to keep its
# run bounded.
NOTIFICATIONS_DRAIN_SECONDS = env.float("NOTIFICATIONS_DRAIN_SECONDS", default=60.0)
SEARCH_DRAIN_SECONDS = env.float("SEARCH_DRAIN_SECONDS", default=60.0)
# Every periodic task, in one place.
CELERY_BEAT_SCHEDULE = {
    "escalation-sweep": {"task": "cases.tasks.escalation_sweep_task", "schedule": 15 * 60},
    "daily-digest": {
        "task": "notifications.tasks.daily_digest_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # The outbox drain: sends what is still pending (e.g. queued while the broker was down) and
    # reconciles messages whose send outcome is unknown (the worker died mid-send).
    "notification-drain": {
        "task": "notifications.tasks.notification_drain_task",
        "schedule": NOTIFICATIONS_DRAIN_SECONDS,
    },
    # The index drain: indexes the cases left in search.PendingIndex (a task lost with the broker,
    # an index or database outage), so no case waits for the nightly reconcile.
    "search-drain": {
        "task": "search.tasks.search_drain_task",
        "schedule": SEARCH_DRAIN_SECONDS,
    },
    "search-reconcile": {"task": "search.tasks.search_reconcile_task", "schedule": crontab(hour=2, minute=0)},
    "event-chain-verify": {
        "task": "cases.tasks.event_chain_verify_task",
        "schedule": crontab(hour=3, minute=0),
    },
    # Just after midnight: sign yesterday's state of every event chain and export it.
    "event-checkpoint": {"task": "cases.tasks.event_checkpoint_task", "schedule": crontab(hour=0, minute=20)},
}
# A case marked in PendingIndex less than this long ago is left to its own index task by the drain.
SEARCH_DRAIN_GRACE_SECONDS = env.int("SEARCH_DRAIN_GRACE_SECONDS", default=30)

# Search: "database" (default, works on SQLite and PostgreSQL) or "elasticsearch".
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="kntc")
# A cluster: ELASTICSEARCH_URL may list several nodes, comma-separated; each index gets this many
# primary shards and replica copies (docs/deployment.md). One node: 1 and 0.
ELASTICSEARCH_SHARDS = env.int("ELASTICSEARCH_SHARDS", default=1)
ELASTICSEARCH_REPLICAS = env.int("ELASTICSEARCH_REPLICAS", default=0)
ELASTICSEARCH_VERSION = VERSIONS["ELASTICSEARCH_VERSION"]

# E-mail: one URL with host, port, credentials and TLS, read by django-environ, e.g.
#   EMAIL_URL=smtp+tls://user:password@smtp.example.vn:587   (STARTTLS)
#   EMAIL_URL=smtp+ssl://user:password@smtp.example.vn:465   (implicit TLS)
#   EMAIL_URL=smtp://127.0.0.1:25                            (a local relay)
# consolemail:// (the default: printed), filemail:///path, memorymail:// are the other schemes.
# SMTP goes through notifications.channels.email.SmtpEmailBackend (Django's, which can tell a refused
# message from one whose fate is unknown). EMAIL_TIMEOUT bounds every socket operation.
EMAIL_URL = env("EMAIL_URL", default="consolemail://")
_email = env.email_url_config(EMAIL_URL)
EMAIL_BACKEND = env("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_BACKEND = "notifications.channels.email.SmtpEmailBackend"
elif EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    # Development default: the console, with access keys and phone numbers masked.
    EMAIL_BACKEND = "notifications.channels.email.RedactingConsoleBackend"
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
if _email.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = "/" + _email["EMAIL_FILE_PATH"]
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="khieunai@localhost")
SMS_BACKEND = env("SMS_BACKEND", default="notifications.channels.sms.FileSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
# Where the gateway answers "did you get the message with this reference?" (GET ?reference=...:
# 200 with {"id"} or 404). Without it, a message whose outcome is unknown waits for staff.
SMS_GATEWAY_STATUS_URL = env("SMS_GATEWAY_STATUS_URL", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
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
                # A cache that is down answers within a second; callers fall back (publicsite.ratelimit).
                "OPTIONS": {
                    "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
                    "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
                },
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
    # The public "verify a document" page (upload or reference + number).
    "verify": env("PUBLIC_RATE_LIMIT_VERIFY", default="30/h"),
    # Every public step that accepts files (wizard upload step, tracking supplement, API documents).
    "upload": env("PUBLIC_RATE_LIMIT_UPLOAD", default="30/h"),
}
# How many reverse proxies in front of Django append to X-Forwarded-For (0: use REMOTE_ADDR).
PUBLIC_TRUSTED_PROXY_COUNT = env.int("PUBLIC_TRUSTED_PROXY_COUNT", default=0)
# After a correct reference + key, the browser session may see that one case for this long.
PUBLIC_TRACKING_SESSION_SECONDS = env.int("PUBLIC_TRACKING_SESSION_SECONDS", default=30 * 60)
# An unfinished online form (and its uploaded files) is dropped after this long without activity.
PUBLIC_INTAKE_DRAFT_SECONDS = env.int("PUBLIC_INTAKE_DRAFT_SECONDS", default=2 * 60 * 60)
# When a dependency (the database) is down, the JSON API answers 503 with this Retry-After (seconds).
PUBLIC_API_RETRY_AFTER_SECONDS = env.int("PUBLIC_API_RETRY_AFTER_SECONDS", default=30)
# Public statistics hide every figure computed on fewer cases than this.
PUBLIC_STATISTICS_MIN_CASES = env.int("PUBLIC_STATISTICS_MIN_CASES", default=10)

# Notifications: retries with exponential backoff (1, 2, 4, 8 minutes), then "failed" and visible.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
# A row handed to the broker but still pending this long after is queued again by the drain (its task
# was lost with the broker, or waits behind a dead worker until the visibility timeout).
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=600)
# Sending one message is killed after this long; a row still "sending" this long plus a minute after
# its attempt began lost its worker mid-send and is reconciled by the drain (never sent again blindly).
NOTIFICATIONS_SEND_TIME_LIMIT = env.int("NOTIFICATIONS_SEND_TIME_LIMIT", default=120)
NOTIFICATIONS_SENDING_STALE_SECONDS = env.int(
    "NOTIFICATIONS_SENDING_STALE_SECONDS", default=NOTIFICATIONS_SEND_TIME_LIMIT + 60
)
CELERY_TASK_ANNOTATIONS = {
    "notifications.tasks.send_notification_task": {
        "time_limit": NOTIFICATIONS_SEND_TIME_LIMIT,
        "soft_time_limit": max(NOTIFICATIONS_SEND_TIME_LIMIT - 10, 1),
    }
}
# Links in citizens' messages: PUBLIC_BASE_URL + CASE_TRACKING_URL (never the access key).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Standard notices (cases.documents): a notice addressed to the citizen is filed as DOCX and, beside
# it, as PDF/A through LibreOffice (about 5 s a document; off in tests, which ask for it directly).
NOTICE_PDF_FOR_CITIZEN = env.bool("NOTICE_PDF_FOR_CITIZEN", default=True)

# Signed decisions and notices (cases.delivery; docs/decisions/0008). The agency's key is a PKCS#12
# file or a PKCS#11 token; without a backend, documents are issued unsigned (make run). Trust
# anchors are the root certificates (PEM files) whose chains the public verification accepts.
DOCUMENT_SIGNING = {
    "BACKEND": env("SIGNING_BACKEND", default=""),  # "pkcs12" | "pkcs11" | "" (off)
    "REQUIRED": env.bool("SIGNING_REQUIRED", default=False),
    "PKCS12_FILE": env("SIGNING_PKCS12_FILE", default=""),
    "PKCS12_PASSPHRASE": env("SIGNING_PKCS12_PASSPHRASE", default=""),
    "PKCS11_MODULE": env("SIGNING_PKCS11_MODULE", default=""),
    "PKCS11_TOKEN_LABEL": env("SIGNING_PKCS11_TOKEN_LABEL", default=""),
    "PKCS11_KEY_LABEL": env("SIGNING_PKCS11_KEY_LABEL", default=""),
    "PKCS11_CERT_LABEL": env("SIGNING_PKCS11_CERT_LABEL", default=""),
    "PKCS11_PIN": env("SIGNING_PKCS11_PIN", default=""),
    # Intermediate certificates (PEM files) to embed with the signature.
    "CHAIN_FILES": env.list("SIGNING_CHAIN_FILES", default=[]),
    "TRUST_ANCHORS": env.list("SIGNING_TRUST_ANCHORS", default=[]),
    # The font of the visible signature block (must have Vietnamese glyphs).
    # A CFF OpenType font (1000 units per em) with Vietnamese glyphs: see cases/delivery/signing.py.
    "STAMP_FONT": env(
        "SIGNING_STAMP_FONT",
        default="/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-regular.otf",
    ),
    "SOFFICE": env("SIGNING_SOFFICE", default="soffice"),
    "RENDER_TIMEOUT": env.int("SIGNING_RENDER_TIMEOUT", default=120),
}

# Public reference prefix for case numbers, e.g. HN-2026-000123.
CASE_REFERENCE_PREFIX = env("CASE_REFERENCE_PREFIX", default="HN")

# Working-day calendar: a row not yet confirmed (confirmed=false) is read the way that protects the
# citizen, per deadline (cases.deadlines.reading_for); there is no switch. See cases/data/README.md.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line": {"()": "config.logging.OneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG Django logs every missing template variable with the whole template context,
        # which may hold a revealed identity (cases.protection's identity screen, the reveal page):
        # never below INFO, whatever LOG_LEVEL says (Law on Denunciations 2018 Art 56).
        "django.template": {"level": "INFO"},
        # The Elasticsearch client logs every request at INFO and every retry with a traceback at
        # WARNING; the search backend reports failures itself (SearchUnavailable), in one line.
        "elastic_transport": {"level": "ERROR", "filters": ["one_line"]},
        # The beat scheduler reports each failed try while Redis or PostgreSQL is down: one line each.
        "celery.beat": {"filters": ["one_line"]},
        "django_celery_beat.schedulers": {"filters": ["one_line"]},
        # Wagtail's reference-index tasks log every run at INFO (hundreds of lines in seed_demo).
        "django_tasks": {"level": "WARNING"},
        # Font subsetting for the visible signature block logs every table at INFO.
        "fontTools": {"level": "WARNING"},
        "pyhanko.pdf_utils.font": {"level": "ERROR"},
    },
}
