"""The fast paths give what the plain ones give: checklist skeletons (tracker.checklist) render
what the template renders, compiled reads (config.compiled) return what the QuerySet returns."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from careers import cache as catalog_cache
from careers.models import Skill
from config.compiled import CompiledRead
from tests.tracker_helpers import make_role, target
from tracker import checklist, services
from tracker.models import SkillProgress

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    python, algebra, spark = (setup.skills[k] for k in ("python", "algebra", "spark"))
    services.skill_set_status(user=owner, skill=python, status="done")
    services.skill_set_status(user=owner, skill=algebra, status="learning")
    services.skill_save_note(user=owner, skill=spark, note="<b>mine</b>", evidence_url="")
    services.milestone_set_done(user=owner, milestone=setup.milestones["portfolio"], done=True)
    return setup


def without_tokens(html: str) -> str:
    return TOKEN.sub(r"\1TOKEN", html)


@pytest.mark.parametrize("path", ["/plan/", "/dashboard/"])
def test_a_page_from_skeletons_is_the_page_rendered_plainly(owner_client, setup, path, monkeypatch):
    owner_client.get(path)  # the skeletons made
    fast = owner_client.get(path).content.decode()

    # Without a catalog version (the cache down) every partial is rendered in full.
    monkeypatch.setattr(catalog_cache, "version", lambda: None)
    plain = owner_client.get(path).content.decode()

    assert without_tokens(fast) == without_tokens(plain)
    assert "\x00" not in fast
    assert "&lt;b&gt;mine&lt;/b&gt;" in fast or path == "/dashboard/"


def test_an_item_in_every_state_matches_its_plain_rendering(owner_client, owner, setup, rf):
    from django.template.loader import render_to_string

    from tracker import selectors

    request = rf.get("/plan/")
    request.user = owner
    goal = selectors.active_goal(owner)
    plan = selectors.load_plan(owner, goal)
    version = plan.structure.version
    for next_url, compact in ((None, False), ("/dashboard/#next-steps", True)):
        context = checklist.item_context(request, next_url=next_url, compact=compact)
        for row in plan.rows.values():
            fast = checklist.item_html(row, context, version)
            again = checklist.item_html(row, context, version)  # from the skeleton
            plain = render_to_string(checklist.ITEM, {**context, "row": row})
            assert fast == again == plain, row.name
    states = {row.status for row in plan.rows.values()}
    assert states == {"not_started", "learning", "done"}


@pytest.mark.parametrize("aim", ["senior", "branch"])
@pytest.mark.parametrize(
    "kind,key,posted",
    [
        ("skill", "torch", {"status": "done"}),
        ("skill", "python", {"status": "learning"}),
        ("skill", "spark", {"status": "done"}),  # recommended: counted nowhere
        ("milestone", "deploy", {"done": "1"}),
        ("milestone", "portfolio", {"done": "0"}),
    ],
)
def test_a_check_off_answer_from_skeletons_is_the_answer_rendered_plainly(
    owner_client, owner, setup, kind, key, posted, aim, rf
):
    """The htmx answer, made from what the check-off read as it wrote (the figures of the way to
    the target only), is the item and figures that the whole plan read afresh renders plainly,
    whether the target is a senior stage or a specialized branch."""
    from django.template.loader import render_to_string

    from tracker import selectors

    target(owner, getattr(setup, aim))
    # The branch counts the senior stage's items too: some done, so that it shows.
    services.skill_set_status(user=owner, skill=setup.skills["mlops"], status="done")

    item = setup.skills[key] if kind == "skill" else setup.milestones[key]
    url = f"/plan/{kind}s/{item.pk}/{'status' if kind == 'skill' else 'done'}/"
    headers = {"HTTP_HX_REQUEST": "true"}
    fast = owner_client.post(url, posted, **headers).content.decode()
    owner_client.post(url, posted, **headers)  # the same again: a no-op, from the skeleton
    again = owner_client.post(url, posted, **headers).content.decode()

    plan = selectors.load_plan(owner, selectors.active_goal(owner))
    row = plan.rows[(kind, item.pk)]
    context = checklist.item_context(rf.get("/plan/"), next_url=None, compact=False, token="T")
    row.html = render_to_string(checklist.ITEM, {**context, "row": row})
    sp = plan.progress.stage(row.stage_id)
    plain = render_to_string(checklist.CHECKOFF, {"plan": plan, "row": row, "sp": sp})

    assert without_tokens(fast) == without_tokens(again) == without_tokens(plain)
    assert "\x00" not in fast
    assert f'id="stage-{row.stage_id}-stats"' in fast


def test_a_compiled_read_returns_what_its_queryset_returns(owner, other_user, setup):
    long_ago = timezone.now() - timedelta(days=400)
    SkillProgress.objects.filter(user=owner).update(started_at=long_ago)
    services.skill_set_status(user=other_user, skill=setup.skills["torch"], status="learning")

    def build(user_id, since, ids):
        return (
            SkillProgress.objects.filter(
                user_id=user_id, started_at__gte=since, skill_id__any_of=ids
            )
            .order_by("skill_id")
            .values_list("skill_id", "status", "started_at")
        )

    read = CompiledRead(build)
    all_ids = list(Skill.objects.values_list("id", flat=True))
    for user, since, ids in [
        (owner, long_ago, all_ids),
        (owner, long_ago, all_ids[:1]),
        (other_user, long_ago, all_ids),
        (owner, timezone.now() - timedelta(days=1), all_ids),
        (owner, long_ago, []),
    ]:
        assert read(user.pk, since, ids) == list(build(user.pk, since, ids)), (user, since, ids)
    assert read._statement is not None  # compiled, not falling back


def test_a_read_it_cannot_compile_still_answers(owner, setup):
    read = CompiledRead(
        lambda done: (
            SkillProgress.objects.filter(status="done" if done else "learning")
            .order_by("id")
            .values_list("skill_id")
        )
    )

    assert read(True) == [(setup.skills["python"].pk,)]
    assert read._statement is None


def test_any_of_finds_what_in_finds(owner, setup):
    ids = [*[s.pk for s in setup.skills.values()][:3], 999_999]

    found = set(SkillProgress.objects.filter(skill_id__any_of=ids).values_list("id", flat=True))

    assert found == set(SkillProgress.objects.filter(skill_id__in=ids).values_list("id", flat=True))
    assert found
