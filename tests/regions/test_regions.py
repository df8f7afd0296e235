"""Boundaries: all 102 units loaded, converted from GCJ-02 to WGS-84, point lookup, idempotent reload, API."""

import pytest
from shapely.geometry import shape

from rollout5g.core import geo
from rollout5g.regions.models import Region
from rollout5g.regions.services import find_region, find_regions, load_regions, shipped_boundaries_path

pytestmark = pytest.mark.django_db


def test_all_units_loaded_with_levels_and_parents():
    assert Region.objects.count() == 102
    assert Region.objects.filter(level="province").count() == 1
    assert Region.objects.filter(level="city").count() == 11
    assert Region.objects.filter(level="county").count() == 90
    jiaxing = Region.objects.get(adcode="330400")
    assert jiaxing.name == "嘉兴市" and jiaxing.parent_id == "330000"
    assert sorted(jiaxing.children.values_list("name", flat=True)) == sorted(
        ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市"]
    )
    assert jiaxing.source_crs == "gcj02"


def test_geometry_is_wgs84_not_the_gcj02_source():
    import json

    source = json.loads(shipped_boundaries_path().read_text(encoding="utf-8"))
    feature = next(f for f in source["features"] if f["properties"]["adcode"] == "330402")
    gcj_first = feature["geometry"]["coordinates"][0][0][0]
    stored = Region.objects.get(adcode="330402").geometry
    wgs_first = stored["coordinates"][0][0][0] if stored["type"] == "MultiPolygon" else stored["coordinates"][0][0]
    expected = geo.gcj02_to_wgs84(*gcj_first)
    # the stored vertex is the converted one (to 1e-6 degree), a few hundred metres from the GCJ-02 vertex
    assert wgs_first == pytest.approx(list(expected), abs=1e-6)
    assert 100 < geo.haversine_m(gcj_first[0], gcj_first[1], wgs_first[0], wgs_first[1]) < 1000


def test_area_is_plausible():
    # Official land areas: Zhejiang about 105,500 km², Hangzhou about 16,850 km² (statistical yearbooks). The
    # cnmaps boundaries include some coastal water, so the province is within 2 % (Jiaxing's boundary takes in
    # part of Hangzhou Bay: 4,607 km² against 4,237 km² of land, so it is not compared with the yearbook).
    assert Region.objects.get(adcode="330000").area_km2 == pytest.approx(105500, rel=0.02)
    assert Region.objects.get(adcode="330100").area_km2 == pytest.approx(16850, rel=0.02)


def test_find_region_of_known_points():
    # 南湖 lake in Jiaxing (WGS-84) lies in 南湖区; 乌镇 in 桐乡市; Hangzhou West Lake in 西湖区.
    assert find_region(120.7615, 30.7497).adcode == "330402"
    assert find_region(120.4870, 30.7440).adcode == "330483"
    assert find_region(120.1430, 30.2460).name == "西湖区"
    assert find_region(116.40, 39.90) is None  # Beijing: outside Zhejiang
    codes = find_regions([120.7615, 116.40], [30.7497, 39.90])
    assert list(codes) == ["330402", ""]


def test_reload_changes_nothing():
    from rollout5g.audit.models import AuditEvent

    events = AuditEvent.objects.count()
    assert load_regions() == (0, 0, 102)
    assert AuditEvent.objects.count() == events


def test_display_geometry_is_lighter_but_close():
    region = Region.objects.get(adcode="330400")
    full, display = shape(region.geometry), shape(region.display_geometry)
    assert len(str(region.display_geometry)) < len(str(region.geometry))
    assert display.symmetric_difference(full).area / full.area < 0.01


def test_regions_api_and_geojson(client):
    response = client.get("/api/regions/?parent=330400")
    assert response.status_code == 200
    assert {r["adcode"] for r in response.json()} == {"330402", "330411", "330421", "330424", "330481", "330482", "330483"}
    fc = client.get("/api/regions/geojson?level=county&parent=330400").json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 7
    assert "WGS-84" in fc["crs_note"]


def test_region_pages(client):
    assert client.get("/regions/").status_code == 200
    page = client.get("/regions/330400/")
    assert page.status_code == 200 and "南湖区" in page.content.decode()
    assert client.get("/regions/999999/").status_code == 404
