"""The raster job: cells + areas -> best-server RSRP / SINR / server rasters, GeoTIFFs and a summary.

:func:`run_coverage` projects cells and areas onto a grid (EPSG:32651 by default), rasterises the
areas, computes the layer with the CPU kernels (numba), the GPU kernel (numba.cuda) or Dask, and
returns a :class:`CoverageResult`; :func:`write_outputs` writes ``rsrp.tif``, ``sinr.tif``,
``server.tif`` and ``summary.json`` into a directory, all or nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import kernels
from .cells import Cells
from .grid import DEFAULT_CRS, Grid, check_projected, grid_for_areas, project_geometry, rasterize_mask
from .link import RadioParams, covered

NODATA_DB = -9999.0  # nodata of rsrp.tif / sinr.tif
NODATA_SERVER = -1  # nodata of server.tif
BACKENDS = ("auto", "cpu", "gpu", "dask")

Progress = Callable[[int, int], None]


@dataclass
class CoverageResult:
    """Rasters of one coverage run on ``grid``: ``rsrp`` [dBm] and ``sinr`` [dB] float32 with NaN
    where there is no server or outside the areas, ``server`` int32 index into the input cell list
    (CELLS.csv order, -1 = none), ``mask`` the pixels inside the union of the areas, and the
    summary dict."""

    grid: Grid
    rsrp: np.ndarray
    sinr: np.ndarray
    server: np.ndarray
    mask: np.ndarray
    summary: dict
    evaluations: dict = field(default_factory=dict)
    backend: str = "cpu"


def has_gpu() -> bool:
    """True when numba.cuda sees a usable (non-simulated) GPU."""
    try:
        from numba import config

        if config.ENABLE_CUDASIM:
            return False
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:
        return False


def compute_layer(
    cells: Cells,
    grid: Grid,
    mask: np.ndarray,
    params: RadioParams,
    *,
    backend: str = "cpu",
    progress: Progress | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    tile: int = kernels.TILE,
    eps: float = 0.05,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """RSRP [dBm], SINR [dB] (float32, NaN nodata) and server index into ``cells`` (int32, -1) on
    ``grid`` for the pixels in ``mask``; plus counters ``{"exact": n, "lattice": n, "tiles": n}``."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
    xc, yc = cells.project(grid.crs) if len(cells) else (np.zeros(0), np.zeros(0))
    layer = kernels.Layer(cells, xc, yc, params)
    H, W = grid.shape
    rsrp = np.full((H, W), np.nan, np.float32)
    sinr = np.full((H, W), np.nan, np.float32)
    idx = np.full((H, W), -1, np.int32)
    mask = np.ascontiguousarray(mask, dtype=bool)
    tiles = kernels.tile_corners(mask, tile)
    total = len(tiles)
    counters = {"exact": 0, "lattice": 0, "tiles": total}
    if backend == "auto":
        backend = "gpu" if has_gpu() else "cpu"
    if progress:
        progress(0, total)
    if len(layer) == 0 or total == 0:
        if progress:
            progress(total, total)
        return rsrp, sinr, idx, counters
    if backend == "gpu":
        from .gpu import run_tiles_gpu

        ex, la = run_tiles_gpu(
            layer,
            mask,
            grid.x_left,
            grid.y_top,
            grid.res,
            tiles,
            rsrp,
            sinr,
            idx,
            tile=tile,
            eps=eps,
            progress=progress,
        )
    elif backend == "dask":
        from .distributed import run_tiles_dask

        ex, la = run_tiles_dask(
            layer,
            mask,
            grid,
            tiles,
            rsrp,
            sinr,
            idx,
            tile=tile,
            eps=eps,
            scheduler=scheduler,
            workers=workers,
            progress=progress,
        )
    else:
        batch = max(8, min(256, -(-total // 40)))
        ex = la = 0
        for a in range(0, total, batch):
            e, la_ = kernels.run_tiles(
                layer,
                mask,
                grid.x_left,
                grid.y_top,
                grid.res,
                tiles[a : a + batch],
                rsrp,
                sinr,
                idx,
                tile=tile,
                eps=eps,
            )
            ex += e
            la += la_
            if progress:
                progress(min(a + batch, total), total)
    counters["exact"], counters["lattice"] = int(ex), int(la)
    return rsrp, sinr, idx, counters


def summarize(rsrp, sinr, mask, area_masks, rsrp_min: float = -105.0, sinr_min: float = -3.0) -> dict:
    """Covered share of the union (``mask``) and of each named area mask: ``{"areas": [{"name",
    "covered_share", "pixels"}], "pixels", "covered_share"}`` (share 0.0 for an empty area)."""
    cov = covered(rsrp, sinr, rsrp_min, sinr_min)
    areas = []
    for name, m in area_masks:
        n = int(m.sum())
        c = int((cov & m).sum())
        areas.append({"name": name, "covered_share": (c / n) if n else 0.0, "pixels": n})
    n = int(mask.sum())
    c = int((cov & mask).sum())
    return {"areas": areas, "pixels": n, "covered_share": (c / n) if n else 0.0}


def run_coverage(
    cells: Cells,
    areas,
    *,
    resolution: float = 20.0,
    crs: str = DEFAULT_CRS,
    params: RadioParams | None = None,
    band: str | None = None,
    operator: str | None = None,
    backend: str = "auto",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    tile: int = kernels.TILE,
    eps: float = 0.05,
) -> CoverageResult:
    """Coverage of ``cells`` (optionally one band / operator) over ``areas`` (``[(name, WGS-84
    shapely polygon)]``) at ``resolution`` [m] in ``crs``.

    ``backend`` ``"auto"`` uses the GPU when numba.cuda finds one, else the CPU kernels; ``"dask"``
    runs tiles as tasks on ``scheduler`` (address) or a LocalCluster of ``workers``.
    ``progress(done_tiles, total_tiles)`` is called as tiles complete.
    """
    t0 = time.perf_counter()
    params = params or RadioParams()
    crs = check_projected(crs)
    if not areas:
        raise ValueError("no areas given")
    layer_cells = cells.filter(band=band, operator=operator) if (band or operator) else cells
    if (band or operator) and len(layer_cells) == 0:
        raise ValueError(f"no cells match band={band!r} operator={operator!r}")
    params.check_cells(layer_cells.freq_ghz)
    projected = [(name, project_geometry(g, crs)) for name, g in areas]
    grid = grid_for_areas(projected, resolution, crs)
    area_masks = [(name, rasterize_mask(grid, g)) for name, g in projected]
    mask = np.zeros(grid.shape, bool)
    for _, m in area_masks:
        mask |= m
    if backend == "auto":
        backend = "gpu" if has_gpu() else "cpu"
    rsrp, sinr, server, counters = compute_layer(
        layer_cells,
        grid,
        mask,
        params,
        backend=backend,
        progress=progress,
        scheduler=scheduler,
        workers=workers,
        tile=tile,
        eps=eps,
    )
    summary = summarize(rsrp, sinr, mask, area_masks, params.rsrp_min, params.sinr_min)
    summary["seconds"] = round(time.perf_counter() - t0, 3)
    return CoverageResult(grid, rsrp, sinr, server, mask, summary, counters, backend)


def _write_tif(path: Path, grid: Grid, arr: np.ndarray, nodata) -> None:
    import rasterio

    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": arr.dtype.name,
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "zlevel": 1,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr, 1)


def write_outputs(result: CoverageResult, out_dir, extra_summary: dict | None = None) -> dict:
    """Write ``rsrp.tif``, ``sinr.tif`` (float32, nodata -9999), ``server.tif`` (int32, nodata -1)
    and ``summary.json`` into ``out_dir``. Files are written to a temporary directory beside it
    and moved in only when all are complete. Returns the summary written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = dict(result.summary)
    if extra_summary:
        summary.update(extra_summary)
    tmp = Path(tempfile.mkdtemp(prefix=".coverage-", dir=out))
    try:
        rsrp = np.where(np.isnan(result.rsrp), NODATA_DB, result.rsrp).astype(np.float32)
        sinr = np.where(np.isnan(result.sinr), NODATA_DB, result.sinr).astype(np.float32)
        _write_tif(tmp / "rsrp.tif", result.grid, rsrp, NODATA_DB)
        _write_tif(tmp / "sinr.tif", result.grid, sinr, NODATA_DB)
        _write_tif(tmp / "server.tif", result.grid, result.server.astype(np.int32), NODATA_SERVER)
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        for name in ("rsrp.tif", "sinr.tif", "server.tif", "summary.json"):
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary
