from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import path
from pytest_django.asserts import assertContains

from config.errors import server_error
from tests.html_checker import html_errors

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def broken_view(request):
    raise RuntimeError("something broke")


# Used as the URLconf by the test below that needs a view that fails.
urlpatterns = [path("broken/", broken_view)]
handler500 = "config.errors.server_error"


@pytest.mark.django_db
def test_it_shows_a_friendly_page_for_an_unknown_url(client, django_assert_num_queries):
    assert settings.DEBUG is False

    with django_assert_num_queries(0):
        response = client.get("/no/such/page/")

    assert response.status_code == 404
    assertContains(response, "find that page", status_code=404)
    assertContains(response, 'href="/roles/"', status_code=404)
    assertContains(response, 'rel="stylesheet"', status_code=404)


@pytest.mark.django_db
def test_it_shows_the_friendly_page_for_an_unknown_role(client):
    response = client.get("/roles/no-such-role/")

    assertContains(response, "find that page", status_code=404)


def test_it_renders_the_server_error_page_without_a_database():
    # No database fixture: pytest-django fails any query this makes.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<link rel="stylesheet" href="/static/css/pathwise.css">' in html


@pytest.mark.urls(__name__)
def test_it_serves_the_server_error_page_when_a_view_fails(client):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assertContains(response, "Something went wrong on our side", status_code=500)


def test_the_server_error_page_needs_no_template_context():
    # It is rendered with no request and no context processors, so it can't rely on either.
    markup = (TEMPLATES / "500.html").read_text()
    assert "{%" not in markup
    assert "{{" not in markup


@pytest.mark.django_db
def test_the_error_pages_are_valid_html(client, tmp_path):
    documents = {
        "404": client.get("/no/such/page/").content.decode(),
        "500": server_error(RequestFactory().get("/")).content.decode(),
    }

    assert html_errors(documents, tmp_path) == []


@pytest.mark.parametrize("name", ["404.html", "500.html"])
def test_the_error_pages_follow_the_content_security_policy(name):
    markup = (TEMPLATES / name).read_text()
    assert "style=" not in markup
    assert "<style" not in markup
    assert "<script" not in markup
