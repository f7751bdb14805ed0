"""An unsubscribe from a follow's scope ("follow:<id>") ends that follow, so the account page agrees."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from civicdesk.accounts.signals import account_closing
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


@receiver(account_closing)
def forget_closed_accounts_choices(sender, user, email: str, **kwargs):
    """A resident closed their account: their follows, preferences and phone codes go."""
    from django.db.models import Q

    from .models import NotificationPreference, PhoneVerification

    Follow.objects.filter(Q(user=user) | Q(email__iexact=email)).delete()
    NotificationPreference.objects.filter(user=user).delete()
    PhoneVerification.objects.filter(user=user).delete()
