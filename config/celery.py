"""The Celery app. Tasks subclass DjangoTask, so services can call ``task.delay_on_commit``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("kntc", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# On the request path (after a commit) a publish gets one immediate second try, for a pooled
# connection the broker closed meanwhile, and never sleeps: with the broker down it fails in
# milliseconds. The caller has already written the durable record (an outbox row, a PendingIndex row).
REQUEST_PATH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


def publish(task, **kwargs):
    """Queue ``task`` with ``kwargs`` without waiting for a broker that is down: returns the
    AsyncResult, or raises the broker's error at once (the caller logs one line; its drain sends
    what was not queued). In eager mode (``make run``, most tests) the task runs here."""
    return task.apply_async(kwargs=kwargs, retry=True, retry_policy=REQUEST_PATH_RETRY_POLICY)


@app.task(name="config.celery.ping")
def ping(value: str) -> str:
    """Round-trip check used by the smoke test: returns what it was given."""
    return f"pong:{value}"
