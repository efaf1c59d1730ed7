"""make bench: the real services of ``make test``, a database of its own, production-like requests.

- PostgreSQL: ``BENCH_DATABASE_URL`` (scripts/bench.sh sets one database per scale, e.g.
  ``kntc_bench_1m``), persistent connections (``CONN_MAX_AGE``) for the public API and the bare
  view alike.
- Rate limits off (``PUBLIC_RATE_LIMITS = {}``): the load comes from one IP address.
- Tasks are NOT eager: a request does what production does inside it (the transaction, the case,
  its party, history, event and deadline rows, the notification outbox rows) and then queues the
  search-index and notification tasks to Redis, where no worker consumes them during the run.
  The broker uses its own Redis database (``BENCH_REDIS_DB``, default 5), flushed by the bench.
- Elasticsearch index prefix per scale (``ELASTICSEARCH_INDEX_PREFIX``, e.g. ``kntc-bench-1m``).
- ``BENCH_REPLICA_DATABASE_URL``: the streaming replica the bench starts (section ``replica``).
- ``ROOT_URLCONF = "bench.urls"``: the product's URLs plus the bare-insert view at ``/bench/bare/``."""

from .test import *  # noqa: F403
from .test import env

DEBUG = False
DATABASES = {
    "default": env.db("BENCH_DATABASE_URL", default="postgres://kntc:kntc@127.0.0.1:54329/kntc_bench"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("BENCH_CONN_MAX_AGE", default=600)
# The streaming replica of the bench's own primary (scripts/bench.sh, section "replica"): the
# oversight and report reads go to it as in production (config/replica.py).
if env("BENCH_REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("BENCH_REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
DATABASE_READ_REPLICA = "replica" if "replica" in DATABASES else ""

_REDIS_DB = env.int("BENCH_REDIS_DB", default=5)
CELERY_BROKER_URL = env("BENCH_BROKER_URL", default=f"redis://127.0.0.1:6389/{_REDIS_DB}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
REDIS_URL = CELERY_BROKER_URL
CACHES = cache_settings(env("BENCH_CACHE_URL", default=f"redis://127.0.0.1:6389/{_REDIS_DB + 1}"))

ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="kntc-bench")
SEARCH_BACKEND = env("SEARCH_BACKEND", default="elasticsearch")

PUBLIC_RATE_LIMITS: dict[str, str] = {}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: in-process profiles
ROOT_URLCONF = "bench.urls"

# One INFO line per intake would be written by every worker; the bare view writes none.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
