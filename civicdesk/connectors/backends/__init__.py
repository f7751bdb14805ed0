"""The connector backends, one module per kind, behind the interface of base.py."""

from __future__ import annotations

from django.utils.module_loading import import_string

#: Connector.kind -> dotted path of its backend class.
BACKENDS = {
    "open311": "civicdesk.connectors.backends.open311.Open311Backend",
    "webhook": "civicdesk.connectors.backends.webhook.WebhookBackend",
    "csv": "civicdesk.connectors.backends.csvfolder.CsvFolderBackend",
}


def backend_for(connector):
    """The backend object for `connector` (a new one each call; backends hold no state between calls)."""
    return import_string(BACKENDS[connector.kind])(connector)
