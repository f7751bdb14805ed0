from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "civicdesk.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from civicdesk.core import schedule

        # Catches what no save signal announces: scheduled content whose time came, bulk updates, a lost task.
        schedule.register("search.sync", "civicdesk.search.tasks.sync_search_index", every=timedelta(minutes=5))
        # Searches without results are kept 180 days (docs/search.md).
        schedule.register("search.prune_misses", "civicdesk.search.tasks.prune_search_misses", daily_at="03:40")
