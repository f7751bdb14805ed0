"""Subscribing in a browser: the map sets the centre, errors are announced, both pages pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.alerts.models import AreaSubscription
from civicdesk.testing.fixtures import assert_accessible
from civicdesk.testing.world import IN_WEST_ELM

from .helpers import live

pytestmark = pytest.mark.browser


def test_it_subscribes_with_a_pin_on_the_map(live_server, tworld, page):
    page.goto(f"{live_server.url}/alerts/")
    assert_accessible(page, context="subscribe form")
    pixel = page.evaluate("""([lat, lng]) => {
      const map = document.getElementById("map").leafletMap;
      map.setView([lat, lng], 16, {animate: false});
      const point = map.latLngToContainerPoint([lat, lng]);
      return {x: point.x, y: point.y};
    }""", list(IN_WEST_ELM))
    page.locator("#map").click(position=pixel)
    expect(page.locator("#pin-status")).to_contain_text("Center of your area placed")
    page.get_by_label("Your email address").fill("zoe@example.org")
    page.get_by_label("How far around that place").select_option("1000")
    # USWDS draws its own boxes over visually hidden inputs: a person clicks the label.
    page.locator("label", has_text="Pothole").click()
    page.locator("label", has_text="One daily summary").click()
    page.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    subscription = AreaSubscription.objects.get()
    assert subscription.radius_m == 1000 and subscription.frequency == "daily"
    assert abs(subscription.lat - IN_WEST_ELM[0]) < 0.001 and abs(subscription.long - IN_WEST_ELM[1]) < 0.001
    assert [t.code for t in subscription.service_types.all()] == ["pothole"]


def test_it_shows_errors_accessibly(live_server, tworld, page):
    page.goto(f"{live_server.url}/alerts/")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#id_email-error")).to_have_text("This field is required.")
    assert_accessible(page, context="subscribe form with errors")
    assert AreaSubscription.objects.count() == 0


def test_it_manages_a_subscription(live_server, tworld, page):
    subscription = live("zoe@example.org", district=tworld.west)
    page.goto(f"{live_server.url}/alerts/manage/{subscription.token}/")
    expect(page.get_by_label("Or a whole district")).to_have_value(str(tworld.west.pk))
    assert_accessible(page, context="manage page")
    page.get_by_role("button", name="Stop sending me this alert").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Your area alert is stopped.")
    subscription.refresh_from_db()
    assert not subscription.is_active
