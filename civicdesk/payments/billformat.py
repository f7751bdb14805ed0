"""The bill file the city's billing system exports (docs/payments-bills.md): its columns, a streaming reader that
counts bytes and lines, and the checks that turn one bill's rows (or one pushed JSON bill) into `BillData`.

Nothing here touches the database: `billimport.py` writes what this module accepted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from civicdesk.lib import phones

#: The columns, in the order of the documented template. One row per bill line: the rows of one bill (same account
#: kind, account number and bill number) follow each other and repeat the account and bill columns.
COLUMNS = ["account_kind", "account_number", "holder_name", "service_address", "service_postcode", "contact_email",
           "contact_phone", "contact_language", "bill_number", "issue_date", "due_date", "line_description",
           "line_amount", "currency"]
REQUIRED_COLUMNS = ["account_kind", "account_number", "holder_name", "bill_number", "issue_date", "due_date",
                    "line_description", "line_amount"]
#: Header words other exports use for our columns.
ALIASES = {"kind": "account_kind", "account_type": "account_kind", "account": "account_number",
           "account_no": "account_number", "holder": "holder_name", "name": "holder_name",
           "customer_name": "holder_name", "address": "service_address", "postcode": "service_postcode",
           "zip": "service_postcode", "zip_code": "service_postcode", "postal_code": "service_postcode",
           "email": "contact_email", "phone": "contact_phone", "language": "contact_language",
           "bill": "bill_number", "bill_no": "bill_number", "invoice_number": "bill_number",
           "bill_date": "issue_date", "issued": "issue_date", "issued_on": "issue_date", "due": "due_date",
           "due_on": "due_date", "description": "line_description", "amount": "line_amount"}

#: What the kind column may say (lower case) → our bill kind.
KIND_WORDS = {
    "water_sewer": "water_sewer", "water": "water_sewer", "sewer": "water_sewer", "water and sewer": "water_sewer",
    "water & sewer": "water_sewer", "utility": "water_sewer", "utilities": "water_sewer",
    "property_tax": "property_tax", "property tax": "property_tax", "tax": "property_tax",
    "real estate tax": "property_tax",
    "parking": "parking", "parking citation": "parking", "parking ticket": "parking", "citation": "parking",
    "permit_fee": "permit_fee", "permit": "permit_fee", "permits": "permit_fee", "licence": "permit_fee",
    "license": "permit_fee", "permit and licence fees": "permit_fee", "permit fee": "permit_fee",
    "other": "other",
}
KIND_CHOICES = ["water_sewer", "property_tax", "parking", "permit_fee", "other"]
#: Currencies a bill may be in (ISO 4217, lower case); the city's own is the default.
CURRENCIES = {"usd", "cad", "eur", "gbp", "mxn"}
#: The largest amount one line may have: 10 million in the currency (far beyond any city bill).
MAX_LINE_CENTS = 1_000_000_000
MAX_LINES = 200
_DIGITS = re.compile(r"^\d+(\.\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")


class BillFileError(ValueError):
    """The file as a whole cannot be read (empty, missing columns, not CSV); str() says why in plain words."""


class FieldError(ValueError):
    """One value is wrong; str() says why, in words the billing clerk understands."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


# --- values ----------------------------------------------------------------------------------------------

def parse_amount(text: str, label: str = "line_amount") -> int:
    """A money amount written as decimal text → integer cents, exactly (no floats).

    Accepts "12.50", "12.5", "12", "$12.50", "1,234.56", " 1234.56 ", "-3.00" and "(3.00)" (accounting
    negatives). Raises FieldError for anything else, more than two decimals, or a negative amount (bills carry
    charges; credits go through the ledger)."""
    raw = (text or "").strip()
    value = raw.replace(" ", "")
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value.startswith("-"):
        negative, value = True, value[1:]
    value = value.removeprefix("$")
    if value.startswith("-"):
        negative, value = True, value[1:]
    if not value:
        raise FieldError(label, _("The amount is missing."))
    if _GROUPED.match(value):
        value = value.replace(",", "")
    if not _DIGITS.match(value):
        raise FieldError(label, _("“%(value)s” is not an amount of money. Write it like 1234.56.") % {"value": raw})
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only digits and one point
        raise FieldError(label, _("“%(value)s” is not an amount of money. Write it like 1234.56.")
                         % {"value": raw}) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError(label, _("The amount “%(value)s” has more than two decimals (cents).") % {"value": raw})
    if negative and amount:
        raise FieldError(label, _("The amount “%(value)s” is negative. A bill line must be a charge of zero or more; "
                                  "credits are given in the ledger.") % {"value": raw})
    cents = int(amount * 100)
    if cents > MAX_LINE_CENTS:
        raise FieldError(label, _("The amount “%(value)s” is too large for one bill line.") % {"value": raw})
    return cents


