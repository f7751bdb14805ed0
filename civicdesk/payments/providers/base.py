"""The contract between CivicDesk's ledger and a payment provider (a card processor, a bank-debit service).

CivicDesk never sees a card or bank number: an online payment starts a *checkout* at the provider (a hosted page
the resident is sent to, or a client-side element that talks to the provider directly), and the provider tells
us the outcome twice, by the resident's return and by a signed webhook. Both paths end in the same idempotent
service, so a payment is recorded once however often, late or out of order the news arrives.

Every call that can move money carries an ``idempotency_key`` chosen by us and stored before the call, so that
a retry after a crash (the worker died between the provider's answer and our commit) asks the provider for the
*same* operation again and the provider answers with the first result instead of charging twice.

Amounts are integer minor units (cents) with an ISO 4217 currency code in lower case ("usd"), never floats.
"""

from __future__ import annotations

import abc
import dataclasses


class ProviderError(Exception):
    """The provider refused or could not be reached. `soft` errors (network, 5xx, rate limit, insufficient funds
    on a debit that may be retried) may succeed later; hard ones (card declined for good, mandate revoked,
    account closed) must not be retried. `code` is the provider's own code, for staff."""

    def __init__(self, message: str, *, soft: bool, code: str = ""):
        super().__init__(message)
        self.soft = soft
        self.code = code


class InvalidSignature(Exception):
    """A webhook's signature is missing, wrong or too old: the body must be ignored (answered 400)."""


@dataclasses.dataclass(frozen=True)
class CheckoutRequest:
    """What we ask the provider to collect. `reference` is our Payment's public reference; the provider echoes
    it back in every event about this checkout. `methods` are ours: "card", "us_bank_account"."""

    reference: str
    amount_cents: int
    currency: str
    description: str
    success_url: str
    cancel_url: str
    idempotency_key: str
    methods: tuple[str, ...] = ("card",)
    customer_email: str = ""
    #: Ask the provider to keep the payment method for later debits (autopay enrolment).
    save_for_autopay: bool = False


@dataclasses.dataclass(frozen=True)
class CheckoutSession:
    """A started checkout: send the resident to `redirect_url`; `session_id` is the provider's id for it."""

    session_id: str
    redirect_url: str


@dataclasses.dataclass(frozen=True)
class ProviderPayment:
    """What the provider says about one payment. `status`: "succeeded", "pending" (bank debits take days),
    "failed" or "cancelled". `method` is ours ("card", "us_bank_account"); `method_label` is safe to show
    (e.g. "Visa ending 4242"), never a full number. `mandate_ref` is set when the payment method was saved
    for autopay."""

    reference: str
    provider_payment_id: str
    status: str
    amount_cents: int
    currency: str
    session_id: str = ""
    method: str = ""
    method_label: str = ""
    mandate_ref: str = ""
    failure_code: str = ""
    failure_is_hard: bool = False


@dataclasses.dataclass(frozen=True)
class ProviderRefund:
    """A refund the provider accepted: `status` "succeeded", "pending" or "failed"."""

    provider_refund_id: str
    provider_payment_id: str
    status: str
    amount_cents: int
    currency: str


@dataclasses.dataclass(frozen=True)
class MandateCharge:
    """A debit of a saved payment method (autopay) on our initiative."""

    mandate_ref: str
    reference: str
    amount_cents: int
    currency: str
    description: str
    idempotency_key: str


@dataclasses.dataclass(frozen=True)
class SetupRequest:
    """Ask the provider to save a payment method for autopay, moving no money (autopay enrolment). `reference` is
    our enrolment's token; the same `idempotency_key` returns the same session."""

    reference: str
    description: str
    success_url: str
    cancel_url: str
    idempotency_key: str
    customer_email: str = ""
    methods: tuple[str, ...] = ("us_bank_account",)


@dataclasses.dataclass(frozen=True)
class SavedMethod:
    """What the provider says about a setup session: `status` "saved" (with `mandate_ref` and a `method_label`
    safe to show), "open" (not finished) or "cancelled"."""

    status: str
    mandate_ref: str = ""
    method_label: str = ""


@dataclasses.dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook. `event_id` is unique per event at the provider (deduplicate on it); `kind` is ours:
    "payment" (with `payment`), "refund" (with `refund`), "payout" (with `payout_id`, `payout_amount_cents` (what
    reached the bank), `payout_fee_cents` (the provider's fees kept back from it), `payout_payment_ids`) or
    "ignored" (an event type we do not use). `created` is the provider's Unix time,
    which orders events that arrive out of order."""

    event_id: str
    kind: str
    created: int
    payment: ProviderPayment | None = None
    refund: ProviderRefund | None = None
    payout_id: str = ""
    payout_amount_cents: int = 0
    payout_fee_cents: int = 0
    payout_currency: str = ""
    payout_payment_ids: tuple[str, ...] = ()


class PaymentProvider(abc.ABC):
    """One provider. Implementations hold no state between calls but their configuration (read from settings)."""

    #: Set by `get_provider`: the key under which this adapter is registered and stored on payments.
    name = ""
    #: The methods this provider can collect online, in our vocabulary.
    methods: tuple[str, ...] = ("card",)

    @abc.abstractmethod
    def is_configured(self) -> bool:
        """True when the secrets it needs are set."""

    @abc.abstractmethod
    def start_checkout(self, checkout: CheckoutRequest) -> CheckoutSession:
        """Create a checkout; the same `idempotency_key` returns the same session. Raises ProviderError."""

    @abc.abstractmethod
    def fetch_checkout(self, session_id: str) -> ProviderPayment:
        """The current outcome of a checkout (read when the resident comes back). Raises ProviderError."""

    @abc.abstractmethod
    def parse_webhook(self, body: bytes, headers) -> ProviderEvent:
        """Verify the signature of a webhook POST and translate it; raises InvalidSignature."""

    @abc.abstractmethod
    def charge_mandate(self, charge: MandateCharge) -> ProviderPayment:
        """Debit a saved payment method; the same `idempotency_key` never debits twice. Raises ProviderError
        (soft: retry later; hard: stop autopay and tell the resident)."""

    def start_mandate_setup(self, setup: SetupRequest) -> CheckoutSession:
        """Start the provider's page that saves a payment method for autopay (no money moves). Raises
        ProviderError; providers that cannot save methods raise it hard (the default)."""
        raise ProviderError("This payment provider does not offer autopay.", soft=False, code="setup_unsupported")

    def fetch_mandate_setup(self, session_id: str) -> SavedMethod:
        """How a setup session ended (read when the resident comes back). Raises ProviderError."""
        raise ProviderError("This payment provider does not offer autopay.", soft=False, code="setup_unsupported")

    @abc.abstractmethod
    def refund(self, provider_payment_id: str, amount_cents: int, currency: str,
               idempotency_key: str) -> ProviderRefund:
        """Refund part or all of a payment; the same `idempotency_key` never refunds twice. Raises ProviderError."""
