"""Step 3 of the web report, the details form: answers, photos, contact details, emergencies, language."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.catalog.models import ServiceType
from civicdesk.servicerequests.models import Attachment, ServiceRequest
from civicdesk.testing.video import make_video
from civicdesk.testing.world import IN_WEST_ELM, OUTSIDE_EVERYTHING

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads land in a folder of this test's own, so leftovers can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def details_url(code: str = "pothole") -> str:
    return reverse("intake:details", args=[code])


def report(**overrides) -> dict:
    """A valid pothole report as the browser posts it after the location step."""
    data = {"lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "12 Oak Street",
            "address_id": "A1", "description": "Deep hole by the bus stop", "attribute_depth": "deep",
            "name": "", "email": "", "phone": ""}
    data.update(overrides)
    return data


def jpeg(size=(64, 48), colour=(200, 40, 40), exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def photo(name: str = "pothole.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type="image/jpeg")


def truncated_jpeg() -> bytes:
    # Random pixels, so the missing second half really is missing picture data.
    image = Image.frombytes("RGB", (640, 480), os.urandom(640 * 480 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    whole = buffer.getvalue()
    return whole[: len(whole) // 2]


def image_bomb_png(side: int = 20000) -> bytes:
    """A valid 1-bit black PNG of side x side pixels: 400 megapixels in about 50 kB."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + one bit per pixel
    pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def mp4(payload_size: int) -> bytes:
    """An MP4 whose header is genuine (ftyp box then an mdat box) around `payload_size` bytes."""
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return ftyp + struct.pack(">I", 8 + payload_size) + b"mdat" + os.urandom(payload_size)


# --- the form --------------------------------------------------------------------------------

