"""Deletes the sync job cannot see by itself: a deleted request, and a department or district whose deletion
clears the requests' reference without bumping their `updated_at`."""

from __future__ import annotations

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from civicdesk.jurisdictions.models import Department, District
from civicdesk.servicerequests.models import ServiceRequest

from . import rollups


@receiver(pre_delete, sender=ServiceRequest)
def request_deleted(sender, instance, **kwargs):
    rollups.forget([instance.pk])


@receiver(pre_delete, sender=Department)
def department_deleted(sender, instance, **kwargs):
    # The deletion sets their department to NULL (a real change to each request): mark them changed.
    ServiceRequest.objects.filter(department=instance).update(updated_at=timezone.now())


@receiver(pre_delete, sender=District)
def district_deleted(sender, instance, **kwargs):
    ServiceRequest.objects.filter(district=instance).update(updated_at=timezone.now())
