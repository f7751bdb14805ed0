"""Demo single sign-on table for a demo city's `seed_demo()` (civicdesk/cities/riverbend.py calls `seed`).

Groups named the way a city's directory would name them, each giving the seat
its members hold in CivicDesk, so /sso/staff/ has a real table to show. Single
sign-on itself stays off until an operator points SSO_OIDC_* at a provider.
"""

from __future__ import annotations

from civicdesk.jurisdictions.models import StaffMembership

from .models import SsoRoleMapping

Role = StaffMembership.Role

#: (group claim value, jurisdiction slug, department slug or None, role)
DEMO_MAPPINGS = [
    ("riverbend-cityhall-311-admins", "riverbend", None, Role.ADMIN),
    ("riverbend-311-call-center", "riverbend", None, Role.AGENT),
    ("riverbend-311-call-center", "harlan-county", None, Role.AGENT),
    ("riverbend-public-works-crews", "riverbend", "public-works", Role.STAFF),
    ("riverbend-sanitation-supervisors", "riverbend", "sanitation", Role.SUPERVISOR),
    ("riverbend-web-editors", "riverbend", None, Role.EDITOR),
    ("harlan-highway-department", "harlan-county", "highway", Role.STAFF),
]


def seed(*, jurisdictions: dict, departments: dict) -> int:
    """Create the demo mappings that are missing (idempotent); return how many rows the table holds."""
    for claim, jurisdiction, department, role in DEMO_MAPPINGS:
        if jurisdiction not in jurisdictions or (department and department not in departments):
            continue
        SsoRoleMapping.objects.get_or_create(
            claim_value=claim, jurisdiction=jurisdictions[jurisdiction],
            department=departments[department] if department else None, defaults={"role": role})
    return SsoRoleMapping.objects.count()
