"""/settings/: region, display name, the current goal, and room for "your data"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import RegionFactory, SalaryBandFactory
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker.models import Goal, Profile

URL = "/settings/"
PROFILE_URL = "/settings/profile/"


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def test_the_urls_are_named():
    assert reverse("tracker:settings") == URL
    assert reverse("tracker:profile_update") == PROFILE_URL


@pytest.mark.parametrize("method,url", [("get", URL), ("post", PROFILE_URL)])
def test_anonymous_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url, {"display_name": "x"} if method == "post" else {})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_it_offers_every_region_and_national_first(owner_client):
    RegionFactory.create(name="Seattle, WA")
    RegionFactory.create(name="Austin, TX")

    html = owner_client.get(URL).content.decode()

    assert '<label for="id_region">Region</label>' in html
    assert '<option value="" selected>United States (national)</option>' in html
    assert html.index("Austin, TX") < html.index("Seattle, WA")
    assert '<label for="id_display_name">Display name</label>' in html


def test_the_regions_say_which_have_figures_for_the_target_role(owner_client, setup):
    boston = RegionFactory.create(name="Boston, MA")
    seattle = RegionFactory.create(name="Seattle, WA")
    austin = RegionFactory.create(name="Austin, TX")
    SalaryBandFactory.create(role=setup.role, stage=setup.mid, region=seattle, low=1, high=2)
    # Figures for another role in Austin do not count for this one.
    SalaryBandFactory.create(region=austin, low=1, high=2)

    html = owner_client.get(URL).content.decode()

    assert f'<option value="{seattle.pk}">Seattle, WA</option>' in html
    assert f'<option value="{boston.pk}">Boston, MA: no figures for this role yet</option>' in html
    assert f'<option value="{austin.pk}">Austin, TX: no figures for this role yet</option>' in html
    # National first, then the regions with figures, then the others by name.
    assert html.index("United States (national)") < html.index("Seattle, WA")
    assert html.index("Seattle, WA") < html.index("Austin, TX") < html.index("Boston, MA")
    assert f"Regions with figures for {setup.role.name} come first" in html


def test_without_a_target_the_regions_are_plain_names(owner_client):
    RegionFactory.create(name="Boston, MA")

    html = owner_client.get(URL).content.decode()

    assert ">Boston, MA</option>" in html
    assert "no figures" not in html


def test_a_refused_post_keeps_the_regions_words(owner_client, setup):
    RegionFactory.create(name="Boston, MA")

    response = owner_client.post(PROFILE_URL, {"display_name": "x" * 500, "region": ""})

    assert response.status_code == 400
    assert "Boston, MA: no figures for this role yet" in response.content.decode()


def test_it_saves_region_and_display_name(owner_client, owner):
    seattle = RegionFactory.create(name="Seattle, WA")

    response = owner_client.post(PROFILE_URL, {"display_name": "Ana", "region": seattle.pk})

    assert response.status_code == 303
    assert response["Location"] == URL
    profile = Profile.objects.get(user=owner)
    assert (profile.display_name, profile.region) == ("Ana", seattle)
    assert "Settings saved." in owner_client.get(URL).content.decode()


def test_an_empty_region_means_national(owner_client, owner):
    Profile.objects.filter(user=owner).update(region=RegionFactory.create())

    owner_client.post(PROFILE_URL, {"display_name": "", "region": ""})

    assert Profile.objects.get(user=owner).region is None


@pytest.mark.parametrize(
    "data",
    [{"display_name": "Ana", "region": "99999"}, {"display_name": "x" * 61, "region": ""}],
    ids=["unknown-region", "long-name"],
)
def test_bad_input_is_shown_as_a_form_error_and_saves_nothing(owner_client, owner, data):
    response = owner_client.post(PROFILE_URL, data)

    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    profile = Profile.objects.get(user=owner)
    assert (profile.display_name, profile.region) == ("", None)


def test_the_profile_post_refuses_get(owner_client):
    assert owner_client.get(PROFILE_URL).status_code == 405


def test_it_shows_the_current_goal_and_a_way_to_change_it(owner_client, setup):
    other = make_role()

    html = owner_client.get(URL).content.decode()

    link = f'<a href="{setup.role.get_absolute_url()}">{setup.role.name}</a>'
    assert f"{link}, Senior engineer" in html
    assert f'action="{reverse("tracker:goal_set")}"' in html
    assert f'<option value="{setup.senior.pk}" selected>' in html
    assert f'<option value="{other.mid.pk}">' in html
    assert '<input type="hidden" name="next" value="/settings/#goal">' in html


def test_changing_the_goal_from_settings_comes_back_here(owner_client, owner, setup):
    response = owner_client.post(
        reverse("tracker:goal_set"), {"stage": setup.mid.pk, "next": "/settings/#goal"}
    )

    assert response.status_code == 303
    assert response["Location"] == "/settings/#goal"
    assert Goal.objects.get(user=owner, is_active=True).target_stage == setup.mid


def test_it_leaves_room_for_your_data(owner_client):
    html = owner_client.get(URL).content.decode()

    assert 'id="your-data"' in html
    assert "Your data" in html


def test_it_never_shows_or_changes_another_persons_settings(owner_client, owner, other_user):
    seattle = RegionFactory.create(name="Seattle, WA")
    other = make_role()
    target(other_user, other.mid)
    Profile.objects.filter(user=other_user).update(display_name="Mallory", region=seattle)

    html = owner_client.get(URL).content.decode()
    owner_client.post(PROFILE_URL, {"display_name": "Ana", "region": ""})

    assert "Mallory" not in html
    assert "You have no target yet." in html
    assert "selected>" not in html.replace('<option value="" selected>', "")
    theirs = Profile.objects.get(user=other_user)
    assert (theirs.display_name, theirs.region) == ("Mallory", seattle)
    assert Profile.objects.get(user=owner).display_name == "Ana"


def test_a_user_without_a_profile_gets_one(owner_client, owner):
    Profile.objects.filter(user=owner).delete()

    assert owner_client.get(URL).status_code == 200
    assert Profile.objects.filter(user=owner).exists()


def test_it_runs_five_queries_however_much_data(
    owner_client, owner, setup, django_assert_num_queries
):
    RegionFactory.create_batch(3)
    SalaryBandFactory.create(role=setup.role, region=RegionFactory.create(), low=1, high=2)
    # 1 the account, 2 the active goal (role, target stage), 3 the profile with its region (the
    # form's instance), 4 published stages with their roles for the goal select, 5 regions for
    # the region select, each with whether the target role has figures there.
    with django_assert_num_queries(5):
        assert owner_client.get(URL).status_code == 200

    grow_tenfold(owner, setup)
    RegionFactory.create_batch(27)

    with django_assert_num_queries(5):
        assert owner_client.get(URL).status_code == 200
