"""Forged posts and foreign hosts are refused in-process (tests/test_production.py does the
host check against gunicorn too)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.tracker_helpers import make_role, target
from tracker.models import ProgressEvent, SkillProgress


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


@pytest.fixture
def strict_client(owner) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    return client


def check_off_url(setup) -> str:
    return reverse("tracker:skill_status", args=[setup.skills["python"].pk])


def test_it_refuses_a_check_off_without_the_csrf_token(strict_client, owner, setup):
    strict_client.get("/plan/")  # The CSRF cookie is set; only the token is missing.

    response = strict_client.post(check_off_url(setup), {"status": "done"})

    assert response.status_code == 403
    assert not SkillProgress.objects.filter(user=owner).exists()
    assert not ProgressEvent.objects.filter(user=owner, kind="skill").exists()


def test_it_refuses_a_check_off_with_a_made_up_token(strict_client, owner, setup):
    strict_client.get("/plan/")

    response = strict_client.post(
        check_off_url(setup), {"status": "done", "csrfmiddlewaretoken": "x" * 64}
    )

    assert response.status_code == 403
    assert not SkillProgress.objects.filter(user=owner).exists()


def test_it_takes_a_check_off_with_the_token_from_the_page(strict_client, owner, setup):
    html = strict_client.get("/plan/").content.decode()
    url = check_off_url(setup)
    form = html[html.index(f'action="{url}"') :]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert found is not None
    token = found.group(1)

    response = strict_client.post(url, {"status": "done", "csrfmiddlewaretoken": token})

    assert response.status_code == 303
    assert SkillProgress.objects.get(user=owner).status == "done"


def test_it_takes_an_htmx_check_off_with_the_token_from_the_page_header(
    strict_client, owner, setup
):
    html = strict_client.get("/plan/").content.decode()
    found = re.search(r"data-hx-headers='([^']+)'", html)
    assert found is not None
    headers = json.loads(found.group(1))

    response = strict_client.post(
        check_off_url(setup),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=headers["X-CSRFToken"],
    )

    assert response.status_code == 200
    assert SkillProgress.objects.get(user=owner).status == "done"


@pytest.mark.parametrize("sent_in", ["form", "header"])
def test_an_htmx_answer_carries_a_token_that_posts_again(strict_client, owner, setup, sent_in):
    html = strict_client.get("/plan/").content.decode()
    found = re.search(r"data-hx-headers='([^']+)'", html)
    assert found is not None
    token = json.loads(found.group(1))["X-CSRFToken"]
    data, headers = {"status": "done"}, {"HTTP_HX_REQUEST": "true"}
    if sent_in == "form":
        data["csrfmiddlewaretoken"] = token
    else:
        headers["HTTP_X_CSRFTOKEN"] = token

    answer = strict_client.post(check_off_url(setup), data, **headers).content.decode()

    # The swapped-in item's forms post without JavaScript too, with the token they carry.
    (answered,) = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer))
    again = strict_client.post(
        check_off_url(setup), {"status": "learning", "csrfmiddlewaretoken": answered}
    )
    assert again.status_code == 303
    assert SkillProgress.objects.get(user=owner).status == "learning"


def test_an_htmx_answer_never_shows_the_unmasked_secret(strict_client, owner, setup):
    strict_client.get("/plan/")
    secret = strict_client.cookies["csrftoken"].value  # Django takes the secret itself too

    answer = strict_client.post(
        check_off_url(setup),
        {"status": "done", "csrfmiddlewaretoken": secret},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer))
    assert len(tokens) == 1 and secret not in answer
    assert len(tokens.pop()) == 64


@pytest.mark.parametrize("path", ["/", "/roles/", "/accounts/login/"])
def test_it_answers_400_to_a_foreign_host(client, db, path):
    response = client.get(path, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "evil.example" not in response.content.decode()


def test_it_answers_400_to_a_foreign_host_on_a_post(owner, setup):
    client = Client()
    client.force_login(owner)

    response = client.post(check_off_url(setup), {"status": "done"}, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert not SkillProgress.objects.filter(user=owner).exists()
