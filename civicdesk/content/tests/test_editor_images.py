"""The editors' image library (civicdesk/editorial): upload through lib/media (re-encoded, metadata stripped),
alt text required, served publicly, inserted into Markdown."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.audit.models import AuditEntry
from civicdesk.editorial.models import EditorialImage
from civicdesk.editorial.text import render_markdown
from civicdesk.testing.auth import login_verified

from .helpers import editors


def _jpeg_with_exif() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("bins.jpg", buffer.getvalue(), content_type="image/jpeg")


def _upload(world, client, settings, tmp_path, upload, alt_text):
    settings.MEDIA_ROOT = tmp_path
    erin, _eve = editors(world)
    login_verified(client, erin)
    return client.post(reverse("editorial:images"), {"jurisdiction": world.elm.pk, "image": upload,
                                                     "alt_text": alt_text})


def test_it_uploads_a_re_encoded_image_without_metadata(world, client, settings, tmp_path):
    response = _upload(world, client, settings, tmp_path, _jpeg_with_exif(), "Two blue recycling carts")
    assert response.status_code == 302
    image = EditorialImage.objects.get()
    assert image.alt_text == "Two blue recycling carts" and (image.width, image.height) == (64, 48)
    served = client.get(image.url())
    content = b"".join(served.streaming_content)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"SecretCameraMaker" not in content
    assert AuditEntry.objects.filter(action="editorial.image_uploaded", object_id=str(image.pk)).exists()
    assert image.markdown() in client.get(reverse("editorial:images")).content.decode()
    html = str(render_markdown(image.markdown()))
    assert f'<img src="{image.url()}" alt="Two blue recycling carts">' in html


def test_it_requires_alt_text(world, client, settings, tmp_path):
    response = _upload(world, client, settings, tmp_path, _jpeg_with_exif(), "   ")
    assert response.status_code == 200 and not EditorialImage.objects.exists()


def test_it_refuses_a_file_that_is_not_an_image(world, client, settings, tmp_path):
    upload = SimpleUploadedFile("notes.jpg", b"just words, not a picture", content_type="image/jpeg")
    response = _upload(world, client, settings, tmp_path, upload, "Notes")
    assert response.status_code == 200 and not EditorialImage.objects.exists()
    assert "not a photo or video we can accept" in response.content.decode()


def test_it_escapes_brackets_of_the_alt_text_in_the_snippet(world):
    image = EditorialImage(pk=7, alt_text="Map [north] side")
    assert image.markdown() == "![Map \\[north\\] side](/content-images/7/)"
