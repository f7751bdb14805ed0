"""The request page says "This may be a …" when the category suggester confidently disagrees with the kind, and one
button changes the kind, re-routes and leaves an audit entry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.triage import history

from .people import seat_people


@pytest.fixture
def kinds(world):
    kinds = history.trained_for_tests(world.elm)
    kinds["streetlight-out"].jurisdictions.clear()
    return kinds


def misfiled(world, description="The streetlight in front of my house is out, the street lamp is dark at night"):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, description=description)


def test_it_suggests_the_kind_the_words_are_about(client, world, kinds):
    sr = misfiled(world)
    seats = seat_people(world)
    login_verified(client, seats.agent)
    response = client.get(reverse("staff:detail", args=[sr.public_id]))
    suggestion = response.context["misfiled"]
    assert suggestion.service_type.code == "streetlight-out" and suggestion.confidence >= 0.6
    assert f"This may be a “Streetlight out” ({suggestion.percent}%)" in response.content.decode()


def test_it_says_nothing_when_the_kind_fits_or_the_model_is_unsure(client, world, kinds, settings):
    seats = seat_people(world)
    login_verified(client, seats.agent)
    fits = misfiled(world, "Deep pothole in the road, cars swerve around the hole")
    assert client.get(reverse("staff:detail", args=[fits.public_id])).context["misfiled"] is None
    settings.TRIAGE_MISCATEGORISED_PERCENT = 100
    unsure = misfiled(world)
    assert client.get(reverse("staff:detail", args=[unsure.public_id])).context["misfiled"] is None


def test_the_one_button_changes_the_kind_re_routes_and_audits(client, world, kinds):
    sr = misfiled(world)
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    page = client.get(reverse("staff:detail", args=[sr.public_id]))
    assert "Change the kind to “Streetlight out” and re-route" in page.content.decode()
    percent = page.context["misfiled"].percent
    response = client.post(reverse("staff:change_category", args=[sr.public_id]),
                           {"service_type": kinds["streetlight-out"].pk, "suggested": percent}, follow=True)
    assert response.status_code == 200
    sr.refresh_from_db()
    assert sr.service_type == kinds["streetlight-out"]
    assert AuditEntry.objects.filter(object_id=str(sr.pk), action="servicerequest.category_changed").exists()
    accepted = AuditEntry.objects.get(object_id=str(sr.pk), action="triage.suggestion_accepted")
    assert accepted.actor == seats.supervisor
    assert accepted.data == {"service_type": "streetlight-out", "confidence_percent": percent}
    # Now the kind fits the words: the suggestion is gone.
    assert client.get(reverse("staff:detail", args=[sr.public_id])).context["misfiled"] is None


def test_a_seat_that_may_not_change_the_kind_sees_the_hint_but_no_button(client, world, kinds):
    sr = misfiled(world)
    login_verified(client, seat_people(world).agent)  # agents may not change the kind
    page = client.get(reverse("staff:detail", args=[sr.public_id])).content.decode()
    assert "This may be a “Streetlight out”" in page and "and re-route</button>" not in page
