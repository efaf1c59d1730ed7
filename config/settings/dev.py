"""make run: SQLite, tasks in-process after commit, database search backend."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
