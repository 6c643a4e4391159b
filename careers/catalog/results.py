"""What loading a catalog reports: the error that stops it, or counts of what it changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

KINDS = (
    "sources",
    "regions",
    "skills",
    "roles",
    "stages",
    "stage skills",
    "milestones",
    "outlook facts",
    "salary bands",
)


class CatalogError(Exception):
    """The document has problems; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the catalog; nothing was written")
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    deleted: int = 0

    def __bool__(self) -> bool:
        return any(asdict(self).values())

    def describe(self) -> str:
        return ", ".join(f"{n} {label}" for label, n in asdict(self).items() if n)


@dataclass
class Summary:
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def lines(self) -> list[str]:
        return [f"{kind}: {counts.describe()}" for kind, counts in self.counts.items() if counts]
