"""Every read a page makes of the large tables (progress, events, goals) is served by the index
meant for it (tracker/models.py), checked with the database's own EXPLAIN of the statements the
pages really send: EXPLAIN QUERY PLAN on SQLite, EXPLAIN with sequential scans switched off on
PostgreSQL (so that a table of a few test rows is not simply read whole)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from careers.models import Milestone
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker import services
from tracker.models import Goal, MilestoneProgress, ProgressEvent, SkillProgress

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The (user, item) key of each progress table.
PROGRESS_KEYS = {
    "tracker_skillprogress": ("user_id", "skill_id"),
    "tracker_milestoneprogress": ("user_id", "milestone_id"),
}
LARGE = (*PROGRESS_KEYS, "tracker_progressevent", "tracker_goal")


@pytest.fixture
def setup(owner, other_user):
    setup = make_role()
    target(owner, setup.senior)
    target(other_user, setup.mid)
    grow_tenfold(owner, setup)
    # The shape of production: many people on the same role, so that a skill alone finds many
    # progress rows, and a person has a long history of events.
    now = timezone.now()
    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"person-{n}", password="!") for n in range(40)
    )
    Goal.objects.bulk_create(Goal(user=p, role=setup.role, target_stage=setup.mid) for p in people)
    SkillProgress.objects.bulk_create(
        SkillProgress(user=p, skill=skill, status="done", completed_at=now)
        for p in people
        for skill in setup.skills.values()
    )
    # Every milestone has many people's rows, as in production (a milestone alone would
    # otherwise look as selective as the person's own key).
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(user=p, milestone=m, completed_at=now)
        for p in people
        for m in Milestone.objects.all()
    )
    ProgressEvent.objects.bulk_create(
        ProgressEvent(user=p, kind="skill", skill=setup.skills["python"], to_state=state)
        for p in [owner, *people]
        for state in ["done", "learning"] * 60
    )
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them. (SQLite's planner, given statistics of
        # these few rows, would rightly read some small tables whole; without them it plans for
        # tables of the size pages meet in production.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return setup


def statements(request: Callable[[], object]) -> list[tuple[str, list | dict]]:
    """The reads of the large tables that `request()` sends, with their parameters."""
    sent: list[tuple[str, list | dict]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params if isinstance(params, dict) else list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        request()
    return [
        (sql, params)
        for sql, params in sent
        if sql.lstrip(" (").upper().startswith(("SELECT", "WITH")) and any(t in sql for t in LARGE)
    ]


def plan_of(sql: str, params: list | dict) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def index_names(table: str, columns: tuple[str, ...]) -> set[str]:
    """The indexes of `table` on exactly `columns`, whatever the database named them (SQLite
    names the index of a unique constraint sqlite_autoindex_<table>_<n>)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    names = {name for name, c in found.items() if tuple(c["columns"]) == columns}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA index_list({table})")
            for _seq, name, *_rest in cursor.fetchall():
                cursor.execute(f"PRAGMA index_info({name})")
                if tuple(row[2] for row in cursor.fetchall()) == columns:
                    names.add(name)
    return names


def uses(plan: str, table: str, index: set[str] | str) -> bool:
    names = {index} if isinstance(index, str) else index
    if connection.vendor == "sqlite":
        # "SEARCH mine USING INDEX name (...)", the table possibly under an alias.
        return any(re.search(rf"USING (COVERING )?INDEX {re.escape(n)}\b", plan) for n in names)
    return any(
        re.search(rf"Index (Only )?Scan using {re.escape(n)} on {table}", plan)
        or re.search(rf"Bitmap Index Scan on {re.escape(n)}\b", plan)
        for n in names
    )


def no_full_scan(plan: str) -> bool:
    if connection.vendor == "sqlite":
        return not any(re.search(rf"\bSCAN {t}\b", plan) for t in LARGE)
    return not any(f"Seq Scan on {t}" in plan for t in LARGE)


def reads(request, table: str) -> list[tuple[str, str]]:
    """(statement, plan) of each read of `table`, none of them reading a large table whole."""
    found = [(sql, plan_of(sql, params)) for sql, params in statements(request) if table in sql]
    assert found, f"no read of {table}"
    for _sql, plan in found:
        assert no_full_scan(plan), plan
    return found


def test_the_plan_reads_goal_and_progress_by_index(owner_client, owner, setup):
    owner_client.get("/plan/")  # the catalog side cached: what is left is the person's

    def page():
        services.mark_changed(owner)  # rendered again, not served as it was
        assert owner_client.get("/plan/").status_code == 200

    ((_, goal),) = reads(page, "tracker_goal")
    # A person has a goal or two: the active-goal index, or the plain one of the person's goals.
    by_person = {"one_active_goal_per_user", *index_names("tracker_goal", ("user_id",))}
    assert uses(goal, "tracker_goal", by_person), goal
    # The person's rows of each table, through its (user, item) index; whether the database
    # looks each item up or reads the person's range of the index is its planner's choice, made
    # for each run with the values at hand.
    for table in ("tracker_skillprogress", "tracker_milestoneprogress"):
        ((_, progress),) = reads(page, table)
        assert uses(progress, table, index_names(table, PROGRESS_KEYS[table])), progress


def test_the_dashboard_reads_events_by_index(owner_client, owner, setup):
    owner_client.get("/dashboard/")

    def page():
        services.mark_changed(owner)  # rendered again, not served as it was
        assert owner_client.get("/dashboard/").status_code == 200

    def what(sql: str) -> str:
        return "recent" if "LIMIT" in sql else "chart"

    # The last ten events; the pace reads the progress rows, not the events.
    plans = {what(sql): plan for sql, plan in reads(page, "tracker_progressevent")}
    assert uses(plans["recent"], "tracker_progressevent", "event_user_recent"), plans["recent"]
    # The burn-up chart reads every item event of the person, by the index that starts with them.
    assert uses(plans["chart"], "tracker_progressevent", "event_user_recent"), plans["chart"]
    # The person's rows of each progress table, by its (user, item) index: those on the target
    # role's items (the plan, the pace), and every done one (the closest roles).
    for table in PROGRESS_KEYS:
        found = reads(page, table)
        assert len(found) == 2, found
        for _, progress in found:
            assert uses(progress, table, index_names(table, PROGRESS_KEYS[table])), progress


def test_a_check_off_locks_and_reads_by_index(owner_client, setup):
    owner_client.get("/plan/")
    algebra = setup.skills["algebra"]

    def check_off():
        response = owner_client.post(
            f"/plan/skills/{algebra.pk}/status/", {"status": "done"}, **HTMX
        )
        assert response.status_code == 200

    found = reads(check_off, "tracker_skillprogress")
    skills = index_names("tracker_skillprogress", PROGRESS_KEYS["tracker_skillprogress"])
    # The row locked, found by the person and the item (through either index: the planner's
    # choice), then the person's progress on the role's skills.
    plans = {" IN (" in sql: plan for sql, plan in found}
    lock, progress = plans[False], plans[True]
    by_item = index_names("tracker_skillprogress", ("skill_id",))
    assert uses(lock, "tracker_skillprogress", skills | by_item), lock
    assert uses(progress, "tracker_skillprogress", skills), progress


def test_the_history_reads_its_page_of_events_by_index(owner_client, owner, setup):
    def page():
        assert owner_client.get("/history/").status_code == 200

    plans = {"LIMIT" in sql: plan for sql, plan in reads(page, "tracker_progressevent")}
    # A page of events, newest first: read in the order of the index and stopped after fifty.
    assert uses(plans[True], "tracker_progressevent", "event_user_recent"), plans[True]
