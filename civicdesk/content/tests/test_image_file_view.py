"""The editorial image files (/content-images/<n>/): public only once content residents can see shows the image;
until then (a draft, or after unpublishing) only editors and other staff get it, and nobody else learns it
exists."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from civicdesk.editorial import services
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import article, editors, publish


def _image(world, user, name="bins.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buffer, "PNG")
    return services.upload_image(jurisdiction=world.elm, upload=SimpleUploadedFile(name, buffer.getvalue()),
                                 alt_text="Two blue carts", user=user)


def test_it_serves_an_image_publicly_only_once_published_content_uses_it(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    erin, eve = editors(world)
    used, unused = _image(world, erin), _image(world, erin, "other.png")
    draft = article(world, body={"en": f"Carts go out on Monday.\n\n{used.markdown()}", "es": "Los lunes."})
    services.save_draft(draft, user=erin)

    assert client.get(used.url()).status_code == 404
    assert client.get(unused.url()).status_code == 404
    editor = Client()
    login_verified(editor, erin)
    seen = editor.get(used.url())
    assert seen.status_code == 200 and seen["Cache-Control"] == "private, no-store"
    agent = Client()
    login_verified(agent, seat_people(world).agent)
    assert agent.get(unused.url()).status_code == 200

    services.submit_for_review(draft, user=erin)
    assert client.get(used.url()).status_code == 404
    services.approve(draft, user=eve)
    public = client.get(used.url())
    assert public.status_code == 200 and public["Cache-Control"] == "public, max-age=3600"
    assert public["Content-Type"] == used.content_type and b"".join(public.streaming_content)
    assert client.get(unused.url()).status_code == 404

    services.unpublish(draft, user=eve)
    assert client.get(used.url()).status_code == 404


def test_it_finds_the_image_in_any_language_and_any_markdown_field(world, client, settings, tmp_path,
                                                                   django_assert_max_num_queries):
    settings.MEDIA_ROOT = tmp_path
    erin, eve = editors(world)
    first, second = _image(world, erin), _image(world, erin, "second.png")
    publish(article(world, body={"en": "No picture here.", "es": f"Con foto: {second.markdown()}"}), erin, eve)
    assert client.get(second.url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(first.url()).status_code == 404
    assert not first.is_in_published_content() and second.is_in_published_content()
