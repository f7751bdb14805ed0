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


def test_it_keeps_one_index_on_its_action_and_no_prefix_search_copy(db):
    # The admin filters the log by a whole action (the plain index serves it); nothing searches by a prefix, so
    # migration 0002 drops the varchar_pattern_ops copy Django makes on PostgreSQL (SQLite never makes one).
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
        on_action = [name for name, info in constraints.items() if info["index"] and info["columns"] == ["action"]]
        assert len(on_action) == 1, on_action
    if connection.vendor == "postgresql":
        from civicdesk.testing.databases import pattern_ops_indexes

        assert pattern_ops_indexes(AuditEntry._meta.db_table) == []
