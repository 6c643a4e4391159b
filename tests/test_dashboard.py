"""/dashboard/: where the person stands, what it pays, and what to do next."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careers.models import Stage, StageSkill
from careers.signals import catalog_changed
from tests.factories import (
    RegionFactory,
    RoleFactory,
    SalaryBandFactory,
    SkillFactory,
    StageFactory,
    StageSkillFactory,
)
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
    # Their role is in the catalog, and may be among the closest roles; their target is not shown.
    assert f'Target: <a href="{other.role.get_absolute_url()}"' not in html
    assert "Cobol" not in html
    assert "Mallory" not in html
    assert "Hello, owner." in html


def test_it_greets_by_display_name(owner_client, owner, setup):
    Profile.objects.filter(user=owner).update(display_name="Ana")

    assert "Hello, Ana." in owner_client.get(URL).content.decode()


def test_it_runs_eleven_queries_however_much_data_and_two_when_nothing_changed(
    owner_client, owner, other_user, setup, django_assert_num_queries
):
    set_region(owner, RegionFactory.create())
    finish_entry(owner, setup)
    # 1 the account, 2 the profile with its region (its progress version keys the kept page),
    # 3 the active goal with its role and target stage, 4-5 this person's done skills and done
    # milestones in any role (the closest roles), 6-7 this person's progress on the role's
    # skills and on its milestones (their completion dates make the pace), 8 the last ten events
    # (with their items), 9 every goal with its target stage, 10 the catalog's dated records of
    # their stages' items and 11 the item events (the burn-up chart). The role's items and salary
    # bands, and every published role's items, come from the catalog cache; after a catalog
    # change the first request reads them (the target role's stage skills, milestones, bands
    # with their sources; the published roles, their stage skills, their milestones). Until the
    # person's data or the catalog changes, the page is served as it was rendered: the account
    # and the profile alone.
    with django_assert_num_queries(11 + 6):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(URL).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(11):
        assert owner_client.get(URL).status_code == 200

    grow_tenfold(owner, setup)
    grow_tenfold(other_user, setup)
    assert SkillProgress.objects.filter(user=owner).count() > 50

    with django_assert_num_queries(11 + 6):
        html = owner_client.get(URL).content.decode()
    # Ten times the roles, all of them weighed for the closest five.
    assert html.count('class="closest-role"') == 5
    with django_assert_num_queries(2):
        assert owner_client.get(URL).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(11):
        assert owner_client.get(URL).status_code == 200


def test_without_a_goal_it_runs_six_queries_however_many_roles(
    owner, owner_client, django_assert_num_queries
):
    make_role()
    # 1 the account, 2 the profile, 3 the active goal (none), 4-5 the person's done skills and
    # milestones, 6 published stages for the select; after a catalog change, 3 more: the
    # published roles, their stage skills, their milestones.
    with django_assert_num_queries(6 + 3):
        owner_client.get(URL)
    services.mark_changed(owner)
    with django_assert_num_queries(6):
        owner_client.get(URL)

    grow_tenfold(owner, make_role())
    catalog_changed()

    with django_assert_num_queries(6 + 3):
        html = owner_client.get(URL).content.decode()
    assert html.count('class="closest-role"') == 5
    services.mark_changed(owner)
    with django_assert_num_queries(6):
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
    with django_assert_num_queries(11):
        after = owner_client.get(URL).content.decode()
    # The line that marks today has moved on a day.
    today_line = re.compile(r'<line class="burnup-today" x1="([\d.]+)"')
    assert today_line.findall(before) != today_line.findall(after) != []


def closest_block(html: str) -> str:
    start = html.index('id="closest"')
    return html[start : html.index("</section>", start)]


def test_it_ranks_the_roles_closest_to_the_person_without_their_target(owner_client, owner, setup):
    near = make_role(name="Data Engineer")
    far = make_role(name="Analytics Engineer")
    # Python is one skill: done once, it counts in every role that asks for it.
    StageSkillFactory.create(stage=near.entry, skill=setup.skills["python"], required=True)
    finish_entry(owner, setup)
    for key in ("python", "algebra"):
        services.skill_set_status(user=owner, skill_id=near.skills[key].pk, status="done")
    services.milestone_set_done(user=owner, milestone_id=near.milestones["portfolio"].pk, done=True)

    block = closest_block(owner_client.get(URL).content.decode())

    assert "Roles you are closest to" in block
    assert setup.role.name not in block
    assert block.index("Data Engineer") < block.index("Analytics Engineer")
    # Near: its entry stage (with the shared python) done, 4 of its 7 items up to senior.
    assert (
        f'<a class="closest-name" href="{near.role.get_absolute_url()}">Data Engineer</a>' in block
    )
    assert '<span class="closest-percent">57%</span>' in block
    assert f"You would stand at {near.entry.title} · 3 items left of 7" in block
    assert f'href="{far.role.get_absolute_url()}"' in block
    assert "Not at its first stage yet · 6 items left of 6" in block


def test_a_person_without_a_target_sees_the_roles_closest_to_them(owner_client, owner):
    role = make_role()
    services.skill_set_status(user=owner, skill_id=role.skills["python"].pk, status="done")

    block = closest_block(owner_client.get(URL).content.decode())

    assert f'href="{role.role.get_absolute_url()}">{role.role.name}</a>' in block
    assert '<span class="closest-percent">16%</span>' in block
    assert "your target left out" not in block


def test_closest_roles_leave_out_unpublished_roles_and_roles_without_items(owner_client, setup):
    hidden = make_role(published=False)
    empty = RoleFactory.create(name="Empty role")
    StageFactory.create(role=empty)

    html = owner_client.get(URL).content.decode()

    assert 'id="closest"' not in html
    assert hidden.role.name not in html
    assert "Empty role" not in html


def test_closest_roles_move_when_the_person_ticks_an_item(owner_client, owner, setup):
    other = make_role()
    assert '<span class="closest-percent">0%</span>' in owner_client.get(URL).content.decode()

    services.skill_set_status(user=owner, skill_id=other.skills["torch"].pk, status="done")

    assert '<span class="closest-percent">16%</span>' in owner_client.get(URL).content.decode()


def test_closest_roles_count_another_persons_items_for_nobody_else(owner_client, other_user, setup):
    other = make_role()
    for skill in other.skills.values():
        services.skill_set_status(user=other_user, skill_id=skill.pk, status="done")

    block = closest_block(owner_client.get(URL).content.decode())

    assert '<span class="closest-percent">0%</span>' in block
    assert "100%" not in block
