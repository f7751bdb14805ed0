"""The push API for billing systems: `POST /payments/api/bills/` creates or updates one bill (docs/payments-bills.md).

Authenticated by `Authorization: Bearer <key>` (a BillingSystemKey of one jurisdiction), rate-limited per key and,
for wrong keys, per client address; idempotent by account and bill number; every write audited. Errors are JSON:
``{"errors": [{"field": "bill.due_date", "message": "…"}]}``.
"""

from __future__ import annotations

import json
import secrets

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicdesk.throttle.services import Limit, RateLimited, check, client_ip

from .billformat import (
    BillData,
    FieldError,
    check_account,
    check_bill_head,
    check_total,
    line_from,
)
from .billimport import save_bills
from .models import Bill, BillingAccount, BillingSystemKey, hash_key

MAX_BODY_BYTES = 256 * 1024
#: Calls with a wrong key one client address may make in ten minutes before it is refused outright.
BAD_KEYS_PER_CLIENT = 20


class ApiError(Exception):
    def __init__(self, status: int, errors: list[dict], headers: dict | None = None):
        super().__init__(errors[0]["message"] if errors else "")
        self.status, self.errors, self.headers = status, errors, headers or {}


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}


def new_key() -> str:
    """A fresh key: a recognisable prefix and 256 random bits."""
    return "cdbill_" + secrets.token_urlsafe(32)


def issue_key(*, name: str, jurisdiction, calls_per_minute: int = 600, user=None) -> tuple[BillingSystemKey, str]:
    """Create a key for a billing system; returns it and the key itself, which is never stored. Audited."""
    raw = new_key()
    key = BillingSystemKey.objects.create(name=name, jurisdiction=jurisdiction, prefix=raw[:12],
                                          key_hash=hash_key(raw), calls_per_minute=calls_per_minute)
    key.log_action("payments.billing_key_issued", user=user, data={"name": name, "prefix": key.prefix})
    return key, raw


