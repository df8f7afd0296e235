"""Boundary downloads open cleanly in GDAL (issue 19 item 9): layer, feature count, geometry type and coordinate
system as ogrinfo reports them; polygons wound as RFC 7946 asks; the GCJ-02 variant named as such."""

import json
import zipfile

import pytest
from django.utils import translation
from shapely.geometry import LinearRing

from rollout5g.core import geo
from rollout5g.regions.choices import RegionLevel
from rollout5g.regions.models import Region

from .gdal import needs_gdal, ogrinfo, save

pytestmark = [pytest.mark.django_db, needs_gdal]


def exteriors_ccw(geometry) -> bool:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return all(LinearRing(rings[0]).is_ccw and all(not LinearRing(h).is_ccw for h in rings[1:]) for rings in polys)


def test_county_boundaries_geojson(client, tmp_path):
    response = client.get("/regions/download/", {"level": "county", "parent": "330400"})
    assert response["X-Coordinate-System"] == "WGS-84"
    path = save(tmp_path, response)
    assert path.name == "regions-county-330400-WGS-84.geojson"
    (layer,) = ogrinfo(path)
    assert layer.geometry in ("Polygon", "Multi Polygon", "Unknown (any)") and layer.count == 7
    assert "WGS 84" in layer.crs
    assert {"adcode", "name", "level"} <= set(layer.fields)
    body = json.loads(path.read_text(encoding="utf-8"))
    assert all(exteriors_ccw(f["geometry"]) for f in body["features"])
    names = {f["properties"]["name"] for f in body["features"]}
    with translation.override("zh-hans"):
        label = str(RegionLevel.COUNTY.label)
    assert "南湖区" in names and {f["properties"]["level"] for f in body["features"]} == {label} != {"county"}


def test_county_boundaries_shapefile_has_its_prj(client, tmp_path):
    path = save(tmp_path, client.get("/regions/download/", {"level": "county", "format": "shp"}))
    assert path.name == "regions-county-WGS-84-shp.zip"
    with zipfile.ZipFile(path) as zf:
        assert {n.rsplit(".", 1)[1] for n in zf.namelist()} >= {"shp", "shx", "dbf", "prj", "cpg"}
    (layer,) = ogrinfo(f"/vsizip/{path}")
    assert layer.name == "regions-county-WGS-84" and layer.geometry == "Polygon"
    assert layer.count == Region.objects.filter(level="county").count() == 90
    assert "WGS" in layer.crs and "84" in layer.crs


def test_gcj02_variant_is_a_separate_download_named_as_such(client, tmp_path):
    response = client.get("/regions/download/", {"parent": "330400", "crs": "gcj02"})
    path = save(tmp_path, response)
    assert path.name == "regions-330400-GCJ-02.geojson" and response["X-Coordinate-System"] == "GCJ-02"
    (layer,) = ogrinfo(path)
    assert layer.count == 7
    body = json.loads(path.read_text(encoding="utf-8"))
    assert body["coordinate_system"] == "GCJ-02"
    wgs = Region.objects.get(adcode="330402").geometry
    first = (wgs["coordinates"][0][0][0] if wgs["type"] == "MultiPolygon" else wgs["coordinates"][0][0])
    feature = next(f for f in body["features"] if f["properties"]["adcode"] == "330402")
    shifted = geo.wgs84_to_gcj02(*first)
    flat = json.dumps(feature["geometry"]["coordinates"])
    assert f"{round(shifted[0], 7)}" in flat  # the vertex converted to GCJ-02, not the WGS-84 one


@pytest.mark.parametrize("params, message", [
    ({"format": "dxf"}, "Unknown format “dxf”; valid: GeoJSON (geojson), Shapefile (shp)."),
    ({"crs": "bd09"}, "Unknown coordinate system “bd09”"),
    ({"format": "shp", "crs": "gcj02"}, "WGS-84 only"),
])
def test_bad_parameters_are_refused(client, params, message):
    client.cookies["django_language"] = "en"  # the messages are translated: read them in English
    response = client.get("/regions/download/", params)
    assert response.status_code == 400 and message in response.content.decode()


def test_the_map_api_serves_wound_and_simplified_boundaries(client):
    full = client.get("/api/regions/geojson", {"level": "county"})
    coarse = client.get("/api/regions/geojson", {"level": "county", "zoom": 7})
    assert full.status_code == coarse.status_code == 200
    assert len(coarse.content) < len(full.content) / 4
    for body in (full.json(), coarse.json()):
        assert len(body["features"]) == 90
        assert all(exteriors_ccw(f["geometry"]) for f in body["features"])
    # again from the cache: the same answer
    assert client.get("/api/regions/geojson", {"level": "county", "zoom": 7}).content == coarse.content
    one = client.get("/api/regions/geojson", {"adcode": "330402", "zoom": 12}).json()
    assert [f["properties"]["name"] for f in one["features"]] == ["南湖区"]


def test_the_api_declares_the_geojson_media_type_it_answers(client):
    """The boundaries come as application/geo+json (RFC 7946 §12), and the OpenAPI document says so (schemathesis
    checks every answer's media type against it)."""
    answer = client.get("/api/regions/geojson", {"adcode": "330402"})
    assert answer["Content-Type"] == "application/geo+json"
    operation = client.get("/api/openapi.json").json()["paths"]["/api/v1/regions/geojson"]["get"]
    assert "application/geo+json" in operation["responses"]["200"]["content"]
