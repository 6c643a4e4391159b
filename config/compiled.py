"""Reads and writes compiled to SQL once per process, then run with new values for their
parameters.

Turning a QuerySet into SQL costs Django a few hundred microseconds on a small server, several
times what the database then takes to answer, and a page's own reads are the same statement on
every request but for a person's id. `CompiledRead` builds its QuerySet once, with marker values
in place of the arguments, notes where the markers land among the statement's parameters, and
from then on runs that SQL with the real values in their place, converting the rows as the
QuerySet would (`values_list()` rows, as tuples). The SQL is Django's own for the database in
use; nothing here is written by hand.

`CompiledUpdate` and `CompiledInsert` do the same for a QuerySet's update() and for inserting
one row, once for each pattern of None among their arguments.

Only plain arguments can be markers: ints, strings, datetimes, and lists of ids passed with
the any_of lookup (config.lookups). A read whose markers cannot be found again among the
compiled parameters simply runs as a QuerySet every time.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery

# Not compiled yet (None means it cannot be: the read runs as a QuerySet).
_UNKNOWN: Any = object()


@dataclass(frozen=True)
class _Statement:
    alias: str
    sql: str
    params: tuple[Any, ...]
    # For each argument: where it goes among the parameters, and how it is adapted on the way.
    slots: tuple[tuple[int, tuple[int, ...], Callable[[Any], Any]], ...]
    compiler: Any
    # The QuerySet's conversions of the columns' values (dates on SQLite, say), looked up once.
    converters: dict[int, Any]


def _marker(n: int, example: Any) -> Any:
    # Values no real argument has: negative ids, control characters, a date before Pathwise.
    if isinstance(example, bool):
        raise TypeError("booleans cannot be told apart as markers")
    if isinstance(example, int):
        # Negative, yet within a 32-bit integer column's range: Django answers a lookup of an
        # id out of its column's range with no query at all.
        return -(2**31) + 7919 * (n + 1)
    if isinstance(example, str):
        return f"\x01marker-{n}\x01"
    if isinstance(example, datetime.datetime):
        return datetime.datetime(1901, 2, 3, 4, 5, 6, 7000 + n, tzinfo=example.tzinfo)
    if isinstance(example, list | tuple):
        # A list of ids sent as one parameter (config.lookups.AnyOf).
        return [-(2**41) - 7919 * n, -1]
    raise TypeError(f"cannot stand in for a {type(example).__name__}")


class CompiledRead:
    """`CompiledRead(lambda user_id: Model.objects.filter(...).values_list(...))(42)`."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self._statement: _Statement | None = _UNKNOWN
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> list[tuple[Any, ...]]:
        if self._statement is _UNKNOWN:
            with self._lock:
                if self._statement is _UNKNOWN:
                    self._statement = self._compile(args)
        statement = self._statement
        if statement is None:
            return list(self.build(*args))
        params = list(statement.params)
        for index, positions, adapt in statement.slots:
            value = adapt(args[index])
            for position in positions:
                params[position] = value
        with connections[statement.alias].cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        if not statement.converters:
            return rows
        return [
            tuple(row) for row in statement.compiler.apply_converters(rows, statement.converters)
        ]

    def _compile(self, args: tuple[Any, ...]) -> _Statement | None:
        try:
            markers = [_marker(n, arg) for n, arg in enumerate(args)]
        except TypeError:
            return None
        queryset = self.build(*markers)
        alias = queryset.db
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = _slots(markers, list(params), connection)
        if slots is None:
            return None
        columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(columns)
        return _Statement(alias, sql, tuple(params), slots, compiler, converters)


def _slots(
    markers: list[Any], params: list[Any], connection: Any
) -> tuple[tuple[int, tuple[int, ...], Callable[[Any], Any]], ...] | None:
    """Where each marker (None: an argument that was None) landed among the parameters."""
    slots = []
    for index, marker in enumerate(markers):
        if marker is None:
            continue
        for adapt in _adapters(marker, connection):
            stand_in = adapt(marker)
            positions = tuple(i for i, param in enumerate(params) if param == stand_in)
            if positions:
                slots.append((index, positions, adapt))
                break
        else:
            return None
    return tuple(slots)


