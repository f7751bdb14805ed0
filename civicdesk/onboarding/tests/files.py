"""Real-format boundary files made in the suite: a zipped shapefile in a Georgia state-plane projection (written
with pyshp, with its .prj), GeoJSON (one with a bow-tie), KML. The place is made up but lies in west Georgia:
the town of Fallsburg is the box lon -85.05..-84.90, lat 32.40..32.55, split at lon -84.975 into two wards."""

from __future__ import annotations

import io
import json
import zipfile

from civicdesk.jurisdictions.models import Jurisdiction

WEST, SOUTH, EAST, NORTH = -85.05, 32.40, -84.90, 32.55
MIDDLE = -84.975
#: Points (lat, long) used by the tests.
IN_NORTH_WARD = (32.52, -84.99)
IN_SOUTH_WARD = (32.43, -84.95)
OUTSIDE_TOWN = (32.60, -84.80)
STATE_PLANE = 2240  # NAD83 / Georgia West (ftUS)


def box(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


TOWN_RING = box(WEST, SOUTH, EAST, NORTH)
#: Two wards splitting the town north/south, with a hole (a park that belongs to no ward) in the north one.
WARDS = {
    "North Ward": [box(WEST, 32.475, EAST, NORTH), box(-85.00, 32.50, -84.98, 32.51)],
    "South Ward": [box(WEST, SOUTH, EAST, 32.475)],
}


def make_town(**extra) -> Jurisdiction:
    """Fallsburg, with its WGS84 boundary, as a jurisdiction admins already made."""
    return Jurisdiction.objects.create(name="Fallsburg", slug="fallsburg", open311_id="fallsburg.example.gov",
                                       boundary={"type": "Polygon", "coordinates": [TOWN_RING]},
                                       time_zone="America/New_York", **extra)


def shapefile_zip(rings_by_name: dict[str, list[list[list[float]]]] | None = None, *, epsg: int = STATE_PLANE,
                  prj: bool = True, field: str = "WARD_NAME") -> bytes:
    """A zip of .shp/.shx/.dbf/.prj with one polygon record per name, coordinates projected to `epsg`."""
    import shapefile
    from pyproj import CRS, Transformer
    from pyproj.enums import WktVersion

    rings_by_name = rings_by_name or WARDS
    to_plane = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field(field, "C", size=40)
        writer.field("WARD_NO", "N", size=4)
        for number, (name, rings) in enumerate(rings_by_name.items(), start=1):
            projected = []
            for index, ring in enumerate(rings):
                points = [list(to_plane.transform(x, y)) for x, y in ring]
                # ESRI order: outer rings clockwise, holes anticlockwise (our boxes are anticlockwise).
                projected.append(points[::-1] if index == 0 else points)
            writer.poly(projected)
            writer.record(name, number)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("wards.shp", shp.getvalue())
        archive.writestr("wards.shx", shx.getvalue())
        archive.writestr("wards.dbf", dbf.getvalue())
        if prj:
            archive.writestr("wards.prj", CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
    return out.getvalue()


def geojson(features: dict[str, list[list[list[float]]]], *, crs: str | None = None) -> bytes:
    """A FeatureCollection with a `name` property per feature (and a `crs` member when given)."""
    document: dict = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name, "ref": index},
         "geometry": {"type": "Polygon", "coordinates": rings}}
        for index, (name, rings) in enumerate(features.items(), start=1)]}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


#: A bow-tie: the outline crosses itself in the middle of the town; the two triangles are equal, so the
#: polygon as drawn has no area and make_valid's repair doubles... everything: refused.
BOW_TIE = [[-85.04, 32.41], [-84.91, 32.54], [-84.91, 32.41], [-85.04, 32.54], [-85.04, 32.41]]
#: A ward whose outline has a tiny loop at one corner (a digitising slip): repaired, the area barely changes.
SLIPPED = [[WEST, SOUTH], [EAST, SOUTH], [EAST, 32.475], [WEST + 0.0002, 32.475], [WEST - 0.0001, 32.4749],
           [WEST, 32.4752], [WEST, SOUTH]]


def kml(name: str = "Fallsburg", ring: list[list[float]] | None = None) -> bytes:
    """A KML document with one Placemark holding a Polygon."""
    coordinates = " ".join(f"{x},{y},0" for x, y in (ring or TOWN_RING))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Town limits</name>
<Placemark><name>{name}</name>
<ExtendedData><Data name="GEOID"><value>1329999</value></Data></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{coordinates}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark></Document></kml>""".encode()
