"""Directory content on the shared test world (Town of Elm, Maple County), published unless told otherwise."""

from __future__ import annotations

from django.utils import timezone

from civicdesk.directory.models import DepartmentProfile, PermitGuide, ServiceGuide
from civicdesk.editorial.models import Status

CANARY = "<script>alert('zebrafinch')</script><b>zebrafinch</b>"


def _published(values: dict) -> dict:
    values.setdefault("status", Status.PUBLISHED)
    if values["status"] == Status.PUBLISHED:
        values.setdefault("publish_at", timezone.now() - timezone.timedelta(days=1))
    return values


def make_profile(department, **extra) -> DepartmentProfile:
    values = {"jurisdiction": department.jurisdiction,
              "summary": {"en": "We fix the streets.", "es": "Arreglamos las calles."},
              "address": {"en": "Elm Town Hall\n1 Oak Street", "es": "Ayuntamiento de Elm\n1 Oak Street"},
              "lat": 3.0, "long": 2.5, "hours": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]],
                                                   "tue": [["08:00", "17:00"]]}}
    values.update(extra)
    return DepartmentProfile.objects.create(department=department, **_published(values))


def make_permit(world, **extra) -> PermitGuide:
    values = {"jurisdiction": world.elm, "department": world.public_works, "slug": "fence-permit",
              "title": {"en": "Fence permit", "es": "Permiso para cercas"},
              "summary": {"en": "Fences over 3 feet need one.", "es": "Las cercas de más de 3 pies lo necesitan."},
              "requirements": {"en": "A site plan\n- The fence height", "es": "Un plano\nLa altura"},
              "apply_steps": {"en": "1. Apply online\n2. Pay the fee", "es": "Solicite en línea\nPague"},
              "processing_days": 5, "apply_url": "https://elm.example.gov/fence",
              "fees": [{"amount_cents": 5000, "currency": "USD",
                        "covers": {"en": "Permit and plan review", "es": "Permiso y revisión"}},
                       {"amount_cents": 2550, "currency": "USD",
                        "covers": {"en": "Final inspection", "es": "Inspección final"}}]}
    values.update(extra)
    return PermitGuide.objects.create(**_published(values))


def make_guide(service_type, jurisdiction, **extra) -> ServiceGuide:
    values = {"jurisdiction": jurisdiction, "covers": {"en": "Holes in city streets.", "es": "Hoyos en calles de la ciudad."},
              "not_covers": {"en": "Private driveways."}}
    values.update(extra)
    return ServiceGuide.objects.create(service_type=service_type, **_published(values))
