from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if created:
        Profile.objects.get_or_create(user=instance)


def record_last_login(sender: Any, user: User, **kwargs: Any) -> None:
    """Django's update_last_login, written so that an account deleted while it logs in (in
    another request) is no error: the update finds no row, and the next request finds nobody
    signed in. Django's own saves the user with update_fields, which raises then."""
    user.last_login = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=user.last_login)


def connect() -> None:
    # In place of Django's receiver, which django.contrib.auth connects under this uid.
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(record_last_login, dispatch_uid="update_last_login")
