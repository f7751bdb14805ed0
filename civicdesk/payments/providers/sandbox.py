"""The sandbox provider: a pretend payment processor for development, demos and tests, served by CivicDesk itself.

Its hosted checkout page (/payments/sandbox/<session>/) lets the tester choose the outcome: "pay by card"
(succeeds at once), "pay by bank debit" (pending, then succeeds after PAYMENTS_SANDBOX_BANK_DELAY_SECONDS) or
"decline". Every outcome is also announced by a webhook signed with HMAC-SHA256 (PAYMENTS_SANDBOX_WEBHOOK_SECRET),
posted by the task worker to /payments/webhooks/sandbox/, exactly as a real provider would.

Mandate debits (autopay) choose their outcome by magic amounts: an amount whose cents end in 51 fails softly
(insufficient funds: retry later), one ending in 52 fails hard (mandate revoked: stop). Anything else succeeds.
Each debit is recorded by its idempotency key (`SandboxCharge`): asking again with the same key returns the first
outcome, never a second debit, as Stripe does. Saving a payment method for autopay is a hosted page of its own
(/payments/autopay/sandbox/<session>/), kept as a `SandboxCheckout` of amount 0.

It refuses to work unless DEBUG is on or PAYMENTS_SANDBOX_ALLOWED is true (demo sites, tests): a production site
must never take pretend money.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from .base import (
    CheckoutRequest,
    CheckoutSession,
    InvalidSignature,
    MandateCharge,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
    SavedMethod,
    SetupRequest,
)

SIGNATURE_HEADER = "X-Sandbox-Signature"
TOLERANCE_SECONDS = 300
SOFT_FAILURE_CENTS = 51
HARD_FAILURE_CENTS = 52
METHOD_LABELS = {"card": "Sandbox card ending 4242", "us_bank_account": "Sandbox bank account ending 6789"}


def webhook_secret() -> bytes:
    """The HMAC key of sandbox webhooks (PAYMENTS_SANDBOX_WEBHOOK_SECRET)."""
    return settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET.encode()


def sign(body: bytes, timestamp: int | None = None) -> str:
    """The signature header value for `body`: "t=<unix time>,v1=<hex HMAC-SHA256 of 't.body'>"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(webhook_secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _stable_id(prefix: str, key: str) -> str:
    """An id derived from an idempotency key: the same key always names the same operation."""
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:24]


def _once_by_key(model, key: str, make) -> object:
    """The row of `model` whose `idempotency_key` is `key`, created from the fields `make()` returns the first time
    (or the row of a concurrent caller that created it first)."""
    found = model.objects.filter(idempotency_key=key).first()
    if found is None:
        try:
            with transaction.atomic():
                found = model.objects.create(idempotency_key=key, **make())
        except IntegrityError:
            found = model.objects.get(idempotency_key=key)
    return found


