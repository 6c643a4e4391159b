"""Catalog admin: the editors group, deletion refused for items in people's progress, export."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django import forms
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from careers import signals
from careers.catalog import apply_catalog, dump_catalog, export_catalog, parse_yaml
from careers.models import Milestone, Role, Skill, Stage, StageMilestone, StageSkill
from tests.factories import SkillFactory, UserFactory
from tracker.models import MilestoneProgress, SkillProgress

REFUSAL = (
    "is part of people's progress, so it cannot be deleted. Retire it instead: it disappears "
    "from checklists but stays in their history."
)

# What staff edit; careers.StageItems, a record the catalog's changes write, has no permissions.
CATALOG_MODELS = [
    model._meta.model_name
    for model in apps.get_app_config("careers").get_models()
    if model._meta.default_permissions
]


def url(model: str, view: str, *args: Any) -> str:
    return reverse(f"admin:careers_{model}_{view}", args=args)


def form_data(response) -> dict[str, Any]:
    """What the browser would post back for an admin change page left as it is."""
    data: dict[str, Any] = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    for form in all_forms:
        for field in form:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else value
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def in_progress(skill: Skill) -> SkillProgress:
    return SkillProgress.objects.create(user=UserFactory.create(), skill=skill, status="learning")


# --- Every page renders ----------------------------------------------------------------------


@pytest.mark.parametrize("model", CATALOG_MODELS)
def test_it_renders_the_list_add_and_change_pages(admin_client, small_catalog, model):
    obj = apps.get_model("careers", model).objects.order_by("pk").first()

    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 200
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_it_filters_skills_by_category_and_retirement(admin_client, small_catalog):
    response = admin_client.get(
        url("skill", "changelist"), {"category": "math-stats", "is_retired__exact": "0"}
    )

    names = [skill.name for skill in response.context["cl"].result_list]
    assert names == ["Linear algebra", "Statistics"]


def test_it_links_a_role_to_its_public_page(admin_client, small_catalog):
    role = Role.objects.get(slug="ml-engineer")
    response = admin_client.get(url("role", "change", role.pk))
    view_on_site = reverse(
        "admin:view_on_site", args=[response.context["content_type_id"], role.pk]
    )

    assert view_on_site in response.content.decode()
    assert admin_client.get(view_on_site)["Location"].endswith("/roles/ml-engineer/")


# --- The "Catalog editors" group -------------------------------------------------------------


@pytest.mark.django_db
def test_the_editors_group_may_do_everything_with_the_catalog_and_nothing_else():
    group = Group.objects.get(name="Catalog editors")
    careers_types = ContentType.objects.filter(app_label="careers")

    granted = set(group.permissions.values_list("content_type__app_label", "codename"))

    expected = {
        ("careers", f"{action}_{model}")
        for action in ("add", "change", "delete", "view")
        for model in CATALOG_MODELS
    }
    assert granted == expected
    assert Permission.objects.filter(content_type__in=careers_types).count() == len(expected)


def test_an_editor_can_change_a_role(client: Client, editor, small_catalog):
    client.force_login(editor)
    role = Role.objects.get(slug="ml-engineer")
    page = client.get(url("role", "change", role.pk))
    assert page.status_code == 200

    data = form_data(page) | {"summary": "Builds and runs ML systems in production."}
    response = client.post(url("role", "change", role.pk), data)

    assert response.status_code == 302
    role.refresh_from_db()
    assert role.summary == "Builds and runs ML systems in production."


def test_an_editor_cannot_open_users(client: Client, editor):
    client.force_login(editor)

    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


# --- Deleting what people's progress refers to -----------------------------------------------


def test_it_refuses_to_delete_a_skill_in_someones_progress(admin_client, small_catalog):
    skill = Skill.objects.get(slug="python")
    in_progress(skill)

    response = admin_client.post(url("skill", "delete", skill.pk), {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == url("skill", "change", skill.pk)
    assert f"Python {REFUSAL}" in messages_of(response)[0]
    assert "Retire selected skills" in messages_of(response)[0]
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_it_refuses_the_delete_page_too(admin_client, small_catalog):
    skill = Skill.objects.get(slug="python")
    in_progress(skill)

    response = admin_client.get(url("skill", "delete", skill.pk))

    assert response.status_code == 302


def test_it_refuses_to_bulk_delete_skills_in_someones_progress(admin_client, small_catalog):
    python, statistics = Skill.objects.get(slug="python"), Skill.objects.get(slug="statistics")
    in_progress(python)
    unused = SkillFactory.create(name="Unused")

    response = admin_client.post(
        url("skill", "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [python.pk, statistics.pk, unused.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert f"Python {REFUSAL}" in messages_of(response)[0]
    assert "Nothing was deleted." in messages_of(response)
    assert Skill.objects.filter(pk__in=[python.pk, statistics.pk, unused.pk]).count() == 3


def test_it_deletes_a_skill_nobody_uses(admin_client, small_catalog):
    unused = SkillFactory.create(name="Unused")

    response = admin_client.post(url("skill", "delete", unused.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Skill.objects.filter(pk=unused.pk).exists()


def test_it_bulk_deletes_skills_nobody_uses(admin_client, small_catalog):
    unused = [SkillFactory.create(), SkillFactory.create()]

    admin_client.post(
        url("skill", "changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in unused], "post": "yes"},
    )

    assert not Skill.objects.filter(pk__in=[s.pk for s in unused]).exists()


def test_it_refuses_to_delete_a_stage_skill_whose_skill_is_in_progress(admin_client, small_catalog):
    stage_skill = StageSkill.objects.get(role__slug="ml-engineer", skill__slug="python")
    in_progress(stage_skill.skill)

    response = admin_client.post(
        url("stageskill", "delete", stage_skill.pk), {"post": "yes"}, follow=True
    )

    assert f"Python (at Junior ML Engineer) {REFUSAL}" in messages_of(response)[0]
    assert StageSkill.objects.filter(pk=stage_skill.pk).exists()


def test_it_deletes_a_stage_skill_nobody_has_started(admin_client, small_catalog):
    stage_skill = StageSkill.objects.get(role__slug="ml-engineer", skill__slug="r")

    admin_client.post(url("stageskill", "delete", stage_skill.pk), {"post": "yes"})

    assert not StageSkill.objects.filter(pk=stage_skill.pk).exists()


def test_it_refuses_to_delete_a_milestone_in_progress(admin_client, small_catalog):
    milestone = Milestone.objects.get(slug="deploy-a-model")
    MilestoneProgress.objects.create(user=UserFactory.create(), milestone=milestone)

    response = admin_client.post(
        url("milestone", "delete", milestone.pk), {"post": "yes"}, follow=True
    )

    assert f"Deploy a model to production {REFUSAL}" in messages_of(response)[0]
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_it_refuses_an_inline_delete_of_a_milestone_in_progress(admin_client, small_catalog):
    stage = Stage.objects.get(role__slug="ml-engineer", slug="mid")
    place = stage.stage_milestones.get()
    MilestoneProgress.objects.create(user=UserFactory.create(), milestone=place.milestone)
    page = admin_client.get(url("stage", "change", stage.pk))

    data = form_data(page) | {"stage_milestones-0-DELETE": "on"}
    response = admin_client.post(url("stage", "change", stage.pk), data)

    assert response.status_code == 200
    refusal = f"Deploy a model to production (at {stage.title}) {REFUSAL}"
    assert escape(refusal) in response.content.decode()
    assert StageMilestone.objects.filter(pk=place.pk).exists()


def test_it_allows_an_inline_delete_of_an_unused_milestone(admin_client, small_catalog):
    stage = Stage.objects.get(role__slug="ml-engineer", slug="mid")
    place = stage.stage_milestones.get()
    page = admin_client.get(url("stage", "change", stage.pk))

    data = form_data(page) | {"stage_milestones-0-DELETE": "on"}
    response = admin_client.post(url("stage", "change", stage.pk), data)

    assert response.status_code == 302
    assert not StageMilestone.objects.filter(pk=place.pk).exists()
    # The milestone itself stays in the catalog's list.
    assert Milestone.objects.filter(pk=place.milestone_id).exists()


def test_it_refuses_to_delete_a_stage_holding_items_in_progress(admin_client, small_catalog):
    stage = Stage.objects.get(role__slug="ml-engineer", slug="junior")
    in_progress(Skill.objects.get(slug="linear-algebra"))

    response = admin_client.post(url("stage", "delete", stage.pk), {"post": "yes"}, follow=True)

    assert "Junior ML Engineer has skills or milestones" in messages_of(response)[0]
    assert Stage.objects.filter(pk=stage.pk).exists()


# --- Retiring --------------------------------------------------------------------------------


def test_it_retires_and_brings_back_skills(admin_client, small_catalog):
    skill = Skill.objects.get(slug="r")
    changelist = url("skill", "changelist")

    admin_client.post(changelist, {"action": "retire", "_selected_action": [skill.pk]})
    skill.refresh_from_db()
    assert skill.is_retired

    admin_client.post(changelist, {"action": "unretire", "_selected_action": [skill.pk]})
    skill.refresh_from_db()
    assert not skill.is_retired


def test_it_retires_stage_skills_and_milestones(admin_client, small_catalog):
    stage_skill = StageSkill.objects.get(skill__slug="r")
    milestone = Milestone.objects.get(slug="first-paper")

    admin_client.post(
        url("stageskill", "changelist"),
        {"action": "retire", "_selected_action": [stage_skill.pk]},
    )
    admin_client.post(
        url("milestone", "changelist"), {"action": "retire", "_selected_action": [milestone.pk]}
    )

    assert StageSkill.objects.get(pk=stage_skill.pk).is_retired
    assert Milestone.objects.get(pk=milestone.pk).is_retired


# --- Editing stages inline -------------------------------------------------------------------


def test_it_swaps_two_stage_positions_in_one_save(admin_client, small_catalog):
    role = Role.objects.get(slug="ml-engineer")
    page = admin_client.get(url("role", "change", role.pk))
    data = form_data(page)
    positions = {data[f"stages-{i}-slug"]: i for i in range(4)}
    data[f"stages-{positions['mid']}-position"] = 3
    data[f"stages-{positions['senior']}-position"] = 2

    response = admin_client.post(url("role", "change", role.pk), data)

    assert response.status_code == 302
    assert list(role.stages.order_by("position").values_list("slug", flat=True)) == [
        "junior",
        "senior",
        "mid",
        "research-track",
    ]


def test_it_refuses_two_current_stages_at_one_position(admin_client, small_catalog):
    role = Role.objects.get(slug="ml-engineer")
    page = admin_client.get(url("role", "change", role.pk))
    data = form_data(page)
    data["stages-1-position"] = data["stages-0-position"]

    response = admin_client.post(url("role", "change", role.pk), data)

    assert response.status_code == 200
    assert "Position “1” is used twice here" in response.content.decode()


# --- Export ----------------------------------------------------------------------------------


def export(admin_client: Client, roles: list[Role]):
    return admin_client.post(
        url("role", "changelist"),
        {"action": "export_yaml", "_selected_action": [role.pk for role in roles]},
    )


def test_it_exports_roles_as_a_yaml_download(admin_client, small_catalog):
    response = export(admin_client, list(Role.objects.all()))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="pathwise-catalog.yaml"'
    document = yaml.safe_load(response.content)
    assert [role["slug"] for role in document["roles"]] == ["research-scientist", "ml-engineer"]
    assert len(document["skills"]) == 7
    assert len(document["milestones"]) == 4


def test_an_export_loads_back_with_no_changes(admin_client, small_catalog):
    first = export(admin_client, list(Role.objects.all())).content.decode()

    summary = apply_catalog(parse_yaml(first))

    assert not summary.changed
    assert export(admin_client, list(Role.objects.all())).content.decode() == first


def test_an_export_keeps_which_roles_are_featured(admin_client, small_catalog):
    document = yaml.safe_load(export(admin_client, list(Role.objects.all())).content)

    assert [role.get("featured", False) for role in document["roles"]] == [False, True]
    Role.objects.update(is_featured=False)
    assert apply_catalog(document).changed
    assert list(Role.objects.filter(is_featured=True).values_list("slug", flat=True)) == [
        "ml-engineer"
    ]
    assert not apply_catalog(document).changed


def test_it_exports_only_what_the_selected_roles_use(admin_client, small_catalog):
    research = Role.objects.get(slug="research-scientist")

    document = yaml.safe_load(export(admin_client, [research]).content)

    assert {skill["slug"] for skill in document["skills"]} == {"python", "pytorch", "statistics"}
    assert [source["slug"] for source in document["sources"]] == ["research-guide"]
    assert [region["slug"] for region in document["regions"]] == ["austin-tx"]
    assert [milestone["slug"] for milestone in document["milestones"]] == ["first-paper"]
    assert not apply_catalog(document).changed


def test_it_exports_a_stage_that_leads_to_another_role(db, small_catalog):
    document = export_catalog(Role.objects.filter(slug="ml-engineer"))

    last = document["roles"][0]["stages"][-1]
    assert last == {
        "slug": "research-track",
        "level": "specialized",
        "title": "Towards research",
        "leads_to": "research-scientist",
    }


def test_the_shipped_catalog_survives_an_export_round_trip(shipped_catalog):
    document = dump_catalog(export_catalog(Role.objects.all()))

    assert not apply_catalog(parse_yaml(document)).changed
    assert dump_catalog(export_catalog(Role.objects.all())) == document


def test_it_announces_catalog_changes_made_in_admin(
    admin_client, small_catalog, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(signals, "catalog_changed", lambda: calls.append("changed"))
    skill = Skill.objects.get(slug="r")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url("skill", "changelist"), {"action": "retire", "_selected_action": [skill.pk]}
        )

    assert calls == ["changed"]


def test_it_adds_a_stage_band_for_the_stages_role(admin_client, small_catalog):
    stage = Stage.objects.get(role__slug="ml-engineer", slug="mid")
    source = stage.salary_bands.get().source
    page = admin_client.get(url("stage", "change", stage.pk))
    new = {"low": 120000, "high": 180000, "pay_basis": "base", "year": 2024}
    new |= {"source": source.pk, "section": "Salary Ranges", "position": 2}
    data = form_data(page) | {f"salary_bands-1-{key}": value for key, value in new.items()}
    data["salary_bands-TOTAL_FORMS"] = 2

    response = admin_client.post(url("stage", "change", stage.pk), data)

    assert response.status_code == 302
    band = stage.salary_bands.get(position=2)
    assert (band.role_id, band.low, band.high) == (stage.role_id, 120000, 180000)
