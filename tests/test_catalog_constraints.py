"""The catalog's rules as the database holds them, and as clean() explains them to editors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from careers.models import MidpointKind, Role, SalaryBand, Skill, Stage, StageSkill
from tests.factories import (
    RoleFactory,
    SalaryBandFactory,
    SkillFactory,
    SourceFactory,
    StageFactory,
    StageSkillFactory,
)

pytestmark = pytest.mark.django_db


def refused(create) -> None:
    """`create` must fail in the database, without breaking the test's transaction."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def messages_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# --- Roles and skills ------------------------------------------------------------------------


def test_it_refuses_a_duplicate_role_slug():
    RoleFactory.create(slug="ml-engineer")
    refused(lambda: RoleFactory.create(slug="ml-engineer"))
    assert Role.objects.filter(slug="ml-engineer").count() == 1


def test_it_explains_a_duplicate_role_slug():
    RoleFactory.create(slug="ml-engineer")
    errors = messages_of(RoleFactory.build(slug="ml-engineer"))
    assert errors["slug"] == ["Role with this Slug already exists."]


def test_it_refuses_a_duplicate_skill_slug():
    SkillFactory.create(slug="python")
    refused(lambda: SkillFactory.create(slug="python"))


def test_it_explains_a_duplicate_skill_slug():
    SkillFactory.create(slug="python")
    errors = messages_of(SkillFactory.build(slug="python"))
    assert errors["slug"] == ["Skill with this Slug already exists."]


def test_it_refuses_a_skill_name_that_differs_only_by_case():
    SkillFactory.create(name="PyTorch")
    refused(lambda: SkillFactory.create(name="pytorch"))
    assert Skill.objects.count() == 1


def test_it_explains_a_skill_name_that_differs_only_by_case():
    SkillFactory.create(name="PyTorch")
    errors = messages_of(SkillFactory.build(name="PYTORCH"))
    assert errors["__all__"] == [
        "A skill with this name already exists (names are compared regardless of case)."
    ]


# --- Stages and their skills -----------------------------------------------------------------


def test_it_refuses_a_skill_twice_in_one_role():
    role = RoleFactory.create()
    first, second = StageFactory.create(role=role), StageFactory.create(role=role)
    skill = SkillFactory.create()
    StageSkillFactory.create(stage=first, skill=skill)
    refused(lambda: StageSkillFactory.create(stage=second, skill=skill))
    assert StageSkill.objects.filter(skill=skill).count() == 1


def test_it_allows_one_skill_in_two_roles():
    skill = SkillFactory.create()
    StageSkillFactory.create(skill=skill)
    StageSkillFactory.create(skill=skill)
    assert StageSkill.objects.filter(skill=skill).count() == 2


def test_it_explains_a_skill_twice_in_one_role():
    role = RoleFactory.create()
    first, second = StageFactory.create(role=role), StageFactory.create(role=role)
    skill = SkillFactory.create()
    StageSkillFactory.create(stage=first, skill=skill)
    errors = messages_of(StageSkill(stage=second, skill=skill))
    assert errors["__all__"] == ["Stage skill with this Role and Skill already exists."]


def test_it_refuses_two_current_stages_at_one_position():
    role = RoleFactory.create()
    StageFactory.create(role=role, position=1)
    refused(lambda: StageFactory.create(role=role, position=1))


def test_it_allows_a_retired_stage_at_a_current_stages_position():
    role = RoleFactory.create()
    StageFactory.create(role=role, position=1)
    StageFactory.create(role=role, position=1, is_retired=True)
    assert Stage.objects.filter(role=role, position=1).count() == 2


def test_it_explains_two_current_stages_at_one_position():
    role = RoleFactory.create()
    StageFactory.create(role=role, position=1)
    errors = messages_of(StageFactory.build(role=role, position=1))
    assert errors["__all__"] == ["Another current stage of this role has this position."]


def test_it_refuses_years_min_above_years_max():
    refused(lambda: StageFactory.create(years_min=5, years_max=2))


def test_it_explains_years_min_above_years_max():
    errors = messages_of(StageFactory.build(role=RoleFactory.create(), years_min=5, years_max=2))
    assert errors == {"years_max": ["Must not be below the minimum years."]}


def test_it_allows_open_years():
    stage = StageFactory.create(years_min=7, years_max=None)
    assert stage.years_label == "7+ years"


# --- Salary bands ----------------------------------------------------------------------------

BAD_BANDS: dict[str, dict[str, int | str | None]] = {
    "low above high": {"low": 200_000, "high": 100_000},
    "low above midpoint": {
        "low": 100_000,
        "midpoint": 90_000,
        "midpoint_kind": MidpointKind.MEDIAN,
        "high": 150_000,
    },
    "midpoint above high": {
        "low": 100_000,
        "midpoint": 160_000,
        "midpoint_kind": MidpointKind.MEDIAN,
        "high": 150_000,
    },
    "p10 above p90": {"p10": 90_000, "p90": 80_000},
    "no figure": {"low": None, "high": None},
    "midpoint without kind": {"low": None, "high": None, "midpoint": 120_000},
}


@pytest.mark.parametrize("figures", BAD_BANDS.values(), ids=BAD_BANDS.keys())
def test_it_refuses_a_salary_band(figures):
    refused(lambda: SalaryBandFactory.create(**figures))
    assert SalaryBand.objects.count() == 0


BAND_MESSAGES = {
    "low above high": ("low", "Must not exceed high."),
    "low above midpoint": ("low", "Must not exceed midpoint."),
    "midpoint above high": ("midpoint", "Must not exceed high."),
    "p10 above p90": ("p10", "Must not exceed p90."),
    "no figure": ("__all__", "Give at least one figure: low, high, midpoint, p10 or p90."),
    "midpoint without kind": (
        "midpoint_kind",
        "Say whether the midpoint is a median or an average.",
    ),
}


@pytest.mark.parametrize("case", BAND_MESSAGES.keys())
def test_it_explains_a_salary_band(case):
    band = SalaryBandFactory.build(
        role=RoleFactory.create(), source=SourceFactory.create(), **BAD_BANDS[case]
    )
    field, message = BAND_MESSAGES[case]
    assert message in messages_of(band)[field]


def test_it_accepts_a_single_average():
    band = SalaryBandFactory.create(
        low=None, high=None, midpoint=150_000, midpoint_kind=MidpointKind.AVERAGE
    )
    band.full_clean()
    assert SalaryBand.objects.get().midpoint == 150_000
