"""`manage.py import_config_csv`: statuses and routing rules from CSV, through the configuration diff."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from civicdesk.catalog.models import RoutingRule, Status
from civicdesk.cityconfig.tables import template


def run(tmp_path, kind, text, *args):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_config_csv", kind, str(path), "--jurisdiction", "elm", *args, stdout=out)
    return out.getvalue()


def test_it_replaces_the_routing_rules_of_the_jurisdiction(world, tmp_path):
    text = ("order,name,service_codes,district,department,team,is_active\n"
            "5,Potholes west,pothole,west,public-works,,yes\n"
            "20,Garbage,missed-collection,,sanitation,North crew,yes\n")
    out = run(tmp_path, "routing_rules", text, "--dry-run")
    assert "+ Routing rule 5 · Potholes west" in out and "- Routing rule 20 · Streets" in out
    assert RoutingRule.objects.filter(jurisdiction=world.elm).count() == 3
    run(tmp_path, "routing_rules", text)
    rules = RoutingRule.objects.filter(jurisdiction=world.elm).order_by("order")
    assert [(r.name, r.district and r.district.slug, r.team and r.team.name) for r in rules] == [
        ("Potholes west", "west", None), ("Garbage", None, "North crew")]
    assert RoutingRule.objects.filter(jurisdiction=world.county).count() == 1  # other jurisdictions untouched


def test_it_refuses_a_rule_for_an_unknown_department(world, tmp_path):
    with pytest.raises(CommandError, match="sends requests to the department “parks”, which is not in the file"):
        run(tmp_path, "routing_rules", "order,department\n1,parks\n")
    assert RoutingRule.objects.filter(jurisdiction=world.elm).count() == 3


def test_it_adds_a_status_and_its_transitions(world, tmp_path):
    rows = [f"{s.code},{s.name},{s.kind},{'yes' if s.is_initial else 'no'},{s.order},"
            f"{'|'.join(s.allowed_next.values_list('code', flat=True))}" for s in Status.objects.all()]
    rows.append("on_hold,On hold,open,no,99,fixed")
    text = template("statuses").splitlines()[0] + "\n" + "\n".join(rows) + "\n"
    out = run(tmp_path, "statuses", text)
    assert "+ Status on_hold" in out
    assert list(Status.objects.get(code="on_hold").allowed_next.values_list("code", flat=True)) == ["fixed"]


def test_it_says_which_row_is_wrong(world, tmp_path):
    with pytest.raises(CommandError, match="Row 2: kind must be open or closed, not “maybe”"):
        run(tmp_path, "statuses", "code,name,kind\nlimbo,Limbo,maybe\n")
