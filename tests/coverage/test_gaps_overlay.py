"""Gap polygons and overlay classes against hand-computed values."""

import numpy as np
import pytest
from shapely.geometry import box

from rollout5g.core.radio.grid import Grid
from rollout5g.coverage.gaps import MIN_GAP_M2, gap_polygons, to_wgs84_geojson
from rollout5g.coverage.overlay import classify, write_overlays

GRID = Grid("EPSG:32651", 300000.0, 3400000.0, 10.0, 40, 30)  # 40 x 30 pixels of 10 m


def test_gap_polygons_areas_and_speck_removal():
    uncovered = np.zeros(GRID.shape, bool)
    uncovered[2:12, 3:13] = True  # a 10 x 10 block: 100 pixels = 10,000 m²
    uncovered[20, 30] = uncovered[20, 31] = True  # a 2-pixel speck: 200 m² < 2,500 m²
    area = box(300000.0, 3400000.0 - 300.0, 300400.0, 3400000.0)  # the whole grid
    polys, dropped = gap_polygons(uncovered, GRID, area)
    assert len(polys) == 1 and polys[0].area == pytest.approx(10_000.0)
    assert polys[0].bounds == pytest.approx((300030.0, 3399880.0, 300130.0, 3399980.0))
    assert dropped == pytest.approx(200.0) and MIN_GAP_M2 == 2500.0


def test_gap_polygons_are_clipped_to_the_area():
    uncovered = np.ones(GRID.shape, bool)
    area = box(300105.0, 3399795.0, 300205.0, 3399895.0)  # 100 m x 100 m, not on pixel edges
    polys, dropped = gap_polygons(uncovered, GRID, area)
    assert len(polys) == 1 and polys[0].area == pytest.approx(10_000.0) and dropped == 0
    assert area.buffer(1e-6).contains(polys[0])
    geo = to_wgs84_geojson(polys, GRID.crs)
    assert geo["type"] == "MultiPolygon" and len(geo["coordinates"]) == 1
    lon, lat = geo["coordinates"][0][0][0]
    assert 120 < lon < 121 and 30 < lat < 31  # UTM 51N near 120.9°E, 30.7°N
    assert gap_polygons(np.zeros(GRID.shape, bool), GRID, area) == ([], 0.0)


def test_overlay_classes():
    rsrp = np.array([[-120.0, -110.0, -100.0], [-90.0, -80.0, np.nan]], np.float32)
    sinr = np.array([[-5.0, -1.0, 3.0], [7.0, 15.0, np.nan]], np.float32)
    mask = np.array([[True, True, True], [True, True, True]])
    cls, colours = classify("rsrp", rsrp, sinr, mask, -105, -3)
    assert cls.tolist() == [[1, 2, 3], [4, 5, 0]] and len(colours) == 6
    cls, _ = classify("sinr", rsrp, sinr, mask, -105, -3)
    assert cls.tolist() == [[1, 2, 3], [4, 5, 0]]
    cls, _ = classify("covered", rsrp, sinr, mask, -105, -3)
    assert cls.tolist() == [[2, 2, 1], [1, 1, 2]]  # no server inside the area: not covered
    mask[0, 0] = False
    assert classify("covered", rsrp, sinr, mask, -105, -3)[0][0, 0] == 0  # outside: transparent


def test_overlay_png_bounds_enclose_the_grid(tmp_path):
    from PIL import Image
    from pyproj import Transformer

    rsrp = np.full(GRID.shape, -90.0, np.float32)
    sinr = np.full(GRID.shape, 5.0, np.float32)
    mask = np.ones(GRID.shape, bool)
    info = write_overlays(tmp_path, GRID, rsrp, sinr, mask, -105, -3)
    (south, west), (north, east) = info["bounds"]
    to_ll = Transformer.from_crs(GRID.crs, "EPSG:4326", always_xy=True)
    for x, y in [(300000, 3400000), (300400, 3399700)]:
        lon, lat = to_ll.transform(x, y)
        assert west - 1e-4 <= lon <= east + 1e-4 and south - 1e-4 <= lat <= north + 1e-4
    img = Image.open(tmp_path / "overlay-covered.png")
    assert img.size == (info["width"], info["height"]) and img.mode == "RGBA"
    centre = img.getpixel((img.width // 2, img.height // 2))
    assert centre[:3] == (0x1A, 0x96, 0x41) and centre[3] > 0  # covered colour
