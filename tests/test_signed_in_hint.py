"""The signed-in hint cookie: public pages pick their signed-in version by it, without reading
the session, and every response that reads the session keeps it in step with the session."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.tracker_helpers import make_role, target

PAGES = ["/", "/roles/", "/roles/ml-engineer/"]
HINT = settings.SIGNED_IN_COOKIE_NAME
DASHBOARD_LINK = 'href="/dashboard/"'
LOG_IN_LINK = 'href="/accounts/login/"'


@pytest.fixture
def setup(owner):
    setup = make_role(slug="ml-engineer")
    target(owner, setup.senior)
    return setup


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def is_member_page(response) -> bool:
    html = response.content.decode()
    return DASHBOARD_LINK in html and "Log out" in html and 'name="csrfmiddlewaretoken"' in html


def is_visitor_page(response) -> bool:
    html = response.content.decode()
    return LOG_IN_LINK in html and DASHBOARD_LINK not in html and "csrfmiddlewaretoken" not in html


def sets_hint(response) -> bool:
    return HINT in response.cookies and response.cookies[HINT].value == "1"


def deletes_hint(response) -> bool:
    return HINT in response.cookies and response.cookies[HINT]["max-age"] == 0


def log_in(client: Client):
    return client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})


def test_logging_in_through_the_form_sets_the_hint(client, owner):
    response = log_in(client)

    assert response.status_code == 302
    assert sets_hint(response)
    cookie = response.cookies[HINT]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert cookie["path"] == "/"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == settings.SESSION_COOKIE_SAMESITE
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE


def test_the_hint_is_set_once_not_on_every_response(client, owner, setup):
    log_in(client)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert HINT not in response.cookies


def test_logging_out_deletes_the_hint(client, owner, setup):
    log_in(client)
    assert client.cookies[HINT].value == "1"

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert deletes_hint(response)
    assert client.cookies[HINT].value == ""
    assert is_visitor_page(client.get("/"))


def test_deleting_the_account_deletes_the_hint(client, owner, setup):
    log_in(client)

    response = client.post("/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 303
    assert deletes_hint(response)
    home = client.get("/")
    assert is_visitor_page(home)
    assert "Your account and everything in it are deleted." in home.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_with_the_hint_a_public_page_reads_no_session(
    owner_client, setup, path, django_assert_num_queries
):
    owner_client.get(path)  # sets the hint, and fills the cache
    assert owner_client.cookies[HINT].value == "1"

    with django_assert_num_queries(0):
        response = owner_client.get(path)

    assert response.status_code == 200
    assert is_member_page(response)
    assert response.wsgi_request.session.accessed is False
    assert HINT not in response.cookies
    assert {"private", "no-store"} <= directives(response)
    assert "cookie" in vary(response)


@pytest.mark.parametrize("path", PAGES)
def test_a_session_without_the_hint_gets_the_member_page_and_the_hint(owner_client, setup, path):
    # A session from before the hint existed (force_login sets the session cookie alone).
    assert HINT not in owner_client.cookies

    response = owner_client.get(path)

    assert response.status_code == 200
    assert is_member_page(response)
    assert sets_hint(response)
    assert {"private", "no-store"} <= directives(response)
    assert "cookie" in vary(response)


@pytest.mark.parametrize("path", PAGES)
def test_a_stale_hint_shows_the_menu_only_and_a_personal_page_deletes_it(owner_client, setup, path):
    owner_client.get(path)  # the signed-in version is in the cache
    stale = Client()
    stale.cookies[HINT] = "1"

    page = stale.get(path)

    assert is_member_page(page)
    assert "owner" not in page.content.decode()
    assert HINT not in page.cookies  # the session was not read: nothing to tell
    response = stale.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert deletes_hint(response)
    assert is_visitor_page(stale.get(path))


@pytest.mark.parametrize("path", PAGES)
def test_a_stale_hint_on_an_empty_cache_gets_the_visitors_page_and_loses_the_hint(
    client, setup, path
):
    client.cookies[HINT] = "1"

    response = client.get(path)

    # Rendering asked whether someone is signed in: no one is, and the response says so.
    assert is_visitor_page(response)
    assert deletes_hint(response)
    # That page was not kept as the signed-in version for people who are signed in.
    member = Client()
    member.force_login(UserFactory())
    assert is_member_page(member.get(path))


@pytest.mark.parametrize("path", PAGES)
def test_visitors_pages_stay_cacheable_and_vary_on_cookie(client, setup, path):
    client.get(path)  # the second visit is served from the cache

    for response in (client.get(path), Client().get(path)):
        assert response.status_code == 200
        assert is_visitor_page(response)
        assert "no-store" not in directives(response)
        assert "private" not in directives(response)
        assert "cookie" in vary(response)
        assert HINT not in response.cookies


def test_a_session_cookie_of_no_one_gets_the_visitors_page(client, setup):
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"

    response = client.get("/")

    assert is_visitor_page(response)
    assert HINT not in response.cookies
