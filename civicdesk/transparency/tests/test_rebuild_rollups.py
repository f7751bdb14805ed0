"""`manage.py rebuild_rollups`: recomputes the roll-ups from the requests table and says how fast."""

from __future__ import annotations

import io

from django.core.management import call_command

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.transparency.models import DailyCount, RollupState

from .helpers import expected_counts, stored_counts


def test_it_repairs_counts_that_went_wrong(world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    services.transition(request, world.statuses["fixed"], force=True)
    call_command("rebuild_rollups", stdout=io.StringIO())
    DailyCount.objects.update(received=7)  # damage
    out = io.StringIO()
    call_command("rebuild_rollups", "--batch", "1", stdout=out)
    assert "Counted 1 requests into" in out.getvalue() and "requests/s" in out.getvalue()
    assert stored_counts() == expected_counts() != {}
    assert RollupState.objects.get().rebuilt_at is not None
