"""make test: the real PostgreSQL, Redis and Elasticsearch that scripts/services.sh starts.

The ports match scripts/services.sh. Nothing falls back to SQLite: a missing service fails."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://kntc:kntc@127.0.0.1:54329/kntc"),
}
# The read replica as a test mirror of default (Django creates no database for it; its connection
# is a second session on the test database), so the routing is tested without a second server.
# Off unless a test turns it on (DATABASE_READ_REPLICA = "replica", tests/test_replica_routing.py):
# the rest of the suite reads and writes "default" only.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_READ_REPLICA = ""
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6389/0")
# Most tests run tasks in-process after commit; the worker tests start a real Celery worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9209")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="kntc-test")
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_STORAGE_ROOT = BASE_DIR / "var" / "test-private"
SMS_FILE_PATH = BASE_DIR / "var" / "test-sms"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The worker smoke test reads task results back through Redis.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="redis://127.0.0.1:6389/1")
REDIS_URL = CELERY_BROKER_URL
# Rate limits count in the real Redis; CACHE_URL picks the db so parallel runs do not collide.
CACHES = cache_settings(env("CACHE_URL", default="redis://127.0.0.1:6389/2"))
# The PDF beside each citizen's notice costs a LibreOffice run: tests/documents asks for it itself.
NOTICE_PDF_FOR_CITIZEN = False
