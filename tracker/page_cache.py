"""A person's own pages, kept whole until their data or the catalog changes.

The plan and the dashboard show nothing but the catalog and the person's own data, and both
carry a version: the catalog version (careers.cache) and the person's (`Person.version_key`,
moved forward in the same transaction as every change to their data). A page rendered for one
pair of versions is therefore right for as long as both stay the same, and is kept under them.
The version is read with the account before anything else, so a page can only ever be kept under
a version older than what it shows, never newer: a stale copy is never served.

What else a page depends on goes into `until`: the dashboard's pace counts completions of the last
four weeks, so its copy lasts only until the oldest of them leaves that window.

The CSRF token is the one value that differs between requests of the same person: the copy holds
a marker where the token goes, filled in as the page is served (config.copies, shared with the
public pages). A page with messages to show is rendered for the request alone.

Copies live in the process (a few hundred, the most recent) and in the shared cache, so that with
Redis every worker can serve a copy another one rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from careers import cache as catalog_cache
from careers.cache import Recent
from config.copies import CSRF_SLOT, has_messages
from config.copies import serve as serve_copy

from . import people

_local = Recent(size=256)
_MISSING = object()


@dataclass(frozen=True)
class Copy:
    body: bytes
    # The moment the page stops being right whatever happens; None: only a change ends it.
    until: datetime | None = None

    def fresh(self) -> bool:
        return self.until is None or timezone.now() < self.until


# `render(token)` renders the page with `token` as its CSRF token and says until when it holds.
Render = Callable[[str], tuple[HttpResponse, datetime | None]]


def clear_local() -> None:
    """Forget the copies this process holds (for tests)."""
    _local.clear()


def _key(name: str, request: HttpRequest) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    person = people.of(request.user)
    version = person.version_key if person is not None else None
    at = catalog_cache.version()
    if version is None or at is None:
        return None
    if has_messages(request):
        return None
    # The name the pages greet them by, when they have no display name, is the account's own.
    account = catalog_cache.key_part(request.user.get_username())
    return f"person:{request.user.pk}:{version}:{account}:catalog:{at}:{name}"


def serve(request: HttpRequest, name: str, render: Render) -> HttpResponse:
    """The page `name` of the signed-in person, from a copy when one is right for it."""
    key = _key(name, request)
    if key is None:
        return render(get_token(request))[0]
    copy = _local.get(key)
    if copy is None:
        copy = cache.get(key)
        if copy is not None:
            _local.put(key, copy)
    if copy is None or not copy.fresh():
        response, until = render(CSRF_SLOT)
        if response.status_code != 200:
            return render(get_token(request))[0]
        copy = Copy(response.content, until)
        timeout = settings.PERSONAL_PAGE_CACHE_TIMEOUT
        if until is not None:
            timeout = min(timeout, max(1, int((until - timezone.now()).total_seconds()) + 1))
        cache.set(key, copy, timeout=timeout)
        _local.put(key, copy)
    return serve_copy(request, copy.body)
