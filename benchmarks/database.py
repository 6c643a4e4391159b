"""The benchmark's own database, kept apart from the developer's.

`config.bench_settings` calls `bench_database()` on the database that DATABASE_URL names, so
every process of a run (the command, its timing workers, the gunicorn workers) lands on the same
separate database just by using those settings: on SQLite a file under bench-results/, on
PostgreSQL a database on the same server whose name gets a `_bench` suffix.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

BASE_DIR = Path(__file__).resolve().parent.parent
# Results, and the SQLite data sets; another folder with PATHWISE_BENCH_DIR (the tests' run).
RESULTS_DIR = Path(os.environ.get("PATHWISE_BENCH_DIR") or BASE_DIR / "bench-results")

# A second data set (the small one of --growth) lives beside the main one, never in it.
VARIANT_ENV = "PATHWISE_BENCH_VARIANT"

META_TABLE = "pathwise_bench_meta"

SQLITE = "django.db.backends.sqlite3"
# Django's backend, or ours built on it (config/postgresql).
POSTGRESQL = ("django.db.backends.postgresql", "config.postgresql")


def bench_database(default: dict[str, Any], variant: str = "") -> dict[str, Any]:
    """The settings of the benchmark database derived from the configured one."""
    bench = dict(default)
    suffix = f"-{variant}" if variant else ""
    if default["ENGINE"] == SQLITE:
        bench["NAME"] = str(RESULTS_DIR / f"bench{suffix}.sqlite3")
    elif default["ENGINE"] in POSTGRESQL:
        name = f"{default['NAME']}_bench{suffix.replace('-', '_')}"
        if len(name) > 63:  # PostgreSQL truncates longer identifiers silently.
            raise ImproperlyConfigured(f"Benchmark database name {name!r} is over 63 characters.")
        bench["NAME"] = name
    else:
        raise ImproperlyConfigured(
            f"The benchmark supports SQLite and PostgreSQL, not {default['ENGINE']}."
        )
    # A benchmark database is never a test database of its own.
    bench["TEST"] = {**default.get("TEST", {}), "NAME": None}
    return bench


def describe() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite file {settings['NAME']}"
    host = settings.get("HOST") or "local socket"
    return f"PostgreSQL database {settings['NAME']} on {host}:{settings.get('PORT') or 5432}"


def _pg_admin_connection() -> Any:
    """A connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    import psycopg

    s = connection.settings_dict
    params = {
        "dbname": "postgres",
        "host": s.get("HOST") or None,
        "port": s.get("PORT") or None,
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
        "connect_timeout": 5,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def exists() -> bool:
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return Path(name).exists() and Path(name).stat().st_size > 0
    with _pg_admin_connection() as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def recreate() -> None:
    """Start from an empty database: faster than deleting a million rows, and leaves no trace."""
    drop()
    if connection.vendor == "sqlite":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        return  # SQLite creates the file on first connection.
    with _pg_admin_connection() as admin:
        admin.execute(f"CREATE DATABASE {_pg_quote(connection.settings_dict['NAME'])}")


def drop() -> None:
    connection.close()
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
        return
    with _pg_admin_connection() as admin:
        # WITH (FORCE) ends a leftover gunicorn's sessions instead of failing on them.
        admin.execute(f"DROP DATABASE IF EXISTS {_pg_quote(name)} WITH (FORCE)")


@contextmanager
def fast_writes() -> Iterator[None]:
    """Settings for bulk generation only: durability does not matter for data we can recreate.

    On SQLite the WAL journal stays on afterwards (it is a property of the file): it lets the
    gunicorn workers read while a check-off writes, as any SQLite deployment would.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-200000")
        else:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=FULL")
            else:
                cursor.execute("SET synchronous_commit TO DEFAULT")


def analyze() -> None:
    """Fresh planner statistics, as a database in service would have after autovacuum.

    On PostgreSQL also the vacuum itself, which sets the visibility map of the freshly loaded
    tables: left to autovacuum, it would run during the measurements and weigh on them. Then the
    loaded data is written out (a checkpoint; on SQLite, the write-ahead log into the database):
    otherwise the server goes on writing the gigabyte of the load in the background while pages
    are measured, and every commit's flush to disk queues behind it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            try:
                cursor.execute("CHECKPOINT")  # superusers and pg_checkpoint members only
            except DatabaseError as exc:
                print(f"No checkpoint before measuring ({exc}).".strip(), file=sys.stderr)
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def read_meta() -> dict[str, Any] | None:
    """What the generator recorded about the data set, or None if there is none."""
    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = %s", ["dataset"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_meta(meta: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name varchar(50) PRIMARY KEY, value text)"
        )
        cursor.execute(f"DELETE FROM {META_TABLE} WHERE name = %s", ["dataset"])
        cursor.execute(
            f"INSERT INTO {META_TABLE} (name, value) VALUES (%s, %s)",
            ["dataset", json.dumps(meta, sort_keys=True)],
        )


def server_version() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"
