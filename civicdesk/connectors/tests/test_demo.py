"""The demo connector (connectors/demo.py): real files, a waiting retry, a stopped record, updates read back."""

from __future__ import annotations

from civicdesk.connectors.backends.csvfolder import resolve_folder
from civicdesk.connectors.demo import FOLDER, seed_riverbend
from civicdesk.connectors.models import Connector, SyncRecord
from civicdesk.testing.auth import login_verified

from .conftest import new_graffiti


def test_it_seeds_a_connector_with_something_real_on_every_page(world, settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    made = [new_graffiti(world, f"Tag number {n} on the underpass") for n in range(5)]
    world.bob.is_superuser = True
    world.bob.save()
    assert seed_riverbend(jurisdiction=world.elm, department=world.public_works, admin=world.bob) == (
        "1 connector, 5 requests forwarded")
    states = sorted(SyncRecord.objects.values_list("state", flat=True))
    assert states == ["retrying", "retrying", "sent", "sent", "stopped"]
    folder = resolve_folder(FOLDER)
    assert len(list((folder / "outbox").glob("new-*.csv"))) == 3
    assert (folder / "done" / "parks-updates-0001.csv").exists()
    assert (folder / "rejected" / "parks-updates-0002.csv.errors.txt").exists()
    assert "File exists" in SyncRecord.objects.filter(state="retrying").first().last_error
    assert any(r.status.code == "in_progress" for r in made if not r.refresh_from_db() and r.sync_records.exists())
    assert seed_riverbend(jurisdiction=world.elm, department=world.public_works, admin=world.bob) == "already there"
    login_verified(client, world.bob)
    assert Connector.objects.get().name.encode() in client.get("/staff/connectors/").content
    page = client.get("/staff/connectors/dead-letters/").content.decode()
    assert page.count('data-testid="record-') == 3
    edit = client.get(f"/staff/connectors/{Connector.objects.get().pk}/").content.decode()
    assert 'value="ASSIGNED"' in edit and 'value="COMPLETE"' in edit
    assert edit.count('<option value="both" selected>') == 1  # COMPLETE ↔ fixed both ways, as one line