def parse_date(text: str, label: str) -> dt.date:
    """A date as billing systems export it: "03/31/2026" (month first, as US exports write it; a time after it,
    such as "12:00:00 AM", is ignored) or "2026-03-31". Raises FieldError otherwise."""
    raw = (text or "").strip()
    if not raw:
        raise FieldError(label, _("The date is missing."))
    try:
        if match := _US_DATE.match(raw):
            month, day, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := _ISO_DATE.match(raw):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        raise FieldError(label, _("“%(value)s” is not a date that exists (the format is month/day/year, "
                                  "e.g. 03/31/2026).") % {"value": raw}) from None
    raise FieldError(label, _("“%(value)s” is not a date. Write it as month/day/year (03/31/2026) or "
                              "year-month-day (2026-03-31).") % {"value": raw})


def parse_kind(text: str) -> str:
    """The account kind (water_sewer, property_tax, parking, permit_fee, other, or a word for one); FieldError."""
    raw = (text or "").strip()
    kind = KIND_WORDS.get(" ".join(raw.lower().replace("-", " ").split()))
    if not kind:
        raise FieldError("account_kind", _("“%(value)s” is not an account kind. Use one of: %(kinds)s.")
                         % {"value": raw, "kinds": ", ".join(KIND_CHOICES)})
    return kind


def parse_language(text: str) -> str:
    """A language code the site offers ("" means English); FieldError otherwise."""
    raw = (text or "").strip().lower().replace("_", "-")
    if not raw:
        return settings.LANGUAGE_CODE
    offered = {code for code, _name in settings.LANGUAGES}
    code = raw.split("-")[0]
    if code not in offered:
        raise FieldError("contact_language", _("“%(value)s” is not a language of this site. Use one of: %(codes)s, "
                                               "or leave it empty.") % {"value": text.strip(),
                                                                       "codes": ", ".join(sorted(offered))})
    return code


def parse_currency(text: str) -> str:
    """An ISO 4217 code we take ("" means USD); FieldError otherwise."""
    raw = (text or "").strip().lower()
    if not raw or raw == "$":
        return "usd"
    if raw not in CURRENCIES:
        raise FieldError("currency", _("“%(value)s” is not a currency we take. Use one of: %(codes)s.")
                         % {"value": text.strip(), "codes": ", ".join(sorted(code.upper() for code in CURRENCIES))})
    return raw


def _text(values: dict, name: str, limit: int, *, required: bool = False) -> str:
    value = " ".join((values.get(name) or "").split())
    if required and not value:
        raise FieldError(name, _("The %(column)s is missing.") % {"column": name.replace("_", " ")})
    if len(value) > limit:
        raise FieldError(name, _("The %(column)s is longer than %(limit)d characters.")
                         % {"column": name.replace("_", " "), "limit": limit})
    return value


def _email(text: str) -> str:
    value = (text or "").strip().lower()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise FieldError("contact_email", _("“%(value)s” is not an email address.") % {"value": text.strip()}) \
                from None
    return value


def _phone(text: str) -> str:
    try:
        return phones.normalise(text or "")
    except phones.PhoneError:
        raise FieldError("contact_phone", _("“%(value)s” is not a phone number.") % {"value": text.strip()}) \
            from None


# --- one bill --------------------------------------------------------------------------------------------

@dataclass
class AccountData:
    """A billing account as the billing system describes it."""

    kind: str
    number: str
    holder_name: str
    service_address: str = ""
    service_postcode: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_language: str = "en"

    def details(self) -> dict[str, str]:
        """The fields an import may change on an account that exists."""
        return {"holder_name": self.holder_name, "service_address": self.service_address,
                "service_postcode": self.service_postcode, "contact_email": self.contact_email,
                "contact_phone": self.contact_phone, "contact_language": self.contact_language}


@dataclass
class LineData:
    description: str
    amount_cents: int


@dataclass
class BillData:
    """One bill ready to be written: its account, number, dates, currency and lines. `rows` are the file's
    line numbers it came from (empty for a pushed bill)."""

    account: AccountData
    number: str
    issued_on: dt.date
    due_on: dt.date
    currency: str
    lines: list[LineData] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def amount_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def key(self) -> tuple[str, str]:
        """(account kind, account number): the account this bill belongs to."""
        return self.account.kind, self.account.number


def _checked(errors: list[FieldError], work, *args, **kwargs):
    try:
        return work(*args, **kwargs)
    except FieldError as exc:
        errors.append(exc)
        return None


