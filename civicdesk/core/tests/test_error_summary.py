"""Every public, account and staff form shows the same error summary when something is wrong:
"There is a problem", each error a link to a field that exists on the page, the title prefixed "Error:"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from civicdesk.servicerequests import services
from civicdesk.testing.auth import login_verified, totp_device
from civicdesk.testing.world import IN_WEST_ELM

PASSWORD = "correct horse battery"


@dataclass
class Case:
    name: str
    send: Callable  # (client, world) -> response
    expect_link_to: str = ""  # a field id the summary must link to ("" when the error is about the whole form)


def _public_request(world):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   description="Deep hole", attributes={"depth": "deep"})


def _reset_confirm(client, world):
    uid = urlsafe_base64_encode(force_bytes(world.alice.pk))
    url = client.get(reverse("accounts:password_reset_confirm",
                             args=[uid, default_token_generator.make_token(world.alice)]))["Location"]
    return client.post(url, {"new_password1": "plum orchard lantern 84", "new_password2": "plum orchard"})


def _signed_in(client, world, view: str, data: dict):
    client.force_login(world.alice)
    return client.post(reverse(view), data)


def _two_factor(client, world):
    totp_device(world.bob)
    client.post(reverse("accounts:login"), {"username": world.bob.email, "password": PASSWORD})
    return client.post(reverse("accounts:two_factor"), {"token": "12"})


def _staff_intake(client, world):
    login_verified(client, world.bob)
    return client.post(reverse("staff:intake_submit", args=["pothole"]),
                       {"channel": "phone", "address": "", "attribute_depth": ""})


CASES = [
    Case("report details", lambda c, w: c.post(reverse("intake:details", args=["pothole"]), {
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "description": "hole", "attribute_depth": ""}),
         "id_attribute_depth"),
    Case("report location", lambda c, w: c.get(reverse("intake:where", args=["pothole"]), {"lat": "95", "long": "3"})),
    Case("sign in", lambda c, w: c.post(reverse("accounts:login"), {"username": "alice@example.org",
                                                                     "password": "wrong horse"})),
    Case("sign up", lambda c, w: c.post(reverse("accounts:signup"), {"email": "zoe@", "password": ""}), "id_email"),
    Case("password reset", lambda c, w: c.post(reverse("accounts:password_reset"), {"email": "alice@"}), "id_email"),
    Case("password reset confirm", _reset_confirm, "id_new_password2"),
    Case("password change", lambda c, w: _signed_in(c, w, "accounts:password_change", {
        "old_password": "nope", "new_password1": "plum orchard lantern 84",
        "new_password2": "plum orchard lantern 84"}), "id_old_password"),
    Case("email change", lambda c, w: _signed_in(c, w, "accounts:email_change", {
        "email": "new@example.net", "password": "nope"}), "id_password"),
    Case("delete account", lambda c, w: _signed_in(c, w, "accounts:delete_account", {"password": "nope"}),
         "id_password"),
    Case("two-factor code", _two_factor, "id_token"),
    Case("area alerts", lambda c, w: c.post(reverse("alerts:subscribe"), {"email": "not an address"}), "id_email"),
    Case("follow", lambda c, w: c.post(reverse("subscriptions:follow", args=[_public_request(w).public_id]),
                                       {"email": "alice@"}), "follow_email"),
    Case("tracking look-up", lambda c, w: c.get(reverse("servicerequests:lookup"), {"id": "ZZZZ-ZZZZ"}), "id_id"),
    Case("preferences", lambda c, w: _signed_in(c, w, "subscriptions:preferences", {"channels": "pigeon",
                                                                                    "language": "en"}),
         "id_channels_0"),
    Case("phone number", lambda c, w: _signed_in(c, w, "subscriptions:add_phone", {"phone": "12"}), "id_phone"),
    Case("phone code", lambda c, w: _signed_in(c, w, "subscriptions:confirm_phone", {"code": "x"}), "id_code"),
    Case("staff phone intake", _staff_intake, "report_attribute_depth"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_it_shows_a_linked_error_summary_and_prefixes_the_title(client, world, case):
    response = case.send(client, world)
    html = response.content.decode()
    assert response.status_code in (400, 403, 404, 429, 200), response.status_code
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.startswith("Error: "), title
    assert html.count('data-testid="error-summary"') == 1
    summary = html.split('data-testid="error-summary"')[1].split("</ul>")[0]
    assert "There is a problem" in summary and "autofocus" in html.split('data-testid="error-summary"')[0][-300:]
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not on the page"
    if case.expect_link_to:
        assert f'href="#{case.expect_link_to}"' in summary
        # The field says what is wrong, and its error is tied to it for screen readers.
        field = re.search(rf'<(input|select|textarea)[^>]*id="{case.expect_link_to}"[^>]*>', html)
        if 'type="radio"' in field.group(0):  # a group of radios is described on its fieldset
            fieldset = html[:field.start()].rsplit("<fieldset", 1)[1]
            assert re.search(r'aria-describedby="[^"]*error', fieldset)
        else:
            assert re.search(r'aria-describedby="[^"]*_error', field.group(0))
    assert 'src="/static/js/error-summary.js"' in html and "<script>" not in html


def test_it_shows_no_summary_and_no_prefix_without_errors(client, world):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "There is a problem" not in html and "<title>Error:" not in html
