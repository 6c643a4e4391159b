"""`field__any_of=[...]`: a list of ids sent as one parameter.

`__in` sends one parameter per value, so its statement changes with the list's length and cannot
be compiled once (config.compiled) nor prepared once by the database. Here the whole list is one
parameter: `= ANY(%s)` with an array on PostgreSQL, `IN (SELECT value FROM json_each(%s))` with
a JSON list on SQLite. Both keep the index on (other columns, field) usable: the database may look
each value up in it. A plan PostgreSQL makes once for any values may prefer to find the rows by
the other columns alone and filter them by the list; where that would read a long history, the
read looks each value up itself (tracker.selectors.lateral_progress_sql).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import ForeignKey, IntegerField, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    # The list goes to the database as it is, not through the field's conversion of one value.
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        values = [int(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, values]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(values)]


def register() -> None:
    ForeignKey.register_lookup(AnyOf)
    IntegerField.register_lookup(AnyOf)
