from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tracker.import_file import MAX_BYTES, ImportFileError, read_export, too_large
from tracker.imports import apply_import, plan_import, summary


class Command(BaseCommand):
    help = (
        "Import a Pathwise export (the JSON of /me/export.json) into an account, as "
        "/settings/import/ does: the file is checked first, nothing is deleted or set back, and "
        "importing the same file twice changes nothing. Exits non-zero, writing nothing, when "
        "the account is unknown or the file is not a valid export."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The account to import into.")
        parser.add_argument("file", type=Path, help="The export file (JSON).")
        parser.add_argument(
            "--check", action="store_true", help="Print what importing would do; write nothing."
        )

    def handle(self, *args: Any, username: str, file: Path, check: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}: nothing was imported.")
        try:
            size = file.stat().st_size
            if size > MAX_BYTES:
                raise CommandError(f"{file}: {too_large(size)} Nothing was imported.")
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}. Nothing was imported.") from None
        try:
            data = read_export(content)
        except ImportFileError as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"{file} was not imported:\n{problems}") from None
        if check:
            with transaction.atomic():
                lines = summary(plan_import(user, data))
            self.stdout.write("\n".join(lines) + "\nNothing was written (--check).")
            return
        plan = apply_import(user=user, data=data)
        self.stdout.write("\n".join(summary(plan)))
