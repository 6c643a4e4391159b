from django.http import HttpRequest, HttpResponse


def bare_view(request: HttpRequest) -> HttpResponse:
    """The floor: the full middleware stack and nothing else, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")
