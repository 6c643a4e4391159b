"""/roles/compare/?a=<slug>&b=<slug>: two roles side by side, and the person's part of it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from careers.signals import catalog_changed
from tests.builders import build_catalog
from tests.factories import RegionFactory, SalaryBandFactory, StageSkillFactory
from tests.tracker_helpers import RoleSetup, client_for, make_role
from tracker import services
from tracker.models import Profile

URL = "/roles/compare/"
YOU_URL = "/roles/compare/you/"
DASH = "\u2013"


@pytest.fixture
def roles(db) -> tuple[RoleSetup, RoleSetup]:
    first = make_role(name="Data Engineer", slug="data-engineer")
    second = make_role(name="ML Engineer", slug="ml-engineer", bands=False)
    # One skill both ask for: required in the first, recommended in the second.
    StageSkillFactory.create(stage=second.mid, skill=first.skills["python"], required=False)
    SalaryBandFactory.create(role=second.role, stage=None, low=90_000, high=200_000, section="All")
    return first, second


def query(first: RoleSetup, second: RoleSetup) -> dict[str, str]:
    return {"a": first.role.slug, "b": second.role.slug}


def test_the_url_is_named_and_routed_before_the_role_page():
    assert reverse("careers:role_compare") == URL
    assert reverse("tracker:compare_progress") == YOU_URL


def test_it_aligns_the_stages_of_both_roles_by_level(client, roles):
    first, second = roles

    html = client.get(URL, query(first, second)).content.decode()

    assert "<title>Data Engineer and ML Engineer compared · Pathwise</title>" in html
    rows = html[html.index("<tbody>") : html.index("</tbody>")].split("<tr>")[1:]
    assert [row.count(f'href="{first.role.get_absolute_url()}#stage-') for row in rows] == [1] * 4
    assert all(row.count(f'href="{second.role.get_absolute_url()}#stage-') == 1 for row in rows)
    assert "Entry" in rows[0] and "Specialized" in rows[3]


def test_it_shows_each_stages_headline_pay_with_its_source(client, roles):
    first, second = roles

    html = client.get(URL, query(first, second)).content.decode()

    assert f"$70,000 {DASH} $132,000" in html
    assert "Entry pay, 2024" in html
    # The second role has one band for all its stages: it heads each, said so.
    assert html.count(f'$90,000 {DASH} $200,000 <span class="muted">(all stages)</span>') == 4


def test_a_signed_in_person_sees_their_regions_figures_beside_the_national_ones(
    owner_client, owner, roles
):
    first, second = roles
    region = RegionFactory.create(name="Seattle, WA")
    Profile.objects.filter(user=owner).update(region=region)
    SalaryBandFactory.create(
        role=first.role, stage=first.entry, region=region, low=95_000, high=150_000
    )

    html = owner_client.get(URL, query(first, second)).content.decode()

    assert "and for Seattle, WA, your region" in html
    assert "<dt>Seattle, WA</dt>" in html
    assert f"$95,000 {DASH} $150,000" in html
    assert f"$70,000 {DASH} $132,000" in html


def test_a_kept_page_is_kept_per_pair_and_per_region(owner_client, owner, other_user, roles):
    first, second = roles
    region = RegionFactory.create(name="Seattle, WA")
    Profile.objects.filter(user=owner).update(region=region)
    SalaryBandFactory.create(
        role=first.role, stage=first.entry, region=region, low=95_000, high=150_000
    )
    assert "Seattle, WA" in owner_client.get(URL, query(first, second)).content.decode()

    # Someone signed in without that region, and a visitor, get pages of their own.
    other = client_for(other_user)
    assert "Seattle, WA" not in other.get(URL, query(first, second)).content.decode()
    assert "Seattle, WA" not in Client().get(URL, query(first, second)).content.decode()
    # The other order is another page; anything else in the address changes nothing.
    swapped = owner_client.get(URL, query(second, first)).content.decode()
    assert swapped.index("ML Engineer") < swapped.index("Data Engineer")
    extra = owner_client.get(URL, query(first, second) | {"x": "<b>"}).content.decode()
    assert "<b>" not in extra and "Seattle, WA" in extra


def test_it_groups_the_skills_both_ask_for_and_each_roles_own(client, roles):
    first, second = roles

    html = client.get(URL, query(first, second)).content.decode()
    both = html[html.index('id="skills-both-title"') : html.index('id="skills-a-title"')]
    only_a = html[html.index('id="skills-a-title"') : html.index('id="skills-b-title"')]
    only_b = html[html.index('id="skills-b-title"') :]

    python = first.skills["python"]
    assert f'<a href="/skills/{python.slug}/">{python.name}</a>' in both
    assert "required in Data Engineer" in both
    assert "recommended in ML Engineer" in both
    assert first.skills["torch"].name in only_a and first.skills["torch"].name not in only_b
    assert second.skills["torch"].name in only_b
    assert f"{second.skills['spark'].name}</a>" in only_b


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"a": "data-engineer"}, "Choose a role to compare it with."),
        ({"b": "data-engineer"}, "Choose the first role to compare."),
        ({"a": "data-engineer", "b": "data-engineer"}, "Choose two different roles to compare."),
    ],
    ids=["no second role", "no first role", "the same role twice"],
)
def test_a_missing_or_repeated_role_is_a_form_error_in_the_page(client, roles, params, message):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="levels"' not in response.content.decode()


def test_without_a_query_it_offers_the_form(client, roles):
    html = client.get(URL).content.decode()

    assert '<select id="id_a" name="a">' in html
    assert '<option value="ml-engineer">ML Engineer</option>' in html
    assert "Choose a role to compare" not in html


@pytest.mark.parametrize("slug", ["nope", "hidden-role"])
def test_an_unknown_or_unpublished_role_is_a_404(client, roles, slug):
    make_role(published=False, slug="hidden-role")

    assert client.get(URL, {"a": "data-engineer", "b": slug}).status_code == 404
    assert client.get(URL, {"a": slug, "b": "data-engineer"}).status_code == 404


def test_every_role_page_offers_to_compare_it_with_the_other_roles(client, roles):
    first, _ = roles
    make_role(published=False, name="Hidden role")

    html = client.get(first.role.get_absolute_url()).content.decode()
    form = html[html.index('<form method="get" action="/roles/compare/"') :]
    form = form[: form.index("</form>")]

    assert '<input type="hidden" name="a" value="data-engineer">' in form
    assert '<option value="ml-engineer">ML Engineer</option>' in form
    assert 'value="data-engineer">Data Engineer</option>' not in form
    assert "Hidden role" not in form


def test_visitors_get_the_public_skill_list_without_controls(client, roles):
    html = client.get(URL, query(*roles)).content.decode()

    assert YOU_URL not in html
    assert "state-form" not in html


def test_signed_in_the_person_part_is_loaded_in_place_of_the_skill_list(owner_client, roles):
    html = owner_client.get(URL, query(*roles)).content.decode()

    you = f"{YOU_URL}?a=data-engineer&amp;b=ml-engineer"
    assert (
        f'<div id="compare-skills" data-hx-get="{you}" data-hx-trigger="load" '
        'data-hx-select="#compare-skills" data-hx-swap="outerHTML">'
    ) in html
    assert f'<a href="{you}">Your state on each skill' in html


def test_it_needs_a_fixed_number_of_queries_however_large_the_catalog(
    client, roles, django_assert_num_queries
):
    first, second = roles
    # 1 the published roles' names (the form's choices), then for each role the six queries of
    # queries.role_pages (the role, its stages, their skills, their milestones, its outlook, its
    # bands); all kept by catalog version, so the same page again costs none.
    with django_assert_num_queries(1 + 2 * 6):
        assert client.get(URL, query(first, second)).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(URL, query(first, second)).status_code == 200

    build_catalog(18, stages=4, skills_per_stage=4, milestones_per_stage=2, branches=1)
    for stage in (first.entry, first.mid, second.senior):
        for position in range(10, 20):
            StageSkillFactory.create(stage=stage, position=position)
    catalog_changed()

    with django_assert_num_queries(1 + 2 * 6):
        assert client.get(URL, query(first, second)).status_code == 200


def test_signed_in_it_reads_the_account_and_the_region_too(
    owner_client, roles, django_assert_num_queries
):
    owner_client.get(URL, query(*roles))
    # 1 the session's account, 2 the person's region; the catalog parts are kept.
    with django_assert_num_queries(2):
        assert owner_client.get(URL, query(*roles)).status_code == 200


# --- The person's part ------------------------------------------------------------------------


def test_the_persons_part_needs_a_login(client, roles):
    response = client.get(YOU_URL, query(*roles))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_persons_part_shows_the_items_left_in_each_role(owner_client, owner, roles):
    first, second = roles
    services.skill_set_status(user=owner, skill_id=first.skills["python"].pk, status="done")
    services.skill_set_status(user=owner, skill_id=second.skills["torch"].pk, status="done")

    html = owner_client.get(YOU_URL, query(first, second)).content.decode()

    # Python counts in the first (required), not in the second (only recommended there).
    assert "<strong>16%</strong> up to Senior engineer, 5 items left of 6." in html
    assert html.count("<strong>16%</strong>") == 2


def test_the_persons_part_has_a_control_for_every_skill(owner_client, owner, roles):
    first, second = roles
    python = first.skills["python"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")

    html = owner_client.get(YOU_URL, query(first, second)).content.decode()

    expected = {*first.skills.values(), *second.skills.values()}
    assert html.count('class="state-form"') == len(expected)
    assert f'action="/plan/skills/{python.pk}/status/"' in html
    assert (
        f'<input type="hidden" name="next" '
        f'value="{YOU_URL}?a=data-engineer&amp;b=ml-engineer#you-skill-{python.pk}">'
    ) in html
    assert '<option value="learning" selected>Learning</option>' in html
    assert f'<a class="item-name" href="/skills/{python.slug}/">{python.name}</a>' in html


def test_the_persons_part_never_shows_another_persons_state(owner_client, other_user, roles):
    first, second = roles
    for skill in first.skills.values():
        services.skill_set_status(user=other_user, skill_id=skill.pk, status="done")

    html = owner_client.get(YOU_URL, query(first, second)).content.decode()

    assert " selected>Done</option>" not in html
    assert html.count("<strong>0%</strong>") == 2


@pytest.mark.parametrize(
    "params",
    [{}, {"a": "data-engineer"}, {"a": "data-engineer", "b": "data-engineer"}],
    ids=["nothing", "one role", "the same role twice"],
)
def test_the_persons_part_refuses_what_no_page_asks_for(owner_client, roles, params):
    assert owner_client.get(YOU_URL, params).status_code == 400


def test_the_persons_part_of_an_unknown_role_is_a_404(owner_client, roles):
    assert owner_client.get(YOU_URL, {"a": "data-engineer", "b": "nope"}).status_code == 404


def test_the_persons_part_needs_a_fixed_number_of_queries(
    owner_client, owner, roles, django_assert_num_queries
):
    first, second = roles
    # 1 the account, 2 the profile (its progress version keys the kept copy), 3-4 the person's
    # skills and milestones in any role. Both roles and every published role's items come from
    # the catalog cache; cold, they cost 2 x 6 (queries.role_pages) + 3 (the published roles,
    # their stage skills, their milestones). A kept copy: the account and the profile.
    with django_assert_num_queries(4 + 12 + 3):
        assert owner_client.get(YOU_URL, query(first, second)).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(YOU_URL, query(first, second)).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(4):
        assert owner_client.get(YOU_URL, query(first, second)).status_code == 200

    build_catalog(18, stages=4, skills_per_stage=4, milestones_per_stage=2, branches=1)
    catalog_changed()

    with django_assert_num_queries(4 + 12 + 3):
        assert owner_client.get(YOU_URL, query(first, second)).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(4):
        assert owner_client.get(YOU_URL, query(first, second)).status_code == 200
