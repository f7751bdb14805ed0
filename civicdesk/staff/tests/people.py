"""Extra seats for staff-console tests, on top of the shared world's bob, carol and dave."""

from __future__ import annotations

from dataclasses import dataclass

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM, World

PASSWORD = "correct horse battery"
Role = StaffMembership.Role


@dataclass
class Seats:
    agent: User
    supervisor: User
    admin: User
    contractor: User
    root: User


@dataclass
class Requests:
    pothole: ServiceRequest  # Elm Public Works (bob's department)
    garbage: ServiceRequest  # Elm Sanitation / North crew (carol's)
    triage: ServiceRequest  # Elm, no routing rule: triage (a noise complaint)
    county: ServiceRequest  # Maple County Roads (dave's)


def seat_people(world: World) -> Seats:
    """An Elm agent, a Public Works supervisor, an Elm admin, a Public Works contractor and a superuser."""
    def person(email, first, role=None, **seat):
        user = User.objects.create_user(email=email, password=PASSWORD, first_name=first, is_staff=True)
        if role:
            StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=role, **seat)
        return user

    return Seats(
        agent=person("ann@elm.example.gov", "Ann", Role.AGENT),
        supervisor=person("sam@elm.example.gov", "Sam", Role.SUPERVISOR, department=world.public_works),
        admin=person("ada@elm.example.gov", "Ada", Role.ADMIN),
        contractor=person("cody@paving.example.com", "Cody", Role.CONTRACTOR, department=world.public_works),
        root=User.objects.create_superuser(email="root@example.org", password=PASSWORD),
    )


def file_requests(world: World) -> Requests:
    """One request in each corner of the world, each with reporter contact details."""
    contact = {"contact_name": "Rita Reporter", "contact_email": "rita@example.org", "contact_phone": "555-0199"}
    return Requests(
        pothole=services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                        attributes={"depth": "deep"}, description="Hole by the school",
                                        **contact),
        garbage=services.submit_request(service_type=world.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                        **contact),
        # No routing rule sends noise complaints anywhere in Elm: they wait in triage. (Not the private records
        # type: triage of private types is only for the seats that handle them, see test_authorization_matrix.)
        triage=services.submit_request(service_type=_noise(), lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], **contact),
        county=services.submit_request(service_type=world.graffiti, lat=IN_COUNTY_ONLY[0],
                                       long=IN_COUNTY_ONLY[1], **contact),
    )


def _noise():
    from civicdesk.catalog.models import ServiceType

    return ServiceType.objects.get_or_create(code="noise", defaults={"name": "Noise complaint"})[0]
