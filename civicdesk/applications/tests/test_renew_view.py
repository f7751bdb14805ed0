"""The renewal page (register_views.renew): the holder sees it and starts the renewal (a second click resumes
it); someone else is refused; a licence not yet in its window says so; private caching."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.applications import demo, services
from civicdesk.applications.models import Application
from civicdesk.testing.auth import login_verified


def dog_licence(world, seats, days_left: int):
    dog = demo.build_dog_licence(world.elm, review_department=world.public_works)
    services.update_type(dog, user=seats.admin, renewal_window_days=60)
    return demo.dog_licence_near_expiry(dog, world.alice, user=seats.admin, days_left=days_left)


def test_it_starts_the_renewal_once_for_the_holder(client, world, seats, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    permit = dog_licence(world, seats, days_left=20)
    url = reverse("applications:renew", args=[permit.code])
    login_verified(client, world.alice)
    page = client.get(url)
    assert page.status_code == 200 and permit.number in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    first = client.post(url)
    renewal = Application.objects.get(renews=permit)
    assert first["Location"] == reverse("applications:fill", args=[renewal.pk])
    assert client.post(url)["Location"] == first["Location"] and Application.objects.filter(renews=permit).count() == 1
    assert 'data-testid="under-way"' in client.get(url).content.decode()
    assert 'data-testid="renew-link"' in client.get(permit.application.get_absolute_url()).content.decode()


def test_it_refuses_someone_else_and_says_when_it_is_too_early(client, world, seats, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    permit = dog_licence(world, seats, days_left=200)
    url = reverse("applications:renew", args=[permit.code])
    login_verified(client, world.mallory)
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    login_verified(client, world.alice)
    assert 'data-testid="not-yet"' in client.get(url).content.decode()
    client.post(url)
    assert not Application.objects.filter(renews=permit).exists()
    assert client.get(reverse("applications:renew", args=["no-such-code"])).status_code == 404
