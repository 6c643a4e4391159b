"""/plan/, "Retired from the catalog": what the person did on items the catalog has since
retired stays theirs to see, with its notes and evidence, and counts nowhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from careers.models import Stage
from tests.factories import StageMilestoneFactory, StageSkillFactory
from tests.tracker_helpers import grow_tenfold, make_role, target
from tracker import services

URL = "/plan/"
RETIRED_TITLE = "Retired from the catalog"


@pytest.fixture
def setup(owner):
    setup = make_role()
    target(owner, setup.senior)
    return setup


@pytest.fixture
def extra(setup):
    """Four more items on the way to the target, to be retired in the tests."""
    return {
        "hadoop": StageSkillFactory.create(stage=setup.entry, skill__name="Hadoop", position=9),
        "fortran": StageSkillFactory.create(stage=setup.entry, skill__name="Fortran", position=10),
        "cobol": StageSkillFactory.create(stage=setup.mid, skill__name="Cobol", position=9),
        "blog": StageMilestoneFactory.create(
            stage=setup.mid, milestone__title="Technical blog", position=9
        ).milestone,
    }


def retire(admin_client, model: str, pk: int) -> None:
    changelist = reverse(f"admin:careers_{model}_changelist")
    response = admin_client.post(changelist, {"action": "retire", "_selected_action": [pk]})
    assert response.status_code == 302


def retired_part(html: str) -> str:
    return html[html.index(RETIRED_TITLE) :]


def work_on_extra_items(owner, setup, extra) -> None:
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    hadoop = extra["hadoop"].skill
    services.skill_set_status(user=owner, skill_id=hadoop.pk, status="done")
    services.skill_save_note(
        user=owner,
        skill_id=hadoop.pk,
        note="Ran the word count on a cluster",
        evidence_url="https://example.com/hadoop-notes",
    )
    services.skill_set_status(user=owner, skill_id=extra["cobol"].skill.pk, status="learning")
    services.milestone_set_done(user=owner, milestone_id=extra["blog"].pk, done=True)
    services.milestone_save_note(
        user=owner,
        milestone_id=extra["blog"].pk,
        note="Five posts on feature stores",
        evidence_url="",
    )


def test_items_retired_in_admin_end_the_plan_from_the_next_request(
    owner_client, admin_client, owner, setup, extra
):
    work_on_extra_items(owner, setup, extra)
    before = owner_client.get(URL).content.decode()  # kept whole from here on
    assert RETIRED_TITLE not in before
    assert "3 of 10 items" in before

    retire(admin_client, "stageskill", extra["hadoop"].pk)
    retire(admin_client, "skill", extra["cobol"].skill.pk)
    retire(admin_client, "milestone", extra["blog"].pk)
    retire(admin_client, "stageskill", extra["fortran"].pk)
    html = owner_client.get(URL).content.decode()

    retired = retired_part(html)
    # Each under its stage, with what the person did and wrote.
    assert (
        retired.index(setup.entry.title) < retired.index("Hadoop") < retired.index(setup.mid.title)
    )
    assert "Ran the word count on a cluster" in retired
    assert 'href="https://example.com/hadoop-notes"' in retired
    assert "Cobol" in retired and "learning since" in retired
    assert "Technical blog" in retired and "Five posts on feature stores" in retired
    # Never started and nothing written: nothing to keep.
    assert "Fortran" not in html
    # Read-only, and shown once: out of the checklist above.
    assert "<form" not in retired and "note-link" not in retired
    assert html.count("Hadoop") == 1 and html.count("Technical blog") == 1
    # Counted nowhere: only Python counts, of the six current items.
    assert "1 of 6 items" in html
    assert "16%" in html


def test_items_of_a_retired_stage_are_kept_too(owner_client, owner, setup):
    services.skill_set_status(user=owner, skill_id=setup.skills["research"].pk, status="done")
    owner_client.get(URL)

    stage = Stage.objects.get(pk=setup.branch.pk)
    stage.is_retired = True
    stage.save()
    retired = retired_part(owner_client.get(URL).content.decode())

    assert setup.branch.title in retired
    assert setup.skills["research"].name in retired
    assert "status-done" in retired


def test_without_retired_work_there_is_no_section(owner_client, owner, admin_client, setup, extra):
    services.skill_set_status(user=owner, skill_id=setup.skills["python"].pk, status="done")
    retire(admin_client, "stageskill", extra["fortran"].pk)

    assert RETIRED_TITLE not in owner_client.get(URL).content.decode()


def test_a_retired_item_cannot_be_ticked_or_noted(owner_client, owner, admin_client, setup, extra):
    work_on_extra_items(owner, setup, extra)
    retire(admin_client, "stageskill", extra["hadoop"].pk)
    hadoop = extra["hadoop"].skill.pk

    assert owner_client.get(reverse("tracker:note_page", args=["skill", hadoop])).status_code == 404
    response = owner_client.post(
        reverse("tracker:skill_status", args=[hadoop]), {"status": "learning"}
    )
    assert response.status_code == 404


def test_it_runs_six_queries_with_retired_items_however_much_data(
    owner_client, admin_client, owner, other_user, setup, extra, django_assert_num_queries
):
    work_on_extra_items(owner, setup, extra)
    retire(admin_client, "stageskill", extra["hadoop"].pk)
    retire(admin_client, "milestone", extra["blog"].pk)
    # As any plan: 1 the account, 2 the profile, 3 the goal, 4-5 the person's skills and
    # milestones (retired ones included), 6 the comments on them; after a catalog change, the
    # role's stage skills and milestones (of retired stages too).
    for grow in (False, True):
        if grow:
            grow_tenfold(owner, setup)
            grow_tenfold(other_user, setup)
        with django_assert_num_queries(6 + 2):
            assert RETIRED_TITLE in owner_client.get(URL).content.decode()
        with django_assert_num_queries(2):
            assert owner_client.get(URL).status_code == 200
        services.mark_changed(owner)
        with django_assert_num_queries(6):
            assert RETIRED_TITLE in owner_client.get(URL).content.decode()
