"""Forums' answers to other apps' signals."""

from __future__ import annotations

from django.dispatch import receiver

from civicdesk.accounts.signals import account_closing

from .models import ThreadFollow


@receiver(account_closing)
def forget_follows(sender, user, **kwargs) -> None:
    """A closed account follows nothing. Its posts stay, signed "Former resident" (moderation's author_label)."""
    ThreadFollow.objects.filter(user=user).delete()
