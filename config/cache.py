"""A Redis cache that degrades to "always a miss" when Redis does not answer.

The cache only ever holds what can be recomputed from the database, so a Redis outage must
cost speed, never a failed request. Each failure is logged.
"""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("pathwise.cache")


class _ReusedClients(RedisCacheClient):
    """One redis-py client per connection pool, made once.

    Django makes a new client for every cache call, and building one (its table of response
    handlers) cost more than the round trip to Redis. A client is only a handle on its pool,
    which is safe to share between threads.
    """

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = _ReusedClients

    def _guard(self, op: str, default: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RedisError as exc:
            logger.warning("cache %s failed, carrying on without the cache: %s", op, exc)
            return default

    def ping(self) -> bool:
        """Raises when Redis does not answer (used by the readiness probe)."""
        return bool(self._cache.get_client(write=True).ping())

    def get(self, key, default=None, version=None):
        return self._guard("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, super().get_many, keys, version)

    def set(self, key, value, timeout=None, version=None):
        self._guard("set", None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._guard("add", False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._guard("set_many", list(data), super().set_many, data, timeout, version)

    def delete(self, key, version=None):
        return self._guard("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._guard("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._guard("incr", None, super().incr, key, delta, version)

    def touch(self, key, timeout=None, version=None):
        return self._guard("touch", False, super().touch, key, timeout, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, super().has_key, key, version)

    def clear(self):
        return self._guard("clear", False, super().clear)
