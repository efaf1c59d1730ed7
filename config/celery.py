"""The Celery app. Tasks subclass DjangoTask, so services can call ``task.delay_on_commit``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("kntc", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.celery.ping")
def ping(value: str) -> str:
    """Round-trip check used by the smoke test: returns what it was given."""
    return f"pong:{value}"
