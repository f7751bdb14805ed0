"""Routing: which department, team and person get a new request."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from civicdesk.lib import config_cache

from .models import AttributeValue, RoutingRule, ServiceAttribute, ServiceType, Status

# Submissions read these on every call; civicdesk/lib/config_cache.py keeps them per process.
config_cache.clear_on_change(RoutingRule, ServiceType, ServiceAttribute, AttributeValue, Status)


@dataclass
class RouteDecision:
    """The outcome of routing; `rule` is None when the request goes to triage."""

    rule: RoutingRule | None
    department_id: int | None
    team_id: int | None
    assignee_id: int | None
    note: str


def route(*, jurisdiction, service_type: ServiceType, lat: float, long: float, district_id: int | None) -> RouteDecision:
    """Pick the first matching active rule of the jurisdiction (by order, then specificity).

    With no match the request lands in the jurisdiction's triage queue (no department).
    The jurisdiction's rules are cached per process (config_cache).
    """
    rules, type_ids = config_cache.cached(("routing_rules", jurisdiction.pk), lambda: _active_rules(jurisdiction))
    for rule in rules:
        if rule.matches(lat=lat, long=long, service_type=service_type, district_id=district_id,
                        type_ids=type_ids[rule.pk]):
            return RouteDecision(rule, rule.department_id, rule.team_id, rule.assignee_id,
                                 gettext("Routed to %s") % rule.describe())
    return RouteDecision(None, None, None, None, gettext("No routing rule matched: sent to the triage queue"))


def _active_rules(jurisdiction) -> tuple[list[RoutingRule], dict[int, set[int]]]:
    """The jurisdiction's active rules in the order they are tried, and each rule's service type ids."""
    rules = list(
        RoutingRule.objects.filter(jurisdiction=jurisdiction, is_active=True)
        .select_related("department", "team")
        .prefetch_related("service_types")
    )
    type_ids = {rule.pk: {t.pk for t in rule.service_types.all()} for rule in rules}
    rules.sort(key=lambda r: (r.order, -r.specificity(type_ids[r.pk]), r.pk))
    return rules, type_ids


def initial_status() -> Status:
    """Status.initial(), cached per process (config_cache)."""
    return config_cache.cached(("status", "initial"), Status.initial)


def jurisdiction_ids(service_type: ServiceType) -> frozenset[int]:
    """Ids of the jurisdictions that handle `service_type`; empty means every one. Cached per process."""
    return config_cache.cached(("type_jurisdictions", service_type.pk),
                               lambda: frozenset(service_type.jurisdictions.values_list("id", flat=True)))


def questions(service_type: ServiceType) -> list[ServiceAttribute]:
    """The type's questions (attributes, with their choices prefetched), in their order. Cached per process."""
    return config_cache.cached(("questions", service_type.pk),
                               lambda: list(service_type.attributes.prefetch_related("values")))