def check_account(values: dict) -> tuple[AccountData | None, list[FieldError]]:
    """The account columns of one row (or of a pushed bill): the account, or None and every wrong value."""
    errors: list[FieldError] = []
    found = {
        "kind": _checked(errors, parse_kind, values.get("account_kind", "")),
        "number": _checked(errors, _text, values, "account_number", 40, required=True),
        "holder_name": _checked(errors, _text, values, "holder_name", 200, required=True),
        "service_address": _checked(errors, _text, values, "service_address", 300),
        "service_postcode": _checked(errors, _text, values, "service_postcode", 16),
        "contact_email": _checked(errors, _email, values.get("contact_email", "")),
        "contact_phone": _checked(errors, _phone, values.get("contact_phone", "")),
        "contact_language": _checked(errors, parse_language, values.get("contact_language", "")),
    }
    return (None, errors) if errors else (AccountData(**found), [])


def check_bill_head(values: dict) -> tuple[tuple[str, dt.date, dt.date, str] | None, list[FieldError]]:
    """(bill number, issue date, due date, currency) of one row or pushed bill, or None and every wrong value."""
    errors: list[FieldError] = []
    number = _checked(errors, _text, values, "bill_number", 40, required=True)
    issued_on = _checked(errors, parse_date, values.get("issue_date", ""), "issue_date")
    due_on = _checked(errors, parse_date, values.get("due_date", ""), "due_date")
    currency = _checked(errors, parse_currency, values.get("currency", ""))
    if issued_on and due_on and due_on < issued_on:
        errors.append(FieldError("due_date", _("The due date %(due)s is before the issue date %(issued)s.")
                                 % {"due": due_on.isoformat(), "issued": issued_on.isoformat()}))
    return (None, errors) if errors else ((number, issued_on, due_on, currency), [])


def account_from(values: dict) -> AccountData:
    """check_account(), raising the first FieldError."""
    account, errors = check_account(values)
    if errors:
        raise errors[0]
    return account


def bill_head_from(values: dict) -> tuple[str, dt.date, dt.date, str]:
    """check_bill_head(), raising the first FieldError."""
    head, errors = check_bill_head(values)
    if errors:
        raise errors[0]
    return head


def line_from(values: dict) -> LineData:
    """A bill line from `line_description` and `line_amount`; FieldError."""
    description = _text(values, "line_description", 200, required=True)
    return LineData(description, parse_amount(values.get("line_amount") or "", "line_amount"))


def check_total(bill: BillData) -> None:
    """FieldError when the bill has no lines, too many, or a total that is not above zero."""
    if not bill.lines:
        raise FieldError("lines", _("The bill has no lines."))
    if len(bill.lines) > MAX_LINES:
        raise FieldError("lines", _("The bill has more than %(max)d lines.") % {"max": MAX_LINES})
    if bill.amount_cents <= 0:
        raise FieldError("lines", _("The bill's lines add up to zero; a bill must charge something."))


@dataclass
class Row:
    """One data row of the file: its line number, raw text, values by column, and the byte offset after it."""

    line: int
    raw: str
    values: dict[str, str]
    end: int

    def group_key(self) -> tuple[str, str, str]:
        """Which bill the row belongs to, from the raw text (so rows with bad values still group)."""
        values = self.values
        return (" ".join(values.get("account_kind", "").lower().split()), values.get("account_number", "").strip(),
                values.get("bill_number", "").strip())


def bill_from_rows(rows: list[Row]) -> tuple[BillData | None, list[tuple[Row, str]]]:
    """One bill from its consecutive rows, or None and a reason for every row: when any row is wrong the whole
    bill is left out (a bill is never imported with lines missing)."""
    reasons: dict[int, str] = {}
    bill: BillData | None = None
    for row in rows:
        if "__problem__" in row.values:
            reasons[row.line] = row.values["__problem__"]
            continue
        try:
            account = account_from(row.values)
            number, issued_on, due_on, currency = bill_head_from(row.values)
            line = line_from(row.values)
        except FieldError as exc:
            reasons[row.line] = f"{exc.field}: {exc.message}"
            continue
        if bill is None:
            bill = BillData(account=account, number=number, issued_on=issued_on, due_on=due_on, currency=currency)
        elif (issued_on, due_on, currency) != (bill.issued_on, bill.due_on, bill.currency):
            reasons[row.line] = _("The issue date, due date or currency differs from the bill's first row (row "
                                  "%(row)d); every row of one bill must repeat them.") % {"row": rows[0].line}
            continue
        else:
            bill.account = account  # the last row's contact details win, as in a later export
        bill.lines.append(line)
        bill.rows.append(row.line)
    if bill is not None and not reasons:
        try:
            check_total(bill)
        except FieldError as exc:
            reasons[rows[0].line] = f"{exc.field}: {exc.message}"
    if not reasons:
        return bill, []
    first_bad = min(reasons)
    number = rows[0].values.get("bill_number", "").strip()
    return None, [(row, reasons.get(row.line) or _("Another row of bill %(bill)s (row %(row)d) was rejected, so "
                                                   "the whole bill was left out.")
                   % {"bill": number, "row": first_bad}) for row in rows]


