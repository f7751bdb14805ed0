"""Bills and payments: billing accounts, bills, the double-entry ledger, payments, refunds, provider events, autopay.

Money is always an integer number of minor units (cents) with an ISO 4217 currency code in lower case ("usd").
Balances are never stored: they are sums of ledger postings (see `Posting` and civicdesk/payments/ledger.py), so
a balance cannot drift from the entries that explain it.

Sign convention of the ledger: a posting's `amount_cents` is positive for a debit and negative for a credit, and
the postings of one journal entry always sum to zero. The account codes:

- ``receivable``: what residents owe the city (debited by charges and late fees, credited by payments);
- ``revenue:<bill kind>``: income from bills (credited by charges);
- ``fees_revenue``: convenience fees; ``late_fees_revenue``: late fees;
- ``provider_clearing:<provider>``: money a provider collected for us and has not paid out yet;
- ``cash_drawer``: cash taken at a counter; ``cheques``: cheques taken at a counter; ``terminal_clearing``:
  card-terminal payments taken at a counter;
- ``customer_credit``: money residents paid beyond what they owed (a credit, so its balance is negative);
- ``credits_issued``: goodwill credits and write-downs the city granted.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel

RECEIVABLE = "receivable"
CUSTOMER_CREDIT = "customer_credit"
FEES_REVENUE = "fees_revenue"
LATE_FEES_REVENUE = "late_fees_revenue"
CASH_DRAWER = "cash_drawer"
#: Cheques taken at a counter, not yet banked; card-terminal payments not yet settled by the terminal's acquirer
#: (added by the staff money operations, docs/payments-operations.md).
CHEQUES = "cheques"
TERMINAL_CLEARING = "terminal_clearing"
COUNTER_ACCOUNTS = {"cheque": CHEQUES, "card_terminal": TERMINAL_CLEARING}
CREDITS_ISSUED = "credits_issued"


def revenue_account(kind: str) -> str:
    """The revenue account code of a bill kind, e.g. "revenue:water_sewer"."""
    return f"revenue:{kind}"


def clearing_account(provider: str) -> str:
    """The clearing account code of a provider, e.g. "provider_clearing:stripe"."""
    return f"provider_clearing:{provider}"


def format_money(cents: int, currency: str = "usd") -> str:
    """`1234, "usd"` → "$12.34"; other currencies as "12.34 EUR". Negative amounts keep their sign."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    if currency.lower() == "usd":
        return f"{sign}${whole:,}.{part:02d}"
    return f"{sign}{whole:,}.{part:02d} {currency.upper()}"


class BillKind(models.TextChoices):
    WATER_SEWER = "water_sewer", _("Water and sewer")
    PROPERTY_TAX = "property_tax", _("Property tax")
    PARKING = "parking", _("Parking citation")
    PERMIT_FEE = "permit_fee", _("Permit and licence fees")
    OTHER = "other", _("Other")


def _currency_field():
    return models.CharField(_("currency"), max_length=3, default="usd",
                            help_text=_("ISO 4217 code in lower case, e.g. usd."))


