"""Reading another system's catalogue in the staff console and reviewing its mapping before anything is saved."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import RoutingRule, ServiceType
from civicdesk.cityconfig.catalogue_import import csv_template
from civicdesk.cityconfig.models import CatalogueSource

from .helpers import signed_in_admin

CSV = ("service_code,service_name,description,group,department,keywords,sla_hours,question_code,question,datatype,"
       "required,choices\n"
       "HOLE,Pothole,,Roads,,,,,,,,\n"
       "TREE,Fallen tree,A tree across the road,Parks,,\"branch, storm\",24,size,How big?,singlevaluelist,yes,"
       "\"small=Small|large=Large\"\n"
       "TREE,Fallen tree,,,,,,blocking,Is the road blocked?,string,no,\n")


def read_csv(client, world, body=CSV):
    return client.post(reverse("cityconfig:new_source"), {
        "jurisdiction": world.elm.pk, "name": "old-311",
        "csv_file": SimpleUploadedFile("catalogue.csv", body.encode(), content_type="text/csv")})


def rows(source):
    return {m.incoming_code: m for m in source.mappings.all()}


def test_it_offers_the_csv_template_with_every_documented_column(client, world):
    signed_in_admin(client, world)
    response = client.get(reverse("cityconfig:csv_template"))
    assert response.content.decode() == csv_template()
    assert response.content.decode().splitlines()[0].startswith("service_code,service_name,description,group")


def test_it_proposes_a_mapping_and_changes_no_catalogue_before_review(client, world):
    signed_in_admin(client, world)
    types_before = ServiceType.objects.count()
    response = read_csv(client, world)
    source = CatalogueSource.objects.get(name="old-311")
    assert response["Location"] == reverse("cityconfig:mapping", args=[source.pk])
    assert ServiceType.objects.count() == types_before
    proposed = rows(source)
    assert proposed["HOLE"].action == "existing" and proposed["HOLE"].service_type == world.pothole
    assert proposed["TREE"].action == "new" and proposed["TREE"].new_code == "tree"
    assert [a["code"] for a in proposed["TREE"].attributes] == ["size", "blocking"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Fallen tree" in page.content.decode()


def test_it_asks_for_a_department_before_applying_a_new_type(client, world):
    signed_in_admin(client, world)
    read_csv(client, world)
    source = CatalogueSource.objects.get(name="old-311")
    proposed = rows(source)
    form = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2"}
    ordered = list(source.mappings.all())
    for n, mapping in enumerate(ordered):
        form.update({f"form-{n}-id": mapping.pk, f"form-{n}-action": mapping.action,
                     f"form-{n}-service_type": mapping.service_type_id or "", f"form-{n}-new_code": mapping.new_code,
                     f"form-{n}-department": ""})
    refused = client.post(reverse("cityconfig:mapping", args=[source.pk]), {**form, "apply": "1"})
    assert refused.status_code == 400
    assert "Choose the department that works these requests." in refused.content.decode()
    assert not ServiceType.objects.filter(code="fallen-tree").exists()
    tree = ordered.index(proposed["TREE"])
    form[f"form-{tree}-new_code"] = "fallen-tree"
    form[f"form-{tree}-department"] = world.public_works.pk
    applied = client.post(reverse("cityconfig:mapping", args=[source.pk]), {**form, "apply": "1"})
    assert applied.status_code == 302
    tree_type = ServiceType.objects.get(code="fallen-tree")
    assert tree_type.sla_hours == 24 and tree_type.attributes.count() == 2
    assert list(tree_type.attributes.get(code="size").values.values_list("key", flat=True)) == ["small", "large"]
    assert RoutingRule.objects.filter(service_types=tree_type, department=world.public_works).exists()
    assert AuditEntry.objects.filter(action="cityconfig.mapping_edited").exists()
    assert AuditEntry.objects.filter(action="cityconfig.mapping_applied").exists()
    csv_text = client.get(reverse("cityconfig:mapping_csv", args=[source.pk])).content.decode()
    assert csv_text.splitlines() == ["source,service_code", "TREE,fallen-tree", "HOLE,pothole"]


def test_it_says_what_is_wrong_with_a_bad_csv_file(client, world):
    signed_in_admin(client, world)
    response = read_csv(client, world, "code,name\nHOLE,Pothole\n")
    assert response.status_code == 400
    assert "The CSV file lacks the columns service_code, service_name" in response.content.decode()
    bad = CSV.replace("singlevaluelist", "colour")
    assert "the datatype “colour” is not one of" in read_csv(client, world, bad).content.decode()


def test_it_shows_only_sources_of_jurisdictions_the_admin_runs(client, world):
    signed_in_admin(client, world)
    source = CatalogueSource.objects.create(jurisdiction=world.county, name="county-old", kind="csv")
    assert client.get(reverse("cityconfig:mapping", args=[source.pk])).status_code == 404
