"""Request and response types the person's views share."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseRedirect
from django_htmx.middleware import HtmxDetails


class PersonRequest(HttpRequest):
    """A signed-in person's request as the type checker sees it: login_required makes `user`
    an account, and django_htmx's middleware adds `htmx`."""

    user: User
    htmx: HtmxDetails


class HttpResponseSeeOther(HttpResponseRedirect):
    # After a POST, 303 makes every client follow up with a GET.
    status_code = 303
