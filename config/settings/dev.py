"""make run: SQLite, tasks in-process after commit, database search backend."""

from .base import *  # noqa: F403
from .base import BASE_DIR, EMAIL_URL, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
# Demo e-mails go to files a person can open (one .log file per sending connection), not to the
# console where thousands of lines would bury the URLs and logins `make run` prints last.
# An EMAIL_URL set by the developer (a test relay, say) wins: base.py has read it already.
if EMAIL_URL == "consolemail://":
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
