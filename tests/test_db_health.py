"""A connection kept between requests is checked without a round trip while it is healthy, and
replaced when the server closed it (config/postgresql)."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=settings["USER"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def test_the_backend_in_use_is_ours():
    assert connection.settings_dict["ENGINE"] == "config.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


def test_a_healthy_connection_is_usable_without_a_query(monkeypatch):
    connection.ensure_connection()
    asked = []
    monkeypatch.setattr(
        PostgreSQLDatabaseWrapper, "is_usable", lambda self: asked.append(1) or True
    )

    assert connection.is_usable()
    assert asked == []


def test_a_connection_the_server_closed_is_replaced_before_the_next_request_uses_it():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with other_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    for _ in range(50):  # the close reaches this end of the socket within moments
        if not connection.is_usable():
            break
        time.sleep(0.02)

    assert not connection.is_usable()

    # What Django does at the start of a request, then on the first query of it.
    connection.close_if_unusable_or_obsolete()
    assert get_user_model().objects.count() == 0
    assert connection.connection.info.backend_pid != pid
