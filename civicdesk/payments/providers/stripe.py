"""The Stripe adapter: hosted Checkout for card and US bank debit, off-session debits for autopay, refunds,
signed webhooks. Card and bank numbers never reach CivicDesk: residents type them on Stripe's own page.

Built on the official `stripe` library (its `StripeClient`); `STRIPE_API_BASE` points it at another server (the
local stand-in in civicdesk/payments/testing/stripe_standin.py for tests and development). See
docs/payments-stripe.md for configuration, the events we read and the decline-code table.

`mandate_ref` format: ``"<customer id>/<payment method id>"`` (e.g. ``"cus_Nx…/pm_1P…"``): an off-session
PaymentIntent needs both the Customer the payment method is attached to and the PaymentMethod itself.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

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

logger = logging.getLogger(__name__)

# Whether a failed debit may be tried again later (soft) or must stop autopay (hard). Sources: Stripe's
# decline codes (docs.stripe.com/declines/codes, the "Next steps" column), its advice codes
# (docs.stripe.com/declines/card, "Retrying issuer declines": try_again_later / do_not_try_again /
# confirm_card_data) and the ACH Direct Debit table of docs.stripe.com/declines/network-codes. A code in neither
# set is hard: card networks charge merchants for retrying declines the issuer will never approve, and a person
# (the resident, with a new card) is the only cure for most of them.
SOFT_DECLINES = frozenset({
    "insufficient_funds",  # cards, and ACH R01/R09: the next debit may find the money
    "try_again_later", "processing_error", "issuer_not_available", "reenter_transaction",
    "approve_with_id", "card_velocity_exceeded", "withdrawal_count_limit_exceeded", "duplicate_transaction",
})
HARD_DECLINES = frozenset({
    "lost_card", "stolen_card", "pickup_card", "fraudulent", "merchant_blacklist", "restricted_card",
    "security_violation", "do_not_try_again", "do_not_honor", "generic_decline", "call_issuer",
    "card_not_supported", "currency_not_supported", "expired_card", "incorrect_number", "invalid_number",
    "incorrect_cvc", "invalid_cvc", "invalid_account", "invalid_expiry_month", "invalid_expiry_year",
    "new_account_information_available", "not_permitted", "revocation_of_authorization",
    "revocation_of_all_authorizations", "stop_payment_order", "transaction_not_allowed", "testmode_decline",
    # Off-session debits cannot show the resident a 3-D Secure challenge: they must pay on the site once.
    "authentication_required",
    # ACH Direct Debit (docs.stripe.com/declines/network-codes) and the error-code list (account_closed).
    "account_closed", "bank_account_closed", "bank_account_invalid_details", "bank_account_frozen",
    "bank_account_restricted", "debit_not_authorized", "recipient_deceased", "no_account",
    "bank_account_unusable", "payment_method_unactivated",
})

# What the resident reads on a receipt; Stripe's card.brand values (docs.stripe.com/api/payment_methods/object).
CARD_BRANDS = {"amex": "American Express", "diners": "Diners Club", "discover": "Discover",
               "eftpos_au": "Eftpos", "jcb": "JCB", "mastercard": "Mastercard", "unionpay": "UnionPay",
               "visa": "Visa", "cartes_bancaires": "Cartes Bancaires", "interac": "Interac", "link": "Link"}


def unavailable_message() -> str:
    """What the resident reads while Stripe cannot be used (not configured, or our key refused)."""
    return _("Online payments are not available right now. Please try again later.")


def declined_message(code: str) -> str:
    """What the resident reads about a declined payment, in the active language (Stripe's own messages are
    English only)."""
    if code == "insufficient_funds":
        return _("The account does not have enough money for this payment.")
    if code == "authentication_required":
        return _("Your bank wants you to confirm this payment. Please pay this bill online once.")
    if code == "expired_card":
        return _("The card has expired. Please use another card.")
    return _("The payment was declined. Please use another card or bank account.")


def decline_is_soft(*codes: str | None) -> bool:
    """True when the first of `codes` (advice code, decline code, error code, most specific first) that the
    table knows says "retry later"; False for a hard one or when none is known (see SOFT_DECLINES)."""
    for code in codes:
        if code in SOFT_DECLINES:
            return True
        if code in HARD_DECLINES:
            return False
    return False


def method_label(payment_method) -> tuple[str, str]:
    """(our method name, a label safe to show) from a Stripe PaymentMethod: brand or bank and the last four
    digits only, e.g. ("card", "Visa ending 4242"). ("", "") when there is none."""
    if not payment_method or isinstance(payment_method, str):
        return "", ""
    kind = payment_method.get("type", "")
    details = payment_method.get(kind) or {}
    last4 = details.get("last4", "")
    if kind == "card":
        brand = CARD_BRANDS.get(details.get("brand", ""), details.get("brand", "").title() or "Card")
        return "card", f"{brand} ending {last4}" if last4 else brand
    if kind == "us_bank_account":
        bank = (details.get("bank_name") or "Bank account").title()
        return "us_bank_account", f"{bank} account ending {last4}" if last4 else bank
    return kind, ""


def _id(value) -> str:
    """The id of an expandable field (a string id, an expanded object or None)."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.get("id", "")


