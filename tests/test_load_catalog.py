"""`manage.py load_catalog`: validation with paths, one transaction, upserts, retirement."""

from __future__ import annotations

import copy
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers import cache as catalog_cache
from careers.catalog import apply_catalog, read_catalog_file, validate_catalog
from careers.models import Milestone, Role, SalaryBand, Skill, Stage, StageSkill
from tests.factories import SkillFactory, UserFactory
from tracker.models import MilestoneProgress, SkillProgress

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small_catalog.yaml"

pytestmark = pytest.mark.django_db


# --- Helpers ---------------------------------------------------------------------------------


def load(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_catalog", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def load_failing(path: Path, *args: str) -> tuple[str, str]:
    """Run a load that must fail; returns the CommandError message and what went to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_catalog", str(path), *args, stdout=StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


def small() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(SMALL.read_text()))


def write(tmp_path: Path, data: Any, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every catalog row, every field: equal snapshots mean nothing was written."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("careers").get_models()
    }


def ml_stages() -> list[str]:
    return list(
        Stage.objects.filter(role__slug="ml-engineer", is_retired=False)
        .order_by("position")
        .values_list("slug", flat=True)
    )


def ml_stage(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(s for s in data["roles"][0]["stages"] if s["slug"] == slug)


# --- Loading ---------------------------------------------------------------------------------


def test_it_loads_the_small_catalog():
    out, _ = load(SMALL)

    role = Role.objects.get(slug="ml-engineer")
    assert role.name == "ML Engineer"
    assert role.responsibility_list == ["Builds and deploys models", "Monitors them in production"]
    assert role.description.startswith("Takes models from notebooks to production.\nWorks")
    assert ml_stages() == ["junior", "mid", "senior", "research-track"]
    assert list(role.stages.values_list("position", flat=True)) == [1, 2, 3, 4]
    leads_to = role.stages.get(slug="research-track").leads_to
    assert leads_to is not None and leads_to.slug == "research-scientist"
    assert role.stages.get(slug="senior").years_label == "7+ years"
    assert not Role.objects.get(slug="research-scientist").is_published
    assert "skills: 7 created" in out
    assert "salary bands: 4 created" in out


def test_it_marks_the_roles_the_file_features(tmp_path):
    load(SMALL)
    assert list(Role.objects.filter(is_featured=True).values_list("slug", flat=True)) == [
        "ml-engineer"
    ]
    data = small()
    del data["roles"][0]["featured"]  # false, as when the key is left out
    data["roles"][1]["featured"] = True

    out, _ = load(write(tmp_path, data))

    assert list(Role.objects.filter(is_featured=True).values_list("slug", flat=True)) == [
        "research-scientist"
    ]
    assert "roles: 2 updated" in out


def test_it_keeps_the_order_and_kind_of_stage_skills():
    load(SMALL)

    junior = Stage.objects.get(role__slug="ml-engineer", slug="junior")
    rows = junior.stage_skills.order_by("position").values_list("skill__slug", "required")
    assert list(rows) == [("python", True), ("linear-algebra", True), ("r", False)]
    milestones = junior.stage_milestones.order_by("position")
    assert list(milestones.values_list("milestone__slug", "position")) == [
        ("bachelors-degree", 1),
        ("portfolio-project", 2),
    ]


def test_it_stores_salary_figures_as_the_file_gives_them():
    load(SMALL)

    role_wide = SalaryBand.objects.get(role__slug="ml-engineer", stage=None)
    assert role_wide.region is not None
    assert (role_wide.region.slug, role_wide.low, role_wide.high) == ("seattle-wa", 150321, 173517)
    average = SalaryBand.objects.get(stage__slug="mid")
    assert (average.low, average.midpoint, average.high) == (None, 150000, None)
    assert average.midpoint_kind == "average"
    assert average.note == "A single average in the source."
    research = SalaryBand.objects.get(role__slug="research-scientist")
    assert (research.p10, research.p90, research.pay_basis) == (80000, 180000, "total")


def test_it_changes_nothing_on_a_second_run():
    load(SMALL)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        summary = apply_catalog(read_catalog_file(SMALL))

    assert not summary.changed
    assert all(not counts for counts in summary.counts.values())
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert snapshot() == before


def test_it_says_no_changes_on_a_second_run():
    load(SMALL)

    out, _ = load(SMALL)

    assert "no changes" in out


def test_it_announces_a_change_only_when_something_changed(
    monkeypatch, django_capture_on_commit_callbacks
):
    bumps = []
    monkeypatch.setattr(catalog_cache, "bump", lambda: bumps.append("bump"))

    with django_capture_on_commit_callbacks(execute=True):
        load(SMALL)
    assert bumps
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):
        load(SMALL)

    assert bumps == []


def test_it_writes_only_the_fields_that_changed(tmp_path):
    load(SMALL)
    research_before = Role.objects.get(slug="research-scientist").updated_at
    data = small()
    data["roles"][0]["summary"] = "Ships machine learning systems."
    ml_stage(data, "junior")["salary"][0]["high"] = 135000

    out, _ = load(write(tmp_path, data))

    assert "roles: 1 updated" in out
    assert "salary bands: 1 updated" in out
    assert Role.objects.get(slug="ml-engineer").summary == "Ships machine learning systems."
    assert Role.objects.get(slug="research-scientist").updated_at == research_before


def test_it_checks_without_writing():
    out, _ = load(SMALL, "--check")

    assert "is valid" in out
    assert all(rows == [] for rows in snapshot().values())


# --- Errors ----------------------------------------------------------------------------------


def _set(path: str, value: Any):
    """A change to the small catalog: set the value at a dotted path like roles.0.summary."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _drop(path: str):
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[last]

    return change


BROKEN = {
    "missing field": (_drop("roles.1.summary"), "roles[1]: missing field 'summary'"),
    "bad level": (
        _set("roles.0.stages.1.level", "expert"),
        "roles[0].stages[1].level: must be one of entry, mid, senior, specialized (not 'expert')",
    ),
    "unknown skill": (
        _set("roles.0.stages.1.skills.required.0", "pytorchh"),
        "roles[0].stages[1].skills.required[0]: unknown skill 'pytorchh'",
    ),
    "low above high": (
        _set("roles.0.stages.0.salary.0.low", 140000),
        "roles[0].stages[0].salary[0].low: must not exceed high (140000 > 132000)",
    ),
    "low above midpoint": (
        _set("roles.1.stages.0.salary.0.low", 130000),
        "roles[1].stages[0].salary[0].low: must not exceed midpoint (130000 > 120000)",
    ),
    "midpoint above high": (
        _set("roles.1.stages.0.salary.0.midpoint", 170000),
        "roles[1].stages[0].salary[0].midpoint: must not exceed high (170000 > 160000)",
    ),
    "p10 above p90": (
        _set("roles.1.stages.0.salary.0.p10", 190000),
        "roles[1].stages[0].salary[0].p10: must not exceed p90 (190000 > 180000)",
    ),
    "midpoint without kind": (
        _drop("roles.0.stages.1.salary.0.midpoint_kind"),
        "roles[0].stages[1].salary[0].midpoint_kind: required with a midpoint",
    ),
    "band with no figure": (
        _drop("roles.0.stages.1.salary.0.midpoint"),
        "roles[0].stages[1].salary[0]: give at least one figure",
    ),
    "years in the wrong order": (
        _set("roles.0.stages.0.years_min", 2),
        "roles[0].stages[0].years_min: must not exceed years_max (2 > 1)",
    ),
    "duplicate skill slug": (
        _set("skills.4.slug", "python"),
        "skills[4].slug: duplicate slug 'python' (first at skills[0].slug)",
    ),
    "duplicate role slug": (
        _set("roles.1.slug", "ml-engineer"),
        "roles[1].slug: duplicate slug 'ml-engineer'",
    ),
    "skill names equal ignoring case": (
        _set("skills.1.name", "PYTHON"),
        "skills[1].name: duplicate name 'PYTHON': skills[0].name is 'Python'",
    ),
    "a skill twice in one role": (
        _set("roles.0.stages.1.skills.required.1", "python"),
        "roles[0].stages[1].skills.required[1]: skill 'python' is already listed at "
        "roles[0].stages[0].skills.required[0]",
    ),
    "leads_to on a stage that is not specialized": (
        _set("roles.0.stages.2.leads_to", "research-scientist"),
        "roles[0].stages[2].leads_to: only a specialized stage can lead to another role",
    ),
    "leads_to an unknown role": (
        _set("roles.0.stages.3.leads_to", "research-scientists"),
        "roles[0].stages[3].leads_to: unknown role 'research-scientists'",
    ),
    "featured not a boolean": (
        _set("roles.0.featured", "yes"),
        "roles[0].featured: must be true or false, not text ('yes')",
    ),
    "bad family": (
        _set("roles.1.family", "science"),
        "roles[1].family: must be one of machine-learning, research, infrastructure, data, "
        "product, consulting, leadership (not 'science')",
    ),
    "bad category": (
        _set("skills.0.category", "coding"),
        "skills[0].category: must be one of programming, ml-frameworks",
    ),
    "bad milestone kind": (
        _set("milestones.0.kind", "degree"),
        "milestones[0].kind: must be one of education, experience",
    ),
    "unknown milestone": (
        _set("roles.0.stages.0.milestones.1", "portfolio"),
        "roles[0].stages[0].milestones[1]: unknown milestone 'portfolio'",
    ),
    "unknown key": (
        _set("roles.0.stages.0.titel", "Typo"),
        "roles[0].stages[0]: unknown key 'titel' (did you mean 'title'?)",
    ),
    "wrong type": (
        _set("roles.0.stages.0.years_max", "one"),
        "roles[0].stages[0].years_max: must be a whole number, not text ('one')",
    ),
    "unknown source": (
        _set("roles.0.outlook.0.source", "nowhere"),
        "roles[0].outlook[0].source: unknown source 'nowhere'",
    ),
    "unknown region": (
        _set("roles.0.salary.0.region", "paris"),
        "roles[0].salary[0].region: unknown region 'paris'",
    ),
    "duplicate milestone slug": (
        _set("milestones.1.slug", "bachelors-degree"),
        "milestones[1].slug: duplicate slug 'bachelors-degree' (first at milestones[0].slug)",
    ),
    "milestone twice in a role": (
        _set("roles.0.stages.1.milestones.0", "bachelors-degree"),
        "roles[0].stages[1].milestones[0]: milestone 'bachelors-degree' is already listed at "
        "roles[0].stages[0].milestones[0]: a milestone appears once per role",
    ),
    "specialized stage before a senior one": (
        _set("roles.0.stages.1.level", "specialized"),
        "roles[0].stages[2].level: a senior stage cannot follow a specialized one",
    ),
}


@pytest.mark.parametrize("case", BROKEN.keys())
def test_it_reports_an_error_with_its_path_and_writes_nothing(case, tmp_path):
    change, expected = BROKEN[case]
    load(SMALL)
    data = small()
    data["roles"][0]["summary"] = "A change that must not be written."
    change(data)
    before = snapshot()

    message, stderr = load_failing(write(tmp_path, data))

    assert expected in stderr
    assert "nothing was written" in message
    assert snapshot() == before


def test_it_reports_every_error_in_the_file():
    message, stderr = load_failing(FIXTURES / "broken_catalog.yaml")

    assert stderr.splitlines() == [
        "skills[1].slug: duplicate slug 'python' (first at skills[0].slug)",
        "skills[2].category: must be one of programming, ml-frameworks, math-stats, data, "
        "deep-learning, mlops-infra, soft-skills, domain (not 'ml-framework')",
        "skills[2].name: duplicate name 'PYTHON': skills[0].name is 'Python', and skill names "
        "must differ regardless of case",
        "milestones[0].kind: must be one of education, experience, project, certification, "
        "leadership (not 'publication')",
        "roles[0].stages[0].years_min: must not exceed years_max (3 > 1)",
        "roles[0].stages[0].leads_to: only a specialized stage can lead to another role",
        "roles[0].stages[0].skills.required[1]: unknown skill 'pytorchh' (did you mean 'pytorch'?)",
        "roles[0].stages[0].salary[0].low: must not exceed high (150000 > 120000)",
        "roles[1]: missing field 'summary'",
        "roles[1].stages[0].skills.required[1]: skill 'python' is already listed at "
        "roles[1].stages[0].skills.required[0]: a skill appears once per role, at the stage "
        "that introduces it",
        "roles[1].stages[0].milestones[1]: unknown milestone 'papers' (did you mean 'paper'?)",
    ]
    assert message.endswith("11 errors; nothing was written.")
    assert Skill.objects.count() == 0


def test_it_says_in_one_line_where_a_file_stops_being_yaml():
    load(SMALL)
    before = snapshot()

    message, _ = load_failing(FIXTURES / "not_yaml.yaml")

    assert "not_yaml.yaml is not valid YAML" in message
    assert "(line 3, column 3)" in message
    assert "\n" not in message
    assert snapshot() == before


def test_it_exits_non_zero_from_the_command_line():
    # The file is refused before any database access, so the test database is not needed.
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "load_catalog",
            "--skip-checks",
            "tests/fixtures/not_yaml.yaml",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "CommandError: tests/fixtures/not_yaml.yaml is not valid YAML" in result.stderr


def test_it_refuses_a_key_given_twice(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("version: 1\nroles: []\nversion: 1\n")

    message, _ = load_failing(path)

    assert "found the key 'version' twice (line 3, column 1)" in message


def test_it_refuses_a_document_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- version: 1\n")

    message, _ = load_failing(path)

    assert "is not a catalog: a catalog is a YAML mapping" in message
    assert "this file holds a list" in message


def test_it_refuses_a_binary_file(tmp_path):
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")

    message, _ = load_failing(path)

    assert "is not a YAML file: it is not UTF-8 text" in message


def test_it_refuses_a_missing_file(tmp_path):
    message, _ = load_failing(tmp_path / "nowhere.yaml")

    assert message.endswith("nowhere.yaml does not exist")


def test_it_refuses_a_name_held_by_a_skill_the_file_does_not_list():
    SkillFactory.create(slug="python-3", name="PYTHON")

    problems = validate_catalog(read_catalog_file(SMALL))

    assert problems == [
        "skills[0].name: 'Python' is already the name of the skill 'python-3' in the database, "
        "which this file does not list"
    ]


def test_check_reports_errors_too(tmp_path):
    data = small()
    _drop("roles.1.summary")(data)

    _, stderr = load_failing(write(tmp_path, data), "--check")

    assert "roles[1]: missing field 'summary'" in stderr


# --- Retiring, not deleting ------------------------------------------------------------------


def _without_skill_r(data: dict[str, Any]) -> None:
    data["skills"] = [skill for skill in data["skills"] if skill["slug"] != "r"]
    del ml_stage(data, "junior")["skills"]["recommended"]


def test_it_retires_a_skill_the_file_drops_and_keeps_progress_on_it(tmp_path):
    load(SMALL)
    person = UserFactory.create()
    r = Skill.objects.get(slug="r")
    progress = SkillProgress.objects.create(user=person, skill=r, status="done", note="Kept")
    data = small()
    _without_skill_r(data)

    out, _ = load(write(tmp_path, data))

    r.refresh_from_db()
    assert r.is_retired
    assert StageSkill.objects.get(skill=r).is_retired
    progress.refresh_from_db()
    assert (progress.skill_id, progress.status, progress.note) == (r.pk, "done", "Kept")
    assert "skills: 1 retired" in out
    assert "stage skills: 1 retired" in out


def test_it_brings_back_a_skill_listed_again(tmp_path):
    load(SMALL)
    data = small()
    _without_skill_r(data)
    load(write(tmp_path, data))

    out, _ = load(SMALL)

    assert not Skill.objects.get(slug="r").is_retired
    assert not StageSkill.objects.get(skill__slug="r").is_retired
    assert "skills: 1 restored" in out
    assert "stage skills: 1 restored" in out


def test_it_retires_a_milestone_the_file_drops_and_brings_it_back(tmp_path):
    load(SMALL)
    milestone = Milestone.objects.get(slug="deploy-a-model")
    MilestoneProgress.objects.create(user=UserFactory.create(), milestone=milestone)
    data = small()
    ml_stage(data, "mid")["milestones"] = []
    data["milestones"] = [m for m in data["milestones"] if m["slug"] != "deploy-a-model"]

    load(write(tmp_path, data))
    milestone.refresh_from_db()
    assert milestone.is_retired
    assert milestone.stage_milestones.get().is_retired
    assert MilestoneProgress.objects.filter(milestone=milestone).exists()

    load(SMALL)
    milestone.refresh_from_db()
    assert not milestone.is_retired
    assert not milestone.stage_milestones.get().is_retired


def test_a_stage_that_drops_a_milestone_retires_its_place_only(tmp_path):
    load(SMALL)
    data = small()
    ml_stage(data, "mid")["milestones"] = []

    load(write(tmp_path, data))

    milestone = Milestone.objects.get(slug="deploy-a-model")
    assert not milestone.is_retired
    assert milestone.stage_milestones.get().is_retired


def test_it_retires_a_stage_the_file_drops_with_its_items(tmp_path):
    load(SMALL)
    data = small()
    data["roles"][0]["stages"] = [s for s in data["roles"][0]["stages"] if s["slug"] != "senior"]
    data["skills"] = [s for s in data["skills"] if s["slug"] not in {"mlops", "communication"}]

    load(write(tmp_path, data))

    senior = Stage.objects.get(role__slug="ml-engineer", slug="senior")
    assert senior.is_retired
    assert all(senior.stage_skills.values_list("is_retired", flat=True))
    assert ml_stages() == ["junior", "mid", "research-track"]
    assert Stage.objects.get(role__slug="ml-engineer", slug="research-track").position == 3


def test_it_never_deletes_catalog_items(tmp_path):
    load(SMALL)
    counts = {model: model.objects.count() for model in (Skill, Stage, StageSkill, Milestone)}
    data = small()
    data["skills"] = []
    for role in data["roles"]:
        for stage in role["stages"]:
            stage.pop("skills", None)
            stage.pop("milestones", None)

    load(write(tmp_path, data))

    assert {model: model.objects.count() for model in counts} == counts
    assert not Skill.objects.filter(is_retired=False).exists()


# --- Moving things around --------------------------------------------------------------------


def test_it_reorders_stages_keeping_their_rows(tmp_path):
    load(SMALL)
    ids = dict(Stage.objects.filter(role__slug="ml-engineer").values_list("slug", "pk"))
    data = small()
    stages = data["roles"][0]["stages"]
    stages[1], stages[2] = stages[2], stages[1]

    out, _ = load(write(tmp_path, data))

    assert ml_stages() == ["junior", "senior", "mid", "research-track"]
    assert dict(Stage.objects.filter(role__slug="ml-engineer").values_list("slug", "pk")) == ids
    assert "stages: 2 updated" in out


def test_it_inserts_a_stage_at_the_front(tmp_path):
    load(SMALL)
    data = small()
    data["roles"][0]["stages"].insert(0, {"slug": "intern", "level": "entry", "title": "ML Intern"})

    load(write(tmp_path, data))

    assert ml_stages() == ["intern", "junior", "mid", "senior", "research-track"]


def test_it_moves_a_skill_to_another_stage_of_its_role(tmp_path):
    load(SMALL)
    stage_skill = StageSkill.objects.get(role__slug="ml-engineer", skill__slug="statistics")
    data = small()
    ml_stage(data, "mid")["skills"]["required"] = ["pytorch"]
    ml_stage(data, "junior")["skills"]["required"].append("statistics")

    load(write(tmp_path, data))

    moved = StageSkill.objects.get(pk=stage_skill.pk)
    assert moved.stage.slug == "junior"
    assert (moved.position, moved.required, moved.is_retired) == (3, True, False)


def test_it_swaps_two_skill_names(tmp_path):
    load(SMALL)
    data = small()
    data["skills"][1]["name"], data["skills"][2]["name"] = "Statistics", "Linear algebra"

    load(write(tmp_path, data))

    assert Skill.objects.get(slug="linear-algebra").name == "Statistics"
    assert Skill.objects.get(slug="statistics").name == "Linear algebra"


def test_it_leaves_roles_the_file_does_not_list_alone(tmp_path):
    load(SMALL)
    data = small()
    data["roles"] = data["roles"][1:]

    out, _ = load(write(tmp_path, data))

    assert "Left 1 role(s) this file does not list as they are: ml-engineer" in out
    assert not Stage.objects.filter(role__slug="ml-engineer", is_retired=True).exists()
    # Skills the other role still asks for are not this file's to retire.
    assert not Skill.objects.filter(slug="r").get().is_retired


# --- The shipped catalog ---------------------------------------------------------------------


def test_it_loads_the_shipped_catalog(shipped_catalog):
    role = Role.objects.get(name="Machine Learning Engineer")
    assert role.stages.filter(is_retired=False).exists()


def test_the_shipped_catalog_features_the_flagship_roles(shipped_catalog):
    featured = Role.objects.filter(is_featured=True).values_list("slug", flat=True)

    assert sorted(featured) == [
        "data-scientist",
        "machine-learning-engineer",
        "ml-systems-engineer",
    ]


def test_the_shipped_catalog_loads_twice_without_changes(shipped_catalog):
    out, _ = load(Path(__file__).parent.parent / "catalog" / "catalog.yaml")

    assert "no changes" in out
