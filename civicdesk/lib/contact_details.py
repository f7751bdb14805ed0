"""Finding and masking email addresses and phone numbers that residents type into free text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers
from django.utils.translation import gettext

from civicdesk.lib.phones import default_region

#: An address as people type it: "maria.j+311@example.org", also with spaces around the @ or written
#: "maria [at] example [dot] org" to dodge spam bots.
_AT = r"(?:\s?@\s?|\s?[\[(]\s?at\s?[\])]\s?)"
_DOT = r"(?:\.|\s?[\[(]\s?dot\s?[\])]\s?)"
EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,24}}\b", re.IGNORECASE)


@dataclass(frozen=True)
class ContactDetail:
    kind: str   # "email" or "phone"
    start: int
    end: int
    text: str   # as typed
    key: str    # comparable form: lower-cased email, E.164 phone number


def find_contact_details(text: str, region: str | None = None) -> list[ContactDetail]:
    """Every email address and phone number in `text`, in order of appearance, without overlaps.

    Phone numbers are found with phonenumbers' matcher at its "possible number" leniency (a seven-digit
    local number counts; dates, times, years, house numbers, distances and route numbers do not).
    Returns an empty list for empty text.
    """
    if not text:
        return []
    found = [ContactDetail("email", m.start(), m.end(), m.group(0), _email_key(m.group(0)))
             for m in EMAIL.finditer(text)]
    for match in phonenumbers.PhoneNumberMatcher(text, region or default_region(),
                                                 leniency=phonenumbers.Leniency.POSSIBLE):
        if any(match.start < other.end and other.start < match.end for other in found):
            continue  # digits inside an email address
        if _inside_identifier(text, match.start, match.end):
            continue
        key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(ContactDetail("phone", match.start, match.end, match.raw_string, key))
    return sorted(found, key=lambda detail: detail.start)


def contact_keys(values: Iterable[str], region: str | None = None) -> set[str]:
    """Comparable forms of published numbers and addresses (a jurisdiction's own 311 line, say)."""
    keys = set()
    for value in values:
        keys |= {detail.key for detail in find_contact_details(value or "", region)}
    return keys


def mask_contact_details(text: str, *, keep: Iterable[str] | Callable[[], Iterable[str]] = (),
                         region: str | None = None) -> str:
    """`text` with each email address replaced by "[email removed]" and each phone number by
    "[phone removed]" (in the active language), except those listed in `keep` (published numbers and
    addresses of the city, compared in normalised form; a callable is only called when the text holds
    some contact details). Returns the text unchanged when there are none, "" for None."""
    details = find_contact_details(text, region)
    if not details:
        return text or ""
    kept = contact_keys(keep() if callable(keep) else keep, region)
    pieces, position = [], 0
    for detail in details:
        if detail.key in kept:
            continue
        pieces.append(text[position:detail.start])
        pieces.append(gettext("[email removed]") if detail.kind == "email" else gettext("[phone removed]"))
        position = detail.end
    pieces.append(text[position:])
    return "".join(pieces)


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """True when the digits are the tail or head of a code such as "cart #A-204-5587" or "55-118-2290X"."""
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    glued_before = bool(before) and (before[-1].isalnum() or (before[-1] in "-#/_" and len(before) == 2
                                                               and before[0].isalnum()))
    glued_after = bool(after) and (after[0].isalnum() or (after[0] in "-/_" and len(after) == 2 and after[1].isalnum()))
    return glued_before or glued_after


def _email_key(raw: str) -> str:
    plain = re.sub(_AT, "@", raw, flags=re.IGNORECASE)
    return re.sub(_DOT, ".", plain, flags=re.IGNORECASE).replace(" ", "").lower()
