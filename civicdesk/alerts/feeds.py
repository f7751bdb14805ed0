"""RSS and Atom feeds of new and closed public requests in an area (the queries area alerts use)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from civicdesk.lib import geo
from civicdesk.servicerequests.models import ServiceRequest

from .forms import FeedQuery

#: Items per feed; a reader polls for what is new, it does not page back.
FEED_ITEMS = 50
#: Candidate rows read from the bounding box before the exact distance check drops the corners.
CANDIDATES = 200


@dataclass
class FeedItem:
    event: str  # "new" or "closed"
    request: ServiceRequest

    @property
    def when(self):
        return self.request.requested_at if self.event == "new" else self.request.closed_at


def feed_items(query: dict) -> list[FeedItem]:
    """The newest FEED_ITEMS events for a validated FeedQuery's cleaned data, newest first (two queries at most).

    A request is in a circle when its public point (snapped for sensitive types) is."""
    requests = ServiceRequest.objects.public().select_related("service_type", "status")
    district = query.get("district_obj")
    if district is not None:
        requests = requests.filter(district=district)
    else:
        requests = requests.near_public(query["lat"], query["long"], query["radius"])
    if query.get("service_code"):
        requests = requests.filter(service_type__code__in=query["service_code"])

    def inside(request: ServiceRequest) -> bool:
        # The public point: a sensitive request is in the circle when its snapped point is.
        return district is not None or geo.distance_m(query["lat"], query["long"],
                                                      *request.public_point()) <= query["radius"]

    items: list[FeedItem] = []
    if query.get("events") in ("", "new", None):
        newest = requests.order_by("-requested_at", "-id")[:CANDIDATES]
        items += [FeedItem("new", r) for r in newest if inside(r)][:FEED_ITEMS]
    if query.get("events") in ("", "closed", None):
        closed = requests.filter(is_open=False, closed_at__isnull=False).order_by("-closed_at", "-id")[:CANDIDATES]
        items += [FeedItem("closed", r) for r in closed if inside(r)][:FEED_ITEMS]
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:FEED_ITEMS]


class AreaFeed(Feed):
    """New and closed public requests in an area. Built per call with the validated query."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, query=None):
        return query

    def title(self, query):
        if query.get("district_obj") is not None:
            return _("Requests in %(district)s") % {"district": query["district_obj"].name}
        return _("Requests within %(radius)s m of %(lat).5f, %(long).5f") % query

    def link(self, query):
        return reverse("alerts:subscribe")

    def description(self, query):
        return _("New and closed public service requests in this area.")

    def items(self, query):
        return feed_items(query)

    def item_title(self, item: FeedItem):
        place = item.request.public_address() or _("map location")
        if item.event == "new":
            return _("New: %(service)s at %(place)s") % {"service": item.request.service_type.name, "place": place}
        return _("Closed: %(service)s at %(place)s") % {"service": item.request.service_type.name, "place": place}

    def item_description(self, item: FeedItem):
        return item.request.public_description()[:500]

    def item_link(self, item: FeedItem):
        return item.request.get_absolute_url()

    def item_guid(self, item: FeedItem):
        return f"{item.request.public_id}:{item.event}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem):
        return item.when

    def item_updateddate(self, item: FeedItem):
        return item.when

    def item_categories(self, item: FeedItem):
        return [item.request.service_type.code]


class AreaAtomFeed(AreaFeed):
    feed_type = Atom1Feed
    subtitle = AreaFeed.description


def _serve(feed: AreaFeed, request):
    form = FeedQuery(request.GET)
    if not form.is_valid():
        lines = [f"{name}: {message}" if name != "__all__" else str(message)
                 for name, messages in form.errors.items() for message in messages]
        return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    return feed(request, query=form.cleaned_data)


def rss(request):
    """/alerts/feed.rss?lat=..&long=..&radius=.. or ?district=<id>; service_code (repeatable), events."""
    return _serve(AreaFeed(), request)


def atom(request):
    """The same as rss(), as Atom."""
    return _serve(AreaAtomFeed(), request)
