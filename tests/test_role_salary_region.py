"""The role page for someone signed in: salary figures for their own region, kept per region."""

import re

import pytest

from careers.models import Region
from tests.builders import build_role
from tests.factories import RegionFactory, UserFactory
from tracker.models import Profile

pytestmark = pytest.mark.django_db


def headline(html: str, label: str) -> str:
    found = re.search(
        rf'<span class="glance-stage">{re.escape(label)}</span> '
        r'<span class="glance-figure">([^<]+)</span>',
        html,
    )
    assert found, label
    return found.group(1)


def person_in(region: Region | None, username: str):
    user = UserFactory.create(username=username)
    Profile.objects.filter(user=user).update(region=region)
    return user


@pytest.fixture
def seattle(db):
    return RegionFactory.create(name="Seattle, WA", slug="seattle-wa")


@pytest.fixture
def austin(db):
    return RegionFactory.create(name="Austin, TX", slug="austin-tx")


@pytest.fixture
def role(seattle, austin):
    # Each stage has a national figure ($90,000-$130,000 for the first) and one for Seattle;
    # the first stage's are made to differ: Seattle $121,000 and Austin $99,000 averages.
    role = build_role(stages=2, regions=[seattle])
    first = role.stages.order_by("position").first()
    assert first is not None
    first.salary_bands.filter(region=seattle).update(midpoint=121_000)
    band = first.salary_bands.get(region=seattle)
    band.pk = None
    band.region = austin
    band.midpoint = 99_000
    band.save()
    return role


def first_stage_title(role) -> str:
    return role.stages.order_by("position").first().title


def test_a_visitor_gets_national_figures(client, role):
    html = client.get(role.get_absolute_url()).content.decode()

    assert headline(html, first_stage_title(role)) == "$90,000 \u2013 $130,000"


def test_two_people_in_different_regions_each_see_their_own(client, role, seattle, austin):
    url, title = role.get_absolute_url(), first_stage_title(role)
    in_seattle, in_austin = person_in(seattle, "sea"), person_in(austin, "aus")

    # Twice each, so that the second page of each comes from the cache of whole pages.
    for _ in range(2):
        client.force_login(in_seattle)
        seattle_page = client.get(url).content.decode()
        client.force_login(in_austin)
        austin_page = client.get(url).content.decode()

    assert headline(seattle_page, title) == "$121,000 average"
    assert "Seattle, WA</span> base pay" in seattle_page
    assert '<option value="seattle-wa" selected>' in seattle_page
    assert headline(austin_page, title) == "$99,000 average"
    assert '<option value="austin-tx" selected>' in austin_page


def test_a_person_whose_region_has_no_figures_gets_national_ones_and_is_told(client, role):
    client.force_login(person_in(RegionFactory.create(name="Boston, MA"), "bos"))

    html = client.get(role.get_absolute_url()).content.decode()

    assert headline(html, first_stage_title(role)) == "$90,000 \u2013 $130,000"
    assert "no figures for Boston, MA, your region, for this role yet" in html


def test_a_region_in_the_address_comes_before_the_persons_own(client, role, seattle, austin):
    client.force_login(person_in(seattle, "sea"))

    html = client.get(role.get_absolute_url(), {"region": "austin-tx"}).content.decode()

    assert headline(html, first_stage_title(role)) == "$99,000 average"


def test_a_person_without_a_region_gets_national_figures(client, role):
    client.force_login(person_in(None, "nowhere"))

    html = client.get(role.get_absolute_url()).content.decode()

    assert headline(html, first_stage_title(role)) == "$90,000 \u2013 $130,000"


def test_a_kept_page_costs_a_signed_in_person_the_region_query(
    client, role, seattle, django_assert_num_queries
):
    client.force_login(person_in(seattle, "sea"))
    client.get(role.get_absolute_url())

    # The account (the session is read from the cache), then the person's region.
    with django_assert_num_queries(2):
        assert client.get(role.get_absolute_url()).status_code == 200
