"""A person's plan and dashboard, kept whole until their data or the catalog changes.

Both pages show nothing but the catalog and the person's own data, so a page rendered at one
catalog version (careers.cache) and one progress version of the person (Profile.progress_version,
moved forward in the same transaction as every change to their data) is right for as long as both
stay the same, and is kept under them (careers.page_cache). The progress version is read before
the page is rendered, so a copy can only ever be kept under a version older than what it shows,
never newer. What else a page depends on (the dashboard's pace counts the last four weeks) goes
into the copy's end time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from careers import page_cache

from .http import PersonRequest
from .models import Profile
from .progress import PaceWindow
from .selectors import profile as read_profile

# Renders the page for the person's profile, with this context added, and says until when it
# holds (None: until something changes).
Render = Callable[[Profile, dict[str, Any]], tuple[HttpResponse, datetime | None]]


def digest(values: object) -> str:
    """A short fingerprint of what a kept page shows besides the versions in its key (names,
    relations), for the key."""
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def serve(
    request: PersonRequest, name: str, catalog_version: int | None, render: Render
) -> HttpResponse:
    """The page `name` of the signed-in person, from a kept copy when one is right for it."""
    profile = read_profile(request.user)
    key = None
    if catalog_version is not None:
        # The page greets the person by their username when they have no display name.
        key = (
            f"page:{name}:{request.user.pk}:{digest(request.user.get_username())}:{profile.pk}"
            f":{profile.progress_version}:catalog:{catalog_version}"
        )
    return page_cache.serve(
        request,
        key,
        lambda extra: render(profile, extra),
        timeout=settings.PERSONAL_PAGE_CACHE_TIMEOUT,
    )


def holds_until(window: PaceWindow) -> datetime:
    """Until when a page showing this pace and a burn-up chart holds: the chart runs to today, so
    a copy kept overnight would end on yesterday, and the pace counts the last four weeks."""
    tomorrow = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time.min)
    )
    return tomorrow if window.until is None else min(window.until, tomorrow)