def _signature_header(headers) -> str:
    """Stripe-Signature from Django's request.headers, a WSGI META dict or any mapping."""
    if hasattr(headers, "get"):
        for name in ("Stripe-Signature", "stripe-signature", "HTTP_STRIPE_SIGNATURE"):
            value = headers.get(name)
            if value:
                return value
    if isinstance(headers, Mapping):
        for name, value in headers.items():
            if name.lower() == "stripe-signature":
                return value
    return ""


class StripeProvider(PaymentProvider):
    """Stripe Checkout (hosted) and the Payment Intents and Refunds APIs. See the module docstring."""

    methods = ("card", "us_bank_account")

    def is_configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def _client(self) -> stripe.StripeClient:
        if not settings.STRIPE_SECRET_KEY:
            raise ProviderError(unavailable_message(), soft=True, code="not_configured")
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
            # The library retries connection errors and 409/5xx answers with the same Idempotency-Key, which
            # Stripe answers with the first result: safe for money.
            max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        )

    # -- checkout --------------------------------------------------------------------------------------------

    def start_checkout(self, checkout: CheckoutRequest) -> CheckoutSession:
        unknown = set(checkout.methods) - set(self.methods)
        if unknown:
            raise ProviderError(_("This payment method cannot be used online."), soft=False,
                                code="method_not_supported")
        reference = {"reference": checkout.reference}
        params: dict = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": checkout.currency, "unit_amount": checkout.amount_cents,
                "product_data": {"name": checkout.description}}}],
            "payment_method_types": list(checkout.methods),
            "client_reference_id": checkout.reference,
            "metadata": reference,
            # Copied onto the PaymentIntent, so payment_intent.* events carry our reference too.
            "payment_intent_data": {"metadata": reference, "description": checkout.description},
            "success_url": checkout.success_url,
            "cancel_url": checkout.cancel_url,
        }
        if checkout.customer_email:
            params["customer_email"] = checkout.customer_email
        if checkout.save_for_autopay:
            # An off-session debit later needs the payment method attached to a Customer.
            params["payment_intent_data"]["setup_future_usage"] = "off_session"
            params["customer_creation"] = "always"
        session = self._call("checkout.session.create", checkout.idempotency_key,
                             lambda client, options: client.v1.checkout.sessions.create(params, options))
        logger.info("stripe checkout %s started for %s (%s %s)", session["id"], checkout.reference,
                    checkout.amount_cents, checkout.currency)
        return CheckoutSession(session_id=session["id"], redirect_url=session["url"])

    def fetch_checkout(self, session_id: str) -> ProviderPayment:
        # Retrieves carry no Idempotency-Key: Stripe documents that keys on GET requests have no effect.
        session = self._call("checkout.session.retrieve", None, lambda client, options:
                             client.v1.checkout.sessions.retrieve(
                                 session_id, {"expand": ["payment_intent", "payment_intent.payment_method"]},
                                 options))
        return self._payment_from_session(session, session.get("payment_intent"))

    def _payment_from_session(self, session, intent, status: str = "") -> ProviderPayment:
        """Our view of a Checkout Session; `intent` is its PaymentIntent when known (expanded), `status`
        overrides the one read from the session (webhooks say what happened in their type)."""
        intent = intent if intent and not isinstance(intent, str) else None
        if not status:
            status = self._session_status(session, intent)
        payment = self._payment_from_intent(intent, status=status) if intent else None
        metadata = session.get("metadata") or {}
        reference = session.get("client_reference_id") or metadata.get("reference", "")
        return ProviderPayment(
            reference=reference,
            provider_payment_id=_id(session.get("payment_intent")),
            status=status,
            amount_cents=session.get("amount_total") or (payment.amount_cents if payment else 0),
            currency=session.get("currency") or "",
            session_id=session.get("id", ""),
            method=payment.method if payment else "",
            method_label=payment.method_label if payment else "",
            mandate_ref=payment.mandate_ref if payment else "",
            failure_code=payment.failure_code if payment else "",
            failure_is_hard=payment.failure_is_hard if payment else False,
        )

    @staticmethod
    def _session_status(session, intent) -> str:
        if session.get("payment_status") in ("paid", "no_payment_required"):
            return "succeeded"
        if session.get("status") == "expired":
            return "cancelled"
        if intent is not None and intent.get("status") == "canceled":
            return "cancelled"
        if session.get("status") == "complete":
            # Completed but unpaid: a bank debit on its way, or one that failed (its intent wants another method).
            if intent is not None and intent.get("status") == "requires_payment_method":
                return "failed"
            return "pending"
        return "pending"

    def _payment_from_intent(self, intent, *, status: str = "") -> ProviderPayment:
        """Our view of a PaymentIntent (payment_method expanded or an id)."""
        error = intent.get("last_payment_error") or {}
        failure = error.get("decline_code") or error.get("code") or ""
        if not status:
            status = {"succeeded": "succeeded", "processing": "pending", "canceled": "cancelled",
                      "requires_payment_method": "failed" if error else "pending"}.get(intent.get("status"),
                                                                                      "pending")
        method, label = method_label(intent.get("payment_method"))
        customer, pm = _id(intent.get("customer")), _id(intent.get("payment_method"))
        saved = intent.get("setup_future_usage") == "off_session"
        return ProviderPayment(
            reference=(intent.get("metadata") or {}).get("reference", ""),
            provider_payment_id=intent.get("id", ""),
            status=status,
            amount_cents=intent.get("amount") or 0,
            currency=intent.get("currency") or "",
            method=method,
            method_label=label,
            mandate_ref=f"{customer}/{pm}" if saved and customer and pm and status != "failed" else "",
            failure_code=failure if status == "failed" else "",
            failure_is_hard=status == "failed" and not decline_is_soft(
                error.get("advice_code"), error.get("decline_code"), error.get("code")),
        )

    # -- autopay ---------------------------------------------------------------------------------------------

    def start_mandate_setup(self, setup: SetupRequest) -> CheckoutSession:
        """Checkout in setup mode: a Customer (made once per enrolment, by its own key) and a session that saves
        the method to it for off-session debits; no money moves."""
        unknown = set(setup.methods) - set(self.methods)
        if unknown:
            raise ProviderError(_("This payment method cannot be used online."), soft=False,
                                code="method_not_supported")
        reference = {"reference": setup.reference}
        customer_params = {"metadata": reference, **({"email": setup.customer_email} if setup.customer_email else {})}
        customer = self._call("customer.create", setup.idempotency_key + ":customer",
                              lambda client, options: client.v1.customers.create(customer_params, options))
        params = {"mode": "setup", "customer": customer["id"], "payment_method_types": list(setup.methods),
                  "client_reference_id": setup.reference, "metadata": reference,
                  "success_url": setup.success_url, "cancel_url": setup.cancel_url}
        session = self._call("checkout.session.create", setup.idempotency_key,
                             lambda client, options: client.v1.checkout.sessions.create(params, options))
        return CheckoutSession(session_id=session["id"], redirect_url=session["url"])

    def fetch_mandate_setup(self, session_id: str) -> SavedMethod:
        session = self._call("checkout.session.retrieve", None, lambda client, options:
                             client.v1.checkout.sessions.retrieve(
                                 session_id, {"expand": ["setup_intent", "setup_intent.payment_method"]}, options))
        intent = session.get("setup_intent")
        if session.get("status") == "expired":
            return SavedMethod(status="cancelled")
        if session.get("status") != "complete" or not isinstance(intent, Mapping) or intent.get(
                "status") != "succeeded":
            return SavedMethod(status="open")
        _method, label = method_label(intent.get("payment_method"))
        return SavedMethod(status="saved", method_label=label,
                           mandate_ref=f"{_id(intent.get('customer'))}/{_id(intent.get('payment_method'))}")

    def charge_mandate(self, charge: MandateCharge) -> ProviderPayment:
        customer, _slash, pm = charge.mandate_ref.partition("/")
        if not customer.startswith("cus_") or not pm.startswith("pm_"):
            raise ProviderError(_("This automatic payment can no longer be used. Please set up automatic payments "
                                  "again."), soft=False, code="invalid_mandate")
        method = self._call("payment_method.retrieve", None,
                            lambda client, options: client.v1.payment_methods.retrieve(pm, None, options))
        params = {
            "amount": charge.amount_cents, "currency": charge.currency, "customer": customer,
            "payment_method": pm, "payment_method_types": [method["type"]], "off_session": True,
            "confirm": True, "description": charge.description, "metadata": {"reference": charge.reference},
            "expand": ["payment_method"],
        }
        intent = self._call("payment_intent.create", charge.idempotency_key,
                            lambda client, options: client.v1.payment_intents.create(params, options))
        if intent.get("status") in ("requires_action", "requires_confirmation"):
            # Stripe answers off-session debits that need the customer present with this status or a card error.
            raise ProviderError(declined_message("authentication_required"), soft=False,
                                code="authentication_required")
        payment = self._payment_from_intent(intent)
        if payment.status == "failed":
            raise ProviderError(declined_message(payment.failure_code), soft=not payment.failure_is_hard,
                                code=payment.failure_code)
        payment = dataclasses.replace(payment, mandate_ref=charge.mandate_ref)
        logger.info("stripe debit %s for %s: %s", payment.provider_payment_id, charge.reference, payment.status)
        return payment

    # -- refunds ---------------------------------------------------------------------------------------------

    def refund(self, provider_payment_id: str, amount_cents: int, currency: str,
               idempotency_key: str) -> ProviderRefund:
        params = {"payment_intent": provider_payment_id, "amount": amount_cents}
        refund = self._call("refund.create", idempotency_key,
                            lambda client, options: client.v1.refunds.create(params, options))
        logger.info("stripe refund %s of %s: %s", refund["id"], provider_payment_id, refund["status"])
        return self._refund(refund)

    @staticmethod
    def _refund(refund) -> ProviderRefund:
        status = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}.get(refund.get("status"),
                                                                                         "pending")
        return ProviderRefund(provider_refund_id=refund.get("id", ""),
                              provider_payment_id=_id(refund.get("payment_intent")), status=status,
                              amount_cents=refund.get("amount") or 0, currency=refund.get("currency") or "")

    # -- webhooks --------------------------------------------------------------------------------------------

    def parse_webhook(self, body: bytes, headers) -> ProviderEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not set")
        try:
            event = stripe.Webhook.construct_event(body, _signature_header(headers), secret,
                                                   tolerance=settings.STRIPE_WEBHOOK_TOLERANCE).to_dict()
        except stripe.SignatureVerificationError as exc:
            raise InvalidSignature(str(exc)) from exc
        except ValueError as exc:  # a signed body that is not JSON
            raise InvalidSignature("the body is not a Stripe event") from exc
        kind, obj = event.get("type", ""), (event.get("data") or {}).get("object") or {}
        base = {"event_id": event.get("id", ""), "created": int(event.get("created") or 0)}
        logger.info("stripe event %s (%s)", base["event_id"], kind)
        if kind.startswith("checkout.session."):
            status = {"checkout.session.async_payment_succeeded": "succeeded",
                      "checkout.session.async_payment_failed": "failed",
                      "checkout.session.expired": "cancelled"}.get(kind, "")
            if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded",
                        "checkout.session.async_payment_failed", "checkout.session.expired"):
                payment = self._payment_from_session(obj, self._intent_details(_id(obj.get("payment_intent"))),
                                                     status=status or self._session_status(obj, None))
                return ProviderEvent(kind="payment", payment=payment, **base)
        if kind in ("payment_intent.succeeded", "payment_intent.processing", "payment_intent.payment_failed",
                    "payment_intent.canceled"):
            pm = obj.get("payment_method")
            if isinstance(pm, str):
                obj = {**obj, "payment_method": self._payment_method_details(pm)}
            status = {"payment_intent.succeeded": "succeeded", "payment_intent.processing": "pending",
                      "payment_intent.payment_failed": "failed", "payment_intent.canceled": "cancelled"}[kind]
            return ProviderEvent(kind="payment", payment=self._payment_from_intent(obj, status=status), **base)
        if kind in ("refund.created", "refund.updated", "refund.failed"):
            return ProviderEvent(kind="refund", refund=self._refund(obj), **base)
        if kind == "charge.refunded":
            refunds = ((obj.get("refunds") or {}).get("data")) or []
            if refunds:  # newest first; older API versions include the list, newer ones need refund.updated
                latest = max(refunds, key=lambda refund: refund.get("created") or 0)
                return ProviderEvent(kind="refund", refund=self._refund(
                    {**latest, "payment_intent": latest.get("payment_intent") or obj.get("payment_intent")}),
                    **base)
        if kind in ("payout.paid", "payout.reconciliation_completed"):
            intents, fees = self._payout_contents(obj)
            return ProviderEvent(kind="payout", payout_id=obj.get("id", ""),
                                 payout_amount_cents=obj.get("amount") or 0, payout_fee_cents=fees,
                                 payout_currency=obj.get("currency") or "", payout_payment_ids=intents, **base)
        return ProviderEvent(kind="ignored", **base)

    def _intent_details(self, intent_id: str):
        """The PaymentIntent with its payment method, for the method label of a checkout event; None when it
        cannot be read now (the event is still recorded, without the label)."""
        if not intent_id:
            return None
        try:
            return self._call("payment_intent.retrieve", None, lambda client, options:
                              client.v1.payment_intents.retrieve(intent_id, {"expand": ["payment_method"]},
                                                                 options))
        except ProviderError:
            return None

    def _payment_method_details(self, pm_id: str):
        try:
            return self._call("payment_method.retrieve", None,
                              lambda client, options: client.v1.payment_methods.retrieve(pm_id, None, options))
        except ProviderError:
            return pm_id

    def _payout_contents(self, payout) -> tuple[tuple[str, ...], int]:
        """The PaymentIntents whose charges a payout carried and the fees Stripe kept back from it, through its
        balance transactions (a payout is the sum of their `net`, each `amount` minus its `fee`). Stripe can list
        them only once the payout is reconciled (reconciliation_status "completed"); before that this is empty
        and payout.reconciliation_completed brings the list (docs.stripe.com/payouts/reconciliation)."""
        if payout.get("reconciliation_status") not in (None, "completed"):
            return (), 0
        params = {"payout": payout.get("id", ""), "limit": 100, "expand": ["data.source"]}
        ids, fees = [], 0
        for transaction in self._call("balance_transaction.list", None, lambda client, options: [
                item.to_dict() for item in client.v1.balance_transactions.list(params, options).auto_paging_iter()]):
            if transaction.get("type") == "payout":
                continue
            fees += int(transaction.get("fee") or 0)
            source = transaction.get("source")
            if source and not isinstance(source, str) and source.get("object") == "charge":
                intent = _id(source.get("payment_intent"))
                if intent and intent not in ids:
                    ids.append(intent)
        return tuple(ids), fees

    # -- errors ----------------------------------------------------------------------------------------------

    def _call(self, what: str, idempotency_key: str | None, call):
        """Run one library call with the request options; translate its errors into ProviderError."""
        options = {"idempotency_key": idempotency_key} if idempotency_key else {}
        try:
            result = call(self._client(), options)
            return result.to_dict() if isinstance(result, stripe.StripeObject) else result
        except stripe.CardError as exc:
            error = (exc.json_body or {}).get("error") or {}
            code = error.get("decline_code") or error.get("code") or "card_declined"
            logger.info("stripe %s declined: %s", what, code)
            raise ProviderError(declined_message(code),
                                soft=decline_is_soft(error.get("advice_code"), error.get("decline_code"),
                                                     error.get("code")),
                                code=code) from exc
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            logger.warning("stripe %s failed for now: %s", what, type(exc).__name__)
            raise ProviderError(_("The payment service could not be reached. Please try again in a few minutes."),
                                soft=True,
                                code=getattr(exc, "code", None) or type(exc).__name__) from exc
        except (stripe.AuthenticationError, stripe.PermissionError) as exc:
            # Our configuration, not the resident's card: soft, so autopay waits for the fix instead of stopping.
            logger.error("stripe %s refused our credentials: %s", what, type(exc).__name__)
            raise ProviderError(unavailable_message(), soft=True, code="authentication_error") from exc
        except stripe.StripeError as exc:
            error = (exc.json_body or {}).get("error") or {}
            code = error.get("code") or error.get("type") or type(exc).__name__
            logger.warning("stripe %s refused: %s", what, code)
            raise ProviderError(_("The payment service refused this request: %(reason)s") % {
                                    "reason": error.get("message") or code},
                                soft=(exc.http_status or 0) >= 500, code=code) from exc
