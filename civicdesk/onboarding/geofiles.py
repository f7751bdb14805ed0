"""Reading boundary files a city's GIS office hands over: GeoJSON, zipped ESRI shapefiles and KML.

Each reader returns a `Layer`: the features' attributes and shapely geometries in WGS84 (longitude, latitude),
reprojected with pyproj from the projection the file's own metadata names (the .prj WKT of a shapefile, the
`crs` member of a GeoJSON file; KML is WGS84 by definition). Anything the readers cannot trust is refused
with a `BoundaryFileError` whose message is written for a person, not a programmer.

KML is parsed with the standard library's ElementTree through defusedxml (entity expansion and external
references refused): KML polygons are a handful of elements, so a KML library would add more than it saves.
"""

from __future__ import annotations

import io
import json
import posixpath
import threading
import zipfile
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape as geojson_shape
from shapely.geometry.base import BaseGeometry

#: The largest file accepted (compressed), and the most a zip may expand to: boundary files are small.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
WGS84 = "EPSG:4326"
#: Decimal places kept in WGS84 coordinates (about 1 cm).
PRECISION = 7


class BoundaryFileError(ValueError):
    """The whole file was refused; the message says why in plain words."""


@dataclass
class RawFeature:
    """One feature as read: its attributes and its WGS84 geometry (None when it had none)."""

    index: int
    attributes: dict[str, object]
    geometry: BaseGeometry | None
    #: The kind of shape the file gave when it is not read into `geometry` (a KML Point or LineString).
    other_shape: str = ""


@dataclass
class Layer:
    """What a file holds: its format, the projection it was read in, attribute names and features."""

    file_format: str
    source_crs: str
    attributes: list[str] = field(default_factory=list)
    features: list[RawFeature] = field(default_factory=list)


def read_boundary_file(data: bytes, filename: str = "") -> Layer:
    """Read GeoJSON, a zipped shapefile (or a KMZ) or KML from `data`, telling them apart by content.

    Raises BoundaryFileError for a file of another kind, an unsafe zip, an unknown projection.
    """
    if len(data) > MAX_FILE_BYTES:
        raise BoundaryFileError(_("The file is larger than 50 MB; boundary files are much smaller. "
                                  "Simplify the shapes or send fewer of them at a time."))
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data)
    if head.startswith(b"{"):
        return _read_geojson(data)
    if head.startswith(b"<"):
        return _read_kml(data)
    if lower.endswith((".shp", ".shx", ".dbf", ".prj")):
        raise BoundaryFileError(_("A shapefile is several files: put the .shp, .shx, .dbf and .prj files in one "
                                  "zip file and upload the zip."))
    raise BoundaryFileError(_("This is not a boundary file this site can read. Upload GeoJSON (.geojson or .json), "
                              "KML (.kml) or a zipped shapefile (.zip)."))


# --- projections ----------------------------------------------------------------------------------------------


_transformers = threading.local()


def _transformer(crs_text: str):
    """A pyproj transformer from the named projection to WGS84 (longitude first), or BoundaryFileError.

    Kept per thread (pyproj objects are not shared between threads): building one takes a few hundred
    milliseconds, and the preview reads the same file again each time the name attribute changes."""
    cache = _transformers.__dict__.setdefault("by_text", {})
    if crs_text not in cache:
        if len(cache) >= 16:
            cache.clear()
        cache[crs_text] = _new_transformer(crs_text)
    return cache[crs_text]


def _new_transformer(crs_text: str):
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError as exc:
        raise BoundaryFileError(_("The file names a projection this site does not know (%(name)s). Export it "
                                  "again in WGS84 (EPSG:4326) or in a projection with an EPSG code.")
                                % {"name": crs_text[:80]}) from exc
    return crs, Transformer.from_crs(crs, WGS84, always_xy=True)


def _to_wgs84(geometry: BaseGeometry, transformer) -> BaseGeometry:
    def move(coords: np.ndarray) -> np.ndarray:
        if transformer is not None:
            x, y = transformer.transform(coords[:, 0], coords[:, 1])
            coords = np.column_stack([x, y])
        return np.round(coords, PRECISION)

    return shapely.transform(geometry, move)


def _projection_name(crs) -> str:
    if crs is None:
        return "WGS84 (EPSG:4326)"
    code = crs.to_epsg(min_confidence=70)
    return f"{crs.name} (EPSG:{code})" if code else crs.name


