"""The configuration pages: export, upload, the diff and applying it; administrators only."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.cityconfig.configfile import export_config
from civicdesk.cityconfig.models import PendingConfigImport
from civicdesk.testing.auth import login_verified

from .helpers import signed_in_admin


def upload(client, doc, name="elm.json"):
    return client.post(reverse("cityconfig:home"), {
        "file": SimpleUploadedFile(name, json.dumps(doc).encode(), content_type="application/json")})


def test_it_refuses_staff_who_do_not_administer_a_jurisdiction(client, world):
    login_verified(client, world.bob)
    assert client.get(reverse("cityconfig:home")).status_code == 403
    assert client.get(reverse("cityconfig:export", args=["elm"])).status_code == 403


def test_it_downloads_the_configuration_of_a_jurisdiction_the_admin_runs(client, world):
    signed_in_admin(client, world)
    page = client.get(reverse("cityconfig:home"))
    assert page.status_code == 200 and reverse("cityconfig:export", args=["elm"]).encode() in page.content
    assert reverse("cityconfig:export", args=["maple"]).encode() not in page.content
    response = client.get(reverse("cityconfig:export", args=["elm"]))
    assert response["Content-Disposition"].startswith('attachment; filename="elm-config-')
    assert json.loads(response.content) == export_config(world.elm)
    assert client.get(reverse("cityconfig:export", args=["maple"])).status_code == 403


def test_it_shows_the_diff_and_applies_it_on_request(client, world, django_assert_max_num_queries):
    admin = signed_in_admin(client, world)
    doc = export_config(world.elm)
    doc["jurisdiction"]["phone"] = "(555) 010-7777"
    doc["departments"][0]["name"]["en"] = "<script>alert('zanzibarcanary')</script>"
    response = upload(client, doc)
    pending = PendingConfigImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cityconfig:review_import",
                                                                             args=[pending.pk])
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "<del>555-0100</del> → <ins>(555) 010-7777</ins>" in text
    assert "&lt;script&gt;alert(" in text and "<script>alert('zanzibarcanary')" not in text
    world.elm.refresh_from_db()
    assert world.elm.phone == "555-0100"  # nothing is applied by looking
    applied = client.post(reverse("cityconfig:apply_import", args=[pending.pk]))
    assert applied.status_code == 302
    world.elm.refresh_from_db()
    assert world.elm.phone == "(555) 010-7777"
    assert AuditEntry.objects.filter(action="cityconfig.changed", actor=admin).count() == 2
    # A file applied once is not applied again.
    assert client.post(reverse("cityconfig:apply_import", args=[pending.pk])).status_code == 404


def test_it_refuses_a_file_for_a_jurisdiction_the_admin_does_not_run(client, world):
    signed_in_admin(client, world)
    response = upload(client, export_config(world.county))
    assert response.status_code == 400
    assert "You do not administer the jurisdiction “maple”" in response.content.decode()
    assert not PendingConfigImport.objects.exists()


def test_it_lists_the_problems_of_a_broken_file_in_plain_words(client, world):
    signed_in_admin(client, world)
    doc = export_config(world.elm)
    doc["routing_rules"][0]["department"] = "parks"
    response = upload(client, doc)
    assert response.status_code == 400
    assert "sends requests to the department “parks”, which is not in the file" in response.content.decode()
    doc["version"] = 2
    assert "reads version 1 only" in upload(client, doc).content.decode()


def test_it_does_not_show_another_admins_upload(client, world):
    signed_in_admin(client, world)
    upload(client, export_config(world.elm))
    pending = PendingConfigImport.objects.get()
    world.dave.memberships.update(role="admin")
    login_verified(client, world.dave)
    assert client.get(reverse("cityconfig:review_import", args=[pending.pk])).status_code == 404


def test_it_turns_a_routing_rules_csv_into_a_diff_to_review(client, world):
    signed_in_admin(client, world)
    template = client.get(reverse("cityconfig:table_template", args=["routing_rules"]))
    assert template.content.decode().startswith("order,name,service_codes,district,department,team,is_active")
    response = client.post(reverse("cityconfig:upload_table"), {
        "kind": "routing_rules", "jurisdiction": world.elm.pk,
        "file": SimpleUploadedFile("rules.csv", b"order,name,department\n1,Everything,public-works\n")})
    pending = PendingConfigImport.objects.get()
    assert response["Location"] == reverse("cityconfig:review_import", args=[pending.pk])
    text = client.get(response["Location"]).content.decode()
    assert "1 · Everything" in text and "20 · Streets" in text and "removed" in text
