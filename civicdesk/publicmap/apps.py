from django.apps import AppConfig


class PublicMapConfig(AppConfig):
    name = "civicdesk.publicmap"
    label = "publicmap"
    verbose_name = "Public map of requests"

    def ready(self) -> None:
        from civicdesk.transparency import rollups

        from .rollup import MapRollup

        # The map's per-cell roll-up is kept by the dashboards' every-minute sync job, its delete receiver
        # and `manage.py rebuild_rollups` (see rollup.py).
        rollups.follow(MapRollup())
