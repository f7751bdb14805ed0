"""Serving a request's photos and videos: visible ones of public requests only."""

from __future__ import annotations

import io
import os
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_upload(size=(900, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def mp4_upload() -> SimpleUploadedFile:
    data = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + struct.pack(">I", 8 + 512) + b"mdat"
    return SimpleUploadedFile("clip.mp4", data + os.urandom(512), content_type="video/mp4")


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
