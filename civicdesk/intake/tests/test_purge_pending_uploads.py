"""manage.py purge_pending_uploads: kept photos never sent are deleted after a day, files and all."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from civicdesk.intake import services as uploads
from civicdesk.intake.models import PendingUpload

from .test_details import photo, stored_files


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_deletes_pending_uploads_older_than_the_limit_with_their_files(db, media_root, settings):
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        (old,) = uploads.keep([photo("old.jpg")], "owner-one")
    with time_machine.travel(start + dt.timedelta(hours=20), tick=False):
        (recent,) = uploads.keep([photo("recent.jpg")], "owner-two")
    assert len(stored_files(media_root)) == 4

    out = io.StringIO()
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        call_command("purge_pending_uploads", stdout=out)
    assert "pending uploads deleted: 1" in out.getvalue()
    assert list(PendingUpload.objects.all()) == [recent]
    assert sorted(stored_files(media_root)) == sorted([recent.file.name, recent.thumbnail.name])
