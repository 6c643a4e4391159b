from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from careers.catalog import (
    CatalogError,
    CatalogFileError,
    Summary,
    apply_catalog,
    read_catalog_file,
)
from careers.models import Role


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "catalog" / "catalog.yaml"


class Command(BaseCommand):
    help = (
        "Validate the role catalog YAML file and load it into the database, overwriting what "
        "admin edits the file also lists, and print what changed, item by item. Every error is "
        "reported with its place in the file, and nothing is written unless the whole file is "
        "valid. Running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="The catalog file (default: catalog/catalog.yaml in the project).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Validate the file and print what loading it would change; write nothing.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load the file only into a database that has no role yet (what `make run` "
            "does, so that admin edits are kept); otherwise do nothing and say so.",
        )

    def handle(
        self, *args: Any, path: Path | None, check: bool, if_empty: bool, **options: Any
    ) -> None:
        path = path or default_path()
        verbosity = options["verbosity"]
        if if_empty:
            roles = Role.objects.count()
            if roles:
                self.say(
                    f"{path} was not loaded: the database already has {roles} "
                    f"role{'s' if roles != 1 else ''}, and loading would overwrite admin edits. "
                    "Load it with `make catalog` (or load_catalog without --if-empty).",
                    verbosity,
                )
                return
        try:
            data = read_catalog_file(path)
        except CatalogFileError as error:
            raise CommandError(str(error)) from error
        try:
            summary = apply_catalog(data, dry_run=check)
        except CatalogError as error:
            self.fail(path, error.problems)
        self.report(path, summary, check, verbosity)

    def fail(self, path: Path, problems: list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(problem)
        count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
        raise CommandError(f"{path}: {count}; nothing was written.")

    def report(self, path: Path, summary: Summary, check: bool, verbosity: int) -> None:
        if summary.changed:
            if check:
                self.say(f"{path} is valid. Loading it would change (nothing written):", verbosity)
            else:
                self.say(f"Loaded {path}:", verbosity)
            for line in summary.lines():
                self.say(f"  {line}", verbosity)
        else:
            valid = f"{path} is valid" if check else str(path)
            self.say(
                f"{valid}: no changes; the database already matches the file "
                f"({summary.unchanged} items unchanged).",
                verbosity,
            )
        for note in summary.notes:
            self.say(note, verbosity)

    def say(self, message: str, verbosity: int) -> None:
        if verbosity > 0:
            self.stdout.write(message)
