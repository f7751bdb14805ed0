"""The public tracking page: status, public history and photos, and nothing private."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdesk.core.conditional import rendered_pages
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import Attachment, TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(colour=(30, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def report(world, **overrides):
    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], attributes={"depth": "deep"},
                description="Hole next to the library steps", contact_name="Zed Quimby",
                contact_email="zed.quimby@example.org", contact_phone="555-0199")
    data.update(overrides)
    return services.submit_request(**data)


def track_url(request) -> str:
    return reverse("servicerequests:track", args=[request.public_id])


def test_it_shows_the_status_history_and_description(client, world):
    request = report(world)
    services.transition(request, world.statuses["in_progress"], user=world.bob, message="Crew booked for Tuesday")
    response = client.get(track_url(request))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1>Pothole</h1>' in html
    assert 'data-testid="status">In progress<' in html
    assert "Request received via Web." in html and "Crew booked for Tuesday" in html
    assert html.index("Request received via Web.") < html.index("Crew booked for Tuesday")
    assert "Hole next to the library steps" in html
    assert "Public Works, Town of Elm" in html and "East Elm" in html


def test_it_never_shows_contact_details_internal_notes_or_routing(client, world):
    request = report(world)
    TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE,
                                 message="Caller is the councillor's neighbour")
    services.transition(request, world.statuses["investigating"], user=world.bob, message="Checked the ward map",
                        public=False)
    services.assign(request, user=world.bob, assignee=world.bob)
    request.refresh_from_db()
    html = client.get(track_url(request)).content.decode()
    for secret in ["Zed", "Quimby", "zed.quimby@example.org", "555-0199",  # the reporter
                   "councillor", "Checked the ward map", "Assigned to",   # internal entries
                   request.routing_note, "by rule #",                      # the routing explanation
                   "bob@elm.example.gov"]:
        assert secret not in html, secret
    # The status itself is public; only the note written with the private change is not.
    assert 'data-testid="status">Investigating<' in html


def test_it_shows_visible_photos_and_hides_hidden_ones(client, world):
    request = report(world, uploads=[jpeg(), jpeg((200, 30, 30))])
    shown, hidden = request.attachments.order_by("id")
    hidden.hidden = True
    hidden.save()
    html = client.get(track_url(request)).content.decode()
    assert f'href="/requests/{request.public_id}/media/{shown.pk}"' in html
    assert f'src="/requests/{request.public_id}/media/{shown.pk}/thumb"' in html
    assert f"/media/{hidden.pk}" not in html
    assert html.count('alt="Photo ') == 1


def test_it_404s_for_a_private_request(client, world):
    request = report(world, uploads=[jpeg()])
    request.is_private = True
    request.save(update_fields=["is_private"])
    attachment = request.attachments.get()
    assert client.get(track_url(request)).status_code == 404
    assert client.get(reverse("servicerequests:attachment", args=[request.public_id, attachment.pk])).status_code == 404


def test_it_404s_for_a_request_of_a_private_type(client, world):
    request = report(world, service_type=world.records, attributes={}, uploads=[jpeg()])
    attachment = request.attachments.get()
    assert client.get(track_url(request)).status_code == 404
    assert client.get(reverse("servicerequests:attachment_size",
                              args=[request.public_id, attachment.pk, "thumb"])).status_code == 404


def test_it_404s_when_the_type_becomes_private_later(client, world):
    request = report(world)
    world.pothole.is_private = True
    world.pothole.save()
    assert client.get(track_url(request)).status_code == 404


def test_it_404s_for_an_unknown_tracking_number_with_a_way_to_try_again(client, world):
    response = client.get("/requests/ZZZZ-ZZZZ/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find a request with the tracking number “ZZZZ-ZZZZ”" in html
    assert 'name="id"' in html


def test_it_says_the_same_for_a_private_request_as_for_an_unknown_one(client, world):
    request = report(world, service_type=world.records, attributes={})
    html = client.get(track_url(request)).content.decode()
    assert f"We could not find a request with the tracking number “{request.public_id}”" in html


def test_it_redirects_a_lower_case_tracking_number_to_the_canonical_page(client, world):
    request = report(world)
    response = client.get(f"/requests/{request.public_id.lower().replace('-', '')}/")
    assert response.status_code == 302 and response["Location"] == track_url(request)


def test_it_points_a_duplicate_to_the_original(client, world):
    original = report(world)
    duplicate = report(world)
    duplicate.duplicate_of = original
    duplicate.save(update_fields=["duplicate_of"])
    html = client.get(track_url(duplicate)).content.decode()
    assert "This was reported already" in html and f'href="{track_url(original)}"' in html


def test_it_shows_the_due_time_while_open_and_the_closed_time_once_closed(client, world):
    request = report(world)
    assert "Expected by" in client.get(track_url(request)).content.decode()
    services.transition(request, world.statuses["fixed"], user=world.bob, message="Filled")
    html = client.get(track_url(request)).content.decode()
    assert "Expected by" not in html and "<dt>Closed</dt>" in html
    assert "This affects me too" not in html  # no support button on a closed request


def test_it_starts_no_session_for_an_anonymous_visitor(client, world):
    # Reading a request must not create session rows or cookies for every passer-by.
    request = report(world)
    response = client.get(track_url(request))
    assert "sessionid" not in response.cookies


def test_it_uses_the_same_queries_for_a_long_history_with_many_photos(client, world, cached_configuration,
                                                                      django_assert_max_num_queries):
    small = report(world)
    Attachment.objects.create(request=small, kind="photo", file="requests/x/photo-1.jpg",
                              thumbnail="requests/x/photo-1-thumb.jpg", content_type="image/jpeg",
                              width=80, height=60)
    large = report(world)
    Attachment.objects.bulk_create([
        Attachment(request=large, kind="photo", file=f"requests/y/photo-{n}.jpg", content_type="image/jpeg",
                   thumbnail=f"requests/y/photo-{n}-thumb.jpg", width=80, height=60) for n in range(20)])
    statuses = [world.statuses["investigating"], world.statuses["in_progress"]]
    for n in range(20):
        services.transition(large, statuses[n % 2], user=world.bob, message=f"Update {n}")
    # The request, its timeline and photos, its comments; and the page's validator (core/conditional.py): the
    # request's version and its comments', in one statement. Its kind, status, jurisdiction and department come from the
    # process's configuration cache (config_cache.row), loaded by a first visit of each page.
    for warm_up in (small, large):
        client.get(track_url(warm_up))
    rendered_pages.clear()  # render them again, with the cache loaded
    with django_assert_max_num_queries(5) as one:
        client.get(track_url(small))
    with django_assert_max_num_queries(5) as many:
        html = client.get(track_url(large)).content.decode()
    assert "Update 19" in html and html.count('alt="Photo ') == 20
    assert len(many.captured_queries) == len(one.captured_queries)


def test_it_names_the_place_in_words_and_shows_coordinates_only_without_an_address(client, world):
    near_oak = report(world, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    html = client.get(track_url(near_oak)).content.decode()
    assert "12 Oak Street" in html and "Position:" not in html
    map_only = report(world)  # nowhere near an address point
    html = client.get(track_url(map_only)).content.decode()
    assert "Map location only" in html and "Position: 3.00000, 3.50000" in html
