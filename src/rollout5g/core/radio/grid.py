"""Projected raster grids and the areas clipped onto them.

A :class:`Grid` is north-up, square pixels of ``res`` [m] in a projected CRS (UTM 51N, EPSG:32651,
for Zhejiang; any projected EPSG via pyproj). Pixel (row, col) covers
``[x_left + col*res, x_left + (col+1)*res] x [y_top - (row+1)*res, y_top - row*res]`` and is
evaluated at its centre. Areas (WGS-84 polygons) are projected and rasterised by pixel centre
(rasterio.features.rasterize, ``all_touched=False``): a pixel belongs to an area when its centre
is inside the polygon.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

DEFAULT_CRS = "EPSG:32651"


@dataclass(frozen=True)
class Grid:
    """North-up raster: outer corner ``x_left``, ``y_top`` [m], pixel size ``res`` [m]."""

    crs: str
    x_left: float
    y_top: float
    res: float
    width: int
    height: int

    @classmethod
    def from_bounds(cls, bounds, res: float, crs: str = DEFAULT_CRS) -> Grid:
        """Smallest grid aligned on multiples of ``res`` covering ``(minx, miny, maxx, maxy)`` [m]."""
        minx, miny, maxx, maxy = bounds
        if not res > 0:
            raise ValueError(f"resolution must be > 0 m, got {res}")
        x0 = math.floor(minx / res) * res
        y1 = math.ceil(maxy / res) * res
        w = max(1, math.ceil((maxx - x0) / res))
        h = max(1, math.ceil((y1 - miny) / res))
        return cls(str(crs), float(x0), float(y1), float(res), int(w), int(h))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def transform(self):
        """rasterio ``Affine`` of the grid."""
        from rasterio.transform import from_origin

        return from_origin(self.x_left, self.y_top, self.res, self.res)

    def centers(self, rows, cols) -> tuple[np.ndarray, np.ndarray]:
        """Projected centre ``(x, y)`` [m] of pixels (rows, cols)."""
        rows = np.asarray(rows)
        cols = np.asarray(cols)
        return self.x_left + (cols + 0.5) * self.res, self.y_top - (rows + 0.5) * self.res

    def window(self, row0: int, col0: int, height: int, width: int) -> Grid:
        """The sub-grid starting at pixel (row0, col0)."""
        return Grid(
            self.crs, self.x_left + col0 * self.res, self.y_top - row0 * self.res, self.res, width, height
        )


def check_projected(crs) -> str:
    """Return ``crs`` as a string if pyproj knows it and it is projected (metres), else ValueError."""
    from pyproj import CRS

    try:
        c = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj.exceptions.CRSError
        raise ValueError(f"unknown CRS {crs!r}: {exc}") from None
    if not c.is_projected:
        raise ValueError(f"CRS {crs!r} is not projected; use a metric CRS such as EPSG:32651 (UTM 51N)")
    return str(crs)


def project_geometry(geom, crs, src_crs: str = "EPSG:4326"):
    """Project a shapely geometry from ``src_crs`` (WGS-84 by default) to ``crs``."""
    from pyproj import Transformer

    tr = Transformer.from_crs(src_crs, crs, always_xy=True)

    def f(xy):
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, f)


def read_areas_geojson(path) -> list[tuple[str, object]]:
    """``[(name, shapely geometry in WGS-84)]`` from a GeoJSON FeatureCollection of (multi)polygons.

    Each feature needs a ``name`` property; raises ``ValueError`` naming the file and feature."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot open: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        feats = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        feats = data.get("features") or []
    else:
        raise ValueError(f"{path}: expected a GeoJSON FeatureCollection")
    out = []
    for i, feat in enumerate(feats, start=1):
        props = feat.get("properties") or {}
        name = props.get("name")
        if name is None or str(name).strip() == "":
            raise ValueError(f"{path}: feature {i}: missing 'name' property")
        try:
            geom = shape(feat.get("geometry"))
        except Exception as exc:
            raise ValueError(f"{path}: feature {i} ({name}): bad geometry: {exc}") from None
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(
                f"{path}: feature {i} ({name}): geometry is {geom.geom_type}, expected a polygon"
            )
        if geom.is_empty:
            raise ValueError(f"{path}: feature {i} ({name}): empty geometry")
        minx, miny, maxx, maxy = geom.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise ValueError(f"{path}: feature {i} ({name}): coordinates are not WGS-84 longitude/latitude")
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        out.append((str(name), geom))
    if not out:
        raise ValueError(f"{path}: no features")
    return out


def rasterize_mask(grid: Grid, geom_projected) -> np.ndarray:
    """Boolean (H, W) mask of the pixels whose centre lies inside ``geom_projected``."""
    from rasterio.features import rasterize

    if geom_projected.is_empty:
        return np.zeros(grid.shape, bool)
    arr = rasterize(
        [(geom_projected, 1)],
        out_shape=grid.shape,
        transform=grid.transform,
        fill=0,
        all_touched=False,
        dtype="uint8",
    )
    return arr.astype(bool)


def grid_for_areas(areas_projected, res: float, crs: str) -> Grid:
    """Grid covering the union of the projected area geometries."""
    bounds = shapely.union_all([g for _, g in areas_projected]).bounds
    return Grid.from_bounds(bounds, res, crs)
