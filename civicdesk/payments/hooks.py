"""Callbacks that apps above payments register to hear that a payment succeeded (payments never imports them).

An app calls `on_payment_succeeded(callback)` in its AppConfig.ready(); settle() calls every callback with the
payment, inside the transaction that marks it succeeded and writes its ledger entry, exactly once per payment (a
repeated or late piece of provider news does not call them again). A callback that raises rolls the settlement
back, so callbacks must be idempotent and must not raise for payments that are not theirs.
"""

from __future__ import annotations

from collections.abc import Callable

_succeeded: list[Callable] = []


def on_payment_succeeded(callback: Callable) -> None:
    """Register `callback(payment)`; registering the same callback twice keeps one."""
    if callback not in _succeeded:
        _succeeded.append(callback)


def payment_succeeded(payment) -> None:
    """Call every registered callback with the payment that just succeeded."""
    for callback in _succeeded:
        callback(payment)
