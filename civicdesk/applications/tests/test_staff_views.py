"""The reviewers' side: queues by step, reviewer and due date (overdue), the checklist, steps across
departments, internal notes, assignment, requests for more information, the fee and the decision; every write
audit-logged."""

from __future__ import annotations

import functools

from django.urls import reverse

from civicdesk.applications import queues, services, staff_views
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.models import Application, Permit
from civicdesk.audit.models import AuditEntry
from civicdesk.staff.services import format_count
from civicdesk.testing.auth import login_verified

from .helpers import local, tick_all


def test_it_lists_the_queues_with_counts_and_overdue(client, fence, world, seats, django_assert_max_num_queries):
    old = submitted_fence(fence, world.alice, now=local(2025, 1, 6))
    fresh = submitted_fence(fence, world.alice)
    waiting = submitted_fence(fence, world.alice)
    services.request_information(waiting, user=seats.admin, message="More please.")
    login_verified(client, seats.admin)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("applications_staff:queues"))
    body = page.content.decode()
    assert page.status_code == 200 and old.number in body and fresh.number in body
    assert 'data-testid="count-active">3<' in body and 'data-testid="count-intake">3<' in body
    assert 'data-testid="count-overdue">1<' in body and 'data-testid="count-info_requested">1<' in body
    overdue = client.get(reverse("applications_staff:queues") + "?queue=overdue").content.decode()
    assert old.number in overdue and fresh.number not in overdue
    waiting_only = client.get(reverse("applications_staff:queues") + "?queue=active&step=info_requested").content.decode()
    assert waiting.number in waiting_only and fresh.number not in waiting_only


def test_it_walks_an_application_through_its_steps_to_a_decision(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    # Intake sits with the town's administrators: Public Works does not see it yet.
    login_verified(client, world.bob)
    assert client.get(application.get_staff_url()).status_code == 404
    login_verified(client, seats.admin)
    url = application.get_staff_url()
    refused = client.post(reverse("applications_staff:complete_step", args=[application.pk]), follow=True)
    assert "Tick every item of the checklist first." in refused.content.decode()
    for item in (0, 1):
        client.post(reverse("applications_staff:check", args=[application.pk]), {"item": item, "done": "1"})
    client.post(reverse("applications_staff:complete_step", args=[application.pk]))
    application.refresh_from_db()
    assert application.step.department == world.public_works and application.status == "in_review"
    # Now bob (Public Works) reaches it; carol (Sanitation) does not until the right-of-way review.
    login_verified(client, world.bob)
    assert client.get(url).status_code == 200
    client.post(reverse("applications_staff:note", args=[application.pk]), {"message": "Checked the zoning map."})
    tick_all(application, world.bob)
    client.post(reverse("applications_staff:complete_step", args=[application.pk]))
    application.refresh_from_db()
    assert application.department == world.sanitation
    login_verified(client, world.carol)
    tick_all(application, world.carol)
    client.post(reverse("applications_staff:complete_step", args=[application.pk]))
    application.refresh_from_db()
    assert application.step.kind == "decision" and application.department == world.public_works
    # Bob is staff: the type says a supervisor decides.
    login_verified(client, world.bob)
    decide = reverse("applications_staff:decide", args=[application.pk])
    assert client.post(decide, {"outcome": "approve", "reasons": "Fine."}).status_code == 403
    login_verified(client, seats.supervisor)
    refused = client.post(decide, {"outcome": "approve", "reasons": "Meets the code."}, follow=True)
    assert "Record the fee as received before approving." in refused.content.decode()
    client.post(reverse("applications_staff:fee_received", args=[application.pk]))
    client.post(decide, {"outcome": "approve", "reasons": "Meets the code."})
    application.refresh_from_db()
    assert application.status == "approved" and Permit.objects.filter(application=application).exists()
    actions = set(AuditEntry.objects.filter(object_id=str(application.pk)).values_list("action", flat=True))
    assert {"application.checklist", "application.step_completed", "application.note_added",
            "application.fee_received", "application.approved"} <= actions
    assert application.events.filter(kind="note", internal=True).exists()


def test_it_assigns_across_departments_and_the_old_department_loses_sight(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    login_verified(client, seats.admin)
    response = client.post(reverse("applications_staff:assign", args=[application.pk]),
                           {"department": world.sanitation.pk, "assignee": world.carol.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.department == world.sanitation and application.assignee == world.carol
    assert AuditEntry.objects.filter(action="application.assigned", object_id=str(application.pk)).exists()
    login_verified(client, world.carol)
    assert application.number in client.get(reverse("applications_staff:queues") + "?queue=mine").content.decode()
    login_verified(client, world.bob)
    assert client.get(application.get_staff_url()).status_code == 404
    # Staff may not reassign (a supervisor's call).
    login_verified(client, world.carol)
    assert client.post(reverse("applications_staff:assign", args=[application.pk]),
                       {"department": world.public_works.pk}).status_code == 403


def test_it_asks_for_more_information_and_tells_the_applicant(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    login_verified(client, seats.admin)
    client.post(reverse("applications_staff:request_info", args=[application.pk]), {"message": "Show the gate."})
    application.refresh_from_db()
    assert application.status == Application.Status.INFO_REQUESTED and application.paused_since is not None
    assert application.events.filter(kind="info_requested", internal=False, message="Show the gate.").exists()
    twice = client.post(reverse("applications_staff:request_info", args=[application.pk]), {"message": "Again"},
                        follow=True)
    assert "already waiting" in twice.content.decode()


def test_it_denies_with_reasons(fence, world, seats):
    application = submitted_fence(fence, world.alice)
    Application.objects.filter(pk=application.pk).update(step=fence.ordered_steps()[-1])
    application.refresh_from_db()
    services.decide(application, user=seats.supervisor, approve=False, reasons="Too close to the road.")
    application.refresh_from_db()
    assert application.status == "denied" and application.decision_reasons == "Too close to the road."
    assert not Permit.objects.filter(application=application).exists()


def test_it_bounds_the_queue_counts(client, fence, world, seats, monkeypatch):
    for _ in range(3):
        submitted_fence(fence, world.alice)
    monkeypatch.setattr(queues.bounded_counts, "__defaults__", (2,))
    monkeypatch.setattr(staff_views, "format_count", functools.partial(format_count, limit=2))
    login_verified(client, seats.admin)
    body = client.get(reverse("applications_staff:queues")).content.decode()
    assert 'data-testid="count-active">1+<' in body and 'data-testid="count-decided">0<' in body
