"""hide_attachment(): a photo posted by mistake leaves the public pages but stays for staff and audit."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("face.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                      uploads=[jpeg()])
    return request.attachments.get()


def test_it_hides_the_photo_and_keeps_the_file(world, photo):
    entry = services.hide_attachment(photo, user=world.bob, reason="A face is visible")
    photo.refresh_from_db()
    assert photo.hidden and photo.file.storage.exists(photo.file.name)
    assert not photo.request.visible_photos().exists()
    assert not entry.is_public and "A face is visible" in entry.message
    audit = AuditEntry.objects.get(action="servicerequest.attachment_hidden")
    assert audit.data == {"attachment": photo.pk, "reason": "A face is visible"}


def test_it_refuses_a_photo_already_hidden(world, photo):
    services.hide_attachment(photo, user=world.bob)
    with pytest.raises(services.RequestRejected):
        services.hide_attachment(photo, user=world.bob)
    assert AuditEntry.objects.filter(action="servicerequest.attachment_hidden").count() == 1
