"""The staff list of notices: states, newest first, bounded queries."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import make_notice


def test_it_lists_notices_with_their_state_in_few_queries(client, world, django_assert_max_num_queries):
    world.extra["publisher"] = seat_people(world).admin
    for number in range(12):
        make_notice(world, publish=number % 2 == 0, title_en=f"Notice {number}", districts=[world.west])
    login_verified(client, world.bob)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notices:staff_list")).content.decode()
    assert page.count('data-testid="notice-row"') == 12
    assert page.index("Notice 11") < page.index("Notice 0")
    assert "Draft" in page and "Active" in page
    assert reverse("notices:staff_create") in page
