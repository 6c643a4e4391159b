"""/settings/import/ and `manage.py import_progress`: an export read back, checked first, merged
without setting anything back, the same file twice changing nothing."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from careers.models import MilestoneAlias, Region
from tests.factories import PASSWORD, RegionFactory, UserFactory
from tests.tracker_helpers import RoleSetup, assert_queries, grow_tenfold, make_role, target
from tracker import services
from tracker.account_data import account_data
from tracker.import_file import MAX_BYTES
from tracker.import_views import SESSION_KEY
from tracker.imports import higher_status, merged_note
from tracker.models import Goal, MilestoneProgress, Profile, ProgressEvent, SkillProgress

IMPORT_URL = "/settings/import/"
PREVIEW_URL = "/settings/import/preview/"
APPLY_URL = "/settings/import/apply/"


@pytest.fixture
def role(db) -> RoleSetup:
    return make_role(name="ML Engineer", slug="ml-engineer")


def with_history(user, role: RoleSetup) -> None:
    """Two targets, skills learning and done (one ticked and unticked), a milestone, notes."""
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": "Ana",
            "region": Region.objects.filter(slug="sea").first() or RegionFactory.create(slug="sea"),
        },
    )
    target(user, role.mid)
    target(user, role.senior)
    python, torch, algebra = (role.skills[k].pk for k in ("python", "torch", "algebra"))
    services.skill_set_status(user=user, skill_id=python, status="done")
    services.skill_set_status(user=user, skill_id=torch, status="learning")
    services.skill_set_status(user=user, skill_id=algebra, status="done")
    services.skill_set_status(user=user, skill_id=algebra, status="not_started")
    services.skill_save_note(
        user=user, skill_id=python, note="Chapter 3.", evidence_url="https://github.com/ana/p"
    )
    portfolio = role.milestones["portfolio"].pk
    services.milestone_set_done(user=user, milestone_id=portfolio, done=True)
    services.milestone_save_note(user=user, milestone_id=portfolio, note="Shipped", evidence_url="")


def export(user) -> dict:
    return json.loads(json.dumps(account_data(user=user), default=str))


def upload(
    client: Client, data: object, name: str = "pathwise-data.json", raw: bytes | None = None
):
    content = raw if raw is not None else json.dumps(data).encode()
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def comparable(data: dict) -> dict:
    """An export without what differs between two accounts: ids, the account, export time."""
    goal_order = {
        g["id"]: i for i, g in enumerate(sorted(data["goals"], key=lambda g: g["created_at"]))
    }

    def goal_ref(value):
        return str(goal_order[int(value)]) if value else value

    return {
        "profile": data["profile"],
        "goals": sorted(
            (
                g["role"]["slug"],
                g["target_stage"]["slug"],
                g["is_active"],
                g["created_at"],
                g["ended_at"],
            )
            for g in data["goals"]
        ),
        "skills": [
            {k: v for k, v in r.items() if k != "updated_at"} for r in data["skill_progress"]
        ],
        "milestones": [
            {k: v for k, v in r.items() if k != "updated_at"} for r in data["milestone_progress"]
        ],
        "events": [
            {
                **{k: v for k, v in e.items() if k != "goal_id"},
                "goal": goal_ref(e["goal_id"]),
                "from": goal_ref(e["from"]) if e["kind"] == "goal" else e["from"],
                "to": goal_ref(e["to"]) if e["kind"] == "goal" else e["to"],
            }
            for e in data["events"]
        ],
    }


def test_it_round_trips_an_export_through_a_new_account(role, client):
    ana = UserFactory.create(username="ana")
    with_history(ana, role)
    before = client.force_login(ana) or client.get("/me/export.json").json()
    client.post("/settings/delete/", {"password": PASSWORD})
    client.post(
        "/accounts/signup/",
        {
            "username": "ana2",
            "email": "a@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert upload(client, before).status_code == 303
    assert client.get(PREVIEW_URL).status_code == 200
    response = client.post(APPLY_URL, {"digest": _digest(client)})

    assert response.status_code == 303
    assert response["Location"] == "/plan/"
    after = client.get("/me/export.json").json()
    assert after["account"]["username"] == "ana2"
    assert comparable(after) == comparable(before)
    assert len(after["events"]) == 9


def _digest(client: Client) -> str:
    html = client.get(PREVIEW_URL).content.decode()
    start = html.index('name="digest" value="') + len('name="digest" value="')
    return html[start : start + 64]


# --- Helpers for the cases below -------------------------------------------------------------


@pytest.fixture
def file(role) -> dict:
    """A valid export of someone's history (made in an account deleted since)."""
    someone = UserFactory.create(username="someone")
    with_history(someone, role)
    data = export(someone)
    someone.delete()
    return data


