"""What is derived from the catalog, kept until the catalog changes.

One integer in the cache, the catalog version, is part of the key of everything derived from the
catalog. Any catalog change bumps it (see careers.signals), which puts every derived entry out of
use at once in every process that shares the cache: that is Redis in production, where every
process hears of a bump as it is made and so reads the version without a round trip
(config.cache). Old entries are never looked for again and simply expire.

Without Redis each process has its own local-memory cache, and a bump reaches only the process
that made the change. There the version itself expires after CATALOG_VERSION_TIMEOUT seconds, so
the other processes catch up with a change within that time (README, "Caching").

When the cache does not answer (ResilientRedisCache then returns defaults), pages are computed
from the database as if nothing were cached: slower, never an error.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

VERSION_KEY = "catalog:version"
_MISSING = object()


def _fresh_version() -> int:
    # Never a number an earlier version had, even after the key was evicted or flushed: bumps
    # add one, and a fresh start is the time in microseconds (below 2**53, which Redis's
    # scripts count exactly: config.cache).
    return time.time_ns() // 1000


def version() -> int | None:
    """The current catalog version; None when the cache does not answer.

    With Redis the version is watched (config.cache): every process hears of a bump as it is
    made, so reading it costs no round trip while the catalog is unchanged.
    """
    watched = getattr(cache, "watched_int", None)
    if watched is not None:
        current = watched(VERSION_KEY)
        if current is not None:
            return current
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=settings.CATALOG_VERSION_TIMEOUT)
        current = cache.get(VERSION_KEY)
    return current


def bump() -> None:
    """Put everything derived from the catalog out of use."""
    announce = getattr(cache, "incr_and_announce", None)
    if announce is not None and announce(VERSION_KEY, _fresh_version()) is not None:
        return
    try:
        if cache.incr(VERSION_KEY) is not None:
            return
    except ValueError:  # no version yet, or it expired: any fresh one will do
        pass
    cache.set(VERSION_KEY, _fresh_version(), timeout=settings.CATALOG_VERSION_TIMEOUT)


def key_part(*values: object) -> str:
    """A short, cache-safe stand-in for values a visitor typed (a search, a page number)."""
    raw = "\x1f".join(str(value) for value in values)
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


class Recent:
    """The last few values this process used, kept as objects, for keys whose value never changes.

    A catalog entry never changes under its key (a change makes a new version, so a new key), so
    a copy kept in the process is never stale. It saves unpickling the value, and with Redis a
    round trip, on every request that reads the same entry again.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self.lock:
            value = self.entries.get(key, _MISSING)
            if value is _MISSING:
                return default
            self.entries.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_recent = Recent(size=256)


def clear_local() -> None:
    """Forget what this process kept (for tests, which start each from an empty cache)."""
    _recent.clear()


def get(name: str, at: int | None) -> Any:
    """The entry `name` of catalog version `at`, or None if there is none."""
    if at is None:
        return None
    key = f"catalog:{at}:{name}"
    value = _recent.get(key, _MISSING)
    if value is _MISSING:
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            return None
        _recent.put(key, value)
    return value


def put(name: str, at: int | None, value: Any) -> None:
    if at is None or value is None:
        return
    key = f"catalog:{at}:{name}"
    cache.set(key, value, timeout=settings.CATALOG_CACHE_TIMEOUT)
    _recent.put(key, value)


def cached(name: str, compute: Callable[[], T], at: int | None) -> T:
    """`compute()` on catalog version `at` (from `version()`), from the cache when it has it."""
    value = get(name, at)
    if value is None:
        value = compute()
        put(name, at, value)
    return value
