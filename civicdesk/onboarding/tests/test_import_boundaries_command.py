"""manage.py import_boundaries: real files in, routed points out (through jurisdictions.services.locate)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import RoutingRule
from civicdesk.jurisdictions.models import Department, District, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches, locate

from . import files

pytestmark = pytest.mark.django_db


def run(tmp_path, data: bytes, name: str, *args) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_boundaries", str(path), *args, stdout=out)
    return out.getvalue()


def refused(tmp_path, data: bytes, name: str, *args) -> str:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, data, name, *args)
    return str(caught.value)


def test_it_imports_state_plane_wards_from_a_zipped_shapefile(tmp_path):
    town = files.make_town()
    out = run(tmp_path, files.shapefile_zip(), "wards.zip", "--kind", "district", "--jurisdiction", "fallsburg",
              "--name-field", "WARD_NAME")
    assert "NAD83 / Georgia West (ftUS) (EPSG:2240)" in out
    assert "Imported: added 2, replaced 0." in out
    clear_caches()
    assert locate(*files.IN_NORTH_WARD).district.name == "North Ward"
    assert locate(*files.IN_SOUTH_WARD).district.name == "South Ward"
    assert locate(*files.IN_SOUTH_WARD).jurisdiction == town
    north = District.objects.get(name="North Ward")
    assert north.slug == "north-ward"
    assert len(north.boundary["coordinates"]) == 2  # the park's hole is kept
    assert locate(32.505, -84.99).district is None  # inside the hole
    entry = AuditEntry.objects.get(action="boundaries.imported")
    assert entry.jurisdiction_id == town.pk and entry.data["create"] == 2


def test_it_changes_nothing_on_a_dry_run(tmp_path):
    files.make_town()
    out = run(tmp_path, files.shapefile_zip(), "wards.zip", "--kind", "district", "--jurisdiction", "fallsburg",
              "--name-field", "WARD_NAME", "--dry-run")
    assert "Add: North Ward" in out and "Dry run: would add 2 and replace 0" in out
    assert not District.objects.exists()
    assert not AuditEntry.objects.filter(action="boundaries.imported").exists()


def test_it_replaces_only_when_asked(tmp_path):
    files.make_town()
    run(tmp_path, files.shapefile_zip(), "wards.zip", "--kind", "district", "--jurisdiction", "fallsburg",
        "--name-field", "WARD_NAME")
    message = refused(tmp_path, files.shapefile_zip(), "wards.zip", "--kind", "district", "--jurisdiction",
                      "fallsburg", "--name-field", "WARD_NAME")
    assert "already has a boundary here" in message
    out = run(tmp_path, files.shapefile_zip(), "wards.zip", "--kind", "district", "--jurisdiction", "fallsburg",
              "--name-field", "WARD_NAME", "--replace")
    assert "replaced 2" in out
    assert District.objects.count() == 2


def test_it_names_the_attributes_when_the_name_field_is_wrong(tmp_path):
    files.make_town()
    message = refused(tmp_path, files.shapefile_zip(), "wards.zip", "--kind", "district", "--jurisdiction",
                      "fallsburg", "--name-field", "NAME")
    assert "The file has no attribute called “NAME”. Its attributes are: WARD_NAME, WARD_NO." in message


def test_it_refuses_a_shapefile_without_its_projection(tmp_path):
    files.make_town()
    message = refused(tmp_path, files.shapefile_zip(prj=False), "wards.zip", "--kind", "district",
                      "--jurisdiction", "fallsburg", "--name-field", "WARD_NAME")
    assert "no .prj file, so the shapes' projection is unknown" in message


def test_it_refuses_a_zip_with_a_path_outside_it(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("../../etc/wards.shp", b"x")
    message = refused(tmp_path, out.getvalue(), "evil.zip", "--kind", "jurisdiction")
    assert "unsafe name" in message


def test_it_refuses_a_file_of_another_kind(tmp_path):
    message = refused(tmp_path, b"%PDF-1.7 not a map", "wards.pdf", "--kind", "jurisdiction")
    assert "not a boundary file this site can read" in message


def test_it_refuses_coordinates_that_cannot_be_in_the_country(tmp_path):
    swapped = [[y, x] for x, y in files.TOWN_RING]  # latitude first: somewhere in the Antarctic Ocean
    message = refused(tmp_path, files.kml("Fallsburg", swapped), "town.kml", "--kind", "jurisdiction")
    assert "cannot be in US" in message
    assert not Jurisdiction.objects.exists()


def test_it_refuses_a_bow_tie_and_writes_nothing(tmp_path):
    files.make_town()
    data = files.geojson({"North Ward": files.WARDS["North Ward"], "Crossed Ward": [files.BOW_TIE]})
    message = refused(tmp_path, data, "wards.geojson", "--kind", "district", "--jurisdiction", "fallsburg")
    assert "Crossed Ward: Its outline crosses itself near longitude -84.97500, latitude 32.47500" in message
    assert "more than 1%" in message
    assert not District.objects.exists()


def test_it_repairs_a_small_slip_and_lists_overlaps(tmp_path):
    files.make_town()
    data = files.geojson({"North Ward": files.WARDS["North Ward"], "South Ward": [files.SLIPPED],
                          "Old Town": [files.box(-85.0, 32.45, -84.95, 32.50)]})
    out = run(tmp_path, data, "wards.geojson", "--kind", "district", "--jurisdiction", "fallsburg")
    assert "warning: Its outline crossed itself near longitude -85.05000" in out
    assert "overlap: North Ward and Old Town share" in out and "overlap: South Ward and Old Town share" in out
    assert District.objects.count() == 3


def test_it_flags_a_district_partly_outside_its_jurisdiction(tmp_path):
    files.make_town()
    data = files.geojson({"Annex": [files.box(-84.92, 32.45, -84.85, 32.50)]})
    out = run(tmp_path, data, "annex.geojson", "--kind", "district", "--jurisdiction", "fallsburg", "--dry-run")
    assert "of it" in out and "lies outside Fallsburg" in out
    assert "71.4%" in out


def test_it_imports_a_jurisdiction_from_kml(tmp_path):
    out = run(tmp_path, files.kml(), "town.kml", "--kind", "jurisdiction")
    assert "KML, 1 feature(s)" in out and "Imported: added 1" in out
    town = Jurisdiction.objects.get(slug="fallsburg")
    clear_caches()
    assert locate(*files.IN_NORTH_WARD).jurisdiction == town
    assert locate(*files.OUTSIDE_TOWN).jurisdiction is None


def test_it_reprojects_geojson_that_names_its_crs(tmp_path):
    from pyproj import Transformer

    town = files.make_town()
    to_plane = Transformer.from_crs("EPSG:4326", "EPSG:2240", always_xy=True)
    ring = [list(to_plane.transform(x, y)) for x, y in files.box(files.WEST, files.SOUTH, files.MIDDLE, files.NORTH)]
    data = files.geojson({"West Side": [ring]}, crs="urn:ogc:def:crs:EPSG::2240")
    run(tmp_path, data, "west.geojson", "--kind", "district", "--jurisdiction", "fallsburg")
    clear_caches()
    assert locate(32.45, -85.0).district.name == "West Side"
    assert locate(32.45, -84.95).jurisdiction == town and locate(32.45, -84.95).district is None


def test_it_refuses_an_unknown_projection(tmp_path):
    files.make_town()
    data = files.geojson({"West Side": [files.TOWN_RING]}, crs="urn:ogc:def:crs:EPSG::999999")
    message = refused(tmp_path, data, "west.geojson", "--kind", "district", "--jurisdiction", "fallsburg")
    assert "names a projection this site does not know" in message


def test_it_refuses_an_empty_geometry_and_a_point(tmp_path):
    files.make_town()
    data = (b'{"type": "FeatureCollection", "features": ['
            b'{"type": "Feature", "properties": {"name": "Nowhere"}, "geometry": null},'
            b'{"type": "Feature", "properties": {"name": "Spot"}, "geometry": {"type": "Point", "coordinates": '
            b'[-85, 32.5]}}]}')
    message = refused(tmp_path, data, "bad.geojson", "--kind", "district", "--jurisdiction", "fallsburg")
    assert "Nowhere: It has no shape" in message
    assert "Spot: It is a Point, not an area" in message


def test_it_fills_a_routing_rules_area(tmp_path):
    town = files.make_town()
    parks = Department.objects.create(jurisdiction=town, name="Parks", slug="parks")
    rule = RoutingRule.objects.create(jurisdiction=town, name="Riverside parks", department=parks)
    data = files.geojson({"Riverside parks": [files.box(-85.0, 32.45, -84.95, 32.50)]})
    run(tmp_path, data, "parks.geojson", "--kind", "area", "--jurisdiction", "fallsburg")
    rule.refresh_from_db()
    assert rule.area["type"] == "Polygon"
    message = refused(tmp_path, files.geojson({"Lakeside": [files.TOWN_RING]}), "lake.geojson", "--kind", "area",
                      "--jurisdiction", "fallsburg")
    assert "has no routing rule with this name" in message


def test_it_keeps_a_multipolygon_whole(tmp_path):
    files.make_town()
    islands = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Islands"},
               "geometry": {"type": "MultiPolygon", "coordinates": [
                   [files.box(-85.04, 32.41, -85.02, 32.43)], [files.box(-84.93, 32.52, -84.91, 32.54)]]}}]}
    run(tmp_path, json.dumps(islands).encode(), "islands.geojson", "--kind", "district", "--jurisdiction",
        "fallsburg")
    assert District.objects.get().boundary["type"] == "MultiPolygon"
    clear_caches()
    assert locate(32.42, -85.03).district.name == "Islands"
    assert locate(32.53, -84.92).district.name == "Islands"
    assert locate(32.47, -84.97).district is None


def test_it_reads_a_kmz(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("doc.kml", files.kml())
    run(tmp_path, out.getvalue(), "town.kmz", "--kind", "jurisdiction")
    assert Jurisdiction.objects.get().name == "Fallsburg"
