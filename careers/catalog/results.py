"""What loading a catalog reports: the error that stops it, or what it changed, item by item.

The report is written for an editor comparing the file with what admin shows: each item by its
keys in the file (a role's slug, "role / stage", "role / stage / salary #2"), each changed field
by its key in the file, with its old and new value shortened around the first difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django.db import models

KINDS = (
    "sources",
    "regions",
    "skills",
    "resources",
    "milestones",
    "roles",
    "stages",
    "stage skills",
    "stage milestones",
    "outlook facts",
    "salary bands",
)
ACTIONS = ("created", "updated", "restored", "retired", "deleted")

# Model fields whose key in the catalog file differs from their name.
FILE_KEYS = {
    "is_published": "published",
    "is_featured": "featured",
    "pay_basis": "basis",
    "is_free": "free",
}
# Fields a change report leaves out: bringing an item back is what "restored" says.
UNREPORTED = {"is_retired"}
VALUE_MAX = 60
CONTEXT = 15


class CatalogError(Exception):
    """The document has problems; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the catalog; nothing was written")
        self.problems = problems


@dataclass(frozen=True)
class Change:
    """One item created, updated, restored, retired or deleted, with its fields' old and new
    values (for an update or a restore)."""

    action: str
    item: str
    fields: tuple[tuple[str, Any, Any], ...] = ()

    def lines(self) -> list[str]:
        lines = [f"{self.action} {self.item}"]
        for name, old, new in self.fields:
            if name in UNREPORTED:
                continue
            before, after = shown_pair(old, new)
            lines.append(f"  {FILE_KEYS.get(name, name)}: {before} -> {after}")
        return lines


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    restored: int = 0
    retired: int = 0
    deleted: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)

    def record(
        self, action: str, item: str, changed: tuple[tuple[str, Any, Any], ...] = ()
    ) -> None:
        setattr(self, action, getattr(self, action) + 1)
        self.changes.append(Change(action, item, changed))

    def __bool__(self) -> bool:
        return any(getattr(self, action) for action in ACTIONS)

    def describe(self) -> str:
        numbers = [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "changes"]
        return ", ".join(f"{n} {label}" for label, n in numbers if n)


@dataclass
class Summary:
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(counts.unchanged for counts in self.counts.values())

    def lines(self) -> list[str]:
        """Each kind with its counts, then each change to it, indented. A kind whose items are
        all new (a first load) is given as a count alone: a list of every row says nothing more."""
        lines = []
        for kind, counts in self.counts.items():
            if counts or counts.unchanged:
                lines.append(f"{kind}: {counts.describe()}")
            if counts.created == len(counts.changes) and not counts.unchanged:
                continue
            for change in counts.changes:
                lines += [f"  {line}" for line in change.lines()]
        return lines


def shown(value: Any) -> str:
    """A value as the catalog file would write it, on one line."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, models.Model):
        return str(getattr(value, "slug", None) or value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"') + '"'
    return str(value)


def shown_pair(old: Any, new: Any) -> tuple[str, str]:
    """Old and new value, shortened: long text from just before where the two first differ."""
    before, after = shown(old), shown(new)
    if isinstance(old, str) and isinstance(new, str):
        same = 0
        for a, b in zip(before, after, strict=False):
            if a != b:
                break
            same += 1
        if same > CONTEXT + 1:
            before = "\u2026" + before[same - CONTEXT :]
            after = "\u2026" + after[same - CONTEXT :]
    return _cut(before), _cut(after)


def _cut(text: str) -> str:
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "\u2026"
