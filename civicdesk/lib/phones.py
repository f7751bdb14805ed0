"""Phone numbers: the one wrapper around `phonenumbers` (parse, store as E.164, display, may we text it?).

Every field holding a resident's phone stores what `normalise()` returns: E.164 (``+12175550142``) when the
number can be read, so "217-555-0142", "(217) 555-0142" and "+1 217 555 0142" are one number to searches,
look-ups and rate limits. Numbers typed without a country code are read in ``PHONE_REGION`` (an ISO 3166
country code, "US" by default). A number that only makes sense locally (seven digits, no area code) is
kept as typed; one that cannot be a phone number at all (too long, too short, words) is refused with
`PhoneError`, whose text a resident can read.

Text messages cost the city money per message and some numbers cost far more than others, so
`sms_refusal()` only lets through mobile-capable numbers in the countries the city allows (its own by
default): premium-rate, shared-cost, toll-free, pager, personal, "universal access" and unknown numbers
are refused, as are the international networks with no country (+800, +870, +881, +882, +883, +979 …),
which is how SMS toll fraud is usually paid for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

#: Longest text we try to read as a phone number; anything longer is refused before parsing.
MAX_TYPED_LENGTH = 32

#: Kinds of number a text message may go to. US and Canadian numbers are all "fixed line or mobile".
SMS_NUMBER_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP})

_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#|ext=|;ext=)\s*(\d{1,7})\s*$", re.IGNORECASE)


class PhoneError(ValueError):
    """The text cannot be a phone number; str() says why in a resident's words (in the active language)."""


def default_region() -> str:
    """The country a number typed without a country code is read in (settings.PHONE_REGION, e.g. "US")."""
    return (getattr(settings, "PHONE_REGION", "") or "US").upper()


def _prepare(raw: str) -> str:
    text = " ".join((raw or "").split())
    if text.startswith("00"):
        return "+" + text[2:]  # the international prefix of most of the world, also typed by visitors to the US
    return text


def parse(raw: str) -> phonenumbers.PhoneNumber:
    """The number `raw` stands for, read in `default_region()`; raises PhoneError when it cannot be one."""
    text = _prepare(raw)
    if not text:
        raise PhoneError(_("Enter a phone number."))
    if len(text) > MAX_TYPED_LENGTH or sum(ch.isdigit() for ch in text) > 20:
        raise PhoneError(_("That phone number is too long. Enter one number, like 217-555-0142."))
    if re.search(r"[^\d\s()+.\-/]", _EXTENSION.sub("", text)):
        raise PhoneError(_("Enter a phone number using digits only, like 217-555-0142."))
    try:
        number = phonenumbers.parse(text, default_region())
    except NumberParseException:
        raise PhoneError(_("Enter a phone number using digits only, like 217-555-0142.")) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.TOO_LONG:
        raise PhoneError(_("That phone number is too long. Enter one number, like 217-555-0142."))
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        raise PhoneError(_("That country code does not exist. Check the number after the +."))
    if reason in (ValidationResult.TOO_SHORT, ValidationResult.INVALID_LENGTH):
        raise PhoneError(_("That phone number is too short. Include the area code, like 217-555-0142."))
    return number


def _is_local_only(number: phonenumbers.PhoneNumber) -> bool:
    return phonenumbers.is_possible_number_with_reason(number) == ValidationResult.IS_POSSIBLE_LOCAL_ONLY


def normalise(raw: str) -> str:
    """The form to store: E.164 ("+12175550142", with " ext. 12" when an extension was given); a local-only
    number (no area code) trimmed as typed; "" for empty input. Raises PhoneError for what cannot be a number.
    """
    if not (raw or "").strip():
        return ""
    number = parse(raw)
    if _is_local_only(number):
        return " ".join(raw.split())
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return f"{e164} ext. {number.extension}" if number.extension else e164