# --- reading the file ------------------------------------------------------------------------------------

def normalise_header(name: str) -> str:
    """"Account Number" → "account_number"; header aliases map to our column names."""
    key = re.sub(r"[^0-9a-z]+", "_", (name or "").strip().lstrip("\ufeff").lower()).strip("_")
    return ALIASES.get(key, key)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (Comma delimited)" in the Windows-1252 code page.
        return raw.decode("cp1252", errors="replace")


class _Lines:
    """A binary file's lines as text, counting bytes and lines, keeping the raw text of the current record."""

    def __init__(self, handle: IO[bytes], offset: int, line: int):
        self.handle, self.offset, self.line = handle, offset, line
        self.current: list[str] = []

    def __iter__(self) -> Iterator[str]:
        # readline(), not iteration: a storage's File object iterates from the start of the file (its chunks()
        # seeks to 0), which would read the header and everything before the resumed offset again.
        while raw := self.handle.readline():
            self.offset += len(raw)
            self.line += 1
            text = _decode(raw)
            self.current.append(text)
            yield text

    def take(self) -> str:
        text = "".join(self.current).rstrip("\r\n")
        self.current.clear()
        return text


def read_header(handle: IO[bytes]) -> tuple[list[str], str, int]:
    """(column names, delimiter, byte offset after the header). Raises BillFileError."""
    handle.seek(0)
    first = handle.readline()
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8):]
    elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BillFileError(_("The file is saved as UTF-16 text. Save it as “CSV UTF-8” and import it again."))
    text = _decode(first).strip("\r\n")
    if not text.strip():
        raise BillFileError(_("The file is empty, or its first line is blank: the first line must name the "
                              "columns."))
    # Spreadsheets set to Spanish or Arabic number formats separate columns with semicolons.
    delimiter = ";" if text.count(";") > text.count(",") else ","
    try:
        header = next(csv.reader([text], delimiter=delimiter))
    except csv.Error:  # pragma: no cover - one line always parses
        raise BillFileError(_("The first line of the file cannot be read as CSV.")) from None
    names = [normalise_header(name) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise BillFileError(_("The file has no column called %(columns)s. The first line must name the columns: "
                              "%(expected)s.") % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)})
    return names, delimiter, handle.tell()


def read_rows(handle: IO[bytes], header: list[str], delimiter: str, offset: int, line: int) -> Iterator[Row]:
    """The data rows after byte `offset` (which is just after line number `line`), blank lines left out.

    A row with more fields than the header comes back with the value "__problem__" set."""
    handle.seek(offset)
    lines = _Lines(handle, offset, line)
    width = len(header)
    reader = csv.reader(lines, delimiter=delimiter)
    start = line + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raw = lines.take()
            yield Row(start, raw, {"__problem__": _("The row cannot be read as CSV (%(reason)s).")
                                   % {"reason": exc}}, lines.offset)
            start = lines.line + 1
            continue
        raw = lines.take()
        if not "".join(values).strip():
            start = lines.line + 1
            continue
        row = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
        if len(values) > width and any(value.strip() for value in values[width:]):
            row["__problem__"] = _("The row has %(found)d fields but the header names %(width)d columns (a comma in "
                                   "a value needs quotes around the value).") % {"found": len(values),
                                                                                 "width": width}
        yield Row(start, raw, row, lines.offset)
        start = lines.line + 1


def group_bills(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """Consecutive rows of the same bill (account kind, account number, bill number), one list per bill."""
    group: list[Row] = []
    for row in rows:
        if group and row.group_key() != group[0].group_key():
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def template_csv() -> str:
    """The documented template: the header and a two-line water bill and a parking citation."""
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["water_sewer", "W-100-200", "Lucía Fernández", "12 Elm St", "62701", "lucia@example.org",
                     "217-555-0142", "es", "2026-11-0001", "11/01/2026", "11/30/2026", "Water usage 12 kgal",
                     "45.10", "USD"])
    writer.writerow(["water_sewer", "W-100-200", "Lucía Fernández", "12 Elm St", "62701", "lucia@example.org",
                     "217-555-0142", "es", "2026-11-0001", "11/01/2026", "11/30/2026", "Sewer service", "30.00",
                     "USD"])
    writer.writerow(["parking", "PC-88231", "Omar Haddad", "", "62704", "omar@example.org", "", "ar", "C-88231",
                     "11/03/2026", "12/03/2026", "Expired meter", "$35.00", "USD"])
    return out.getvalue()
