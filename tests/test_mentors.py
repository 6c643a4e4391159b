"""/settings/mentors/ and the answers on /mentoring/: invitations, relations, who may do what."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories import MentorshipFactory, UserFactory
from tests.tracker_helpers import client_for, make_role, target
from tracker import mentors
from tracker.account_data import account_data
from tracker.import_file import ImportFileError, read_export
from tracker.models import (
    EventKind,
    Mentorship,
    MentorshipStatus,
    Profile,
    ProgressEvent,
)

SETTINGS = "/settings/mentors/"
INVITE = "/settings/mentors/invite/"


def notes_url(m: Mentorship) -> str:
    return f"/settings/mentors/{m.pk}/notes/"


def end_url(m: Mentorship) -> str:
    return f"/settings/mentors/{m.pk}/end/"


def accept_url(m: Mentorship) -> str:
    return f"/mentoring/invitations/{m.pk}/accept/"


def decline_url(m: Mentorship) -> str:
    return f"/mentoring/invitations/{m.pk}/decline/"


def mentee_end_url(m: Mentorship) -> str:
    return f"/mentoring/team/{m.pk}/end/"


def version(user: User) -> int:
    return Profile.objects.get(user=user).progress_version


@pytest.fixture
def mentor(db) -> User:
    user = UserFactory.create(username="ana", email="Ana@Example.com")
    Profile.objects.filter(user=user).update(display_name="Ana")
    return user


@pytest.fixture
def invitation(owner, mentor) -> Mentorship:
    result = mentors.mentorship_invite(person=owner, who="ana", shows_notes=False)
    assert result.mentorship is not None
    return result.mentorship


def mentor_events(user: User) -> list[tuple[str, str]]:
    return list(
        ProgressEvent.objects.filter(user=user, kind=EventKind.MENTOR)
        .order_by("created_at", "id")
        .values_list("from_state", "to_state")
    )


# --- Inviting -----------------------------------------------------------------------------------


def test_settings_page_lists_mentors_and_invitations(owner_client, owner, mentor):
    MentorshipFactory.create(person=owner, mentor=mentor)
    MentorshipFactory.create(person=owner, mentor__username="bo", status=MentorshipStatus.PENDING)
    response = owner_client.get(SETTINGS)
    assert response.status_code == 200
    mentors_list, waiting = response.context["accepted"], response.context["pending"]
    assert [name for _, name, _ in mentors_list] == ["Ana"]
    assert [name for _, name, _ in waiting] == ["bo"]


def test_settings_page_links_from_settings(owner_client):
    assert 'href="/settings/mentors/"' in owner_client.get("/settings/").content.decode()


def test_invite_by_username_makes_a_pending_invitation_and_an_event(owner_client, owner, mentor):
    before = version(owner)
    response = owner_client.post(INVITE, {"who": "ana", "shows_notes": "on"})
    assert response.status_code == 303
    assert response["Location"] == SETTINGS
    invitation = Mentorship.objects.get(person=owner)
    assert invitation.mentor == mentor
    assert invitation.status == MentorshipStatus.PENDING
    assert invitation.shows_notes is True
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert mentor_events(owner) == [("", mentors.INVITED)]
    assert version(owner) == before + 1


def test_invite_by_email_in_any_case_finds_the_account(owner_client, owner, mentor):
    owner_client.post(INVITE, {"who": "  ana@example.COM "})
    assert Mentorship.objects.get(person=owner).mentor == mentor


def test_the_notes_choice_is_saved_off_by_default(owner_client, owner, mentor):
    owner_client.post(INVITE, {"who": "ana"})
    assert Mentorship.objects.get(person=owner).shows_notes is False


@pytest.mark.parametrize("who", ["nobody", "nobody@example.com"])
def test_inviting_an_unknown_account_says_so_and_changes_nothing(owner_client, owner, who):
    before = version(owner)
    response = owner_client.post(INVITE, {"who": who})
    assert response.status_code == 400
    assert "No Pathwise account has that username or email address" in response.content.decode()
    # What was typed stays in the form.
    assert f'value="{who}"' in response.content.decode()
    assert not Mentorship.objects.exists()
    assert version(owner) == before


def test_an_inactive_account_is_unknown(owner_client, owner):
    UserFactory.create(username="gone", is_active=False)
    assert owner_client.post(INVITE, {"who": "gone"}).status_code == 400
    assert not Mentorship.objects.exists()


def test_an_email_shared_by_two_accounts_asks_for_the_username(owner_client):
    UserFactory.create(username="a1", email="same@example.com")
    UserFactory.create(username="a2", email="same@example.com")
    response = owner_client.post(INVITE, {"who": "same@example.com"})
    assert response.status_code == 400
    assert "use their username" in response.content.decode()
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("who", ["owner", "owner@example.com"])
def test_inviting_yourself_is_refused(owner_client, owner, who):
    response = owner_client.post(INVITE, {"who": who})
    assert response.status_code == 400
    assert "your own account" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_an_empty_invitation_is_refused(owner_client):
    response = owner_client.post(INVITE, {"who": ""})
    assert response.status_code == 400
    assert not Mentorship.objects.exists()


def test_inviting_someone_already_invited_changes_nothing(owner_client, owner, invitation):
    before = version(owner)
    response = owner_client.post(INVITE, {"who": "ana"}, follow=True)
    assert "Ana already has your invitation" in response.content.decode()
    assert Mentorship.objects.count() == 1
    assert version(owner) == before


def test_inviting_your_mentor_again_changes_nothing(owner_client, owner, mentor):
    MentorshipFactory.create(person=owner, mentor=mentor)
    response = owner_client.post(INVITE, {"who": "ana"}, follow=True)
    assert "Ana already mentors you" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_a_double_click_makes_one_invitation(owner_client, owner, mentor):
    for _ in range(2):
        assert owner_client.post(INVITE, {"who": "ana"}).status_code == 303
    assert Mentorship.objects.count() == 1
    assert mentor_events(owner) == [("", mentors.INVITED)]


@pytest.mark.parametrize(
    "status", [MentorshipStatus.DECLINED, MentorshipStatus.ENDED, MentorshipStatus.PENDING]
)
def test_inviting_again_after_a_decline_an_end_or_an_expiry_makes_a_new_row(
    owner_client, owner, mentor, status
):
    old = MentorshipFactory.create(
        person=owner, mentor=mentor, status=status, expires_at=timezone.now() - timedelta(days=1)
    )
    owner_client.post(INVITE, {"who": "ana"})
    new = Mentorship.objects.exclude(pk=old.pk).get()
    assert new.status == MentorshipStatus.PENDING
    old.refresh_from_db()
    expected = MentorshipStatus.EXPIRED if status == MentorshipStatus.PENDING else status
    assert old.status == expected


# --- Answering ----------------------------------------------------------------------------------


def test_the_invitee_accepts(mentor, owner, invitation):
    before = version(owner)
    response = client_for(mentor).post(accept_url(invitation))
    assert response.status_code == 303
    assert response["Location"] == "/mentoring/"
    invitation.refresh_from_db()
    assert invitation.status == MentorshipStatus.ACCEPTED
    assert invitation.responded_at is not None
    assert mentor_events(owner)[-1] == (MentorshipStatus.PENDING, mentors.ACCEPTED)
    assert version(owner) == before + 1


def test_the_invitee_declines(mentor, owner, invitation):
    response = client_for(mentor).post(decline_url(invitation))
    assert response.status_code == 303
    invitation.refresh_from_db()
    assert invitation.status == MentorshipStatus.DECLINED
    assert mentor_events(owner)[-1] == (MentorshipStatus.PENDING, mentors.DECLINED)


def test_accepting_twice_is_a_404_the_second_time(mentor, owner, invitation):
    client = client_for(mentor)
    assert client.post(accept_url(invitation)).status_code == 303
    assert client.post(accept_url(invitation)).status_code == 404
    assert len(mentor_events(owner)) == 2


@pytest.mark.parametrize("first", ["decline", "withdraw", "mentor_end"])
def test_an_answered_or_ended_invitation_cannot_be_accepted(mentor, owner, invitation, first):
    client = client_for(mentor)
    if first == "decline":
        client.post(decline_url(invitation))
    elif first == "withdraw":
        client_for(owner).post(end_url(invitation))
    else:
        client.post(accept_url(invitation))
        client.post(mentee_end_url(invitation))
    status = Mentorship.objects.get(pk=invitation.pk).status
    events = len(mentor_events(owner))
    assert client.post(accept_url(invitation)).status_code == 404
    assert client.post(decline_url(invitation)).status_code == 404
    assert Mentorship.objects.get(pk=invitation.pk).status == status
    assert len(mentor_events(owner)) == events


def test_an_expired_invitation_cannot_be_answered(mentor, owner):
    expired = MentorshipFactory.create(
        person=owner,
        mentor=mentor,
        status=MentorshipStatus.PENDING,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    client = client_for(mentor)
    assert client.post(accept_url(expired)).status_code == 404
    assert client.post(decline_url(expired)).status_code == 404
    expired.refresh_from_db()
    assert expired.status == MentorshipStatus.PENDING
    assert mentor_events(owner) == []


def test_an_invitation_expires_after_fourteen_days(owner, mentor):
    now = timezone.now()
    made = mentors.mentorship_invite(person=owner, who="ana", shows_notes=False, now=now)
    assert made.mentorship is not None
    pk = made.mentorship.pk
    later = now + timedelta(days=14)
    assert mentors.mentorship_accept(mentor=mentor, mentorship_id=pk, now=later) is None
    just_before = later - timedelta(seconds=1)
    assert mentors.mentorship_accept(mentor=mentor, mentorship_id=pk, now=just_before)


def test_an_expired_invitation_leaves_the_lists(owner_client, owner, mentor):
    MentorshipFactory.create(
        person=owner,
        mentor=mentor,
        status=MentorshipStatus.PENDING,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert owner_client.get(SETTINGS).context["pending"] == []
    assert client_for(mentor).get("/mentoring/").context["invitations"] == []


# --- Ending and the notes choice ------------------------------------------------------------------


def test_the_person_ends_a_relation(owner_client, owner, mentor):
    relation = MentorshipFactory.create(person=owner, mentor=mentor)
    before = version(owner)
    assert owner_client.post(end_url(relation)).status_code == 303
    relation.refresh_from_db()
    assert relation.status == MentorshipStatus.ENDED
    assert relation.ended_by == owner
    assert relation.ended_at is not None
    assert mentor_events(owner) == [(MentorshipStatus.ACCEPTED, mentors.ENDED_BY_PERSON)]
    assert version(owner) == before + 1


def test_the_person_withdraws_an_invitation(owner_client, owner, invitation):
    assert owner_client.post(end_url(invitation)).status_code == 303
    invitation.refresh_from_db()
    assert invitation.status == MentorshipStatus.ENDED
    assert mentor_events(owner)[-1] == (MentorshipStatus.PENDING, mentors.ENDED_BY_PERSON)


def test_the_mentor_ends_a_relation(owner, mentor):
    relation = MentorshipFactory.create(person=owner, mentor=mentor)
    assert client_for(mentor).post(mentee_end_url(relation)).status_code == 303
    relation.refresh_from_db()
    assert relation.status == MentorshipStatus.ENDED
    assert relation.ended_by == mentor
    assert mentor_events(owner) == [(MentorshipStatus.ACCEPTED, mentors.ENDED_BY_MENTOR)]


def test_ending_twice_is_a_404_the_second_time(owner_client, owner, mentor):
    relation = MentorshipFactory.create(person=owner, mentor=mentor)
    assert owner_client.post(end_url(relation)).status_code == 303
    assert owner_client.post(end_url(relation)).status_code == 404
    assert client_for(mentor).post(mentee_end_url(relation)).status_code == 404
    assert len(mentor_events(owner)) == 1


def test_the_mentor_cannot_end_an_invitation_they_have_not_accepted(mentor, invitation):
    assert client_for(mentor).post(mentee_end_url(invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == MentorshipStatus.PENDING


def test_the_person_changes_the_notes_choice(owner_client, owner, mentor):
    relation = MentorshipFactory.create(person=owner, mentor=mentor, shows_notes=False)
    before = version(owner)
    assert owner_client.post(notes_url(relation), {"shows_notes": "on"}).status_code == 303
    relation.refresh_from_db()
    assert relation.shows_notes is True
    assert version(owner) == before + 1
    owner_client.post(notes_url(relation), {})
    relation.refresh_from_db()
    assert relation.shows_notes is False


def test_the_mentor_cannot_change_the_notes_choice(mentor, owner):
    relation = MentorshipFactory.create(person=owner, mentor=mentor, shows_notes=False)
    assert client_for(mentor).post(notes_url(relation), {"shows_notes": "on"}).status_code == 404
    relation.refresh_from_db()
    assert relation.shows_notes is False


def test_the_notes_choice_of_an_ended_relation_is_a_404(owner_client, owner, mentor):
    relation = MentorshipFactory.create(person=owner, mentor=mentor, status=MentorshipStatus.ENDED)
    assert owner_client.post(notes_url(relation), {"shows_notes": "on"}).status_code == 404


# --- Who may do what ------------------------------------------------------------------------------


@pytest.fixture
def relation(owner, mentor) -> Mentorship:
    return MentorshipFactory.create(person=owner, mentor=mentor)


def _posts(m: Mentorship) -> list[str]:
    return [notes_url(m), end_url(m), accept_url(m), decline_url(m), mentee_end_url(m)]


def test_an_outsider_gets_a_404_on_every_url_and_nothing_changes(other_user, owner, invitation):
    client = client_for(other_user)
    for url in _posts(invitation):
        assert client.post(url, {"shows_notes": "on"}).status_code == 404, url
    invitation.refresh_from_db()
    assert invitation.status == MentorshipStatus.PENDING
    assert invitation.shows_notes is False
    assert len(mentor_events(owner)) == 1


def test_an_ex_mentor_gets_a_404_on_every_url(owner, mentor, relation):
    mentors.mentorship_end(user=owner, mentorship_id=relation.pk, as_mentor=False)
    client = client_for(mentor)
    for url in _posts(relation):
        assert client.post(url, {"shows_notes": "on"}).status_code == 404, url
    assert client.get("/mentoring/").context["members"] == []


def test_a_declined_invitee_gets_a_404_on_every_url(owner, mentor, invitation):
    client = client_for(mentor)
    client.post(decline_url(invitation))
    for url in _posts(invitation):
        assert client.post(url, {"shows_notes": "on"}).status_code == 404, url
    assert client.get("/mentoring/").context["members"] == []


@pytest.mark.parametrize(
    "url",
    [SETTINGS, "/mentoring/", "/mentoring/team.csv"],
)
def test_anonymous_pages_redirect_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_posts_redirect_to_login_and_change_nothing(client, invitation):
    for url in [INVITE, *_posts(invitation)]:
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")
    invitation.refresh_from_db()
    assert invitation.status == MentorshipStatus.PENDING


@pytest.mark.parametrize("url", [INVITE, "/settings/mentors/1/end/", "/mentoring/team/1/end/"])
def test_writes_refuse_get(owner_client, url):
    assert owner_client.get(url).status_code == 405


# --- History, and deleting an account -------------------------------------------------------------


def test_history_tells_every_mentor_event_in_words(owner_client, owner, mentor):
    first = mentors.mentorship_invite(person=owner, who="ana", shows_notes=False).mentorship
    assert first is not None
    mentors.mentorship_decline(mentor=mentor, mentorship_id=first.pk)
    second = mentors.mentorship_invite(person=owner, who="ana", shows_notes=False).mentorship
    assert second is not None
    mentors.mentorship_accept(mentor=mentor, mentorship_id=second.pk)
    mentors.mentorship_end(user=mentor, mentorship_id=second.pk, as_mentor=True)
    third = mentors.mentorship_invite(person=owner, who="ana", shows_notes=False).mentorship
    assert third is not None
    mentors.mentorship_accept(mentor=mentor, mentorship_id=third.pk)
    mentors.mentorship_end(user=owner, mentorship_id=third.pk, as_mentor=False)
    page = owner_client.get("/history/?kind=mentor").content.decode()
    for line in [
        "You invited Ana to mentor you",
        "Ana declined your invitation",
        "Ana accepted your invitation",
        "Mentoring with Ana ended by Ana",
        "Mentoring with Ana ended by you",
    ]:
        assert line in page, line
    assert '<option value="mentor" selected>Mentors</option>' in page


def test_the_dashboard_names_the_mentor_in_recent_activity(owner_client, owner, invitation):
    target(owner, make_role().senior)
    mentors.mentorship_accept(mentor=invitation.mentor, mentorship_id=invitation.pk)
    assert "Ana accepted your invitation" in owner_client.get("/dashboard/").content.decode()


def test_deleting_the_mentor_ends_everything_and_keeps_the_persons_history(
    owner_client, owner, mentor, invitation
):
    mentors.mentorship_accept(mentor=mentor, mentorship_id=invitation.pk)
    mentor.delete()
    assert not Mentorship.objects.exists()
    assert mentor_events(owner) == [
        ("", mentors.INVITED),
        (MentorshipStatus.PENDING, mentors.ACCEPTED),
    ]
    page = owner_client.get("/history/").content.decode()
    assert "A former mentor accepted your invitation" in page
    assert owner_client.get(SETTINGS).context["accepted"] == []


def test_deleting_the_person_deletes_their_relations(owner, mentor, relation):
    owner.delete()
    assert not Mentorship.objects.exists()
    assert client_for(mentor).get("/mentoring/").context["members"] == []


# --- Export and import --------------------------------------------------------------------------


def test_the_export_names_the_mentor_of_each_mentor_event(owner_client, owner, invitation):
    mentors.mentorship_accept(mentor=invitation.mentor, mentorship_id=invitation.pk)
    events = owner_client.get("/me/export.json").json()["events"]
    assert [(e["kind"], e["mentor"], e["from"], e["to"]) for e in events] == [
        ("mentor", "Ana", "", "invited"),
        ("mentor", "Ana", "pending", "accepted"),
    ]


def test_the_export_of_a_deleted_mentors_events_has_no_name(owner_client, owner, invitation):
    invitation.mentor.delete()
    events = owner_client.get("/me/export.json").json()["events"]
    assert [(e["mentor"], e["to"]) for e in events] == [(None, "invited")]


def test_an_import_reads_mentor_events_and_skips_them_saying_so(owner, invitation):
    mentors.mentorship_accept(mentor=invitation.mentor, mentorship_id=invitation.pk)
    exported = Client()
    exported.force_login(owner)
    content = exported.get("/me/export.json").content
    newcomer = UserFactory.create(username="newcomer")
    client = client_for(newcomer)
    upload = SimpleUploadedFile("pathwise-data.json", content)
    assert client.post("/settings/import/", {"file": upload}).status_code == 303
    preview = client.get("/settings/import/preview/").content.decode()
    assert "Skips 2 mentor events: a record of invitations and mentors" in preview
    assert not ProgressEvent.objects.filter(user=newcomer).exists()
    assert not Mentorship.objects.filter(person=newcomer).exists()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"to": "befriended"}, "events[0].to"),
        ({"skill": "python"}, "a mentor event names a mentor, no item and no goal"),
        ({"mentor": 7}, "events[0].mentor: should be text"),
    ],
)
def test_an_import_refuses_a_mentor_event_that_is_not_one(owner, invitation, change, problem):
    data = json.loads(json.dumps(account_data(user=owner), default=str))
    data["events"][0].update(change)
    with pytest.raises(ImportFileError) as raised:
        read_export(json.dumps(data).encode())
    assert any(problem in line for line in raised.value.problems), raised.value.problems


def test_the_csv_export_lists_mentor_events_after_the_progress(owner_client, owner, invitation):
    mentors.mentorship_accept(mentor=invitation.mentor, mentorship_id=invitation.pk)
    Profile.objects.filter(user=invitation.mentor).update(display_name="=cmd")
    text = owner_client.get("/me/export.csv").content.decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["kind"] == "mentor"]
    events = ProgressEvent.objects.filter(user=owner).order_by("created_at", "id")
    assert [(r["item"], r["status"], r["started"]) for r in rows] == [
        ("'=cmd", event.to_state, event.created_at.isoformat()) for event in events
    ]