# --- GeoJSON --------------------------------------------------------------------------------------------------


def _read_geojson(data: bytes) -> Layer:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BoundaryFileError(_("The file starts like GeoJSON but is not valid JSON: %(error)s")
                                % {"error": exc}) from exc
    if not isinstance(document, dict) or document.get("type") not in {
            "FeatureCollection", "Feature", "Polygon", "MultiPolygon", "GeometryCollection", "Point",
            "LineString", "MultiPoint", "MultiLineString"}:
        raise BoundaryFileError(_("The file is JSON but not GeoJSON: it has no FeatureCollection, Feature or "
                                  "geometry at its top."))
    crs, transformer = None, None
    crs_member = document.get("crs")
    if crs_member:
        name = (crs_member.get("properties") or {}).get("name") if isinstance(crs_member, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise BoundaryFileError(_("The file's crs member names no projection; remove it for WGS84 or give the "
                                      "projection's name, e.g. urn:ogc:def:crs:EPSG::2240."))
        crs, transformer = _transformer(name.strip())
        if crs.to_epsg() == 4326 or name.strip().upper().endswith("CRS84"):
            transformer = None
    if document["type"] == "FeatureCollection":
        raw = document.get("features") or []
    elif document["type"] == "Feature":
        raw = [document]
    else:
        raw = [{"type": "Feature", "properties": {}, "geometry": document}]
    layer = Layer("GeoJSON", _projection_name(crs))
    names: dict[str, None] = {}
    for index, feature in enumerate(raw, start=1):
        if not isinstance(feature, dict):
            raise BoundaryFileError(_("Feature %(n)s of the file is not a GeoJSON feature.") % {"n": index})
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        names.update(dict.fromkeys(properties))
        geometry = None
        if feature.get("geometry"):
            try:
                geometry = _to_wgs84(geojson_shape(feature["geometry"]), transformer)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError, shapely.errors.GEOSException):
                geometry = None
        layer.features.append(RawFeature(index, properties, geometry))
    layer.attributes = list(names)
    return layer


# --- zipped shapefiles ------------------------------------------------------------------------------------------


def _safe_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by lower-case name, after refusing what a boundary zip never holds."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise BoundaryFileError(_("The zip holds more than %(n)s files; a shapefile is four or five.")
                                % {"n": MAX_ZIP_MEMBERS})
    total = 0
    members = {}
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name or info.flag_bits & 0x1:
            raise BoundaryFileError(_("The zip holds a file with an unsafe name or encryption (%(name)s); "
                                      "zip the shapefile's files again, without folders outside the zip.")
                                    % {"name": info.filename[:80]})
        total += info.file_size
        # Padded .dbf files compress very well; only a large member with an absurd ratio is a zip bomb.
        bomb = info.file_size > 10 * 1024 * 1024 and info.file_size / max(info.compress_size, 1) > 1000
        if total > MAX_UNZIPPED_BYTES or bomb:
            raise BoundaryFileError(_("The zip expands to far more than a boundary file needs; it was not opened."))
        if info.is_dir() or posixpath.basename(name).startswith(".") or name.startswith("__MACOSX/"):
            continue
        members[name.lower()] = info
    return members


def _read_zip(data: bytes) -> Layer:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BoundaryFileError(_("The zip file is damaged and cannot be opened.")) from exc
    with archive:
        members = _safe_members(archive)
        shps = sorted(name for name in members if name.endswith(".shp"))
        kmls = sorted(name for name in members if name.endswith(".kml"))
        if not shps and kmls:  # a KMZ
            return _read_kml(archive.read(members[kmls[0]]))
        if not shps:
            raise BoundaryFileError(_("The zip holds no shapefile (.shp). Zip the .shp, .shx, .dbf and .prj files "
                                      "of one layer together."))
        if len(shps) > 1:
            raise BoundaryFileError(_("The zip holds several shapefiles (%(names)s); upload one layer at a time.")
                                    % {"names": ", ".join(posixpath.basename(n) for n in shps)})
        stem = shps[0][:-4]

        def part(ext: str) -> io.BytesIO | None:
            info = members.get(stem + ext)
            return io.BytesIO(archive.read(info)) if info else None

        shp, shx, dbf, prj, cpg = part(".shp"), part(".shx"), part(".dbf"), part(".prj"), part(".cpg")
    if dbf is None:
        raise BoundaryFileError(_("The zip has no .dbf file, so the shapes have no names. Add the layer's .dbf."))
    if prj is None:
        raise BoundaryFileError(_("The zip has no .prj file, so the shapes' projection is unknown. Add the "
                                  "layer's .prj (every GIS program writes one when it exports a shapefile)."))
    crs, transformer = _transformer(prj.read().decode("latin-1").strip())
    if crs.to_epsg() == 4326:
        transformer = None
    encoding = (cpg.read().decode("ascii", "replace").strip() if cpg else "") or "utf-8"
    return _read_shapefile(shp, shx, dbf, crs, transformer, encoding)


