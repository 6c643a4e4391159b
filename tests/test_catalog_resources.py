"""Learning resources in the catalog: the model's rule, the file's `resources:` lists (checked,
loaded, exported), the shipped documentation links, admin and the catalog version."""

from __future__ import annotations

import copy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from careers import cache as catalog_cache
from careers.catalog import apply_catalog, dump_catalog, export_catalog, validate_catalog
from careers.models import Resource, ResourceKind, Role, Skill
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).parent / "fixtures" / "small_catalog.yaml"
SHIPPED = Path(__file__).parent.parent / "catalog" / "catalog.yaml"
PYTHON_DOCS = {
    "title": "Python documentation",
    "url": "https://docs.python.org/3/",
    "kind": "documentation",
    "free": True,
}
PYTHON_ROW = ("Python documentation", "https://docs.python.org/3/", "documentation", True, 1)
BOOK = {
    "title": "A paid book",
    "url": "https://books.example/python",
    "kind": "book",
    "free": False,
}


def with_resources(*resources: dict[str, Any]) -> dict[str, Any]:
    """The small catalog, its first skill (python) listing these resources."""
    data = yaml.safe_load(SMALL.read_text())
    data["skills"][0]["resources"] = [copy.deepcopy(r) for r in resources]
    return data


def python_resources() -> list[tuple[str, str, str, bool, int]]:
    rows = Resource.objects.filter(skill__slug="python").order_by("position")
    return list(rows.values_list("title", "url", "kind", "is_free", "position"))


# --- The model -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/x", "docs.python.org"])
def test_the_model_refuses_an_address_that_is_not_http_or_https(url):
    resource = Resource(skill=SkillFactory.create(), title="x", url=url, kind="documentation")

    with pytest.raises(ValidationError) as caught:
        resource.full_clean()

    assert "url" in caught.value.message_dict


def test_the_database_refuses_an_address_that_is_not_http_or_https():
    skill = SkillFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(skill=skill, title="x", url="javascript:alert(1)", kind="book")


def test_the_database_takes_an_https_address():
    resource = Resource.objects.create(
        skill=SkillFactory.create(), title="x", url="HTTPS://example.com/", kind="book"
    )

    resource.full_clean()


# --- The file ----------------------------------------------------------------------------------


def test_the_small_catalog_has_one_resource(small_catalog):
    assert python_resources() == [PYTHON_ROW]


def test_it_loads_a_skills_resources_in_order():
    apply_catalog(with_resources(PYTHON_DOCS, BOOK))

    assert python_resources() == [
        PYTHON_ROW,
        ("A paid book", "https://books.example/python", "book", False, 2),
    ]


def test_free_is_true_when_the_file_leaves_it_out():
    resource = {key: value for key, value in BOOK.items() if key != "free"}

    apply_catalog(with_resources(resource))

    assert python_resources()[0][3] is True


def test_loading_twice_changes_nothing():
    apply_catalog(with_resources(PYTHON_DOCS, BOOK))

    summary = apply_catalog(with_resources(PYTHON_DOCS, BOOK))

    assert not summary.changed


def test_it_reports_a_changed_resource_and_keeps_its_row():
    apply_catalog(with_resources(PYTHON_DOCS))
    before = Resource.objects.get().pk

    summary = apply_catalog(with_resources(PYTHON_DOCS | {"title": "The Python docs"}))

    assert Resource.objects.get().pk == before
    assert "\n".join(summary.lines()).count("updated python / resources #1") == 1
    assert '  title: "Python documentation" -> "The Python docs"' in "\n".join(summary.lines())


def test_it_deletes_the_resources_the_file_drops():
    apply_catalog(with_resources(PYTHON_DOCS, BOOK))

    summary = apply_catalog(with_resources(PYTHON_DOCS))

    assert [row[0] for row in python_resources()] == ["Python documentation"]
    assert "deleted python / resources #2" in "\n".join(summary.lines())


def test_check_says_what_would_change_and_writes_nothing():
    apply_catalog(with_resources())
    out = StringIO()

    call_command("load_catalog", str(SMALL), "--check", stdout=out)

    assert "  resources: 1 created" in out.getvalue()
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("resource", "path", "message"),
    [
        (PYTHON_DOCS | {"url": "javascript:alert(1)"}, "url", "not a web address"),
        (PYTHON_DOCS | {"url": "ftp://example.com/"}, "url", "not a web address"),
        (PYTHON_DOCS | {"kind": "video"}, "kind", "must be one of documentation, course"),
        (PYTHON_DOCS | {"free": "yes"}, "free", "must be true or false"),
        (PYTHON_DOCS | {"title": ""}, "title", "must not be empty"),
    ],
)
def test_it_reports_a_bad_resource_with_its_path(resource, path, message):
    problems = validate_catalog(with_resources(PYTHON_DOCS, resource))

    assert len(problems) == 1
    assert problems[0].startswith(f"skills[0].resources[1].{path}: ")
    assert message in problems[0]