class BillingAccount(LoggedModel):
    """An account in the city's billing system: a water service, a property's tax roll, a licence plate's tickets.

    `number` is the account number printed on the bill, unique per jurisdiction and kind. The holder's name,
    service address and contact details are personal data: only the holder (once linked), a guest who proves
    the account number and a second fact from the bill, and finance staff of the jurisdiction see them. The
    contact fields are where reminders go (through notify(), in `language`).
    """

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT,
                                     related_name="billing_accounts", verbose_name=_("jurisdiction"))
    kind = models.CharField(_("kind"), max_length=20, choices=BillKind.choices)
    number = models.CharField(_("account number"), max_length=40)
    number_key = models.CharField(
        _("account number for look-ups"), max_length=40, db_index=True, editable=False,
        help_text=_("The number without spaces or dashes, in upper case; set by save() (bulk writers: "
                    "BillingAccount.normalise_number)."))
    holder_name = models.CharField(_("account holder"), max_length=200)
    service_address = models.CharField(_("service address"), max_length=300, blank=True)
    service_postcode = models.CharField(_("service postcode"), max_length=16, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_language = models.CharField(_("contact language"), max_length=8, default="en")
    currency = _currency_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("billing account")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "kind", "number"], name="payments_account_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs):
        self.number_key = self.normalise_number(self.number)
        if kwargs.get("update_fields") is not None and "number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "number_key"}
        super().save(*args, **kwargs)

    @staticmethod
    def normalise_number(number: str) -> str:
        """An account number as residents type it, reduced to what is compared: no spaces or dashes, upper case."""
        return "".join(ch for ch in (number or "") if ch.isalnum()).upper()

    @staticmethod
    def normalise_postcode(postcode: str) -> str:
        """A postcode reduced for comparison (no spaces, upper case)."""
        return "".join((postcode or "").split()).upper()

    def balance_cents(self) -> int:
        """What the holder owes now, from the ledger: receivable minus any credit held. Negative = in credit."""
        return Posting.objects.filter(billing_account=self, account__in=[RECEIVABLE, CUSTOMER_CREDIT]).total()

    def receivable_cents(self) -> int:
        """The sum of the open bills' balances (and any receivable not tied to a bill)."""
        return Posting.objects.filter(billing_account=self, account=RECEIVABLE).total()

    def credit_cents(self) -> int:
        """The credit the holder has with the city (overpayments not yet applied), as a positive number."""
        return -Posting.objects.filter(billing_account=self, account=CUSTOMER_CREDIT).total()

    def last_bill(self) -> Bill | None:
        """The most recently issued bill that is not void, or None."""
        return self.bills.filter(voided_at__isnull=True).order_by("-issued_on", "-pk").first()


class AccountLink(models.Model):
    """A resident's login linked to a billing account, after proving the account number and a second fact."""

    class Verified(models.TextChoices):
        BILL_FACTS = "bill_facts", _("Account number, postcode and last bill amount")
        STAFF = "staff", _("By staff")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_links")
    account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="links")
    linked_at = models.DateTimeField(default=timezone.now)
    verified_by = models.CharField(_("how verified"), max_length=20, choices=Verified.choices,
                                   default=Verified.BILL_FACTS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "account"], name="payments_link_unique")]


def _int_list():
    return []


