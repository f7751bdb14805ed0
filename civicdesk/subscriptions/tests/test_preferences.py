"""The preferences page: channels, language, and the requests the person follows."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from civicdesk.servicerequests import services
from civicdesk.subscriptions.models import Follow, NotificationPreference
from civicdesk.testing.world import IN_WEST_ELM

URL = reverse("subscriptions:preferences")


def test_it_asks_people_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_the_defaults_to_someone_who_never_chose(client, world):
    client.force_login(world.alice)
    body = client.get(URL).content.decode()
    assert 'value="email" id="id_channels_0" checked' in body
    assert "You do not follow any requests." in body
    assert not NotificationPreference.objects.exists()  # looking changes nothing


def test_it_saves_channels_and_language_and_makes_the_language_the_accounts(client, world):
    client.force_login(world.alice)
    response = client.post(URL, {"channels": "none", "language": "es"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=world.alice)
    assert (preference.channels, preference.language) == ("none", "es")
    world.alice.refresh_from_db()
    assert world.alice.language == "es"
    assert preference.audit_entries().filter(action="preferences.changed", actor=world.alice).exists()


def test_it_refuses_text_messages_without_a_confirmed_number(client, world):
    client.force_login(world.alice)
    response = client.post(URL, {"channels": "sms", "language": "en"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "first add and confirm your mobile number" in body
    assert 'aria-describedby="channels-error"' in body
    assert not NotificationPreference.objects.filter(channels="sms").exists()


def test_it_allows_text_messages_once_the_number_is_confirmed(client, world):
    NotificationPreference.objects.create(user=world.alice, phone="+15551230000", phone_verified_at=timezone.now())
    client.force_login(world.alice)
    assert client.post(URL, {"channels": "both", "language": "en"}).status_code == 302
    assert NotificationPreference.objects.get(user=world.alice).channels == "both"


def test_it_reads_the_page_in_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(12):
        request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0] + n * 0.01,
                                          long=IN_WEST_ELM[1], attributes={"depth": "deep"})
        Follow.objects.create(request=request, user=world.alice, confirmed_at=timezone.now())
    client.force_login(world.alice)
    with django_assert_max_num_queries(8):
        body = client.get(URL).content.decode()
    assert body.count("Stop following") == 12


def test_it_lists_email_follows_of_a_verified_address_but_not_private_requests(client, world):
    public = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                     attributes={"depth": "deep"})
    hidden = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    Follow.objects.create(request=public, email="alice@example.org", confirmed_at=timezone.now())
    Follow.objects.create(request=hidden, user=world.alice, confirmed_at=timezone.now())
    services.set_private(hidden, private=True, user=world.bob)
    client.force_login(world.alice)
    assert public.public_id not in client.get(URL).content.decode()  # email not verified yet
    world.alice.email_verified_at = timezone.now()
    world.alice.save()
    body = client.get(URL).content.decode()
    assert public.public_id in body and hidden.public_id not in body


def test_it_is_linked_from_my_requests(client, world):
    client.force_login(world.alice)
    assert URL in client.get(reverse("accounts:my_requests")).content.decode()
