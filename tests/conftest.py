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


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def other_user(db):
    return UserFactory(username="outsider")


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    user = UserFactory(username="editor", is_staff=True)
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
