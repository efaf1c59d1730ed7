"""Test e-mail backend: locmem that takes its time, so two concurrent senders overlap."""

import threading
import time

from django.core.mail.backends.locmem import EmailBackend

_lock = threading.Lock()


class SlowLocmemBackend(EmailBackend):
    delay = 0.5

    def send_messages(self, messages):
        time.sleep(self.delay)
        with _lock:
            return super().send_messages(messages)
