"""What the engine texts back, short (one SMS of 160 GSM characters where possible in English and Spanish).

Every function returns the text in the active language: call them inside translation.override(language).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext


def describe() -> str:
    return gettext("Hello! What is the problem? Describe it in a few words. (Español: ES. عربي: AR)")


def kinds(names: list[str]) -> str:
    """ "Is this about 1) Pothole 2) Streetlight out 3) Something else? Reply 1, 2, 3 or the name." """
    options = " ".join(f"{i}) {name}" for i, name in enumerate(names, start=1))
    other = len(names) + 1
    return gettext("Is this about %(options)s %(other)s) Something else? Reply %(numbers)s or the name.") % {
        "options": options, "other": other, "numbers": ", ".join(str(i) for i in range(1, other + 1))}


def kind_name(names: list[str]) -> str:
    options = " ".join(f"{i}) {name}" for i, name in enumerate(names, start=1))
    return gettext("Which kind of problem? %(options)s Or reply with its name, like Graffiti.") % {"options": options}


def kind_not_understood() -> str:
    return gettext("Sorry, we did not understand. Reply with a number from the list, or the name of the problem.")


def question(text: str, choices: list[str]) -> str:
    if not choices:
        return text
    options = " ".join(f"{i}) {name}" for i, name in enumerate(choices, start=1))
    return f"{text} {options}"


def where() -> str:
    return gettext("Where is it? Send the street address (like 440 W Market St), a place name, or share your "
                   "location.")


def did_you_mean(labels: list[str]) -> str:
    if len(labels) == 1:
        return gettext("Did you mean %(address)s? Reply YES or send the address again.") % {"address": labels[0]}
    options = " ".join(f"{i}) {label}" for i, label in enumerate(labels, start=1))
    return gettext("Did you mean %(options)s? Reply with the number or send the address again.") % {
        "options": options}


def address_not_found() -> str:
    return gettext("We could not find that address. Send the number and street, like 440 W Market St, or a "
                   "place name.")


def map_link_unreadable() -> str:
    return gettext("We could not read a location from that link. Send the street address instead.")


def outside_area() -> str:
    return gettext("That place is outside the area we serve. Send an address in the city.")


def photo() -> str:
    return gettext("Got it. Send a photo if you have one, or reply NO to finish.")


def photo_not_kept(reason: str) -> str:
    return gettext("We could not keep your photo: %(reason)s") % {"reason": reason}


def filed(public_id: str) -> str:
    return gettext("Thank you. Your report is filed. Tracking number: %(id)s. Text STATUS %(id)s for updates.") % {
        "id": public_id}


def emergency(number: str) -> str:
    return gettext("This sounds like an emergency. Call %(number)s now. We have not filed a report.") % {
        "number": number}


def timed_out() -> str:
    return gettext("Your earlier report timed out, so we started a new one.")


def cannot_file(reason: str) -> str:
    return gettext("We could not file this by text: %(reason)s An agent will look at it, or report online: "
                   "%(url)s") % {"reason": reason, "url": f"{settings.SITE_URL}/report/"}


def handed_to_agent() -> str:
    return gettext("We are having trouble. An agent will read your messages and answer here, or report online: "
                   "%(url)s") % {"url": f"{settings.SITE_URL}/report/"}


def too_many() -> str:
    return gettext("Too many messages from this number. Please wait a while and try again.")


def too_many_reports() -> str:
    return gettext("You have started many reports today. Please try again tomorrow or report online: %(url)s") % {
        "url": f"{settings.SITE_URL}/report/"}
