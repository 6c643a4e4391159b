"""A person with a month of history on the shipped catalog, for the history page's tests and for
looking at it: a target changed half-way, an item ticked almost every day, one unticked and
ticked again, and a note."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from careers.models import Level
from tests.browser.data import shipped_role
from tests.factories import UserFactory
from tracker import services
from tracker.models import Goal, ProgressEvent


def _dated(user: User, moment: datetime) -> None:
    """Moves the person's latest event (and the goal it made) back to `moment`."""
    event = ProgressEvent.objects.filter(user=user).order_by("-id").first()
    assert event is not None
    ProgressEvent.objects.filter(pk=event.pk).update(created_at=moment)
    if event.goal_id is not None:
        Goal.objects.filter(pk=event.goal_id).update(created_at=moment)


def person_with_a_month_of_history(username: str = "ana", days: int = 30) -> User:
    user = UserFactory.create(username=username)
    mle = shipped_role()
    first_mid = next(stage for stage in mle.stages if stage.level == Level.MID)
    # Each day's changes fall between 08:00 and 10:00, so none crosses midnight into the next
    # day whatever the time the test runs at.
    start = (timezone.localtime() - timedelta(days=days)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    services.goal_set(user=user, stage=first_mid)
    _dated(user, start)
    items = [
        ("skill", skill.pk)
        for stage in mle.stages
        if stage.position <= first_mid.position
        for skill in mle.required_skills(stage)
    ] + [
        ("milestone", milestone.pk)
        for stage in mle.stages
        if stage.position <= first_mid.position
        for milestone in mle.milestones(stage)
    ]
    ticked = iter(items)
    for day in range(1, days):
        moment = start + timedelta(days=day, hours=2)
        if day == days // 2:
            # A further target: the total steps up.
            services.goal_set(user=user, stage=mle.default_target)
            _dated(user, moment)
        if day % 7 == 3:
            continue  # a day off
        kind, item_id = next(ticked, (None, 0))
        if kind == "skill":
            services.skill_set_status(user=user, skill_id=item_id, status="done")
        elif kind == "milestone":
            services.milestone_set_done(user=user, milestone_id=item_id, done=True)
        else:
            break
        _dated(user, moment)
        if day == 5 and kind == "skill":
            # Unticked by mistake and ticked again an hour later.
            services.skill_set_status(user=user, skill_id=item_id, status="learning")
            _dated(user, moment + timedelta(minutes=30))
            services.skill_set_status(user=user, skill_id=item_id, status="done")
            _dated(user, moment + timedelta(hours=1))
        if day == 11:
            services.skill_save_note(
                user=user, skill_id=items[0][1], note="Took the course.", evidence_url=""
            )
            _dated(user, moment + timedelta(minutes=5))
    services.mark_changed(user)
    return user
