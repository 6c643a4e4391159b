"""Values every page's layout needs."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

NAV = {
    "home": "home",
    "roles": "careers:role_list",
    "dashboard": "tracker:dashboard",
    "plan": "tracker:plan",
    "settings": "tracker:settings",
    "login": "login",
    "logout": "logout",
    "signup": "signup",
}


@functools.cache
def _nav_urls(prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in NAV.items()}


def nav(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The addresses in the site's menu, looked up once per process rather than on every page
    (eight URL reversals were a third of what the layout cost)."""
    return {"nav": _nav_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)}
