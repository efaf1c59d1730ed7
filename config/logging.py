"""Logging helpers used by ``LOGGING`` in config/settings/base.py."""

from __future__ import annotations

import logging


class OneLine(logging.Filter):
    """Keep a third-party library's failure report to one line: the first line of its message and
    the exception's type, no traceback or stack. For loggers that report every retry of a dependency
    that is down (the beat scheduler while Redis or PostgreSQL restarts): a traceback per try buries
    what matters, and an exception's text or a stack can quote data."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None or record.stack_info or "\n" in str(record.msg):
            first = record.getMessage().split("\n", 1)[0]
            record.msg = f"{first} [{type(exc).__name__}]" if exc is not None else first
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
