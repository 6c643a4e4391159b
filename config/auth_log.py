"""Authentication events for the operators' log. Never logs a password or a session key."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger("pathwise.auth")


def _client(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    logger.info("login ok user_id=%s ip=%s", user.pk, _client(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    logger.info("logout user_id=%s ip=%s", getattr(user, "pk", None), _client(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` holds the password (masked by Django); only the username is logged.
    username = str(credentials.get("username", ""))[:150]
    logger.warning("login failed username=%r ip=%s", username, _client(request))