def _read_shapefile(shp, shx, dbf, crs, transformer, encoding: str) -> Layer:
    import shapefile

    try:
        reader = shapefile.Reader(shp=shp, shx=shx, dbf=dbf, encoding=encoding, encodingErrors="replace")
    except (shapefile.ShapefileException, LookupError, ValueError, OSError) as exc:
        raise BoundaryFileError(_("The shapefile cannot be read: %(error)s") % {"error": exc}) from exc
    with reader:
        layer = Layer(_("Shapefile"), _projection_name(crs))
        layer.attributes = [f[0] for f in reader.fields[1:]]
        try:
            for index, record in enumerate(reader.iterShapeRecords(), start=1):
                geometry = None
                interface = record.shape.__geo_interface__ if record.shape.shapeType != shapefile.NULL else None
                if interface and interface.get("coordinates"):
                    try:
                        geometry = _to_wgs84(geojson_shape(interface), transformer)
                    except (ValueError, TypeError, shapely.errors.GEOSException):
                        geometry = None
                layer.features.append(RawFeature(index, record.record.as_dict(), geometry))
        except (shapefile.ShapefileException, ValueError, OSError, IndexError) as exc:
            raise BoundaryFileError(_("The shapefile is damaged: %(error)s") % {"error": exc}) from exc
    return layer


# --- KML ------------------------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str):
    return [child for child in element.iter() if _local(child.tag) == name]


def _ring(element) -> list[tuple[float, float]]:
    coordinates = next((c for c in element.iter() if _local(c.tag) == "coordinates"), None)
    points = []
    for chunk in (coordinates.text or "").split() if coordinates is not None else []:
        values = chunk.split(",")
        points.append((float(values[0]), float(values[1])))
    return points


def _kml_polygon(element) -> shapely.Polygon:
    outer = next((c for c in element if _local(c.tag) == "outerBoundaryIs"), None)
    if outer is None:
        raise ValueError("no outer ring")
    holes = [_ring(c) for c in element if _local(c.tag) == "innerBoundaryIs"]
    return shapely.Polygon(_ring(outer), [h for h in holes if len(h) >= 4])


def _read_kml(data: bytes) -> Layer:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise BoundaryFileError(_("The file starts like KML but is not readable XML, or uses XML features this "
                                  "site refuses (entities): %(error)s") % {"error": exc}) from exc
    if _local(root.tag) != "kml":
        raise BoundaryFileError(_("The file is XML but not KML (its top element is <%(tag)s>, not <kml>).")
                                % {"tag": _local(root.tag)[:40]})
    layer = Layer("KML", "WGS84 (EPSG:4326)")
    names: dict[str, None] = {"name": None}
    for index, placemark in enumerate(_children(root, "Placemark"), start=1):
        attributes: dict[str, object] = {}
        for child in placemark:
            if _local(child.tag) in {"name", "description"}:
                attributes[_local(child.tag)] = (child.text or "").strip()
        for data_element in _children(placemark, "Data"):
            value = next((c for c in data_element if _local(c.tag) == "value"), None)
            attributes[data_element.get("name", "")] = (value.text or "").strip() if value is not None else ""
        for simple in _children(placemark, "SimpleData"):
            attributes[simple.get("name", "")] = (simple.text or "").strip()
        names.update(dict.fromkeys(k for k in attributes if k))
        polygons, geometry = _children(placemark, "Polygon"), None
        try:
            parts = [_kml_polygon(p) for p in polygons]
            if parts:
                geometry = _to_wgs84(parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts), None)
        except (ValueError, IndexError, shapely.errors.GEOSException):
            geometry = None
        other = "" if geometry is not None else next(
            (kind for kind in ("Point", "LineString") if _children(placemark, kind)), "")
        layer.features.append(RawFeature(index, attributes, geometry, other))
    layer.attributes = list(names)
    return layer
