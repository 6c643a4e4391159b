"""Django's PostgreSQL backend, with a health check that costs no round trip while the
connection is healthy, and timestamps read by psycopg's C loader.

With CONN_HEALTH_CHECKS, Django checks a connection kept from an earlier request before its
first use in a request by running `SELECT 1`: one more round trip to the server on every
request, as many as the page's own queries on the cheapest pages. Between requests nothing is
owed by the server on an idle connection, so its socket has nothing to read; a server that
restarted, or a backend that was terminated, closes the socket, which then reads as ready (at
end of file). Only then is `SELECT 1` run to tell, as Django would.

Django reads every `timestamp with time zone` through a loader of its own, a subclass of
psycopg's loader written in Python (psycopg's compiled one cannot be subclassed), which turns the
result to Django's time zone. With USE_TZ and the connection in UTC, as Django sets it, psycopg's
compiled loader gives the very same datetimes (aware, in `datetime.timezone.utc`) about eight
times faster; a session's read alone has four timestamps, a plan's dozens. `UtcTimestampLoader`
is Django's loader in its type, so that Django's checks of its connections keep holding, with
the compiled loader doing the reading.
"""

from __future__ import annotations

import select
from datetime import UTC
from typing import Any

import psycopg
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

_TIMESTAMPTZ = types["timestamptz"].oid
# psycopg's own loader of timestamptz text: the compiled one when psycopg's C extension (the
# psycopg[binary] package, in requirements.txt) is installed.
_COMPILED = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
_IS_COMPILED = _COMPILED is not None and _COMPILED.__module__.startswith("psycopg_binary")


class UtcTimestampLoader(BaseTzLoader):
    """Django's timestamptz loader for UTC (`timezone`, which Django compares), reading through
    psycopg's compiled loader."""

    timezone = UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        # Only what any loader sets up: the reading is the compiled loader's (the Python one
        # would look up the connection's time zone and date style here, for every result).
        Loader.__init__(self, oid, context)
        self.load = _COMPILED(oid, context).load  # type: ignore[method-assign]


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        # Only where the compiled loader gives what Django's would: aware datetimes in UTC, on a
        # connection Django puts in UTC.
        if _IS_COMPILED and self.timezone == UTC and self.timezone_name == "UTC":
            connection.adapters.register_loader(_TIMESTAMPTZ, UtcTimestampLoader)
        return connection

    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        if self.connection.closed or self.connection.broken:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return True
        # Something came in while idle: the server going away, or a notice. Ask as Django does.
        return super().is_usable()