@pytest.fixture
def ana(db):
    return UserFactory.create(username="ana")


@pytest.fixture
def ana_client(client, ana) -> Client:
    client.force_login(ana)
    return client


def owned(user) -> dict:
    """Everything of the person's that an import could write."""
    profile = Profile.objects.get(user=user)
    return {
        "profile": (profile.display_name, profile.region_id, profile.progress_version),
        "goals": list(Goal.objects.filter(user=user).values_list().order_by("pk")),
        "skills": list(SkillProgress.objects.filter(user=user).values_list().order_by("pk")),
        "milestones": list(
            MilestoneProgress.objects.filter(user=user).values_list().order_by("pk")
        ),
        "events": list(ProgressEvent.objects.filter(user=user).values_list().order_by("pk")),
    }


def imported(client: Client, data: dict):
    assert upload(client, data).status_code == 303
    return client.post(APPLY_URL, {"digest": _digest(client)})


# --- Bad files ----------------------------------------------------------------------------------


def _set(path: str, value):
    """A change to one field of the file, by its place (`skill_progress.0.status`)."""

    def change(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        key = int(last) if isinstance(target, list) else last
        if value is DELETE:
            del target[key]
        else:
            target[key] = value

    return change


DELETE = object()
FUTURE = (datetime.now(UTC) + timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    "change,message",
    [
        (_set("format_version", 4), "format version 4; this Pathwise reads versions 1, 2 and 3"),
        (_set("format_version", "2"), "format version &#x27;2&#x27;"),
        (_set("format", "something-else"), "its &quot;format&quot; is not"),
        (_set("skill_progress", {}), "skill_progress: should be a list"),
        (_set("skill_progress.0", "python"), "skill_progress[0]: should be an object"),
        (_set("skill_progress.0.status", "mastered"), "skill_progress[0].status: should be one of"),
        (_set("skill_progress.0.skill.slug", "not a slug!"), "skill_progress[0].skill.slug"),
        (_set("skill_progress.0.skill.slug", 12), "skill_progress[0].skill.slug"),
        (_set("skill_progress.0.completed_at", "yesterday"), "skill_progress[0].completed_at"),
        (_set("skill_progress.0.started_at", "2024-01-02T10:00:00"), "with its time zone"),
        (_set("skill_progress.0.started_at", FUTURE), "is in the future"),
        (_set("skill_progress.0.note", "x" * 501), "longer than 500 characters"),
        (_set("skill_progress.0.note", 42), "skill_progress[0].note: should be text"),
        (_set("skill_progress.0.evidence_url", "javascript:alert(1)"), "starting with http(s)"),
        (_set("skill_progress.0.evidence_url", "ftp://example.com/x"), "starting with http(s)"),
        (_set("milestone_progress.0.status", "half"), "milestone_progress[0].status"),
        (_set("milestone_progress.0.completed_at", None), "if and only if it is done"),
        (
            _set("milestone_progress.0.milestone.slug", "a b"),
            "milestone_progress[0].milestone.slug",
        ),
        (_set("goals.0.is_active", "yes"), "goals[0].is_active: should be true or false"),
        (_set("goals.0.created_at", DELETE), "goals[0].created_at: is missing"),
        (_set("goals.0.target_stage.slug", ""), "goals[0].target_stage.slug"),
        (_set("goals.0.id", "1"), "goals[0].id: should be a whole number"),
        (_set("events.0.kind", "bogus"), "events[0].kind"),
        (_set("events.0.at", "2024-13-40T00:00:00+00:00"), "events[0].at"),
        (_set("events.0.goal_id", 999_999), "events[0].goal_id"),
        (_set("events.2.to", "flying"), "events[2].to"),
        (_set("profile.region.slug", "Sea Tac!"), "profile.region.slug"),
    ],
)
def test_it_refuses_a_file_with_a_bad_field_and_says_where(ana_client, ana, file, change, message):
    change(file)
    before = owned(ana)

    response = upload(ana_client, file)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="errorlist"' in html
    assert SESSION_KEY not in ana_client.session
    assert owned(ana) == before


def test_it_refuses_a_skill_listed_twice(ana_client, file):
    file["skill_progress"].append(file["skill_progress"][0])

    response = upload(ana_client, file)

    assert response.status_code == 400
    assert "is listed twice" in response.content.decode()


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"[1, 2, 3]", "this file holds a list"),
        (b'"pathwise"', "this file holds a string"),
        (b"kind,role,stage,item\nskill,ML,Junior,Python\n", "it is not a JSON file"),
        (bytes(range(256)) * 4, "it is not a JSON file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "it is not a JSON file"),
        (b'{"hello": "world"}', "it has no format_version"),
    ],
)
def test_it_refuses_a_file_of_another_shape(ana_client, ana, raw, message):
    before = owned(ana)

    response = upload(ana_client, None, raw=raw)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert owned(ana) == before


