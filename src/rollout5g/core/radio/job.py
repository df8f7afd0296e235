"""The in-memory raster job: cells + areas -> best-server RSRP / SINR / server arrays and a summary.

For areas whose rasters fit in memory (a district, a key area, a test). :func:`run_coverage` returns a
:class:`CoverageResult` with whole arrays; :func:`write_outputs` writes it in the same form as the
streaming engine (Cloud-Optimised GeoTIFFs, the server table, ``summary.json``). A city or a province
goes through :func:`rollout5g.core.radio.stream.run_streaming`, which never holds the whole raster.
The arithmetic is the same: both run the chunk kernel (:func:`rollout5g.core.radio.kernels.run_chunk`).
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
from .stream import (
    NO_SERVICE_RSRP_DBM,
    NO_SERVICE_SERVER,
    NO_SERVICE_SINR_DB,
    NODATA_DB,
    NODATA_SERVER,
    QUANTUM_DB,
    RASTERS,
    ChunkResult,
    GeoTiffSink,
    write_server_table,
)

BACKENDS = ("auto", "cpu", "gpu", "dask")
__all__ = ["BACKENDS", "NODATA_DB", "NODATA_SERVER", "NO_SERVICE_RSRP_DBM", "NO_SERVICE_SERVER", "NO_SERVICE_SINR_DB",
           "CoverageResult", "compute_layer", "has_gpu", "run_coverage", "summarize", "write_outputs"]

Progress = Callable[[int, int], None]


@dataclass
class CoverageResult:
    """Rasters of one coverage run on ``grid``: ``rsrp`` [dBm] and ``sinr`` [dB] float32 with NaN
    where there is no server or outside the areas, ``server`` int32 index into the input cell list
    (CELLS.csv order, -1 = none), ``mask`` the pixels inside the union of the areas, and the
    summary dict; ``cells`` the layer's cells (for the server table)."""

    grid: Grid
    rsrp: np.ndarray
    sinr: np.ndarray
    server: np.ndarray
    mask: np.ndarray
    summary: dict
    evaluations: dict = field(default_factory=dict)
    backend: str = "cpu"
    cells: Cells | None = None
    params: RadioParams | None = None


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
    tile: int | None = None,
    eps: float = 0.05,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """RSRP [dBm], SINR [dB] (float32, NaN nodata and no service) and server index into the caller's cell list
    (int32, -1) on ``grid`` for the pixels in ``mask``; plus counters ``{"exact": n, "lattice": n, "tiles": n}``
    (``tiles``: chunks computed). ``backend`` ``"dask"`` sends chunks to ``scheduler`` (or a LocalCluster of
    ``workers``), ``"gpu"`` to the GPU kernel; ``progress(done, total)`` counts chunks."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
    if backend == "auto":
        backend = "gpu" if has_gpu() else "cpu"
    H, W = grid.shape
    rsrp = np.full((H, W), np.nan, np.float32)
    sinr = np.full((H, W), np.nan, np.float32)
    idx = np.full((H, W), -1, np.int32)
    mask = np.ascontiguousarray(mask, dtype=bool)
    tile = int(tile or kernels.tile_for(grid.res))
    CH = kernels.chunk_for(grid.res) if tile == kernels.tile_for(grid.res) else max(4 * tile, 64)
    corners = kernels.chunk_corners(mask, CH)
    total = len(corners)
    counters = {"exact": 0, "lattice": 0, "tiles": total}
    if progress:
        progress(0, total)
    if len(cells) == 0 or total == 0:
        if progress:
            progress(total, total)
        return rsrp, sinr, idx, counters
    xc, yc = cells.project(grid.crs)
    layer = kernels.Layer(cells, xc, yc, params)
    if backend == "gpu":
        from .gpu import run_tiles_gpu

        ex, la = run_tiles_gpu(layer, mask, grid.x_left, grid.y_top, grid.res, kernels.tile_corners(mask, tile), rsrp,
                               sinr, idx, tile=tile, eps=eps, progress=progress)
    elif backend == "dask":
        from .distributed import run_layer_dask

        ex, la = run_layer_dask(layer, mask, grid, rsrp, sinr, idx, tile=tile, chunk=CH, eps=eps,
                                scheduler=scheduler, workers=workers, progress=progress)
    else:
        payload = layer.payload()
        done = [0]

        def one(rc):
            r0, c0 = int(rc[0]), int(rc[1])
            m = np.zeros((CH, CH), bool)
            h, w = min(CH, H - r0), min(CH, W - c0)
            m[:h, :w] = mask[r0 : r0 + h, c0 : c0 + w]
            rs, si, ix, cnt = kernels.run_chunk(payload, m, r0, c0, grid.x_left, grid.y_top, grid.res, tile=tile,
                                                eps=eps)
            return r0, c0, h, w, m, rs, si, ix, cnt

        ex = la = 0
        for r0, c0, h, w, m, rs, si, ix, cnt in kernels.map_threads(one, corners, threads):
            sub = m[:h, :w]
            rsrp[r0 : r0 + h, c0 : c0 + w][sub] = rs[:h, :w][sub]
            sinr[r0 : r0 + h, c0 : c0 + w][sub] = si[:h, :w][sub]
            idx[r0 : r0 + h, c0 : c0 + w][sub] = ix[:h, :w][sub]
            ex += cnt["exact"]
            la += cnt["lattice"]
            done[0] += 1
            if progress:
                progress(done[0], total)
    counters["exact"], counters["lattice"] = int(ex), int(la)
    return rsrp, sinr, idx, counters


def summarize(rsrp, sinr, mask, area_masks, rsrp_min: float = -105.0, sinr_min: float = -3.0,
              margin_db: float = 0.0) -> dict:
    """Covered share of the union (``mask``) and of each named area mask: ``{"areas": [{"name",
    "covered_share", "pixels"}], "pixels", "covered_share"}`` (share 0.0 for an empty area); covered at the
    location-probability margin ``margin_db`` [dB]."""
    cov = covered(rsrp, sinr, rsrp_min, sinr_min, margin_db)
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
    tile: int | None = None,
    eps: float = 0.05,
) -> CoverageResult:
    """Coverage of ``cells`` (optionally one band / operator) over ``areas`` (``[(name, WGS-84
    shapely polygon)]``) at ``resolution`` [m] in ``crs``, in memory.

    ``backend`` ``"auto"`` uses the GPU when numba.cuda finds one, else the CPU kernels; ``"dask"``
    runs chunks as tasks on ``scheduler`` (address) or a LocalCluster of ``workers``.
    ``progress(done, total)`` is called as chunks complete. The summary's shares are at
    ``params.location_probability``.
    """
    t0 = time.perf_counter()
    params = params or RadioParams()
    crs = check_projected(crs)
    if not areas:
        raise ValueError("no areas given")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
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
        layer_cells, grid, mask, params, backend=backend, progress=progress, scheduler=scheduler, workers=workers,
        tile=tile, eps=eps,
    )
    summary = summarize(rsrp, sinr, mask, area_masks, params.rsrp_min, params.sinr_min, params.margin_db)
    summary["location_probability"] = float(params.location_probability)
    summary["margin_db"] = round(float(params.margin_db), 4)
    summary["seconds"] = round(time.perf_counter() - t0, 3)
    return CoverageResult(grid, rsrp, sinr, server, mask, summary, counters, backend, layer_cells, params)


def write_outputs(result: CoverageResult, out_dir, extra_summary: dict | None = None) -> dict:
    """Write ``rsrp.tif``, ``sinr.tif``, ``server.tif`` (Cloud-Optimised GeoTIFFs, as the streaming engine
    writes them: nodata outside the areas, the no-service floor inside), ``server.csv`` / ``server.json``
    (when the result knows its cells) and ``summary.json`` into ``out_dir``. Files are written to a temporary
    directory beside them and moved in only when all are complete. Returns the summary written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = dict(result.summary)
    if extra_summary:
        summary.update(extra_summary)
    tmp = Path(tempfile.mkdtemp(prefix=".coverage-", dir=out))
    sink = None
    try:
        grid = result.grid
        meta = {}
        if result.params is not None:
            meta = {"MODEL": result.params.model, "LOS_MODE": result.params.los_mode,
                    "LOCATION_PROBABILITY": f"{result.params.location_probability:g}"}
        CH = kernels.CHUNK
        sink = GeoTiffSink(tmp, grid, CH, metadata=meta)
        q = np.float32(1.0 / QUANTUM_DB)
        for r0 in range(0, grid.height, CH):
            for c0 in range(0, grid.width, CH):
                m = result.mask[r0 : r0 + CH, c0 : c0 + CH]
                if not m.any():
                    continue
                srv = result.server[r0 : r0 + CH, c0 : c0 + CH]
                ok = m & (srv >= 0)
                rs = np.where(ok, np.round(result.rsrp[r0 : r0 + CH, c0 : c0 + CH] * q) / q,
                              np.where(m, np.float32(NO_SERVICE_RSRP_DBM), np.float32(NODATA_DB)))
                si = np.where(ok, np.round(result.sinr[r0 : r0 + CH, c0 : c0 + CH] * q) / q,
                              np.where(m, np.float32(NO_SERVICE_SINR_DB), np.float32(NODATA_DB)))
                sv = np.where(m, np.where(ok, srv, NO_SERVICE_SERVER), NODATA_SERVER)
                sink.write(ChunkResult(r0, c0, rs.astype(np.float32), si.astype(np.float32), sv.astype(np.int32),
                                       np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.int64),
                                       np.zeros(0, np.int64), 0, np.zeros(0, np.int64), 0))
        summary["files"] = sink.finish()
        names = list(RASTERS)
        if result.cells is not None:
            write_server_table(tmp, result.cells)
            names += ["server.csv", "server.json"]
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        for name in (*names, "summary.json"):
            os.replace(tmp / name, out / name)
    finally:
        if sink is not None:
            sink.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return summary
