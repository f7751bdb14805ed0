"""Site search never finds or shows a resident's contact details: a public request's name, email address and phone
number are in no index entry, result, snippet or suggestion (requests are found by tracking number only)."""

from __future__ import annotations

from civicdesk.search.services import search, sync_all
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM

# Canaries no page of the site prints by itself.
NAME, EMAIL, PHONE = "Quillon Vextrabury", "quillon.vextrabury@example.org", "555-0147"


def test_it_finds_no_request_by_its_reporters_name_email_or_phone(client, world):
    services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                            attributes={"depth": "deep"}, description="Deep hole by the bakery",
                            contact_name=NAME, contact_email=EMAIL, contact_phone=PHONE)
    sync_all()
    parts = ["Quillon", "Vextrabury", "quillon.vextrabury", "555-0147"]
    for typed in (NAME, "Vextrabury", "Quillon", EMAIL, "vextrabury@example", PHONE, "5550147"):
        # The page echoes the query (search box, links), so it is checked for the parts the query does not hold.
        hidden = [part for part in parts if part.lower() not in typed.lower() and part.lower() not in
                  typed.lower().replace("-", "")]
        found = search(typed, language="en")
        shown = " ".join(f"{result.title} {result.snippet}" for result in found.results)
        assert not any(part in shown for part in parts), typed
        html = client.get("/search/", {"q": typed}).content.decode().lower()
        assert hidden and not any(part.lower() in html for part in hidden), (typed, hidden)
        suggested = str(client.get("/search/suggest.json", {"q": typed}).json()["suggestions"])
        assert not any(part in suggested for part in parts), typed
