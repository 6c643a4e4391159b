"""Sessions are Django's own (cached_db): read from the cache, kept in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def key_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_signed_in_page_reads_the_session_from_the_cache(
    owner_client, owner, django_assert_num_queries
):
    owner_client.get("/settings/")

    # The account, the profile, the goal, the stages and the regions the page offers.
    with django_assert_num_queries(5) as captured:
        assert owner_client.get("/settings/").status_code == 200

    assert not any("django_session" in q["sql"] for q in captured.captured_queries)


def test_logging_out_ends_the_session(owner_client):
    key = key_of(owner_client)

    owner_client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=key).exists()
    assert owner_client.get("/plan/").status_code == 302


def test_deleting_an_account_signs_it_out_on_every_device(owner, other_user):
    devices = [Client(), Client()]
    for device in devices:
        device.force_login(owner)
    bystander = Client()
    bystander.force_login(other_user)

    owner.delete()

    for device in devices:
        assert device.get("/plan/")["Location"].startswith("/accounts/login/")
    assert bystander.get("/plan/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_move_to_djangos_table_keeps_live_sessions_signed_in():
    owner = UserFactory.create(username="owner")
    executor = MigrationExecutor(connection)
    before, after = [("tracker", "0004_session")], [("tracker", "0005_delete_session")]
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("tracker", "Session")
    data = {
        SESSION_KEY: str(owner.pk),
        BACKEND_SESSION_KEY: "tracker.people.PersonBackend",
        HASH_SESSION_KEY: owner.get_session_auth_hash(),
    }
    now = timezone.now()
    for key, expires in (
        ("live-session", now + timedelta(days=1)),
        ("expired-session", now - timedelta(days=1)),
    ):
        Old.objects.create(
            session_key=key,
            session_data=SessionStore().encode(data),
            expire_date=expires,
            user_id=owner.pk,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live-session"]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "live-session"
    assert client.get("/settings/").status_code == 200
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
