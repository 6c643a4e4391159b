from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from whitenoise.middleware import WhiteNoiseMiddleware


class PrivatePagesNoStoreMiddleware:
    """A page rendered for a signed-in person may show their data: no cache may keep it.

    Only requests whose session was read can carry a person's data, so public pages served
    to anonymous visitors stay cacheable. Whether someone is signed in is told by the session
    alone, as public pages do not read the account. A public page that picks its signed-in
    version by the hint cookie, without reading the session, marks itself
    (careers.views._public_page).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and SESSION_KEY in session:
            patch_cache_control(response, no_store=True, private=True)
        return response


def has_signed_in_hint(request: HttpRequest) -> bool:
    """Whether the request carries the signed-in hint cookie as this middleware sets it."""
    return request.COOKIES.get(settings.SIGNED_IN_COOKIE_NAME) == "1"


class SignedInHintMiddleware:
    """Keeps the signed-in hint cookie (SIGNED_IN_COOKIE_NAME) in step with the session.

    Public pages tell a signed-in person from a visitor by this cookie alone, so that serving
    them needs no session read (careers.views._public_page). The hint says nothing about who
    is signed in and grants nothing: every page with a person's data still checks the session.

    Only a response whose request read the session can tell: if the session holds a signed-in
    user and the request came without the hint, the hint is set; if it holds none and the
    request came with a hint cookie (whatever its value), it is deleted. Any other response
    leaves it as it is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        name = settings.SIGNED_IN_COOKIE_NAME
        signed_in = SESSION_KEY in session
        if signed_in and not has_signed_in_hint(request):
            response.set_cookie(
                name,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        elif not signed_in and name in request.COOKIES:
            response.delete_cookie(name, path="/", samesite=settings.SESSION_COOKIE_SAMESITE)
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, keeping hashed files (whose name changes with their content) for a year, the
    longest lifetime HTTP caches are asked to honour, rather than WhiteNoise's ten."""

    FOREVER = 365 * 24 * 60 * 60
