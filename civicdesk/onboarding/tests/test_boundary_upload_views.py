"""The staff console's boundary upload: file, then name attribute and preview (map data and table), then save."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import District, Jurisdiction, StaffMembership
from civicdesk.jurisdictions.services import clear_caches, locate
from civicdesk.onboarding.models import BoundaryUpload
from civicdesk.testing.auth import login_verified

from . import files

pytestmark = pytest.mark.django_db
UPLOAD = reverse("onboarding:upload")


@pytest.fixture
def town():
    return files.make_town()


def admin_of(jurisdiction, email="ada@fallsburg.example.gov", role=StaffMembership.Role.ADMIN) -> User:
    user = User.objects.create_user(email=email, password="correct horse battery", is_staff=True)
    StaffMembership.objects.create(user=user, jurisdiction=jurisdiction, role=role)
    return user


def upload(client, data: bytes, name: str, **fields):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), **fields})


def test_it_previews_then_saves_wards_from_a_shapefile(client, town):
    login_verified(client, admin_of(town))
    response = upload(client, files.shapefile_zip(), "wards.zip", kind="district", jurisdiction=town.pk)
    pending = BoundaryUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:preview", args=[pending.pk])

    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Choose the attribute that holds the names. The file&#x27;s attributes are: WARD_NAME, WARD_NO." in body
    assert '<option value="WARD_NAME">WARD_NAME</option>' in body  # the form lists the file's attributes
    assert not District.objects.exists()

    page = client.get(response["Location"], {"name_field": "WARD_NAME"})
    body = page.content.decode()
    assert page.context["plan"].ok
    assert [f["properties"]["name"] for f in page.context["preview"]["features"]] == ["North Ward", "South Ward"]
    assert "NAD83 / Georgia West (ftUS) (EPSG:2240)" in body and "Save these boundaries" in body
    assert 'id="boundary-preview"' in body and 'id="boundary-outline"' in body

    saved = client.post(response["Location"], {"name_field": "WARD_NAME"})
    assert saved.status_code == 302
    assert sorted(District.objects.values_list("name", flat=True)) == ["North Ward", "South Ward"]
    assert not BoundaryUpload.objects.exists()
    assert AuditEntry.objects.get(action="boundaries.imported").actor.email == "ada@fallsburg.example.gov"
    clear_caches()
    assert locate(*files.IN_SOUTH_WARD).district.name == "South Ward"


def test_it_shows_a_refused_bow_tie_in_the_table_and_saves_nothing(client, town):
    login_verified(client, admin_of(town))
    data = files.geojson({"North Ward": files.WARDS["North Ward"], "Crossed <b>Ward</b>": [files.BOW_TIE]})
    response = upload(client, data, "wards.geojson", kind="district", jurisdiction=town.pk)
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Crossed &lt;b&gt;Ward&lt;/b&gt;" in body and "<b>Ward</b>" not in body
    assert "Refused: Its outline crosses itself near longitude -84.97500, latitude 32.47500" in body
    assert "Save these boundaries" not in body
    refused = client.post(response["Location"], {"name_field": "name"})
    assert refused.status_code == 400
    assert not District.objects.exists()


def test_it_refuses_a_file_of_another_kind_in_plain_words(client, town):
    login_verified(client, admin_of(town))
    response = upload(client, b"Ward,Area\nNorth,12\n", "wards.csv", kind="district", jurisdiction=town.pk)
    body = client.get(response["Location"]).content.decode()
    assert "This file cannot be imported" in body and "not a boundary file this site can read" in body


def test_it_asks_for_the_jurisdiction_of_districts(client, town):
    login_verified(client, admin_of(town))
    response = upload(client, files.shapefile_zip(), "wards.zip", kind="district")
    assert response.status_code == 200
    assert "Choose the jurisdiction these districts or areas belong to." in response.content.decode()
    assert not BoundaryUpload.objects.exists()


def test_it_lets_only_a_superuser_add_jurisdictions(client, town):
    login_verified(client, admin_of(town))
    response = upload(client, files.kml("Riverside"), "town.kml", kind="jurisdiction")
    assert "only a site administrator adds new ones" in response.content.decode()
    root = User.objects.create_superuser(email="root@example.org", password="correct horse battery")
    login_verified(client, root)
    town.delete()
    response = upload(client, files.kml(), "town.kml", kind="jurisdiction")
    client.post(response["Location"], {"name_field": "name"})
    assert Jurisdiction.objects.get().name == "Fallsburg"


def test_it_keeps_uploads_to_their_uploader_and_admins(client, town):
    ada = admin_of(town)
    login_verified(client, ada)
    response = upload(client, files.shapefile_zip(), "wards.zip", kind="district", jurisdiction=town.pk)
    other = admin_of(town, email="otto@fallsburg.example.gov")
    login_verified(client, other)
    assert client.get(response["Location"]).status_code == 404
    staff = admin_of(town, email="stan@fallsburg.example.gov", role=StaffMembership.Role.STAFF)
    login_verified(client, staff)
    assert client.get(UPLOAD).status_code == 403


def test_it_offers_replace_by_upload_from_the_admin_map(client, town):
    root = User.objects.create_superuser(email="root@example.org", password="correct horse battery")
    login_verified(client, root)
    district = District.objects.create(jurisdiction=town, name="North Ward", slug="north-ward",
                                       boundary={"type": "Polygon", "coordinates": files.WARDS["North Ward"]})
    page = client.get(reverse("admin:jurisdictions_district_change", args=[district.pk]))
    body = page.content.decode()
    assert 'data-boundary-widget="boundary-district-' in body
    assert 'name="boundary"' not in body  # no raw GeoJSON box
    assert "/staff/onboarding/boundaries/?kind=district&amp;jurisdiction=fallsburg&amp;replace=1" in body
    assert "onboarding/boundary_map.js" in body
    form = client.get(UPLOAD + "?kind=district&jurisdiction=fallsburg&replace=1")
    assert form.context["form"].initial["replace"] is True
    page = client.get(reverse("admin:jurisdictions_jurisdiction_change", args=[town.pk]))
    assert "kind=jurisdiction&amp;jurisdiction=fallsburg&amp;replace=1" in page.content.decode()


def test_it_names_new_districts_in_the_default_language_from_a_spanish_console(client, town):
    login_verified(client, admin_of(town))
    District.objects.create(jurisdiction=town, name_en="North Ward", name_es="Distrito Norte", slug="norte",
                            boundary={"type": "Polygon", "coordinates": files.WARDS["North Ward"]})
    spanish = {"HTTP_ACCEPT_LANGUAGE": "es"}
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("wards.zip", files.shapefile_zip()),
                                    "kind": "district", "jurisdiction": town.pk, "replace": "on"}, **spanish)
    page = client.get(response["Location"], {"name_field": "WARD_NAME"}, **spanish)
    assert "Reemplazar el límite" in page.content.decode()  # matched by its English name
    client.post(response["Location"], {"name_field": "WARD_NAME"}, **spanish)
    south = District.objects.get(slug="south-ward")
    assert (south.name_en, District.objects.count()) == ("South Ward", 2)
