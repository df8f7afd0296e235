"""GCJ-02 conversion against the published test pairs of googollee/eviltransform
(python/test.py: Shanghai, Shenzhen, Beijing; wgsLat, wgsLng, gcjLat, gcjLng)."""

import numpy as np
import pytest

from rollout5g.core import geo

# (wgs_lat, wgs_lon, gcj_lat, gcj_lon) — eviltransform's reference table.
PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize("wlat,wlon,glat,glon", PAIRS)
def test_wgs84_to_gcj02_matches_reference(wlat, wlon, glat, glon):
    lon, lat = geo.wgs84_to_gcj02(wlon, wlat)
    # tolerance 1e-9 degree (~0.1 mm): the reference values are printed to ~15 digits
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize("wlat,wlon,glat,glon", PAIRS)
def test_gcj02_to_wgs84_inverts_reference(wlat, wlon, glat, glon):
    lon, lat = geo.gcj02_to_wgs84(glon, glat)
    # tolerance 1e-8 degree (~1 mm)
    assert lon == pytest.approx(wlon, abs=1e-8)
    assert lat == pytest.approx(wlat, abs=1e-8)


def test_arrays_round_trip_over_zhejiang():
    rng = np.random.default_rng(1)
    lon = rng.uniform(118.0, 123.0, 1000)
    lat = rng.uniform(27.0, 31.2, 1000)
    g_lon, g_lat = geo.wgs84_to_gcj02(lon, lat)
    # the offset in Zhejiang is a few hundred metres, never zero
    offset = geo.haversine_m(lon, lat, g_lon, g_lat)
    assert offset.min() > 100 and offset.max() < 1000
    back_lon, back_lat = geo.gcj02_to_wgs84(g_lon, g_lat)
    assert np.max(np.abs(back_lon - lon)) < 1e-8
    assert np.max(np.abs(back_lat - lat)) < 1e-8


def test_outside_china_unchanged():
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_unknown_crs_lists_valid_ones():
    with pytest.raises(ValueError, match="wgs84, cgcs2000, gcj02"):
        geo.to_wgs84(120.0, 30.0, "bd09")


def test_transform_geojson_geometry_polygon():
    poly = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.0]]]}
    out = geo.transform_geojson_geometry(poly, geo.gcj02_to_wgs84)
    assert out["type"] == "Polygon"
    assert len(out["coordinates"][0]) == 4
    assert out["coordinates"][0][0] != [120.0, 30.0]


def test_transform_geojson_geometry_polygon_with_hole_and_multipolygon():
    outer = [[120.0, 30.0], [120.2, 30.0], [120.2, 30.2], [120.0, 30.0]]
    hole = [[120.05, 30.05], [120.1, 30.05], [120.1, 30.1], [120.05, 30.05], [120.05, 30.05]]
    multi = {"type": "MultiPolygon", "coordinates": [[outer, hole], [outer]]}
    out = geo.transform_geojson_geometry(multi, geo.gcj02_to_wgs84)
    assert [len(r) for r in out["coordinates"][0]] == [4, 5]
    back = geo.transform_geojson_geometry(out, geo.wgs84_to_gcj02)
    assert back["coordinates"][0][1][0] == pytest.approx(hole[0], abs=1e-6)