def test_it_reports_a_resource_without_its_address():
    resource = {key: value for key, value in PYTHON_DOCS.items() if key != "url"}

    assert validate_catalog(with_resources(resource)) == [
        "skills[0].resources[0]: missing field 'url'"
    ]


def test_it_reports_an_unknown_key_in_a_resource():
    problems = validate_catalog(with_resources(PYTHON_DOCS | {"link": "x"}))

    assert problems == ["skills[0].resources[0]: unknown key 'link'"]


def test_an_export_lists_the_resources_and_loads_back_with_no_changes():
    apply_catalog(with_resources(PYTHON_DOCS, BOOK))

    document = export_catalog(Role.objects.all())

    python = next(skill for skill in document["skills"] if skill["slug"] == "python")
    assert python["resources"] == [PYTHON_DOCS, BOOK]
    assert not apply_catalog(yaml.safe_load(dump_catalog(document))).changed


def test_an_export_leaves_out_an_empty_resources_list():
    apply_catalog(with_resources())

    document = export_catalog(Role.objects.all())

    assert all("resources" not in skill for skill in document["skills"])


# --- The shipped catalog ---------------------------------------------------------------------

# The skills of the shipped catalog that are one tool, library, language or platform family with
# an official documentation site, and the site each links to.
SHIPPED_DOCUMENTATION = {
    "python": "https://docs.python.org/3/",
    "pytorch": "https://pytorch.org/docs/stable/",
    "scikit-learn": "https://scikit-learn.org/stable/",
    "tensorflow": "https://www.tensorflow.org/guide",
    "keras": "https://keras.io/guides/",
    "pandas": "https://pandas.pydata.org/docs/",
    "numpy": "https://numpy.org/doc/stable/",
    "git": "https://git-scm.com/doc",
    "docker": "https://docs.docker.com/",
    "big-data": "https://spark.apache.org/docs/latest/",
}


def test_the_shipped_catalog_links_the_official_documentation(shipped_catalog):
    first_docs = {
        skill.slug: skill.resources.order_by("position")[0].url
        for skill in Skill.objects.filter(slug__in=SHIPPED_DOCUMENTATION)
    }

    assert first_docs == SHIPPED_DOCUMENTATION


def test_every_shipped_resource_is_free_official_documentation(shipped_catalog):
    kinds = set(Resource.objects.values_list("kind", "is_free"))

    assert kinds == {(ResourceKind.DOCUMENTATION, True)}
    assert Resource.objects.count() == sum(
        len(skill.get("resources", [])) for skill in yaml.safe_load(SHIPPED.read_text())["skills"]
    )


def test_every_framework_skill_of_the_shipped_catalog_has_its_documentation(shipped_catalog):
    without = Skill.objects.filter(category="ml-frameworks", resources__isnull=True)

    # A pair of retired frameworks, and a family of tools with no one site.
    assert sorted(without.values_list("slug", flat=True)) == ["automl", "other-dl-frameworks"]


# --- Admin and the catalog version -----------------------------------------------------------


def test_the_catalog_editors_may_edit_resources():
    group = Group.objects.get(name="Catalog editors")

    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"add_resource", "change_resource", "delete_resource", "view_resource"} <= codenames


def test_an_editor_adds_a_resource_on_the_skills_page(client, editor):
    skill = SkillFactory.create()
    client.force_login(editor)
    prefix = "resources"
    data = {
        "name": skill.name,
        "slug": skill.slug,
        "category": skill.category,
        "description": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-position": "1",
        f"{prefix}-0-title": "The docs",
        f"{prefix}-0-url": "https://docs.example/",
        f"{prefix}-0-kind": "documentation",
        f"{prefix}-0-is_free": "on",
    }

    response = client.post(f"/admin/careers/skill/{skill.pk}/change/", data)

    assert response.status_code == 302
    assert list(skill.resources.values_list("title", "url")) == [
        ("The docs", "https://docs.example/")
    ]


def test_an_editor_is_told_an_address_must_be_http_or_https(client, editor):
    skill = SkillFactory.create()
    client.force_login(editor)
    data = {
        "name": skill.name,
        "slug": skill.slug,
        "category": skill.category,
        "resources-TOTAL_FORMS": "1",
        "resources-INITIAL_FORMS": "0",
        "resources-0-position": "1",
        "resources-0-title": "Bad",
        "resources-0-url": "javascript:alert(1)",
        "resources-0-kind": "documentation",
    }

    response = client.post(f"/admin/careers/skill/{skill.pk}/change/", data)

    assert response.status_code == 200
    assert "starting with http:// or https://" in response.content.decode()
    assert not Resource.objects.exists()


def test_saving_a_resource_moves_the_catalog_version_on():
    skill = SkillFactory.create()
    before = catalog_cache.version()

    Resource.objects.create(skill=skill, title="x", url="https://x.example/", kind="book")

    assert catalog_cache.version() != before
