"""The "Is this right?" and "Did you mean…?" steps shared by the resident form and the agent intake."""

from __future__ import annotations

from dataclasses import dataclass, field

from civicdesk.jurisdictions import services as places
from civicdesk.jurisdictions.addresses import AddressLookup, lookup_message
from civicdesk.jurisdictions.models import AddressPoint


@dataclass
class Choice:
    """One address offered to the person typing: its label and, when it differs, whose it is."""

    address_id: str
    label: str
    jurisdiction: str = ""


@dataclass
class AddressCheck:
    """What to show for a typed or chosen address.

    `confirm` is the one address to confirm on the map; otherwise `choices` (maybe empty) and `message`.
    """

    typed: str = ""
    confirm: AddressPoint | None = None
    confirm_label: str = ""
    choices: list[Choice] = field(default_factory=list)
    message: str = ""

    @property
    def jurisdiction_name(self) -> str:
        point = self.confirm
        return point.jurisdiction.name if point is not None and point.jurisdiction_id else ""


def _choices(lookup: AddressLookup) -> list[Choice]:
    best = lookup.candidates[0].address.jurisdiction_id if lookup.candidates else None
    seen, choices = set(), []
    for candidate in lookup.candidates:
        point = candidate.address
        if point.address_id in seen:
            continue
        seen.add(point.address_id)
        other = point.jurisdiction.name if point.jurisdiction_id and point.jurisdiction_id != best else ""
        choices.append(Choice(point.address_id, candidate.label, other))
    return choices


def check_address(*, typed: str = "", address_id: str = "") -> AddressCheck:
    """Look up a chosen address id, or a typed address, for confirmation before anything is filed."""
    if address_id:
        point = AddressPoint.objects.select_related("jurisdiction").filter(address_id=address_id).first()
        if point is not None:
            return AddressCheck(typed=typed, confirm=point, confirm_label=point.full_address)
    lookup = places.lookup_address(typed)
    if lookup.resolved is not None:
        return AddressCheck(typed=typed, confirm=lookup.resolved, confirm_label=lookup.candidates[0].label)
    return AddressCheck(typed=typed, choices=_choices(lookup), message=lookup_message(lookup))
