"""The site search box reads a tracking number as a request: a public one opens at once (civicdesk/search)."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.translation import gettext as _

from civicdesk.lib.ids import normalize_public_id
from civicdesk.search.registry import Jump

#: A whole query that reads as a tracking number someone copied or read out: "7KQ4-M2XD", "7kq4 m2xd".
_LOOKS_LIKE_ID = re.compile(r"^\s*[0-9A-Za-z]{4}[\s\-_.]?[0-9A-Za-z]{4}\s*$")
#: Typed in two halves ("HBWK-SRSA"): a tracking number even without a digit.
_SEPARATED = re.compile(r"^\s*[0-9A-Za-z]{4}[\-_.][0-9A-Za-z]{4}\s*$")


def tracking_number_jump(query: str) -> Jump | None:
    """A Jump to the public tracking page when `query` is the tracking number of a request the public may see;
    a Jump with a plain message when it looks like one (it has a digit, or a dash between its halves) but no
    public request has it (private and unknown numbers get the same words); None when the query is just words
    ("painting" normalises to a valid id but is a word)."""
    from .models import ServiceRequest

    canonical = normalize_public_id(query) if _LOOKS_LIKE_ID.match(query or "") else ""
    if not canonical:
        return None
    if ServiceRequest.objects.public().filter(public_id=canonical).exists():
        return Jump(url=reverse("servicerequests:track", args=[canonical]))
    if any(ch.isdigit() for ch in query) or _SEPARATED.match(query):
        return Jump(message=_("No request has the tracking number %s. Check it and try again.") % canonical)
    return None
