"""With Redis, each process watches the catalog version (config.cache): reading it costs no
round trip while the catalog is unchanged, and a bump made anywhere is heard on the next read."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from careers import cache as catalog_cache
from careers import signals
from config.cache import ResilientRedisCache

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def another_process() -> ResilientRedisCache:
    """A cache of its own on the same Redis, as another gunicorn worker has."""
    default = settings.CACHES["default"]
    return ResilientRedisCache(default["LOCATION"], {"KEY_PREFIX": default.get("KEY_PREFIX", "")})


def test_reading_an_unchanged_version_sends_nothing_to_redis(monkeypatch):
    catalog_cache.version()  # the first read subscribes and reads
    known = catalog_cache.version()

    def no_commands(*args, **kwargs):
        raise AssertionError(f"a command was sent: {args[1:2]}")

    with monkeypatch.context() as patched:
        patched.setattr(redis.Redis, "execute_command", no_commands)
        read = [catalog_cache.version() for _ in range(5)]

    assert read == [known] * 5


def test_a_bump_in_another_process_is_heard_on_the_very_next_read():
    for _ in range(50):
        known = catalog_cache.version()
        bumped = another_process().incr_and_announce(catalog_cache.VERSION_KEY, 1)

        assert bumped == known + 1
        assert catalog_cache.version() == bumped


def test_this_process_knows_its_own_bump_at_once():
    known = catalog_cache.version()

    signals.catalog_changed()

    assert catalog_cache.version() == known + 1


def test_a_broken_subscription_reads_redis_until_it_is_back():
    catalog_cache.version()
    watch = cache._watch(catalog_cache.VERSION_KEY)
    watch.pubsub.connection.disconnect()  # as when Redis restarts

    bumped = another_process().incr_and_announce(catalog_cache.VERSION_KEY, 1)

    assert catalog_cache.version() == bumped  # read from Redis while not subscribed
    another_process().incr_and_announce(catalog_cache.VERSION_KEY, 1)
    assert catalog_cache.version() == bumped + 1
    assert watch.confirmed  # subscribed again


def test_a_version_too_large_to_count_exactly_is_replaced_by_a_fresh_one():
    cache.set(catalog_cache.VERSION_KEY, 2**60, timeout=None)

    fresh = another_process().incr_and_announce(catalog_cache.VERSION_KEY, 12345)

    assert fresh == 12345
    assert catalog_cache.version() == 12345
