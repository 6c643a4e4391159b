"""The keys of each mapping in a catalog document, with the check each value must pass."""

from __future__ import annotations

from careers.models import (
    Family,
    Level,
    MidpointKind,
    Milestone,
    MilestoneKind,
    OutlookFact,
    PayBasis,
    Region,
    Resource,
    ResourceKind,
    Role,
    SalaryBand,
    Skill,
    SkillCategory,
    Source,
    Stage,
)

from .checks import (
    MONEY_MAX,
    YEAR_RANGE,
    Key,
    boolean,
    choice,
    filled,
    line,
    listing,
    mapping,
    max_length,
    slug,
    text,
    web_address,
    whole,
)

TOP_KEYS = {
    "version": Key(whole(), required=True),
    "sources": Key(listing, default=[]),
    "regions": Key(listing, default=[]),
    "skills": Key(listing, default=[]),
    "milestones": Key(listing, default=[]),
    "roles": Key(listing, required=True),
}
SOURCE_KEYS = {
    "slug": Key(slug, required=True),
    "title": Key(line(max_length(Source, "title")), required=True),
    "publisher": Key(text(max_length(Source, "publisher")), default=""),
    "year": Key(whole(*YEAR_RANGE), required=True),
    "note": Key(text(), default=""),
}
REGION_KEYS = {
    "slug": Key(slug, required=True),
    "name": Key(line(max_length(Region, "name")), required=True),
}
SKILL_KEYS = {
    "slug": Key(slug, required=True),
    "name": Key(line(max_length(Skill, "name")), required=True),
    "category": Key(choice(SkillCategory), required=True),
    "description": Key(text(), default=""),
    "resources": Key(listing, default=[]),
}
RESOURCE_KEYS = {
    "title": Key(line(max_length(Resource, "title")), required=True),
    "url": Key(web_address(max_length(Resource, "url")), required=True),
    "kind": Key(choice(ResourceKind), required=True),
    "free": Key(boolean, default=True),
}
BAND_KEYS = {
    "region": Key(slug),
    "low": Key(whole(high=MONEY_MAX)),
    "high": Key(whole(high=MONEY_MAX)),
    "midpoint": Key(whole(high=MONEY_MAX)),
    "midpoint_kind": Key(choice(MidpointKind), default=""),
    "p10": Key(whole(high=MONEY_MAX)),
    "p90": Key(whole(high=MONEY_MAX)),
    "basis": Key(choice(PayBasis), default=PayBasis.BASE.value),
    "year": Key(whole(*YEAR_RANGE), required=True),
    "source": Key(slug, required=True),
    "section": Key(line(max_length(SalaryBand, "section")), required=True),
    "note": Key(text(max_length(SalaryBand, "note")), default=""),
}
FIGURES = ("low", "high", "midpoint", "p10", "p90")
ORDERED_FIGURES = (("low", "high"), ("low", "midpoint"), ("midpoint", "high"), ("p10", "p90"))
OUTLOOK_KEYS = {
    "text": Key(line(max_length(OutlookFact, "text")), required=True),
    "source": Key(slug, required=True),
    "section": Key(line(max_length(OutlookFact, "section")), required=True),
}
MILESTONE_KEYS = {
    "slug": Key(slug, required=True),
    "title": Key(line(max_length(Milestone, "title")), required=True),
    "kind": Key(choice(MilestoneKind), required=True),
    "description": Key(text(), default=""),
}
STAGE_SKILL_KEYS = {
    "required": Key(listing, default=[]),
    "recommended": Key(listing, default=[]),
}
STAGE_KEYS = {
    "slug": Key(slug, required=True),
    "level": Key(choice(Level), required=True),
    "title": Key(line(max_length(Stage, "title")), required=True),
    "years_min": Key(whole()),
    "years_max": Key(whole()),
    "summary": Key(text(), default=""),
    "leads_to": Key(slug),
    "skills": Key(mapping, default={}),
    "milestones": Key(listing, default=[]),
    "salary": Key(listing, default=[]),
}
ROLE_KEYS = {
    "slug": Key(slug, required=True),
    "name": Key(line(max_length(Role, "name")), required=True),
    "family": Key(choice(Family), required=True),
    "published": Key(boolean, default=True),
    "featured": Key(boolean, default=False),
    "summary": Key(filled(), required=True),
    "description": Key(text(), default=""),
    "responsibilities": Key(listing, default=[]),
    "outlook": Key(listing, default=[]),
    "salary": Key(listing, default=[]),
    "stages": Key(listing, required=True),
}
