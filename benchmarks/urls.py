"""The app's URLs plus the bare view that every page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config import urls as app_urls


def bare_view(request: HttpRequest) -> HttpResponse:
    """The floor: the app's whole middleware stack and nothing else, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_view, name="bench_bare"),
    path("", include("config.urls")),
]

# Error pages as the app renders them, so that a failing page costs here what it costs there.
handler500 = getattr(app_urls, "handler500", "django.views.defaults.server_error")
