"""Whole pages kept in the cache and served again, each request's CSRF token put in as it is served.

A kept page is the same for everyone its key stands for (the views choose keys: the public pages
by catalog version, a person's pages by their progress version too), but for the CSRF token,
which differs between browsers: the page is kept with a placeholder where the token goes. A page
with messages to show is rendered for its request alone, as is anything but a GET. Every key
holds the current year, as the dates a page shows do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

# Stands for the CSRF token in a kept page. Nothing a person or an editor can enter holds a NUL
# (Django's form fields refuse it), so the placeholder is never confused with content.
CSRF_PLACEHOLDER = "\x00csrf-token\x00"

# Renders the page with this context added (the CSRF token's placeholder, or nothing), and says
# until when it holds (None: until its key changes).
Render = Callable[[dict[str, Any]], tuple[HttpResponse, datetime | None]]


def serve(request: HttpRequest, key: str | None, render: Render, timeout: int) -> HttpResponse:
    """The page kept under `key` (None: render it for this request alone)."""
    # len() reads the messages without marking them shown: the page that shows them is rendered.
    if key is None or request.method != "GET" or len(get_messages(request)):
        return render({})[0]
    # Dates show the year when it is not the current one (careers.templatetags.dates): a copy
    # kept in one year is never served in the next.
    key = f"{key}:year:{timezone.localdate().year}"
    kept = cache.get(key)
    if kept is None or (kept["until"] is not None and timezone.now() >= kept["until"]):
        response, until = render({"csrf_token": CSRF_PLACEHOLDER})
        if response.status_code != 200:
            return render({})[0]
        kept = {"body": response.content.decode(), "until": until}
        if until is not None:
            timeout = min(timeout, max(1, int((until - timezone.now()).total_seconds()) + 1))
        cache.set(key, kept, timeout=timeout)
    body = kept["body"]
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(body)
