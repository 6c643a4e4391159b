"""Data for the browser and HTML tests, taken from the catalog that ships with Pathwise."""

from __future__ import annotations

from dataclasses import dataclass

from careers.models import Level, Milestone, Role, Skill, Stage, StageSkill
from careers.signals import catalog_changed
from tests.factories import UserFactory
from tracker import services

MLE = "machine-learning-engineer"
MLE_NAME = "Machine Learning Engineer"


@dataclass
class ShippedRole:
    role: Role
    stages: list[Stage]

    @property
    def first(self) -> Stage:
        return self.stages[0]

    @property
    def default_target(self) -> Stage:
        # What the role page's "Make this my target" offers first: the last senior stage.
        return [stage for stage in self.stages if stage.level == Level.SENIOR][-1]

    def required_skills(self, stage: Stage) -> list[Skill]:
        rows = stage.stage_skills.filter(required=True, is_retired=False).order_by("position")
        return [row.skill for row in rows.select_related("skill")]

    def milestones(self, stage: Stage) -> list[Milestone]:
        rows = stage.stage_milestones.filter(is_retired=False).order_by("position")
        return [row.milestone for row in rows.select_related("milestone")]


def shipped_role(slug: str = MLE) -> ShippedRole:
    role = Role.objects.get(slug=slug)
    return ShippedRole(role, list(role.stages.filter(is_retired=False).order_by("position")))


def person_with_progress(username: str = "ana"):
    """Someone aiming at the shipped Machine Learning Engineer role with a few first-stage items
    done, one skill being learnt and a note with an evidence link: every kind of row shows."""
    user = UserFactory.create(username=username)
    mle = shipped_role()
    services.goal_set(user=user, stage=mle.default_target)
    skills = mle.required_skills(mle.first)
    for skill in skills[:3]:
        services.skill_set_status(user=user, skill_id=skill.pk, status="done")
    services.skill_set_status(user=user, skill_id=skills[3].pk, status="learning")
    milestone = mle.milestones(mle.first)[0]
    services.milestone_set_done(user=user, milestone_id=milestone.pk, done=True)
    services.milestone_save_note(
        user=user,
        milestone_id=milestone.pk,
        note="Graduated in June.",
        evidence_url="https://example.com/diploma?year=2024&field=cs",
    )
    return user


def retire_worked_on_items() -> None:
    """Retires, as the admin's action does, what `person_with_progress` worked on: the first
    stage's first milestone (done, with a note and evidence) and its fourth required skill (being
    learnt), so that their plan ends with "Retired from the catalog"."""
    mle = shipped_role()
    skill = mle.required_skills(mle.first)[3]
    StageSkill.objects.filter(role=mle.role, skill=skill).update(is_retired=True)
    Milestone.objects.filter(pk=mle.milestones(mle.first)[0].pk).update(is_retired=True)
    catalog_changed()
