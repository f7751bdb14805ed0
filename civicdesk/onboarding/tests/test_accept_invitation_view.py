"""The invitation link: choose a password, then the two-factor enrolment of civicdesk/accounts before the staff
console opens; used, expired, replaced and broken links each say so plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.onboarding import invitations
from civicdesk.onboarding.models import StaffInvitation
from civicdesk.testing.auth import current_code

PASSWORD = "a long walk by the river"


@pytest.fixture
def invited(world):
    user = User.objects.create_user(email="heron@elm.example.gov", first_name="Heron")
    StaffMembership.objects.create(user=user, jurisdiction=world.elm, department=world.public_works)
    [pk] = invitations.invite_many([(user, world.elm)], invited_by=world.bob)
    return StaffInvitation.objects.get(pk=pk)


def url(invitation) -> str:
    return reverse("onboarding:accept_invitation", args=[invitations.invitation_token(invitation)])


def test_it_sets_the_password_then_requires_two_factor_enrolment(client, invited):
    page = client.get(url(invited))
    assert page.status_code == 200 and "Set up your staff account" in page.content.decode()
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    response = client.post(url(invited), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    invited.refresh_from_db()
    assert invited.accepted_at is not None and invited.user.check_password(PASSWORD)
    assert invited.user.is_email_verified
    assert AuditEntry.objects.filter(action="staff_invitation.accepted", actor=invited.user).exists()

    # The staff console stays closed until an authenticator app is enrolled.
    console = client.get(reverse("staff:queues"))
    assert console.status_code == 302 and console["Location"].startswith(reverse("accounts:two_factor"))
    enrol = client.get(response["Location"])
    assert "Scan" in enrol.content.decode() or "authenticator" in enrol.content.decode()
    device = TOTPDevice.objects.get(user=invited.user, confirmed=False)
    done = client.post(response["Location"], {"token": current_code(device)})
    assert done.status_code == 200 and "recovery" in done.content.decode().lower()
    assert client.get(reverse("staff:queues")).status_code == 200


def test_it_says_plainly_when_the_link_was_used_already(client, invited):
    client.post(url(invited), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    response = client.get(url(invited))
    assert response.status_code == 410
    assert "This invitation has already been used, and works only once." in response.content.decode()
    response = client.post(url(invited), {"new_password1": "another password 123", "new_password2":
                                          "another password 123"})
    assert response.status_code == 410
    invited.user.refresh_from_db()
    assert invited.user.check_password(PASSWORD)


def test_it_refuses_an_expired_invitation(client, invited):
    StaffInvitation.objects.filter(pk=invited.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(url(invited))
    assert response.status_code == 400
    assert "This invitation has expired. Ask your administrator to send it again." in response.content.decode()


def test_it_refuses_a_broken_link(client, invited):
    response = client.get(reverse("onboarding:accept_invitation", args=[url(invited).split("/")[-2][:-3] + "xyz"]))
    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()


def test_it_checks_the_password_rules(client, invited):
    response = client.post(url(invited), {"new_password1": "heron", "new_password2": "heron"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    invited.refresh_from_db()
    assert invited.accepted_at is None
