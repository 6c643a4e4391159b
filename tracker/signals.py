from django.conf import settings
from django.core.signals import request_started
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile
from .people import withdraw


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created: bool, **kwargs) -> None:
    if created:
        Profile.objects.get_or_create(user=instance)


# A person read with an earlier request's session is never taken by this one (tracker.people).
request_started.connect(withdraw, dispatch_uid="pathwise_withdraw_offered_person")