class BillKindPolicy(LoggedModel):
    """What happens around a bill of one kind in one jurisdiction: reminders, late fee, convenience fees, autopay.

    - `reminder_days_before` (e.g. [7, 1]), `remind_on_due_date`, `reminder_days_after` (e.g. [3, 10]): when
      reminders go out, counted in calendar days from the due date.
    - Late fee: `late_fee_cents` fixed plus `late_fee_basis_points` of the bill's balance (100 bp = 1 %), applied
      once per bill when it is still unpaid `late_fee_grace_days` after its due date. Both zero: no late fee.
    - `convenience_fees`: method → {"cents": n} or {"basis_points": n}, e.g. {"card": {"basis_points": 250},
      "us_bank_account": {"cents": 0}}; a method absent means no fee. Shown to the resident before paying.
    - `autopay_notice_days`: how many days before an autopay debit the holder is told.
    """

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="bill_kind_policies")
    kind = models.CharField(_("kind"), max_length=20, choices=BillKind.choices)
    reminder_days_before = models.JSONField(_("reminder days before due"), default=_int_list, blank=True)
    remind_on_due_date = models.BooleanField(_("reminder on the due date"), default=True)
    reminder_days_after = models.JSONField(_("reminder days after due"), default=_int_list, blank=True)
    late_fee_cents = models.PositiveIntegerField(_("late fee (cents)"), default=0)
    late_fee_basis_points = models.PositiveIntegerField(_("late fee (basis points of the balance)"), default=0)
    late_fee_grace_days = models.PositiveIntegerField(_("late fee grace days"), default=0)
    convenience_fees = models.JSONField(_("convenience fee per method"), default=dict, blank=True)
    autopay_notice_days = models.PositiveIntegerField(_("autopay notice days"), default=3)

    class Meta:
        verbose_name = _("bill kind policy")
        verbose_name_plural = _("bill kind policies")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "kind"], name="payments_policy_unique")]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.kind}"

    @classmethod
    def for_account(cls, account: BillingAccount) -> BillKindPolicy:
        """The policy of the account's jurisdiction and kind; an unsaved all-defaults policy when none exists."""
        found = cls.objects.filter(jurisdiction_id=account.jurisdiction_id, kind=account.kind).first()
        return found or cls(jurisdiction_id=account.jurisdiction_id, kind=account.kind)

    def convenience_fee_cents(self, method: str, amount_cents: int) -> int:
        """The fee for paying `amount_cents` by `method` (fixed cents, or basis points rounded half up); 0 if none."""
        rule = (self.convenience_fees or {}).get(method) or {}
        if "cents" in rule:
            return max(0, int(rule["cents"]))
        if "basis_points" in rule:
            return max(0, (int(amount_cents) * int(rule["basis_points"]) + 5000) // 10000)
        return 0

    def late_fee_for(self, balance_cents: int) -> int:
        """The late fee on an unpaid balance: fixed part plus basis points of the balance (half up); 0 if none."""
        if balance_cents <= 0:
            return 0
        return self.late_fee_cents + (balance_cents * self.late_fee_basis_points + 5000) // 10000


class BillQuerySet(models.QuerySet):
    def with_balance(self):
        """Annotate `owed_cents`: the sum of each bill's receivable postings (what is still owed on it), which
        `Bill.balance_cents()` then returns without another query."""
        owed = (Posting.objects.filter(bill=models.OuterRef("pk"), account=RECEIVABLE)
                .order_by().values("bill").annotate(s=Sum("amount_cents")).values("s"))
        return self.annotate(owed_cents=Coalesce(models.Subquery(owed), Value(0)))

    def open(self):
        """Bills not void that still have something owed (annotated with `owed_cents`)."""
        return self.with_balance().filter(voided_at__isnull=True, owed_cents__gt=0)


class Bill(LoggedModel):
    """One bill of a billing account: its number (unique per account), dates, lines and the amount issued.

    `amount_cents` is what the bill charged when issued (the sum of its lines); what is still owed is derived from
    the ledger (`balance_cents()`), and so is the status (`status()`): "void" once voided, "paid" when nothing is
    owed, otherwise "open" (and `is_overdue()` after the due date). `external_ref` is the billing system's id.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="bills")
    number = models.CharField(_("bill number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    currency = _currency_field()
    amount_cents = models.BigIntegerField(_("amount issued (cents)"), default=0)
    external_ref = models.CharField(_("billing system reference"), max_length=80, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("why void"), max_length=200, blank=True)
    late_fee_applied_at = models.DateTimeField(_("late fee applied at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BillQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["account", "number"], name="payments_bill_number_unique")]
        indexes = [models.Index(fields=["due_on"], name="payments_bill_due_idx")]

    def __str__(self) -> str:
        return f"{self.account.number} / {self.number}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.account.jurisdiction_id

    def balance_cents(self) -> int:
        """What is still owed on this bill (its receivable postings); 0 or less means paid."""
        if "owed_cents" in self.__dict__:
            return self.owed_cents
        return Posting.objects.filter(bill=self, account=RECEIVABLE).total()

    def status(self) -> str:
        """"void", "paid" or "open", derived from `voided_at` and the ledger balance."""
        if self.voided_at:
            return self.Status.VOID
        return self.Status.PAID if self.balance_cents() <= 0 else self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status()).label)

    def is_overdue(self, today=None) -> bool:
        """True when the bill is open and its due date has passed (in the server's local date)."""
        today = today or timezone.localdate()
        return self.status() == self.Status.OPEN and self.due_on < today

    def paid_cents(self) -> int:
        """What payments and credits have taken off this bill (charges and late fees minus the balance)."""
        charged = Posting.objects.filter(bill=self, account=RECEIVABLE, amount_cents__gt=0).total()
        return charged - self.balance_cents()


class BillLine(models.Model):
    """One line of a bill: description, quantity, unit amount and amount (quantity × unit, in cents)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_amount_cents = models.BigIntegerField(_("unit amount (cents)"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        ordering = ["position", "pk"]


def new_reference() -> str:
    """A public payment reference: "P-" and 10 characters from an alphabet without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "P-" + "".join(secrets.choice(alphabet) for _ in range(10))


class Payment(LoggedModel):
    """One payment attempt, online or at a counter, and what became of it.

    `amount_cents` goes to the account (the bill first, any excess to the holder's credit);
    `convenience_fee_cents` is charged on top (total = amount + fee). `status` follows the provider's news:
    created → pending (bank debits) → succeeded | failed | cancelled; refunds make it partially_refunded or
    refunded. The ledger entry of a succeeded payment is written by the same transaction that sets the status
    (ledger.record_payment). `idempotency_key` is unique: the same form submitted twice finds the same payment.
    `method_label` is what the provider says is safe to show ("Visa ending 4242"); no card or bank number is ever
    stored.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Online")
        COUNTER = "counter", _("At a counter")
        AUTOPAY = "autopay", _("Autopay")
        API = "api", _("Billing system")

    class Status(models.TextChoices):
        CREATED = "created", _("Started")
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")

    FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.REFUNDED,
                      Status.PARTIALLY_REFUNDED)

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference)
    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="payments")
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    provider = models.CharField(_("provider"), max_length=40, blank=True,
                                help_text=_("The PAYMENT_PROVIDERS key, or empty for counter payments."))
    method = models.CharField(_("method"), max_length=40, blank=True,
                              help_text=_("card, us_bank_account, cash, cheque, card_terminal…"))
    method_label = models.CharField(_("method shown"), max_length=80, blank=True)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    convenience_fee_cents = models.BigIntegerField(_("convenience fee (cents)"), default=0)
    currency = _currency_field()
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CREATED)
    provider_session_id = models.CharField(_("provider checkout id"), max_length=255, blank=True)
    provider_payment_id = models.CharField(_("provider payment id"), max_length=255, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=80, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    payer_email = models.EmailField(_("payer email"), blank=True)
    payer_language = models.CharField(_("payer language"), max_length=8, default="en")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="payments", help_text=_("The signed-in resident who paid, if any."))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="payments_taken", help_text=_("The cashier, for counter payments."))
    mandate = models.ForeignKey("AutopayMandate", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="payments", help_text=_("For autopay debits: the mandate used."))
    receipt_sent_at = models.DateTimeField(_("receipt sent at"), null=True, blank=True)
    provider_event_created = models.BigIntegerField(
        _("time of the last provider event applied"), default=0,
        help_text=_("The provider's Unix time of the newest event applied, so older news never overwrites it."))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_session_id"], name="payments_session_unique",
                                    condition=~Q(provider_session_id="")),
            models.UniqueConstraint(fields=["provider", "provider_payment_id"], name="payments_provider_id_unique",
                                    condition=~Q(provider_payment_id="")),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(condition=Q(convenience_fee_cents__gte=0), name="payments_fee_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="payments_status_idx")]

    def __str__(self) -> str:
        return self.reference

    def audit_jurisdiction_id(self) -> int | None:
        return self.account.jurisdiction_id

    @property
    def total_cents(self) -> int:
        """What the payer is charged: the amount plus the convenience fee."""
        return self.amount_cents + self.convenience_fee_cents

    def clearing_account(self) -> str:
        """The ledger account the money lands in: at a counter, the cash drawer, cheques or the card terminal's
        clearing account by method; online, the provider's clearing account."""
        if self.channel == self.Channel.COUNTER:
            return COUNTER_ACCOUNTS.get(self.method, CASH_DRAWER)
        return clearing_account(self.provider or "unknown")

    def refunded_cents(self) -> int:
        """The sum of this payment's refunds that succeeded (or were sent and are not failed)."""
        return self.refunds.filter(status__in=[Refund.Status.SENT, Refund.Status.SUCCEEDED]).aggregate(
            s=Coalesce(Sum("amount_cents"), 0))["s"]


class Refund(LoggedModel):
    """A refund of part or all of a payment: requested by one staff member, approved by another.

    The two-person rule is enforced by a database constraint (`approved_by` ≠ `requested_by`). `status`: requested
    → approved | rejected; approved → sent (to the provider) → succeeded | failed. The ledger entry is written when
    the refund succeeds (or, for counter payments, when the cash leaves the drawer), by ledger.record_refund.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SENT = "sent", _("Sent to the provider")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    currency = _currency_field()
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="refunds_requested")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="refunds_approved")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    provider_refund_id = models.CharField(_("provider refund id"), max_length=255, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payments_refund_positive"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("requested_by")),
                                   name="payments_refund_two_people"),
        ]

    def audit_jurisdiction_id(self) -> int | None:
        return self.payment.account.jurisdiction_id


class ProviderEvent(models.Model):
    """A webhook event received from a provider, kept to ignore its repeats (provider + event_id is unique).

    `payload_summary` holds only what staff need to trace it (type, our reference, status, amount), never the
    raw body. `processed_at` is set once the event was applied.
    """

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=20)
    created = models.BigIntegerField(help_text=_("The provider's Unix time of the event."))
    received_at = models.DateTimeField(default=timezone.now)
    payload_summary = models.JSONField(default=dict, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_unique")]


class AutopayMandate(LoggedModel):
    """A resident's authorisation to debit a saved payment method for an account's bills on their due dates.

    The consent is recorded as given: the exact `mandate_text` shown, when, from which IP address and browser.
    `mandate_ref` is the provider's id of the saved method. Cancelled mandates stay (with `cancelled_at`) as the
    record of what was authorised.
    """

    account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="mandates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autopay_mandates")
    provider = models.CharField(max_length=40)
    mandate_ref = models.CharField(max_length=255)
    method_label = models.CharField(max_length=80, blank=True)
    mandate_text = models.TextField()
    consented_at = models.DateTimeField(default=timezone.now)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_user_agent = models.CharField(max_length=400, blank=True)
    active = models.BooleanField(default=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=Q(active=True), name="payments_one_active_mandate"),
        ]

    def audit_jurisdiction_id(self) -> int | None:
        return self.account.jurisdiction_id


class JournalEntry(models.Model):
    """One balanced event in the ledger: a charge, a payment, a fee, a credit, a refund, a reversal, an adjustment.

    `idempotency_key` is unique: posting the same event twice finds the first entry instead (ledger.py). Its
    postings sum to zero (checked by the ledger service before it commits). `reverses` points at the entry a
    reversal undoes (at most one reversal per entry).
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Bill charge")
        PAYMENT = "payment", _("Payment")
        CONVENIENCE_FEE = "convenience_fee", _("Convenience fee")
        LATE_FEE = "late_fee", _("Late fee")
        CREDIT = "credit", _("Credit")
        CREDIT_APPLIED = "credit_applied", _("Credit applied to a bill")
        REFUND = "refund", _("Refund")
        REVERSAL = "reversal", _("Reversal")
        ADJUSTMENT = "adjustment", _("Adjustment")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="journal_entries")
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="journal_entries")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="journal_entries")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="journal_entries")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    currency = _currency_field()
    idempotency_key = models.CharField(max_length=160, unique=True)
    memo = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"

    def total_cents(self) -> int:
        """The sum of this entry's postings: always 0 for an entry the ledger service wrote."""
        return self.postings.total()