def test_it_refuses_an_empty_upload(ana_client):
    response = upload(ana_client, None, raw=b"")

    assert response.status_code == 400
    assert "The submitted file is empty." in response.content.decode()


def test_it_refuses_a_file_over_five_megabytes_without_reading_it(ana_client, ana, file):
    text = json.dumps(file)
    padded = text[:-1] + ', "padding": "' + "x" * (MAX_BYTES - len(text)) + '"}'
    assert len(padded.encode()) > MAX_BYTES

    response = upload(ana_client, None, raw=padded.encode())

    assert response.status_code == 400
    assert "Pathwise reads exports of up to 5 MB" in response.content.decode()
    assert SESSION_KEY not in ana_client.session


def test_it_reads_a_file_of_exactly_five_megabytes(ana_client, file):
    text = json.dumps(file)
    padded = text[:-1] + ', "padding": "' + "x" * (MAX_BYTES - len(text) - 15) + '"}'
    assert len(padded.encode()) == MAX_BYTES

    assert upload(ana_client, None, raw=padded.encode()).status_code == 303


# --- Preview, confirmation ----------------------------------------------------------------------


def test_it_shows_what_it_would_do_before_changing_anything(ana_client, ana, role, file):
    services.skill_set_status(user=ana, skill_id=role.skills["python"].pk, status="learning")
    services.skill_set_status(user=ana, skill_id=role.skills["torch"].pk, status="learning")
    file["skill_progress"].append(
        {**file["skill_progress"][0], "skill": {"name": "Cobol", "slug": "cobol"}}
    )
    file["milestone_progress"].append(
        {
            **file["milestone_progress"][0],
            "milestone": {"title": "Moon landing", "slug": "moon"},
        }
    )
    before = owned(ana)

    response = upload(ana_client, file)

    assert response.status_code == 303
    assert response["Location"] == PREVIEW_URL
    html = ana_client.get(PREVIEW_URL).content.decode()
    # algebra (set back to not started) and the milestone are new; python goes from learning to
    # done; torch is learning in both.
    assert "Adds 2, updates 1, leaves 1 as it is." in html
    assert "Skips 2 unknown items this Pathwise does not have: Cobol, Moon landing." in html
    assert "Adds 2 targets and 9 events to your history" in html
    assert "Fills in your display name and region." in html
    assert '<button type="submit" class="button">Import</button>' in html
    assert owned(ana) == before


def test_it_reads_the_preview_in_a_fixed_number_of_queries(ana_client, ana, role, file):
    services.skill_set_status(user=ana, skill_id=role.skills["python"].pk, status="learning")
    upload(ana_client, file)
    # 1 the user (the session, written by the upload, is read from the cache), 2 skills by
    # slug, 3 milestones by role and slug, 4 the person's skill rows, 5 milestone rows,
    # 6 profile, 7 region, 8 stages of the targets, 9 the person's goals on them, 10 whether
    # they have a target, 11 their events in the file's time span.
    with assert_queries(11):
        response = ana_client.get(PREVIEW_URL)
    assert response.status_code == 200


