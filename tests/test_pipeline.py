"""Check-offs run pipelined on PostgreSQL (config/pipeline.py): the writes after the lock read go
to the server together, so a failing statement surfaces late, when the pipeline ends, or at the
COMMIT for a deferred constraint. Whatever fails, the transaction is rolled back whole and the
connection goes on serving.

These tests run outside a test transaction (transaction=True), as requests do; a lost insert
race is tested both ways in test_checkoff.py.
"""

from __future__ import annotations

import pytest
from django.db import DataError, IntegrityError, connection

from config.pipeline import pipeline
from tests.tracker_helpers import make_role, target
from tracker import services
from tracker.models import EventKind, Profile, ProgressEvent, SkillProgress, SkillStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def skill_events(user) -> list[tuple[str, str]]:
    return list(
        ProgressEvent.objects.filter(user=user, kind=EventKind.SKILL)
        .order_by("id")
        .values_list("from_state", "to_state")
    )


def fails_whole(owner, skill, version: int, error: type[Exception], monkeypatch) -> None:
    """A check-off of `skill` from learning to done, with a write patched to fail, raises
    `error` and leaves nothing behind; unpatched, the same connection then serves it."""
    with pytest.raises(error):
        services.skill_set_status(user=owner, skill=skill, status="done")

    # Rolled back whole: the row, the event and the version are as before.
    assert SkillProgress.objects.get(user=owner, skill=skill).status == SkillStatus.LEARNING
    assert skill_events(owner) == [("not_started", "learning")]
    assert Profile.objects.get(user=owner).progress_version == version
    monkeypatch.undo()
    assert services.skill_set_status(user=owner, skill=skill, status="done") is True
    assert skill_events(owner) == [("not_started", "learning"), ("learning", "done")]


def test_the_pipeline_is_on_on_postgresql_only(db):
    with pipeline():
        active = connection.vendor == "postgresql" and connection.connection._pipeline
        assert bool(active) == (connection.vendor == "postgresql")
        assert connection.cursor().execute("SELECT 1") is not None


def test_a_check_off_is_written_whole(owner, setup):
    python = setup.skills["python"]
    version = Profile.objects.get(user=owner).progress_version

    assert services.skill_set_status(user=owner, skill=python, status="done") is True
    assert services.skill_set_status(user=owner, skill=python, status="learning") is True
    assert services.skill_set_status(user=owner, skill=python, status="learning") is False

    row = SkillProgress.objects.get(user=owner, skill=python)
    assert (row.status, row.completed_at) == (SkillStatus.LEARNING, None)
    assert row.started_at is not None
    assert skill_events(owner) == [("not_started", "done"), ("done", "learning")]
    assert Profile.objects.get(user=owner).progress_version == version + 2


def test_a_write_failing_at_commit_leaves_nothing_behind(owner, setup, monkeypatch):
    # An event for an account that does not exist: the foreign key is checked at COMMIT, so the
    # failure comes after the row's update and the version bump were sent.
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill=python, status="learning")
    version = Profile.objects.get(user=owner).progress_version
    real_event = services._event

    def event_of_nobody(user_id, *rest):
        return real_event(10**9, *rest)

    monkeypatch.setattr(services, "_event", event_of_nobody)

    fails_whole(owner, python, version, IntegrityError, monkeypatch)


# SQLite holds no column to its length, and has no pipeline; CI's PostgreSQL run executes this
# test (tests/conftest.py deselects it elsewhere).
@pytest.mark.postgresql
def test_a_write_failing_inside_the_pipeline_leaves_nothing_behind(owner, setup, monkeypatch):
    # The row's update fails when the server runs it (a status too long for its column): the
    # event and the version bump were queued after it, and the error comes when the pipeline
    # ends, as Django's DataError like any other database error.
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill=python, status="learning")
    version = Profile.objects.get(user=owner).progress_version
    real_update = services._skill_update

    def broken_update(row_id, status, *rest):
        return real_update(row_id, "x" * 500, *rest)

    monkeypatch.setattr(services, "_skill_update", broken_update)

    fails_whole(owner, python, version, DataError, monkeypatch)
