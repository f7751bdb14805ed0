"""Links in our messages never reveal the address they were sent to, and links sent before keep working."""

from __future__ import annotations

import base64
import zlib

import pytest
from django.core import signing
from django.urls import reverse

from civicdesk.accounts import services as accounts
from civicdesk.alerts import services as alerts
from civicdesk.alerts.tests.helpers import live
from civicdesk.notifications.models import Suppression
from civicdesk.notifications.services import UNSUBSCRIBE_SALT, read_unsubscribe_token, unsubscribe_token
from civicdesk.subscriptions import services as follows
from civicdesk.subscriptions.models import Follow
from civicdesk.testing.world import IN_WEST_ELM

ADDRESS = "zoe.q7canary@example.org"


def readable(token: str) -> str:
    """Everything anyone can read out of a token without the site's key: each part base64-decoded, and
    decompressed when it was compressed (what Django's signing does)."""
    found = [token]
    for part in token.replace(":", ".").split("."):
        compressed = part.startswith(".")
        try:
            raw = base64.urlsafe_b64decode(part.lstrip(".") + "=" * (-len(part.lstrip(".")) % 4))
        except ValueError:
            continue
        for data in (raw, _inflate(raw) if compressed or raw[:1] == b"x" else b""):
            found.append(data.decode("latin-1"))
    return "\n".join(found)


def _inflate(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


def assert_opaque(token: str) -> None:
    text = readable(token).lower()
    assert "q7canary" not in text and "example.org" not in text, text


def test_the_check_finds_the_address_in_a_signed_value():
    """The old links: signing.dumps keeps the address readable, compressed or not."""
    assert "q7canary" in readable(signing.dumps({"a": ADDRESS}, salt=UNSUBSCRIBE_SALT, compress=True))
    assert "q7canary" in readable(signing.dumps({"e": ADDRESS}, salt="x"))


def test_it_keeps_the_address_out_of_unsubscribe_links(db):
    token = unsubscribe_token("email", ADDRESS, "area:5")
    assert_opaque(token)
    assert read_unsubscribe_token(token) == ("email", ADDRESS, "area:5")
    assert unsubscribe_token("email", ADDRESS, "area:5") == token  # one token per address and scope


def test_it_still_honours_an_unsubscribe_link_sent_before(client, db):
    old = signing.dumps({"c": "email", "a": ADDRESS, "s": ""}, salt=UNSUBSCRIBE_SALT, compress=True)
    response = client.post(reverse("notifications:unsubscribe", args=[old]), {"what": "everything"})
    assert response.status_code == 302
    assert Suppression.objects.filter(address=ADDRESS).exists()


def test_it_shows_a_friendly_page_for_an_unknown_link(client, db):
    for url in (reverse("notifications:unsubscribe", args=["Zx" * 16]), reverse("alerts:mine", args=["Zx" * 16])):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link has expired" in response.content.decode()


def test_it_keeps_the_address_out_of_my_alerts_links(client, db):
    live(ADDRESS)
    code = alerts.my_alerts_code(ADDRESS)
    assert_opaque(code)
    assert client.get(reverse("alerts:mine", args=[code])).status_code == 200
    old = signing.dumps(ADDRESS, salt=alerts.MINE_SALT, compress=True)
    assert client.get(reverse("alerts:mine", args=[old])).status_code == 200


def test_it_keeps_the_address_out_of_verification_links(client, world):
    world.alice.email = ADDRESS
    world.alice.save()
    token = accounts.verification_token(world.alice)
    assert_opaque(token)
    assert accounts.verify_email(token) == world.alice
    old = signing.dumps({"u": world.alice.pk, "e": ADDRESS}, salt=accounts.VERIFY_SALT)
    assert accounts.verify_email(old) == world.alice
    world.alice.email = "alice.new@example.org"  # a link for the address she had before no longer works
    world.alice.save()
    assert accounts.verify_email(token) is None


@pytest.mark.parametrize("old", [False, True])
def test_it_keeps_the_address_out_of_follow_confirmation_links(client, world, old):
    from civicdesk.servicerequests import services

    request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"})
    follow = Follow.objects.create(request=request, email=ADDRESS, language="en")
    token = (signing.dumps({"f": follow.pk, "e": ADDRESS}, salt=follows.FOLLOW_SALT, compress=True) if old
             else follows.follow_token(follow))
    if not old:
        assert_opaque(token)
    assert follows.follow_from_token(token) == follow
    response = client.post(reverse("subscriptions:confirm_follow", args=[token]))
    assert response.status_code == 302
    follow.refresh_from_db()
    assert follow.is_confirmed
