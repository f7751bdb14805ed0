"""Connectors of the shared world used by several test files."""

from __future__ import annotations

import pytest

from civicdesk.connectors.models import Connector, StatusMapping
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture
def csv_connector(world, settings, tmp_path):
    """A CSV folder connector of the Town of Elm (folder under a fresh var dir), with a small status table."""
    settings.VAR_DIR = tmp_path
    connector = Connector.objects.create(jurisdiction=world.elm, name="Works batch", kind=Connector.Kind.CSV,
                                         folder="works-batch")
    for external, ours in (("IN PROGRESS", "in_progress"), ("DONE", "fixed")):
        StatusMapping.objects.create(connector=connector, direction="in", external=external,
                                     status=world.statuses[ours])
    StatusMapping.objects.create(connector=connector, direction="out", external="CLOSED",
                                 status=world.statuses["fixed"])
    return connector


def new_graffiti(world, text: str = "Tag on the library wall"):
    return submit_request(service_type=world.graffiti, description=text, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
