"""An Atom feed of published notices, newest first, in the reader's language."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civicdesk.cities import city

from .models import ServiceNotice
from .templatetags.notices import notice_dates

FEED_SIZE = 50


class NoticeFeed(Feed):
    """Published notices that have started (scheduled ones appear once they begin), newest first."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("%(city)s service notices") % {"city": city().name}

    def subtitle(self) -> str:
        return _("Service disruptions and news from %(city)s.") % {"city": city().name}

    def link(self) -> str:
        return reverse("notices:list")

    def items(self):
        return (ServiceNotice.objects.published().filter(starts_at__lte=timezone.now())
                .select_related("jurisdiction").order_by("-published_at", "-id")[:FEED_SIZE])

    def item_title(self, item: ServiceNotice) -> str:
        return f"{item.get_severity_display()}: {item.title}" if item.kind == item.Kind.DISRUPTION else item.title

    def item_description(self, item: ServiceNotice) -> str:
        return f"{item.body}\n\n{notice_dates(item)}"

    def item_pubdate(self, item: ServiceNotice):
        return item.published_at

    def item_updateddate(self, item: ServiceNotice):
        return item.updated_at

    def item_categories(self, item: ServiceNotice):
        return [item.get_kind_display(), item.jurisdiction.name]
