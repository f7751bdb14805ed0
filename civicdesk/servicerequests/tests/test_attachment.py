"""Serving a request's photos and videos: visible ones of public requests only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.servicerequests import services
from civicdesk.testing.video import PHONE_METADATA, decoded_frames, make_video
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_upload(size=(900, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def mp4_upload(metadata=None) -> SimpleUploadedFile:
    return SimpleUploadedFile("clip.mp4", make_video("mp4", metadata=metadata), content_type="video/mp4")


def report(world, uploads, **overrides):
    data = dict(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], uploads=uploads)
    data.update(overrides)
    return services.submit_request(**data)


def fetch(client, request, attachment, size: str | None = None):
    args = [request.public_id, attachment.pk] + ([size] if size else [])
    name = "servicerequests:attachment_size" if size else "servicerequests:attachment"
    return client.get(reverse(name, args=args))


def body(response) -> bytes:
    # The test client closes the file once the stream has been read to the end.
    return b"".join(response.streaming_content)


def test_it_serves_a_visible_photo_and_its_thumbnail(client, world, media_root):
    request = report(world, [jpeg_upload()])
    attachment = request.attachments.get()

    full = fetch(client, request, attachment)
    assert full.status_code == 200
    assert full["Content-Type"] == "image/jpeg" and full["X-Content-Type-Options"] == "nosniff"
    assert body(full) == (media_root / attachment.file.name).read_bytes()

    thumb = fetch(client, request, attachment, "thumb")
    with Image.open(io.BytesIO(body(thumb))) as image:
        assert image.format == "JPEG" and image.size == (400, 267)


def test_it_serves_a_video_with_its_own_type(client, world):
    request = report(world, [mp4_upload()])
    attachment = request.attachments.get()
    response = fetch(client, request, attachment)
    assert response["Content-Type"] == "video/mp4"
    assert body(response)[4:8] == b"ftyp"


def test_it_serves_a_video_without_where_and_when_it_was_filmed(client, world):
    """A phone video's GPS position and caption used to reach the public byte for byte."""
    request = report(world, [mp4_upload(PHONE_METADATA)])
    served = body(fetch(client, request, request.attachments.get()))
    for leak in (b"+40.1010-088.9520", b"412 Elm St", b"iPhone 15", b"Pothole outside my house"):
        assert leak not in served, leak
    assert decoded_frames(served) == 10


def test_it_404s_for_a_hidden_photo_in_every_size(client, world):
    request = report(world, [jpeg_upload()])
    attachment = request.attachments.get()
    attachment.hidden = True
    attachment.save()
    assert fetch(client, request, attachment).status_code == 404
    assert fetch(client, request, attachment, "thumb").status_code == 404


def test_it_404s_for_a_photo_asked_for_under_another_requests_number(client, world):
    mine = report(world, [jpeg_upload()])
    other = report(world, [])
    assert fetch(client, other, mine.attachments.get()).status_code == 404


def test_it_404s_for_photos_of_private_requests_and_private_types(client, world):
    private = report(world, [jpeg_upload()])
    private.is_private = True
    private.save(update_fields=["is_private"])
    records = report(world, [jpeg_upload()], service_type=world.records, contact_email="zed@example.org")
    for request in (private, records):
        attachment = request.attachments.get()
        assert fetch(client, request, attachment).status_code == 404
        assert fetch(client, request, attachment, "thumb").status_code == 404
