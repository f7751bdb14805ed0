"""Directory content on the shared test world (Town of Elm, Maple County)."""

from __future__ import annotations

from civicdesk.directory.models import DepartmentProfile, PermitFee, PermitGuide, ServiceGuide

CANARY = "<script>alert('zebrafinch')</script><b>zebrafinch</b>"


def make_profile(department, **extra) -> DepartmentProfile:
    values = {"summary": {"en": "We fix the streets.", "es": "Arreglamos las calles."},
              "address": {"en": "Elm Town Hall\n1 Oak Street", "es": "Ayuntamiento de Elm\n1 Oak Street"},
              "lat": 3.0, "long": 2.5, "hours": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]],
                                                   "tue": [["08:00", "17:00"]]}}
    values.update(extra)
    return DepartmentProfile.objects.create(department=department, **values)


def make_permit(world, **extra) -> PermitGuide:
    values = {"jurisdiction": world.elm, "department": world.public_works, "slug": "fence-permit",
              "title": {"en": "Fence permit", "es": "Permiso para cercas"},
              "summary": {"en": "Fences over 3 feet need one.", "es": "Las cercas de más de 3 pies lo necesitan."},
              "requirements": {"en": ["A site plan", "The fence height"], "es": ["Un plano", "La altura"]},
              "apply_steps": {"en": ["Apply online", "Pay the fee"], "es": ["Solicite en línea", "Pague"]},
              "processing_days": 5, "apply_url": "https://elm.example.gov/fence"}
    values.update(extra)
    guide = PermitGuide.objects.create(**values)
    PermitFee.objects.create(guide=guide, amount_cents=5000, covers={"en": "Permit and plan review",
                                                                      "es": "Permiso y revisión"}, order=1)
    PermitFee.objects.create(guide=guide, amount_cents=2550, covers={"en": "Final inspection",
                                                                      "es": "Inspección final"}, order=2)
    return guide


def make_guide(service_type, **extra) -> ServiceGuide:
    values = {"covers": {"en": "Holes in city streets.", "es": "Hoyos en calles de la ciudad."},
              "not_covers": {"en": "Private driveways."}}
    values.update(extra)
    return ServiceGuide.objects.create(service_type=service_type, **values)
