"""A Redis cache (django-redis) for which a Redis that fails is a Redis that is empty.

The cache only ever holds what can be recomputed from the database, so a Redis outage must cost
speed, never a failed request: every error is a miss (or a write that did not happen) and is
logged. A Redis that accepts connections but does not answer would still make every call wait
out its socket timeout, so after a failure the cache stops asking Redis for `PAUSE` seconds
(a circuit breaker): pages then cost what they cost without a cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("pathwise.cache")

T = TypeVar("T")


class ResilientRedisCache(RedisCache):
    # Seconds without asking Redis after it failed.
    PAUSE = 5.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def _guard(self, operation: str, default: T, call: Callable[[], T]) -> T:
        if time.monotonic() < self._paused_until:
            return default
        try:
            return call()
        except RedisError as error:
            with self._lock:
                self._paused_until = time.monotonic() + self.PAUSE
            logger.warning(
                "cache %s failed, carrying on without the cache for %g s: %s",
                operation,
                self.PAUSE,
                error,
            )
            return default

    def ping(self) -> bool:
        """Whether Redis answers, asked whatever the breaker says; raises when it does not
        (the readiness probe)."""
        RedisCache.set(self, "readyz", "1", 5)
        return RedisCache.get(self, "readyz") == "1"

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard("get", default, partial(super().get, key, default, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self._guard("get_many", {}, partial(super().get_many, keys, version))

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        self._guard("set", None, partial(super().set, key, value, timeout, version))

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        return self._guard("add", False, partial(super().add, key, value, timeout, version))

    def set_many(
        self, data: dict[str, Any], timeout: Any = None, version: int | None = None
    ) -> list[str]:
        return self._guard(
            "set_many", list(data), partial(super().set_many, data, timeout, version)
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard("delete", False, partial(super().delete, key, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guard("delete_many", None, partial(super().delete_many, keys, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # 0 when Redis is away, as no count that Redis keeps would be; a missing key still
        # raises ValueError, as Django's does.
        return self._guard("incr", 0, partial(super().incr, key, delta, version))

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        return self._guard("touch", False, partial(super().touch, key, timeout, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard("has_key", False, partial(super().has_key, key, version))

    def clear(self) -> None:
        self._guard("clear", None, partial(super().clear))
