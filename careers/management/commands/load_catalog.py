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
    validate_catalog,
)


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "catalog" / "catalog.yaml"


class Command(BaseCommand):
    help = (
        "Validate the role catalog YAML file and load it into the database: every error is "
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
            "--check", action="store_true", help="Validate the file only; write nothing."
        )

    def handle(self, *args: Any, path: Path | None, check: bool, **options: Any) -> None:
        path = path or default_path()
        try:
            data = read_catalog_file(path)
        except CatalogFileError as error:
            raise CommandError(str(error)) from error
        if check:
            problems = validate_catalog(data)
            if problems:
                self.fail(path, problems)
            self.say(f"{path} is valid.", options["verbosity"])
            return
        try:
            summary = apply_catalog(data)
        except CatalogError as error:
            self.fail(path, error.problems)
        self.report(path, summary, options["verbosity"])

    def fail(self, path: Path, problems: list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(problem)
        count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
        raise CommandError(f"{path}: {count}; nothing was written.")

    def report(self, path: Path, summary: Summary, verbosity: int) -> None:
        if summary.changed:
            self.say(f"Loaded {path}:", verbosity)
            for line in summary.lines():
                self.say(f"  {line}", verbosity)
        else:
            self.say(f"{path}: no changes; the database already matches the file.", verbosity)
        for note in summary.notes:
            self.say(note, verbosity)

    def say(self, message: str, verbosity: int) -> None:
        if verbosity > 0:
            self.stdout.write(message)
