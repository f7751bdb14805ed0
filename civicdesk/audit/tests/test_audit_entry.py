"""AuditEntry: an append-only record of who changed what."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry


def test_it_records_the_actor_object_and_details(world):
    entry = world.pothole.log_action("servicetype.changed", user=world.bob, data={"fields": ["name"]})
    assert entry.actor == world.bob and entry.object_type == "catalog.servicetype"
    assert entry.object_id == str(world.pothole.pk) and entry.data == {"fields": ["name"]}
    assert list(world.pothole.audit_entries()) == [entry]


def test_it_records_the_system_when_nobody_is_signed_in(world):
    from django.contrib.auth.models import AnonymousUser

    assert world.pothole.log_action("x.y", user=AnonymousUser()).actor is None


def test_it_cannot_be_changed_or_deleted(world):
    entry = world.elm.log_action("jurisdiction.changed", user=world.bob)
    entry.action = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "jurisdiction.changed"


def test_it_files_entries_under_the_objects_jurisdiction(world):
    assert world.public_works.log_action("department.changed").jurisdiction_id == world.elm.pk
    assert world.elm.log_action("jurisdiction.changed").jurisdiction_id == world.elm.pk
