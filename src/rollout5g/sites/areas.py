"""Reading area polygons (key areas, plan zones) from the files users have: GeoJSON, KML and Shapefile.

Every reader returns :class:`AreaFeature` objects in WGS-84 or raises :class:`AreaFileError` listing every problem
with the file, the feature (1-based, as the user counts them) and the field.

- GeoJSON: a FeatureCollection of (Multi)Polygons; coordinates in ``crs`` (WGS-84 by default, GCJ-02 on request).
- KML: Placemarks with a ``<name>`` and Polygon / MultiGeometry; KML is WGS-84 by definition (OGC 07-147r2), unless
  the user says the coordinates are GCJ-02 (common in files exported from Chinese web maps).
- Shapefile (``.shp`` with its ``.dbf`` / ``.prj``, or a ``.zip`` of them): the ``.prj`` is honoured — projected
  systems such as CGCS2000 / 3-degree Gauss-Kruger are transformed to WGS-84 with pyproj. A zip is checked for its
  unpacked size first (:func:`rollout5g.sites.imports.limits.check_zip_archive`).

Invalid geometry (a self-intersecting ring, a hole outside its shell — OGC Simple Features validity) is refused
with the feature and GEOS's reason (``Self-intersection[120.75 30.76]``): a "repair" changes the shape, and an
area that silently became another shape would be measured against its coverage target. With ``repair=True`` the
reader repairs it (``shapely.make_valid``) and says so in :attr:`AreaFeature.warnings`, which the caller must show
to the user who uploaded the file.
"""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj
import shapefile
import shapely
from shapely.geometry import mapping, shape

from rollout5g.core import geo

from .imports import limits as import_limits

PROVINCE_BBOX = (118.0, 27.0, 123.3, 31.3)  # lon/lat, a little larger than the province of the shipped boundaries
NAME_FIELDS = ("name", "名称", "NAME", "Name", "mc", "MC")


@dataclass(frozen=True)
class AreaProblem:
    file: str
    feature: int
    field: str
    message: str

    def __str__(self):
        where = f"feature {self.feature}" if self.feature else "file"
        return f"{self.file}: {where}: {self.field}: {self.message}"


class AreaFileError(ValueError):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class AreaFeature:
    name: str
    geometry: dict  # WGS-84 GeoJSON (Multi)Polygon
    properties: dict = field(default_factory=dict)
    index: int = 0
    warnings: list[str] = field(default_factory=list)


