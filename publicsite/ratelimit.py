"""Per-IP rate limits for the public site and API, counted in Django's cache (Redis in tests and
production, so every worker process shares the counters).

A fixed window per scope: ``settings.PUBLIC_RATE_LIMITS = {"submit": "10/h", "track": "60/h"}``.
The web forms and the JSON API share the buckets, so switching channel does not reset the count.
IP addresses are hashed before they become cache keys or log lines. When the cache is unreachable
the attempt is allowed and logged as an error (an outage of ours never turns a citizen away with a
500)."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

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
    try:
        cache.add(key, 0, timeout=limit.seconds + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.seconds + 5)
            count = 1
    except (RedisError, OSError):
        # The counters' store is unreachable: the citizen is not turned away for our outage (the
        # other bounds — sizes, zip limits, types — still hold); operators see the error.
        logger.error("rate limit store unreachable: scope=%s allowed without counting", scope)
        return Verdict(True, 0, -1)
    retry_after = max(1, window + limit.seconds - now)
    if count > limit.count:
        logger.warning("rate limit reached: scope=%s client=%s count=%s", scope, digest[:12], count)
        return Verdict(False, retry_after, 0)
    return Verdict(True, retry_after, limit.count - count)
