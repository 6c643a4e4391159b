"""Which catalog rows people's data refers to, asked by the admin before it deletes any.

The catalog knows nothing of who uses it: an app whose rows point at catalog items registers a
check here (tracker does, in its AppConfig.ready). A check takes a QuerySet of one catalog model
and returns the part of it that is in use, or None when it has nothing to say about that model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

InUse = Callable[[QuerySet[Any]], "QuerySet[Any] | None"]

_checks: list[InUse] = []


def register(check: InUse) -> None:
    if check not in _checks:
        _checks.append(check)


def in_use(queryset: QuerySet[Any]) -> list[Model]:
    """The rows of `queryset` that some registered app's data refers to."""
    used: dict[Any, Model] = {}
    for check in _checks:
        found = check(queryset)
        if found is not None:
            used.update((row.pk, row) for row in found)
    return list(used.values())
