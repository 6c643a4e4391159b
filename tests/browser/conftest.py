"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server.

The live server serves the site as production does: WhiteNoise hands out the hashed, compressed
copies that `manage.py collectstatic` wrote (`make test` runs it first), so the pages link to the
same names and carry the same headers as in production.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

CHROMIUM = os.environ.get("PATHWISE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MANIFEST = "staticfiles.json"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up data and check results are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- Static files -------------------------------------------------------------------------------


def _check_collected_static() -> None:
    """Fails early, and says why, when collectstatic has not run or its copies are stale: a
    page would otherwise break on a missing manifest entry or test yesterday's stylesheet."""
    root = Path(settings.STATIC_ROOT)
    if not (root / MANIFEST).exists():
        pytest.fail(f"No {root / MANIFEST}: run `manage.py collectstatic --noinput` first")
    for source_dir in map(Path, settings.STATICFILES_DIRS):
        for source in source_dir.rglob("*"):
            if not source.is_file():
                continue
            copy = root / source.relative_to(source_dir)
            if not copy.exists() or copy.read_bytes() != source.read_bytes():
                pytest.fail(
                    f"{copy} is missing or older than {source}: run "
                    "`manage.py collectstatic --noinput` again"
                )


def _no_static_handler(application: WSGIHandler) -> WSGIHandler:
    return application


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator:
    """pytest-django's live server without the static files handler it puts in front of the
    site: that handler finds files by their source names and answers 404 for the hashed names
    the manifest storage links to. WhiteNoise, in the middleware, serves them instead."""
    from pytest_django.live_server_helper import LiveServer

    _check_collected_static()
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    # Django calls static_handler(application) and wants a WSGI application back; django-stubs
    # only allows a WSGIHandler class.
    server.thread.static_handler = _no_static_handler  # type: ignore[assignment]
    server.start()
    yield server
    server.stop()


# --- Browser, contexts and pages ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-test-tools")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _favicon(route) -> None:
    # Chromium asks for /favicon.ico on its own; until the site has one, answer the 404 with
    # "no content" so that it does not count as a console error. A real icon passes through.
    response = route.fetch()
    if response.status == 404:
        route.fulfill(status=204)
    else:
        route.fulfill(response=response)


def _new_context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    context.route("**/favicon.ico", _favicon)
    return context


@pytest.fixture
def context(browser, live_server):
    context = _new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def dark_context(browser, live_server):
    context = _new_context(browser, live_server, color_scheme="dark")
    yield context
    context.close()


@pytest.fixture
def nojs_context(browser, live_server):
    context = _new_context(browser, live_server, java_script_enabled=False)
    yield context
    context.close()


def _watched_page(context):
    page = context.new_page()
    errors: list[str] = []
    # A page the test opens on purpose may answer with an error status (the 404 page): Chromium
    # logs that as a failed load, yet it is the test's to check, not a fault of the page.
    documents_with_error_status: set[str] = set()

    def on_response(response) -> None:
        if response.request.is_navigation_request() and response.status >= 400:
            documents_with_error_status.add(response.url)

    def on_console(message) -> None:
        if message.type != "error":
            return
        if message.location.get("url") in documents_with_error_status:
            return
        errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


@pytest.fixture
def page(context):
    page, errors = _watched_page(context)
    yield page
    # A CSP violation or a script error shows up here; no page may have one.
    assert errors == [], errors


@pytest.fixture
def visitor_page(browser, live_server):
    """A page in a browser context of its own: someone else, not signed in."""
    context = _new_context(browser, live_server)
    page, errors = _watched_page(context)
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def nojs_page(nojs_context):
    page, errors = _watched_page(nojs_context)
    yield page
    assert errors == [], errors


@pytest.fixture
def log_in(live_server):
    """Signs a user in to a browser context without going through the log-in form."""
    from django.test import Client

    def log_in(context, user) -> None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return log_in


@pytest.fixture
def person(context, log_in):
    """A small role (tests/tracker_helpers.py) as the target of a signed-in person who has done
    one of its six counted items: quick to set up for tests that need no real catalog."""
    from tests.factories import UserFactory
    from tests.tracker_helpers import make_role, target
    from tracker import services

    user = UserFactory.create(username="ana")
    setup = make_role()
    target(user, setup.senior)
    services.skill_set_status(user=user, skill_id=setup.skills["python"].pk, status="done")
    log_in(context, user)
    return setup


# --- Checks ---------------------------------------------------------------------------------------


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def run_axe(page) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.1 A and AA rules and best practices)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/ensure-test-tools (npm ci)")
    # evaluate() runs through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(_axe_source())
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)
                    .slice(0, 5)}));
        }"""
    )
