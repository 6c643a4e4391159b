"""/dashboard/: where the person stands, what it pays, and what to do next."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careers.models import Stage, StageSkill
from careers.signals import catalog_changed
from tests.factories import RegionFactory, SalaryBandFactory, SkillFactory, StageSkillFactory
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker import services
from tracker.models import Profile, ProgressEvent, SkillProgress

URL = "/dashboard/"
DASH = "\u2013"  # between the figures of a band


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def finish_entry(user, setup) -> None:
    for key in ("python", "algebra"):
        services.skill_set_status(user=user, skill_id=setup.skills[key].pk, status="done")
    services.milestone_set_done(user=user, milestone_id=setup.milestones["portfolio"].pk, done=True)


def set_region(user, region) -> None:
    Profile.objects.filter(user=user).update(region=region)
    services.mark_changed(user)


def test_the_url_is_named():
    assert reverse("tracker:dashboard") == URL


def test_anonymous_visitors_are_sent_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_without_a_goal_it_shows_how_to_choose_one(owner_client):
    published = make_role()
    hidden = make_role(published=False)

    html = owner_client.get(URL).content.decode()

    assert "Choose where you are heading" in html
    assert 'href="/roles/"' in html
    assert f'action="{reverse("tracker:goal_set")}"' in html
    assert f'<option value="{published.senior.pk}">' in html
    assert hidden.role.name not in html


def test_it_shows_the_goal_with_a_change_link(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    assert f'Target: <a href="{setup.role.get_absolute_url()}">{setup.role.name}</a>' in html
    assert 'href="/settings/#goal"' in html


def test_it_shows_target_progress_as_a_labelled_bar_in_a_live_region(owner_client, owner, setup):
    finish_entry(owner, setup)

    html = owner_client.get(URL).content.decode()

    assert 'id="target-progress" class="target-progress" aria-live="polite"' in html
    assert '<label class="progress-label" for="target-bar">' in html
    assert '<progress id="target-bar" max="6" value="3">50%</progress>' in html
    assert '<strong class="big-percent">50%</strong>' in html


def test_it_shows_each_stage_and_the_current_one(owner_client, owner, setup):
    finish_entry(owner, setup)

    html = owner_client.get(URL).content.decode()

    assert "You have reached Junior engineer. Next: Engineer, 2 items to go." in html
    for stage in (setup.entry, setup.mid, setup.senior):
        assert f'id="stage-{stage.pk}-stats"' in html


def test_before_any_item_it_says_where_to_start(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    assert "Start with Junior engineer: 3 items to go." in html


def test_before_the_first_stage_is_reached_it_reads_as_progress(owner_client, owner, setup):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")

    html = owner_client.get(URL).content.decode()

    assert "33% of Junior engineer, 2 items to go." in html
    assert "not reached" not in html


def test_empty_states_say_what_to_do_next(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    plan = reverse("tracker:plan")
    assert f'Complete one in <a href="{plan}">your plan</a> and your checklist pace' in html


def test_the_expected_pay_is_the_regional_band_with_its_source(owner_client, owner, setup):
    seattle = RegionFactory.create(name="Seattle, WA")
    set_region(owner, seattle)
    SalaryBandFactory.create(
        role=setup.role,
        stage=setup.entry,
        region=seattle,
        low=90_000,
        high=140_000,
        section="Salary by Location",
        source__title="Machine Learning Engineer guide",
    )
    SalaryBandFactory.create(role=setup.role, region=seattle, low=150_321, high=173_517)
    finish_entry(owner, setup)

    html = owner_client.get(URL).content.decode()

    assert f"$90,000 {DASH} $140,000" in html
    assert "Junior engineer, base pay, Seattle, WA" in html
    assert "Source: “Machine Learning Engineer guide”, Salary by Location, 2024" in html
    # The role-wide regional band, beside it as context.
    assert f"$150,321 {DASH} $173,517" in html
    assert "all stages, Seattle, WA" in html
    assert "national figure" not in html


def test_without_a_regional_band_it_falls_back_to_national_and_says_so(owner_client, owner, setup):
    set_region(owner, RegionFactory.create(name="Austin, TX"))
    finish_entry(owner, setup)

    html = owner_client.get(URL).content.decode()

    assert f"$70,000 {DASH} $132,000" in html
    assert "National figure; no Austin, TX figure for this stage" in html
    assert "Source: “" in html
    # What the next stage pays, nationally.
    assert "On reaching Engineer:" in html
    assert f"$132,326 {DASH} $181,999" in html


def test_with_nothing_reached_it_shows_the_first_stage_on_reaching_it(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    assert f"$70,000 {DASH} $132,000" in html
    assert "On reaching Junior engineer" in html


def test_without_any_band_it_says_there_is_no_data_yet(owner_client, owner):
    setup = make_role(bands=False)
    target(owner, setup.senior)

    html = owner_client.get(URL).content.decode()

    assert "No salary data for this stage yet" in html


def test_it_lists_at_most_five_next_steps_each_checkable_here(owner_client, owner, setup):
    for position in range(6):
        StageSkillFactory.create(stage=setup.entry, position=10_000 + position)

    html = owner_client.get(URL).content.decode()
    steps = html[html.index('id="next-steps"') : html.index('id="pay-title"')]

    assert steps.count('class="check-item plan-item') == 5
    assert "4 more in your plan" in steps
    assert '<input type="hidden" name="next" value="/dashboard/#next-steps">' in steps
    assert 'hx-trigger="change"' in steps
    # Required skills first.
    assert steps.index(setup.skills["python"].name) < steps.index(setup.skills["algebra"].name)
    assert "<details" not in steps


def test_it_lists_recent_activity_readably(owner_client, owner, setup):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    services.milestone_set_done(
        user=owner, milestone_id=setup.milestones["portfolio"].pk, done=True
    )
    ProgressEvent.objects.filter(user=owner).update(
        created_at=timezone.make_aware(datetime(2026, 11, 9, 12))
    )

    html = owner_client.get(URL).content.decode()

    python = setup.skills["python"].name
    assert f'9 Nov</time> <span aria-hidden="true">·</span> {python}: done' in html
    assert f"{setup.milestones['portfolio'].title}: done" in html
    assert f"New target: {setup.role.name}, Senior engineer" in html


def test_recent_activity_shows_the_last_ten(owner_client, owner, setup):
    skill = setup.skills["python"]
    for i in range(15):
        services.skill_set_status(
            user=owner, skill_id=skill.pk, status="learning" if i % 2 else "done"
        )

    html = owner_client.get(URL).content.decode()
    activity = html[html.index('id="activity-title"') :]

    assert activity.count("<time ") == 10


def test_it_shows_pace_and_an_estimate_when_there_is_a_pace(owner_client, owner, setup):
    Stage.objects.filter(pk=setup.senior.pk).update(years_min=7, years_max=9)
    finish_entry(owner, setup)
    SkillProgress.objects.filter(user=owner, skill=setup.skills["python"]).update(
        completed_at=timezone.now() - timedelta(days=40)
    )

    html = owner_client.get(URL).content.decode()

    # 2 completions in the last 28 days: half an item a week; 3 left: about 5-8 weeks.
    assert "Checklist pace: 0.5 items a week" in html
    assert (
        "At your checklist pace, you would tick off the last item on the way to Senior engineer"
        " in about 5-8 weeks: an estimate, not a promise." in html
    )
    assert "The catalog puts Senior engineer at 7-9 years of experience" in html


def test_without_years_in_the_catalog_the_estimate_stands_alone(owner_client, owner, setup):
    Stage.objects.filter(pk=setup.senior.pk).update(years_min=None, years_max=None)
    finish_entry(owner, setup)

    html = owner_client.get(URL).content.decode()

    assert "At your checklist pace" in html
    assert "years of experience" not in html


def test_ticking_and_unticking_makes_no_pace(owner_client, owner, setup):
    for _ in range(6):
        for status in ("done", "learning"):
            services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status=status)

    html = owner_client.get(URL).content.decode()

    assert "No items completed in the last 4 weeks" in html
    assert "At your checklist pace" not in html


def test_ticking_again_counts_once(owner_client, owner, setup):
    for status in ("done", "learning", "done", "learning", "done"):
        services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status=status)
    services.skill_set_status(user=owner, skill_id=setup.skills["algebra"].pk, status="done")

    html = owner_client.get(URL).content.decode()

    # 2 items in 4 weeks (not 4 ticks): half an item a week.
    assert "Checklist pace: 0.5 items a week" in html


def test_recommended_and_retired_items_make_no_pace(owner_client, owner, setup):
    services.skill_set_status(user=owner, skill_id=setup.skills["spark"].pk, status="done")
    services.skill_set_status(user=owner, skill_id=setup.skills["algebra"].pk, status="done")
    StageSkill.objects.filter(skill=setup.skills["algebra"]).update(is_retired=True)
    catalog_changed()

    html = owner_client.get(URL).content.decode()

    assert "No items completed in the last 4 weeks" in html


def test_without_a_pace_there_is_no_estimate(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    assert "No items completed in the last 4 weeks" in html
    assert "At your checklist pace" not in html


def test_it_never_shows_another_persons_data(owner_client, owner, other_user, setup):
    other = make_role()
    target(other_user, other.mid)
    services.skill_save_note(
        user=other_user,
        skill_id=setup.skills["python"].pk,
        note="Outsider's secret note",
        evidence_url="https://outsider.example/",
    )
    services.skill_set_status(
        user=other_user, skill_id=SkillFactory.create(name="Cobol").pk, status="done"
    )
    Profile.objects.filter(user=other_user).update(display_name="Mallory")

    html = owner_client.get(URL).content.decode()

    assert "secret note" not in html
    assert "outsider.example" not in html
    assert other.role.name not in html
    assert "Cobol" not in html
    assert "Mallory" not in html
    assert "Hello, owner." in html


def test_it_greets_by_display_name(owner_client, owner, setup):
    Profile.objects.filter(user=owner).update(display_name="Ana")

    assert "Hello, Ana." in owner_client.get(URL).content.decode()


def test_it_runs_nine_queries_however_much_data_and_two_when_nothing_changed(
    owner_client, owner, other_user, setup, django_assert_num_queries
):
    set_region(owner, RegionFactory.create())
    finish_entry(owner, setup)
    # 1 the account, 2 the profile with its region (its progress version keys the kept page),
    # 3 the active goal with its role and target stage, 4-5 this person's progress on the role's
    # skills and on its milestones (their completion dates make the pace), 6 the last ten events
    # (with their items), 7 every goal with its target stage, 8 the catalog's dated records of
    # their stages' items and 9 the item events (the burn-up chart). The role's items and salary
    # bands come from the catalog cache; after a catalog change the first request reads them (the
    # stage skills, the milestones, the bands with their sources). Until the person's data or the
    # catalog changes, the page is served as it was rendered: the account and the profile alone.
    with django_assert_num_queries(9 + 3):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(URL).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(9):
        assert owner_client.get(URL).status_code == 200

    grow_tenfold(owner, setup)
    grow_tenfold(other_user, setup)
    assert SkillProgress.objects.filter(user=owner).count() > 50

    with django_assert_num_queries(9 + 3):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(URL).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(9):
        assert owner_client.get(URL).status_code == 200


def test_without_a_goal_it_runs_four_queries(owner_client, django_assert_num_queries):
    make_role()
    # 1 the account, 2 the profile, 3 the active goal (none), 4 published stages for the select.
    with django_assert_num_queries(4):
        owner_client.get(URL)


def test_it_shows_a_small_burn_up_chart_and_links_to_the_history(owner_client, owner, setup):
    finish_entry(owner, setup)
    html = owner_client.get(URL).content.decode()
    assert '<figure class="burnup burnup--compact">' in html
    assert f"3 of 6 items done on the way to {setup.senior.title}." in html
    assert '<a href="/history/">Your history</a>' in html


def test_a_kept_page_is_rendered_again_the_next_day_as_its_chart_ends_today(
    owner_client, owner, setup, monkeypatch, django_assert_num_queries
):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    before = owner_client.get(URL).content.decode()
    with django_assert_num_queries(2):
        owner_client.get(URL)
    # Past midnight, long before the completion leaves the pace window.
    tomorrow = datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time())
    later = timezone.make_aware(tomorrow + timedelta(minutes=1))
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_assert_num_queries(9):
        after = owner_client.get(URL).content.decode()
    # The line that marks today has moved on a day.
    today_line = re.compile(r'<line class="burnup-today" x1="([\d.]+)"')
    assert today_line.findall(before) != today_line.findall(after) != []
