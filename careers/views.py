from django.http import HttpRequest, HttpResponse


def role_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError
