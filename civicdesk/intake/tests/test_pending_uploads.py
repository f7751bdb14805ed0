"""Photos kept between attempts of the details step: after a form error and after the 911 stop."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civicdesk.intake import services as uploads
from civicdesk.intake.models import PendingUpload
from civicdesk.servicerequests.models import Attachment, ServiceRequest

from .test_details import details_url, jpeg, photo, report, stored_files


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def kept_refs(html: str) -> list[str]:
    return re.findall(r'name="kept_upload" value="([^"]+)"', html)


def test_it_keeps_a_photo_after_a_form_error_and_attaches_it_on_the_next_submit(client, world, media_root):
    response = client.post(details_url(), {**report(attribute_depth=""), "media": [photo("IMG_2231.JPG")]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your photos are kept" in html and "Please attach your photos again." not in html
    refs = kept_refs(html)
    assert len(refs) == 1
    thumbnail = re.search(r'<img src="([^"]+)" alt="Kept photo IMG_2231.JPG">', html).group(1)
    assert client.get(thumbnail)["Content-Type"] == "image/jpeg"

    response = client.post(details_url(), {**report(), "kept_upload": refs})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.request == ServiceRequest.objects.get() and attachment.kind == "photo"
    assert PendingUpload.objects.count() == 0
    assert not any(name.startswith("pending/") for name in stored_files(media_root))


def test_it_keeps_photos_through_the_911_stop(client, world):
    gas = report(description="Strong smell, I think there is a gas leak by the hole")
    response = client.post(details_url(), {**gas, "media": [photo("a.jpg"), photo("b.jpg", jpeg(colour=(0, 90, 0)))]})
    assert 'data-testid="emergency"' in response.content.decode()
    refs = kept_refs(response.content.decode())
    assert len(refs) == 2

    response = client.post(details_url(), {**gas, "not_emergency": "on", "kept_upload": refs})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().attachments.count() == 2


def test_it_adds_new_photos_to_the_kept_ones(client, world):
    first = client.post(details_url(), {**report(attribute_depth=""), "media": [photo("a.jpg")]})
    response = client.post(details_url(), {**report(), "kept_upload": kept_refs(first.content.decode()),
                                           "media": [photo("b.jpg", jpeg(colour=(0, 0, 90)))]})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().attachments.count() == 2


def test_it_drops_a_kept_photo_the_resident_ticks_to_remove(client, world, media_root):
    first = client.post(details_url(), {**report(attribute_depth=""), "media": [photo("a.jpg"), photo("b.jpg")]})
    keep_ref, remove_ref = kept_refs(first.content.decode())
    response = client.post(details_url(), {**report(), "kept_upload": [keep_ref, remove_ref],
                                           "remove_upload": [remove_ref]})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().attachments.count() == 1
    assert PendingUpload.objects.count() == 0
    assert not any(name.startswith("pending/") for name in stored_files(media_root))


def test_it_ignores_a_reference_from_another_session(client, world):
    first = client.post(details_url(), {**report(attribute_depth=""), "media": [photo()]})
    refs = kept_refs(first.content.decode())
    stranger = Client()
    response = stranger.post(details_url(), {**report(), "kept_upload": refs, "remove_upload": refs})
    assert response.status_code == 302
    assert Attachment.objects.count() == 0
    assert PendingUpload.objects.count() == 1  # the stranger could neither use nor delete it
    thumbnail = reverse("intake:pending_thumbnail", args=refs)
    assert stranger.get(thumbnail).status_code == 404
    assert client.get(thumbnail).status_code == 200


def test_it_ignores_a_forged_or_tampered_reference(client, world):
    first = client.post(details_url(), {**report(attribute_depth=""), "media": [photo()]})
    (ref,) = kept_refs(first.content.decode())
    pending = PendingUpload.objects.get()
    forged = signing.dumps({"id": pending.pk, "o": pending.owner}, salt="some.other.salt")
    response = client.post(details_url(), {**report(), "kept_upload": [ref[:-2] + "xx", forged, "nonsense"]})
    assert response.status_code == 302
    assert Attachment.objects.count() == 0


def test_it_no_longer_attaches_a_photo_kept_more_than_a_day(client, world, settings):
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = client.post(details_url(), {**report(attribute_depth=""), "media": [photo()]})
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        response = client.post(details_url(), {**report(), "kept_upload": kept_refs(first.content.decode())})
    assert response.status_code == 302
    assert Attachment.objects.count() == 0


def test_it_keeps_no_refused_file(client, world, media_root):
    response = client.post(details_url(), {**report(attribute_depth=""),
                                           "media": [photo("notes.jpg", b"plain text, not a photo " * 40)]})
    assert response.status_code == 400
    assert kept_refs(response.content.decode()) == []
    assert PendingUpload.objects.count() == 0 and stored_files(media_root) == []


def test_it_keeps_at_most_a_handful_of_files_per_form(client, world):
    def six(colour: int) -> list:
        return [photo(f"p{colour}{n}.jpg", jpeg(colour=(n * 20, colour, 0))) for n in range(6)]

    first = client.post(details_url(), {**report(attribute_depth=""), "media": six(0)})
    refs = kept_refs(first.content.decode())
    assert len(refs) == 6
    second = client.post(details_url(), {**report(attribute_depth=""), "kept_upload": refs, "media": six(90)})
    assert len(kept_refs(second.content.decode())) == uploads.MAX_KEPT == 10


def test_it_stops_keeping_files_for_a_client_that_fails_the_form_over_and_over(client, world, settings):
    settings.RATE_LIMITS_ENABLED = True
    for n in range(uploads.MAX_KEPT_PER_CLIENT_HOUR // 6):
        batch = [photo(f"p{n}-{i}.jpg", jpeg(colour=(i * 20, n, 0))) for i in range(6)]
        client.post(details_url(), {**report(attribute_depth=""), "media": batch}, REMOTE_ADDR="198.51.100.23")
    assert PendingUpload.objects.count() == uploads.MAX_KEPT_PER_CLIENT_HOUR
    response = client.post(details_url(), {**report(attribute_depth=""), "media": [photo("one-more.jpg")]},
                           REMOTE_ADDR="198.51.100.23")
    assert kept_refs(response.content.decode()) == []
    assert PendingUpload.objects.count() == uploads.MAX_KEPT_PER_CLIENT_HOUR
    other = client.post(details_url(), {**report(attribute_depth=""), "media": [photo("neighbour.jpg")]},
                        REMOTE_ADDR="198.51.100.24")
    assert len(kept_refs(other.content.decode())) == 1
