"""An editor seat (civicdesk/editorial writes the help content) reaches no service request in the console."""

from __future__ import annotations

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.servicerequests import services
from civicdesk.staff import access
from civicdesk.testing.world import IN_WEST_ELM


def test_it_gives_an_editor_no_request_not_even_the_triage_queue(world):
    sr = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 attributes={"depth": "deep"}, description="Deep hole by the school")
    sr.department = None
    sr.save(update_fields=["department"])
    editor = User.objects.create_user(email="erin@elm.example.gov", password="x-unused-password-x")
    StaffMembership.objects.create(user=editor, jurisdiction=world.elm, role=StaffMembership.Role.EDITOR)
    assert not access.requests_visible_to(editor).exists()
    assert not access.can(editor, "view", sr)
