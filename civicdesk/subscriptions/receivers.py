"""An unsubscribe from a follow's scope ("follow:<id>") ends that follow, so the account page agrees."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from civicdesk.notifications.models import Suppression

from .models import Follow


@receiver(post_save, sender=Suppression)
def end_unsubscribed_follow(sender, instance: Suppression, created: bool, **kwargs) -> None:
    kind, _sep, pk = instance.scope.partition(":")
    if not created or kind != "follow" or not pk.isdigit():
        return
    follow = Follow.objects.select_related("request").filter(pk=int(pk)).first()
    if follow is not None:
        follow.log_action("follow.unsubscribed", data={"request": follow.request.public_id,
                                                       "channel": instance.channel})
        follow.delete()
