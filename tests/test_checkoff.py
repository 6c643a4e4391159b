"""Checking off skills and milestones, and notes on them: POST views and their services."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from tests.tracker_helpers import assert_queries, grow_tenfold, make_role, target
from tracker import services
from tracker.models import (
    NOTE_MAX_LENGTH,
    EventKind,
    MilestoneProgress,
    ProgressEvent,
    SkillProgress,
    SkillStatus,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def skill_url(skill, action: str = "status") -> str:
    return reverse(f"tracker:skill_{action}", args=[skill.pk])


def milestone_url(milestone, action: str = "done") -> str:
    return reverse(f"tracker:milestone_{action}", args=[milestone.pk])


def progress_events(user) -> list[tuple[str, str, str]]:
    return list(
        ProgressEvent.objects.filter(user=user)
        .exclude(kind=EventKind.GOAL)
        .order_by("id")
        .values_list("kind", "from_state", "to_state")
    )


# --- Skills, without JavaScript ---------------------------------------------------------------


def test_it_marks_a_skill_done_and_redirects_back_to_the_item(owner_client, owner, setup):
    python = setup.skills["python"]

    response = owner_client.post(skill_url(python), {"status": "done"})

    assert response.status_code == 303
    assert response["Location"] == f"/plan/#skill-{python.pk}"
    row = SkillProgress.objects.get(user=owner, skill=python)
    assert row.status == SkillStatus.DONE
    assert row.completed_at is not None
    assert progress_events(owner) == [("skill", "not_started", "done")]


def test_it_takes_the_checkbox_over_the_fallback_sent_before_it(owner_client, owner, setup):
    # A ticked box sends its hidden fallback first and "done" last; the last one wins.
    python = setup.skills["python"]

    owner_client.post(skill_url(python), {"status": ["learning", "done"]})

    assert SkillProgress.objects.get(user=owner, skill=python).status == SkillStatus.DONE


def test_it_marks_a_skill_learning_then_back_to_not_started_keeping_the_note(
    owner_client, owner, setup
):
    python = setup.skills["python"]
    owner_client.post(skill_url(python), {"status": "learning"})
    SkillProgress.objects.filter(user=owner, skill=python).update(note="Chapter 3")

    owner_client.post(skill_url(python), {"status": "not_started"})

    row = SkillProgress.objects.get(user=owner, skill=python)
    assert row.status == SkillStatus.NOT_STARTED
    assert row.note == "Chapter 3"
    assert progress_events(owner) == [
        ("skill", "not_started", "learning"),
        ("skill", "learning", "not_started"),
    ]


def test_a_repeated_post_changes_nothing_more(owner_client, owner, setup):
    python = setup.skills["python"]

    owner_client.post(skill_url(python), {"status": "done"})
    response = owner_client.post(skill_url(python), {"status": "done"})

    assert response.status_code == 303
    assert SkillProgress.objects.filter(user=owner, skill=python).count() == 1
    assert progress_events(owner) == [("skill", "not_started", "done")]


def test_not_started_on_a_skill_never_touched_writes_nothing(owner_client, owner, setup):
    owner_client.post(skill_url(setup.skills["python"]), {"status": "not_started"})

    assert not SkillProgress.objects.filter(user=owner).exists()
    assert progress_events(owner) == []


def test_it_can_check_a_recommended_skill(owner_client, owner, setup):
    owner_client.post(skill_url(setup.skills["spark"]), {"status": "done"})

    assert SkillProgress.objects.get(user=owner, skill=setup.skills["spark"]).status == "done"


def test_it_redirects_to_a_safe_next(owner_client, setup):
    response = owner_client.post(
        skill_url(setup.skills["python"]), {"status": "done", "next": "/dashboard/#next-steps"}
    )

    assert response["Location"] == "/dashboard/#next-steps"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_it_ignores_a_next_to_another_site(owner_client, setup, next_url):
    python = setup.skills["python"]

    response = owner_client.post(skill_url(python), {"status": "done", "next": next_url})

    assert response["Location"] == f"/plan/#skill-{python.pk}"


# --- With htmx --------------------------------------------------------------------------------


def test_with_htmx_it_swaps_the_item_and_the_figures_it_changes(owner_client, owner, setup):
    python = setup.skills["python"]

    response = owner_client.post(skill_url(python), {"status": "done"}, **HTMX)

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="skill-{python.pk}"')
    assert "<html" not in html
    # Entry has 3 counted items (2 required skills, 1 milestone); the way to senior has 6.
    stats = f'id="stage-{setup.entry.pk}-stats" class="stage-stats" data-hx-swap-oob="innerHTML"'
    assert stats in html
    assert "33%" in html
    assert 'id="target-progress"' in html
    assert 'aria-live="polite"' in html
    assert '<strong class="big-percent">16%</strong>' in html
    # Where the person stands is in words too, and moves with the figures.
    assert "33% of Junior engineer, 2 items to go." in html
    assert SkillProgress.objects.get(user=owner, skill=python).status == SkillStatus.DONE


def test_with_htmx_the_item_comes_back_checked_with_an_unchecked_fallback(owner_client, setup):
    python = setup.skills["python"]

    html = owner_client.post(skill_url(python), {"status": "done"}, **HTMX).content.decode()

    assert f'id="skill-{python.pk}-done" name="status" value="done" checked' in html
    # Un-ticking a finished skill sends "learning": it was started, at least.
    assert '<input type="hidden" name="status" value="learning">' in html


def test_with_htmx_and_a_next_it_redirects_there_too(owner_client, owner, setup):
    python = setup.skills["python"]

    response = owner_client.post(
        skill_url(python), {"status": "learning", "next": "/dashboard/#next-steps"}, **HTMX
    )

    # htmx follows the redirect and takes the part of the page it needs (hx-select).
    assert response.status_code == 303
    assert response["Location"] == "/dashboard/#next-steps"
    assert SkillProgress.objects.get(user=owner, skill=python).status == "learning"


# --- Milestones -------------------------------------------------------------------------------


def test_it_marks_a_milestone_done_and_not_done(owner_client, owner, setup):
    portfolio = setup.milestones["portfolio"]

    response = owner_client.post(milestone_url(portfolio), {"done": "1"})
    assert response.status_code == 303
    assert response["Location"] == f"/plan/#milestone-{portfolio.pk}"
    assert MilestoneProgress.objects.get(user=owner, milestone=portfolio).done

    owner_client.post(milestone_url(portfolio), {"done": ["0"]})
    assert not MilestoneProgress.objects.get(user=owner, milestone=portfolio).done
    assert progress_events(owner) == [
        ("milestone", "not_done", "done"),
        ("milestone", "done", "not_done"),
    ]


def test_a_milestone_posted_done_twice_is_done_once(owner_client, owner, setup):
    portfolio = setup.milestones["portfolio"]

    owner_client.post(milestone_url(portfolio), {"done": ["0", "1"]})
    owner_client.post(milestone_url(portfolio), {"done": ["0", "1"]}, **HTMX)

    assert MilestoneProgress.objects.filter(user=owner).count() == 1
    assert ProgressEvent.objects.filter(user=owner, kind=EventKind.MILESTONE).count() == 1


def test_with_htmx_a_milestone_updates_its_stage(owner_client, setup):
    html = owner_client.post(
        milestone_url(setup.milestones["deploy"]), {"done": "1"}, **HTMX
    ).content.decode()

    assert f'id="stage-{setup.mid.pk}-stats"' in html
    assert "50%" in html


# --- Bad input and access ---------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("status", ["banana", "", "DONE", "toggle"])
def test_a_status_no_form_sends_is_a_400_and_writes_nothing(
    owner_client, owner, setup, headers, status
):
    response = owner_client.post(skill_url(setup.skills["python"]), {"status": status}, **headers)

    assert response.status_code == 400
    assert not SkillProgress.objects.filter(user=owner).exists()
    assert progress_events(owner) == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("done", ["yes", "2", ""])
def test_a_done_value_no_form_sends_is_a_400(owner_client, owner, setup, headers, done):
    response = owner_client.post(
        milestone_url(setup.milestones["portfolio"]), {"done": done}, **headers
    )

    assert response.status_code == 400
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_an_unknown_skill_is_a_404(owner_client, owner, setup):
    response = owner_client.post(reverse("tracker:skill_status", args=[99999]), {"status": "done"})

    assert response.status_code == 404
    assert not SkillProgress.objects.filter(user=owner).exists()


@pytest.mark.parametrize("what", ["skill", "stage skill", "milestone", "stage"])
def test_a_retired_item_is_a_404(owner_client, owner, setup, what):
    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]
    if what == "skill":
        type(python).objects.filter(pk=python.pk).update(is_retired=True)
    elif what == "stage skill":
        python.stage_skills.update(is_retired=True)
    elif what == "milestone":
        type(portfolio).objects.filter(pk=portfolio.pk).update(is_retired=True)
    else:
        type(setup.entry).objects.filter(pk=setup.entry.pk).update(is_retired=True)

    url = milestone_url(portfolio) if what == "milestone" else skill_url(python)
    response = owner_client.post(url, {"status": "done", "done": "1"})

    assert response.status_code == 404
    assert not SkillProgress.objects.filter(user=owner).exists()
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_an_item_of_an_unpublished_role_is_a_404(owner_client, owner, setup):
    type(setup.role).objects.filter(pk=setup.role.pk).update(is_published=False)

    response = owner_client.post(skill_url(setup.skills["python"]), {"status": "done"})

    assert response.status_code == 404
    assert not SkillProgress.objects.filter(user=owner).exists()


def test_an_item_of_an_unpublished_role_is_a_404_without_a_goal_too(client, other_user):
    setup = make_role(published=False)
    client.force_login(other_user)

    response = client.post(skill_url(setup.skills["python"]), {"status": "done"})

    assert response.status_code == 404
    assert not SkillProgress.objects.exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("tracker:skill_status", "skill"),
        ("tracker:skill_note", "skill"),
        ("tracker:milestone_done", "milestone"),
        ("tracker:milestone_note", "milestone"),
    ],
)
def test_a_get_is_refused(owner_client, setup, name, args):
    obj = setup.skills["python"] if args == "skill" else setup.milestones["portfolio"]

    assert owner_client.get(reverse(name, args=[obj.pk])).status_code == 405


@pytest.mark.parametrize(
    "name,args",
    [
        ("tracker:skill_status", "skill"),
        ("tracker:skill_note", "skill"),
        ("tracker:milestone_done", "milestone"),
        ("tracker:milestone_note", "milestone"),
    ],
)
def test_anonymous_posts_go_to_log_in(client, owner, setup, name, args):
    obj = setup.skills["python"] if args == "skill" else setup.milestones["portfolio"]
    url = reverse(name, args=[obj.pk])

    response = client.post(url, {"status": "done", "done": "1", "note": "x"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert not SkillProgress.objects.exists()
    assert not MilestoneProgress.objects.exists()


def test_a_post_changes_only_the_posters_own_rows(owner_client, owner, other_user, setup):
    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]
    target(other_user, setup.senior)
    SkillProgress.objects.create(
        user=other_user, skill=python, status="learning", note="Outsider's secret note"
    )
    MilestoneProgress.objects.create(
        user=other_user, milestone=portfolio, evidence_url="https://outsider.example/"
    )

    html = owner_client.post(skill_url(python), {"status": "done"}, **HTMX).content.decode()
    owner_client.post(milestone_url(portfolio), {"done": "1"})
    owner_client.post(skill_url(python, "note"), {"note": "Mine", "evidence_url": ""})

    assert "Outsider's secret note" not in html
    theirs = SkillProgress.objects.get(user=other_user, skill=python)
    assert (theirs.status, theirs.note) == ("learning", "Outsider's secret note")
    assert not MilestoneProgress.objects.get(user=other_user, milestone=portfolio).done
    assert progress_events(other_user) == []
    assert SkillProgress.objects.get(user=owner, skill=python).note == "Mine"


# --- Items outside the plan ---------------------------------------------------------------------
#
# Any published item can be set wherever a page shows it; the plan's own partial answer is for
# items on the plan.


def test_a_skill_of_another_role_can_be_set_and_shows_done_on_a_later_plan(
    owner_client, owner, setup
):
    other = make_role()
    python = other.skills["python"]

    response = owner_client.post(skill_url(python), {"status": "done"})

    assert response.status_code == 303
    assert response["Location"] == "/plan/"
    assert SkillProgress.objects.get(user=owner, skill=python).status == SkillStatus.DONE
    target(owner, other.senior)
    page = owner_client.get(reverse("tracker:plan")).content.decode()
    assert f'id="skill-{python.pk}-done" name="status" value="done" checked' in page


def test_a_milestone_of_another_role_can_be_set_from_the_page_next_names(
    owner_client, owner, setup
):
    other = make_role()
    portfolio = other.milestones["portfolio"]
    role_page = other.role.get_absolute_url()

    response = owner_client.post(milestone_url(portfolio), {"done": "1", "next": role_page})

    assert response.status_code == 303
    assert response["Location"] == role_page
    assert MilestoneProgress.objects.get(user=owner, milestone=portfolio).done


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_item_beyond_the_target_without_a_next_goes_back_to_the_plan(
    owner_client, owner, setup, headers
):
    research = setup.skills["research"]

    response = owner_client.post(skill_url(research), {"status": "learning"}, **headers)

    assert response.status_code == 303
    assert response["Location"] == "/plan/"
    assert SkillProgress.objects.get(user=owner, skill=research).status == SkillStatus.LEARNING


def test_without_a_goal_an_item_can_be_set(client, other_user):
    setup = make_role()
    client.force_login(other_user)

    response = client.post(milestone_url(setup.milestones["deploy"]), {"done": "1"})

    assert response.status_code == 303
    assert MilestoneProgress.objects.get(user=other_user).done
    assert progress_events(other_user) == [("milestone", "not_done", "done")]


@pytest.mark.parametrize("what", ["skill", "stage skill", "milestone", "stage"])
def test_a_retired_item_of_another_role_is_a_404(owner_client, owner, setup, what):
    other = make_role()
    python, portfolio = other.skills["python"], other.milestones["portfolio"]
    if what == "skill":
        type(python).objects.filter(pk=python.pk).update(is_retired=True)
    elif what == "stage skill":
        python.stage_skills.update(is_retired=True)
    elif what == "milestone":
        type(portfolio).objects.filter(pk=portfolio.pk).update(is_retired=True)
    else:
        type(other.entry).objects.filter(pk=other.entry.pk).update(is_retired=True)

    url = milestone_url(portfolio) if what == "milestone" else skill_url(python)
    response = owner_client.post(url, {"status": "done", "done": "1"})

    assert response.status_code == 404
    assert not SkillProgress.objects.filter(user=owner).exists()
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_an_outsider_setting_an_item_changes_only_their_own_row(client, owner, other_user, setup):
    research = setup.skills["research"]
    SkillProgress.objects.create(user=owner, skill=research, status="done", note="Owner's note")
    client.force_login(other_user)

    client.post(skill_url(research), {"status": "learning"})
    client.post(skill_url(research, "note"), {"note": "Mine", "evidence_url": ""})

    mine = SkillProgress.objects.get(user=owner, skill=research)
    assert (mine.status, mine.note) == ("done", "Owner's note")
    theirs = SkillProgress.objects.get(user=other_user, skill=research)
    assert (theirs.status, theirs.note) == ("learning", "Mine")


def test_the_note_page_of_an_item_off_the_plan_shows_the_persons_note(owner_client, owner, setup):
    research = setup.skills["research"]
    SkillProgress.objects.create(user=owner, skill=research, status="learning", note="Reading")

    response = owner_client.get(
        reverse("tracker:note_page", args=["skill", research.pk]), {"next": "/skills/"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Note on {research.name}" in html
    assert ">\nReading</textarea>" in html
    assert '<input type="hidden" name="next" value="/skills/">' in html


def test_a_note_on_an_item_off_the_plan_is_saved_and_goes_to_next(owner_client, owner, setup):
    portfolio = make_role().milestones["portfolio"]

    response = owner_client.post(
        milestone_url(portfolio, "note"),
        {"note": "Two projects", "evidence_url": "", "next": "/skills/"},
    )

    assert response.status_code == 303
    assert response["Location"] == "/skills/"
    assert MilestoneProgress.objects.get(user=owner, milestone=portfolio).note == "Two projects"


def test_a_bad_note_on_an_item_off_the_plan_keeps_what_was_typed_and_the_next(
    owner_client, owner, setup
):
    research = setup.skills["research"]

    response = owner_client.post(
        skill_url(research, "note"), {"note": "keep me", "evidence_url": "ftp://x", "next": "/"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert ">\nkeep me</textarea>" in html
    assert '<input type="hidden" name="next" value="/">' in html
    assert not SkillProgress.objects.filter(user=owner).exists()


# --- Notes and evidence -----------------------------------------------------------------------


def test_it_saves_a_note_and_evidence_on_a_skill(owner_client, owner, setup):
    python = setup.skills["python"]

    response = owner_client.post(
        skill_url(python, "note"),
        {"note": "Finished the course", "evidence_url": "https://github.com/me/course"},
    )

    assert response.status_code == 303
    assert response["Location"] == f"/plan/#skill-{python.pk}"
    row = SkillProgress.objects.get(user=owner, skill=python)
    # A note alone does not start a skill.
    assert (row.status, row.note, row.evidence_url) == (
        "not_started",
        "Finished the course",
        "https://github.com/me/course",
    )
    assert progress_events(owner) == [("note", "", "note+evidence")]
    page = owner_client.get(reverse("tracker:plan")).content.decode()
    assert "Finished the course" in page
    assert 'href="https://github.com/me/course"' in page


def test_it_saves_a_note_on_a_milestone(owner_client, owner, setup):
    portfolio = setup.milestones["portfolio"]

    owner_client.post(milestone_url(portfolio, "note"), {"note": "", "evidence_url": "x.dev/p"})

    row = MilestoneProgress.objects.get(user=owner, milestone=portfolio)
    assert row.evidence_url == "https://x.dev/p"
    assert not row.done
    assert progress_events(owner) == [("note", "", "evidence")]


def test_saving_the_same_note_again_writes_no_event(owner_client, owner, setup):
    python = setup.skills["python"]
    data = {"note": "Same", "evidence_url": ""}

    owner_client.post(skill_url(python, "note"), data)
    owner_client.post(skill_url(python, "note"), data)

    assert progress_events(owner) == [("note", "", "note")]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    "data",
    [
        {"note": "", "evidence_url": "javascript:alert(1)"},
        {"note": "", "evidence_url": "ftp://files.example/cert.pdf"},
        {"note": "", "evidence_url": "data:text/html,hi"},
        {"note": "x" * (NOTE_MAX_LENGTH + 1), "evidence_url": ""},
    ],
    ids=["javascript", "ftp", "data", "too-long"],
)
def test_bad_note_input_is_a_400_with_the_error_and_writes_nothing(
    owner_client, owner, setup, data, headers
):
    python = setup.skills["python"]
    SkillProgress.objects.create(user=owner, skill=python, status="learning", note="Old note")

    response = owner_client.post(skill_url(python, "note"), data, **headers)

    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    row = SkillProgress.objects.get(user=owner, skill=python)
    assert (row.note, row.evidence_url) == ("Old note", "")
    assert progress_events(owner) == []


def test_a_bad_note_reopens_that_items_form_with_what_was_typed(owner_client, setup):
    python = setup.skills["python"]

    html = owner_client.post(
        skill_url(python, "note"), {"note": "keep me", "evidence_url": "ftp://x"}
    ).content.decode()

    # The item's note page, its form posting to the same place again.
    assert f'<form method="post" action="{skill_url(python, "note")}" class="note-form"' in html
    assert ">\nkeep me</textarea>" in html
    assert 'value="ftp://x"' in html


# --- Services and races -----------------------------------------------------------------------


def test_the_service_called_twice_leaves_one_row_and_one_event(owner, setup):
    python = setup.skills["python"]

    assert services.skill_set_status(user=owner, skill_id=python.pk, status="done") is True
    assert services.skill_set_status(user=owner, skill_id=python.pk, status="done") is False

    assert SkillProgress.objects.filter(user=owner, skill=python).count() == 1
    assert progress_events(owner) == [("skill", "not_started", "done")]


def test_the_service_refuses_an_unknown_status(owner, setup):
    with pytest.raises(ValueError):
        services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="banana")
    assert not SkillProgress.objects.filter(user=owner).exists()
    assert progress_events(owner) == []


@pytest.mark.parametrize("kind", ["skill", "milestone"])
def test_a_row_inserted_meanwhile_by_another_request_is_found_and_not_written_twice(
    owner, setup, monkeypatch, kind
):
    # The other request inserted the row between this one's look-up and its insert: the unique
    # constraint refuses the second insert, and the row the other request wrote is used.
    model: type[SkillProgress] | type[MilestoneProgress]
    write: Callable[..., bool]
    if kind == "skill":
        model, write = SkillProgress, services.skill_set_status
        item = {"skill_id": setup.skills["python"].pk, "status": "done"}
    else:
        model, write = MilestoneProgress, services.milestone_set_done
        item = {"milestone_id": setup.milestones["portfolio"].pk, "done": True}
    assert write(user=owner, **item) is True
    real_get = QuerySet.get
    misses: list[int] = []

    def get_misses_once(self, *args, **kwargs):
        if self.model is model and not misses:
            misses.append(1)
            raise model.DoesNotExist
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", get_misses_once)

    assert write(user=owner, **item) is False

    assert misses == [1]
    assert model.objects.filter(user=owner).count() == 1
    assert len(progress_events(owner)) == 1


# SQLite's shared in-memory test database cannot hold two writers at once; CI's PostgreSQL
# run executes this test (tests/conftest.py deselects it elsewhere).
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["skill", "milestone"])
def test_two_identical_posts_at_once_leave_one_row_and_one_event(kind):
    from tests.factories import UserFactory

    user = UserFactory.create(username="racer")
    setup = make_role()
    target(user, setup.senior)
    barrier = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait()
            if kind == "skill":
                changed = services.skill_set_status(
                    user=user, skill_id=setup.skills["python"].pk, status="done"
                )
            else:
                changed = services.milestone_set_done(
                    user=user, milestone_id=setup.milestones["portfolio"].pk, done=True
                )
            results.append(changed)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    for _ in range(5):
        SkillProgress.objects.all().delete()
        MilestoneProgress.objects.all().delete()
        ProgressEvent.objects.exclude(kind=EventKind.GOAL).delete()
        results.clear()
        threads = [threading.Thread(target=post) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert errors == []
        assert sorted(results) == [False, True]
        model = SkillProgress if kind == "skill" else MilestoneProgress
        assert model.objects.filter(user=user).count() == 1
        assert len(progress_events(user)) == 1


# --- Query counts -----------------------------------------------------------------------------
#
# A check-off takes the role's items from the catalog cache; only the first request after a
# catalog change reads them (two queries more, counted as `+ CATALOG` below). grow_tenfold
# changes the catalog, so the first post after it is such a request.

CATALOG = 2  # the role's stage skills, and its milestones
# The person's progress on the role's skills, and on its milestones, and the comments on the
# role's items (the plan's item shows them).
HTMX_READS = 3


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_check_off_runs_a_fixed_number_of_queries_however_much_data(
    owner_client, owner, setup, headers
):
    # 1 the account, 2 the goal with its role and target stage; in one transaction: 3 the
    # progress row, locked (4 inserted when missing, inside a savepoint), 5 its new state,
    # 6 the event, 7 the profile's progress version. With htmx, the person's progress on the
    # role and the comments on its items, for the item and the figures swapped out of band.
    reads = HTMX_READS if headers else 0

    def check(skill, status: str, expected: int, transactions: int = 1) -> None:
        with assert_queries(expected, transactions=transactions):
            response = owner_client.post(skill_url(skill), {"status": status}, **headers)
        assert response.status_code in (200, 303)

    # The first post after the setup reads the role's items: they were just made.
    check(setup.skills["python"], "done", 7 + reads + CATALOG, transactions=2)  # makes the row
    check(setup.skills["python"], "learning", 6 + reads)  # updates it

    grow_tenfold(owner, setup)

    check(setup.skills["algebra"], "learning", 7 + reads + CATALOG, transactions=2)
    check(setup.skills["algebra"], "done", 6 + reads)


def test_a_milestone_check_off_runs_the_same_queries_however_much_data(owner_client, owner, setup):
    portfolio, deploy = setup.milestones["portfolio"], setup.milestones["deploy"]
    # The same as a skill's.
    with assert_queries(7 + HTMX_READS + CATALOG, transactions=2):
        owner_client.post(milestone_url(portfolio), {"done": "1"}, **HTMX)
    grow_tenfold(owner, setup)
    with assert_queries(7 + HTMX_READS + CATALOG, transactions=2):
        owner_client.post(milestone_url(deploy), {"done": "1"}, **HTMX)
    with assert_queries(6, transactions=1):
        owner_client.post(milestone_url(deploy), {"done": "0"})


def test_a_no_op_check_off_runs_the_same_queries_or_fewer(owner_client, owner, setup):
    owner_client.post(milestone_url(setup.milestones["portfolio"]), {"done": "1"})
    grow_tenfold(owner, setup)
    owner_client.get(reverse("tracker:plan"))  # the role's items, cached again

    # The account, the goal, the locked row (nothing to write), the person's progress and the
    # comments.
    with assert_queries(3 + HTMX_READS, transactions=1):
        owner_client.post(milestone_url(setup.milestones["portfolio"]), {"done": "1"}, **HTMX)
    assert ProgressEvent.objects.filter(user=owner, kind=EventKind.MILESTONE).count() == 1


def test_a_note_runs_a_fixed_number_of_queries_however_much_data(owner_client, owner, setup):
    python = setup.skills["python"]
    # The account, the goal, the locked row (made when missing), its note, the event, the
    # progress version.
    with assert_queries(7 + CATALOG, transactions=2):
        owner_client.post(skill_url(python, "note"), {"note": "a", "evidence_url": ""})
    grow_tenfold(owner, setup)
    with assert_queries(6 + CATALOG, transactions=1):
        owner_client.post(skill_url(python, "note"), {"note": "b", "evidence_url": ""})
    with assert_queries(6, transactions=1):
        owner_client.post(skill_url(python, "note"), {"note": "c", "evidence_url": ""})


PUBLISHED = 2  # every published role's current stage skills, and their milestones


def test_a_check_off_off_the_plan_runs_a_fixed_number_of_queries_however_much_data(
    owner_client, owner, setup
):
    # 1 the account, 2 the goal; the role's items say the item is not on the plan and the
    # published items that it may be set (both cached by catalog version); then in one
    # transaction: 3 the progress row, locked (4 inserted when missing), 5 its new state,
    # 6 the event, 7 the progress version.
    other = make_role()

    def check(skill, status: str, expected: int, transactions: int = 1) -> None:
        with assert_queries(expected, transactions=transactions):
            response = owner_client.post(skill_url(skill), {"status": status}, **HTMX)
        assert response.status_code == 303

    check(other.skills["python"], "done", 7 + CATALOG + PUBLISHED, transactions=2)
    check(other.skills["python"], "learning", 6)

    grow_tenfold(owner, setup)  # with a progress row on every item of the other roles

    check(other.skills["algebra"], "learning", 6 + CATALOG + PUBLISHED)
    check(other.skills["algebra"], "not_started", 6)