class _CompiledWrite:
    """A write compiled once per pattern of None among its arguments (NULL is written as such,
    not as a parameter), then run with new values. Returns the number of rows written."""

    def __init__(self) -> None:
        self._statements: dict[tuple[bool, ...], tuple[str, str, tuple, tuple] | None] = {}
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> int:
        pattern = tuple(arg is None for arg in args)
        statement = self._statements.get(pattern, _UNKNOWN)
        if statement is _UNKNOWN:
            with self._lock:
                statement = self._statements.get(pattern, _UNKNOWN)
                if statement is _UNKNOWN:
                    statement = self._statements[pattern] = self._compile(args)
        if statement is None:
            return self._run_uncompiled(*args)
        alias, sql, params, slots = statement
        values = list(params)
        for index, positions, adapt in slots:
            value = adapt(args[index])
            for position in positions:
                values[position] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.rowcount

    def _compile(self, args: tuple[Any, ...]) -> tuple[str, str, tuple, tuple] | None:
        try:
            markers = [None if arg is None else _marker(n, arg) for n, arg in enumerate(args)]
        except TypeError:
            return None
        alias, sql, params = self._sql(markers)
        slots = _slots(markers, list(params), connections[alias])
        return None if slots is None else (alias, sql, tuple(params), slots)

    def _sql(self, markers: list[Any]) -> tuple[str, str, Any]:
        raise NotImplementedError

    def _run_uncompiled(self, *args: Any) -> int:
        raise NotImplementedError


class CompiledUpdate(_CompiledWrite):
    """`CompiledUpdate(lambda pk, status: (Model.objects.filter(pk=pk), {"status": status}))`,
    called as `(7, "done")`: that QuerySet's update() with those values."""

    def __init__(self, build: Callable[..., tuple[QuerySet, dict[str, Any]]]) -> None:
        super().__init__()
        self.build = build

    def _sql(self, markers: list[Any]) -> tuple[str, str, Any]:
        queryset, values = self.build(*markers)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        sql, params = query.get_compiler(using=queryset.db).as_sql()
        return queryset.db, sql, params

    def _run_uncompiled(self, *args: Any) -> int:
        queryset, values = self.build(*args)
        return queryset.update(**values)


class CompiledInsert(_CompiledWrite):
    """`CompiledInsert(Model, "user_id", "kind", ...)`, called with one value per field: one
    row inserted with exactly those values (no field defaults, no auto_now), as
    `Model.objects.create()` would, without asking its id back."""

    def __init__(self, model: type[Model], *fields: str) -> None:
        super().__init__()
        self.model = model
        self.fields = fields

    def _row(self, values: tuple[Any, ...] | list[Any]) -> Model:
        return self.model(**dict(zip(self.fields, values, strict=True)))

    def _sql(self, markers: list[Any]) -> tuple[str, str, Any]:
        meta = self.model._meta
        query = InsertQuery(self.model)
        query.insert_values(
            [meta.get_field(name) for name in self.fields], [self._row(markers)], raw=True
        )
        alias = router.db_for_write(self.model)
        ((sql, params),) = query.get_compiler(using=alias).as_sql()
        return alias, sql, params

    def _run_uncompiled(self, *args: Any) -> int:
        self._row(args).save(force_insert=True)
        return 1


def _same(value: Any) -> Any:
    return value


def _as_list(value: Any) -> list[int]:
    return [int(v) for v in value]


def _as_json_list(value: Any) -> str:
    return json.dumps(_as_list(value))


def _adapters(marker: Any, connection: Any) -> list[Callable[[Any], Any]]:
    """How an argument may have been turned into its parameter, most likely first."""
    if isinstance(marker, datetime.datetime):
        return [connection.ops.adapt_datetimefield_value]
    if isinstance(marker, list):
        return [_as_list, _as_json_list]
    return [_same]
