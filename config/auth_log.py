"""Authentication events for the operators' log. Never logs a password or a session key."""

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger("pathwise.auth")


def _client(request: HttpRequest | None) -> str:
    # The address axes locks out, which behind the proxy is the client's, not the proxy's.
    return (get_client_ip_address(request) if request is not None else None) or "-"


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    logger.info(
        "login ok user_id=%s username=%r ip=%s", user.pk, user.get_username(), _client(request)
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    # `user` is None when the session had expired or was never signed in.
    username = user.get_username() if user is not None else ""
    logger.info(
        "logout user_id=%s username=%r ip=%s", getattr(user, "pk", None), username, _client(request)
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` holds the password (masked by Django); only the username is logged.
    username = str(credentials.get("username", ""))[:150]
    logger.warning("login failed username=%r ip=%s", username, _client(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    logger.warning("login locked out username=%r ip=%s", str(username or "")[:150], ip_address)
