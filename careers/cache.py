"""What is derived from the catalog, kept until the catalog changes.

One integer in the cache, the catalog version, is part of the key of everything derived from the
catalog. Every catalog change bumps it (careers.signals), which puts every derived entry out of
use at once in every process that shares the cache (Redis in production). Old entries are never
looked for again and expire. Without Redis each process has its own local-memory cache; there
the version expires after CATALOG_VERSION_TIMEOUT seconds, so other processes catch up with a
change within that time.

A request reads the version once (`version()` in the view) and hands it to whatever it reads.
When the cache does not answer, the version is None and nothing is cached: pages are computed
from the database, slower, never an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

VERSION_KEY = "catalog:version"


def _fresh_version() -> int:
    # Never a number an earlier version had, even after the key was evicted or flushed: bumps add
    # one, and a fresh start is the time in microseconds.
    return time.time_ns() // 1000


def version() -> int | None:
    """The current catalog version; None when the cache does not answer."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=settings.CATALOG_VERSION_TIMEOUT)
        current = cache.get(VERSION_KEY)
    return current


def bump() -> None:
    """Put everything derived from the catalog out of use."""
    try:
        if cache.incr(VERSION_KEY):  # 0: the cache did not answer
            return
    except ValueError:  # no version yet, or it expired: any fresh one will do
        pass
    cache.set(VERSION_KEY, _fresh_version(), timeout=settings.CATALOG_VERSION_TIMEOUT)


def cached(name: str, version: int | None, compute: Callable[[], T]) -> T:
    """`compute()` at catalog `version` (from `version()`), from the cache when it holds it.

    `name` must say everything the value depends on besides the catalog, from a bounded set of
    values (a role's slug, a known region): never text a visitor typed.
    """
    if version is None:
        return compute()
    key = f"catalog:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, timeout=settings.CATALOG_CACHE_TIMEOUT)
    return value
