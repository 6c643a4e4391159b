"""Django's PostgreSQL backend, with a health check that costs no round trip while the
connection is healthy.

With CONN_HEALTH_CHECKS, Django checks a connection kept from an earlier request before its
first use in a request by running `SELECT 1`: one more round trip to the server on every
request, as many as the page's own queries on the cheapest pages. Between requests nothing is
owed by the server on an idle connection, so its socket has nothing to read; a server that
restarted, or a backend that was terminated, closes the socket, which then reads as ready (at
end of file). Only then is `SELECT 1` run to tell, as Django would.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
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
