"""Checking values against their keys, and reading mappings with every problem and its path."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import models

from careers.models import web_url_validator

# The database columns behind these: PositiveSmallIntegerField and PositiveIntegerField.
SMALL_MAX = 32767
MONEY_MAX = 2147483647
YEAR_RANGE = (1900, 2100)


# --- Value checks ------------------------------------------------------------------------------


class Invalid(Exception):
    """A value that does not fit its key; the message completes "<path>: "."""


Check = Callable[[Any], Any]


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a decimal number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else f"{value[:37]}..."
        return f"text ('{shown}')"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return f"a {type(value).__name__} ({value})"


def max_length(model: type[models.Model], name: str) -> int | None:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation from another model, not a field")
    return field.max_length


def text(limit: int | None = None) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(f"must be text, not {describe(value)}")
        value = value.strip()
        if limit is not None and len(value) > limit:
            raise Invalid(f"must be at most {limit} characters long (it has {len(value)})")
        return value

    return check


def filled(limit: int | None = None) -> Check:
    """Text that must say something."""
    as_text = text(limit)

    def check(value: Any) -> str:
        value = as_text(value)
        if not value:
            raise Invalid("must not be empty")
        return value

    return check


def line(limit: int | None = None) -> Check:
    """Text that must say something and fit on one line, as a title or a name does."""
    as_filled = filled(limit)

    def check(value: Any) -> str:
        value = as_filled(value)
        if "\n" in value:
            raise Invalid("must fit on one line")
        return value

    return check


def slug(value: Any) -> str:
    value = line(50)(value)
    if not slug_re.match(value):
        raise Invalid(f"'{value}' is not a slug: use letters, digits and hyphens only")
    return value


def web_address(limit: int | None = None) -> Check:
    """A web address, http or https only, as the models' validator accepts it."""
    as_line = line(limit)

    def check(value: Any) -> str:
        value = as_line(value)
        try:
            web_url_validator(value)
        except ValidationError as error:
            raise Invalid(
                f"'{value}' is not a web address starting with http:// or https://"
            ) from error
        return value

    return check


def whole(low: int = 0, high: int = SMALL_MAX) -> Check:
    def check(value: Any) -> int:
        # YAML reads `yes` as a boolean, and bool is a kind of int in Python.
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number, not {describe(value)}")
        if not low <= value <= high:
            raise Invalid(f"must be between {low} and {high} (it is {value})")
        return value

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {describe(value)}")
    return value


def choice(choices: type[models.TextChoices]) -> Check:
    allowed = [str(value) for value in choices.values]

    def check(value: Any) -> str:
        if value not in allowed:
            got = f"'{value}'" if isinstance(value, str) else describe(value)
            raise Invalid(f"must be one of {', '.join(allowed)} (not {got})")
        return value

    return check


def listing(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(f"must be a list, not {describe(value)}")
    return value


def mapping(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise Invalid(f"must be a mapping, not {describe(value)}")
    return value


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = False
    default: Any = None


def suggestion(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --- Reading mappings --------------------------------------------------------------------------


class Problems:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{path or 'top level'}: {message}")

    def __bool__(self) -> bool:
        return bool(self.messages)


@dataclass
class Record:
    """The keys of one mapping that passed their checks; `bad` names those that did not."""

    values: dict[str, Any]
    bad: set[str]

    def get(self, name: str, fallback: Any = None) -> Any:
        return self.values.get(name, fallback)

    def ok(self, *names: str) -> bool:
        return not self.bad.intersection(names)


def read(value: Any, path: str, keys: dict[str, Key], problems: Problems) -> Record:
    if not isinstance(value, dict):
        problems.add(
            path, f"must be a mapping with the keys {', '.join(keys)}; it is {describe(value)}"
        )
        return Record({}, set(keys))
    record = Record({}, set())
    for name in value:
        if name not in keys:
            hint = suggestion(str(name), keys)
            problems.add(path, f"unknown key '{name}'{hint}")
    for name, key in keys.items():
        raw = value.get(name)
        if raw is None:
            if key.required:
                problems.add(path, f"missing field '{name}'")
                record.bad.add(name)
            else:
                record.values[name] = key.default
            continue
        try:
            record.values[name] = key.check(raw)
        except Invalid as error:
            problems.add(join(path, name), str(error))
            record.bad.add(name)
    return record


def items(record: Record, name: str) -> list[Any]:
    return record.get(name) or []
