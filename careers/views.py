from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import queries
from .models import Family, Level
from .salaries import cited_sources, salary_view

PARAM_MAX_LENGTH = 100


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"featured": queries.featured_roles()})


def role_list(request: HttpRequest) -> HttpResponse:
    # Capped because the page repeats these values back to the visitor.
    family = request.GET.get("family", "").strip()[:PARAM_MAX_LENGTH]
    search = request.GET.get("q", "").strip()[: queries.SEARCH_MAX_LENGTH]
    # A family no form offers (an old link, a typo) shows everything and says so, never an error.
    unknown_family = family if family and family not in Family.values else ""
    family = "" if unknown_family else family

    return render(
        request,
        "careers/role_list.html",
        {
            "roles": queries.role_listing(family=family or None, search=search),
            "families": queries.families_with_roles(),
            "family": family,
            "family_label": Family(family).label if family else "",
            "unknown_family": unknown_family,
            "search": search,
            "filtered": bool(family or search),
        },
    )


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(queries.role_pages(), slug=slug)
    stages = role.active_stages
    # Specialized stages branch off after the last senior stage rather than continuing the chain.
    chain = [stage for stage in stages if stage.level != Level.SPECIALIZED]
    branches = [stage for stage in stages if stage.level == Level.SPECIALIZED]
    seniors = [stage for stage in chain if stage.level == Level.SENIOR]
    branch_point = seniors[-1] if seniors else (chain[-1] if chain else None)
    region = request.GET.get("region", "").strip()[:PARAM_MAX_LENGTH]
    pay = salary_view(role.bands, [*chain, *branches], region)
    return render(
        request,
        "careers/role_detail.html",
        {
            "role": role,
            "chain": chain,
            "branches": branches,
            "branch_point": branch_point,
            "pay": pay,
            "sources": cited_sources([row.band for row in pay.rows], role.outlook_facts),
        },
    )
