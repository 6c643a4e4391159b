"""Migrations careers 0008-0010 and tracker 0012: milestones become one list for the whole
catalog, the duplicates of the shipped catalog merged, and nobody's progress, note, evidence,
event or mentor's comment lost.

Run over the shipped catalog as it was (tests/fixtures/catalog_per_role_milestones.yaml), with
two people who have progress, a note, an evidence link and an event on every milestone of it,
through Django's migration executor: back to the migrations before, then forward again.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from careers.models import Milestone, MilestoneAlias, StageItems, StageMilestone
from careers.signals import stage_items
from tracker.models import EventKind, ItemComment, MilestoneProgress, ProgressEvent

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG = Path(__file__).parent.parent / "catalog" / "catalog.yaml"
BEFORE = [
    ("careers", "0007_catalog_editors_edit_resources"),
    ("tracker", "0011_mentorship_expired"),
]
PEOPLE = ("ana", "ben")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `targets`; the apps (historical models) as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before():
    """The database as it was before the migrations, put back to the latest afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def fill(apps: Any) -> dict[str, Any]:
    """The old catalog's roles, stages and milestones, a record of each stage's items, and two
    people with everything on every milestone: done on a date of its own, a note (one text the
    same on every row, one its own), an evidence link, an event."""
    Role = apps.get_model("careers", "Role")
    Stage = apps.get_model("careers", "Stage")
    Milestone = apps.get_model("careers", "Milestone")
    StageItems = apps.get_model("careers", "StageItems")
    User = apps.get_model("auth", "User")
    MilestoneProgress = apps.get_model("tracker", "MilestoneProgress")
    ProgressEvent = apps.get_model("tracker", "ProgressEvent")
    ItemComment = apps.get_model("tracker", "ItemComment")
    catalog = yaml.safe_load((FIXTURES / "catalog_per_role_milestones.yaml").read_text())
    now = timezone.now()
    rows: dict[tuple[str, str], Any] = {}
    for r in catalog["roles"]:
        role = Role.objects.create(slug=r["slug"], name=r["name"], family=r["family"], summary=".")
        for position, s in enumerate(r["stages"], start=1):
            stage = Stage.objects.create(
                role=role, slug=s["slug"], level=s["level"], title=s["title"], position=position
            )
            for m_position, m in enumerate(s["milestones"], start=1):
                rows[(r["slug"], m["slug"])] = Milestone.objects.create(
                    role=role, stage=stage, position=m_position, **m
                )
            StageItems.objects.create(
                stage=stage,
                since=now - timedelta(days=400),
                items=sorted(
                    ["milestone", m.pk, True, False] for m in Milestone.objects.filter(stage=stage)
                ),
            )
    progress: dict[tuple[str, tuple[str, str]], dict[str, Any]] = {}
    mentor = User.objects.create(username="mentor")
    for n, username in enumerate(PEOPLE):
        user = User.objects.create(username=username)
        for i, (key, milestone) in enumerate(rows.items()):
            values = {
                "completed_at": now - timedelta(days=i + n),
                "note": f"{username}: {key[0]}/{key[1]}",
                "evidence_url": f"https://{username}.example/{key[0]}/{key[1]}",
            }
            if i % 2:
                values["note"] = "Same words everywhere"
            MilestoneProgress.objects.create(user=user, milestone=milestone, **values)
            ProgressEvent.objects.create(
                user=user,
                kind=EventKind.MILESTONE,
                milestone=milestone,
                from_state="not_done",
                to_state="done",
            )
            ItemComment.objects.create(
                author=mentor, person=user, milestone=milestone, text=f"Well done: {key[1]}"
            )
            progress[(username, key)] = values
    return {"rows": rows, "progress": progress}


def test_every_persons_progress_note_link_and_event_survives_the_merge(before):
    filled = fill(before)
    migrate(latest())

    merged = {
        (alias.role_slug, alias.slug): alias.milestone_id for alias in MilestoneAlias.objects.all()
    }
    assert merged.keys() == filled["rows"].keys()
    for username in PEOPLE:
        mine = {
            row.milestone_id: row
            for row in MilestoneProgress.objects.filter(user__username=username)
        }
        # One row per merged milestone, none left out.
        assert mine.keys() == set(merged.values())
        for key, milestone_id in merged.items():
            old = filled["progress"][(username, key)]
            row = mine[milestone_id]
            group = [
                filled["progress"][(username, other)]
                for other, target in merged.items()
                if target == milestone_id
            ]
            assert row.completed_at == min(values["completed_at"] for values in group)
            assert old["note"] in row.note
            link = old["evidence_url"]
            assert link == row.evidence_url or f"Evidence: {link}" in row.note.split("\n\n")
            assert row.note.count("Same words everywhere") <= 1
        events = ProgressEvent.objects.filter(user__username=username, kind=EventKind.MILESTONE)
        assert events.count() == len(filled["rows"])
        assert set(events.values_list("milestone_id", flat=True)) == set(merged.values())
        comments = ItemComment.objects.filter(person__username=username)
        assert comments.count() == len(filled["rows"])
        assert set(comments.values_list("milestone_id", flat=True)) == set(merged.values())


def test_the_merge_groups_become_one_milestone_each(before):
    fill(before)
    migrate(latest())

    merged = {
        (alias.role_slug, alias.slug): alias.milestone.slug
        for alias in MilestoneAlias.objects.select_related("milestone")
    }
    assert merged[("data-scientist", "bachelors-degree")] == "bachelors-degree"
    assert merged[("knowledge-graph-engineer", "degree")] == "bachelors-degree"
    assert merged[("devops-associate-engineer", "degree")] == "degree-or-equivalent-experience"
    assert merged[("ai-research-scientist", "graduate-degree")] == "advanced-degree"
    assert list(merged.values()).count("bachelors-degree") == 11
    assert Milestone.objects.count() == len(set(merged.values()))
    # Each old milestone keeps its place on its stage.
    assert StageMilestone.objects.count() == len(merged)


def test_the_records_of_each_stages_items_name_the_merged_milestones(before):
    fill(before)
    migrate(latest())

    records = {record.stage_id: record.items for record in StageItems.objects.all()}
    # The catalog as it is now holds what the last record says: no change to record.
    assert stage_items(records) == records


def test_the_shipped_catalog_file_says_what_the_migrated_database_holds(before):
    fill(before)
    migrate(latest())

    shipped = yaml.safe_load(CATALOG.read_text())
    assert {(m["slug"], m["title"], m["kind"]) for m in shipped["milestones"]} == set(
        Milestone.objects.values_list("slug", "title", "kind")
    )
    for role in shipped["roles"]:
        for stage in role["stages"]:
            listed = StageMilestone.objects.filter(
                role__slug=role["slug"], stage__slug=stage["slug"]
            ).order_by("position")
            assert list(listed.values_list("milestone__slug", flat=True)) == stage.get(
                "milestones", []
            )