def normalise_or_keep(raw: str) -> str:
    """`normalise()`, but text that cannot be read is returned trimmed instead of refused (old data, searches)."""
    try:
        return normalise(raw)
    except PhoneError:
        return " ".join((raw or "").split())


def search_forms(raw: str) -> list[str]:
    """Every stored form `raw` may have been saved as: its E.164 form and the text as typed.

    Used by look-ups ("find earlier requests by this caller"), so a number typed any way finds the rows.
    """
    typed = " ".join((raw or "").split())
    forms = {typed} if typed else set()
    try:
        forms.add(normalise(raw))
    except PhoneError:
        pass
    return sorted(f for f in forms if f)


def for_display(stored: str) -> str:
    """A stored number as people read it: national format at home ("(217) 555-0142"), international abroad."""
    if not stored or not stored.startswith("+"):
        return stored or ""
    try:
        number = phonenumbers.parse(stored, default_region())
    except NumberParseException:
        return stored
    home = phonenumbers.region_code_for_number(number) == default_region()
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL)


def sms_number(raw: str) -> str:
    """The E.164 number to text for `raw` (extension dropped), or "" when it cannot be read as a full number."""
    try:
        number = parse(raw)
    except PhoneError:
        return ""
    if _is_local_only(number):
        return ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def allowed_sms_regions() -> frozenset[str]:
    """The countries (ISO codes) texts may go to by settings: SMS_ALLOWED_COUNTRIES, else PHONE_REGION."""
    configured = getattr(settings, "SMS_ALLOWED_COUNTRIES", None) or [default_region()]
    return frozenset(code.strip().upper() for code in configured if code.strip())


@dataclass(frozen=True)
class SmsRefusal:
    """Why a number may not be texted: `code` for logs and tests, `message` for the resident."""

    code: str
    message: str


def sms_refusal(raw: str, *, regions: frozenset[str] | set[str] | None = None) -> SmsRefusal | None:
    """None when the city may text `raw`; otherwise why not.

    Refused: text that is not a full number; numbers of the international networks (+800, +808, +870,
    +878, +881, +882, +883, +888, +979 — they belong to no country); numbers of countries outside `regions`
    (default `allowed_sms_regions()`; +1 numbers of Caribbean countries count as those countries); numbers
    that are not valid there; and every kind of number but mobile-capable ones (premium-rate such as
    +1 900, shared-cost, toll-free, pager, personal, universal-access, voicemail and unknown kinds).
    """
    regions = frozenset(r.upper() for r in (regions if regions is not None else allowed_sms_regions()))
    try:
        number = parse(raw)
    except PhoneError as exc:
        return SmsRefusal("unreadable", str(exc))
    if _is_local_only(number):
        return SmsRefusal("unreadable", _("Include the area code, like 217-555-0142."))
    if phonenumbers.region_code_for_country_code(number.country_code) in ("001", "ZZ"):
        return SmsRefusal("international_network", _(
            "We cannot send text messages to international network or satellite numbers."))
    region = phonenumbers.region_code_for_number(number)
    if not region or not phonenumbers.is_valid_number(number):
        return SmsRefusal("invalid", _("That number does not exist. Check it and try again."))
    if region not in regions:
        return SmsRefusal("country", _("We can only send text messages to phone numbers in these countries: "
                                       "%(countries)s.")
                          % {"countries": ", ".join(sorted(regions))})
    kind = phonenumbers.number_type(number)
    if kind not in SMS_NUMBER_TYPES:
        if kind in (PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST, PhoneNumberType.UAN):
            return SmsRefusal("premium", _("We cannot send text messages to premium-rate or shared-cost numbers."))
        return SmsRefusal("not_mobile", _("We can only send text messages to a mobile phone number."))
    return None


def is_sms_allowed(raw: str, *, regions: frozenset[str] | set[str] | None = None) -> bool:
    """True when the city may text `raw` (see `sms_refusal()`)."""
    return sms_refusal(raw, regions=regions) is None