class SandboxProvider(PaymentProvider):
    """The development provider (see the module's docstring)."""

    methods = ("card", "us_bank_account")

    def is_configured(self) -> bool:
        return bool(settings.DEBUG or getattr(settings, "PAYMENTS_SANDBOX_ALLOWED", False))

    def _require(self) -> None:
        if not self.is_configured():
            raise ProviderError("The sandbox provider is switched off on this site (DEBUG is off and "
                                "PAYMENTS_SANDBOX_ALLOWED is false).", soft=False, code="sandbox_disabled")

    def start_checkout(self, checkout: CheckoutRequest) -> CheckoutSession:
        from civicdesk.payments.models import SandboxCheckout

        self._require()
        if checkout.amount_cents <= 0:
            raise ProviderError("Amount must be positive.", soft=False, code="amount_invalid")
        found = _once_by_key(SandboxCheckout, checkout.idempotency_key, lambda: dict(
            session_id="sbx_cs_" + secrets.token_hex(12), reference=checkout.reference,
            amount_cents=checkout.amount_cents, currency=checkout.currency, description=checkout.description[:300],
            methods=list(checkout.methods), success_url=checkout.success_url, cancel_url=checkout.cancel_url))
        return CheckoutSession(session_id=found.session_id,
                               redirect_url=reverse("payments:sandbox_checkout", args=[found.session_id]))

    def fetch_checkout(self, session_id: str) -> ProviderPayment:
        from civicdesk.payments.models import SandboxCheckout

        self._require()
        found = SandboxCheckout.objects.filter(session_id=session_id).first()
        if found is None:
            raise ProviderError("No such checkout.", soft=False, code="resource_missing")
        return self.describe(found)

    @staticmethod
    def describe(found) -> ProviderPayment:
        """What the sandbox says about one of its checkouts."""
        status = found.status if found.status != "open" else "pending"
        return ProviderPayment(
            reference=found.reference, provider_payment_id=found.payment_id, status=status,
            amount_cents=found.amount_cents, currency=found.currency, session_id=found.session_id,
            method=found.method, method_label=METHOD_LABELS.get(found.method, ""),
            failure_code="card_declined" if found.status == "failed" else "",
            failure_is_hard=found.status == "failed")

    def parse_webhook(self, body: bytes, headers) -> ProviderEvent:
        header = headers.get(SIGNATURE_HEADER, "") or ""
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        try:
            timestamp = int(parts.get("t", ""))
        except ValueError:
            raise InvalidSignature("missing timestamp") from None
        if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
            raise InvalidSignature("signature too old")
        expected = sign(body, timestamp).split("v1=", 1)[1]
        if not hmac.compare_digest(expected, parts.get("v1", "")):
            raise InvalidSignature("signature does not match")
        try:
            data = json.loads(body)
            created = int(data["created"])
            event_id = str(data["id"])
        except (ValueError, KeyError, TypeError):
            raise InvalidSignature("unreadable body") from None
        if data.get("type") != "payment":
            return ProviderEvent(event_id=event_id, kind="ignored", created=created)
        p = data["payment"]
        payment = ProviderPayment(
            reference=str(p["reference"]), provider_payment_id=str(p.get("provider_payment_id", "")),
            status=str(p["status"]), amount_cents=int(p["amount_cents"]), currency=str(p["currency"]),
            session_id=str(p.get("session_id", "")), method=str(p.get("method", "")),
            method_label=str(p.get("method_label", "")), failure_code=str(p.get("failure_code", "")),
            failure_is_hard=bool(p.get("failure_is_hard", False)))
        return ProviderEvent(event_id=event_id, kind="payment", created=created, payment=payment)

    def charge_mandate(self, charge: MandateCharge) -> ProviderPayment:
        from civicdesk.payments.models import SandboxCharge

        self._require()
        if charge.amount_cents <= 0:
            raise ProviderError("Amount must be positive.", soft=False, code="amount_invalid")
        failure = {SOFT_FAILURE_CENTS: ("insufficient_funds", True),
                   HARD_FAILURE_CENTS: ("mandate_revoked", False)}.get(charge.amount_cents % 100)
        found = _once_by_key(SandboxCharge, charge.idempotency_key, lambda: dict(
            mandate_ref=charge.mandate_ref, reference=charge.reference, amount_cents=charge.amount_cents,
            currency=charge.currency, payment_id=_stable_id("sbx_pi_", charge.idempotency_key),
            status="failed" if failure else "succeeded", failure_code=failure[0] if failure else "",
            failure_is_soft=bool(failure and failure[1])))
        if (found.amount_cents, found.currency, found.reference) != (charge.amount_cents, charge.currency,
                                                                      charge.reference):
            # What Stripe answers when a key is reused with other parameters.
            raise ProviderError("Idempotency key reused with other parameters.", soft=False, code="idempotency_error")
        if found.status == "failed":
            message = "Insufficient funds (sandbox)." if found.failure_is_soft else "Mandate revoked (sandbox)."
            raise ProviderError(message, soft=found.failure_is_soft, code=found.failure_code)
        return ProviderPayment(
            reference=charge.reference, provider_payment_id=found.payment_id,
            status="succeeded", amount_cents=charge.amount_cents, currency=charge.currency,
            method="us_bank_account", method_label=METHOD_LABELS["us_bank_account"], mandate_ref=charge.mandate_ref)

    def start_mandate_setup(self, setup: SetupRequest) -> CheckoutSession:
        from civicdesk.payments.models import SandboxCheckout

        self._require()
        found = _once_by_key(SandboxCheckout, setup.idempotency_key, lambda: dict(
            session_id="sbx_seti_" + secrets.token_hex(12), reference=setup.reference[:20], amount_cents=0,
            currency="usd", description=setup.description[:300], methods=list(setup.methods),
            success_url=setup.success_url, cancel_url=setup.cancel_url))
        return CheckoutSession(session_id=found.session_id,
                               redirect_url=reverse("payments:autopay_sandbox", args=[found.session_id]))

    def fetch_mandate_setup(self, session_id: str) -> SavedMethod:
        from civicdesk.payments.models import SandboxCheckout

        self._require()
        found = SandboxCheckout.objects.filter(session_id=session_id, amount_cents=0).first()
        if found is None:
            raise ProviderError("No such setup.", soft=False, code="resource_missing")
        if found.status == "succeeded":
            return SavedMethod(status="saved", mandate_ref=_stable_id("sbx_pm_", found.session_id),
                               method_label=METHOD_LABELS["us_bank_account"])
        return SavedMethod(status="cancelled" if found.status == "cancelled" else "open")

    def refund(self, provider_payment_id: str, amount_cents: int, currency: str,
               idempotency_key: str) -> ProviderRefund:
        self._require()
        if amount_cents <= 0:
            raise ProviderError("Amount must be positive.", soft=False, code="amount_invalid")
        return ProviderRefund(provider_refund_id=_stable_id("sbx_re_", idempotency_key),
                              provider_payment_id=provider_payment_id, status="succeeded",
                              amount_cents=amount_cents, currency=currency)


def webhook_body(found, *, event_id: str | None = None, created: int | None = None) -> bytes:
    """The JSON body of the sandbox's webhook about checkout `found` as it is now."""
    described = SandboxProvider.describe(found)
    return json.dumps({
        "id": event_id or "sbx_evt_" + secrets.token_hex(10),
        "type": "payment",
        "created": int(time.time()) if created is None else created,
        "payment": {"reference": described.reference, "provider_payment_id": described.provider_payment_id,
                    "status": described.status, "amount_cents": described.amount_cents,
                    "currency": described.currency, "session_id": described.session_id,
                    "method": described.method, "method_label": described.method_label,
                    "failure_code": described.failure_code, "failure_is_hard": described.failure_is_hard},
    }, separators=(",", ":")).encode()
