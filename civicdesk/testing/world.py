"""A small city built once per test: two jurisdictions, districts, departments, people.

Geometry (lon, lat): Maple County is the square 0..10 x 0..10; the Town of
Elm is the square 2..4 x 2..4 inside it, split into West Elm (x < 3) and
East Elm (x >= 3). People: resident "alice", staff "bob" in Elm Public Works,
"carol" in Elm Sanitation, "dave" in Maple County Roads, outsider "mallory".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civicdesk.accounts.models import User
from civicdesk.catalog.models import AttributeValue, RoutingRule, ServiceAttribute, ServiceGroup, ServiceType, Status
from civicdesk.jurisdictions.models import AddressPoint, Department, District, Jurisdiction, StaffMembership, Team
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.triage.models import EmergencyPhrase


def square(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


# Points (lat, long) used across tests.
IN_WEST_ELM = (3.0, 2.5)
IN_EAST_ELM = (3.0, 3.5)
IN_COUNTY_ONLY = (8.0, 8.0)
OUTSIDE_EVERYTHING = (20.0, 20.0)


@dataclass
class World:
    county: Jurisdiction
    elm: Jurisdiction
    west: District
    east: District
    public_works: Department
    sanitation: Department
    roads: Department
    north_crew: Team
    pothole: ServiceType
    garbage: ServiceType
    graffiti: ServiceType
    records: ServiceType
    alice: User
    bob: User
    carol: User
    dave: User
    mallory: User
    statuses: dict[str, Status]
    extra: dict[str, Any]


def ensure_default_statuses() -> None:
    """Recreate the migration-seeded status lifecycle when a transactional test flushed it."""
    import importlib

    from django.apps import apps

    if not Status.objects.exists():
        importlib.import_module("civicdesk.catalog.migrations.0002_default_statuses").create(apps, None)
        importlib.import_module("civicdesk.catalog.migrations.0007_default_statuses_arabic").name_in_arabic(apps, None)


def build_world() -> World:
    clear_caches()
    ensure_default_statuses()
    county = Jurisdiction.objects.create(name="Maple County", slug="maple", open311_id="maple.example.gov",
                                         boundary=square(0, 0, 10, 10), time_zone="America/Chicago")
    elm = Jurisdiction.objects.create(name="Town of Elm", slug="elm", open311_id="elm.example.gov",
                                      boundary=square(2, 2, 4, 4), time_zone="America/Chicago", phone="555-0100")
    west = District.objects.create(jurisdiction=elm, name="West Elm", slug="west", boundary=square(2, 2, 3, 4))
    east = District.objects.create(jurisdiction=elm, name="East Elm", slug="east", boundary=square(3, 2, 4, 4))
    public_works = Department.objects.create(jurisdiction=elm, name="Public Works", slug="public-works")
    sanitation = Department.objects.create(jurisdiction=elm, name="Sanitation", slug="sanitation")
    roads = Department.objects.create(jurisdiction=county, name="County Roads", slug="roads")
    north_crew = Team.objects.create(department=sanitation, name="North crew")

    streets = ServiceGroup.objects.create(name="Streets", name_es="Calles", order=1)
    waste = ServiceGroup.objects.create(name="Trash and recycling", name_es="Basura y reciclaje", order=2)
    pothole = ServiceType.objects.create(code="pothole", name="Pothole", name_es="Bache", group=streets,
                                         description="A hole in the road surface", sla_hours=16,
                                         keywords="hole, road, asphalt")
    depth = ServiceAttribute.objects.create(service_type=pothole, code="depth", description="How deep is it?",
                                            description_es="¿Qué profundidad tiene?", datatype="singlevaluelist",
                                            required=True, order=1)
    AttributeValue.objects.create(attribute=depth, key="shallow", name="Shallow (under 5 cm)", order=1)
    AttributeValue.objects.create(attribute=depth, key="deep", name="Deep (5 cm or more)", order=2)
    garbage = ServiceType.objects.create(code="missed-collection", name="Missed collection", group=waste,
                                         name_es="Recogida no realizada", sla_hours=8, requires_email=True,
                                         allow_anonymous=False)
    graffiti = ServiceType.objects.create(code="graffiti", name="Graffiti", group=streets, duplicate_radius_m=0)
    records = ServiceType.objects.create(code="records", name="Sealed records request", is_private=True,
                                         allow_anonymous=False, requires_email=True)
    RoutingRule.objects.create(jurisdiction=elm, name="Garbage north", department=sanitation, team=north_crew,
                               district=west, order=10).service_types.add(garbage)
    RoutingRule.objects.create(jurisdiction=elm, name="Garbage", department=sanitation, order=20
                               ).service_types.add(garbage)
    RoutingRule.objects.create(jurisdiction=elm, name="Streets", department=public_works, order=20
                               ).service_types.add(pothole, graffiti)
    RoutingRule.objects.create(jurisdiction=county, name="County roads", department=roads, order=50)

    for phrase in ["gas leak", "fire", "someone hurt", "live wire", "fuga de gas"]:
        EmergencyPhrase.objects.create(phrase=phrase)
    AddressPoint.objects.create(address_id="A1", number="12", street="Oak Street", full_address="12 Oak Street",
                                jurisdiction=elm, lat=3.0001, long=2.5001)
    AddressPoint.objects.create(address_id="A2", number="14", street="Oak Street", full_address="14 Oak Street",
                                jurisdiction=elm, lat=3.2, long=3.5)

    def person(email: str, first: str, **extra) -> User:
        return User.objects.create_user(email=email, password="correct horse battery", first_name=first, **extra)

    alice = person("alice@example.org", "Alice")
    bob = person("bob@elm.example.gov", "Bob", is_staff=True)
    carol = person("carol@elm.example.gov", "Carol", is_staff=True)
    dave = person("dave@maple.example.gov", "Dave", is_staff=True)
    mallory = person("mallory@example.net", "Mallory")
    StaffMembership.objects.create(user=bob, jurisdiction=elm, department=public_works)
    StaffMembership.objects.create(user=carol, jurisdiction=elm, department=sanitation, team=north_crew)
    StaffMembership.objects.create(user=dave, jurisdiction=county, department=roads)
    statuses = {s.code: s for s in Status.objects.all()}
    return World(county, elm, west, east, public_works, sanitation, roads, north_crew, pothole, garbage, graffiti,
                 records, alice, bob, carol, dave, mallory, statuses, {})
