"""Model factories. Call them as RoleFactory.create(...) (or .build(...)): typed as the model,
where calling the class itself, RoleFactory(...), is typed as the factory."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from careers.models import (
    Level,
    Milestone,
    MilestoneKind,
    Region,
    Resource,
    ResourceKind,
    Role,
    SalaryBand,
    Skill,
    SkillCategory,
    Source,
    Stage,
    StageMilestone,
    StageSkill,
)
from tracker.models import MENTORSHIP_INVITATION_DAYS, Mentorship, MentorshipStatus

PASSWORD = "a-Strong-passphrase-42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Career guide {n}")
    publisher = "Guides Inc."
    year = 2024


class RoleFactory(factory.django.DjangoModelFactory[Role]):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    family = "machine-learning"
    summary = "Builds things with models."
    description = "A longer description."
    responsibilities = "Build models\nShip them"
    is_published = True


class StageFactory(factory.django.DjangoModelFactory[Stage]):
    class Meta:
        model = Stage

    role = factory.SubFactory(RoleFactory)
    slug = factory.Sequence(lambda n: f"stage-{n}")
    level = Level.ENTRY
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Stage {n}")
    years_min = 0
    years_max = 2


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    category = SkillCategory.PROGRAMMING


class StageSkillFactory(factory.django.DjangoModelFactory[StageSkill]):
    class Meta:
        model = StageSkill

    stage = factory.SubFactory(StageFactory)
    skill = factory.SubFactory(SkillFactory)
    required = True
    position = factory.Sequence(lambda n: n)


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"Milestone {n}")
    slug = factory.Sequence(lambda n: f"milestone-{n}")
    kind = MilestoneKind.PROJECT


class StageMilestoneFactory(factory.django.DjangoModelFactory[StageMilestone]):
    class Meta:
        model = StageMilestone

    stage = factory.SubFactory(StageFactory)
    milestone = factory.SubFactory(MilestoneFactory)
    position = factory.Sequence(lambda n: n)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"City {n}, ST")
    slug = factory.Sequence(lambda n: f"city-{n}-st")


class SalaryBandFactory(factory.django.DjangoModelFactory[SalaryBand]):
    class Meta:
        model = SalaryBand

    role = factory.SubFactory(RoleFactory)
    stage = None
    region = None
    low = 100_000
    high = 150_000
    year = 2024
    source = factory.SubFactory(SourceFactory)
    section = "Salary Ranges"


class MentorshipFactory(factory.django.DjangoModelFactory[Mentorship]):
    """An accepted relation by default; status=MentorshipStatus.PENDING for an invitation."""

    class Meta:
        model = Mentorship

    person = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    status = MentorshipStatus.ACCEPTED
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=MENTORSHIP_INVITATION_DAYS)
    )
    responded_at = factory.LazyAttribute(
        lambda m: timezone.now() if m.status != MentorshipStatus.PENDING else None
    )


class ResourceFactory(factory.django.DjangoModelFactory[Resource]):
    class Meta:
        model = Resource

    skill = factory.SubFactory(SkillFactory)
    title = factory.Sequence(lambda n: f"Guide {n}")
    url = factory.Sequence(lambda n: f"https://docs.example/{n}/")
    kind = ResourceKind.DOCUMENTATION
    is_free = True
    position = factory.Sequence(lambda n: n)
