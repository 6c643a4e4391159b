"""A Redis cache that degrades to "always a miss" when Redis does not answer.

The cache only ever holds what can be recomputed from the database, so a Redis outage must
cost speed, never a failed request. Each failure is logged.
"""

import contextlib
import logging
import os
import threading
import time
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


# Adds one to an integer, or sets it to ARGV[1] when there is none (a number never used before,
# so that nothing kept under an earlier value is taken for current), and announces the new value
# on a channel named like the key, in one step: no process can miss a change. Lua counts in
# doubles, so a value from 2**53 on (which it could not add one to exactly) is replaced too.
_INCR_AND_ANNOUNCE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '')
local value
if current and current < 9007199254740992 then
  value = redis.call('INCR', KEYS[1])
else
  value = tonumber(ARGV[1])
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('PUBLISH', KEYS[1], string.format('%d', value))
return value
"""


class _Watch:
    """One integer in Redis as this process last heard of it.

    The process subscribes to the integer's channel, then reads it once; from then on every
    change comes as a message, which Redis sends out as it answers the change itself, so it waits
    in the socket by the time the change can have been acted on. Asking reads what is waiting,
    without a round trip. When the subscription breaks (Redis restarted, say), `value()` says
    None and the caller reads Redis itself; a new subscription is tried a few seconds later.
    """

    RETRY_AFTER = 5.0

    def __init__(self, cache: "ResilientRedisCache", key: str) -> None:
        self.cache = cache
        self.key = key
        self.lock = threading.Lock()
        self.pid = 0
        self.pubsub: Any = None
        self.current: int | None = None
        self.confirmed = False
        self.failed_at = -self.RETRY_AFTER

    def value(self) -> int | None:
        with self.lock:
            if self.pid != os.getpid():  # a forked worker: the parent's subscription is not ours
                self.pid, self.pubsub, self.current, self.confirmed = os.getpid(), None, None, False
            try:
                if self.pubsub is None:
                    if time.monotonic() - self.failed_at < self.RETRY_AFTER:
                        return None
                    self._subscribe()
                self._drain()
                if not self.confirmed:
                    return None
                if self.current is None:
                    self.current = self._read()
                return self.current
            except (RedisError, OSError, ValueError) as exc:
                logger.warning(
                    "watching %s failed, reading it each time instead: %s", self.key, exc
                )
                self._close()
                self.failed_at = time.monotonic()
                return None

    def forget(self) -> None:
        """Read the value again on the next call (the cache was cleared)."""
        with self.lock:
            self.current = None

    def heard(self, value: int) -> None:
        """A change this process made itself: known at once, before its message comes."""
        with self.lock:
            if self.pubsub is not None and self.pid == os.getpid():
                self.current = value

    def _subscribe(self) -> None:
        client = self.cache._cache.get_client(write=False)
        pubsub = client.pubsub()
        self.pubsub = pubsub
        pubsub.subscribe(self.key)
        # Subscribed before reading: a change between the two still comes as a message.
        deadline = time.monotonic() + 1.0
        while True:
            message = pubsub.get_message(timeout=max(0.0, deadline - time.monotonic()))
            if message is not None and message["type"] == "subscribe":
                break
            if time.monotonic() >= deadline:
                raise RedisError(f"no confirmation of the subscription to {self.key}")
        self.current = self._read()
        self.confirmed = True
        # redis-py reconnects a broken subscription by itself and subscribes again; changes
        # announced in between are lost, so until the new subscription is confirmed the value
        # is not trusted, and it is read again once it is (`_drain`).
        pubsub.connection.register_connect_callback(self._reconnected)

    def _reconnected(self, connection: Any) -> None:
        self.confirmed = False

    def _read(self) -> int | None:
        raw = self.cache._cache.get_client(write=False).get(self.key)
        return None if raw is None else int(raw)

    def _drain(self) -> None:
        while (message := self.pubsub.get_message(timeout=0.0)) is not None:
            if message["type"] == "message":
                self.current = int(message["data"])
            elif message["type"] == "subscribe":  # subscribed again after a reconnection
                self.confirmed = True
                self.current = None  # read again below: a change may have come in between

    def _close(self) -> None:
        pubsub, self.pubsub, self.current, self.confirmed = self.pubsub, None, None, False
        if pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                pubsub.close()


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = _ReusedClients
        self._watches: dict[str, _Watch] = {}
        self._watches_lock = threading.Lock()

    def _watch(self, key: str) -> _Watch:
        full_key = self.make_and_validate_key(key)
        watch = self._watches.get(full_key)
        if watch is None:
            with self._watches_lock:
                watch = self._watches.setdefault(full_key, _Watch(self, full_key))
        return watch

    def watched_int(self, key: str) -> int | None:
        """The integer under `key`, as changed only through `incr_and_announce`: read from
        Redis once, then kept up to date by the changes announced, with no round trip while
        nothing changed. None when it cannot be watched (the caller reads it then)."""
        return self._watch(key).value()

    def incr_and_announce(self, key: str, fresh: int) -> int | None:
        """Add one to the integer under `key` (`fresh` if there is none) and tell every process
        watching it; the new value, or None when Redis does not answer."""
        watch = self._watch(key)
        client = self._cache.get_client(write=True)
        value = self._guard(
            "incr_and_announce", None, client.eval, _INCR_AND_ANNOUNCE, 1, watch.key, fresh
        )
        if value is not None:
            value = int(value)
            watch.heard(value)
        return value

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
        cleared = self._guard("clear", False, super().clear)
        for watch in list(self._watches.values()):
            watch.forget()  # what it heard of is gone with the rest
        return cleared
