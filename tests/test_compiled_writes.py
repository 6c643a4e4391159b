"""Writes compiled once (config.compiled) write exactly what the ORM would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from config.compiled import CompiledInsert, CompiledUpdate
from tests.tracker_helpers import make_role
from tracker.models import EventKind, Profile, ProgressEvent, SkillProgress

pytestmark = pytest.mark.django_db


def test_an_update_writes_the_values_of_each_call_and_counts_rows(owner, other_user):
    setup = make_role()
    python, algebra = setup.skills["python"], setup.skills["algebra"]
    mine = SkillProgress.objects.create(user=owner, skill=python, status="learning")
    theirs = SkillProgress.objects.create(user=other_user, skill=python, status="learning")
    update = CompiledUpdate(
        lambda row_id, status, completed_at: (
            SkillProgress.objects.filter(pk=row_id),
            {"status": status, "completed_at": completed_at},
        )
    )
    now = timezone.now()

    assert update(mine.pk, "done", now) == 1
    assert update(theirs.pk, "learning", None) == 1  # another pattern: NULL written as such
    assert update(theirs.pk, "done", now - timedelta(days=1)) == 1
    assert update(987654, "done", now) == 0

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.completed_at) == ("done", now)
    assert (theirs.status, theirs.completed_at) == ("done", now - timedelta(days=1))
    assert all(statement is not None for statement in update._statements.values())
    assert len(update._statements) == 2
    assert not SkillProgress.objects.filter(skill=algebra).exists()


def test_an_update_with_an_expression(owner, other_user):
    bump = CompiledUpdate(
        lambda user_id: (
            Profile.objects.filter(user_id=user_id),
            {"progress_version": F("progress_version") + 1},
        )
    )

    bump(owner.pk)
    bump(owner.pk)
    bump(other_user.pk)

    versions = dict(Profile.objects.values_list("user_id", "progress_version"))
    assert versions == {owner.pk: 2, other_user.pk: 1}


def test_an_insert_writes_the_row_create_would(owner):
    setup = make_role()
    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]
    insert = CompiledInsert(
        ProgressEvent,
        "user_id",
        "kind",
        "skill_id",
        "milestone_id",
        "from_state",
        "to_state",
        "created_at",
    )
    at = timezone.now() - timedelta(hours=3)

    assert insert(owner.pk, EventKind.SKILL, python.pk, None, "learning", "done", at) == 1
    assert insert(owner.pk, EventKind.MILESTONE, None, portfolio.pk, "not_done", "done", at) == 1
    assert insert(owner.pk, EventKind.SKILL, python.pk, None, "done", "learning", at) == 1

    rows = list(
        ProgressEvent.objects.order_by("id").values_list(
            "kind", "skill_id", "milestone_id", "from_state", "to_state", "created_at"
        )
    )
    assert rows == [
        ("skill", python.pk, None, "learning", "done", at),
        ("milestone", None, portfolio.pk, "not_done", "done", at),
        ("skill", python.pk, None, "done", "learning", at),
    ]
    assert all(statement is not None for statement in insert._statements.values())
