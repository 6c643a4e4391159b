"""The catalog's fixed vocabularies, and the rule that reads one of them: the last senior stage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from django.db import models


class Family(models.TextChoices):
    MACHINE_LEARNING = "machine-learning", "Machine learning"
    RESEARCH = "research", "Research"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    DATA = "data", "Data"
    PRODUCT = "product", "Product"
    CONSULTING = "consulting", "Consulting"
    LEADERSHIP = "leadership", "Leadership"


class Level(models.TextChoices):
    ENTRY = "entry", "Entry"
    MID = "mid", "Mid"
    SENIOR = "senior", "Senior"
    SPECIALIZED = "specialized", "Specialized"


class HasLevel(Protocol):
    # Read-only, so that frozen dataclasses (tracker.progress.Stage) match as well as models.
    @property
    def level(self) -> str: ...


StageT = TypeVar("StageT", bound=HasLevel)


def last_senior_stage(chain: Sequence[StageT]) -> StageT | None:
    """The last senior stage of a role's chain (its stages in order, specialized ones left
    out): where specialized branches start, and the target a role page offers first."""
    seniors = [stage for stage in chain if stage.level == Level.SENIOR]
    return seniors[-1] if seniors else None


class SkillCategory(models.TextChoices):
    PROGRAMMING = "programming", "Programming"
    ML_FRAMEWORKS = "ml-frameworks", "ML frameworks"
    MATH_STATS = "math-stats", "Math and statistics"
    DATA = "data", "Data"
    DEEP_LEARNING = "deep-learning", "Deep learning"
    MLOPS_INFRA = "mlops-infra", "MLOps and infrastructure"
    SOFT_SKILLS = "soft-skills", "Soft skills"
    DOMAIN = "domain", "Domain"


class ResourceKind(models.TextChoices):
    DOCUMENTATION = "documentation", "Documentation"
    COURSE = "course", "Course"
    BOOK = "book", "Book"
    PAPER = "paper", "Paper"
    TUTORIAL = "tutorial", "Tutorial"


class MilestoneKind(models.TextChoices):
    EDUCATION = "education", "Education"
    EXPERIENCE = "experience", "Experience"
    PROJECT = "project", "Project"
    CERTIFICATION = "certification", "Certification"
    LEADERSHIP = "leadership", "Leadership"


class PayBasis(models.TextChoices):
    BASE = "base", "Base pay"
    TOTAL = "total", "Total compensation"


class MidpointKind(models.TextChoices):
    MEDIAN = "median", "Median"
    AVERAGE = "average", "Average"
