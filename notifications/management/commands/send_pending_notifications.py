"""Send what is still pending in the outbox (after a broker outage, or without workers)."""

from django.core.management.base import BaseCommand

from notifications.services import notification_drain


class Command(BaseCommand):
    help = (
        "Gửi các thông báo còn chờ / send pending notifications. By default they are sent in this process "
        "(works while the broker is down); --enqueue hands them to the Celery workers instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="queue them for the workers")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, enqueue: bool = False, limit: int = 500, **options):
        total = 0
        while True:
            count = notification_drain(enqueue=enqueue, limit=limit)
            total += count
            # In-process sending may leave rows pending (backoff); they are not due again now.
            if count < limit or enqueue:
                break
        self.stdout.write(f"{total} notification(s) {'queued' if enqueue else 'processed'}")
