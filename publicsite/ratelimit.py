"""Per-IP rate limits for the public site and API, counted in Django's cache (Redis in tests and
production, so every worker process shares the counters).

A fixed window per scope: ``settings.PUBLIC_RATE_LIMITS = {"submit": "10/h", "track": "60/h"}``.
The web forms and the JSON API share the buckets, so switching channel does not reset the count.
IP addresses are hashed before they become cache keys or log lines.

When the shared cache is unreachable the limits fail open, on purpose: a complaint must still be
receivable while Redis is down (the law gives citizens the right to file; a rate limit only protects
us from floods). Each process then counts in memory (:class:`LocalCounter`, the same windows and
limits, per process instead of shared, so the effective limit is at most the number of processes
times the configured one) and logs one line when it switches to local counting and one when the
shared cache answers again. While down, the shared cache is tried again every
``PROBE_SECONDS``, not on every request."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_rate(rate: str) -> Limit:
    """ "10/h" -> Limit(10, 3600); "5/10m" -> Limit(5, 600)."""
    count, _, period = str(rate).partition("/")
    period = period.strip() or "h"
    unit = period[-1]
    multiplier = int(period[:-1]) if period[:-1] else 1
    if unit not in _UNITS:
        raise ValueError(f"bad rate {rate!r}: use <count>/<s|m|h|d>")
    return Limit(int(count), multiplier * _UNITS[unit])


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw (PUBLIC_TRUSTED_PROXY_COUNT)."""
    proxies = getattr(settings, "PUBLIC_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _ip_digest(ip: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:ip:{ip}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int
    remaining: int


class LocalCounter:
    """Fixed-window counters in this process's memory, for while the shared cache is down. Keys
    carry their window, so an expired one is simply never read again; they are pruned as they expire."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}
        self._next_prune = 0.0

    def incr(self, key: str, ttl: int) -> int:
        now = time.monotonic()
        with self._lock:
            if now >= self._next_prune:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
                self._next_prune = now + 60
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            self._counts[key] = (count + 1, expires)
            return count + 1

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


# After a failure the shared cache is left alone this long (no connection attempt per request).
PROBE_SECONDS = 5.0
local_counter = LocalCounter()
_state = {"down_until": 0.0, "degraded": False}
_state_lock = threading.Lock()


def _shared_count(key: str, ttl: int) -> int:
    cache.add(key, 0, timeout=ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ttl)
        return 1


def count_attempt(key: str, ttl: int) -> tuple[int, bool]:
    """Count one attempt under ``key``: (count, shared). Falls back to this process's counter when
    the shared cache fails, and logs the switch both ways."""
    now = time.monotonic()
    if now >= _state["down_until"]:
        try:
            count = _shared_count(key, ttl)
        except Exception as exc:
            with _state_lock:
                _state["down_until"] = time.monotonic() + PROBE_SECONDS
                switched, _state["degraded"] = not _state["degraded"], True
            if switched:
                logger.warning(
                    "rate limit: shared cache unreachable (%s); failing open, counting per process",
                    type(exc).__name__,
                )
        else:
            with _state_lock:
                recovered, _state["degraded"] = _state["degraded"], False
            if recovered:
                logger.warning("rate limit: shared cache reachable again; counting in it")
            return count, True
    return local_counter.incr(key, ttl), False


def hit(request, scope: str) -> Verdict:
    """Count one attempt in ``scope`` for the caller's IP and say whether it is allowed."""
    rate = getattr(settings, "PUBLIC_RATE_LIMITS", {}).get(scope)
    if not rate:
        return Verdict(True, 0, -1)
    limit = parse_rate(rate)
    now = int(time.time())
    window = now - now % limit.seconds
    digest = _ip_digest(client_ip(request))
    key = f"ratelimit:{scope}:{digest}:{window}"
    count, _shared = count_attempt(key, limit.seconds + 5)
    retry_after = max(1, window + limit.seconds - now)
    if count > limit.count:
        logger.warning("rate limit reached: scope=%s client=%s count=%s", scope, digest[:12], count)
        return Verdict(False, retry_after, 0)
    return Verdict(True, retry_after, limit.count - count)
