from typing import Any

import pytest
from django.db import connection

from tests.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    # Tests that need PostgreSQL's concurrency, or a Redis cache, run in the PostgreSQL + Redis
    # pass of CI; elsewhere they are deselected (not skipped), so a skip always means something
    # is missing.
    from django.conf import settings

    wanted = {
        "postgresql": connection.vendor == "postgresql",
        "redis": settings.CACHES["default"]["BACKEND"] == "config.cache.ResilientRedisCache",
    }
    deselected = [
        item
        for item in items
        if any(item.get_closest_marker(name) and not ok for name, ok in wanted.items())
    ]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Django's password hasher is slow on purpose; tests make hundreds of accounts."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _redis_database_of_its_own(worker_id):
    """With several test processes (pytest-xdist), each clears the cache between tests: on
    Redis each needs a database of its own (counting down from REDIS_URL's), or one would
    clear away what the other just stored."""
    from django.conf import settings
    from django.test.utils import override_settings

    # As Django types a cache's settings: values of several types.
    cache: dict[str, Any] = settings.CACHES["default"]
    if worker_id == "master" or not cache["BACKEND"].endswith("ResilientRedisCache"):
        yield
        return
    base, _, number = cache["LOCATION"].rpartition("/")
    own = int(number or 0) - int(worker_id.removeprefix("gw"))
    if own < 0:
        raise pytest.UsageError(f"REDIS_URL's database must be at least {-own} higher")
    with override_settings(CACHES={"default": cache | {"LOCATION": f"{base}/{own}"}}):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory.create(username="owner")


@pytest.fixture
def other_user(db):
    return UserFactory.create(username="outsider")


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    user = UserFactory.create(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Catalog editors"))
    return user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def shipped_catalog(db):
    """The catalog file that ships with Pathwise, loaded into the test database."""
    from django.core.management import call_command

    call_command("load_catalog", verbosity=0)


@pytest.fixture
def small_catalog(db):
    """tests/fixtures/small_catalog.yaml loaded: two roles, the first leading to the second."""
    from pathlib import Path

    from django.core.management import call_command

    path = Path(__file__).parent / "fixtures" / "small_catalog.yaml"
    call_command("load_catalog", str(path), verbosity=0)
