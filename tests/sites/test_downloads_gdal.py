"""The registry's downloads open cleanly in GDAL (issue 19 item 9): ogrinfo's layer, feature count, geometry type
and coordinate system for each format of the site and cell exports and for the key areas; the CSV says its
coordinate system in a column; the GCJ-02 files are named as such."""

import csv
import io
import json
import zipfile

import pytest
from shapely.geometry import LinearRing

from rollout5g.sites.models import Cell, KeyArea, Site
from tests.regions.gdal import needs_gdal, ogr_geometries, ogrinfo, save

pytestmark = [pytest.mark.django_db, needs_gdal]
CSV_POINTS = ("X_POSSIBLE_NAMES=经度*", "Y_POSSIBLE_NAMES=纬度*")


@pytest.mark.parametrize("kind", ["sites", "cells"])
@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "xlsx"])
def test_registry_exports(client_for, tmp_path, kind, fmt):
    params = {"region": "330402"}
    expected = (Site.objects.filter(region_id="330402").count() if kind == "sites"
                else Cell.objects.filter(site__region_id="330402").count())
    assert expected > 0
    path = save(tmp_path, client_for("office").get(f"/sites/export/{kind}.{fmt}", params))
    assert path.name.endswith(f"-wgs84.{fmt}")
    layers = ogrinfo(path, *CSV_POINTS) if fmt == "csv" else ogrinfo(path)
    data = [x for x in layers if x.name != "说明 metadata"]
    assert len(data) == 1 and data[0].count == expected
    if fmt == "xlsx":
        assert data[0].geometry == "None"  # a spreadsheet: the coordinates are columns, the CRS in the metadata sheet
    elif fmt == "kml":  # GDAL's KML drivers do not declare a layer's type; every feature is a point
        assert data[0].geometry in ("Point", "3D Point", "Unknown (any)")
        assert set(ogr_geometries(path)) == {"POINT"}
    else:
        assert data[0].geometry in ("Point", "3D Point")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert {r["坐标系"] for r in rows} == {"WGS-84"}


def test_gcj02_csv_says_so_in_its_name_and_column(client_for, tmp_path):
    path = save(tmp_path, client_for("office").get("/sites/export/sites.csv", {"region": "330402", "crs": "gcj02"}))
    assert path.name.endswith("-gcj02.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows and {r["坐标系"] for r in rows} == {"GCJ-02"} and "经度(GCJ-02)" in rows[0]


def test_key_areas_geojson_and_shapefile(client, tmp_path):
    count = KeyArea.objects.count()
    assert count > 0
    path = save(tmp_path, client.get("/sites/key-areas/download/"))
    assert path.name == "key-areas-WGS-84.geojson"
    (layer,) = ogrinfo(path)
    assert layer.count == count and layer.geometry in ("Polygon", "Multi Polygon", "Unknown (any)")
    for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
        polys = f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]]
        assert all(LinearRing(rings[0]).is_ccw for rings in polys)
        assert "_" not in f["properties"]["category"]  # the label, not the code

    shp = save(tmp_path, client.get("/sites/key-areas/download/", {"format": "shp"}))
    with zipfile.ZipFile(shp) as zf:
        assert "key-areas-WGS-84.prj" in zf.namelist()
    (layer,) = ogrinfo(f"/vsizip/{shp}")
    assert layer.count == count and layer.geometry == "Polygon" and "WGS" in layer.crs

    gcj = save(tmp_path, client.get("/sites/key-areas/download/", {"crs": "gcj02"}))
    assert gcj.name == "key-areas-GCJ-02.geojson" and ogrinfo(gcj)[0].count == count
    assert json.loads(gcj.read_text(encoding="utf-8"))["coordinate_system"] == "GCJ-02"
