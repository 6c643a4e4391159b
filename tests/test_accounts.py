"""Accounts under /accounts/: sign up, log in and out, password change and reset, lockout."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tracker.models import Profile

User = get_user_model()
NEW_PASSWORD = "another-Long-passphrase-77"


def signup_data(**overrides) -> dict[str, str]:
    data = {
        "username": "ana",
        "email": "ana@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_the_urls_are_where_the_design_says():
    assert reverse("signup") == "/accounts/signup/"
    assert reverse("login") == "/accounts/login/"
    assert reverse("logout") == "/accounts/logout/"
    assert reverse("password_change") == "/accounts/password_change/"
    assert reverse("password_reset") == "/accounts/password_reset/"


def test_the_signup_page_has_labelled_fields(client, db):
    html = client.get("/accounts/signup/").content.decode()

    for field in ("username", "email", "password1", "password2"):
        assert f'<label for="id_{field}">' in html


def test_signing_up_logs_in_and_lands_on_the_dashboard(client, db):
    response = client.post("/accounts/signup/", signup_data())

    assert response.status_code == 303
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(username="ana")
    assert user.email == "ana@example.com"
    assert Profile.objects.filter(user=user).exists()
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"password1": "password", "password2": "password"},
        {"password1": "83920174", "password2": "83920174"},
        {"password1": "ana-ana", "password2": "ana-ana"},
        {"password2": "something-else-entirely"},
        {"email": ""},
        {"email": "not-an-email"},
        {"username": ""},
    ],
    ids=["common", "numeric", "short", "mismatch", "no-email", "bad-email", "no-username"],
)
def test_bad_sign_ups_show_errors_and_create_nothing(client, db, overrides):
    response = client.post("/accounts/signup/", signup_data(**overrides))

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not User.objects.exists()


def test_a_taken_username_is_refused(client, db):
    UserFactory.create(username="ana")

    response = client.post("/accounts/signup/", signup_data())

    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_a_signed_in_person_going_to_sign_up_goes_to_the_dashboard(owner_client):
    assert owner_client.get("/accounts/signup/")["Location"] == "/dashboard/"


def test_logging_in_lands_on_the_dashboard(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_logging_in_goes_back_to_next(client, owner):
    html = client.get("/accounts/login/?next=/plan/").content.decode()
    assert '<input type="hidden" name="next" value="/plan/">' in html

    response = client.post(
        "/accounts/login/", {"username": "owner", "password": PASSWORD, "next": "/plan/"}
    )

    assert response["Location"] == "/plan/"


def test_logging_in_ignores_a_next_to_another_site(client, owner):
    response = client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/dashboard/"


def test_a_wrong_password_shows_an_error(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_out_takes_a_post_only(owner_client):
    assert owner_client.get("/accounts/logout/").status_code == 405

    response = owner_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert owner_client.get("/dashboard/").status_code == 302


def test_password_change_needs_log_in(client, db):
    response = client.get("/accounts/password_change/")

    assert response["Location"] == "/accounts/login/?next=/accounts/password_change/"


def test_it_changes_the_password(owner_client, owner):
    response = owner_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == "/accounts/password_change/done/"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert "Password changed" in owner_client.get(response["Location"]).content.decode()


def test_it_emails_a_reset_link_that_sets_a_new_password(client, owner):
    response = client.post("/accounts/password_reset/", {"email": "owner@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Pathwise password"
    found = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)

    form_url = client.get(link)["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response["Location"] == "/accounts/reset/done/"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_the_email_backend_prints_to_the_console_by_default():
    from django.conf import settings as django_settings

    # pytest-django swaps in locmem for tests; the project's own default is the console.
    from config import settings

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert django_settings.EMAIL_BACKEND.endswith("locmem.EmailBackend")


def test_too_many_failed_log_ins_lock_out_with_a_clear_page(client, owner):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "owner", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed log-ins; try again in an hour or reset your password" in html
    assert 'href="/accounts/password_reset/"' in html
