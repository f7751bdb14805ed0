"""Several workers syncing while staff change requests: the roll-ups still equal a full recomputation."""

from __future__ import annotations

import random
import threading

from django.db import close_old_connections, connections

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM
from civicdesk.transparency import rollups

from .helpers import expected_counts, stored_counts


def in_thread(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_it_stays_exact_with_two_syncs_running_beside_writers(tworld):
    for where in (IN_WEST_ELM, IN_EAST_ELM) * 4:
        services.submit_request(service_type=tworld.graffiti, lat=where[0], long=where[1])
    rollups.sync_rollups()
    pks = list(ServiceRequest.objects.values_list("pk", flat=True))
    statuses = [tworld.statuses[code] for code in ("fixed", "in_progress", "acknowledged", "cancelled")]
    stop = threading.Event()

    def writer(seed: int):
        rng = random.Random(seed)
        for _ in range(12):
            request = ServiceRequest.objects.get(pk=rng.choice(pks))
            target = rng.choice([s for s in statuses if s.pk != request.status_id])
            services.transition(request, target, force=True)
            if rng.random() < 0.3:
                services.submit_request(service_type=tworld.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
        stop.set()

    def syncer():
        while not stop.is_set():
            rollups.sync_rollups()

    errors: list = []
    threads = [in_thread(lambda: writer(1), errors), in_thread(syncer, errors), in_thread(syncer, errors)]
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    assert not errors, errors
    rollups.sync_rollups()
    assert stored_counts() == expected_counts()
