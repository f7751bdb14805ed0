"""An Atom feed of monthly performance reports, newest first, in the reader's language."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civicdesk.cities import city

from .models import MonthlyReport
from .services import notice_body

FEED_SIZE = 36


class ReportFeed(Feed):
    """Each published report: its title, headline numbers and a link to the page (the PDF is linked there)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("%(city)s performance reports") % {"city": city().name}

    def subtitle(self) -> str:
        return _("Monthly figures on how %(city)s answers residents' requests.") % {"city": city().name}

    def link(self) -> str:
        return reverse("reports:archive")

    def items(self):
        return (MonthlyReport.objects.filter(jurisdiction__is_active=True).select_related("jurisdiction")
                .order_by("-month", "jurisdiction__name")[:FEED_SIZE])

    def item_title(self, item: MonthlyReport) -> str:
        return item.title()

    def item_description(self, item: MonthlyReport) -> str:
        return notice_body(item, self.request.build_absolute_uri(item.get_absolute_url()))

    def item_pubdate(self, item: MonthlyReport):
        return item.generated_at

    def item_updateddate(self, item: MonthlyReport):
        return item.generated_at

    def item_categories(self, item: MonthlyReport):
        return [item.jurisdiction.name]

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None
