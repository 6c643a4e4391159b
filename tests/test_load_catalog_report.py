"""What `load_catalog` says it changed, `--check` showing the same without writing, and
`make run` loading the shipped catalog into an empty database only, so admin edits are kept."""

from __future__ import annotations

import copy
import shlex
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from careers.catalog.results import shown_pair
from careers.models import Role, SalaryBand, Skill

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small_catalog.yaml"
EDITED = "Edited in admin: what this role does, in an editor's words."

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_catalog", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def small() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(SMALL.read_text()))


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("careers").get_models()
    }


def make_commands(target: str) -> list[list[str]]:
    """The load_catalog commands `make <target>` runs, as make itself expands them."""
    dry_run = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", target],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = [shlex.split(line) for line in dry_run.stdout.splitlines()]
    return [words for words in commands if "load_catalog" in words]


def run_make_load(target: str) -> str:
    """Run the one load_catalog command of `make <target>` against the test database."""
    (command,) = make_commands(target)
    return load(*command[command.index("load_catalog") + 1 :])


def edit_in_admin(admin_client) -> None:
    """An editor's changes: a role's description rewritten, a skill retired."""
    role = Role.objects.get(slug="machine-learning-engineer")
    role.description = EDITED
    role.save()  # what admin's change page does; the inlines are not what this is about
    python = Skill.objects.get(slug="python")
    response = admin_client.post(
        reverse("admin:careers_skill_changelist"),
        {"action": "retire", "_selected_action": [python.pk]},
    )
    assert response.status_code == 302
    assert Skill.objects.get(slug="python").is_retired


# --- make run and make catalog -------------------------------------------------------------------


def test_make_run_leaves_admin_edits_in_place(admin_client, shipped_catalog):
    edit_in_admin(admin_client)
    before = snapshot()

    out = run_make_load("run")

    assert f"already has {Role.objects.count()} roles" in out
    assert snapshot() == before
    assert Role.objects.get(slug="machine-learning-engineer").description == EDITED
    assert Skill.objects.get(slug="python").is_retired


def test_make_run_loads_the_shipped_catalog_into_an_empty_database():
    out = run_make_load("run")

    assert out.splitlines()[0] == "Loaded catalog/catalog.yaml:"
    assert Role.objects.filter(is_featured=True).count() == 3


def test_make_catalog_loads_over_admin_edits_and_says_which(admin_client, shipped_catalog):
    edit_in_admin(admin_client)

    out = run_make_load("catalog")

    assert f"  roles: 1 updated, {Role.objects.count() - 1} unchanged" in out
    assert "    updated machine-learning-engineer" in out
    assert '      description: "Edited in admin: what' in out
    assert f"  skills: 1 restored, {Skill.objects.count() - 1} unchanged" in out
    assert "    restored python" in out
    assert Role.objects.get(slug="machine-learning-engineer").description != EDITED
    assert not Skill.objects.get(slug="python").is_retired


# --- The report ----------------------------------------------------------------------------------


def test_it_reports_each_change_with_its_old_and_new_value(tmp_path):
    load(str(SMALL))
    data = small()
    ml = data["roles"][0]
    ml["summary"] = "Ships machine learning systems."
    ml["featured"] = False
    junior = ml["stages"][0]
    junior["salary"][0]["high"] = 135000
    junior["milestones"].pop()  # portfolio-project
    ml["stages"][1]["salary"].append(
        {"low": 1, "high": 2, "year": 2024, "source": "mle-guide", "section": "New"}
    )
    data["skills"].append({"slug": "rust", "name": "Rust", "category": "programming"})

    out = load(write(tmp_path, data))

    assert out.splitlines() == [
        f"Loaded {tmp_path / 'catalog.yaml'}:",
        "  sources: 2 unchanged",
        "  regions: 2 unchanged",
        "  skills: 1 created, 7 unchanged",
        "    created rust",
        "  resources: 1 unchanged",
        "  milestones: 4 unchanged",
        "  roles: 1 updated, 1 unchanged",
        "    updated ml-engineer",
        '      summary: "Builds, ships and runs machine learning systems." -> '
        '"Ships machine learning systems."',
        "      featured: true -> false",
        "  stages: 6 unchanged",
        "  stage skills: 10 unchanged",
        "  stage milestones: 1 retired, 3 unchanged",
        "    retired ml-engineer / junior / portfolio-project",
        "  outlook facts: 1 unchanged",
        "  salary bands: 1 created, 1 updated, 3 unchanged",
        "    updated ml-engineer / junior / salary #1",
        "      high: 132000 -> 135000",
        "    created ml-engineer / mid / salary #2",
    ]


