"""The public pages: the landing page, the catalog and each role.

What a page shows of the catalog is the same for every visitor, so its partial is rendered once
per catalog version and kept (careers.cache); the page around it, which differs between visitors
(the menu, a signed-in person's target form), is rendered for each request. Only a bounded set of
parts is kept (known families, real page numbers, a role's own regions): a search, or a value
nobody offers, is rendered for its request alone, so visitors cannot fill the cache.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from . import cache as catalog_cache
from . import compare, page_cache, queries, search
from .choices import Family, Level, SkillCategory, last_senior_stage
from .compare import CompareForm
from .models import Region, Stage, StageSkill
from .salaries import cited_sources, salary_view

PARAM_MAX_LENGTH = 100
ROLES_PER_PAGE = 50


def _public(
    request: HttpRequest,
    version: int | None,
    render: Callable[[dict[str, Any]], HttpResponse],
    variant: str = "",
    query: str = "",
) -> HttpResponse:
    """A public page, `render(extra_context)`, kept whole when its address has no query, or when
    the view says what of the query the page shows, checked (`query`): it is the same for every
    visitor, and for everyone signed in but for the CSRF token (careers.page_cache) and what
    `variant` names (the person's region). Other addresses are rendered for their request,
    around the parts kept by catalog version."""
    key = None
    if version is not None and (query or not request.GET):
        who = "member" if request.user.is_authenticated else "visitor"
        key = f"public:{who}:{variant}:{request.path}:{query}:catalog:{version}"
    response = page_cache.serve(
        request, key, lambda extra: (render(extra), None), settings.CATALOG_CACHE_TIMEOUT
    )
    # The signed-in version has the person's menu: no shared cache may give it to a visitor.
    patch_vary_headers(response, ("Cookie",))
    return response


def _positive_int(value: str, default: int = 1) -> int:
    """A page number as typed in a URL; anything but plain ASCII digits is the default."""
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        return default
    return max(int(value), 1)


def _clean_text(value: str, max_length: int = PARAM_MAX_LENGTH) -> str:
    # Capped because the page repeats the value back; NUL, which no database takes in a query
    # and no form sends, is dropped with the other control characters.
    text = "".join(ch for ch in value if ch.isprintable())
    return text.strip()[:max_length]


# --- Landing page -----------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    version = catalog_cache.version()

    def render_home(extra: dict[str, Any]) -> HttpResponse:
        featured = catalog_cache.cached(
            "home:featured",
            version,
            lambda: render_to_string("home.html#featured", {"featured": queries.featured_roles()}),
        )
        return render(request, "home.html", {"featured_html": featured, **extra})

    return _public(request, version, render_home)


# --- Catalog ----------------------------------------------------------------------------------


def _role_list_content(family: str, number: int) -> str:
    roles = queries.role_listing(family=family or None)
    page = Paginator(roles, ROLES_PER_PAGE).get_page(number)
    context = {
        "roles": page.object_list,
        "page": page,
        "total": len(roles),
        "page_query": f"{urlencode({'family': family})}&" if family else "",
        "family": family,
        "family_label": Family(family).label if family else "",
    }
    return render_to_string("careers/role_list.html#results", context)


def _search_results(version: int | None, family: str, query: str, number: int) -> str:
    """What a search finds, ranked (careers.search), from the catalog's search entries: no
    query when the cache holds them. Rendered for its request alone, as the query is typed."""
    found = search.terms(query)
    index = catalog_cache.cached(
        "search:roles", version, lambda: search.RoleIndex.of(queries.role_entries())
    )
    ranked = search.rank_roles(index, found)
    if family:
        ranked = [(role, score) for role, score in ranked if role.family == family]
    page = Paginator(ranked, ROLES_PER_PAGE).get_page(number)
    skills = catalog_cache.cached(
        "search:skills", version, lambda: search.SkillIndex.of(queries.skill_entries())
    )
    params = {key: value for key, value in (("family", family), ("q", query)) if value}
    context = {
        "hits": [search.role_hit(role, score, found) for role, score in page.object_list],
        "page": page,
        "total": len(ranked),
        "page_query": urlencode(params) + "&",
        "family_label": Family(family).label if family else "",
        "search": query,
        # Skills on the first page only, above the roles that ask for them.
        "skill_hits": search.find_skills(skills, found) if page.number == 1 else [],
        "families": dict(Family.choices),
    }
    return render_to_string("careers/role_list.html#search-results", context)


@require_safe
def role_list(request: HttpRequest) -> HttpResponse:
    version = catalog_cache.version()

    def render_list(extra: dict[str, Any]) -> HttpResponse:
        family = _clean_text(request.GET.get("family", ""))
        query = _clean_text(request.GET.get("q", ""), queries.SEARCH_MAX_LENGTH)
        number = _positive_int(request.GET.get("page", ""))
        # A family no form offers (an old link, a typo) shows everything and says so.
        unknown_family = family if family and family not in Family.values else ""
        family = "" if unknown_family else family
        families = catalog_cache.cached("families", version, queries.families_with_roles)
        if query:
            results = _search_results(version, family, query, number)
        else:
            listed = sum(count for value, _, count in families if value == family or not family)
            number = min(number, max(1, math.ceil(listed / ROLES_PER_PAGE)))
            results = catalog_cache.cached(
                f"roles:{family}:{number}",
                version,
                lambda: _role_list_content(family, number),
            )
        family_label = Family(family).label if family else ""
        context = {
            "title": f"{family_label} roles" if family_label else "Roles",
            "results": results,
            "families": families,
            "family": family,
            "unknown_family": unknown_family,
            "search": query,
            "filtered": bool(family or query),
        }
        return render(request, "careers/role_list.html", context | extra)

    return _public(request, version, render_list)


# --- Role page --------------------------------------------------------------------------------


def _target_choices(chain: list[Stage], branches: list[Stage]) -> dict[str, Any]:
    """What "Make this my target" offers, as plain values: the last senior stage comes first."""
    default = last_senior_stage(chain) or (chain[-1] if chain else None)
    options = []
    for stage in chain:
        detail = stage.get_level_display()
        if stage.years_label:
            detail += f", {stage.years_label}"
        options.append((stage.pk, f"{stage.title} ({detail})", stage == default))
    return {"chain": options, "branches": [(stage.pk, stage.title) for stage in branches]}


def _role_page(slug: str, region: str) -> dict[str, Any] | None:
    """Everything the role page shows of the catalog for one region ("" for national)."""
    role = queries.role_pages().filter(slug=slug).first()
    if role is None:
        return None
    stages = role.active_stages
    # Specialized stages branch off after the last senior stage rather than continuing the chain.
    chain = [stage for stage in stages if stage.level != Level.SPECIALIZED]
    branches = [stage for stage in stages if stage.level == Level.SPECIALIZED]
    pay = salary_view(role.bands, [*chain, *branches], region)
    context = {
        "role": role,
        "chain": chain,
        "branches": branches,
        "branch_point": last_senior_stage(chain) or (chain[-1] if chain else None),
        "pay": pay,
        "sources": cited_sources([row.band for row in pay.rows], role.outlook_facts),
    }
    return {
        "name": role.name,
        "slug": role.slug,
        "summary": role.summary,
        "head": render_to_string("careers/role_detail.html#head", context),
        "body": render_to_string("careers/role_detail.html#body", context),
        "target": _target_choices(chain, branches) if chain or branches else None,
    }


def _person_region(request: HttpRequest) -> tuple[int | None, str, str]:
    """The signed-in person's region as (id, slug, name); (None, "", "") for a visitor or no
    region.

    Read through the region's side of the profile's foreign key, so that the catalog needs
    nothing of the tracker app (one query, for people signed in only).
    """
    if not request.user.is_authenticated:
        return None, "", ""
    found = Region.objects.filter(profile__user=request.user).values_list("pk", "slug", "name")
    return found.first() or (None, "", "")


@require_safe
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The role; its salary figures for the region asked for in the address, else the signed-in
    person's own region, else national (careers.salaries.headline_band says which figure heads
    each stage)."""
    version = catalog_cache.version()
    _, person_region, person_region_name = _person_region(request)

    def render_role(extra: dict[str, Any]) -> HttpResponse:
        asked = _clean_text(request.GET.get("region", ""))
        region = asked or person_region
        # Only the regions this role has figures for are kept; any other shows national figures.
        unknown_region = region_without_figures = ""
        if region:
            regions = catalog_cache.cached(
                f"role-regions:{slug}", version, lambda: queries.role_region_slugs(slug)
            )
            if region not in regions:
                if asked:
                    unknown_region = asked
                else:
                    region_without_figures = person_region_name
                region = ""
        page = catalog_cache.cached(
            f"role:{slug}:{region}", version, lambda: _role_page(slug, region)
        )
        if page is None:
            raise Http404("No such role.")
        context = {
            "page": page,
            "compare_choices": catalog_cache.cached("role-choices", version, queries.role_choices),
            "unknown_region": unknown_region,
            "region_without_figures": region_without_figures,
            # Where "log in" comes back to: this page, whatever else the URL had.
            "return_to": request.path
            + (f"?{urlencode({'region': asked})}" if asked and not unknown_region else ""),
        }
        return render(request, "careers/role_detail.html", context | extra)

    # A signed-in page shows the person's region: one kept copy per region.
    return _public(request, version, render_role, variant=person_region)


# --- Two roles side by side -------------------------------------------------------------------


@require_safe
def role_compare(request: HttpRequest) -> HttpResponse:
    """Two published roles side by side: a form error in the page for a missing role or the
    same role twice, a 404 for a role nobody offers. A pair's page is kept whole, one copy per
    region for people signed in (`_public`)."""
    version = catalog_cache.version()
    form = CompareForm(request.GET or None)
    region_id, _, region_name = _person_region(request)
    valid = form.is_bound and form.is_valid()

    def render_page(extra: dict[str, Any]) -> HttpResponse:
        context: dict[str, Any] = {
            "form": form,
            "choices": catalog_cache.cached("role-choices", version, queries.role_choices),
        }
        if valid:
            a = compare.compare_role(form.cleaned_data["a"], version)
            b = compare.compare_role(form.cleaned_data["b"], version)
            if a is None or b is None:
                raise Http404("No such role.")
            context |= {
                "a": a,
                "b": b,
                "levels": compare.level_rows(a, b, region_id),
                "skills": compare.skill_groups(a, b),
                "region_name": region_name if region_id is not None else "",
                "query": urlencode({"a": a.slug, "b": b.slug}),
            }
        return render(request, "careers/role_compare.html", context | extra)

    # The slugs are checked by the form: the key holds nothing else of the address.
    pair = urlencode({"a": form.cleaned_data["a"], "b": form.cleaned_data["b"]}) if valid else ""
    return _public(request, version, render_page, variant=str(region_id or ""), query=pair)


# --- Skills -----------------------------------------------------------------------------------


@require_safe
def skill_list(request: HttpRequest) -> HttpResponse:
    """Every current skill by category; a category and words to narrow it (careers.search's
    rule for words, on each skill's name and description)."""
    version = catalog_cache.version()

    def render_list(extra: dict[str, Any]) -> HttpResponse:
        category = _clean_text(request.GET.get("category", ""))
        query = _clean_text(request.GET.get("q", ""), queries.SEARCH_MAX_LENGTH)
        unknown_category = category if category and category not in SkillCategory.values else ""
        category = "" if unknown_category else category
        skills = catalog_cache.cached("skills", version, queries.skill_entries)
        found = search.terms(query)
        shown = [
            skill
            for skill in skills
            if (not category or skill.category == category)
            and search.matches_all((skill.name, skill.description), found)
        ]
        groups = [
            (value, label, [skill for skill in shown if skill.category == value])
            for value, label in SkillCategory.choices
        ]
        context = {
            "groups": [group for group in groups if group[2]],
            "total": len(shown),
            "categories": SkillCategory.choices,
            "category": category,
            "category_label": SkillCategory(category).label if category else "",
            "unknown_category": unknown_category,
            "search": query,
            "filtered": bool(category or query),
        }
        return render(request, "careers/skill_list.html", context | extra)

    return _public(request, version, render_list)


def _roles_asking(asked_by: list[StageSkill]) -> list[dict[str, Any]]:
    """Each published role that asks for the skill, with the stage that introduces it (a skill
    appears once per role)."""
    roles = [{"role": ss.stage.role, "stage": ss.stage, "required": ss.required} for ss in asked_by]
    return sorted(roles, key=lambda asked: asked["role"].name.casefold())


def _skill_page(slug: str) -> dict[str, Any] | None:
    """Everything a skill page shows of the catalog; None for a retired or unknown skill."""
    skill = queries.skill_pages().filter(slug=slug).first()
    if skill is None:
        return None
    context = {
        "skill": skill,
        "roles": _roles_asking(skill.asked_by),
        "resources": skill.listed_resources,
    }
    return {
        "name": skill.name,
        "slug": skill.slug,
        "description": skill.description,
        "head": render_to_string("careers/skill_detail.html#head", context),
        "body": render_to_string("careers/skill_detail.html#body", context),
    }


@require_safe
def skill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The skill, the roles asking for it and where to learn it. The person's own state of it
    is the tracker's (tracker.views.skill_progress), loaded into the page for people signed in:
    the page itself is the same for everyone, and is kept whole."""
    version = catalog_cache.version()

    def render_skill(extra: dict[str, Any]) -> HttpResponse:
        page = catalog_cache.cached(f"skill:{slug}", version, lambda: _skill_page(slug))
        if page is None:
            raise Http404("No such skill.")
        return render(request, "careers/skill_detail.html", {"page": page} | extra)

    return _public(request, version, render_skill)
