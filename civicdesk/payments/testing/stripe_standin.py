"""A local stand-in for Stripe's API, for tests and for developers without a Stripe account.

A real HTTP server that plays the part of Stripe's documented API for what CivicDesk's adapter uses:
form-encoded requests with Bearer authentication, Idempotency-Key replay (the same key and parameters give the
first answer again, with ``Idempotent-Replayed: true``; the same key with other parameters or on another endpoint
is an ``idempotency_error``), Stripe's error JSON, the objects Checkout Session, PaymentIntent, PaymentMethod,
Customer, Charge, Refund, BalanceTransaction and Payout, and a hosted checkout page (a plain accessible HTML form)
that completes the session and POSTs a signed webhook (``Stripe-Signature: t=…,v1=…``, HMAC-SHA256 of
``"{t}.{body}"`` with the webhook secret) to the configured URL.

Test cards, bank accounts and saved payment methods are Stripe's documented test values (docs.stripe.com/testing
and the ACH Direct Debit guide): 4242424242424242 pays, 4000000000009995 has insufficient funds, 000123456789 /
110000000 debits a bank account that settles, 000222222227 one that fails for insufficient funds, and so on
(see CARDS, BANK_ACCOUNTS and TEST_PAYMENT_METHODS). It keeps the brand and last four digits only, never a
whole number. Bank debits stay "processing" until `settle()` (or POST /_standin/settle/<payment_intent>), as a
real one takes days; `pay_out()` makes a payout of what has succeeded.

Run it for development (docs/payments-stripe.md)::

    python -m civicdesk.payments.testing.stripe_standin --port 12111 \
        --webhook-url http://127.0.0.1:8000/payments/webhooks/stripe/

It is not Stripe: only these endpoints, one currency at a time, no real money, everything in memory.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"

# Card number → (brand, funding, decline code or ""); docs.stripe.com/testing ("Cards by brand", "Declined
# payments").
CARDS = {
    "4242424242424242": ("visa", "credit", ""),
    "4000056655665556": ("visa", "debit", ""),
    "5555555555554444": ("mastercard", "credit", ""),
    "378282246310005": ("amex", "credit", ""),
    "6011111111111117": ("discover", "credit", ""),
    "4000000000000002": ("visa", "credit", "generic_decline"),
    "4000000000009995": ("visa", "credit", "insufficient_funds"),
    "4000000000009987": ("visa", "credit", "lost_card"),
    "4000000000009979": ("visa", "credit", "stolen_card"),
    "4000000000000069": ("visa", "credit", "expired_card"),
    "4000000000000127": ("visa", "credit", "incorrect_cvc"),
    "4000000000000119": ("visa", "credit", "processing_error"),
}
# Errors Stripe reports with their own code instead of card_declined + decline_code (docs.stripe.com/error-codes).
OWN_CODES = {"expired_card", "incorrect_cvc", "processing_error"}
MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "lost_card": "Your card was declined.",
    "stolen_card": "Your card was declined.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
    "authentication_required": "Your card was declined. This transaction requires authentication.",
}
# ACH Direct Debit test accounts (routing number 110000000) → failure code once the debit settles, "" = succeeds.
# Failure codes: the ACH table of docs.stripe.com/declines/network-codes (R01, R02, R03, R29).
BANK_ACCOUNTS = {
    "000123456789": "",
    "000111111113": "bank_account_closed",
    "000111111116": "bank_account_invalid_details",
    "000222222227": "insufficient_funds",
    "000333333335": "debit_not_authorized",
}
TEST_ROUTING_NUMBER = "110000000"
# Stripe's test PaymentMethod ids (docs.stripe.com/testing): usable as saved methods of any customer.
TEST_PAYMENT_METHODS = {
    "pm_card_visa": ("card", "4242424242424242", ""),
    "pm_card_mastercard": ("card", "5555555555554444", ""),
    "pm_card_visa_chargeDeclined": ("card", "4000000000000002", "generic_decline"),
    "pm_card_visa_chargeDeclinedInsufficientFunds": ("card", "4000000000009995", "insufficient_funds"),
    "pm_card_visa_chargeDeclinedLostCard": ("card", "4000000000009987", "lost_card"),
    "pm_card_visa_chargeDeclinedStolenCard": ("card", "4000000000009979", "stolen_card"),
    "pm_card_chargeDeclinedExpiredCard": ("card", "4000000000000069", "expired_card"),
    "pm_card_authenticationRequired": ("card", "4000002760003184", "authentication_required"),
    "pm_usBankAccount_success": ("us_bank_account", "000123456789", ""),
    "pm_usBankAccount_accountClosed": ("us_bank_account", "000111111113", "bank_account_closed"),
    "pm_usBankAccount_noAccount": ("us_bank_account", "000111111116", "bank_account_invalid_details"),
    "pm_usBankAccount_insufficientFunds": ("us_bank_account", "000222222227", "insufficient_funds"),
    "pm_usBankAccount_debitNotAuthorized": ("us_bank_account", "000333333335", "debit_not_authorized"),
}


def processing_fee(amount: int, method: str) -> int:
    """What Stripe keeps from a charge, by its published US standard pricing: cards 2.9% + 30¢; ACH Direct Debit
    0.8%, at most $5. Kept back from the payout (each balance transaction's `net` is its amount minus the fee)."""
    if method == "us_bank_account":
        return min(round(amount * 0.008), 500)
    return round(amount * 0.029) + 30

class StripeFailure(Exception):
    """An error answer: HTTP status and Stripe's error object (docs.stripe.com/api/errors)."""

    def __init__(self, status: int, error: dict):
        super().__init__(error.get("message", ""))
        self.status, self.error = status, error


def _invalid(message: str, *, param: str = "", code: str = "", status: int = 400) -> StripeFailure:
    error = {"type": "invalid_request_error", "message": message}
    if param:
        error["param"] = param
    if code:
        error["code"] = code
        error["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
    return StripeFailure(status, error)


def _missing(kind: str, object_id: str) -> StripeFailure:
    return _invalid(f"No such {kind}: '{object_id}'", param="id", code="resource_missing", status=404)


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (``a[b][0][c]=v``, ``expand[]=x``) to nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"^[^\[]+|\[([^\]]*)\]", key)
        names = [key.split("[", 1)[0]] + parts[1:]
        node = root
        for name, following in zip(names, names[1:]):
            node = node.setdefault(name, {})
            if following == "":
                names[-1] = str(len(node))
        node[names[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        node = {key: _lists(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node):
            return [node[key] for key in sorted(node, key=int)]
    return node


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload` (docs.stripe.com/webhooks#verify-manually)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _luhn(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


class StripeStandIn:
    """The stand-in's state and behaviour; `start()` serves it over HTTP on 127.0.0.1."""

    def __init__(self, *, secret_key: str = "sk_test_standin", webhook_secret: str = "whsec_standin",
                 webhook_url: str = "", deliver_webhooks: bool = True):
        self.secret_key, self.webhook_secret, self.webhook_url = secret_key, webhook_secret, webhook_url
        self.deliver_webhooks = deliver_webhooks
        self.url = ""
        self.objects: dict[str, dict] = {}
        self.events: list[dict] = []
        self.deliveries: list[tuple[str, int]] = []  # (event id, HTTP status our endpoint answered)
        self.requests: list[dict] = []  # every API request: method, path, params, idempotency key
        self.declines: dict[str, str] = {}  # payment method id → decline code of its next charges
        self._idempotency: dict[str, tuple[str, str, dict, int, dict]] = {}
        self._lock = threading.RLock()
        self._outbox: list[str] = []
        self._delivering = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- objects ---------------------------------------------------------------------------------------------

    def _new(self, prefix: str, obj: dict) -> dict:
        obj = {"id": f"{prefix}_{secrets.token_hex(12)}", "created": int(time.time()), "livemode": False, **obj}
        self.objects[obj["id"]] = obj
        return obj

    def get(self, object_id: str, kind: str) -> dict:
        obj = self.objects.get(object_id)
        if obj is None and object_id in TEST_PAYMENT_METHODS and kind == "payment_method":
            obj = self._test_payment_method(object_id)
        if obj is None or obj["object"] != kind:
            raise _missing(kind, object_id)
        return obj

    def _test_payment_method(self, pm_id: str) -> dict:
        kind, number, decline = TEST_PAYMENT_METHODS[pm_id]
        method = self._payment_method(kind, number, routing=TEST_ROUTING_NUMBER)
        del self.objects[method["id"]]
        method["id"] = pm_id
        self.objects[pm_id] = method
        if decline:
            self.declines[pm_id] = decline
        return method

    def _payment_method(self, kind: str, number: str, *, routing: str = "", name: str = "") -> dict:
        """A PaymentMethod with the brand or bank and the last four digits; the number itself is not kept."""
        details: dict
        if kind == "card":
            brand, funding, _ = CARDS.get(number, ({"4": "visa", "5": "mastercard", "3": "amex"}.get(
                number[:1], "unknown"), "credit", ""))
            details = {"brand": brand, "last4": number[-4:], "funding": funding, "country": "US",
                       "exp_month": 12, "exp_year": time.gmtime().tm_year + 3}
        else:
            details = {"bank_name": "STRIPE TEST BANK", "last4": number[-4:], "routing_number": routing,
                       "account_holder_type": "individual", "account_type": "checking"}
        return self._new("pm", {"object": "payment_method", "type": kind, kind: details, "customer": None,
                                "billing_details": {"name": name or None, "email": None}, "metadata": {}})

    def _intent(self, params: dict, *, customer=None, payment_method=None) -> dict:
        return self._new("pi", {
            "object": "payment_intent", "amount": int(params["amount"]), "amount_received": 0,
            "currency": params["currency"].lower(), "customer": customer, "description": params.get("description"),
            "last_payment_error": None, "latest_charge": None, "metadata": params.get("metadata") or {},
            "payment_method": payment_method, "setup_future_usage": params.get("setup_future_usage"),
            "payment_method_types": params.get("payment_method_types") or ["card"], "status":
            "requires_payment_method", "canceled_at": None})

    def _charge(self, intent: dict) -> dict:
        charge = self._new("ch", {
            "object": "charge", "amount": intent["amount"], "amount_captured": intent["amount"],
            "amount_refunded": 0, "currency": intent["currency"], "customer": intent["customer"],
            "payment_intent": intent["id"], "payment_method": intent["payment_method"], "paid": True,
            "refunded": False, "status": "succeeded", "balance_transaction": None, "metadata": intent["metadata"],
            "refunds": {"object": "list", "data": [], "has_more": False, "url": ""}})
        charge["refunds"]["url"] = f"/v1/charges/{charge['id']}/refunds"
        fee = processing_fee(intent["amount"], (intent.get("payment_method_types") or ["card"])[0])
        transaction = self._new("txn", {
            "object": "balance_transaction", "amount": intent["amount"], "currency": intent["currency"],
            "fee": fee, "net": intent["amount"] - fee, "source": charge["id"], "type": "charge",
            "status": "available", "payout": None})
        charge["balance_transaction"] = transaction["id"]
        intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge["id"])
        return charge

    def _decline(self, intent: dict, code: str, *, card: bool) -> dict:
        """Record a failed attempt on `intent`; returns the error object Stripe reports."""
        method = self.objects.get(intent["payment_method"] or "") or {}
        error = {"type": "card_error" if card else "invalid_request_error",
                 "code": code if code in OWN_CODES or not card else "card_declined",
                 "message": MESSAGES.get(code, "The payment failed."),
                 "doc_url": "https://docs.stripe.com/error-codes/card-declined", "payment_method": method}
        if card and code not in OWN_CODES:
            error["decline_code"] = code
        if code == "authentication_required":
            error["code"] = "authentication_required"
            error.pop("decline_code", None)
        if code == "insufficient_funds" and card:
            error["advice_code"] = "try_again_later"
        intent.update(status="requires_payment_method", last_payment_error=error)
        return error

    # -- events ----------------------------------------------------------------------------------------------

    def emit(self, kind: str, obj: dict) -> dict:
        """Record an event about a snapshot of `obj` and deliver it when delivery is on."""
        event = self._new("evt", {"object": "event", "api_version": API_VERSION, "type": kind,
                                  "data": {"object": json.loads(json.dumps(self._public(obj)))},
                                  "pending_webhooks": 1,
                                  "request": {"id": None, "idempotency_key": None}})
        self.events.append(event)
        if self.deliver_webhooks and self.webhook_url:
            self._outbox.append(event["id"])
        return event

    def _flush(self) -> None:
        """Deliver queued events in order, outside the state lock (our endpoint may call the API back while it
        handles one). One thread delivers at a time; another finding it busy leaves its events to that thread."""
        while self._outbox:
            if not self._delivering.acquire(blocking=False):
                return
            try:
                while self._outbox:
                    self.deliver(self._outbox.pop(0))
            finally:
                self._delivering.release()

    def deliver(self, event_id: str, *, timestamp: int | None = None) -> int:
        """POST one event, signed, to the webhook URL (again, if it was delivered before); returns the status."""
        event = self.objects[event_id]
        payload = json.dumps(event, indent=2).encode()
        request = urllib.request.Request(self.webhook_url, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": sign(payload, self.webhook_secret, timestamp)})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        self.deliveries.append((event_id, status))
        return status

    def signed_event(self, kind: str, obj: dict, *, timestamp: int | None = None,
                     secret: str | None = None) -> tuple[bytes, dict]:
        """An event body and its headers as Stripe would POST them, without sending it (for tests)."""
        event = self._new("evt", {"object": "event", "api_version": API_VERSION, "type": kind,
                                  "data": {"object": obj}, "pending_webhooks": 1,
                                  "request": {"id": None, "idempotency_key": None}})
        payload = json.dumps(event).encode()
        return payload, {"Stripe-Signature": sign(payload, secret or self.webhook_secret, timestamp)}

    # -- API ------------------------------------------------------------------------------------------------

    ROUTES = [
        ("POST", r"/v1/customers", "create_customer"),
        ("POST", r"/v1/checkout/sessions", "create_session"),
        ("GET", r"/v1/checkout/sessions/(?P<id>[\w]+)", "retrieve_session"),
        ("POST", r"/v1/payment_intents", "create_intent"),
        ("GET", r"/v1/payment_intents/(?P<id>[\w]+)", "retrieve_intent"),
        ("GET", r"/v1/payment_methods/(?P<id>[\w]+)", "retrieve_payment_method"),
        ("GET", r"/v1/setup_intents/(?P<id>[\w]+)", "retrieve_setup_intent"),
        ("POST", r"/v1/refunds", "create_refund"),
        ("GET", r"/v1/refunds/(?P<id>[\w]+)", "retrieve_refund"),
        ("GET", r"/v1/balance_transactions", "list_balance_transactions"),
    ]

    def api(self, method: str, path: str, params: dict, headers) -> tuple[int, dict, dict]:
        """Answer one API request: (status, body, extra headers)."""
        try:
            return self._api(method, path, params, headers)
        finally:
            self._flush()

    def _api(self, method: str, path: str, params: dict, headers) -> tuple[int, dict, dict]:
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not hmac.compare_digest(auth[7:], self.secret_key):
            shown = auth[7:][:8] + "*" * 4 + auth[7:][-4:] if auth.startswith("Bearer ") else ""
            return 401, {"error": {"type": "invalid_request_error", "message":
                                   f"Invalid API Key provided: {shown}" if shown else
                                   "You did not provide an API key. You need to provide your API key in the "
                                   "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                                   "YOUR_SECRET_KEY')."}}, {}
        for verb, pattern, handler in self.ROUTES:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                break
        else:
            return 404, {"error": {"type": "invalid_request_error",
                                   "message": f"Unrecognized request URL ({method}: {path})."}}, {}
        key = headers.get("Idempotency-Key", "") if method == "POST" else ""
        with self._lock:
            self.requests.append({"method": method, "path": path, "params": params, "idempotency_key": key})
            if key:
                seen = self._idempotency.get(key)
                if seen is not None:
                    seen_method, seen_path, seen_params, status, body = seen
                    if (seen_method, seen_path, seen_params) != (method, path, params):
                        return 400, {"error": {
                            "type": "idempotency_error", "message":
                            "Keys for idempotent requests can only be used with the same parameters they were "
                            f"first used with. Try using a key other than '{key}' if you meant to execute a "
                            "different request."}}, {}
                    return status, body, {"Idempotent-Replayed": "true"}
            try:
                status, body = 200, getattr(self, handler)(params, **match.groupdict())
            except StripeFailure as failure:
                status, body = failure.status, {"error": failure.error}
                if status == 400 and failure.error["type"] == "invalid_request_error" and key:
                    # Stripe keeps no result for a request that failed validation before it ran.
                    return status, body, {}
            body = json.loads(json.dumps(body))
            if key:
                self._idempotency[key] = (method, path, params, status, body)
            return status, body, {}

    def _expand(self, obj: dict, expand: list[str]) -> dict:
        obj = json.loads(json.dumps(self._public(obj)))
        for path in expand:
            node, *rest = path.split(".")
            if node == "data" and "data" in obj:
                obj["data"] = [self._expand(item, [".".join(rest)]) for item in obj["data"]]
                continue
            value = obj.get(node)
            if isinstance(value, str) and value in self.objects:
                obj[node] = self._expand(self.objects[value], [".".join(rest)] if rest else [])
            elif isinstance(value, dict) and rest:
                obj[node] = self._expand(value, [".".join(rest)])
        return obj

    def create_customer(self, params: dict) -> dict:
        return self._public(self._new("cus", {"object": "customer", "email": params.get("email"),
                                              "metadata": params.get("metadata") or {}}))

    def create_session(self, params: dict) -> dict:
        if params.get("mode") == "setup":
            return self._create_setup_session(params)
        for name in ("success_url", "line_items"):
            if not params.get(name):
                raise _invalid(f"Missing required param: {name}.", param=name, code="parameter_missing")
        if params.get("mode") != "payment":
            raise _invalid("The stand-in plays mode=payment and mode=setup.", param="mode")
        [item] = params["line_items"]
        price = item["price_data"]
        amount = int(price["unit_amount"]) * int(item.get("quantity", 1))
        if amount < 50:
            raise _invalid("The Checkout Session's total amount due must add up to at least $0.50 usd",
                           param="line_items", code="amount_too_small")
        methods = params.get("payment_method_types") or ["card"]
        for method in methods:
            if method not in ("card", "us_bank_account"):
                raise _invalid("Invalid payment_method_types[0]: must be one of card or us_bank_account",
                               param="payment_method_types")
        intent_data = params.get("payment_intent_data") or {}
        session = self._new("cs_test", {
            "object": "checkout.session", "mode": "payment", "status": "open", "payment_status": "unpaid",
            "amount_subtotal": amount, "amount_total": amount, "currency": price["currency"].lower(),
            "client_reference_id": params.get("client_reference_id"), "customer": None,
            "customer_creation": params.get("customer_creation", "if_required"),
            "customer_email": params.get("customer_email"), "customer_details": None,
            "metadata": params.get("metadata") or {}, "payment_intent": None, "payment_method_types": methods,
            "success_url": params["success_url"], "cancel_url": params.get("cancel_url"),
            "expires_at": int(time.time()) + 24 * 3600, "url": None,
            "_description": price.get("product_data", {}).get("name", ""), "_intent_data": intent_data})
        session["url"] = f"{self.url}/c/pay/{session['id']}"
        return self._public(session)

    def _create_setup_session(self, params: dict) -> dict:
        """Checkout in setup mode: saves a payment method to a Customer for later off-session debits, no charge."""
        if not params.get("success_url"):
            raise _invalid("Missing required param: success_url.", param="success_url", code="parameter_missing")
        customer = params.get("customer")
        if customer:
            self.get(customer, "customer")
        methods = params.get("payment_method_types") or ["card"]
        if any(method not in ("card", "us_bank_account") for method in methods):
            raise _invalid("Invalid payment_method_types[0]: must be one of card or us_bank_account",
                           param="payment_method_types")
        session = self._new("cs_test", {
            "object": "checkout.session", "mode": "setup", "status": "open", "payment_status": "no_payment_required",
            "amount_subtotal": None, "amount_total": None, "currency": None,
            "client_reference_id": params.get("client_reference_id"), "customer": customer,
            "customer_creation": None, "customer_email": None, "customer_details": None,
            "metadata": params.get("metadata") or {}, "payment_intent": None, "setup_intent": None,
            "payment_method_types": methods, "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"), "expires_at": int(time.time()) + 24 * 3600, "url": None,
            "_description": "", "_intent_data": {}})
        session["url"] = f"{self.url}/c/pay/{session['id']}"
        return self._public(session)

    def retrieve_setup_intent(self, params: dict, id: str) -> dict:
        return self._expand(self._public(self.get(id, "setup_intent")), params.get("expand") or [])

    @staticmethod
    def _public(obj: dict) -> dict:
        return {key: value for key, value in obj.items() if not key.startswith("_")}

    def retrieve_session(self, params: dict, id: str) -> dict:
        return self._expand(self._public(self.get(id, "checkout.session")), params.get("expand") or [])

    def retrieve_intent(self, params: dict, id: str) -> dict:
        return self._expand(self.get(id, "payment_intent"), params.get("expand") or [])

    def retrieve_payment_method(self, params: dict, id: str) -> dict:
        return self._expand(self.get(id, "payment_method"), params.get("expand") or [])

    def retrieve_refund(self, params: dict, id: str) -> dict:
        return self.get(id, "refund")

    def create_intent(self, params: dict) -> dict:
        """PaymentIntent create; with confirm=true and off_session=true it debits a saved payment method."""
        for name in ("amount", "currency"):
            if not params.get(name):
                raise _invalid(f"Missing required param: {name}.", param=name, code="parameter_missing")
        if params.get("confirm") != "true" or params.get("off_session") != "true":
            raise _invalid("The stand-in only plays confirm=true with off_session=true.", param="confirm")
        method = self.get(params.get("payment_method", ""), "payment_method")
        if params.get("customer") and method["customer"] not in (None, params["customer"]):
            raise _invalid("The provided PaymentMethod is attached to another customer.",
                           param="payment_method", code="payment_method_invalid_parameter")
        intent = self._intent(params, customer=params.get("customer"), payment_method=method["id"])
        decline = self.declines.get(method["id"], "")
        card = method["type"] == "card"
        if card and decline:
            error = self._decline(intent, decline, card=True)
            self.emit("payment_intent.payment_failed", intent)
            raise StripeFailure(402, {**error, "payment_intent": self._expand(intent, [])})
        if card:
            self._charge(intent)
            self.emit("payment_intent.succeeded", intent)
        else:
            intent["status"] = "processing"
            intent["_settles_with"] = decline
            self.emit("payment_intent.processing", self._public(intent))
        return self._expand(self._public(intent), params.get("expand") or [])

    def create_refund(self, params: dict) -> dict:
        intent = self.get(params.get("payment_intent", ""), "payment_intent")
        if intent["status"] != "succeeded":
            raise _invalid(f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                           param="payment_intent", code="charge_not_refundable")
        charge = self.objects[intent["latest_charge"]]
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise _invalid(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        amount = int(params.get("amount") or remaining)
        if amount <= 0:
            raise _invalid("Invalid positive integer", param="amount", code="parameter_invalid_integer")
        if amount > remaining:
            raise _invalid(f"Refund amount (${amount / 100:.2f}) is greater than unrefunded amount on charge "
                           f"(${remaining / 100:.2f})", param="amount", code="amount_too_large")
        card = self.objects[charge["payment_method"]]["type"] == "card"
        refund = self._new("re", {"object": "refund", "amount": amount, "charge": charge["id"],
                                  "currency": charge["currency"], "payment_intent": intent["id"],
                                  "metadata": params.get("metadata") or {}, "reason": params.get("reason"),
                                  "status": "succeeded" if card else "pending"})
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        charge["refunds"]["data"].insert(0, refund)
        self._new("txn", {"object": "balance_transaction", "amount": -amount, "currency": refund["currency"],
                          "fee": 0, "net": -amount, "source": refund["id"], "type": "refund",
                          "status": "available", "payout": None})
        self.emit("refund.created", refund)
        self.emit("charge.refunded", charge)
        return refund

    def list_balance_transactions(self, params: dict) -> dict:
        items = [obj for obj in self.objects.values() if obj["object"] == "balance_transaction"
                 and (not params.get("payout") or obj["payout"] == params["payout"])]
        items.sort(key=lambda obj: obj["created"], reverse=True)
        if params.get("starting_after"):
            ids = [obj["id"] for obj in items]
            items = items[ids.index(params["starting_after"]) + 1:]
        limit = int(params.get("limit") or 10)
        page = {"object": "list", "data": items[:limit], "has_more": len(items) > limit,
                "url": "/v1/balance_transactions"}
        return self._expand(page, params.get("expand") or [])

    # -- what a resident does on the hosted page, and what time does ----------------------------------------

    def pay(self, session_id: str, form: dict) -> tuple[dict, str]:
        """Submit the hosted page's form; returns (session, error message for the resident or "")."""
        try:
            return self._pay(session_id, form)
        finally:
            self._flush()

    def _pay(self, session_id: str, form: dict) -> tuple[dict, str]:
        with self._lock:
            session = self.get(session_id, "checkout.session")
            if session["status"] != "open":
                return session, "This checkout is no longer open."
            kind = form.get("method", "card")
            if kind not in session["payment_method_types"]:
                return session, "Choose a payment method."
            if kind == "card":
                number = re.sub(r"[\s-]", "", form.get("card_number", ""))
                if not number.isdigit() or not 13 <= len(number) <= 19 or not _luhn(number):
                    return session, "Your card number is invalid."
                if not re.fullmatch(r"\s*\d{1,2}\s*/\s*\d{2}\s*", form.get("expiry", "")):
                    return session, "Your card's expiration date is incomplete."
                if not re.fullmatch(r"\d{3,4}", form.get("cvc", "").strip()):
                    return session, "Your card's security code is incomplete."
                method = self._payment_method("card", number, name=form.get("name", ""))
                decline = CARDS.get(number, ("", "", ""))[2]
            else:
                account, routing = form.get("account_number", "").strip(), form.get("routing_number", "").strip()
                if not re.fullmatch(r"\d{9}", routing):
                    return session, "Your routing number is invalid."
                if not re.fullmatch(r"\d{4,17}", account):
                    return session, "Your account number is invalid."
                method = self._payment_method("us_bank_account", account, routing=routing,
                                              name=form.get("name", ""))
                decline = BANK_ACCOUNTS.get(account, "")
            if session["mode"] == "setup":
                return self._complete_setup(session, method, kind), ""
            intent_data = session["_intent_data"]
            if session["customer_creation"] == "always" or intent_data.get("setup_future_usage"):
                customer = self._new("cus", {"object": "customer", "email": session["customer_email"],
                                             "metadata": {}})
                session["customer"] = method["customer"] = customer["id"]
            intent = self.objects.get(session["payment_intent"] or "") or self._intent(
                {"amount": session["amount_total"], "currency": session["currency"],
                 "description": intent_data.get("description"), "metadata": intent_data.get("metadata"),
                 "setup_future_usage": intent_data.get("setup_future_usage"), "payment_method_types": [kind]},
                customer=session["customer"])
            intent.update(payment_method=method["id"], customer=session["customer"])
            session["payment_intent"] = intent["id"]
            session["customer_details"] = {"email": session["customer_email"], "name": form.get("name") or None}
            if kind == "card" and decline:
                error = self._decline(intent, decline, card=True)
                self.emit("payment_intent.payment_failed", self._public(intent))
                return session, error["message"]
            session["status"] = "complete"
            if kind == "card":
                self._charge(intent)
                session["payment_status"] = "paid"
                self.emit("payment_intent.succeeded", self._public(intent))
            else:
                intent["status"] = "processing"
                intent["_settles_with"] = decline
                self.emit("payment_intent.processing", self._public(intent))
            self.emit("checkout.session.completed", self._public(session))
            return session, ""

    def _complete_setup(self, session: dict, method: dict, kind: str) -> dict:
        """The saved method attached to the session's Customer (one made when none was given), via a SetupIntent."""
        if not session["customer"]:
            session["customer"] = self._new("cus", {"object": "customer", "email": None, "metadata": {}})["id"]
        method["customer"] = session["customer"]
        intent = self._new("seti", {"object": "setup_intent", "status": "succeeded", "usage": "off_session",
                                    "customer": session["customer"], "payment_method": method["id"],
                                    "payment_method_types": [kind], "metadata": session["metadata"]})
        session["setup_intent"], session["status"] = intent["id"], "complete"
        self.emit("setup_intent.succeeded", self._public(intent))
        self.emit("checkout.session.completed", self._public(session))
        return session

    def settle(self, intent_id: str) -> dict:
        """A bank debit's outcome arrives (days later at Stripe): succeeded, or failed with the account's code."""
        try:
            return self._settle(intent_id)
        finally:
            self._flush()

    def _settle(self, intent_id: str) -> dict:
        with self._lock:
            intent = self.get(intent_id, "payment_intent")
            if intent["status"] != "processing":
                raise _invalid(f"PaymentIntent {intent_id} is not processing.")
            failure = intent.pop("_settles_with", "")
            session = next((obj for obj in self.objects.values() if obj["object"] == "checkout.session"
                            and obj["payment_intent"] == intent_id), None)
            if failure:
                self._decline(intent, failure, card=False)
                intent["last_payment_error"].update(type="invalid_request_error", code=failure)
                self.emit("payment_intent.payment_failed", self._public(intent))
                if session:
                    self.emit("checkout.session.async_payment_failed", self._public(session))
            else:
                self._charge(intent)
                if session:
                    session["payment_status"] = "paid"
                self.emit("payment_intent.succeeded", self._public(intent))
                if session:
                    self.emit("checkout.session.async_payment_succeeded", self._public(session))
            return self._public(intent)

    def expire(self, session_id: str) -> dict:
        """An open checkout reaches its expires_at (24 hours at Stripe): expired, checkout.session.expired."""
        try:
            with self._lock:
                session = self.get(session_id, "checkout.session")
                if session["status"] != "open":
                    raise _invalid("Only Checkout Sessions with a status of open can be expired.")
                session.update(status="expired", url=None)
                self.emit("checkout.session.expired", session)
                return self._public(session)
        finally:
            self._flush()

    def pay_out(self) -> dict:
        """Pay out every balance transaction not yet paid out (an automatic payout, reconciled)."""
        try:
            return self._pay_out()
        finally:
            self._flush()

    def _pay_out(self) -> dict:
        with self._lock:
            waiting = [obj for obj in self.objects.values()
                       if obj["object"] == "balance_transaction" and obj["payout"] is None and obj["type"] != "payout"]
            amount = sum(obj["net"] for obj in waiting)
            currency = waiting[0]["currency"] if waiting else "usd"
            payout = self._new("po", {"object": "payout", "amount": amount, "currency": currency,
                                      "arrival_date": int(time.time()), "automatic": True, "status": "paid",
                                      "reconciliation_status": "completed", "method": "standard",
                                      "balance_transaction": None, "metadata": {}})
            for obj in waiting:
                obj["payout"] = payout["id"]
            self.emit("payout.paid", payout)
            return payout

    # -- HTTP -----------------------------------------------------------------------------------------------

    def start(self, port: int = 0, host: str = "127.0.0.1") -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: bytes, content_type: str, extra=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if parts.path.startswith("/v1/"):
                    query = parts.query if method == "GET" else body
                    params = decode_form(parse_qsl(query, keep_blank_values=True))
                    status, answer, extra = standin.api(method, parts.path, params, self.headers)
                    self._answer(status, json.dumps(answer, indent=2).encode(), "application/json", extra)
                    return
                page = re.fullmatch(r"/c/pay/(\w+)", parts.path)
                settle = re.fullmatch(r"/_standin/settle/(\w+)", parts.path)
                expire = re.fullmatch(r"/_standin/expire/(\w+)", parts.path)
                try:
                    if page and method == "GET":
                        session = standin.get(page.group(1), "checkout.session")
                        self._answer(200, standin.page(session).encode(), "text/html; charset=utf-8")
                    elif page and method == "POST":
                        form = dict(parse_qsl(body, keep_blank_values=True))
                        session, error = standin.pay(page.group(1), form)
                        if error:
                            self._answer(200 if session["status"] == "open" else 409,
                                         standin.page(session, error=error, form=form).encode(),
                                         "text/html; charset=utf-8")
                        else:
                            self._answer(303, b"", "text/plain", {"Location": session["success_url"].replace(
                                "{CHECKOUT_SESSION_ID}", session["id"])})
                    elif settle and method == "POST":
                        answer = standin.settle(settle.group(1))
                        self._answer(200, json.dumps(answer).encode(), "application/json")
                    elif expire and method == "POST":
                        self._answer(200, json.dumps(standin.expire(expire.group(1))).encode(), "application/json")
                    elif parts.path == "/_standin/payout" and method == "POST":
                        self._answer(200, json.dumps(standin.pay_out()).encode(), "application/json")
                    else:
                        self._answer(404, b"Not found", "text/plain")
                except StripeFailure as failure:
                    self._answer(failure.status, json.dumps({"error": failure.error}).encode(),
                                 "application/json")

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- the hosted page ------------------------------------------------------------------------------------

    def page(self, session: dict, *, error: str = "", form: dict | None = None) -> str:
        """The hosted checkout page: one labelled form, no script; errors announced and tied to the form."""
        form = form or {}
        esc = html.escape
        amount = (f"{session['amount_total'] / 100:,.2f} {session['currency'].upper()}"
                  if session["mode"] == "payment" else "")
        methods = session["payment_method_types"]
        chosen = form.get("method", methods[0])
        if session["status"] != "open":
            body = "<p>This checkout is complete. You can close this page.</p>"
        else:
            choices = "".join(
                f'<div><input type="radio" id="method-{m}" name="method" value="{m}"'
                f'{" checked" if m == chosen else ""}> <label for="method-{m}">'
                f'{"Card" if m == "card" else "US bank account (ACH debit)"}</label></div>' for m in methods)
            error_html = (f'<div id="error" role="alert"><p>{esc(error)}</p></div>' if error else "")
            described = ' aria-describedby="error"' if error else ""
            card = ("" if "card" not in methods else
                    '<fieldset><legend>Card details</legend>'
                    f'<p><label for="card_number">Card number</label><br><input id="card_number" '
                    f'name="card_number" inputmode="numeric" autocomplete="cc-number"{described}></p>'
                    '<p><label for="expiry">Expiry (MM / YY)</label><br><input id="expiry" name="expiry" '
                    'autocomplete="cc-exp"></p>'
                    '<p><label for="cvc">Security code (CVC)</label><br><input id="cvc" name="cvc" '
                    'inputmode="numeric" autocomplete="cc-csc"></p></fieldset>')
            bank = ("" if "us_bank_account" not in methods else
                    '<fieldset><legend>Bank account</legend>'
                    '<p><label for="routing_number">Routing number</label><br><input id="routing_number" '
                    'name="routing_number" inputmode="numeric"></p>'
                    '<p><label for="account_number">Account number</label><br><input id="account_number" '
                    'name="account_number" inputmode="numeric"></p>'
                    '<p>By paying by bank account you authorise this debit from your account.</p></fieldset>')
            body = (f'{error_html}<form method="post" action="/c/pay/{esc(session["id"])}">'
                    f'<fieldset><legend>Pay with</legend>{choices}</fieldset>'
                    f'<p><label for="name">Name on the card or account</label><br><input id="name" name="name" '
                    f'autocomplete="name" value="{esc(form.get("name", ""))}"></p>{card}{bank}'
                    f'<p><button type="submit">{f"Pay {esc(amount)}" if amount else "Save"}</button></p></form>'
                    f'<p><a href="{esc(session["cancel_url"] or "")}">Cancel and go back</a></p>')
        title = f"Pay {esc(amount)}" if amount else "Save a payment method"
        return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{title} (Stripe stand-in)</title></head><body><main>"
                f"<h1>{title}</h1><p>{esc(session['_description'])}</p>"
                "<p>Test checkout page of the local Stripe stand-in: no real money moves.</p>"
                f"{body}</main></body></html>")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local Stripe stand-in (no real money moves).")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--secret-key", default="sk_test_standin", help="the STRIPE_SECRET_KEY it accepts")
    parser.add_argument("--webhook-secret", default="whsec_standin", help="the STRIPE_WEBHOOK_SECRET it signs with")
    parser.add_argument("--webhook-url", default="", help="where it POSTs events, e.g. "
                        "http://127.0.0.1:8000/payments/webhooks/stripe/")
    args = parser.parse_args(argv)
    standin = StripeStandIn(secret_key=args.secret_key, webhook_secret=args.webhook_secret,
                            webhook_url=args.webhook_url).start(port=args.port)
    print(f"Stripe stand-in on {standin.url}: STRIPE_API_BASE={standin.url} "
          f"STRIPE_SECRET_KEY={args.secret_key} STRIPE_WEBHOOK_SECRET={args.webhook_secret}")
    print(f"Settle a bank debit: POST {standin.url}/_standin/settle/<payment_intent id>; "
          f"pay out: POST {standin.url}/_standin/payout")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
