"""`{{ user|author_label }}`: how an author is named in public without giving their name away."""

from __future__ import annotations

from django import template
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

register = template.Library()


def author_label(user) -> str:
    """"City staff" for staff; "Resident 3f9a2c" for residents: a stable pseudonym (a keyed hash of the
    account, so it reveals nothing and cannot be guessed from the email); "Former resident" when the account
    was closed or deleted. Residents' names are never shown (docs/privacy.md)."""
    if user is None or (not user.is_active and not user.is_staff):
        return _("Former resident")
    if user.is_staff:
        return _("City staff")
    tag = salted_hmac("civicdesk.moderation.author", str(user.pk)).hexdigest()[:6]
    return _("Resident %(tag)s") % {"tag": tag}


register.filter("author_label", author_label)
