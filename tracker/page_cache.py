"""A person's plan and dashboard, kept whole until their data or the catalog changes.

Both pages show nothing but the catalog and the person's own data, so a page rendered at one
catalog version (careers.cache) and one progress version of the person (Profile.progress_version,
moved forward in the same transaction as every change to their data) is right for as long as both
stay the same, and is kept under them; the release is in every cache key (settings.CACHES).
The progress version is read before the page is rendered, so a copy can only ever be kept under
a version older than what it shows, never newer. What else a page depends on (the dashboard's
pace counts the last four weeks) goes into the copy's end time.

The CSRF token differs between a person's devices, so the copy holds a placeholder where the
token goes, and each request's own token is put in as the copy is served. A page with messages
to show is rendered for its request alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from .http import PersonRequest
from .models import Profile
from .selectors import profile as read_profile

# Stands for the CSRF token in a kept page. Nothing a person or an editor can enter holds a NUL
# (Django's form fields refuse it), so the placeholder is never confused with content.
CSRF_PLACEHOLDER = "\x00csrf-token\x00"

# Renders the page for the person's profile, with this context added (the CSRF token's
# placeholder, or nothing), and says until when it holds (None: until something changes).
Render = Callable[[Profile, dict[str, Any]], tuple[HttpResponse, datetime | None]]


def _key(request: PersonRequest, name: str, profile: Profile, catalog_version: int) -> str:
    # The page greets the person by their username when they have no display name.
    account = hashlib.blake2b(request.user.get_username().encode(), digest_size=8).hexdigest()
    return (
        f"page:{name}:{request.user.pk}:{account}:{profile.pk}:{profile.progress_version}"
        f":catalog:{catalog_version}"
    )


def serve(
    request: PersonRequest, name: str, catalog_version: int | None, render: Render
) -> HttpResponse:
    """The page `name` of the signed-in person, from a kept copy when one is right for it."""
    profile = read_profile(request.user)
    # len() reads the messages without marking them shown: the page that shows them is rendered.
    if catalog_version is None or request.method != "GET" or len(get_messages(request)):
        return render(profile, {})[0]
    key = _key(request, name, profile, catalog_version)
    copy = cache.get(key)
    if copy is None or (copy["until"] is not None and timezone.now() >= copy["until"]):
        response, until = render(profile, {"csrf_token": CSRF_PLACEHOLDER})
        if response.status_code != 200:
            return render(profile, {})[0]
        copy = {"body": response.content.decode(), "until": until}
        timeout = settings.PERSONAL_PAGE_CACHE_TIMEOUT
        if until is not None:
            timeout = min(timeout, max(1, int((until - timezone.now()).total_seconds()) + 1))
        cache.set(key, copy, timeout=timeout)
    return HttpResponse(copy["body"].replace(CSRF_PLACEHOLDER, get_token(request)))
