"""transition(): every status move follows the configured lifecycle and leaves a trail."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import Status
import importlib
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.notifications.models import Delivery


@pytest.fixture
def request_(world):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])


def test_it_moves_along_an_allowed_transition_with_a_public_message(world, request_):
    entry = services.transition(request_, world.statuses["in_progress"], user=world.bob, message="Crew on the way")
    request_.refresh_from_db()
    assert request_.status.code == "in_progress" and request_.is_open
    assert entry.is_public and entry.message == "Crew on the way" and entry.author == world.bob
    assert entry.status_from.code == "submitted"


def test_it_closes_and_sets_the_closed_time(world, request_):
    services.transition(request_, world.statuses["fixed"], user=world.bob, message="Painted over")
    request_.refresh_from_db()
    assert not request_.is_open and request_.closed_at is not None


def test_it_reopens_as_a_transition_and_clears_the_closed_time(world, request_):
    services.transition(request_, world.statuses["fixed"], user=world.bob)
    services.transition(request_, world.statuses["investigating"], user=world.bob, message="It is back")
    request_.refresh_from_db()
    assert request_.is_open and request_.closed_at is None
    assert AuditEntry.objects.filter(action="servicerequest.reopened", object_id=str(request_.pk)).exists()


def test_it_refuses_a_move_the_lifecycle_does_not_allow(world, request_):
    with pytest.raises(services.TransitionNotAllowed):
        services.transition(request_, world.statuses["submitted"], user=world.bob)
    services.transition(request_, world.statuses["fixed"], user=world.bob)
    with pytest.raises(services.TransitionNotAllowed):
        services.transition(request_, world.statuses["duplicate"], user=world.bob)
    request_.refresh_from_db()
    assert request_.status.code == "fixed"


def test_it_refuses_a_move_to_the_same_status(world, request_):
    with pytest.raises(services.TransitionNotAllowed):
        services.transition(request_, world.statuses["submitted"], user=world.bob)


defaults = importlib.import_module("civicdesk.catalog.migrations.0002_default_statuses")


def every_pair():
    """(source, target, allowed) for every ordered pair of default statuses."""
    codes = [c for c, *_ in defaults.OPEN] + [c for c, *_ in defaults.CLOSED]
    closed = {c for c, *_ in defaults.CLOSED}
    for source in codes:
        allowed = set(defaults.REOPEN_TO) if source in closed else set(defaults.OPEN_MOVES[source]) | closed
        for target in codes:
            if target != source:
                yield source, target, target in allowed


@pytest.mark.parametrize("source,target,allowed", list(every_pair()))
def test_it_follows_every_rule_of_the_default_lifecycle(world, request_, source, target, allowed):
    if source != "submitted":
        services.transition(request_, world.statuses[source], force=True)
    if allowed:
        services.transition(request_, world.statuses[target], user=world.bob)
        request_.refresh_from_db()
        assert request_.status.code == target
        assert request_.is_open == (world.statuses[target].kind == Status.Kind.OPEN)
    else:
        with pytest.raises(services.TransitionNotAllowed):
            services.transition(request_, world.statuses[target], user=world.bob)


def test_it_keeps_internal_status_notes_off_the_public_timeline(world, request_):
    services.transition(request_, world.statuses["investigating"], user=world.bob, message="inspector Tue",
                        public=False)
    assert not request_.public_timeline().filter(message="inspector Tue").exists()


def test_it_audits_and_queues_a_notification(world):
    request_ = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                       contact_email="zed@example.org")
    entry = services.transition(request_, world.statuses["acknowledged"], user=world.bob)
    audit = AuditEntry.objects.get(action="servicerequest.status_changed", object_id=str(request_.pk))
    assert audit.actor == world.bob and audit.data["to"] == "acknowledged"
    assert Delivery.objects.filter(event="request.status_changed", key=f"timeline:{entry.pk}",
                                   address="zed@example.org").exists()


def test_it_assigns_with_an_internal_timeline_entry(world):
    request_ = services.submit_request(service_type=world.garbage, lat=3.0, long=2.5,
                                       contact_email="x@example.org")
    entry = services.assign(request_, user=world.carol, assignee=world.carol, team=world.north_crew)
    request_.refresh_from_db()
    assert request_.assignee == world.carol and request_.team == world.north_crew
    assert entry.kind == TimelineEntry.Kind.ASSIGNED and not entry.is_public
    assert AuditEntry.objects.filter(action="servicerequest.assigned", actor=world.carol).exists()


def test_it_refuses_a_team_of_another_department(world, request_):
    with pytest.raises(services.RequestRejected):
        services.assign(request_, user=world.bob, team=world.north_crew)
