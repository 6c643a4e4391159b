"""A check-off is written whole or not at all, however it fails: whatever fails, nothing is left
behind and the connection goes on serving.

These tests run outside a test transaction (transaction=True), as requests do.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError

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
        services.skill_set_status(user=owner, skill_id=skill.pk, status="done")

    # Rolled back whole: the row, the event and the version are as before.
    assert SkillProgress.objects.get(user=owner, skill=skill).status == SkillStatus.LEARNING
    assert skill_events(owner) == [("not_started", "learning")]
    assert Profile.objects.get(user=owner).progress_version == version
    monkeypatch.undo()
    assert services.skill_set_status(user=owner, skill_id=skill.pk, status="done") is True
    assert skill_events(owner) == [("not_started", "learning"), ("learning", "done")]


def test_a_check_off_is_written_whole(owner, setup):
    python = setup.skills["python"]
    version = Profile.objects.get(user=owner).progress_version

    assert services.skill_set_status(user=owner, skill_id=python.pk, status="done") is True
    assert services.skill_set_status(user=owner, skill_id=python.pk, status="learning") is True
    assert services.skill_set_status(user=owner, skill_id=python.pk, status="learning") is False

    row = SkillProgress.objects.get(user=owner, skill=python)
    assert (row.status, row.completed_at) == (SkillStatus.LEARNING, None)
    assert row.started_at is not None
    assert skill_events(owner) == [("not_started", "done"), ("done", "learning")]
    assert Profile.objects.get(user=owner).progress_version == version + 2


def test_it_keeps_when_a_skill_was_first_started(owner, setup):
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")
    started = SkillProgress.objects.get(user=owner, skill=python).started_at

    services.skill_set_status(user=owner, skill_id=python.pk, status="done")
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")

    row = SkillProgress.objects.get(user=owner, skill=python)
    assert row.started_at == started
    assert row.completed_at is None


def test_a_write_failing_at_its_last_step_leaves_nothing_behind(owner, setup, monkeypatch):
    # The version bump is the last write: the row's update and the event were made before it.
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")
    version = Profile.objects.get(user=owner).progress_version

    def fail(user):
        raise DatabaseError("the server went away")

    monkeypatch.setattr(services, "mark_changed", fail)

    fails_whole(owner, python, version, DatabaseError, monkeypatch)


def test_a_write_failing_at_commit_leaves_nothing_behind(owner, setup, monkeypatch):
    # An event for a goal that does not exist: the foreign key is checked at COMMIT, so the
    # failure comes after every write of the check-off was made.
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")
    version = Profile.objects.get(user=owner).progress_version
    create = ProgressEvent.objects.create

    def event_of_no_goal(**fields):
        return create(**fields, goal_id=-1)

    monkeypatch.setattr(ProgressEvent.objects, "create", event_of_no_goal)

    fails_whole(owner, python, version, IntegrityError, monkeypatch)
