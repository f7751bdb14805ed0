"""Routing: which department, team and person get a new request."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from .models import RoutingRule, ServiceType


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
    """
    rules = list(
        RoutingRule.objects.filter(jurisdiction=jurisdiction, is_active=True)
        .select_related("department", "team")
        .prefetch_related("service_types")
    )
    type_ids = {rule.pk: {t.pk for t in rule.service_types.all()} for rule in rules}
    rules.sort(key=lambda r: (r.order, -r.specificity(type_ids[r.pk]), r.pk))
    for rule in rules:
        if rule.matches(lat=lat, long=long, service_type=service_type, district_id=district_id,
                        type_ids=type_ids[rule.pk]):
            return RouteDecision(rule, rule.department_id, rule.team_id, rule.assignee_id,
                                 gettext("Routed to %s") % rule.describe())
    return RouteDecision(None, None, None, None, gettext("No routing rule matched: sent to the triage queue"))
