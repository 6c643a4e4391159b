"""Checking a catalog document against the database too, before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

from careers.models import Region, Role, Skill

from .schema import parse_catalog
from .specs import Catalog


def validate_catalog(data: Any) -> list[str]:
    """Every problem in a loaded document, each as "<path>: <message>"; empty when it can apply."""
    _catalog, problems = checked(data)
    return problems


def checked(data: Any) -> tuple[Catalog | None, list[str]]:
    known_roles = set(Role.objects.values_list("slug", flat=True))
    catalog, problems = parse_catalog(data, known_role_slugs=known_roles)
    if catalog is None:
        return None, problems
    problems = _database_conflicts(catalog)
    return (None, problems) if problems else (catalog, [])


def _database_conflicts(catalog: Catalog) -> list[str]:
    """Names that rows outside the document already hold, which the unique constraints refuse."""
    problems = []
    checks: list[tuple[type[models.Model], str, Sequence[Any], Callable[[str], str]]] = [
        (Region, "regions", catalog.regions, str),
        (Skill, "skills", catalog.skills, str.lower),
        (Role, "roles", catalog.roles, str),
    ]
    for model, key, specs, fold in checks:
        listed = {spec.slug for spec in specs}
        taken = {
            fold(name): slug
            for slug, name in model._default_manager.exclude(slug__in=listed).values_list(
                "slug", "name"
            )
        }
        label = model._meta.verbose_name
        for i, spec in enumerate(specs):
            holder = taken.get(fold(spec.name))
            if holder is not None:
                problems.append(
                    f"{key}[{i}].name: '{spec.name}' is already the name of the {label} "
                    f"'{holder}' in the database, which this file does not list"
                )
    return problems
