"""The person's pages in a real browser: htmx check-offs under the CSP, keyboard use, axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe
from tests.factories import UserFactory
from tests.tracker_helpers import make_role, target
from tracker import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The live test server finds static files by their source names; the manifest storage
    # would link to hashed copies that only exist after collectstatic, served by whitenoise.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def person(client, context, live_server):
    user = UserFactory(username="ana")
    setup = make_role()
    target(user, setup.senior)
    services.skill_set_status(user=user, skill=setup.skills["python"], status="done")
    client.force_login(user)
    # No favicon yet: answer the browser's automatic request instead of logging a 404.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return setup


def test_ticking_a_box_updates_the_percent_in_place(page, person):
    page.goto("/plan/")
    page.evaluate("window.stillHere = true")
    assert "16%" in page.inner_text("#target-progress")

    with page.expect_response(lambda r: "/status/" in r.url):
        page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True).click()

    expect(page.locator("#target-progress")).to_contain_text("33%")
    assert page.evaluate("window.stillHere") is True
    assert "66%" in page.inner_text(f"#stage-{person.entry.pk}-stats")
    assert page.get_by_role("checkbox", name=person.skills["algebra"].name, exact=True).is_checked()


def test_a_box_works_from_the_keyboard(page, person):
    page.goto("/plan/")
    box = page.get_by_role("checkbox", name=person.milestones["portfolio"].title, exact=True)
    page.evaluate(
        "() => { window.settled = 0;"
        " document.body.addEventListener('htmx:afterSettle', () => window.settled++); }"
    )
    box.focus()

    with page.expect_response(lambda r: "/done/" in r.url):
        page.keyboard.press("Space")

    expect(page.locator("#target-progress")).to_contain_text("33%")
    # htmx wires up swapped-in content once it has settled; a person is never that quick.
    for _ in range(50):
        if page.evaluate("() => window.settled") > 0:
            break
        page.wait_for_timeout(20)
    # The swapped-in item keeps the focus, so Space again unticks it.
    expect(box).to_be_focused()
    expect(box).to_be_checked()
    with page.expect_response(lambda r: "/done/" in r.url):
        page.keyboard.press("Space")
    expect(page.locator("#target-progress")).to_contain_text("16%")


def test_next_steps_are_checkable_on_the_dashboard(page, person):
    page.goto("/dashboard/")
    page.evaluate("window.stillHere = true")

    with page.expect_response(lambda r: "/status/" in r.url):
        page.locator("#next-steps").get_by_role("checkbox").first.check()

    expect(page.locator("#target-progress")).to_contain_text("33%")
    assert page.evaluate("window.stillHere") is True


@pytest.mark.parametrize("path", ["/plan/", "/dashboard/", "/settings/"])
def test_the_pages_pass_axe(page, person, path):
    page.goto(path)

    assert run_axe(page) == []
