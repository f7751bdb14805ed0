"""Open311 GeoReport v2 under /open311/v2/: every resource as `<name>.<format>` (xml or json).

The same resources are served again under /open311/v2/j/<jurisdiction slug>/, where jurisdiction_id is implied
(docs/open311.md "One base URL per jurisdiction"): the views read the slug in one place, views._jurisdiction_id().
"""

from django.urls import include, re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>[^/.]+)$"
resources = [
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<public_id>[^/]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.request_updates, name="updates"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
urlpatterns = [
    re_path(r"^j/(?P<jurisdiction_slug>[-a-zA-Z0-9_]+)/", include(resources)),
    *resources,
]