def _name(props: dict) -> str:
    for key in NAME_FIELDS:
        value = props.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _check(file: str, items: list[tuple[int, str, object, dict]], crs: str, repair: bool = False
           ) -> list[AreaFeature]:
    """Validate (index, name, shapely geometry in WGS-84, props) tuples into features, collecting problems."""
    problems, features = [], []
    for index, name, geom, props in items:
        warnings = []
        if not name:
            problems.append(AreaProblem(file, index, "name", "missing: every area needs a name"))
        if geom is None or geom.is_empty:
            problems.append(AreaProblem(file, index, "geometry", "missing or empty"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(AreaProblem(file, index, "geometry", f"{geom.geom_type} is not an area (Polygon)"))
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            if not repair:
                problems.append(AreaProblem(file, index, "geometry", f"invalid polygon: {reason}; fix it in the GIS "
                                            "tool, or import again with repair to let it be repaired (the shape "
                                            "changes)"))
                continue
            before = geom.area
            geom = shapely.make_valid(geom)
            geom = shapely.union_all([g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")])
            if geom.is_empty:
                problems.append(AreaProblem(file, index, "geometry", f"invalid polygon ({reason}) with no area left "
                                            "after repair"))
                continue
            change = (geom.area - before) / before * 100 if before else 0.0
            warnings.append(f"feature {index} ({name}): invalid polygon ({reason}) repaired; its area changed by "
                            f"{change:+.1f} %: check the shape")
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        b = PROVINCE_BBOX
        if not (b[0] <= min_lon and max_lon <= b[2] and b[1] <= min_lat and max_lat <= b[3]):
            problems.append(AreaProblem(
                file, index, "geometry",
                f"lies outside the province (bounds {min_lon:.4f},{min_lat:.4f} – {max_lon:.4f},{max_lat:.4f}); "
                "wrong coordinate system or lon/lat swapped?"))
            continue
        features.append(AreaFeature(name=name, geometry=json.loads(json.dumps(mapping(geom))), properties=props,
                                    index=index, warnings=warnings))
    if problems:
        raise AreaFileError(problems)
    return features


def _to_wgs84(geom, crs: str):
    """Convert a lon/lat geometry in ``crs`` (wgs84, cgcs2000, gcj02) to WGS-84."""
    return shapely.transform(geom, lambda xy: np.column_stack(geo.to_wgs84(xy[:, 0], xy[:, 1], crs)))


def read_geojson(path: Path, *, crs: str = "wgs84", repair: bool = False) -> list[AreaFeature]:
    file = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaFileError([AreaProblem(file, 0, "<file>", f"not valid JSON: {exc}")]) from None
    if data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if data.get("type") != "FeatureCollection":
        raise AreaFileError([AreaProblem(file, 0, "type", "expected a GeoJSON FeatureCollection")])
    items, problems = [], []
    for index, feature in enumerate(data.get("features") or [], start=1):
        props = feature.get("properties") or {}
        try:
            geom = _to_wgs84(shape(feature["geometry"]), crs) if feature.get("geometry") else None
        except (KeyError, ValueError, TypeError, shapely.errors.GEOSException) as exc:
            problems.append(AreaProblem(file, index, "geometry", f"unreadable: {exc}"))
            continue
        items.append((index, _name(props), geom, props))
    if problems:
        raise AreaFileError(problems)
    return _check(file, items, crs, repair)


def _kml_coords(text: str):
    points = []
    for token in (text or "").split():
        parts = token.split(",")
        points.append((float(parts[0]), float(parts[1])))
    return points


def read_kml(path: Path, *, crs: str = "wgs84", repair: bool = False) -> list[AreaFeature]:
    file = path.name
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise AreaFileError([AreaProblem(file, 0, "<file>", f"not valid KML/XML: {exc}")]) from None
    ns = {"k": root.tag.split("}")[0].strip("{")} if root.tag.startswith("{") else {"k": ""}
    q = (lambda tag: f"k:{tag}") if ns["k"] else (lambda tag: tag)
    items, problems = [], []
    for index, placemark in enumerate(root.iter(f"{{{ns['k']}}}Placemark" if ns["k"] else "Placemark"), start=1):
        name_el = placemark.find(q("name"), ns)
        props = {"name": (name_el.text or "").strip() if name_el is not None else ""}
        for data in placemark.iter(f"{{{ns['k']}}}SimpleData" if ns["k"] else "SimpleData"):
            props[data.get("name")] = (data.text or "").strip()
        polygons = []
        try:
            for poly in placemark.iter(f"{{{ns['k']}}}Polygon" if ns["k"] else "Polygon"):
                outer = poly.find(f"{q('outerBoundaryIs')}/{q('LinearRing')}/{q('coordinates')}", ns)
                inners = poly.findall(f"{q('innerBoundaryIs')}/{q('LinearRing')}/{q('coordinates')}", ns)
                polygons.append(shapely.Polygon(_kml_coords(outer.text), [_kml_coords(i.text) for i in inners]))
        except (AttributeError, ValueError, IndexError) as exc:
            problems.append(AreaProblem(file, index, "coordinates", f"unreadable polygon: {exc}"))
            continue
        geom = None
        if polygons:
            geom = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
            geom = _to_wgs84(geom, crs)
        items.append((index, _name(props), geom, props))
    if problems:
        raise AreaFileError(problems)
    if not items:
        raise AreaFileError([AreaProblem(file, 0, "<file>", "no Placemark found")])
    return _check(file, items, crs, repair)


def read_shapefile(path: Path, *, repair: bool = False) -> list[AreaFeature]:
    file = path.name
    with tempfile.TemporaryDirectory() as tmp:
        shp = path
        if path.suffix.lower() == ".zip":
            try:
                import_limits.check_zip_archive(path, file)
            except import_limits.UploadRefused as exc:
                raise AreaFileError([AreaProblem(file, 0, "<file>", str(exc))]) from None
            with zipfile.ZipFile(path) as zf:
                zf.extractall(tmp)
            found = sorted(Path(tmp).rglob("*.shp"))
            if not found:
                raise AreaFileError([AreaProblem(file, 0, "<file>", "the zip holds no .shp")])
            shp = found[0]
        prj = shp.with_suffix(".prj")
        transformer = None
        if prj.exists():
            source = pyproj.CRS.from_wkt(prj.read_text(encoding="utf-8", errors="replace"))
            if not (source.is_geographic and source.equals(pyproj.CRS("EPSG:4326"), ignore_axis_order=True)) and \
                    not source.equals(pyproj.CRS("EPSG:4490"), ignore_axis_order=True):
                transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)
        try:
            reader = shapefile.Reader(str(shp), encoding="utf-8", encodingErrors="replace")
        except shapefile.ShapefileException as exc:
            raise AreaFileError([AreaProblem(file, 0, "<file>", f"not a readable shapefile: {exc}")]) from None
        items = []
        with reader:
            fields = [f[0] for f in reader.fields[1:]]
            for index, rec in enumerate(reader.iterShapeRecords(), start=1):
                props = dict(zip(fields, rec.record, strict=False))
                geom = shape(rec.shape.__geo_interface__) if rec.shape.shapeType != shapefile.NULL else None
                if geom is not None and transformer is not None:
                    geom = shapely.transform(geom, lambda xy, t=transformer: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
                items.append((index, _name(props), geom, props))
    return _check(file, items, "wgs84", repair)


def read_area_file(path, *, crs: str = "wgs84", repair: bool = False) -> list[AreaFeature]:
    """Read areas from a .geojson/.json, .kml, .shp or .zip (shapefile) file, in WGS-84. Invalid polygons are
    refused unless ``repair`` (then each repaired feature carries a warning)."""
    path = Path(path)
    try:
        import_limits.check_upload_size(path.stat().st_size, path.name)
    except import_limits.UploadRefused as exc:
        raise AreaFileError([AreaProblem(path.name, 0, "<file>", str(exc))]) from None
    except OSError:
        pass  # a missing file is reported by the reader
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return read_geojson(path, crs=crs, repair=repair)
    if suffix == ".kml":
        return read_kml(path, crs=crs, repair=repair)
    if suffix in (".shp", ".zip"):
        return read_shapefile(path, repair=repair)
    raise AreaFileError([AreaProblem(path.name, 0, "<file>",
                                     f"unsupported file type '{suffix}'; use .geojson, .kml, .shp or a .zip shapefile")])
