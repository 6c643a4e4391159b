"""Pages kept whole and served again: what the catalog's public pages (careers.views) and a
person's own pages (tracker.page_cache) share.

A kept page differs between requests by the CSRF token alone, so it is kept with `CSRF_SLOT`
where the token goes and served by `serve()`, which puts the request's own token there. A page
with messages to show is rendered for its request and never kept.
"""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

# Stands for the CSRF token in a kept page. A token is letters and digits only, so the marker can
# never be confused with one, nor with markup.
CSRF_SLOT = "\x00csrf-token\x00"
_CSRF_SLOT_BYTES = CSRF_SLOT.encode()


def has_messages(request: HttpRequest) -> bool:
    # len() loads the messages without marking them read: the page that shows them is rendered.
    # The default storage reads the session only when the messages cookie says that more
    # messages wait there, so a request without that cookie reads no session here.
    return len(get_messages(request)) > 0


def serve(request: HttpRequest, body: bytes) -> HttpResponse:
    """A kept page with this request's CSRF token in its slots."""
    return HttpResponse(body.replace(_CSRF_SLOT_BYTES, get_token(request).encode()))
