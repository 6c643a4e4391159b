"""Sessions keep their account in a column of their own (tracker.models.Session), and the session
engine (config.sessions) reads the session and the signed-in person in one statement."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from tests.tracker_helpers import make_role, target
from tracker import people
from tracker.models import Profile, Session

pytestmark = pytest.mark.django_db


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_logging_in_puts_the_account_in_the_session_row(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 302

    assert session_of(client).user_id == owner.pk


def test_a_session_without_anyone_signed_in_has_no_account(client, owner):
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store["anything"] = 1
    store.save()

    assert Session.objects.get(session_key=store.session_key).user_id is None
    # And reads as Django's would, offering nobody.
    again = importlib.import_module(settings.SESSION_ENGINE).SessionStore(store.session_key)
    assert again["anything"] == 1
    assert people._take(owner.pk) is None


def test_logging_out_ends_the_row(owner_client, owner):
    key = session_of(owner_client).session_key

    owner_client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=key).exists()


def test_deleting_an_account_deletes_its_sessions(owner, other_user):
    for user in (owner, other_user):
        Client().force_login(user)

    owner.delete()

    assert not Session.objects.filter(user_id=owner.pk).exists()
    assert Session.objects.filter(user=other_user).count() == 1


def test_a_signed_in_page_reads_session_and_person_in_one_statement(
    owner_client, owner, django_assert_num_queries
):
    setup = make_role()
    target(owner, setup.senior)
    owner_client.get("/plan/")  # kept from here on

    with django_assert_num_queries(1) as captured:
        assert owner_client.get("/plan/").status_code == 200

    (statement,) = [q["sql"] for q in captured.captured_queries]
    assert "tracker_session" in statement and "auth_user" in statement
    assert "tracker_goal" in statement and "tracker_profile" in statement


def test_an_offer_never_outlives_its_request(owner_client, owner):
    Profile.objects.filter(user=owner).update(display_name="Real name")
    # A person row as an earlier request's session read would have left it, never taken.
    owner_client.get("/settings/")
    stale = list(people._person(owner.pk)[0])
    stale[people.person_fields().index("profile__display_name")] = "Stale name"
    people.offer(tuple(stale))

    html = owner_client.get("/settings/").content.decode()

    assert "Real name" in html and "Stale name" not in html


def test_an_offer_is_only_taken_for_its_own_account(owner, other_user):
    people.offer(people._person(owner.pk)[0])

    user = people.PersonBackend().get_user(other_user.pk)

    assert user.pk == other_user.pk
    assert people._take(owner.pk) is None  # taken, or rather dropped, by that read


def test_decoded_session_data_is_kept_and_handed_out_as_copies(owner):
    from config.sessions import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(owner.pk)
    store["theme"] = "dark"
    data = store.encode(store._session)

    first = SessionStore().decode(data)
    first["theme"] = "light"  # a request changing its own session
    again = SessionStore().decode(data)

    assert again == {SESSION_KEY: str(owner.pk), "theme": "dark"}
    assert again is not first


def test_data_with_a_bad_signature_decodes_to_nothing_every_time(owner, caplog):
    from config.sessions import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(owner.pk)
    data = store.encode(store._session)
    forged = data[:-3] + ("aaa" if not data.endswith("aaa") else "bbb")

    assert SessionStore().decode(data) == {SESSION_KEY: str(owner.pk)}
    assert SessionStore().decode(forged) == {}
    assert SessionStore().decode(forged) == {}
    assert caplog.text.count("Session data corrupted") == 2


def test_the_move_carries_live_sessions_over_with_their_accounts(owner):
    migration = importlib.import_module("tracker.migrations.0004_session")
    gone = UserFactory(username="gone")
    encode = DjangoStore().encode  # as sessions were saved before the move
    now = timezone.now()
    rows = {
        "live-owner": ({SESSION_KEY: str(owner.pk)}, now + timedelta(days=1)),
        "live-anonymous": ({"cart": 1}, now + timedelta(days=1)),
        "expired-owner": ({SESSION_KEY: str(owner.pk)}, now - timedelta(days=1)),
        "live-deleted": ({SESSION_KEY: str(gone.pk)}, now + timedelta(days=1)),
    }
    for key, (data, expires) in rows.items():
        DjangoSession.objects.create(
            session_key=key, session_data=encode(data), expire_date=expires
        )
    gone.delete()

    migration.carry_sessions_over(apps, None)

    moved = dict(Session.objects.filter(session_key__in=rows).values_list("session_key", "user_id"))
    assert moved == {"live-owner": owner.pk, "live-anonymous": None}
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore("live-owner")
    assert store[SESSION_KEY] == str(owner.pk)
