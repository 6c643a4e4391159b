from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers

from config.copies import CSRF_SLOT, has_messages, serve
from config.middleware import has_signed_in_hint

from . import cache as catalog_cache
from . import queries
from .models import Family, Level, Role
from .salaries import cited_sources, salary_view

PARAM_MAX_LENGTH = 100
ROLES_PER_PAGE = 50


def _signed_in(request: HttpRequest) -> bool:
    """Whether to serve the signed-in version of a public page.

    The hint cookie (settings.SIGNED_IN_COOKIE_NAME) answers without reading the session.
    Without it, a request that carries a session cookie (one from before the hint existed, or
    whose hint expired first) has its session read, and the response then sets the hint
    (config.middleware.SignedInHintMiddleware).
    """
    if has_signed_in_hint(request):
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return SESSION_KEY in request.session
    return False


def _public_page(
    request: HttpRequest,
    *,
    name: str,
    template: str,
    content: Callable[[], dict[str, Any] | None],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page made of the catalog alone, cached until the catalog changes.

    `content()` renders what the page shows of the catalog, kept under `name`, which must say
    everything the content depends on (query parameters included). The page around it is the
    same for every anonymous visitor, and the same for everyone signed in but for the CSRF
    token, so both versions are cached whole; a signed-in visitor's token goes into their copy
    as it is served. Only a page with messages to show is rendered for the visitor alone.
    None from `content()` is a 404, never cached.

    Which version is served is told by the signed-in hint cookie, so a cached page costs no
    session read (see `_signed_in`). The hint is not trusted with anything: a forged or stale
    one gets the signed-in version, whose only difference is the menu of links to the
    personal pages and a CSRF token of the requester's own, and those pages check the session
    themselves (and their response deletes a stale hint). The signed-in version is never
    stored by a cache (it carries a token), and every response varies on Cookie.
    """
    response = _public_response(request, name, template, content, context)
    patch_vary_headers(response, ("Cookie",))
    return response


def _public_response(
    request: HttpRequest,
    name: str,
    template: str,
    content: Callable[[], dict[str, Any] | None],
    context: dict[str, Any] | None,
) -> HttpResponse:
    at = catalog_cache.version()
    if request.method not in ("GET", "HEAD") or has_messages(request):
        return _render_page(request, name, template, content, context, at)
    # Who is signed in is not read: the page shows nothing of theirs, only the menu every
    # signed-in person has. (Pages with their data check the account on every request.)
    member = _signed_in(request)
    key = f"page:{'member' if member else 'visitor'}:{name}"
    page = catalog_cache.get(key, at)
    if page is None:
        # Rendering reads the account (the layout asks whether someone is signed in), so a
        # page is only kept under the version it was asked for if it came out as that version.
        own = {**(context or {}), "csrf_token": CSRF_SLOT} if member else context
        response = _render_page(request, name, template, content, own, at)
        if response.status_code != 200 or member != request.user.is_authenticated:
            # A stale hint, or an account gone since this session began: the page came out as
            # the visitors' version, is served to this request alone, and is rendered again
            # without the token's stand-in.
            if member:
                response = _render_page(request, name, template, content, context, at)
            return response
        page = response.content
        catalog_cache.put(key, at, page)
    if not member:
        return HttpResponse(page)
    response = serve(request, page)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _render_page(
    request: HttpRequest,
    name: str,
    template: str,
    content: Callable[[], dict[str, Any] | None],
    context: dict[str, Any] | None,
    at: int | None,
) -> HttpResponse:
    data = catalog_cache.cached(f"content:{name}", content, at)
    if data is None:
        raise Http404("No such page.")
    return render(request, template, {**data, **(context or {})})


# --- Landing page -----------------------------------------------------------------------------


def _home_content() -> dict[str, Any]:
    featured = render_to_string("home.html#featured", {"featured": queries.featured_roles()})
    return {"featured_html": featured}


def home(request: HttpRequest) -> HttpResponse:
    return _public_page(request, name="home", template="home.html", content=_home_content)


# --- Catalog ----------------------------------------------------------------------------------


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


def _role_list_content(family: str, unknown_family: str, search: str, number: int) -> dict:
    roles = queries.role_listing(family=family or None, search=search)
    page = Paginator(roles, ROLES_PER_PAGE).get_page(number)
    family_label = Family(family).label if family else ""
    params = {key: value for key, value in (("family", family), ("q", search)) if value}
    context = {
        "roles": page.object_list,
        "page": page,
        "total": len(roles),
        "page_query": urlencode(params) + "&" if params else "",
        "families": queries.families_with_roles(),
        "family": family,
        "family_label": family_label,
        "unknown_family": unknown_family,
        "search": search,
        "filtered": bool(family or search),
    }
    return {
        "title": f"{family_label} roles" if family_label else "Roles",
        "content": render_to_string("careers/role_list.html#content", context),
    }


def role_list(request: HttpRequest) -> HttpResponse:
    # Capped because the page repeats these values back to the visitor.
    family = request.GET.get("family", "").strip()[:PARAM_MAX_LENGTH]
    search = request.GET.get("q", "").strip()[: queries.SEARCH_MAX_LENGTH]
    number = _page_number(request.GET.get("page", ""))
    # A family no form offers (an old link, a typo) shows everything and says so, never an error.
    unknown_family = family if family and family not in Family.values else ""
    family = "" if unknown_family else family
    return _public_page(
        request,
        name="roles:" + catalog_cache.key_part(family, unknown_family, search, number),
        template="careers/role_list.html",
        content=lambda: _role_list_content(family, unknown_family, search, number),
    )


# --- Role page --------------------------------------------------------------------------------


def _target_choices(role: Role, chain: list, branches: list) -> dict[str, Any]:
    """What "Make this my target" offers, as plain values: the last senior stage comes first."""
    seniors = [stage for stage in chain if stage.level == Level.SENIOR]
    default = seniors[-1] if seniors else (chain[-1] if chain else None)
    options = []
    for stage in chain:
        detail = stage.get_level_display()
        if stage.years_label:
            detail += f", {stage.years_label}"
        options.append((stage.id, f"{stage.title} ({detail})", stage == default))
    return {
        "role_name": role.name,
        "role_slug": role.slug,
        "chain": options,
        "branches": [(stage.id, stage.title) for stage in branches],
    }


def _role_content(slug: str, region: str) -> dict[str, Any] | None:
    role = queries.role_pages().filter(slug=slug).first()
    if role is None:
        return None
    stages = role.active_stages
    # Specialized stages branch off after the last senior stage rather than continuing the chain.
    chain = [stage for stage in stages if stage.level != Level.SPECIALIZED]
    branches = [stage for stage in stages if stage.level == Level.SPECIALIZED]
    seniors = [stage for stage in chain if stage.level == Level.SENIOR]
    branch_point = seniors[-1] if seniors else (chain[-1] if chain else None)
    pay = salary_view(role.bands, [*chain, *branches], region)
    context = {
        "role": role,
        "chain": chain,
        "branches": branches,
        "branch_point": branch_point,
        "pay": pay,
        "sources": cited_sources([row.band for row in pay.rows], role.outlook_facts),
    }
    return {
        "title": role.name,
        "description": role.summary,
        "head": render_to_string("careers/role_detail.html#head", context),
        "body": render_to_string("careers/role_detail.html#body", context),
        "target": _target_choices(role, chain, branches) if chain or branches else None,
    }


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = request.GET.get("region", "").strip()[:PARAM_MAX_LENGTH]
    # Where "log in" comes back to: this page as the cache knows it, whatever else the URL had.
    return_to = request.path + (f"?{urlencode({'region': region})}" if region else "")
    return _public_page(
        request,
        name=f"role:{slug}:" + catalog_cache.key_part(region),
        template="careers/role_detail.html",
        content=lambda: _role_content(slug, region),
        context={"return_to": return_to},
    )
