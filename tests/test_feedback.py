"""Mentors' comments on a person's items (tracker.feedback): writing them from the mentor's page,
editing and deleting one's own, the person hiding them on their plan, their history and export."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers.models import Skill
from tests.factories import MentorshipFactory, UserFactory
from tests.html_checker import html_errors
from tests.tracker_helpers import assert_queries, client_for, make_role, target
from tracker import feedback, progress, services
from tracker.account_data import account_delete
from tracker.import_file import read_export
from tracker.imports import apply_import
from tracker.models import (
    EventKind,
    ItemComment,
    Mentorship,
    MentorshipStatus,
    Profile,
    ProgressEvent,
)

PAGE = "/mentoring/ana/"


@pytest.fixture
def setup(db):
    return make_role()


@pytest.fixture
def person(setup):
    person = UserFactory.create(username="ana")
    target(person, setup.senior)
    return person


@pytest.fixture
def relation(person):
    mentor = UserFactory.create(username="ben")
    Profile.objects.filter(user=mentor).update(display_name="Ben Okafor")
    return MentorshipFactory.create(person=person, mentor=mentor)


@pytest.fixture
def mentor_client(relation):
    return client_for(relation.mentor)


@pytest.fixture
def person_client(person):
    return client_for(person)


def add_url(kind: str, item_id: int, username: str = "ana") -> str:
    return f"/mentoring/{username}/items/{kind}/{item_id}/comments/"


def edit_url(comment: ItemComment) -> str:
    return f"/mentoring/ana/comments/{comment.pk}/edit/"


def delete_url(comment: ItemComment) -> str:
    return f"/mentoring/ana/comments/{comment.pk}/delete/"


def hidden_url(comment: ItemComment) -> str:
    return f"/plan/comments/{comment.pk}/hidden/"


def version(user) -> int:
    return Profile.objects.get(user=user).progress_version


@pytest.fixture
def comment(relation, setup):
    return feedback.comment_add(
        mentorship=relation, item=("skill", setup.skills["torch"].pk), text="Try the tutorial."
    )


def test_the_urls_are_named():
    assert reverse("tracker:comment_add", args=["ana", "skill", 3]) == add_url("skill", 3)
    assert reverse("tracker:comment_edit", args=["ana", 4]) == "/mentoring/ana/comments/4/edit/"
    assert reverse("tracker:comment_delete", args=["ana", 4]) == "/mentoring/ana/comments/4/delete/"
    assert reverse("tracker:comment_hidden", args=[4]) == "/plan/comments/4/hidden/"


# --- Adding -------------------------------------------------------------------------------------


def test_a_mentor_comments_on_a_skill(mentor_client, relation, person, setup):
    skill = setup.skills["torch"]
    before = version(person)
    response = mentor_client.post(add_url("skill", skill.pk), {"text": "  Start with tensors.  "})
    assert response.status_code == 303
    assert response["Location"] == f"{PAGE}#skill-{skill.pk}"
    comment = ItemComment.objects.get()
    assert (comment.author, comment.person, comment.skill, comment.milestone) == (
        relation.mentor,
        person,
        skill,
        None,
    )
    assert comment.text == "Start with tensors."
    assert version(person) == before + 1
    event = ProgressEvent.objects.get(user=person, kind=EventKind.COMMENT)
    assert (event.comment, event.mentorship, event.skill, event.to_state) == (
        comment,
        relation,
        skill,
        feedback.ADDED,
    )


def test_a_mentor_comments_on_a_milestone(mentor_client, setup):
    milestone = setup.milestones["deploy"]
    response = mentor_client.post(add_url("milestone", milestone.pk), {"text": "Ship it."})
    assert response.status_code == 303
    assert ItemComment.objects.get().milestone == milestone


@pytest.mark.parametrize(("length", "status"), [(1, 303), (1000, 303), (1001, 400), (0, 400)])
def test_a_comment_holds_one_to_a_thousand_characters(mentor_client, setup, length, status):
    url = add_url("skill", setup.skills["torch"].pk)
    response = mentor_client.post(url, {"text": "x" * length})
    assert response.status_code == status
    assert ItemComment.objects.count() == (1 if status == 303 else 0)


def test_a_refused_comment_comes_back_with_what_was_typed_and_why(mentor_client, setup):
    skill = setup.skills["torch"]
    response = mentor_client.post(add_url("skill", skill.pk), {"text": "y" * 1001})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Keep it to 1000 characters (it has 1001)." in html
    assert "y" * 1001 in html
    assert '<details class="comment-add" open>' in html


def test_a_blank_comment_is_refused(mentor_client, setup):
    response = mentor_client.post(add_url("skill", setup.skills["torch"].pk), {"text": "   "})
    assert response.status_code == 400
    assert "it cannot be empty" in response.content.decode()
    assert not ProgressEvent.objects.filter(kind=EventKind.COMMENT).exists()


def test_a_line_break_counts_as_one_character(mentor_client, setup):
    text = "a\r\n" * 333 + "b"  # 1000 characters once each line break is one
    response = mentor_client.post(add_url("skill", setup.skills["torch"].pk), {"text": text})
    assert response.status_code == 303
    assert ItemComment.objects.get().text == text.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "item", ["research", "other role", "unknown kind", "missing"], ids=lambda i: i
)
def test_only_items_of_the_plan_take_comments(mentor_client, setup, item):
    other = make_role()
    url = {
        # A branch past the target is not on the way to it.
        "research": add_url("skill", setup.skills["research"].pk),
        "other role": add_url("skill", other.skills["python"].pk),
        "unknown kind": add_url("goal", setup.skills["torch"].pk),
        "missing": add_url("skill", 999_999),
    }[item]
    assert mentor_client.post(url, {"text": "Hello"}).status_code == 404
    assert not ItemComment.objects.exists()


def test_text_is_escaped_wherever_it_is_shown(mentor_client, person_client, setup):
    skill = setup.skills["torch"]
    mentor_client.post(add_url("skill", skill.pk), {"text": "<script>alert(1)</script>"})
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for html in (
        mentor_client.get(PAGE).content.decode(),
        person_client.get("/plan/").content.decode(),
    ):
        assert escaped in html
        assert "<script>alert(1)" not in html


# --- Who may comment ------------------------------------------------------------------------------


def _someone(person, kind: str):
    if kind == "outsider":
        return UserFactory.create()
    if kind == "person":
        return person
    status = {
        "ex-mentor": MentorshipStatus.ENDED,
        "declined": MentorshipStatus.DECLINED,
        "pending": MentorshipStatus.PENDING,
    }[kind]
    return MentorshipFactory.create(person=person, status=status).mentor


KINDS = ["outsider", "ex-mentor", "declined", "pending", "person"]


@pytest.mark.parametrize("kind", KINDS)
def test_nobody_but_a_mentor_may_comment(person, relation, setup, kind):
    client = client_for(_someone(person, kind))
    response = client.post(add_url("skill", setup.skills["torch"].pk), {"text": "Hi"})
    assert response.status_code == 404
    assert not ItemComment.objects.exists()


@pytest.mark.parametrize("kind", [*KINDS, "other mentor"])
def test_nobody_but_its_author_may_edit_or_delete_a_comment(person, comment, kind):
    if kind == "other mentor":
        someone = MentorshipFactory.create(person=person).mentor
    else:
        someone = _someone(person, kind)
    client = client_for(someone)
    assert client.post(edit_url(comment), {"text": "Changed"}).status_code == 404
    assert client.post(delete_url(comment)).status_code == 404
    assert ItemComment.objects.get().text == "Try the tutorial."


def test_signed_out_posts_are_sent_to_log_in(comment, setup):
    client = Client()
    for url in (add_url("skill", setup.skills["torch"].pk), edit_url(comment), hidden_url(comment)):
        response = client.post(url, {"text": "Hi", "hidden": "1"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert ItemComment.objects.get().text == "Try the tutorial."


def test_the_comment_urls_refuse_a_get(mentor_client, person_client, comment, setup):
    assert mentor_client.get(add_url("skill", setup.skills["torch"].pk)).status_code == 405
    assert mentor_client.get(edit_url(comment)).status_code == 405
    assert mentor_client.get(delete_url(comment)).status_code == 405
    assert person_client.get(hidden_url(comment)).status_code == 405


def test_a_mentor_cannot_reach_a_comment_through_another_person(relation, comment):
    # The mentor's own comment, asked for under the name of someone else they mentor.
    other = MentorshipFactory.create(mentor=relation.mentor).person
    client = client_for(relation.mentor)
    url = f"/mentoring/{other.username}/comments/{comment.pk}/edit/"
    assert client.post(url, {"text": "Changed"}).status_code == 404


# --- Editing and deleting -------------------------------------------------------------------------


def test_a_mentor_edits_their_comment(mentor_client, person, comment, setup):
    before = version(person)
    response = mentor_client.post(edit_url(comment), {"text": "Try the second tutorial."})
    assert response.status_code == 303
    assert response["Location"] == f"{PAGE}#skill-{setup.skills['torch'].pk}"
    assert ItemComment.objects.get().text == "Try the second tutorial."
    assert version(person) == before + 1
    assert ProgressEvent.objects.filter(to_state=feedback.EDITED, comment=comment).count() == 1


def test_an_edit_to_the_same_text_changes_nothing(mentor_client, person, comment):
    before = version(person)
    assert mentor_client.post(edit_url(comment), {"text": comment.text}).status_code == 303
    assert version(person) == before
    assert not ProgressEvent.objects.filter(to_state=feedback.EDITED).exists()


@pytest.mark.parametrize("text", ["", "z" * 1001])
def test_a_refused_edit_keeps_the_comment(mentor_client, comment, text):
    response = mentor_client.post(edit_url(comment), {"text": text})
    assert response.status_code == 400
    assert '<details class="comment-edit" open>' in response.content.decode()
    assert ItemComment.objects.get().text == "Try the tutorial."


def test_a_mentor_deletes_their_comment(mentor_client, person, relation, comment):
    before = version(person)
    assert mentor_client.post(delete_url(comment)).status_code == 303
    assert not ItemComment.objects.exists()
    assert version(person) == before + 1
    # The history keeps that it was there, and who took it away.
    event = ProgressEvent.objects.get(to_state=feedback.DELETED)
    assert (event.comment, event.mentorship) == (None, relation)
    assert ProgressEvent.objects.get(to_state=feedback.ADDED).comment is None


def test_an_ex_mentors_comments_stay_with_the_person(person, relation, comment, person_client):
    Mentorship.objects.filter(pk=relation.pk).update(
        status=MentorshipStatus.ENDED, ended_at=timezone.now()
    )
    html = person_client.get("/plan/").content.decode()
    assert "Try the tutorial." in html
    assert "Ben Okafor" in html


# --- The person's plan ----------------------------------------------------------------------------


def test_the_person_sees_each_comment_on_its_item_with_author_and_date(
    person_client, comment, setup
):
    html = person_client.get("/plan/").content.decode()
    item = html[html.index(f'id="skill-{setup.skills["torch"].pk}"') :]
    item = item[: item.index("</li>")]
    assert "<strong>Ben Okafor</strong>" in item
    assert comment.created_at.strftime("%-d %b") in item
    assert "Try the tutorial." in item
    assert ">Hide<" in item


def test_the_person_hides_a_comment_and_shows_it_again(person_client, person, comment, setup):
    before = version(person)
    response = person_client.post(hidden_url(comment), {"hidden": "1"})
    assert response.status_code == 303
    assert response["Location"] == f"/plan/#skill-{setup.skills['torch'].pk}"
    assert ItemComment.objects.get().is_hidden
    assert version(person) == before + 1
    html = person_client.get("/plan/").content.decode()
    assert "1 hidden comment — show" in html
    assert ">Show again<" in html

    assert person_client.post(hidden_url(comment), {"hidden": "0"}).status_code == 303
    assert not ItemComment.objects.get().is_hidden
    assert "hidden comment" not in person_client.get("/plan/").content.decode()
    states = ProgressEvent.objects.filter(kind=EventKind.COMMENT).values_list("to_state", flat=True)
    assert sorted(states) == sorted([feedback.ADDED, feedback.HIDDEN, feedback.SHOWN])


def test_hiding_twice_changes_nothing_more(person_client, person, comment):
    person_client.post(hidden_url(comment), {"hidden": "1"})
    before = version(person)
    assert person_client.post(hidden_url(comment), {"hidden": "1"}).status_code == 303
    assert version(person) == before


def test_a_bad_hide_form_is_refused(person_client, comment):
    assert person_client.post(hidden_url(comment), {"hidden": "maybe"}).status_code == 400
    assert not ItemComment.objects.get().is_hidden


@pytest.mark.parametrize("who", ["author", "other mentor", "outsider"])
def test_nobody_but_the_person_hides_a_comment(person, relation, comment, who):
    someone = {
        "author": relation.mentor,
        "other mentor": MentorshipFactory.create(person=person).mentor,
        "outsider": UserFactory.create(),
    }[who]
    assert client_for(someone).post(hidden_url(comment), {"hidden": "1"}).status_code == 404
    assert not ItemComment.objects.get().is_hidden


def test_the_person_cannot_edit_or_delete_a_comment(person_client, comment):
    assert person_client.post(edit_url(comment), {"text": "Mine now"}).status_code == 404
    assert person_client.post(delete_url(comment)).status_code == 404
    assert ItemComment.objects.get().text == "Try the tutorial."


def test_a_new_comment_shows_on_the_kept_plan_at_once(person_client, relation, setup):
    assert "Nice work" not in person_client.get("/plan/").content.decode()
    feedback.comment_add(
        mentorship=relation, item=("skill", setup.skills["python"].pk), text="Nice work"
    )
    assert "Nice work" in person_client.get("/plan/").content.decode()


def test_a_check_off_with_htmx_keeps_the_items_comments(person_client, comment, setup):
    skill = setup.skills["torch"]
    response = person_client.post(
        f"/plan/skills/{skill.pk}/status/", {"status": "done"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Try the tutorial." in response.content.decode()


def test_the_plan_runs_one_more_query_for_comments_however_many(
    person_client, person, relation, setup
):
    # 1 the account, 2 the profile, 3 the goal, 4-5 progress on skills and milestones, 6 the
    # comments on the plan's items with their authors' names (the checklist from the cache).
    person_client.get("/plan/")
    services.mark_changed(person)
    with assert_queries(6):
        assert person_client.get("/plan/").status_code == 200
    for skill in Skill.objects.all():
        feedback.comment_add(mentorship=relation, item=("skill", skill.pk), text="Good")
    other = MentorshipFactory.create(person=person)
    feedback.comment_add(mentorship=other, item=("skill", setup.skills["torch"].pk), text="Hm")
    with assert_queries(6):
        assert person_client.get("/plan/").status_code == 200


# --- History and export ---------------------------------------------------------------------------


def test_the_history_says_who_commented_on_what(person_client, relation, comment, setup):
    html = person_client.get("/history/").content.decode()
    assert f"Ben Okafor commented on {setup.skills['torch'].name}" in html
    html = person_client.get("/history/?kind=comment").content.decode()
    assert f"Ben Okafor commented on {setup.skills['torch'].name}" in html
    assert "New target" not in html


def test_the_dashboard_lists_a_comment_as_recent_activity(person_client, comment, setup):
    html = person_client.get("/dashboard/").content.decode()
    assert f"Ben Okafor commented on {setup.skills['torch'].name}" in html


def test_the_export_holds_the_comments_hidden_ones_too(person_client, relation, comment, setup):
    milestone = setup.milestones["deploy"]
    other = feedback.comment_add(
        mentorship=relation, item=("milestone", milestone.pk), text="Deploy early."
    )
    feedback.comment_set_hidden(person=relation.person, comment=other, hidden=True)
    data = json.loads(person_client.get("/me/export.json").content)
    skill = setup.skills["torch"]
    assert data["comments"] == [
        {
            "author": "Ben Okafor",
            "item": {"kind": "skill", "name": skill.name, "slug": skill.slug},
            "text": "Try the tutorial.",
            "hidden": False,
            "created_at": comment.created_at.isoformat(),
            "updated_at": comment.updated_at.isoformat(),
        },
        {
            "author": "Ben Okafor",
            "item": {
                "kind": "milestone",
                "name": milestone.title,
                "slug": milestone.slug,
            },
            "text": "Deploy early.",
            "hidden": True,
            "created_at": other.created_at.isoformat(),
            "updated_at": ItemComment.objects.get(pk=other.pk).updated_at.isoformat(),
        },
    ]


def test_an_import_reads_past_comments_and_their_events(person_client, person, comment):
    exported = read_export(person_client.get("/me/export.json").content)
    assert any(event.kind == EventKind.COMMENT for event in exported.events)
    newcomer = UserFactory.create(username="newcomer")
    target(newcomer, comment.skill.stage_skills.get().stage)

    applied = apply_import(user=newcomer, data=exported)

    assert applied.new_events  # the person's own changes came across
    assert not ItemComment.objects.filter(person=newcomer).exists()
    assert not ProgressEvent.objects.filter(user=newcomer, kind=EventKind.COMMENT).exists()


# --- The model --------------------------------------------------------------------------------


def test_a_comment_is_on_exactly_one_item(person, relation, setup):
    with pytest.raises(IntegrityError):
        ItemComment.objects.create(
            author=relation.mentor,
            person=person,
            skill=setup.skills["torch"],
            milestone=setup.milestones["deploy"],
            text="Both",
        )


def test_a_comment_on_no_item_is_refused_by_the_database(person, relation):
    with pytest.raises(IntegrityError):
        ItemComment.objects.create(author=relation.mentor, person=person, text="Neither")


def test_the_pages_with_comments_are_valid_html(person_client, relation, comment, setup, tmp_path):
    hidden = feedback.comment_add(
        mentorship=relation, item=(progress.SKILL, setup.skills["python"].pk), text="a\nb"
    )
    feedback.comment_set_hidden(person=relation.person, comment=hidden, hidden=True)
    documents = {
        "plan, comments": person_client.get("/plan/").content.decode(),
        "history, comments": person_client.get("/history/").content.decode(),
        "dashboard, comments": person_client.get("/dashboard/").content.decode(),
    }
    assert html_errors(documents, tmp_path) == []


def test_a_mentor_deleting_their_account_takes_their_comments_off_the_kept_plan(
    person_client, relation, comment
):
    assert "Try the tutorial." in person_client.get("/plan/").content.decode()
    account_delete(user=relation.mentor)
    assert not ItemComment.objects.exists()
    assert "Try the tutorial." not in person_client.get("/plan/").content.decode()
    # The history keeps the change, without the name of an account that is gone.
    assert "A mentor commented on" in person_client.get("/history/").content.decode()


def test_a_mentors_new_name_shows_on_the_kept_plan_at_once(person_client, relation, comment):
    assert "Ben Okafor" in person_client.get("/plan/").content.decode()
    client_for(relation.mentor).post(
        "/settings/profile/", {"display_name": "Benjamin O.", "region": ""}
    )
    assert "Benjamin O." in person_client.get("/plan/").content.decode()