def test_it_reads_the_preview_in_as_many_queries_with_ten_times_the_data(
    ana_client, ana, role, file
):
    someone = UserFactory.create(username="someone-else")
    with_history(someone, role)
    grow_tenfold(someone, role)
    # As the app writes them: a skill event names the state it left.
    ProgressEvent.objects.filter(user=someone, kind="skill", from_state="").update(
        from_state="learning"
    )
    big = export(someone)
    grow_tenfold(ana, role)
    assert len(big["events"]) > 10 * len(file["events"])
    assert upload(ana_client, big).status_code == 303

    with assert_queries(11):
        response = ana_client.get(PREVIEW_URL)
    assert response.status_code == 200


def test_it_imports_nothing_without_a_file_waiting(ana_client, ana):
    before = owned(ana)

    response = ana_client.post(APPLY_URL, {"digest": "0" * 64})

    assert response.status_code == 303
    assert response["Location"] == IMPORT_URL
    assert owned(ana) == before
    assert ana_client.get(PREVIEW_URL)["Location"] == IMPORT_URL


def test_it_imports_nothing_on_a_confirmation_for_another_file(ana_client, ana, file):
    upload(ana_client, file)
    old_digest = _digest(ana_client)
    file["profile"]["display_name"] = "Someone else"
    upload(ana_client, file)
    before = owned(ana)

    response = ana_client.post(APPLY_URL, {"digest": old_digest})

    assert response["Location"] == IMPORT_URL
    assert owned(ana) == before


def test_it_forgets_the_file_on_cancel(ana_client, ana, file):
    upload(ana_client, file)
    before = owned(ana)

    response = ana_client.post(APPLY_URL, {"digest": _digest(ana_client), "cancel": "1"})

    assert response["Location"] == "/settings/#import"
    assert SESSION_KEY not in ana_client.session
    assert owned(ana) == before


def test_it_checks_the_kept_file_again_before_importing(ana_client, ana, file):
    upload(ana_client, file)
    digest = _digest(ana_client)
    session = ana_client.session
    session[SESSION_KEY] = json.dumps({**file, "format_version": 9})
    session.save()
    before = owned(ana)

    response = ana_client.post(APPLY_URL, {"digest": digest})

    assert response["Location"] == IMPORT_URL
    assert owned(ana) == before


# --- Merging ------------------------------------------------------------------------------------


def test_it_imports_with_the_original_times_and_moves_the_progress_version(ana_client, ana, file):
    version = Profile.objects.get(user=ana).progress_version

    response = imported(ana_client, file)

    assert response["Location"] == "/plan/"
    assert Profile.objects.get(user=ana).progress_version == version + 1
    times = sorted(e["at"] for e in file["events"])
    mine = ProgressEvent.objects.filter(user=ana).order_by("created_at", "id")
    assert [e.created_at.isoformat() for e in mine] == times
    goals = Goal.objects.filter(user=ana).order_by("created_at")
    assert [g.created_at.isoformat() for g in goals] == sorted(
        g["created_at"] for g in file["goals"]
    )
    assert [g.is_active for g in goals] == [False, True]


def test_it_changes_nothing_the_second_time(ana_client, ana, file):
    imported(ana_client, file)
    before = owned(ana)

    upload(ana_client, file)
    html = ana_client.get(PREVIEW_URL).content.decode()
    response = ana_client.post(APPLY_URL, {"digest": _digest(ana_client)})

    assert "Nothing to import: your account already has everything in this file." in html
    assert response.status_code == 303
    assert owned(ana) == before


