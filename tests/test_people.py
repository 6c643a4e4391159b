"""The account of a session comes with its profile and active goal, in one statement."""

from __future__ import annotations

from tests.factories import RegionFactory, UserFactory
from tests.tracker_helpers import make_role, target
from tracker import people, selectors, services
from tracker.models import Profile
from tracker.people import PersonBackend


def test_it_reads_account_profile_and_goal_at_once(owner, django_assert_num_queries):
    setup = make_role()
    target(owner, setup.senior)
    region = RegionFactory(name="Somewhere")
    Profile.objects.update_or_create(user=owner, defaults={"region": region})

    with django_assert_num_queries(1):
        user = PersonBackend().get_user(owner.pk)
        person = people.of(user)
        goal = selectors.active_goal(user, with_profile=True)

    assert user == owner and user.password == owner.password and user.is_active
    assert person.profile.region.name == "Somewhere"
    assert goal.target_stage_id == setup.senior.pk and goal.role.name == setup.role.name
    assert goal.profile.region.name == "Somewhere"


def test_it_refuses_inactive_missing_and_malformed_accounts(db):
    inactive = UserFactory(is_active=False)

    assert PersonBackend().get_user(inactive.pk) is None
    assert PersonBackend().get_user(987654) is None
    assert PersonBackend().get_user("not-a-number") is None


def test_a_person_without_profile_or_goal_has_no_version(db):
    user = UserFactory()
    Profile.objects.filter(user=user).delete()

    person = people.of(PersonBackend().get_user(user.pk))

    assert (person.goal, person.profile, person.version_key) == (None, None, None)


def test_a_goal_of_an_unpublished_role_is_no_goal(owner):
    setup = make_role()
    target(owner, setup.senior)
    type(setup.role).objects.filter(pk=setup.role.pk).update(is_published=False)

    user = PersonBackend().get_user(owner.pk)

    assert people.of(user).goal is None
    assert selectors.active_goal(user) is None


def test_a_change_drops_the_snapshot_so_the_request_reads_anew(owner):
    setup = make_role()
    target(owner, setup.entry)
    user = PersonBackend().get_user(owner.pk)

    services.goal_set(user=user, stage=setup.senior)

    assert people.of(user) is None
    assert selectors.active_goal(user).target_stage_id == setup.senior.pk


def test_the_version_key_follows_every_change(owner):
    setup = make_role()
    target(owner, setup.entry)
    before = people.of(PersonBackend().get_user(owner.pk)).version_key

    services.skill_set_status(user=owner, skill=setup.skills["python"], status="learning")

    assert people.of(PersonBackend().get_user(owner.pk)).version_key != before
