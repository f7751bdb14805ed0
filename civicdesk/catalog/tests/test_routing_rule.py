"""RoutingRule and route(): order, specificity, areas and the triage fallback."""

from __future__ import annotations

from civicdesk.catalog.models import RoutingRule
from civicdesk.catalog.services import route
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM, square


def decide(world, service_type, point):
    district = world.west if point == IN_WEST_ELM else world.east
    return route(jurisdiction=world.elm, service_type=service_type, lat=point[0], long=point[1],
                 district_id=district.pk)


def test_it_routes_by_district_to_a_team(world):
    decision = decide(world, world.garbage, IN_WEST_ELM)
    assert decision.department_id == world.sanitation.pk and decision.team_id == world.north_crew.pk
    assert "Sanitation / North crew by rule #" in decision.note


def test_it_falls_through_to_the_next_rule_outside_the_district(world):
    decision = decide(world, world.garbage, IN_EAST_ELM)
    assert decision.department_id == world.sanitation.pk and decision.team_id is None
    assert decision.rule.name == "Garbage"


def test_it_tries_rules_in_order(world):
    first = RoutingRule.objects.create(jurisdiction=world.elm, name="Everything to PW", department=world.public_works,
                                       order=1)
    assert decide(world, world.garbage, IN_WEST_ELM).rule == first


def test_it_prefers_the_more_specific_rule_at_equal_order(world):
    RoutingRule.objects.all().delete()
    RoutingRule.objects.create(jurisdiction=world.elm, name="any", department=world.public_works, order=5)
    typed = RoutingRule.objects.create(jurisdiction=world.elm, name="typed", department=world.sanitation, order=5)
    typed.service_types.add(world.garbage)
    area = RoutingRule.objects.create(jurisdiction=world.elm, name="area", department=world.sanitation, order=5,
                                      area=square(2.4, 2.9, 2.6, 3.1))
    assert decide(world, world.garbage, IN_WEST_ELM).rule == area
    assert decide(world, world.garbage, IN_EAST_ELM).rule == typed
    assert decide(world, world.pothole, IN_EAST_ELM).rule.name == "any"


def test_it_ignores_inactive_rules_and_other_jurisdictions(world):
    RoutingRule.objects.filter(jurisdiction=world.elm).update(is_active=False)
    decision = decide(world, world.garbage, IN_WEST_ELM)
    assert decision.rule is None and decision.department_id is None
    assert "triage" in decision.note


def test_it_refuses_a_department_of_another_jurisdiction(world):
    import pytest
    from django.core.exceptions import ValidationError

    rule = RoutingRule(jurisdiction=world.elm, department=world.roads)
    with pytest.raises(ValidationError, match="another jurisdiction"):
        rule.full_clean()
