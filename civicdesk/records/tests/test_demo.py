"""The demo records type and requests: the public log shows every outcome, with public documents."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.records.demo import REQUESTS, seed
from civicdesk.records.models import ExemptionReason, RecordsRequest


def test_it_seeds_a_log_with_every_outcome(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert seed(world.elm, department=world.public_works, user=world.bob, requester=world.alice).endswith(
        f"{len(REQUESTS)} requests")
    assert ExemptionReason.objects.filter(jurisdiction=world.elm).count() == 5
    assert set(RecordsRequest.objects.values_list("outcome", flat=True)) == {
        "granted", "partial", "denied", "no_records", ""}
    page = client.get(reverse("records:log")).content.decode()
    assert "Contracts for road resurfacing" in page and "Granted in part" in page and world.alice.email not in page
    partial = RecordsRequest.objects.get(outcome="partial")
    entry = client.get(partial.get_absolute_url()).content.decode()
    assert "inspection-notes.pdf" in entry and "Unwarranted invasion of personal privacy" in entry
