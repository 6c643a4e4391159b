"""/mentoring/<username>/: a person's progress as their mentor sees it, read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MentorshipFactory, UserFactory
from tests.html_checker import html_errors
from tests.tracker_helpers import client_for, grow_tenfold, make_role, target
from tracker import feedback, mentors, progress, services
from tracker.models import Mentorship, MentorshipStatus, Profile

URL = "/mentoring/ana/"


@pytest.fixture
def setup(db):
    return make_role()


@pytest.fixture
def person(setup):
    person = UserFactory.create(username="ana", email="ana.private@example.com")
    Profile.objects.filter(user=person).update(display_name="Ana Lima")
    target(person, setup.senior)
    services.skill_set_status(user=person, skill_id=setup.skills["python"].pk, status="done")
    services.skill_set_status(user=person, skill_id=setup.skills["torch"].pk, status="learning")
    services.milestone_save_note(
        user=person,
        milestone_id=setup.milestones["portfolio"].pk,
        note="Private thoughts on my portfolio.",
        evidence_url="https://example.com/evidence",
    )
    return person


@pytest.fixture
def relation(person):
    return MentorshipFactory.create(person=person, mentor=UserFactory.create(username="ben"))


@pytest.fixture
def mentor_client(client, relation):
    client.force_login(relation.mentor)
    return client


def test_the_url_is_named():
    assert reverse("tracker:mentee", args=["ana"]) == URL


def test_it_sends_someone_signed_out_to_log_in(client, relation):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


# --- Who sees it ------------------------------------------------------------------------------


def _relation_of(person, status: str) -> Mentorship:
    ended = status == MentorshipStatus.ENDED
    return MentorshipFactory.create(
        person=person, status=status, ended_at=timezone.now() if ended else None
    )


@pytest.mark.parametrize(
    "status", [MentorshipStatus.ENDED, MentorshipStatus.DECLINED, MentorshipStatus.PENDING]
)
def test_a_relation_not_accepted_shows_nothing(person, status):
    someone = _relation_of(person, status).mentor
    assert client_for(someone).get(URL).status_code == 404


def test_an_outsider_gets_a_404(person, other_user):
    assert client_for(other_user).get(URL).status_code == 404


def test_the_person_themself_gets_a_404(person, relation):
    assert client_for(person).get(URL).status_code == 404


def test_a_mentor_of_someone_else_gets_a_404(person, setup):
    elsewhere = MentorshipFactory.create()
    assert client_for(elsewhere.mentor).get(URL).status_code == 404


def test_an_unknown_username_is_a_404(mentor_client):
    assert mentor_client.get("/mentoring/nobody/").status_code == 404


def test_ending_the_relation_closes_the_page_on_the_next_request(mentor_client, relation):
    assert mentor_client.get(URL).status_code == 200
    Mentorship.objects.filter(pk=relation.pk).update(
        status=MentorshipStatus.ENDED, ended_at=timezone.now()
    )
    assert mentor_client.get(URL).status_code == 404


def test_the_page_is_kept_by_no_cache(mentor_client):
    response = mentor_client.get(URL)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# --- What it shows ----------------------------------------------------------------------------


def test_it_shows_the_target_progress_and_every_item_with_its_state(mentor_client, setup):
    html = mentor_client.get(URL).content.decode()
    assert "Ana Lima" in html
    assert setup.role.name in html and "Senior engineer" in html
    assert "16%</strong> of the way to Senior engineer" in html
    for skill in ("python", "algebra", "torch", "mlops"):
        assert setup.skills[skill].name in html
    assert setup.milestones["portfolio"].title in html
    assert '<span class="status-chip status-done">done' in html
    assert '<span class="status-chip status-learning">learning' in html
    assert '<span class="status-chip">not started</span>' in html


def test_it_shows_the_next_steps_and_recent_activity(mentor_client, setup):
    html = mentor_client.get(URL).content.decode()
    steps = html[html.index('id="next-title"') : html.index('id="activity-title"')]
    assert setup.skills["algebra"].name in steps
    assert setup.skills["python"].name not in steps
    activity = html[html.index('id="activity-title"') : html.index('id="burnup-title"')]
    assert f"{setup.skills['python'].name}: done" in activity
    assert "New target" in activity


def test_the_chart_and_its_legend_speak_of_the_person(mentor_client):
    html = mentor_client.get(URL).content.decode()
    assert 'class="burnup"' in html
    assert "total up to Ana Lima\u2019s target" in html
    assert "your target" not in html and "your pace" not in html


def test_the_notes_are_hidden_unless_the_person_shows_them(mentor_client, relation):
    html = mentor_client.get(URL).content.decode()
    assert "Private thoughts" not in html
    assert "https://example.com/evidence" not in html

    Mentorship.objects.filter(pk=relation.pk).update(shows_notes=True)
    html = mentor_client.get(URL).content.decode()
    assert "Private thoughts on my portfolio." in html
    assert "https://example.com/evidence" in html


def test_it_never_shows_the_email_settings_or_export(mentor_client, relation):
    Mentorship.objects.filter(pk=relation.pk).update(shows_notes=True)
    html = mentor_client.get(URL).content.decode()
    assert "ana.private@example.com" not in html
    assert "/me/export" not in html
    assert "/settings/" not in html.split('id="main"')[1]


def test_a_username_stands_in_for_a_missing_display_name(mentor_client, person):
    Profile.objects.filter(user=person).update(display_name="")
    html = mentor_client.get(URL).content.decode()
    assert "You mentor ana" in html


def test_a_person_without_a_target_has_nothing_to_show_yet(relation):
    newcomer = UserFactory.create(username="newcomer")
    MentorshipFactory.create(person=newcomer, mentor=relation.mentor)
    html = client_for(relation.mentor).get("/mentoring/newcomer/").content.decode()
    assert "has not chosen a target role yet" in html


def test_the_mentor_sees_their_own_comments_not_another_mentors(
    mentor_client, relation, person, setup
):
    key = (progress.SKILL, setup.skills["algebra"].pk)
    feedback.comment_add(mentorship=relation, item=key, text="Mine: start with vectors.")
    other = MentorshipFactory.create(person=person)
    feedback.comment_add(mentorship=other, item=key, text="Theirs: try a course.")
    html = mentor_client.get(URL).content.decode()
    assert "Mine: start with vectors." in html
    assert "Theirs" not in html


# --- Queries ------------------------------------------------------------------------------------


def test_it_runs_ten_queries_however_long_the_history_and_two_while_nothing_changed(
    mentor_client, relation, person, setup, other_user, django_assert_num_queries
):
    feedback.comment_add(mentorship=relation, item=("skill", setup.skills["python"].pk), text="Hi")
    # 1 the account (the session is in the cache), 2 the accepted relation with the person, their
    # name and progress version, 3 the person's goal, 4 their skills, 5 their milestones, 6 this
    # mentor's comments on them, 7 their recent events, and the burn-up chart's 8 targets, 9 the
    # catalog's dated records of their stages, 10 item events. The role's checklist comes from
    # the catalog cache (2 more queries the first time). While the person, the relation and the
    # catalog stay the same, the page is served from its kept copy after the first two.
    with django_assert_num_queries(10 + 2):
        assert mentor_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert mentor_client.get(URL).status_code == 200

    grow_tenfold(person, setup)
    grow_tenfold(other_user, setup)
    for _ in range(10):
        feedback.comment_add(
            mentorship=relation, item=("skill", setup.skills["python"].pk), text="More"
        )

    with django_assert_num_queries(10 + 2):
        assert mentor_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert mentor_client.get(URL).status_code == 200


def test_a_kept_page_is_never_served_once_anything_it_shows_changes(
    mentor_client, relation, person, setup
):
    done = mentor_client.get(URL).content.decode().count("status-chip status-done")
    assert "Private thoughts" not in mentor_client.get(URL).content.decode()
    # The person lets them see notes: a page of its own.
    mentors.mentorship_set_notes(person=person, mentorship_id=relation.pk, shows_notes=True)
    assert "Private thoughts" in mentor_client.get(URL).content.decode()
    # The person ticks an item: their progress version moves.
    services.skill_set_status(user=person, skill_id=setup.skills["torch"].pk, status="done")
    assert mentor_client.get(URL).content.decode().count("status-chip status-done") > done
    # The person's name changes.
    Profile.objects.filter(user=person).update(display_name="Ana Souza")
    assert "Ana Souza" in mentor_client.get(URL).content.decode()
    # Another mentor of the same person has a page of their own, with their own name.
    other = MentorshipFactory.create(person=person, mentor=UserFactory.create(username="cy"))
    html = client_for(other.mentor).get(URL).content.decode()
    assert "cy" in html and "ben" not in html
    # The relation ends: the next request is a 404, kept copy or not.
    mentors.mentorship_end(user=person, mentorship_id=relation.pk, as_mentor=False)
    assert mentor_client.get(URL).status_code == 404


# --- Valid HTML ---------------------------------------------------------------------------------


def test_the_pages_are_valid_html(mentor_client, relation, setup, tmp_path):
    Mentorship.objects.filter(pk=relation.pk).update(shows_notes=True)
    key = (progress.SKILL, setup.skills["algebra"].pk)
    comment = feedback.comment_add(mentorship=relation, item=key, text="Line one\nline two")
    add_url = f"{URL}items/skill/{setup.skills['algebra'].pk}/comments/"
    documents = {
        "mentor's page": mentor_client.get(URL).content.decode(),
        "mentor's page, comment refused": mentor_client.post(
            add_url, {"text": ""}
        ).content.decode(),
        "mentor's page, edit refused": mentor_client.post(
            f"{URL}comments/{comment.pk}/edit/", {"text": "x" * 1001}
        ).content.decode(),
    }
    newcomer = UserFactory.create(username="newcomer")
    MentorshipFactory.create(person=newcomer, mentor=relation.mentor)
    documents["mentor's page, no target"] = mentor_client.get(
        "/mentoring/newcomer/"
    ).content.decode()

    assert html_errors(documents, tmp_path) == []