def test_it_shows_the_chosen_location_and_the_types_questions(client, world):
    response = client.get(details_url(), {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1],
                                          "address": "12 Oak Street", "address_id": "A1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Location:</strong> 12 Oak Street" in html
    assert "How deep is it?" in html and "Deep (5 cm or more)" in html
    assert 'enctype="multipart/form-data"' in html


def test_it_asks_for_an_address_when_the_location_step_was_skipped(client, world):
    html = client.get(details_url()).content.decode()
    assert '<label class="usa-label" for="id_address">Street address' in html
    assert "<strong>Location:</strong>" not in html


def test_it_404s_for_a_private_or_inactive_type(client, world):
    assert client.get(details_url("records")).status_code == 404
    assert client.post(details_url("records"), report(email="a@example.org")).status_code == 404
    world.graffiti.is_active = False
    world.graffiti.save()
    assert client.get(details_url("graffiti")).status_code == 404


# --- a successful report ------------------------------------------------------------------------

def test_it_saves_the_report_and_shows_the_tracking_number_once(client, world):
    response = client.post(details_url(), report(email="Zed@Example.org", name="Zed"))
    saved = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{saved.public_id}/"
    assert saved.attributes == {"depth": "deep"}
    assert saved.description == "Deep hole by the bus stop"
    assert (saved.address, saved.address_id, saved.district) == ("12 Oak Street", "A1", world.west)
    assert (saved.contact_name, saved.contact_email, saved.channel) == ("Zed", "zed@example.org", "web")

    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="tracking-number">{saved.public_id}<' in page
    assert "We have also sent it to you by email." in page
    again = client.get(response["Location"]).content.decode()
    assert 'data-testid="tracking-number"' not in again  # the thank-you shows once, not on every visit
    assert saved.public_id in again


def test_it_commits_the_report_and_its_thank_you_mark_together(client, tworld):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(details_url())
    client.session.save()  # the browser already has its session, as after the earlier steps
    client.cookies["sessionid"] = client.session.session_key
    with CaptureQueriesContext(connection) as captured:
        response = client.post(details_url(), report(email="zed@example.org", name="Zed"))
    saved = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert [q["sql"] for q in captured.captured_queries if q["sql"] == "COMMIT"] == ["COMMIT"]  # one commit
    page = client.get(response["Location"]).content.decode()
    assert f'data-testid="tracking-number">{saved.public_id}<' in page
    again = client.get(response["Location"]).content.decode()
    assert 'data-testid="tracking-number"' not in again


def test_it_writes_no_thank_you_mark_for_a_report_that_was_refused(client, tworld, settings):
    from django.contrib.sessions.models import Session

    settings.RATE_LIMITS_ENABLED = True
    settings.REPORTS_PER_CLIENT_PER_HOUR = 1
    client.get(details_url())
    client.session.save()
    client.cookies["sessionid"] = client.session.session_key
    first = client.post(details_url(), report(email="zed@example.org", name="Zed"))
    client.get(first["Location"])  # the thank-you, shown once: the mark is gone again
    response = client.post(details_url(), report(email="zed@example.org", name="Zed"))
    assert response.status_code == 429 and ServiceRequest.objects.count() == 1
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()
    assert "just_submitted" not in stored


def test_it_accepts_an_anonymous_report_without_contact_details(client, world):
    response = client.post(details_url(), report())
    saved = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert (saved.reporter, saved.contact_email, saved.contact_name) == (None, "", "")
    assert "We have also sent it to you by email." not in client.get(response["Location"]).content.decode()


def test_it_takes_the_location_from_a_typed_address_on_this_step(client, world):
    response = client.post(details_url(), report(lat="", long="", address_id="", address="12 oak stret"))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().address == "12 Oak Street"


def test_it_refuses_a_location_outside_every_jurisdiction(client, world):
    response = client.post(details_url(), report(lat=str(OUTSIDE_EVERYTHING[0]), long=str(OUTSIDE_EVERYTHING[1]),
                                                 address="", address_id=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "outside the area we serve" in html and "Town of Elm" in html
    assert ServiceRequest.objects.count() == 0


# --- questions ---------------------------------------------------------------------------------

def test_it_names_the_required_question_that_was_not_answered(client, world):
    response = client.post(details_url(), report(attribute_depth=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_attribute_depth-error" role="alert">Please answer “How deep is it?”.<' in html
    assert "Deep hole by the bus stop" in html  # what was typed is kept
    assert ServiceRequest.objects.count() == 0


def test_it_refuses_an_answer_that_is_not_one_of_the_choices(client, world):
    response = client.post(details_url(), report(attribute_depth="bottomless"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert ServiceRequest.objects.count() == 0


# --- emergencies -------------------------------------------------------------------------------

def test_it_tells_the_resident_to_call_911_and_saves_nothing(client, world, media_root):
    response = client.post(details_url(), {**report(description="Smells like a GAS LEAK near the hole"),
                                           "media": [photo()]})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="emergency"' in html and 'Call <a class="usa-link cd-tel" href="tel:911">911</a> now.' in html
    assert 'name="not_emergency"' in html
    assert "Your photos are kept: you do not need to attach them again." in html
    assert ServiceRequest.objects.count() == 0 and Attachment.objects.count() == 0
    # Only the kept photo (and its thumbnail) waits, outside every request's folder.
    assert [name.split("/")[0] for name in stored_files(media_root)] == ["pending", "pending"]


def test_it_saves_the_report_once_the_resident_confirms_it_is_not_an_emergency(client, world):
    response = client.post(details_url(), report(description="Smells like a gas leak near the hole",
                                                 not_emergency="on"))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().description == "Smells like a gas leak near the hole"


def test_it_uses_the_jurisdictions_own_emergency_number(client, world):
    world.elm.emergency_number = "112"
    world.elm.save()
    html = client.post(details_url(), report(description="live wire down")).content.decode()
    assert 'Call <a class="usa-link cd-tel" href="tel:112">112</a> now.' in html


# --- photos and videos ---------------------------------------------------------------------------

def test_it_stores_a_photo_with_its_location_metadata_removed(client, world, media_root):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)})
    original = jpeg((800, 600), exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload really carries GPS

    response = client.post(details_url(), {**report(), "media": [photo("IMG_0001.JPG", original)]})

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.request == ServiceRequest.objects.get()
    assert (attachment.kind, attachment.content_type, attachment.width, attachment.height) == (
        "photo", "image/jpeg", 800, 600)
    for stored in (attachment.file, attachment.thumbnail):
        path = media_root / stored.name
        assert path.is_file()
        with Image.open(path) as image:
            assert not image.getexif().get_ifd(GPS_IFD)
            assert not image.getexif()
        assert b"PhoneMaker" not in path.read_bytes()


def test_it_accepts_a_short_video(client, world, media_root):
    response = client.post(details_url(), {**report(), "media": [
        SimpleUploadedFile("clip.mp4", make_video("mp4"), content_type="video/mp4")]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.content_type) == ("video", "video/mp4")
    assert (media_root / attachment.file.name).stat().st_size == attachment.size


@pytest.mark.parametrize(("make_upload", "message"), [
    (lambda: photo("half.jpg", truncated_jpeg()),
     "This photo seems to be damaged or incomplete."),
    (lambda: SimpleUploadedFile("bomb.png", image_bomb_png(), content_type="image/png"),
     "This photo has too many pixels for us to process (the limit is 50 megapixels)."),
    (lambda: photo("holiday.jpg", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 4096),
     "This file is not a photo or video we can accept."),
    (lambda: photo("invoice.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4096),
     "This file is not a photo or video we can accept."),
    (lambda: SimpleUploadedFile("dashcam.mp4", mp4(100 * 1024), content_type="video/mp4"),
     "This video is too large. Videos can be at most 0.1 MB, please attach a shorter clip."),
], ids=["truncated-jpeg", "image-bomb", "elf-renamed-jpg", "exe-renamed-jpg", "huge-video"])
def test_it_refuses_a_bad_upload_with_a_clear_message_and_saves_nothing(client, world, settings, media_root,
                                                                       make_upload, message):
    settings.MAX_VIDEO_BYTES = 64 * 1024
    upload = make_upload()
    response = client.post(details_url(), {**report(email="zed@example.org"), "media": [photo("ok.jpg"), upload]})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_media-error" role="alert">{upload.name}: {message}' in html
    assert 'data-testid="kept-uploads"' in html and "Remove ok.jpg" in html
    assert f"Remove {upload.name}" not in html
    assert ServiceRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    # Nothing of the refused file is stored; the good photo sent alongside waits as a pending upload.
    assert all(name.startswith("pending/") for name in stored_files(media_root))
    assert len(stored_files(media_root)) == 2


def test_it_refuses_more_than_five_photos(client, world, media_root):
    photos = [photo(f"p{n}.jpg", jpeg(colour=(n * 40, 0, 0))) for n in range(6)]
    response = client.post(details_url(), {**report(), "media": photos})
    assert response.status_code == 400
    assert "Attach at most 5 photos." in response.content.decode()
    assert ServiceRequest.objects.count() == 0 and Attachment.objects.count() == 0
    assert all(name.startswith("pending/") for name in stored_files(media_root))  # kept, to choose from


def test_it_accepts_exactly_five_photos(client, world, media_root):
    photos = [photo(f"p{n}.jpg", jpeg(colour=(n * 40, 0, 0))) for n in range(5)]
    assert client.post(details_url(), {**report(), "media": photos}).status_code == 302
    assert Attachment.objects.count() == 5
    assert len(stored_files(media_root)) == 10  # each photo and its thumbnail


# --- contact details ---------------------------------------------------------------------------

def test_it_requires_an_email_for_a_type_that_needs_one(client, world):
    url = details_url("missed-collection")
    html = client.get(url).content.decode()
    assert "Needed for this kind of request." in html

    response = client.post(url, report(attribute_depth="", phone="555 0100 200"))
    assert response.status_code == 400
    assert ('id="id_email-error" role="alert">Please give your email address for this kind of request.<'
            in response.content.decode())
    assert ServiceRequest.objects.count() == 0

    assert client.post(url, report(attribute_depth="", email="zed@example.org")).status_code == 302
    assert ServiceRequest.objects.get().service_type == world.garbage


def test_it_refuses_an_anonymous_report_of_a_type_that_forbids_it(client, world):
    ServiceType.objects.create(code="noise", name="Noise complaint", allow_anonymous=False)
    url = details_url("noise")
    response = client.post(url, report(attribute_depth=""))
    assert response.status_code == 400
    assert "This kind of request cannot be anonymous" in response.content.decode()
    assert client.post(url, report(attribute_depth="", phone="555 0100 200")).status_code == 302


def test_it_refuses_an_invalid_email_address(client, world):
    response = client.post(details_url(), report(email="zed@"))
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert ServiceRequest.objects.count() == 0


# --- signed-in residents -----------------------------------------------------------------------

def test_it_prefills_a_signed_in_residents_details_and_links_the_report(client, world):
    world.alice.phone = "555-0142"
    world.alice.save()
    client.force_login(world.alice)
    where = {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}
    html = client.get(details_url("missed-collection"), where).content.decode()
    assert 'value="Alice"' in html and 'value="alice@example.org"' in html and 'value="555-0142"' in html

    response = client.post(details_url("missed-collection"),
                           report(attribute_depth="", name="Alice", email="alice@example.org"))
    saved = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert saved.reporter == world.alice and saved.contact_email == "alice@example.org"


def test_it_links_a_signed_in_report_even_when_the_contact_fields_are_cleared(client, world):
    client.force_login(world.alice)
    assert client.post(details_url(), report()).status_code == 302
    saved = ServiceRequest.objects.get()
    assert saved.reporter == world.alice
    assert (saved.contact_email, saved.contact_name) == ("alice@example.org", "Alice")


# --- language ---------------------------------------------------------------------------------

def test_it_stores_the_language_chosen_with_the_language_switcher(client, world):
    client.cookies["django_language"] = "es"
    response = client.post(details_url(), report())
    assert response.status_code == 302
    assert ServiceRequest.objects.get().language == "es"


def test_it_stores_the_browsers_language(client, world):
    response = client.post(details_url(), report(), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert ServiceRequest.objects.get().language == "es"


def test_it_stores_english_by_default(client, world):
    client.post(details_url(), report(), HTTP_ACCEPT_LANGUAGE="de")
    assert ServiceRequest.objects.get().language == "en"


def test_it_asks_the_question_in_spanish_for_spanish_readers(client, world):
    html = client.get(details_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Qué profundidad tiene?" in html


def test_it_stores_the_phone_in_e164(client, world):
    response = client.post(details_url(), report(phone="(217) 555-0142"))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().contact_phone == "+12175550142"


@pytest.mark.parametrize("typed, message", [
    ("2" * 100_000, "That phone number is too long. Enter one number, like 217-555-0142."),
    ("217 555 0142 (mobile)", "Enter a phone number using digits only, like 217-555-0142."),
    ("21755501", "That phone number is too short. Include the area code, like 217-555-0142."),
])
def test_it_refuses_a_phone_that_cannot_be_one_and_keeps_what_was_typed(client, world, typed, message):
    response = client.post(details_url(), report(phone=typed))
    assert response.status_code == 400 and message in response.content.decode()
    assert "Deep hole by the bus stop" in response.content.decode()
    assert not ServiceRequest.objects.exists()