def authenticate(request) -> BillingSystemKey:
    """The active key of the request's `Authorization: Bearer` header, counted against its per-minute limit.
    Raises ApiError 401 (missing or wrong key, counted per client address), 429 (over a limit)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    key = None
    if scheme.lower() == "bearer" and raw.strip():
        key = BillingSystemKey.objects.select_related("jurisdiction").filter(
            key_hash=hash_key(raw.strip()), is_active=True).first()
    try:
        if key is None:
            check(Limit(f"billing-api:bad-key:{client_ip(request)}", BAD_KEYS_PER_CLIENT, 600),
                  message=_("Too many calls with a wrong key from this address. Try again later."))
            raise ApiError(401, [_error("authorization", _("Send a valid billing system key as "
                                                           "“Authorization: Bearer <key>”."))],
                           headers={"WWW-Authenticate": "Bearer"})
        if key.calls_per_minute:
            check(Limit(f"billing-api:key:{key.pk}", key.calls_per_minute, 60),
                  message=_("This key may make %(n)d calls a minute.") % {"n": key.calls_per_minute})
    except RateLimited as exc:
        raise ApiError(429, [_error("authorization", exc.message)],
                       headers={"Retry-After": str(exc.retry_after)}) from None
    BillingSystemKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def bill_from_json(data) -> BillData:
    """The pushed bill, checked value by value; raises ApiError 400 listing every wrong value."""
    if not isinstance(data, dict) or not isinstance(data.get("account"), dict) or \
            not isinstance(data.get("bill"), dict):
        raise ApiError(400, [_error("", _("The body must be a JSON object with an “account” object and a “bill” "
                                          "object."))])
    account_in, bill_in = data["account"], data["bill"]
    account_values = {f"account_{name}" if name in ("kind", "number") else name: _as_text(value)
                      for name, value in account_in.items()}
    bill_values = {f"{name}" if name != "number" else "bill_number": _as_text(value)
                   for name, value in bill_in.items() if name != "lines"}
    errors: list[dict] = []
    account, account_errors = check_account(account_values)
    head, head_errors = check_bill_head(bill_values)
    errors += [_error(f"account.{exc.field}", exc.message) for exc in account_errors]
    errors += [_error(f"bill.{exc.field}", exc.message) for exc in head_errors]
    lines_in = bill_in.get("lines")
    lines = []
    if not isinstance(lines_in, list) or not lines_in:
        errors.append(_error("bill.lines", _("The bill needs a list of lines, each with a description and an "
                                             "amount.")))
    else:
        for n, line in enumerate(lines_in):
            if not isinstance(line, dict):
                errors.append(_error(f"bill.lines[{n}]", _("Each line must be an object with a description and an "
                                                           "amount.")))
                continue
            values = {"line_description": _as_text(line.get("description")), "line_amount": _as_text(line.get("amount"))}
            try:
                lines.append(line_from(values))
            except FieldError as exc:
                errors.append(_error(f"bill.lines[{n}].{exc.field}", exc.message))
    if errors:
        raise ApiError(400, [_rename(error) for error in errors])
    number, issued_on, due_on, currency = head
    bill = BillData(account=account, number=number, issued_on=issued_on, due_on=due_on, currency=currency,
                    lines=lines)
    try:
        check_total(bill)
    except FieldError as exc:
        raise ApiError(400, [_error(f"bill.{exc.field}", exc.message)]) from None
    return bill


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


#: The CSV column names of billformat, as the JSON calls them.
_JSON_NAMES = {"account.account_kind": "account.kind", "account.account_number": "account.number",
               "bill.bill_number": "bill.number", "bill.line_description": "description",
               "bill.line_amount": "amount"}


def _rename(error: dict) -> dict:
    field = error["field"]
    for old, new in _JSON_NAMES.items():
        if field == old:
            return {**error, "field": new}
    if ".line_" in field:
        field = field.replace(".line_", ".")
    return {**error, "field": field}


def _describe(bill: Bill) -> dict:
    return {"account_kind": bill.account.kind, "account_number": bill.account.number, "number": bill.number,
            "issue_date": bill.issued_on.isoformat(), "due_date": bill.due_on.isoformat(),
            "currency": bill.currency, "amount_cents": bill.amount_cents, "balance_cents": bill.balance_cents(),
            "status": bill.status()}


def push_bill(key: BillingSystemKey, data: BillData) -> tuple[str, Bill]:
    """Create the bill, or bring an existing one up to date: ("created" | "updated" | "unchanged", bill).

    An existing bill may change its due date and its account's holder and contact details; its lines and amount
    cannot change once charged (ApiError 409: void it and issue a new number)."""
    jurisdiction = key.jurisdiction
    with transaction.atomic():
        account = BillingAccount.objects.filter(jurisdiction=jurisdiction, kind=data.account.kind,
                                                number=data.account.number).first()
        bill = Bill.objects.select_related("account").filter(account=account, number=data.number).first() \
            if account else None
        if bill is not None:
            lines = list(bill.lines.order_by("position").values_list("description", "amount_cents"))
            if lines != [(line.description, line.amount_cents) for line in data.lines] or \
                    bill.currency != data.currency:
                raise ApiError(409, [_error("bill.lines", _(
                    "Bill %(bill)s was issued for %(amount)s with other lines; a bill's lines cannot change once "
                    "issued. Void it and issue the corrected bill under a new number.")
                    % {"bill": bill.number, "amount": _money(bill)})])
        result = save_bills(jurisdiction, [data])
        if result.rejected:
            raise ApiError(400, [_error("bill.currency", result.rejected[0][1])])
        if result.created:
            bill = Bill.objects.select_related("account").get(pk=result.created[0].pk)
            bill.log_action("payments.bill_pushed", data={"key": key.prefix, "result": "created",
                                                          "amount_cents": bill.amount_cents})
            return "created", bill
        changes = {}
        if bill.due_on != data.due_on or bill.issued_on != data.issued_on:
            changes = {"due_on": [bill.due_on.isoformat(), data.due_on.isoformat()],
                       "issued_on": [bill.issued_on.isoformat(), data.issued_on.isoformat()]}
            bill.due_on, bill.issued_on = data.due_on, data.issued_on
            bill.save(update_fields=["due_on", "issued_on", "updated_at"])
        if result.accounts_updated:
            changes["account"] = "details"
        if not changes:
            return "unchanged", bill
        bill.log_action("payments.bill_pushed", data={"key": key.prefix, "result": "updated", "changes": changes})
        bill.account.refresh_from_db()
        return "updated", bill


def _money(bill: Bill) -> str:
    from .models import format_money

    return format_money(bill.amount_cents, bill.currency)


@csrf_exempt
@require_POST
def bills(request):
    """Create or update one bill (see the module docstring)."""
    try:
        key = authenticate(request)
        if len(request.body) > MAX_BODY_BYTES:
            raise ApiError(413, [_error("", _("The body is larger than %(kb)d KB; send one bill per call.")
                                        % {"kb": MAX_BODY_BYTES // 1024})])
        try:
            # Amounts stay text (parse_float=str), so 12.10 is exactly 1210 cents, never a float.
            data = json.loads(request.body.decode("utf-8"), parse_float=str)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(400, [_error("", _("The body is not valid JSON (%(reason)s).") % {"reason": exc})]) \
                from None
        result, bill = push_bill(key, bill_from_json(data))
    except ApiError as exc:
        response = JsonResponse({"errors": exc.errors}, status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    return JsonResponse({"result": result, "bill": _describe(bill)}, status=201 if result == "created" else 200)
