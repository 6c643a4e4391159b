"""/plan/: the checklist of the target role, stage by stage."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker import services
from tracker.models import MilestoneProgress, SkillProgress

URL = "/plan/"


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


def test_the_url_is_named():
    assert reverse("tracker:plan") == URL


def test_anonymous_visitors_are_sent_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_without_a_goal_it_points_to_the_roles(owner_client):
    response = owner_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You have not chosen a target role yet." in html
    assert 'href="/roles/"' in html


def test_it_shows_the_stages_on_the_way_in_order(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    titles = re.findall(r'<h2 id="stage-\d+-title">.*?</span>\s*(.*?)\s*</h2>', html, re.S)
    assert titles == ["Junior engineer", "Engineer", "Senior engineer"]
    # The specialized branch is not on the way to a senior target, but the page says where it is.
    assert setup.skills["research"].name not in html
    assert "other branches are on" in html


def test_it_shows_required_then_recommended_then_milestones(owner_client, setup):
    html = owner_client.get(URL).content.decode()
    start, end = (
        html.index(f'id="stage-{setup.entry.pk}"'),
        html.index(f'id="stage-{setup.mid.pk}"'),
    )
    entry = html[start:end]

    order = [
        entry.index("Required skills"),
        entry.index(setup.skills["python"].name),
        entry.index("(recommended, not counted)"),
        entry.index(setup.skills["spark"].name),
        entry.index("Milestones"),
        entry.index(setup.milestones["portfolio"].title),
    ]
    assert order == sorted(order)


def test_it_shows_each_stages_percent_and_whether_it_is_reached(owner_client, owner, setup):
    for key in ("python", "algebra"):
        SkillProgress.objects.create(user=owner, skill=setup.skills[key], status="done")
    MilestoneProgress.objects.create(
        user=owner, milestone=setup.milestones["portfolio"], completed_at="2026-11-09T10:00Z"
    )
    SkillProgress.objects.create(user=owner, skill=setup.skills["torch"], status="learning")

    html = owner_client.get(URL).content.decode()

    entry_stats = _stats(html, setup.entry.pk)
    assert "100%" in entry_stats
    assert "reached" in entry_stats
    mid_stats = _stats(html, setup.mid.pk)
    assert "0%" in mid_stats
    assert "reached" not in mid_stats
    # 3 of the 6 items on the way to senior.
    assert '<strong class="big-percent">50%</strong> of the way to Senior engineer' in html
    assert "done 9 Nov" in html
    assert "status-learning" in html


def test_every_checkbox_has_the_item_name_as_its_label(owner_client, setup):
    html = owner_client.get(URL).content.decode()

    for obj, kind in [
        (setup.skills["python"], "skill"),
        (setup.skills["spark"], "skill"),
        (setup.milestones["portfolio"], "milestone"),
    ]:
        name = getattr(obj, "name", None) or obj.title
        # A skill's name links to its page.
        shown = f'<a href="/skills/{obj.slug}/">{name}</a>' if kind == "skill" else name
        pattern = (
            rf'<label for="{kind}-{obj.pk}-done">\s*<input type="checkbox" '
            rf'id="{kind}-{obj.pk}-done"[^>]*>\s*<span class="item-name">{shown}</span>'
        )
        assert re.search(pattern, html), name


def test_each_item_is_a_plain_form_that_posts_the_state_it_wants(owner_client, setup):
    html = owner_client.get(URL).content.decode()
    python = setup.skills["python"]

    assert f'<form method="post" action="/plan/skills/{python.pk}/status/"' in html
    assert f'data-hx-post="/plan/skills/{python.pk}/status/" data-hx-trigger="change"' in html
    assert '<input type="hidden" name="status" value="not_started">' in html
    assert 'name="status" value="done"' in html
    assert '<input type="hidden" name="status" value="learning">' in html
    assert '<noscript><button type="submit"' in html


def test_it_shows_the_persons_notes_and_evidence(owner_client, owner, setup):
    SkillProgress.objects.create(
        user=owner,
        skill=setup.skills["python"],
        status="done",
        note="Did the whole course",
        evidence_url="https://github.com/owner/course",
    )

    html = owner_client.get(URL).content.decode()

    assert "Did the whole course" in html
    assert '<a href="https://github.com/owner/course" rel="nofollow noopener noreferrer">' in html


def test_it_never_shows_another_persons_notes_evidence_or_goal(
    owner_client, owner, other_user, setup
):
    other = make_role()
    target(other_user, other.mid)
    SkillProgress.objects.create(
        user=other_user,
        skill=setup.skills["python"],
        status="done",
        note="Outsider's secret note",
        evidence_url="https://outsider.example/proof",
    )
    MilestoneProgress.objects.create(
        user=other_user,
        milestone=setup.milestones["portfolio"],
        completed_at="2026-11-01T00:00Z",
        note="Outsider's milestone note",
    )

    html = owner_client.get(URL).content.decode()

    assert "Outsider&#x27;s secret note" not in html
    assert "outsider.example" not in html
    assert "milestone note" not in html
    assert other.role.name not in html
    # The outsider's ticks are not the owner's: nothing is done here.
    assert '<strong class="big-percent">0%</strong>' in html


def test_a_goal_on_an_unpublished_role_shows_the_no_goal_page(owner_client, setup):
    type(setup.role).objects.filter(pk=setup.role.pk).update(is_published=False)

    html = owner_client.get(URL).content.decode()

    assert "You have not chosen a target role yet." in html


def test_a_specialized_target_shows_the_chain_and_its_branch(owner_client, owner, setup):
    target(owner, setup.branch)

    html = owner_client.get(URL).content.decode()

    assert setup.skills["research"].name in html
    assert setup.skills["mlops"].name in html


def test_it_runs_six_queries_however_much_data_and_two_when_nothing_changed(
    owner_client, owner, other_user, setup, django_assert_num_queries
):
    SkillProgress.objects.create(user=owner, skill=setup.skills["python"], status="done")
    # 1 the account, 2 the profile (its progress version keys the kept page), 3 the active goal
    # with its role and target stage, 4-5 this person's progress on the role's skills and on
    # its milestones, 6 mentors' comments on its items with their names. The role's stages and
    # items come from the catalog cache; after a catalog change the first request reads them too
    # (its stage skills, its milestones). Until the person's data or the catalog changes, the
    # page is served as it was rendered: the account and the profile alone.
    with django_assert_num_queries(6 + 2):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(URL).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(6):
        assert owner_client.get(URL).status_code == 200

    grow_tenfold(owner, setup)
    grow_tenfold(other_user, setup)

    with django_assert_num_queries(6 + 2):
        assert owner_client.get(URL).status_code == 200
    with django_assert_num_queries(2):
        assert owner_client.get(URL).status_code == 200
    services.mark_changed(owner)
    with django_assert_num_queries(6):
        assert owner_client.get(URL).status_code == 200


def _stats(html: str, stage_id: int) -> str:
    start = html.index(f'id="stage-{stage_id}-stats"')
    return html[start : html.index("</div>", start)]
