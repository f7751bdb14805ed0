"""`manage.py generate_requests --clusters N`: known clusters on top of the ordinary requests, listed as JSON."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from civicdesk.servicerequests.models import ServiceRequest

pytestmark = pytest.mark.django_db


def test_it_injects_clusters_and_writes_them_to_a_file(world, tmp_path):
    target = tmp_path / "clusters.json"
    call_command("generate_requests", "300", "--seed", "3", "--clusters", "2", "--cluster-days", "5",
                 "--clusters-file", str(target), stdout=io.StringIO())
    clusters = json.loads(target.read_text())
    assert len(clusters) == 2
    assert ServiceRequest.objects.count() == 300 + sum(c["count"] for c in clusters)
    since = timezone.now() - dt.timedelta(days=5, minutes=5)
    for c in clusters:
        assert 10 <= c["count"] <= 18 and c["radius_m"] == 80
        near = ServiceRequest.objects.filter(service_type__code=c["service_code"], requested_at__gte=since,
                                             lat__range=(c["lat"] - 0.001, c["lat"] + 0.001),
                                             long__range=(c["long"] - 0.0015, c["long"] + 0.0015))
        assert near.count() >= c["count"]


def test_it_leaves_the_ordinary_requests_as_they_were(world):
    now = timezone.now().replace(microsecond=0)
    from civicdesk.datasets.generator import generate_requests

    generate_requests(200, seed=5, now=now)
    plain = list(ServiceRequest.objects.order_by("pk").values_list("public_id", "lat", "requested_at"))
    ServiceRequest.objects.all().delete()
    result = generate_requests(200, seed=5, now=now, clusters=1)
    with_clusters = list(ServiceRequest.objects.order_by("pk").values_list("public_id", "lat", "requested_at"))
    assert with_clusters[:200] == plain and len(with_clusters) == 200 + result.clusters[0]["count"]
