"""A person's plan and dashboard are kept as rendered, and never shown once they are out of date."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import INFO, add_message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.factories import RegionFactory
from tests.tracker_helpers import make_role, target
from tracker import page_cache, services, views
from tracker.models import Profile, SkillProgress, SkillStatus

PLAN, DASHBOARD = "/plan/", "/dashboard/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def token_in(page: str) -> str:
    found = TOKEN.search(page)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def percent(html: str) -> str:
    start = html.index('<strong class="big-percent">') + len('<strong class="big-percent">')
    return html[start : html.index("</strong>", start)]


def test_the_second_view_is_the_kept_copy(owner_client, setup, django_assert_num_queries):
    first = owner_client.get(PLAN).content.decode()

    with django_assert_num_queries(2):  # the account, the profile with its progress version
        second = owner_client.get(PLAN).content.decode()

    assert ANY_TOKEN.sub("", first) == ANY_TOKEN.sub("", second)
    assert "\x00" not in second


@pytest.mark.parametrize("path", [PLAN, DASHBOARD])
def test_a_check_off_shows_at_once(owner_client, setup, path):
    before = percent(owner_client.get(path).content.decode())

    response = owner_client.post(
        f"/plan/skills/{setup.skills['python'].pk}/status/", {"status": "done"}
    )

    assert response.status_code == 303
    assert percent(owner_client.get(path).content.decode()) != before


def test_every_change_a_person_makes_moves_their_version(owner, setup):
    python, portfolio = setup.skills["python"], setup.milestones["portfolio"]

    def version() -> int:
        return Profile.objects.get(user=owner).progress_version

    changes = [
        lambda: services.skill_set_status(user=owner, skill_id=python.pk, status="learning"),
        lambda: services.milestone_set_done(user=owner, milestone_id=portfolio.pk, done=True),
        lambda: services.skill_save_note(user=owner, skill_id=python.pk, note="n", evidence_url=""),
        lambda: services.milestone_save_note(
            user=owner, milestone_id=portfolio.pk, note="n", evidence_url=""
        ),
        lambda: services.goal_set(user=owner, stage=setup.mid),
    ]
    for change in changes:
        was = version()
        assert change() is True
        assert version() == was + 1
    # A change that changes nothing keeps the version.
    was = version()
    assert services.skill_set_status(user=owner, skill_id=python.pk, status="learning") is False
    assert version() == was


def test_a_settings_change_shows_on_the_dashboard_at_once(owner_client, owner, setup):
    region = RegionFactory.create(name="Elsewhere")
    assert "Elsewhere" not in owner_client.get(DASHBOARD).content.decode()

    response = owner_client.post("/settings/profile/", {"display_name": "Ana", "region": region.pk})

    assert response.status_code == 303
    html = owner_client.get(DASHBOARD).content.decode()
    assert "Hello, Ana." in html
    assert "Elsewhere" in html


def test_an_admin_edit_of_progress_shows_at_once(owner_client, owner, setup, admin_user):
    python = setup.skills["python"]
    services.skill_set_status(user=owner, skill_id=python.pk, status="learning")
    before = percent(owner_client.get(PLAN).content.decode())

    row = SkillProgress.objects.get(user=owner, skill=python)
    admin = site._registry[SkillProgress]
    request = RequestFactory().post("/")
    request.user = admin_user
    row.status = SkillStatus.DONE
    admin.save_model(request, row, form=None, change=True)

    assert percent(owner_client.get(PLAN).content.decode()) != before
    admin.delete_model(request, row)
    assert percent(owner_client.get(PLAN).content.decode()) == before


def test_a_new_username_shows_at_once(owner_client, owner, setup):
    assert "Hello, owner." in owner_client.get(DASHBOARD).content.decode()

    owner.username = "renamed"
    owner.save()  # as the admin saves it

    assert "Hello, renamed." in owner_client.get(DASHBOARD).content.decode()


def test_a_catalog_edit_shows_at_once(owner_client, setup):
    python = setup.skills["python"]
    assert python.name in owner_client.get(PLAN).content.decode()

    python.name = "Python for data work"
    python.save()  # as admin saves it

    assert "Python for data work" in owner_client.get(PLAN).content.decode()


def test_a_saved_profile_never_puts_the_version_back(owner, setup):
    stale = Profile.objects.get(user=owner)
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    moved = Profile.objects.get(user=owner).progress_version

    stale.display_name = "Ana"
    stale.save()

    profile = Profile.objects.get(user=owner)
    assert (profile.display_name, profile.progress_version) == ("Ana", moved)


def test_each_visit_gets_a_token_that_works(owner, setup):
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(owner)
        browser.get(PLAN)  # the copy is made by one of them and served to both

    pages = [browser.get(PLAN).content.decode() for browser in browsers]
    tokens = [token_in(page) for page in pages]

    assert tokens[0] != tokens[1]
    python = setup.skills["python"]
    for browser, token in zip(browsers, tokens, strict=True):
        response = browser.post(
            f"/plan/skills/{python.pk}/status/",
            {"status": "learning", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 303


def test_a_page_with_messages_is_rendered_for_its_request(owner_client, setup):
    owner_client.get(PLAN)
    owner_client.post("/settings/profile/", {"display_name": "Ana", "region": ""})

    with_message = owner_client.get(PLAN).content.decode()
    again = owner_client.get(PLAN).content.decode()

    assert "Settings saved." in with_message
    assert "Settings saved." not in again


def test_another_persons_copy_is_never_served(owner_client, owner, other_user, setup):
    target(other_user, setup.entry)
    other = Client()
    other.force_login(other_user)
    other.get(PLAN)

    html = owner_client.get(PLAN).content.decode()

    assert setup.senior.title in html
    assert "other" not in re.findall(r"Hello, (\w+)", owner_client.get(DASHBOARD).content.decode())


def test_the_dashboard_copy_lasts_until_a_completion_leaves_the_pace_window(
    owner_client, owner, setup, monkeypatch
):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    completed = timezone.now() - timedelta(days=27)
    SkillProgress.objects.filter(user=owner).update(completed_at=completed)
    services.mark_changed(owner)
    ends = []
    real = views._dashboard_context

    def recorded(*args):
        context, until = real(*args)
        ends.append(until)
        return context, until

    monkeypatch.setattr(views, "_dashboard_context", recorded)
    owner_client.get(DASHBOARD)

    # Or at midnight, when the burn-up chart, which runs to today, would end on yesterday.
    midnight = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time.min)
    )
    assert ends == [min(completed + timedelta(days=28), midnight)]


def test_an_expired_copy_is_rendered_again(owner_client, owner, setup, monkeypatch):
    rendered = []
    real = views._dashboard_context

    def expired(*args):
        context, _until = real(*args)
        rendered.append(context)
        return context, timezone.now() - timedelta(seconds=1)

    monkeypatch.setattr(views, "_dashboard_context", expired)
    owner_client.get(DASHBOARD)
    owner_client.get(DASHBOARD)

    assert len(rendered) == 2


def test_messages_added_elsewhere_stop_the_copy(rf, owner, setup):
    rendered = []

    def render(profile, extra):
        rendered.append(extra)
        return HttpResponse("the page"), None

    for _ in range(2):
        request = rf.get(PLAN)
        request.user = owner
        request.session = {}
        request._messages = FallbackStorage(request)
        add_message(request, INFO, "hello")
        page_cache.serve(request, "plan", 1, render)

    # Rendered for each request, with its own token rather than the kept copy's placeholder.
    assert rendered == [{}, {}]


def test_a_copy_kept_last_year_is_not_served_after_new_year(
    owner_client, owner, setup, monkeypatch
):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    done_on = timezone.localdate()
    this_year = f"done {done_on.day} {done_on:%b}<"
    assert this_year in owner_client.get(PLAN).content.decode()

    real_localdate = timezone.localdate
    new_year = date(done_on.year + 1, 1, 1)
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, tz=None: real_localdate(value, tz) if value else new_year,
    )
    html = owner_client.get(PLAN).content.decode()

    assert this_year not in html
    assert f"done {done_on.day} {done_on:%b} {done_on.year}<" in html
