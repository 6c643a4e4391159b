"""PostgreSQL's timestamps are read by psycopg's compiled loader (config/postgresql), giving what
Django's own loader gives: aware datetimes in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.postgres import types
from psycopg.pq import Format

from config.postgresql.base import UtcTimestampLoader

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

VALUES = [
    "2024-03-01 12:00:00+05",
    "2024-03-01 12:00:00.000001+00",
    "1969-07-20 20:17:40.5-04",
    "2038-01-19 03:14:08.999999+00",
    "0001-01-01 00:00:00+00",
]


def read(values: list[str]) -> list[datetime | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_app_connection_reads_timestamps_with_the_compiled_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert loader is UtcTimestampLoader
    assert issubclass(loader, BaseTzLoader) and loader.timezone == UTC


def test_it_reads_what_djangos_loader_reads():
    fast = read([*VALUES, None])

    connection.ensure_connection()
    connection.connection.adapters.register_loader(
        "timestamptz", type("Plain", (BaseTzLoader,), {"timezone": UTC})
    )
    try:
        plain = read([*VALUES, None])
    finally:
        connection.connection.adapters.register_loader("timestamptz", UtcTimestampLoader)

    assert fast == plain
    assert fast[-1] is None
    assert all(value.tzinfo is UTC for value in fast[:-1])
    assert fast[0] == datetime(2024, 3, 1, 7, 0, tzinfo=UTC)
    assert fast[1].microsecond == 1


def test_models_and_server_side_cursors_read_aware_datetimes(owner):
    joined = get_user_model().objects.get(pk=owner.pk).date_joined
    assert joined == owner.date_joined and joined.tzinfo is UTC

    # iterator() reads through a named cursor, which Django sets up differently.
    (streamed,) = get_user_model().objects.filter(pk=owner.pk).iterator(chunk_size=10)
    assert streamed.date_joined == owner.date_joined