def test_it_reports_a_stage_moved_by_its_real_positions(tmp_path):
    load(str(SMALL))
    data = small()
    stages = data["roles"][0]["stages"]
    stages[0], stages[1] = stages[1], stages[0]

    out = load(write(tmp_path, data))

    assert "    updated ml-engineer / mid\n      position: 2 -> 1\n" in out
    assert "    updated ml-engineer / junior\n      position: 1 -> 2\n" in out


def test_a_second_load_reports_no_changes():
    load(str(SMALL))

    out = load(str(SMALL))

    assert (
        out.splitlines()[0] == f"{SMALL}: no changes; the database already matches the file "
        "(43 items unchanged)."
    )


def test_check_shows_the_same_report_and_writes_nothing(tmp_path):
    load(str(SMALL))
    data = small()
    data["roles"][0]["summary"] = "Ships machine learning systems."
    data["roles"][0]["stages"].pop(1)  # mid
    path = write(tmp_path, data)
    before = snapshot()

    checked = load(path, "--check")

    assert snapshot() == before
    assert checked.splitlines()[0] == f"{path} is valid. Loading it would change (nothing written):"
    loaded = load(path)
    assert checked.splitlines()[1:] == loaded.splitlines()[1:]
    assert "    retired ml-engineer / mid" in loaded


def test_check_writes_nothing_into_an_empty_database():
    out = load(str(SMALL), "--check")

    assert "  roles: 2 created" in out
    assert all(rows == [] for rows in snapshot().values())


def test_if_empty_loads_an_empty_database_and_then_does_nothing(tmp_path):
    load(str(SMALL), "--if-empty")
    assert Role.objects.count() == 2
    data = small()
    data["roles"][0]["summary"] = "Not loaded."

    out = load(write(tmp_path, data), "--if-empty")

    assert "was not loaded: the database already has 2 roles" in out
    assert "make catalog" in out
    assert Role.objects.get(slug="ml-engineer").summary != "Not loaded."
    assert SalaryBand.objects.count() == 4


# How a changed value is shown: on one line, as the file writes it, long text shortened from
# just before where the old and new values first differ.
SHOWN = {
    "numbers": (132000, 135000, ("132000", "135000")),
    "booleans": (False, True, ("false", "true")),
    "nothing": (None, 5, ("(none)", "5")),
    "short text": (
        "Junior DS",
        "Junior Data Scientist",
        ('"Junior DS"', '"Junior Data Scientist"'),
    ),
    "line breaks": ("a\nb", "a\nc", ('"a\\nb"', '"a\\nc"')),
    "a change late in long text": (
        "Machine learning engineers carry a model from idea to production.",
        "Machine learning engineers carry a model from an idea to production.",
        (
            '\u2026y a model from idea to production."',
            '\u2026y a model from an idea to production."',
        ),
    ),
    "long text cut at the end": (
        "x" * 100,
        "y" * 100,
        ('"' + "x" * 58 + "\u2026", '"' + "y" * 58 + "\u2026"),
    ),
}


@pytest.mark.parametrize("case", SHOWN.keys())
def test_a_changed_value_is_shown_shortened(case):
    old, new, expected = SHOWN[case]

    assert shown_pair(old, new) == expected
