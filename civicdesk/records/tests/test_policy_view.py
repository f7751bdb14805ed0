"""The "Records settings" page of a records-request type (config_views.policy): administrators of the type's
jurisdiction only; whole numbers in their ranges with errors in words; saved and audited; linked from the
records queue and from the application type's staff page (through applications.hooks)."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.records.models import RecordsPolicy
from civicdesk.testing.auth import login_verified


def _url(records_type) -> str:
    return reverse("records_staff:policy", args=[records_type.pk])


def test_it_shows_the_demo_policy_with_labelled_fields(client, records_type, seats):
    login_verified(client, seats.admin)
    page = client.get(_url(records_type))
    body = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert "Records settings: Public records request" in body
    for name, value in (("max_extensions", 1), ("max_extension_days", 10), ("link_days", 30)):
        assert f'<label class="usa-label" for="id_{name}">' in body
        assert f'name="{name}" value="{value}"' in body


def test_it_saves_and_audits_the_policy(client, records_type, seats):
    login_verified(client, seats.admin)
    done = client.post(_url(records_type), {"max_extensions": "2", "max_extension_days": "15", "link_days": "60"},
                       follow=True)
    assert "Records settings saved." in done.content.decode()
    policy = RecordsPolicy.objects.get(application_type=records_type)
    assert (policy.max_extensions, policy.max_extension_days, policy.link_days) == (2, 15, 60)
    entry = AuditEntry.objects.get(action="records.policy_updated")
    assert entry.actor == seats.admin and entry.jurisdiction_id == records_type.jurisdiction_id
    assert entry.data == {"before": {"max_extensions": 1, "max_extension_days": 10, "link_days": 30},
                          "after": {"max_extensions": 2, "max_extension_days": 15, "link_days": 60}}


def test_it_refuses_numbers_out_of_range_in_words_and_saves_nothing(client, records_type, seats):
    login_verified(client, seats.admin)
    page = client.post(_url(records_type), {"max_extensions": "11", "max_extension_days": "2.5",
                                            "link_days": "0"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Ensure this value is less than or equal to 10." in body
    assert "Enter a whole number." in body
    assert "Ensure this value is greater than or equal to 1." in body
    assert "A whole number from 1 to 365." in body
    policy = RecordsPolicy.objects.get(application_type=records_type)
    assert (policy.max_extensions, policy.max_extension_days, policy.link_days) == (1, 10, 30)
    assert not AuditEntry.objects.filter(action="records.policy_updated").exists()


def test_it_refuses_everyone_but_the_jurisdictions_administrators(client, records_type, world, seats):
    url = _url(records_type)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    StaffMembership.objects.create(user=world.dave, jurisdiction=world.county, role=StaffMembership.Role.ADMIN)
    for person, status in ((world.dave, 404), (world.bob, 403), (seats.supervisor, 403), (seats.agent, 403)):
        client.logout()
        login_verified(client, person)
        assert client.get(url).status_code == status, person
        assert client.post(url, {"max_extensions": "5", "max_extension_days": "5", "link_days": "5"}
                           ).status_code == status
    assert RecordsPolicy.objects.get(application_type=records_type).max_extensions == 1


def test_it_is_linked_from_the_queue_and_the_types_page_for_administrators(client, records_type, world, seats):
    login_verified(client, seats.admin)
    queue = client.get(reverse("records_staff:queue")).content.decode()
    assert _url(records_type) in queue
    assert reverse("records_staff:exemptions", args=[world.elm.pk]) in queue
    type_page = client.get(reverse("applications_config:edit", args=[records_type.pk])).content.decode()
    assert _url(records_type) in type_page and "Records settings: extensions and download links" in type_page
    client.logout()
    login_verified(client, seats.supervisor)  # reviews requests, configures nothing
    assert _url(records_type) not in client.get(reverse("records_staff:queue")).content.decode()
