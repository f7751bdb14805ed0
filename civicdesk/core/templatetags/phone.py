"""`{{ number|tel }}`: a phone number as a link that dials it ("tel:" URI), shown as written.

Load with `{% load phone %}`. "911" dials 911; "555-0100" or "(217) 555-0100" dials the digits;
a number phonenumbers can read (in PHONE_REGION, default "US") dials its E.164 form (+12175550100).
An empty value renders nothing; text with no digits is shown as plain text.
"""

from __future__ import annotations

import re

import phonenumbers
from django import template
from django.conf import settings
from django.utils.html import format_html

from civicdesk.lib import phones

register = template.Library()


def tel_uri(number: str) -> str:
    """The "tel:" URI that dials `number`, or "" when it holds no digits."""
    text = str(number or "").strip()
    digits = re.sub(r"[^\d+]", "", text)
    if not re.search(r"\d", digits):
        return ""
    if len(digits.lstrip("+")) > 6:
        try:
            parsed = phonenumbers.parse(text, getattr(settings, "PHONE_REGION", "US"))
        except phonenumbers.NumberParseException:
            parsed = None
        # A local-only number (7 digits in the US) cannot be dialled in E.164 form: keep its digits.
        if parsed is not None and (phonenumbers.is_possible_number_with_reason(parsed)
                                   == phonenumbers.ValidationResult.IS_POSSIBLE):
            return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return "tel:" + digits


@register.filter
def tel(number) -> str:
    """The number as `<a class="usa-link" href="tel:…">number</a>` (see the module docstring)."""
    uri = tel_uri(number)
    if not uri:
        return format_html("{}", number or "")
    # Numbers are stored in E.164 ("+12175550142"); people read them as "(217) 555-0142".
    return format_html('<a class="usa-link cd-tel" href="{}">{}</a>', uri, phones.for_display(str(number)))
