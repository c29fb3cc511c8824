"""The Django cache on Redis, for which Redis being down is a miss, not an error.

Production keeps the cache in Redis (``CACHE_URL``). Django's ``RedisCache`` raises when Redis
cannot be reached, so a page that uses the cache (the start page's fund in figures) would fail
with Redis; the cache only saves work, so here a failed call is a miss: ``get`` answers the
default, ``set`` and ``delete`` do nothing, ``incr`` finds no key. The first failure is logged
as a warning, and the cache is then left alone for ``PAUSE_SECONDS`` (one warning, and no
time spent on Redis, per pause), after which the next call tries again.

Timeouts keep a Redis that hangs from hanging the request (``OPTIONS`` in ``CACHES`` win).
A ``delete`` that fails is lost: keep in this cache only what may be stale until its timeout.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long the cache is bypassed after Redis failed.
PAUSE_SECONDS = 5.0
# Seconds; a cache call on a working Redis takes well under a millisecond.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = {**DEFAULT_OPTIONS, **(params.get("OPTIONS") or {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self.paused_until = 0.0  # time.monotonic() before which Redis is not asked

    def _guarded(self, operation: str, call: Callable[[], Any], fallback: Any) -> Any:
        if time.monotonic() < self.paused_until:
            return fallback
        try:
            return call()
        except RedisError as error:
            self.paused_until = time.monotonic() + PAUSE_SECONDS
            logger.warning(
                "The cache (Redis) failed on %s; answering without it for %g s: %s",
                operation,
                PAUSE_SECONDS,
                error,
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get", lambda: DjangoRedisCache.get(self, key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._guarded("get_many", lambda: DjangoRedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._guarded("has_key", lambda: DjangoRedisCache.has_key(self, key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add", lambda: DjangoRedisCache.add(self, key, value, timeout, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set", lambda: DjangoRedisCache.set(self, key, value, timeout, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be set.
        return self._guarded(
            "set_many", lambda: DjangoRedisCache.set_many(self, data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch", lambda: DjangoRedisCache.touch(self, key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._guarded("delete", lambda: DjangoRedisCache.delete(self, key, version), False)

    def delete_many(self, keys, version=None):
        return self._guarded(
            "delete_many", lambda: DjangoRedisCache.delete_many(self, keys, version), None
        )

    def clear(self):
        return self._guarded("clear", lambda: DjangoRedisCache.clear(self), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guarded(
            "incr", lambda: DjangoRedisCache.incr(self, key, delta, version), missing
        )
        if value is missing:  # as for a key that is not there (Django's contract)
            raise ValueError(f"Key '{key}' not found.")
        return value