class PostingQuerySet(models.QuerySet):
    def total(self) -> int:
        """The sum of `amount_cents` over these postings (0 when none)."""
        return self.aggregate(s=Coalesce(Sum("amount_cents"), 0))["s"]


class Posting(models.Model):
    """One line of a journal entry: `amount_cents` (debit positive, credit negative) on ledger `account`.

    `billing_account` and `bill` are copied onto each posting so balances are one indexed sum away.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="postings")
    account = models.CharField(_("ledger account"), max_length=80)
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="postings")
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="postings")
    amount_cents = models.BigIntegerField()
    currency = _currency_field()

    objects = PostingQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["billing_account", "account"], name="payments_posting_acct_idx"),
            models.Index(fields=["bill", "account"], name="payments_posting_bill_idx"),
        ]


class SandboxCheckout(models.Model):
    """A checkout at the sandbox provider (development and demos only): the provider's side of the story.

    A real provider keeps this at its end; the sandbox keeps it here so that its hosted page, its webhooks and
    `fetch_checkout` agree. `idempotency_key` is unique: the same request returns the same checkout.
    """

    session_id = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=160, unique=True)
    reference = models.CharField(max_length=20)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=300)
    methods = models.JSONField(default=list)
    success_url = models.CharField(max_length=500)
    cancel_url = models.CharField(max_length=500)
    status = models.CharField(max_length=12, default="open", help_text="open, pending, succeeded, failed, cancelled")
    method = models.CharField(max_length=40, blank=True)
    payment_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)


# Bill import runs, billing-system keys and reminders (paybills: getting bills in, reminding people).
from .bill_models import BillImportReject, BillImportRun, BillingSystemKey, BillReminder, hash_key  # noqa: E402,F401
# Staff money operations (counter tenders, reconciliation differences) keep their models in their own module.
from .ops_models import CounterTender, PayoutDifference  # noqa: E402,F401
# Autopay's debits, pending enrolments and the sandbox's recorded charges (docs/payments-autopay.md).
from .autopay_models import AutopayDebit, AutopaySetup, SandboxCharge  # noqa: E402,F401
