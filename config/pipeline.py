"""A transaction's statements sent without waiting for each answer, on PostgreSQL.

A change to a person's data is a handful of small statements (lock the row, write it, record
the event, move the version on, commit), each answered by the server in microseconds; what they
cost is the wait for each answer, with the server and the app sharing the machine's cores. In
psycopg's pipeline mode a statement whose result nobody reads yet is queued, and the queue goes
to the server in one piece when a result is needed: reading the locked row waits for the server,
the writes after it and the COMMIT travel together.

Nothing changes for the code inside: a statement that fails still raises, at the latest when
the transaction commits, and `transaction.atomic` rolls back as it would. Other databases run
each statement as it comes, as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections


@contextlib.contextmanager
def pipeline(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    # Inside a transaction already (a savepoint), a failed statement would leave the pipeline
    # unable to roll back to the savepoint: pipelines start at the top level only.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield
