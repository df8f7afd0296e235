"""Polygon downloads that standard tools (GDAL/OGR, QGIS, ArcGIS) read as they are: regions, key areas, coverage gaps.

- **GeoJSON** (RFC 7946): WGS-84 longitude/latitude, every polygon wound by :func:`rollout5g.core.geo.rfc7946`
  (exterior rings counterclockwise, holes clockwise). The **GCJ-02** variant is a separate download whose file name
  says ``GCJ-02`` and whose ``coordinate_system`` member says so too: RFC 7946 has no way to declare another datum
  and every reader takes GeoJSON for WGS-84, so the name is the only place a person can see it.
- **Shapefile** (a ``.zip`` of ``.shp .shx .dbf .prj .cpg``): the ``.prj`` states WGS-84 (EPSG:4326) in ESRI WKT,
  the ``.cpg`` says the attributes are UTF-8 (Chinese names). Shapefile rings are clockwise (the ESRI
  specification's order, the opposite of RFC 7946): pyshp writes them so. No GCJ-02 shapefile: a ``.prj`` cannot
  name that datum, and a file whose ``.prj`` said WGS-84 would be wrong.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from django.http import HttpResponse
from django.utils.translation import gettext as _

from rollout5g.core import geo

FORMATS = ("geojson", "shp")
CRS = ("wgs84", "gcj02")
CRS_LABEL = {"wgs84": "WGS-84", "gcj02": "GCJ-02"}
FORMAT_LABEL = {"geojson": "GeoJSON (geojson)", "shp": "Shapefile (shp)"}
#: ESRI WKT of WGS-84 geographic coordinates (what QGIS and ArcGIS write into a .prj for EPSG:4326).
WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
             'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')


class DownloadError(ValueError):
    pass


def check(fmt: str, crs: str) -> tuple[str, str]:
    fmt, crs = (fmt or "geojson").lower(), (crs or "wgs84").lower().replace("-", "").replace("_", "")
    if fmt not in FORMATS:
        raise DownloadError(_("Unknown format “%(format)s”; valid: %(valid)s.")
                            % {"format": fmt, "valid": ", ".join(FORMAT_LABEL[f] for f in FORMATS)})
    if crs == "cgcs2000":
        crs = "wgs84"
    if crs not in CRS:
        raise DownloadError(_("Unknown coordinate system “%(crs)s”; valid: %(valid)s.")
                            % {"crs": crs, "valid": ", ".join(f"{CRS_LABEL[c]} ({c})" for c in CRS)})
    if fmt == "shp" and crs != "wgs84":
        raise DownloadError(_("A shapefile is offered in WGS-84 only (its .prj file cannot name GCJ-02); use "
                              "GeoJSON."))
    return fmt, crs


def geojson_bytes(features: list[dict], crs: str = "wgs84", **members) -> bytes:
    """A FeatureCollection, RFC 7946 wound, converted to GCJ-02 when asked."""
    out = []
    for f in features:
        geometry = geo.rfc7946(f["geometry"])
        if crs == "gcj02":
            geometry = geo.transform_geojson_geometry(geometry, geo.wgs84_to_gcj02)
        out.append({"type": "Feature", "geometry": geometry, "properties": f.get("properties", {})})
    head = {"type": "FeatureCollection", "coordinate_system": CRS_LABEL[crs]}
    if crs != "wgs84":
        head["coordinate_system_note"] = "GCJ-02 (AMap/Tencent datum): not WGS-84, not for surveying"
    return json.dumps({**head, **members, "features": out}, ensure_ascii=False, separators=(",", ":")).encode()


def _field_name(key: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", key)[:10] or "field"
    base, n = name, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:10 - len(str(n))]}{n}"
    taken.add(name.lower())
    return name


def shapefile_zip(features: list[dict], stem: str) -> bytes:
    """A zipped polygon shapefile of ``features`` (WGS-84; Polygon or MultiPolygon geometries) with .prj and .cpg.
    Attribute names are cut to the 10 ASCII characters dBase allows; a ``fields.txt`` lists the original names."""
    import shapefile
    from shapely.geometry import shape
    from shapely.geometry.polygon import orient

    keys: list[str] = []
    for f in features:
        keys.extend(k for k in f.get("properties", {}) if k not in keys)
    taken: set[str] = set()
    names = {k: _field_name(k, taken) for k in keys}
    kinds = {}
    for k in keys:
        values = [f["properties"].get(k) for f in features if f["properties"].get(k) is not None]
        kinds[k] = ("N" if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
                    else "C")
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as w:
        for k in keys:
            if kinds[k] == "N":
                w.field(names[k], "N", decimal=6, size=20)
            else:
                w.field(names[k], "C", size=254)
        for f in features:
            geom = shape(f["geometry"])
            polygons = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
            rings = []
            for p in polygons:
                p = orient(p, sign=-1.0)  # shapefile order: exterior clockwise, holes counterclockwise
                rings.append([list(c) for c in p.exterior.coords])
                rings.extend([list(c) for c in hole.coords] for hole in p.interiors)
            if not rings:
                w.null()
            else:
                w.poly(rings)
            w.record(*[_dbf_value(f["properties"].get(k), kinds[k]) for k in keys])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{stem}.shp", shp.getvalue())
        zf.writestr(f"{stem}.shx", shx.getvalue())
        zf.writestr(f"{stem}.dbf", dbf.getvalue())
        zf.writestr(f"{stem}.prj", WGS84_PRJ)
        zf.writestr(f"{stem}.cpg", "UTF-8")
        zf.writestr("fields.txt", "\n".join(f"{names[k]}\t{k}" for k in keys) + "\n")
    return buffer.getvalue()


def _dbf_value(value, kind):
    if value is None:
        return None
    if kind == "N":
        return value
    return str(value)[:254]


def polygon_download(features: list[dict], *, stem: str, fmt: str, crs: str, **members) -> HttpResponse:
    """The HTTP download of ``features`` (WGS-84 GeoJSON dicts) as ``fmt`` in ``crs`` (see :func:`check`): the file
    name ``<stem>-WGS-84.geojson`` / ``<stem>-GCJ-02.geojson`` / ``<stem>-WGS-84-shp.zip``, and the header
    ``X-Coordinate-System``."""
    fmt, crs = check(fmt, crs)
    label = CRS_LABEL[crs]
    if fmt == "shp":
        body, ctype, name = shapefile_zip(features, f"{stem}-{label}"), "application/zip", f"{stem}-{label}-shp.zip"
    else:
        body, ctype, name = geojson_bytes(features, crs, **members), "application/geo+json", f"{stem}-{label}.geojson"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Coordinate-System"] = label
    return response
