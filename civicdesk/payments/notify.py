"""Messages to a billing account's holder through notifications.notify(), on the channels the account has."""

from __future__ import annotations

from civicdesk.notifications.services import Recipient, notify

from .models import BillingAccount


def holder_recipients(account: BillingAccount) -> list[Recipient]:
    """The account holder as a recipient (email and/or SMS, in the account's language); [] without contact."""
    channels = {channel for channel, address in (("email", account.contact_email), ("sms", account.contact_phone))
                if address}
    if not channels:
        return []
    return [Recipient(email=account.contact_email, phone=account.contact_phone, language=account.contact_language,
                      name=account.holder_name, channels=frozenset(channels))]


def send_to_holder(account: BillingAccount, *, event: str, key: str, template: str, context: dict) -> int:
    """notify() the holder (idempotent by `key`, honours opt-outs); returns the deliveries queued."""
    recipients = holder_recipients(account)
    if not recipients:
        return 0
    return notify(event=event, key=key, recipients=recipients, template=template, context=context,
                  scope="payments")