def test_it_never_sets_back_or_replaces_what_the_person_has(ana_client, ana, role, file):
    python, portfolio = role.skills["python"].pk, role.milestones["portfolio"].pk
    target(ana, role.entry)
    services.skill_set_status(user=ana, skill_id=role.skills["torch"].pk, status="done")
    services.skill_save_note(
        user=ana, skill_id=python, note="My own note.", evidence_url="https://mine.example/"
    )
    services.milestone_set_done(user=ana, milestone_id=portfolio, done=True)
    torch_done = SkillProgress.objects.get(user=ana, skill_id=role.skills["torch"].pk).completed_at
    portfolio_done = MilestoneProgress.objects.get(user=ana, milestone_id=portfolio).completed_at

    imported(ana_client, file)

    torch = SkillProgress.objects.get(user=ana, skill_id=role.skills["torch"].pk)
    assert (torch.status, torch.completed_at) == ("done", torch_done)
    row = SkillProgress.objects.get(user=ana, skill_id=python)
    assert row.status == "done"
    assert row.note == "My own note.\n\nChapter 3."
    assert row.evidence_url == "https://mine.example/"
    milestone = MilestoneProgress.objects.get(user=ana, milestone_id=portfolio)
    assert (milestone.completed_at, milestone.note) == (portfolio_done, "Shipped")
    # Ana's own target stays; the file's are history.
    assert Goal.objects.get(user=ana, is_active=True).target_stage == role.entry
    assert Goal.objects.filter(user=ana).count() == 3


@pytest.mark.parametrize(
    "mine,theirs,merged",
    [
        ("", "", ""),
        ("Mine", "", "Mine"),
        ("", "Theirs", "Theirs"),
        ("Mine", "Theirs", "Mine\n\nTheirs"),
        ("Mine\n\nTheirs", "Theirs", "Mine\n\nTheirs"),
        ("Same", "Same", "Same"),
        ("x" * 250, "y" * 248, "x" * 250 + "\n\n" + "y" * 248),
        ("x" * 250, "y" * 249, None),
    ],
)
def test_it_appends_the_files_note_to_the_persons(mine, theirs, merged):
    assert merged_note(mine, theirs) == merged


@pytest.mark.parametrize(
    "mine,theirs,status",
    [
        ("not_started", "learning", "learning"),
        ("not_started", "done", "done"),
        ("learning", "done", "done"),
        ("learning", "not_started", "learning"),
        ("done", "learning", "done"),
        ("done", "not_started", "done"),
        ("done", "done", "done"),
    ],
)
def test_it_only_moves_a_status_forward(mine, theirs, status):
    assert higher_status(mine, theirs) == status


def test_it_keeps_the_persons_note_when_both_do_not_fit(ana_client, ana, role, file):
    python = role.skills["python"].pk
    services.skill_save_note(user=ana, skill_id=python, note="x" * 495, evidence_url="")

    upload(ana_client, file)
    html = ana_client.get(PREVIEW_URL).content.decode()
    ana_client.post(APPLY_URL, {"digest": _digest(ana_client)})

    assert "Keeps your own note or link on: Python" in html
    assert SkillProgress.objects.get(user=ana, skill_id=python).note == "x" * 495


def older_format(file: dict, role: RoleSetup, version: int) -> dict:
    """The file as Pathwise wrote it before milestones were one list: each named by its role
    (by name in version 1, by slug in version 2) and the slug it had in that role."""
    old_slugs = {}
    for key, milestone in role.milestones.items():
        old_slugs[milestone.slug] = f"{key}-old"
        MilestoneAlias.objects.create(
            role_slug=role.role.slug, slug=f"{key}-old", milestone=milestone
        )
    if version == 1:
        del file["format"], file["format_version"]
    else:
        file["format_version"] = 2
    for row in file["milestone_progress"]:
        row["milestone"]["slug"] = old_slugs[row["milestone"]["slug"]]
        if version == 1:
            row["milestone"]["role"] = role.role.name
        else:
            row["milestone"]["role_slug"] = role.role.slug
    for event in file["events"]:
        if event["milestone"]:
            event["milestone"] = old_slugs[event["milestone"]]
            if version == 2:
                event["milestone_role"] = role.role.slug
    return file


@pytest.mark.parametrize("version", [1, 2])
def test_it_reads_the_formats_before_milestones_were_one_list(ana_client, ana, role, file, version):
    expected = comparable(copy.deepcopy(file))

    imported(ana_client, older_format(file, role, version))

    mine = comparable(export(ana))
    assert mine["events"] == expected["events"]
    assert mine["milestones"] == expected["milestones"]


