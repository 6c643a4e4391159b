"""Log-in and sessions: lockout and how it is lifted, session keys, log-out, password change,
deactivation, and what the operators' log says about it all."""

from __future__ import annotations

import logging
import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
WRONG = "Wrong-Guess-Passphrase-913"
NEW_PASSWORD = "another-Long-passphrase-77"


def log_in(client: Client, username: str = "owner", password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def lock_out(client: Client, username: str = "owner"):
    """Five wrong passwords: the fifth is already answered with the lockout page."""
    responses = [log_in(client, username, WRONG) for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4
    return responses[-1]


def signed_in(client: Client) -> bool:
    response = client.get("/dashboard/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def age_attempts(minutes: int) -> None:
    """Time travel: the failed attempts happened `minutes` ago."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


# --- Lockout ----------------------------------------------------------------------------------


def test_it_locks_out_after_five_failures_with_a_page_that_says_what_to_do(client, owner):
    response = lock_out(client)

    assert response.status_code == 429
    html = response.content.decode()
    # The site's own page, with its header and navigation, not a bare error.
    assert "<title>Too many failed log-ins · Pathwise</title>" in html
    assert 'class="site-header"' in html
    assert 'href="#main"' in html
    assert "<h1>Too many failed log-ins</h1>" in html
    assert "try again in an hour or reset your password" in html
    assert 'href="/accounts/password_reset/"' in html
    # Even the right password is refused while the lockout lasts.
    response = log_in(client)
    assert response.status_code == 429
    assert not signed_in(client)


def test_it_counts_failures_per_username_and_address(client, owner, other_user):
    lock_out(client)

    assert log_in(client, "outsider").status_code == 302
    other_address = Client(REMOTE_ADDR="203.0.113.9")
    assert log_in(other_address).status_code == 302


def test_it_lifts_the_lockout_once_the_hour_has_passed(client, owner):
    lock_out(client)

    age_attempts(59)
    assert log_in(client).status_code == 429

    age_attempts(61)
    response = log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert signed_in(client)


def test_it_lets_staff_lift_a_lockout_with_axes_reset(client, owner):
    lock_out(client)

    assert reset(username="owner") == 1

    assert log_in(client).status_code == 302
    assert signed_in(client)


def test_it_lets_staff_lift_a_lockout_by_deleting_the_attempt_in_admin(client, owner):
    lock_out(client)
    attempt = AccessAttempt.objects.get(username="owner")
    admin = Client()
    admin.force_login(UserFactory.create(username="root", is_staff=True, is_superuser=True))

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "owner" in listing.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client).status_code == 302
    assert signed_in(client)


def test_it_keeps_the_password_out_of_the_stored_attempt(client, owner):
    lock_out(client)

    attempt = AccessAttempt.objects.get(username="owner")
    assert WRONG not in attempt.post_data
    assert "owner" in attempt.post_data


# --- Sessions ---------------------------------------------------------------------------------


def test_it_gives_a_new_session_key_at_log_in(client, owner):
    # A session that exists before log-in, as a fixated one planted by someone else would.
    session = client.session
    session["seen"] = True
    session.save()
    before = client.cookies["sessionid"].value

    assert log_in(client).status_code == 302

    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    planted = Client()
    planted.cookies["sessionid"] = before
    assert not signed_in(planted)


def test_it_ends_the_session_for_good_at_log_out(client, owner):
    log_in(client)
    key = client.cookies["sessionid"].value

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert not signed_in(replay)


def test_it_ends_the_other_sessions_on_a_password_change_and_keeps_this_one(owner):
    here, elsewhere = Client(), Client()
    log_in(here)
    log_in(elsewhere)
    assert signed_in(elsewhere)

    response = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert signed_in(here)
    response = elsewhere.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_it_logs_a_deactivated_person_out_on_their_next_request(client, owner):
    log_in(client)
    assert signed_in(client)

    owner.is_active = False
    owner.save(update_fields=["is_active"])

    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"
    # And cannot log back in.
    assert log_in(client).status_code == 200
    assert not signed_in(client)


# --- The operators' log -----------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog):
    # Everything, including what axes says at debug level, so a leak anywhere shows.
    caplog.set_level(logging.DEBUG)
    for name in ("axes", "pathwise", "django"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def record_texts(caplog) -> list[str]:
    return [f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records]


def test_it_logs_log_in_failure_and_log_out_without_the_password(client, owner, all_logs):
    log_in(client, password=WRONG)
    log_in(client)
    client.post("/accounts/logout/")

    texts = record_texts(all_logs)
    assert any("login failed username='owner'" in t for t in texts), texts
    assert any(f"login ok user_id={owner.pk} username='owner'" in t for t in texts), texts
    assert any(f"logout user_id={owner.pk} username='owner'" in t for t in texts), texts
    for text in texts:
        assert WRONG not in text
        assert PASSWORD not in text


def test_it_logs_a_lockout_without_the_password(client, owner, all_logs):
    lock_out(client)
    log_in(client)

    texts = record_texts(all_logs)
    lockouts = [t for t in texts if "login locked out username='owner'" in t]
    # The lockout itself, then the refused attempt with the right password.
    assert len(lockouts) == 2, texts
    for text in texts:
        assert WRONG not in text
        assert PASSWORD not in text


# --- An account deleted while it logs in ------------------------------------------------------


def test_a_login_racing_the_deletion_of_its_account_is_no_error(client, owner, monkeypatch):
    real = ModelBackend.authenticate

    def authenticate_then_delete(self, request, **credentials):
        user = real(self, request, **credentials)
        # Deleted by another request between the password check and the session write.
        get_user_model().objects.filter(pk=owner.pk).delete()
        return user

    monkeypatch.setattr(ModelBackend, "authenticate", authenticate_then_delete)

    response = log_in(client)

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=owner.pk).exists()
    assert not signed_in(client)


def test_logging_in_records_when(client, owner):
    log_in(client)

    owner.refresh_from_db()
    assert owner.last_login is not None
    assert timezone.now() - owner.last_login < timedelta(minutes=1)


# --- Behind the TLS proxy ----------------------------------------------------------------------


@pytest.fixture
def behind_proxy(monkeypatch):
    """The settings DJANGO_BEHIND_PROXY=1 gives, read from config/settings.py as it runs."""
    monkeypatch.setenv("DJANGO_BEHIND_PROXY", "1")
    values = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "settings.py"))
    names = [name for name in values if name.startswith(("AXES_IPWARE_", "IPWARE_"))]
    assert names
    with override_settings(**{name: values[name] for name in names}):
        yield


def through_proxy(client_address: str) -> Client:
    # The proxy connects from its own address and appends the client's to X-Forwarded-For,
    # after whatever the client sent there itself.
    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.66, {client_address}")


def test_behind_the_proxy_a_lockout_holds_one_address_not_everyone(owner, behind_proxy):
    attacker, owner_browser = through_proxy("203.0.113.7"), through_proxy("203.0.113.8")

    assert lock_out(attacker).status_code == 429
    log_in(owner_browser)

    assert signed_in(owner_browser)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # What the client itself put in the header is not trusted: sending another address there
    # does not lift the lockout.
    assert log_in(through_proxy("203.0.113.7"), password=PASSWORD).status_code == 429
