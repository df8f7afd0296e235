"""Map overlays of a run: coloured PNGs of RSRP, SINR and covered-or-not for a Leaflet ``ImageOverlay``.

Leaflet draws an image overlay by stretching it linearly between the Web-Mercator (EPSG:3857) positions of its
south-west and north-east corners. The rasters are on a UTM grid, so they are warped to EPSG:3857 first
(``rasterio.warp.reproject``, nearest neighbour, so a class colour never blends into a false one); the corners
are then given back in WGS-84 latitude/longitude, which is exact for Leaflet's default CRS. The image is capped
at ``MAX_SIDE`` pixels a side (a whole-city 20 m run is ~3,500 px wide): detail beyond the screen's is wasted.
A run's overlays are drawn from its Cloud-Optimised GeoTIFFs (:func:`write_overlays_from_files`), read at that
size through their overviews (nearest neighbour: every pixel shown is a computed one), so a province-sized run
never loads its full rasters.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .choices import OverlayLayer

MAX_SIDE = 2048
ALPHA = 200  # of 255: the county boundaries stay readable under the overlay

# (upper bound of the class, colour, legend label); the last bound is +inf
RSRP_CLASSES = [
    (-115.0, "#b2182b", "< -115 dBm"),
    (-105.0, "#ef8a62", "-115 … -105 dBm"),
    (-95.0, "#fddb6d", "-105 … -95 dBm"),
    (-85.0, "#a6d96a", "-95 … -85 dBm"),
    (-75.0, "#1a9641", "-85 … -75 dBm"),
    (np.inf, "#00582e", "≥ -75 dBm"),
]
SINR_CLASSES = [
    (-3.0, "#b2182b", "< -3 dB"),
    (0.0, "#ef8a62", "-3 … 0 dB"),
    (5.0, "#fddb6d", "0 … 5 dB"),
    (10.0, "#a6d96a", "5 … 10 dB"),
    (20.0, "#1a9641", "10 … 20 dB"),
    (np.inf, "#00582e", "≥ 20 dB"),
]
COVERED_COLOUR, UNCOVERED_COLOUR = "#1a9641", "#d7301f"


def legend(layer: str, rsrp_min: float, sinr_min: float, probability: float = 0.5,
           margin_db: float = 0.0) -> list[tuple[str, str]]:
    """``[(colour, label)]`` of a layer, for the page's legend; the covered layer names its location probability
    and shadow-fading margin."""
    from django.utils.translation import gettext as _

    if layer == OverlayLayer.RSRP:
        return [(c, label) for _, c, label in RSRP_CLASSES]
    if layer == OverlayLayer.SINR:
        return [(c, label) for _, c, label in SINR_CLASSES]
    at = _("at %(p)s of locations (margin %(m)s dB)") % {"p": f"{probability:.0%}", "m": f"{margin_db:.1f}"}
    return [(COVERED_COLOUR, f"RSRP ≥ {rsrp_min:g} dBm, SINR ≥ {sinr_min:g} dB {at}"),
            (UNCOVERED_COLOUR, f"RSRP < {rsrp_min:g} dBm or SINR < {sinr_min:g} dB {at}")]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def classify(layer: str, rsrp: np.ndarray, sinr: np.ndarray, mask: np.ndarray, rsrp_min: float,
             sinr_min: float, margin_db: float = 0.0) -> tuple[np.ndarray, list[str]]:
    """uint8 class index per pixel (0 = transparent) and the class colours (index 1..n)."""
    cls = np.zeros(rsrp.shape, np.uint8)
    if layer in (OverlayLayer.RSRP, OverlayLayer.SINR):
        values, classes = (rsrp, RSRP_CLASSES) if layer == OverlayLayer.RSRP else (sinr, SINR_CLASSES)
        bounds = np.array([b for b, _, _ in classes[:-1]], np.float32)
        valid = mask & ~np.isnan(values)
        cls[valid] = np.searchsorted(bounds, values[valid], side="right").astype(np.uint8) + 1
        return cls, [c for _, c, _ in classes]
    from rollout5g.core.radio.link import covered

    cov = covered(rsrp, sinr, rsrp_min, sinr_min, margin_db)
    cls[mask] = 2
    cls[mask & cov] = 1
    return cls, [COVERED_COLOUR, UNCOVERED_COLOUR]


def write_overlays_from_files(out_dir, rsrp_min: float, sinr_min: float, margin_db: float = 0.0) -> dict:
    """:func:`write_overlays` from a run's ``rsrp.tif`` / ``sinr.tif`` / ``server.tif`` read at about ``MAX_SIDE``
    pixels a side (their overviews); no-service pixels show as not covered."""
    from rollout5g.core.radio.grid import Grid
    from rollout5g.core.radio.stream import read_decimated

    out = Path(out_dir)
    rsrp, tf, crs, nodata = read_decimated(out / "rsrp.tif", MAX_SIDE)
    sinr, _, _, _ = read_decimated(out / "sinr.tif", MAX_SIDE)
    server, _, _, _ = read_decimated(out / "server.tif", MAX_SIDE)
    mask = rsrp != nodata
    served = server >= 0
    rsrp = np.where(served, rsrp, np.nan).astype(np.float32)
    sinr = np.where(served, sinr, np.nan).astype(np.float32)
    grid = Grid(crs, tf.c, tf.f, tf.a, rsrp.shape[1], rsrp.shape[0])
    return write_overlays(out, grid, rsrp, sinr, mask, rsrp_min, sinr_min, margin_db)


def write_overlays(out_dir, grid, rsrp, sinr, mask, rsrp_min: float, sinr_min: float, margin_db: float = 0.0) -> dict:
    """Write ``overlay-<layer>.png`` for every layer into ``out_dir``; return the bounds
    ``{"bounds": [[south, west], [north, east]], "width", "height"}`` shared by the three images."""
    from PIL import Image
    from pyproj import Transformer
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    H, W = grid.shape
    left, top = grid.x_left, grid.y_top
    right, bottom = left + W * grid.res, top - H * grid.res
    transform, width, height = calculate_default_transform(grid.crs, "EPSG:3857", W, H, left, bottom, right, top)
    scale = max(width, height) / MAX_SIDE
    if scale > 1:
        transform, width, height = calculate_default_transform(
            grid.crs, "EPSG:3857", W, H, left, bottom, right, top,
            dst_width=max(1, round(width / scale)), dst_height=max(1, round(height / scale)))
    x0, y0 = transform.c, transform.f
    x1, y1 = x0 + transform.a * width, y0 + transform.e * height
    to_ll = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    west, north = to_ll.transform(x0, y0)
    east, south = to_ll.transform(x1, y1)
    out = Path(out_dir)
    for layer in OverlayLayer.values:
        cls, colours = classify(layer, rsrp, sinr, mask, rsrp_min, sinr_min, margin_db)
        warped = np.zeros((height, width), np.uint8)
        reproject(cls, warped, src_transform=grid.transform, src_crs=grid.crs, dst_transform=transform,
                  dst_crs="EPSG:3857", resampling=Resampling.nearest, src_nodata=0, dst_nodata=0)
        palette = np.zeros((len(colours) + 1, 4), np.uint8)
        for i, colour in enumerate(colours, start=1):
            palette[i] = (*_rgb(colour), ALPHA)
        rgba = palette[warped]
        buf = io.BytesIO()
        Image.fromarray(rgba, "RGBA").save(buf, "PNG", optimize=False, compress_level=6)
        tmp = out / f".overlay-{layer}.png"
        tmp.write_bytes(buf.getvalue())
        tmp.replace(out / f"overlay-{layer}.png")
    return {"bounds": [[south, west], [north, east]], "width": int(width), "height": int(height)}
