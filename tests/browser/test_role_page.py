"""The shipped Machine Learning Engineer page as people read it: stages within the first two
screens, one salary figure per stage by the stated rule, and nothing wider than a phone."""

from __future__ import annotations

import pytest

from careers.models import Region
from tests.browser.data import MLE
from tests.factories import UserFactory
from tracker.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = f"/roles/{MLE}/"
PHONE = {"width": 390, "height": 844}

# The headline figure of each stage, worked out by hand from catalog/catalog.yaml with the
# rule of careers.salaries.headline_band: a stage's own band before the role's band for all
# stages; the person's region before national; base pay before total; the catalog's order.
# The chain's stages have national figures of their own only, so everyone gets those; the
# branches have none, so they show the role's figure for all stages: San Francisco has one
# (the guide's "Salary by Location", listed first of its three), Boston none, so national.
CHAIN = {
    "Junior ML Engineer": "$70,000 \u2013 $132,000",
    "ML Engineer (early career)": "$132,326 \u2013 $181,999",
    "ML Engineer (mid-career)": "$120,368 \u2013 $193,263",
    "Senior ML Engineer": "$153,820 \u2013 $267,113",
    "Principal ML Engineer (late career)": "$135,388 \u2013 $208,931",
}
BRANCHES = [
    "Domain specialist (computer vision, NLP, predictive modeling)",
    "Foundation models and LLM specialist",
    "ML Architect",
    "ML Engineering Manager",
    "AI Research Scientist",
    "AI Product Manager",
    "Machine Learning Consultant",
]
SAN_FRANCISCO_ALL = "$179,061 \u2013 $256,928"
NATIONAL_ALL = "$157,969 \u2013 $161,777"
EXPECTED = {
    "san-francisco-ca": CHAIN
    | dict.fromkeys(BRANCHES, SAN_FRANCISCO_ALL)
    | {"All stages": SAN_FRANCISCO_ALL},
    "boston-ma": CHAIN | dict.fromkeys(BRANCHES, NATIONAL_ALL) | {"All stages": NATIONAL_ALL},
}

HEADLINES = """() => Object.fromEntries([...document.querySelectorAll('.glance-row')].map(row => [
    row.querySelector('.glance-stage').textContent,
    row.querySelector('.glance-head .glance-figure').textContent]))"""


def person_in(region_slug: str, username: str):
    user = UserFactory.create(username=username)
    Profile.objects.filter(user=user).update(region=Region.objects.get(slug=region_slug))
    return user


def test_the_stages_start_within_the_first_two_screens(page, shipped_catalog):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(URL)

    top = page.evaluate("document.querySelector('#stages').getBoundingClientRect().top + scrollY")
    assert top <= 2 * 900
    # And the salary comes after them.
    assert page.locator("#pay").evaluate("(el) => el.getBoundingClientRect().top + scrollY") > top


@pytest.mark.parametrize("region", ["san-francisco-ca", "boston-ma"])
def test_each_stage_is_headed_by_the_rules_figure(page, context, log_in, shipped_catalog, region):
    log_in(context, person_in(region, "someone"))

    page.goto(URL)

    assert page.evaluate(HEADLINES) == EXPECTED[region]
    label = page.locator(".glance-row").last.locator(".glance-tag")
    expected_label = "San Francisco, CA" if region == "san-francisco-ca" else "United States"
    assert label.text_content() == expected_label


def open_everything(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def smallest_chart_text(page) -> float:
    """The smallest on-screen size of the chart's text: its font size times the scale of its
    SVG on screen (1 here, as the SVGs have no viewBox, but measured all the same)."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.chart svg text')].map(text => {
            const m = text.getScreenCTM();
            return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
        }))"""
    )


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_a_visitor_reads_the_chart_and_scrolls_down_only(page, shipped_catalog):
    page.set_viewport_size(PHONE)
    page.goto(URL)

    assert page.locator(".chart svg text").count() >= 2
    assert smallest_chart_text(page) >= 12
    assert fits_the_screen(page)
    open_everything(page)
    assert fits_the_screen(page)
    # The table of every figure is stacked: a row's cells sit under its header, not beside it.
    row = page.locator(".pay-table tbody tr").first
    header = row.locator("th").bounding_box()
    source = row.locator("td.cell-source").bounding_box()
    assert header and source and source["y"] >= header["y"] + header["height"]
    assert source["x"] + source["width"] <= PHONE["width"]


def test_on_a_phone_a_signed_in_person_scrolls_down_only(page, context, log_in, shipped_catalog):
    log_in(context, person_in("san-francisco-ca", "someone"))
    page.set_viewport_size(PHONE)
    page.goto(URL)

    # The person's form to make the role their target is on the page, within its width.
    assert page.locator(".target-form select").is_visible()
    assert smallest_chart_text(page) >= 12
    assert fits_the_screen(page)
    open_everything(page)
    assert fits_the_screen(page)
