"""Signals other apps answer about accounts (they live above accounts, so accounts cannot call them)."""

from django.dispatch import Signal

#: Sent inside the transaction that closes a resident's account, before the account is scrubbed, with
#: `user` and `email` (the address it had). Receivers remove or anonymise what they hold about the person.
account_closing = Signal()
