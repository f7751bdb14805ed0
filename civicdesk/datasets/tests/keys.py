"""A check for the bulk loaders' tests: every foreign key they wrote points at a stored row."""

from __future__ import annotations

from django.db import models

from civicdesk.datasets.models import ImportedRequest
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry


def dangling_keys() -> dict[str, set]:
    """{"Model.field": ids with no row} for every foreign key of the loaded tables; empty when all are valid."""
    dangling: dict[str, set] = {}
    for model in (ServiceRequest, TimelineEntry, ImportedRequest):
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            used = set(model._base_manager.exclude(**{field.attname: None}).values_list(field.attname, flat=True))
            found = set(field.related_model._base_manager.filter(pk__in=used).values_list("pk", flat=True))
            if used - found:
                dangling[f"{model.__name__}.{field.name}"] = used - found
    return dangling