def test_rows_of_an_older_file_on_milestones_since_merged_become_one(ana_client, ana, role, file):
    portfolio = role.milestones["portfolio"]
    older = older_format(file, role, 2)
    MilestoneAlias.objects.create(role_slug="data-scientist", slug="portfolio", milestone=portfolio)
    row = older["milestone_progress"][0]
    older["milestone_progress"].append(
        {
            **row,
            "milestone": {**row["milestone"], "role_slug": "data-scientist", "slug": "portfolio"},
            "note": "Also for data science",
        }
    )

    imported(ana_client, older)

    merged = MilestoneProgress.objects.get(user=ana)
    assert merged.milestone == portfolio
    assert merged.note == "Shipped\n\nAlso for data science"


def test_it_skips_the_events_of_items_it_does_not_know(ana_client, ana, role, file):
    for event in file["events"]:
        if event["milestone"]:
            event["milestone"] = "moon"
    file["milestone_progress"][0]["milestone"]["slug"] = "moon"

    upload(ana_client, file)
    html = ana_client.get(PREVIEW_URL).content.decode()
    ana_client.post(APPLY_URL, {"digest": _digest(ana_client)})

    assert "Skips 2 events about unknown items." in html
    assert ProgressEvent.objects.filter(user=ana).count() == 7
    assert not MilestoneProgress.objects.filter(user=ana).exists()


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,url",
    [("get", IMPORT_URL), ("post", IMPORT_URL), ("get", PREVIEW_URL), ("post", APPLY_URL)],
)
def test_it_sends_anonymous_visitors_to_log_in(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_it_never_shows_or_imports_someone_elses_file(ana_client, ana, other_user, file):
    upload(ana_client, file)
    digest = _digest(ana_client)
    outsider = Client()
    outsider.force_login(other_user)
    before = owned(other_user), owned(ana)

    preview = outsider.get(PREVIEW_URL)
    response = outsider.post(APPLY_URL, {"digest": digest})

    assert preview["Location"] == IMPORT_URL
    assert response["Location"] == IMPORT_URL
    assert (owned(other_user), owned(ana)) == before


def test_it_answers_only_its_methods(ana_client):
    assert ana_client.put(IMPORT_URL).status_code == 405
    assert ana_client.post(PREVIEW_URL).status_code == 405
    assert ana_client.get(APPLY_URL).status_code == 405


def test_it_is_linked_from_settings(ana_client):
    html = ana_client.get("/settings/").content.decode()

    assert f'href="{IMPORT_URL}"' in html[html.index('id="import"') :]


# --- The command --------------------------------------------------------------------------------


def test_the_command_imports_a_file_once(ana, file, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(file))
    out = StringIO()

    call_command("import_progress", "ana", str(path), stdout=out)
    before = owned(ana)
    call_command("import_progress", "ana", str(path), stdout=out)

    assert "Adds 4, updates 0, leaves 0 as they are." in out.getvalue()
    assert "Nothing to import" in out.getvalue()
    assert owned(ana) == before
    assert SkillProgress.objects.filter(user=ana).count() == 3


def test_the_command_writes_nothing_with_check(ana, file, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(file))
    before, out = owned(ana), StringIO()

    call_command("import_progress", "ana", str(path), "--check", stdout=out)

    assert "Adds 4," in out.getvalue()
    assert "Nothing was written (--check)." in out.getvalue()
    assert owned(ana) == before


@pytest.mark.parametrize(
    "username,content,message",
    [
        ("nobody", "{}", "No account named 'nobody'"),
        ("ana", "[]", "this file holds a list"),
        ("ana", '{"format_version": 7}', "format version 7"),
        ("ana", None, "No such file or directory"),
    ],
)
def test_the_command_exits_non_zero_and_writes_nothing_on_a_bad_file(
    ana, tmp_path, username, content, message
):
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content)
    before = owned(ana)

    with pytest.raises(CommandError, match=message) as error:
        call_command("import_progress", username, str(path))

    assert error.value.returncode == 1
    assert owned(ana) == before


def test_the_command_refuses_a_file_over_the_limit(ana, tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MAX_BYTES + 1))

    with pytest.raises(CommandError, match="up to 5 MB"):
        call_command("import_progress", "ana", str(path))
