"""No public surface leaks what it must not: contact details, private requests, private types, hidden photos,
or the exact place and address of a sensitive request (only its snapped point is public).

Every secret is a random 12-character canary, so a hit can only be a leak. The surfaces read: the map's JSON at
every zoom, its list, tracking pages, the home page, "Already reported?" and the nearby JSON of the report form,
the area feeds (RSS, Atom), Open311 GET requests (JSON and XML, list and single), what webhooks and area alerts
carry."""

from __future__ import annotations

import json
import secrets

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from civicdesk.alerts import services as alerts
from civicdesk.alerts.models import AreaSubscription
from civicdesk.lib.geo import snap_to_grid
from civicdesk.notifications.services import public_request_fields
from civicdesk.servicerequests.models import Attachment

from .helpers import make_request, sensitive_type

#: The sensitive request's exact place: digits that appear nowhere else, and a pin in the same snapping cell.
EXACT = (3.0012347, 2.5098761)
PIN_IN_SAME_CELL = (2.999, 2.508)


def canary() -> str:
    return "q" + secrets.token_hex(6)[:11]


@pytest.fixture
def setting(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    secret = {name: canary() for name in ("name", "email", "device", "client", "described", "private_address",
                                            "private_text", "type_address", "sensitive_address",
                                            "sensitive_text")}  # the last is a public description
    phone = "+1217555" + f"{secrets.randbelow(10_000):04d}"
    public = make_request(world, contact_name=f"Zed {secret['name']}", contact_email=f"{secret['email']}@example.org",
                          contact_phone=phone, device_id=secret["device"], client_name=secret["client"],
                          reporter=world.alice, description=f"Hole. Write to {secret['described']}@example.org")
    visible = Attachment.objects.create(request=public, kind=Attachment.Kind.PHOTO, content_type="image/jpeg",
                                        file=ContentFile(b"jpeg", name="seen.jpg"))
    hidden = Attachment.objects.create(request=public, kind=Attachment.Kind.PHOTO, content_type="image/jpeg",
                                       file=ContentFile(b"jpeg", name="hidden.jpg"), hidden=True)
    private = make_request(world, is_private=True, address=secret["private_address"],
                           description=secret["private_text"])
    private_type = make_request(world, service_type=world.records, address=secret["type_address"])
    rodents = sensitive_type(world)
    sensitive = make_request(world, service_type=rodents, lat=EXACT[0], long=EXACT[1],
                             address=f"{secret['sensitive_address']} Hidden Lane", address_id="A1",
                             description=secret["sensitive_text"])
    return {"secret": secret, "phone": phone, "public": public, "visible": visible, "hidden": hidden,
            "private": private, "private_type": private_type, "sensitive": sensitive}


def public_texts(client, setting) -> dict[str, str]:
    """Every public surface, as text, by name."""
    public, sensitive = setting["public"], setting["sensitive"]
    texts: dict[str, str] = {}
    for zoom in range(0, 20):
        for name, bbox in (("city", "2,2,4,4"), ("street", "2.49,2.99,2.52,3.02")):
            response = client.get("/map/cells.json", {"bbox": bbox, "zoom": zoom})
            assert response.status_code == 200
            texts[f"map {name} z{zoom}"] = response.content.decode()
    texts["list"] = client.get("/map/list/").content.decode()
    texts["list sensitive only"] = client.get("/map/list/", {"type": "rodents"}).content.decode()
    texts["map page"] = client.get("/map/").content.decode()
    texts["home"] = client.get("/").content.decode()
    for sr in (public, sensitive):
        texts[f"track {sr.public_id}"] = client.get(sr.get_absolute_url()).content.decode()
    texts["nearby json"] = client.get("/report/nearby.json", {"lat": PIN_IN_SAME_CELL[0],
                                                              "long": PIN_IN_SAME_CELL[1]}).content.decode()
    texts["already reported"] = client.get("/report/rodents/", {"lat": PIN_IN_SAME_CELL[0],
                                                                "long": PIN_IN_SAME_CELL[1]}).content.decode()
    texts["already reported pothole"] = client.get("/report/pothole/", {"lat": 3.0, "long": 2.5}).content.decode()
    for kind in ("rss", "atom"):
        texts[f"feed {kind}"] = client.get(reverse(f"alerts:feed_{kind}"),
                                           {"lat": 3.0, "long": 2.5, "radius": 2000}).content.decode()
    for fmt in ("json", "xml"):
        texts[f"open311 list {fmt}"] = client.get(f"/open311/v2/requests.{fmt}",
                                                  {"jurisdiction_id": "elm.example.gov"}).content.decode()
        for sr in (public, sensitive):
            texts[f"open311 {sr.public_id} {fmt}"] = client.get(
                f"/open311/v2/requests/{sr.public_id}.{fmt}", {"jurisdiction_id": "elm.example.gov"}
            ).content.decode()
    for sr in (public, sensitive):
        texts[f"webhook {sr.public_id}"] = json.dumps(public_request_fields(sr), default=str)
        texts[f"area alert {sr.public_id}"] = repr(alerts.public_summary(sr))
    return texts


def test_it_leaks_no_personal_data_private_request_or_hidden_photo_anywhere(client, setting):
    secret, public = setting["secret"], setting["public"]
    texts = public_texts(client, setting)
    forbidden = [value for name, value in secret.items() if name != "sensitive_text"] + [setting["phone"][2:], setting["private"].public_id,
                 setting["private_type"].public_id, "alice@example.org",
                 reverse("servicerequests:attachment", args=[public.public_id, setting["hidden"].pk])]
    leaks = [(name, word) for name, text in texts.items() for word in forbidden if word in text]
    assert leaks == []
    # The checks can see: the public request and its visible photo do show where they should.
    assert public.public_id in texts["list"] and public.public_id in texts["open311 list json"]
    assert reverse("servicerequests:attachment", args=[public.public_id, setting["visible"].pk]) in \
        texts[f"track {public.public_id}"]
    assert "[email removed]" in texts[f"track {public.public_id}"]


def test_it_shows_a_sensitive_request_only_at_its_snapped_point_and_never_its_address(client, setting):
    sensitive = setting["sensitive"]
    texts = public_texts(client, setting)
    exact = [f"{EXACT[0]:.5f}"[:7], f"{EXACT[1]:.5f}"[:7], "3.001234", "2.509876"]
    leaks = [(name, word) for name, text in texts.items() for word in exact if word in text]
    assert leaks == []
    snapped_lat, snapped_long = snap_to_grid(*EXACT)
    # It is there, at the snapped point, on the surfaces that place requests.
    for name in ("open311 list json", f"open311 {sensitive.public_id} json", "nearby json",
                 f"webhook {sensitive.public_id}"):
        assert sensitive.public_id in texts[name], name
        assert str(snapped_lat) in texts[name] and str(snapped_long) in texts[name], name
    assert any(sensitive.public_id in text for name, text in texts.items() if name.startswith("map street"))
    assert sensitive.public_id in texts["list sensitive only"] and "West Elm" in texts["list sensitive only"]
    assert sensitive.public_id in texts["already reported"]
    detail = json.loads(texts[f"open311 {sensitive.public_id} json"])[0]
    assert detail["address"] is None and detail["address_id"] is None


def test_it_finds_a_sensitive_request_by_its_snapped_point_only_in_feeds_and_alerts(client, setting, world):
    sensitive = setting["sensitive"]
    snapped = snap_to_grid(*EXACT)

    def in_feed(lat, long):
        rss = client.get(reverse("alerts:feed_rss"), {"lat": lat, "long": long, "radius": 100}).content.decode()
        return sensitive.public_id in rss

    assert not in_feed(*EXACT)  # a small circle around the exact place does not find it ...
    assert in_feed(*snapped)    # ... one around the snapped point does

    def alerted(lat, long) -> bool:
        AreaSubscription.objects.all().delete()
        AreaSubscription.objects.create(email="n@example.org", lat=lat, long=long, radius_m=100, all_types=True,
                                        confirmed_at=sensitive.requested_at)
        return any(alerts.subscriptions_for_request(sensitive, "new"))

    assert not alerted(*EXACT)
    assert alerted(*snapped)


def test_it_keeps_the_exact_place_for_staff(setting):
    sensitive = setting["sensitive"]
    assert (sensitive.lat, sensitive.long) == EXACT
    assert sensitive.address.endswith("Hidden Lane")
