from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from whitenoise.middleware import WhiteNoiseMiddleware


class PrivatePagesNoStoreMiddleware:
    """A page rendered for a signed-in person may show their data: no cache may keep it.

    Only requests whose session was read can carry a person's data, so public pages served
    to anonymous visitors stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and SESSION_KEY in session:
            patch_cache_control(response, no_store=True, private=True)
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, keeping hashed files (whose name changes with their content) for a year, the
    longest lifetime HTTP caches are asked to honour, rather than WhiteNoise's ten."""

    FOREVER = 365 * 24 * 60 * 60
