"""Gap polygons: the uncovered part of a key area as polygons a planner can draw on a map and export.

Uncovered pixels (inside the area, not meeting the coverage criterion, no server counted as uncovered) are
polygonised with ``rasterio.features.shapes`` (each pixel a square of the grid), merged, clipped to the area's
polygon (a pixel belongs to an area by its centre, so its square may stick out by half a pixel), simplified with
a tolerance of half a pixel, and reprojected to WGS-84.

Specks are dropped: a gap polygon smaller than ``MIN_GAP_M2`` = 2,500 m² (a 50 m x 50 m block, about the
footprint of one building block — below that a new site is never the answer and the prediction's own error
dominates) is left out; the area dropped is reported so the table can say so.

The GeoJSON follows RFC 7946: WGS-84 longitude/latitude (no ``crs`` member), exterior rings counter-clockwise
and holes clockwise (clause 3.1.6, the right-hand rule), coordinates rounded to 7 decimals (about 1 cm).
A run reads its gaps from its own GeoTIFFs (:func:`gap_polygons_from_files`), one key area's window at a time.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import mapping, shape

MIN_GAP_M2 = 2500.0


def gap_polygons(uncovered: np.ndarray, grid, area_projected, *, min_m2: float = MIN_GAP_M2):
    """Uncovered parts of ``area_projected`` (a shapely geometry in ``grid.crs``) from the boolean
    ``uncovered`` raster on ``grid``. Returns ``(polygons, dropped_m2)``: a list of projected shapely Polygons
    of at least ``min_m2`` each, and the total area of the dropped specks [m²]."""
    from rasterio.features import shapes

    if not uncovered.any():
        return [], 0.0
    # only the area's bounding window: polygonising the whole city raster per key area would be wasteful
    minx, miny, maxx, maxy = area_projected.bounds
    c0 = max(0, int(np.floor((minx - grid.x_left) / grid.res)) - 1)
    c1 = min(grid.width, int(np.ceil((maxx - grid.x_left) / grid.res)) + 1)
    r0 = max(0, int(np.floor((grid.y_top - maxy) / grid.res)) - 1)
    r1 = min(grid.height, int(np.ceil((grid.y_top - miny) / grid.res)) + 1)
    window = np.ascontiguousarray(uncovered[r0:r1, c0:c1], dtype=np.uint8)
    if window.size == 0 or not window.any():
        return [], 0.0
    sub = grid.window(r0, c0, r1 - r0, c1 - c0)
    squares = [shape(geom) for geom, value in shapes(window, mask=window.astype(bool), transform=sub.transform)
               if value == 1]
    merged = shapely.union_all(squares)
    clipped = shapely.intersection(merged, area_projected)
    # simplifying moves edges by up to half a pixel, also outwards: clip again so a gap never leaves its area
    simplified = shapely.make_valid(shapely.simplify(clipped, grid.res / 2.0, preserve_topology=True))
    simplified = shapely.intersection(simplified, shapely.make_valid(area_projected))
    kept, dropped = [], 0.0
    for poly in _polygons(simplified):
        if poly.area >= min_m2:
            kept.append(poly)
        else:
            dropped += poly.area
    return kept, float(dropped)


def _polygons(geom):
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for part in geom.geoms:
            out.extend(_polygons(part))
        return out
    return []  # lines / points left by clipping have no area


def to_wgs84_geojson(polygons, crs: str) -> dict:
    """A GeoJSON MultiPolygon (WGS-84 lon/lat, 7 decimals ~ 1 cm) of projected ``polygons``, oriented as RFC 7946
    asks: exterior rings counter-clockwise, holes clockwise."""
    from pyproj import Transformer

    tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def f(xy):
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    if not polygons:
        return {"type": "MultiPolygon", "coordinates": []}
    merged = shapely.make_valid(shapely.transform(shapely.union_all(polygons), f))
    geo = shapely.set_precision(merged, 1e-7)
    parts = [shapely.orient_polygons(g, exterior_cw=False) for g in _polygons(geo)]
    if not parts:
        return {"type": "MultiPolygon", "coordinates": []}
    return _plain(mapping(shapely.MultiPolygon(parts)))


def rings_follow_rfc7946(geometry: dict) -> bool:
    """True when every exterior ring of a GeoJSON (Multi)Polygon is counter-clockwise and every hole clockwise."""
    from shapely.geometry import LinearRing

    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for rings in polys:
        for k, ring in enumerate(rings):
            ccw = LinearRing(ring).is_ccw
            if ccw != (k == 0):
                return False
    return True


def gap_polygons_from_files(out_dir, area_wgs84, rsrp_min: float, sinr_min: float, margin_db: float = 0.0, *,
                            min_m2: float = MIN_GAP_M2):
    """Gap polygons of one area from a run's ``rsrp.tif`` / ``sinr.tif`` / ``server.tif``: only the area's window
    is read. Uncovered = RSRP < rsrp_min + margin, SINR < sinr_min + margin, or no service. Returns
    ``(projected polygons, dropped m², crs)``."""
    import rasterio
    from rasterio.features import rasterize
    from rasterio.windows import Window

    from rollout5g.core.radio.grid import Grid, project_geometry

    with rasterio.open(out_dir / "rsrp.tif") as r, rasterio.open(out_dir / "sinr.tif") as s, \
            rasterio.open(out_dir / "server.tif") as v:
        crs = r.crs.to_string()
        tf = r.transform
        grid = Grid(crs, tf.c, tf.f, tf.a, r.width, r.height)
        area = project_geometry(area_wgs84, crs)
        minx, miny, maxx, maxy = area.bounds
        c0 = max(0, int(np.floor((minx - grid.x_left) / grid.res)) - 1)
        c1 = min(grid.width, int(np.ceil((maxx - grid.x_left) / grid.res)) + 1)
        r0 = max(0, int(np.floor((grid.y_top - maxy) / grid.res)) - 1)
        r1 = min(grid.height, int(np.ceil((grid.y_top - miny) / grid.res)) + 1)
        if r1 <= r0 or c1 <= c0:
            return [], 0.0, crs
        win = Window(c0, r0, c1 - c0, r1 - r0)
        rsrp, sinr, server = r.read(1, window=win), s.read(1, window=win), v.read(1, window=win)
    sub = grid.window(r0, c0, r1 - r0, c1 - c0)
    inside = rasterize([(area, 1)], out_shape=sub.shape, transform=sub.transform, fill=0, all_touched=False,
                       dtype="uint8").astype(bool)
    covered = (server >= 0) & (rsrp >= rsrp_min + margin_db) & (sinr >= sinr_min + margin_db)
    polys, dropped = gap_polygons(inside & ~covered, sub, area, min_m2=min_m2)
    return polys, dropped, crs


def _plain(obj):
    """shapely's mapping() gives tuples; JSONField round-trips lists, so store lists (equal before and after)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj
