"""/mentoring/ and /mentoring/team.csv: the mentor's team, its figures, sorting and queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from careers import cache as catalog_cache
from tests.factories import MentorshipFactory, UserFactory
from tests.tracker_helpers import RoleSetup, make_role, target
from tracker import mentors, selectors, services, team_reads
from tracker.models import (
    EventKind,
    Goal,
    Mentorship,
    MentorshipStatus,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

TEAM = "/mentoring/"
CSV = "/mentoring/team.csv"


@pytest.fixture
def mentor(db) -> User:
    return UserFactory.create(username="mentor")


@pytest.fixture
def mentor_client(mentor) -> Client:
    client = Client()
    client.force_login(mentor)
    return client


@pytest.fixture
def setup(db) -> RoleSetup:
    return make_role()


def member(
    mentor: User,
    setup: RoleSetup,
    name: str,
    *,
    stage: str | None = None,
    done: dict[str, int] | None = None,
) -> User:
    """A person who shares with `mentor`, targeting `stage` (an attribute of the setup), with the
    items in `done` (skill or milestone key: days ago), each with its event."""
    user = UserFactory.create(username=name.lower())
    Profile.objects.filter(user=user).update(display_name=name)
    if stage is not None:
        Goal.objects.create(
            user=user, role=setup.role, target_stage=getattr(setup, stage), is_active=True
        )
    now = timezone.now()
    for key, days in (done or {}).items():
        at = now - timedelta(days=days)
        if key in setup.skills:
            skill = setup.skills[key]
            SkillProgress.objects.create(
                user=user, skill=skill, status=SkillStatus.DONE, completed_at=at
            )
            event = ProgressEvent.objects.create(
                user=user, kind=EventKind.SKILL, skill=skill, to_state="done"
            )
        else:
            milestone = setup.milestones[key]
            MilestoneProgress.objects.create(user=user, milestone=milestone, completed_at=at)
            event = ProgressEvent.objects.create(
                user=user, kind=EventKind.MILESTONE, milestone=milestone, to_state="done"
            )
        ProgressEvent.objects.filter(pk=event.pk).update(created_at=at)
    MentorshipFactory.create(person=user, mentor=mentor)
    return user


@pytest.fixture
def team(mentor, setup) -> dict[str, User]:
    return {
        "Ada": member(mentor, setup, "Ada", stage="mid", done={"python": 40}),
        "Ben": member(mentor, setup, "Ben"),
        "Cleo": member(
            mentor,
            setup,
            "Cleo",
            stage="senior",
            done={"python": 1, "algebra": 1, "portfolio": 1},
        ),
        "Dan": member(mentor, setup, "Dan", stage="senior", done={"python": 2}),
    }


def names(response) -> list[str]:
    return [m.name for m in response.context["members"]]


# --- What the page shows ------------------------------------------------------------------------


def test_the_team_shows_each_persons_figures_by_the_progress_rules(mentor_client, team, setup):
    members = {m.name: m.figures for m in mentor_client.get(TEAM).context["members"]}
    cleo = members["Cleo"]
    assert cleo.target == f"{setup.role.name}: {setup.senior.title}"
    # Entry's python, algebra and portfolio of the six items up to senior.
    assert cleo.percent == 50
    assert cleo.stage == setup.entry.title
    assert cleo.recent == 3
    assert members["Ada"].percent == 20  # one of five up to mid
    assert members["Ada"].stage is None
    # Done 40 days ago: outside the 28 days.
    assert members["Ada"].recent == 0
    assert members["Ben"] == team_reads.Figures()


def test_the_last_activity_is_the_persons_latest_change(mentor_client, team):
    members = {m.name: m.figures for m in mentor_client.get(TEAM).context["members"]}
    latest = ProgressEvent.objects.filter(user=team["Dan"]).latest("created_at").created_at
    assert members["Dan"].last_activity == latest
    assert members["Ben"].last_activity is None


def test_a_mentors_own_events_are_not_the_persons_activity(mentor_client, mentor, team):
    mentors.mentorship_end(
        user=mentor,
        mentorship_id=Mentorship.objects.get(person=team["Ben"]).pk,
        as_mentor=True,
    )
    again = mentors.mentorship_invite(person=team["Ben"], who="mentor", shows_notes=False)
    assert again.mentorship is not None
    mentors.mentorship_accept(mentor=mentor, mentorship_id=again.mentorship.pk)
    members = {m.name: m.figures for m in mentor_client.get(TEAM).context["members"]}
    assert members["Ben"].last_activity is None


def test_each_member_links_to_their_page_and_has_an_end_button(mentor_client, team):
    page = mentor_client.get(TEAM).content.decode()
    relation = Mentorship.objects.get(person=team["Ada"])
    assert 'href="/mentoring/ada/"' in page
    assert f'action="/mentoring/team/{relation.pk}/end/"' in page


def test_only_accepted_relations_of_this_mentor_are_on_the_team(mentor, mentor_client, setup):
    shown = member(mentor, setup, "Shown")
    for status in (MentorshipStatus.PENDING, MentorshipStatus.DECLINED, MentorshipStatus.ENDED):
        MentorshipFactory.create(mentor=mentor, status=status)
    MentorshipFactory.create()  # someone else's mentor
    assert [m.username for m in mentor_client.get(TEAM).context["members"]] == [shown.username]


def test_an_empty_team_says_so(mentor_client):
    assert "Nobody shares their progress with you yet" in mentor_client.get(TEAM).content.decode()


def test_the_invitations_waiting_are_listed_with_their_forms(mentor_client, mentor, owner):
    invitation = MentorshipFactory.create(
        person=owner, mentor=mentor, status=MentorshipStatus.PENDING
    )
    page = mentor_client.get(TEAM).content.decode()
    assert "owner</strong> invites you" in page
    assert f'action="/mentoring/invitations/{invitation.pk}/accept/"' in page
    assert f'action="/mentoring/invitations/{invitation.pk}/decline/"' in page


def test_ending_a_relation_takes_effect_on_the_next_request(mentor_client, team):
    assert "Ada" in names(mentor_client.get(TEAM))
    relation = Mentorship.objects.get(person=team["Ada"])
    mentors.mentorship_end(user=team["Ada"], mentorship_id=relation.pk, as_mentor=False)
    assert "Ada" not in names(mentor_client.get(TEAM))
    assert b"ada" not in mentor_client.get(CSV).content


def test_a_members_change_shows_on_the_next_request(mentor_client, team, setup):
    before = {m.name: m.figures for m in mentor_client.get(TEAM).context["members"]}
    services.skill_set_status(
        user=team["Dan"], skill_id=setup.skills["algebra"].pk, status=SkillStatus.DONE
    )
    after = {m.name: m.figures for m in mentor_client.get(TEAM).context["members"]}
    assert after["Dan"].recent == before["Dan"].recent + 1
    assert after["Dan"].percent > before["Dan"].percent


# --- Sorting ------------------------------------------------------------------------------------

ORDERS = {
    ("name", "asc"): ["Ada", "Ben", "Cleo", "Dan"],
    ("name", "desc"): ["Dan", "Cleo", "Ben", "Ada"],
    # Engineer before Senior engineer; Cleo and Dan share a target and keep the order by name.
    ("target", "asc"): ["Ada", "Cleo", "Dan", "Ben"],
    ("target", "desc"): ["Cleo", "Dan", "Ada", "Ben"],
    # 16%, 20%, 50%; without a target last either way.
    ("percent", "asc"): ["Dan", "Ada", "Cleo", "Ben"],
    ("percent", "desc"): ["Cleo", "Ada", "Dan", "Ben"],
    ("stage", "asc"): ["Cleo", "Ada", "Ben", "Dan"],
    ("stage", "desc"): ["Cleo", "Ada", "Ben", "Dan"],
    ("recent", "asc"): ["Ada", "Dan", "Cleo", "Ben"],
    ("recent", "desc"): ["Cleo", "Dan", "Ada", "Ben"],
    ("activity", "asc"): ["Ada", "Dan", "Cleo", "Ben"],
    ("activity", "desc"): ["Cleo", "Dan", "Ada", "Ben"],
}


@pytest.mark.parametrize(("column", "direction"), list(ORDERS))
def test_the_team_sorts_by_every_column(mentor_client, team, column, direction):
    response = mentor_client.get(TEAM, {"sort": column, "dir": direction})
    assert names(response) == ORDERS[column, direction]
    page = response.content.decode()
    wanted = "ascending" if direction == "asc" else "descending"
    assert page.count("aria-sort=") == 1
    label = team_reads.COLUMN_LABELS[team_reads.Column(column)]
    assert f'aria-sort="{wanted}"><a href="?sort={column}&amp;dir=' in page
    assert label in page


@pytest.mark.parametrize(("column", "direction"), list(ORDERS))
def test_the_csv_has_the_same_order(mentor_client, team, column, direction):
    rows = read_csv(mentor_client.get(CSV, {"sort": column, "dir": direction}))
    assert [row[1] for row in rows[1:]] == ORDERS[column, direction]


def test_a_sorted_header_links_to_the_other_direction(mentor_client, team):
    page = mentor_client.get(TEAM, {"sort": "percent", "dir": "asc"}).content.decode()
    assert 'aria-sort="ascending"><a href="?sort=percent&amp;dir=desc"' in page
    assert '<a href="?sort=name&amp;dir=asc"' in page


@pytest.mark.parametrize("query", [{"sort": "password"}, {"dir": "sideways"}, {"sort": ""}])
def test_an_unknown_sort_sorts_by_name(mentor_client, team, query):
    response = mentor_client.get(TEAM, query)
    assert response.status_code == 200
    assert names(response) == ORDERS["name", "asc"]


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_the_tables_figures(mentor_client, team, setup):
    response = mentor_client.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="pathwise-team.csv"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[0] == [
        "username",
        "Name",
        "Target",
        "Progress",
        "Current stage",
        "Done in 28 days",
        "Last activity",
    ]
    cleo = next(row for row in rows if row[1] == "Cleo")
    activity = ProgressEvent.objects.filter(user=team["Cleo"]).latest("created_at").created_at
    assert cleo == [
        "cleo",
        "Cleo",
        f"{setup.role.name}: {setup.senior.title}",
        "50",
        setup.entry.title,
        "3",
        activity.isoformat(),
    ]
    assert next(row for row in rows if row[1] == "Ben")[2:] == ["", "", "", "", ""]


@pytest.mark.parametrize("name", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_the_csv_cannot_run_a_formula(mentor_client, mentor, setup, name):
    member(mentor, setup, "x")
    Profile.objects.filter(user__username="x").update(display_name=name)
    rows = read_csv(mentor_client.get(CSV))
    assert rows[1][1] == "'" + name


def test_the_csv_lists_nobody_elses_team(client, other_user, team):
    client.force_login(other_user)
    assert read_csv(client.get(CSV)) == [read_csv(client.get(CSV))[0]]


# --- Queries ------------------------------------------------------------------------------------


def grow_team(mentor: User, setup: RoleSetup, size: int) -> None:
    """`size` people sharing with `mentor`, each with a target, done items and a long history."""
    people = UserFactory.create_batch(size)
    Goal.objects.bulk_create(
        [Goal(user=p, role=setup.role, target_stage=setup.senior) for p in people]
    )
    now = timezone.now()
    SkillProgress.objects.bulk_create(
        [
            SkillProgress(user=p, skill=skill, status=SkillStatus.DONE, completed_at=now)
            for p in people
            for skill in setup.skills.values()
        ]
    )
    MilestoneProgress.objects.bulk_create(
        [
            MilestoneProgress(user=p, milestone=m, completed_at=now - timedelta(days=30))
            for p in people
            for m in setup.milestones.values()
        ]
    )
    ProgressEvent.objects.bulk_create(
        [
            ProgressEvent(user=p, kind=EventKind.SKILL, skill=skill, to_state="done")
            for p in people
            for skill in setup.skills.values()
            for _ in range(5)
        ]
    )
    Mentorship.objects.bulk_create(
        [
            Mentorship(
                person=p,
                mentor=mentor,
                status=MentorshipStatus.ACCEPTED,
                expires_at=now,
                responded_at=now,
            )
            for p in people
        ]
    )


@pytest.mark.parametrize("size", [5, 100])
def test_the_team_page_runs_a_fixed_number_of_queries(
    mentor_client, mentor, setup, size, django_assert_num_queries
):
    grow_team(mentor, setup, size)
    MentorshipFactory.create(mentor=mentor, status=MentorshipStatus.PENDING)
    # The role's checklist comes from the catalog cache.
    selectors.role_structure(setup.role.pk, catalog_cache.version())
    # 1 the account, 2 the relations and the invitations waiting, with each person's name and
    # version; then the figures: 3 the goals, 4 the done skills, 5 the done milestones, 6 the
    # last change of each.
    with django_assert_num_queries(6):
        response = mentor_client.get(TEAM)
    assert len(response.context["members"]) == size
    # Then the page is kept until a member's data, a relation or an invitation changes.
    with django_assert_num_queries(2):
        mentor_client.get(TEAM)


@pytest.mark.parametrize("size", [5, 100])
def test_the_csv_runs_a_fixed_number_of_queries(
    mentor_client, mentor, setup, size, django_assert_num_queries
):
    grow_team(mentor, setup, size)
    selectors.role_structure(setup.role.pk, catalog_cache.version())
    # 1 the account, 2 the relations, 3-6 the figures as on the page.
    with django_assert_num_queries(6):
        rows = read_csv(mentor_client.get(CSV))
    assert len(rows) == size + 1


def test_a_target_set_through_the_app_counts(mentor_client, mentor, setup):
    person = member(mentor, setup, "Eve")
    target(person, setup.mid)
    figures = mentor_client.get(TEAM).context["members"][0].figures
    assert figures.target == f"{setup.role.name}: {setup.mid.title}"
    assert figures.percent == 0


def test_a_new_invitation_shows_on_the_next_request(mentor_client, mentor, team, owner):
    assert mentor_client.get(TEAM).context["invitations"] == []
    mentors.mentorship_invite(person=owner, who="mentor", shows_notes=False)
    assert "owner</strong> invites you" in mentor_client.get(TEAM).content.decode()


def test_a_kept_page_carries_the_requests_csrf_token(mentor, team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor)
    client.get(TEAM)
    page = client.get(TEAM).content.decode()
    assert "\x00" not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    relation = Mentorship.objects.get(person=team["Ada"])
    response = client.post(f"/mentoring/team/{relation.pk}/end/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert "Ada" not in names(client.get(TEAM))
