"""/history/: the person's whole log of changes, a page at a time, with the burn-up chart."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.tracker_helpers import RoleSetup, grow_tenfold, make_role, target
from tracker import services
from tracker.history import EVENTS_PER_PAGE
from tracker.models import EventKind, ProgressEvent

URL = "/history/"


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.mid)
    return setup


def log(user, setup: RoleSetup, count: int, *, start: datetime | None = None) -> None:
    """`count` more skill events, one an hour back from `start`, ticking and unticking Python."""
    start = start or timezone.now() - timedelta(days=1)
    skill = setup.skills["python"]
    ProgressEvent.objects.bulk_create(
        ProgressEvent(
            user=user,
            kind=EventKind.SKILL,
            skill=skill,
            from_state="learning" if i % 2 else "done",
            to_state="done" if i % 2 else "learning",
        )
        for i in range(count)
    )
    for i, pk in enumerate(
        ProgressEvent.objects.filter(user=user, skill=skill)
        .order_by("-id")
        .values_list("pk", flat=True)[:count]
    ):
        ProgressEvent.objects.filter(pk=pk).update(created_at=start - timedelta(hours=i))
    services.mark_changed(user)


def lines(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in re.findall(r'<li class="history-event">(.*?)</li>', html, re.S)
    ]


def test_the_url_is_named():
    assert reverse("tracker:history") == URL


def test_anonymous_visitors_are_sent_to_log_in_and_back(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_it_lists_every_change_newest_first_with_the_year_and_what_changed(
    owner_client, owner, setup
):
    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")
    services.skill_set_status(user=owner, skill_id=python.pk, status="done")
    services.milestone_set_done(user=owner, milestone_id=portfolio.pk, done=True)
    services.skill_save_note(user=owner, skill_id=python.pk, note="Course", evidence_url="")
    ProgressEvent.objects.filter(user=owner).update(
        created_at=datetime(2025, 3, 4, 10, 30, tzinfo=timezone.get_current_timezone())
    )
    response = owner_client.get(URL)
    assert response.status_code == 200
    assert lines(response) == [
        f"4 Mar 2025, 10:30 {python.name}: note saved",
        f"4 Mar 2025, 10:30 {portfolio.title}: from not done to done",
        f"4 Mar 2025, 10:30 {python.name}: from learning to done",
        f"4 Mar 2025, 10:30 {python.name}: from not started to learning",
        f"4 Mar 2025, 10:30 New target: {setup.role.name}, {setup.mid.title}",
    ]
    assert '<time datetime="2025-03-04T10:30:00+0000">' in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("skill", ["from learning to done", "from not started to learning"]),
        ("milestone", ["from not done to done"]),
        ("goal", ["New target"]),
        ("note", ["note saved"]),
        ("", ["note saved", "done", "done", "learning", "New target"]),
    ],
)
def test_it_filters_by_kind(owner_client, owner, setup, kind, expected):
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")
    services.skill_set_status(user=owner, skill_id=python.pk, status="done")
    services.milestone_set_done(
        user=owner, milestone_id=setup.milestones["portfolio"].pk, done=True
    )
    services.skill_save_note(user=owner, skill_id=python.pk, note="Course", evidence_url="")
    found = lines(owner_client.get(URL, {"kind": kind}))
    assert len(found) == len(expected)
    assert all(want in line for want, line in zip(expected, found, strict=True))


def test_the_filter_is_a_labelled_get_form_that_keeps_its_choice(owner_client, setup):
    html = owner_client.get(URL, {"kind": "milestone"}).content.decode()
    assert '<form method="get" action="/history/"' in html
    assert '<label for="id_kind">Show</label>' in html
    assert '<option value="milestone" selected>Milestones</option>' in html


def test_a_kind_no_form_offers_lists_everything_and_says_so(owner_client, owner, setup):
    response = owner_client.get(URL, {"kind": "password"})
    assert response.status_code == 400
    assert "not a kind of change this page lists" in response.content.decode()
    assert len(lines(response)) == 1


def test_it_pages_fifty_at_a_time_and_paging_keeps_the_filter(owner_client, owner, setup):
    log(owner, setup, 2 * EVENTS_PER_PAGE + 5)
    first = owner_client.get(URL, {"kind": "skill"})
    assert len(lines(first)) == EVENTS_PER_PAGE
    html = first.content.decode()
    assert "105 changes of this kind, newest first; page 1 of 3." in html
    assert 'href="?kind=skill&amp;page=2" rel="next"' in html
    last = owner_client.get(URL, {"kind": "skill", "page": 3})
    assert len(lines(last)) == 5
    assert 'href="?kind=skill&amp;page=2" rel="prev"' in last.content.decode()
    # Without a filter, the goal's event is one more.
    assert len(lines(owner_client.get(URL, {"page": 3}))) == 6


@pytest.mark.parametrize(
    ("page", "shown"),
    [("2", 2), ("abc", 1), ("", 1), ("0", 2), ("-1", 2), ("99999999999999999999", 2)],
)
def test_a_page_number_that_is_not_one_gets_the_first_or_last_page(
    owner_client, owner, setup, page, shown
):
    log(owner, setup, EVENTS_PER_PAGE + 1)
    response = owner_client.get(URL, {"page": page})
    assert response.status_code == 200
    assert f"page {shown} of 2." in response.content.decode()


def test_it_never_shows_another_persons_events(owner_client, owner, other_user, setup):
    other = make_role()
    target(other_user, other.mid)
    services.skill_set_status(user=other_user, skill_id=other.skills["torch"].pk, status="done")
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    html = owner_client.get(URL).content.decode()
    assert setup.skills["python"].name in html
    assert other.skills["torch"].name not in html
    assert other.role.name not in html
    assert len(lines(owner_client.get(URL))) == 2


def test_it_shows_the_burn_up_chart_with_its_table(owner_client, owner, setup):
    for key in ("python", "algebra"):
        services.skill_set_status(user=owner, skill_id=setup.skills[key].pk, status="done")
    html = owner_client.get(URL).content.decode()
    # Mid's path: entry (2 required skills, 1 milestone) and mid (1 skill, 1 milestone).
    assert f"2 of 5 items done on the way to {setup.mid.title}." in html
    assert 'class="burnup-done"' in html
    assert "At your checklist pace of 0.5 items a week, the rest takes" in html
    today = timezone.localdate().strftime("%-d %b %Y")
    assert re.search(rf"{today}</time></th><td data-label=\"Done\">2</td>", html)


def test_without_a_goal_it_says_where_the_chart_starts(owner_client, owner):
    html = owner_client.get(URL).content.decode()
    assert "Your chart starts with your first target" in html
    assert "Nothing yet." in html


def test_it_runs_a_fixed_number_of_queries_however_long_the_history(
    owner_client, owner, other_user, setup, django_assert_num_queries
):
    log(owner, setup, 60)
    # 1 the account, 2 COUNT of the events, 3 the page of events with their items and goals,
    # 4 the active goal, 5 every goal with its target stage, 6 the catalog's dated records of the
    # items of their targets' stages, 7 the item events for the chart (its pace too). After a
    # catalog change the first request reads the role's items (the stage skills, the milestones).
    with django_assert_num_queries(7 + 2):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(7):
        assert owner_client.get(URL, {"kind": "skill", "page": 2}).status_code == 200

    log(owner, setup, 600, start=timezone.now() - timedelta(days=40))
    grow_tenfold(owner, setup)
    grow_tenfold(other_user, setup)
    assert ProgressEvent.objects.filter(user=owner).count() > 10 * 60

    with django_assert_num_queries(7 + 2):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(7):
        assert owner_client.get(URL, {"kind": "skill", "page": 2}).status_code == 200


def test_head_is_answered_and_posts_are_not(owner_client, setup):
    assert owner_client.head(URL).status_code == 200
    assert owner_client.post(URL).status_code == 405
