"""Statements sent without waiting for each answer, on PostgreSQL.

A check-off ends with a few small writes (the item's row, the event, the person's version), each
answered by the server in microseconds; what they cost is the wait for each answer, with the
server and the app sharing the machine's cores. In psycopg's pipeline mode a statement whose
result nobody reads is queued, and the queue goes to the server in one piece when the block ends
(or when a result is read): the writes after the lock read travel together, in one round trip.

For writes inside a transaction that never ask how many rows a statement touched, which is not
known until the block ends (Model.save() asks). A statement that fails raises when the block
ends, and the transaction rolls back as it would. Other databases run each statement as it comes.

The block must not span the transaction's start or end: psycopg makes sure of the connection's
state by a round trip of its own each time Django turns autocommit off or on inside a pipeline.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections


@contextlib.contextmanager
def pipeline(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    # An error the server reports when the pipeline ends comes from psycopg itself: raised as
    # Django's own (IntegrityError, DataError, ...), as from any other statement.
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
