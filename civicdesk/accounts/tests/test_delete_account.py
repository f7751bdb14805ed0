"""Closing one's own account: password re-entry; reports kept without contact details; staff cannot."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.alerts.models import AreaSubscription
from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.subscriptions.models import Follow, NotificationPreference
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_WEST_ELM

URL = reverse("accounts:delete_account")
PASSWORD = "correct horse battery"


def reported_by(world, user, **extra) -> ServiceRequest:
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   description="Deep hole by the bus stop", reporter=user,
                                   contact_name="Alice Liddell", contact_phone="555-0142",
                                   attributes={"depth": "deep"}, **extra)


def test_it_explains_what_happens_before_asking_for_the_password(client, world):
    client.force_login(world.alice)
    html = client.get(URL).content.decode()
    assert "the problems you reported stay" in html and "This cannot be undone." in html
    assert 'name="password"' in html


def test_it_closes_the_account_and_anonymises_the_reports(client, world):
    mine = reported_by(world, world.alice)
    anonymous_with_my_email = reported_by(world, None, contact_email="alice@example.org")
    someone_elses = reported_by(world, world.dave)
    Follow.objects.create(request=someone_elses, user=world.alice, confirmed_at=someone_elses.requested_at)
    NotificationPreference.objects.create(user=world.alice, channels="email", language="en")
    AreaSubscription.objects.create(email="alice@example.org", user=world.alice, lat=IN_WEST_ELM[0],
                                    long=IN_WEST_ELM[1], radius_m=500)
    client.force_login(world.alice)

    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert not client.get(reverse("accounts:my_requests")).wsgi_request.user.is_authenticated

    for request in (mine, anonymous_with_my_email):
        request.refresh_from_db()
        assert (request.reporter, request.contact_name, request.contact_email, request.contact_phone) == (
            None, "", "", "")
        assert request.description == "Deep hole by the bus stop"  # the report itself stays
    someone_elses.refresh_from_db()
    assert someone_elses.reporter == world.dave
    assert not Follow.objects.filter(user=world.alice).exists()
    assert not NotificationPreference.objects.filter(user=world.alice).exists()
    assert not AreaSubscription.objects.filter(email="alice@example.org").exists()

    closed = User.objects.get(pk=world.alice.pk)
    assert not closed.is_active and not closed.has_usable_password()
    assert (closed.first_name, closed.phone) == ("", "") and "alice" not in closed.email
    assert AuditEntry.objects.filter(action="user.closed", object_id=str(closed.pk)).exists()
    signed_in = client.post(reverse("accounts:login"), {"username": "alice@example.org", "password": PASSWORD})
    assert not signed_in.wsgi_request.user.is_authenticated
    # The address is free to sign up again.
    assert not User.objects.filter(email="alice@example.org").exists()


def test_it_refuses_a_wrong_password_and_keeps_everything(client, world):
    client.force_login(world.alice)
    response = client.post(URL, {"password": "correct horse"})
    assert response.status_code == 400
    assert '<a class="usa-link" href="#id_password">That is not your current password.' in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.is_active and world.alice.email == "alice@example.org"


def test_staff_cannot_close_their_own_account(client, world):
    login_verified(client, world.bob)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 403
    assert "Ask an administrator to deactivate your account." in response.content.decode()
    world.bob.refresh_from_db()
    assert world.bob.is_active


def test_it_needs_a_signed_in_person(client, world):
    assert client.post(URL, {"password": PASSWORD})["Location"].startswith(reverse("accounts:login"))
