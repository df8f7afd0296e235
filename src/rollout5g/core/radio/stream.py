"""The streaming raster job: chunk by chunk from the kernels to Cloud-Optimised GeoTIFFs and KPI sums.

Memory is bounded by the chunks in flight, not by the area's bounding box:

1. :func:`make_plan` projects the areas (WGS-84 polygons) onto a grid (EPSG:32651 by default) and
   lists the chunks (``CHUNK`` x ``CHUNK`` pixels) that touch the union of the areas; a chunk
   wholly outside is never computed nor written (the files are sparse there).
2. Each chunk is computed by a worker — a thread of this process (the kernel releases the GIL), a
   Dask worker, or the GPU — which rasterises its own window of the areas (a chunk inside an area
   needs no rasterising), runs the kernel, and returns the chunk's rasters with its **KPI partial
   sums** per area: pixels, pixels covered at each location probability, pixels without service.
3. The client writes each chunk's window into tiled temporary GeoTIFFs as it arrives and adds the
   partial sums; it never holds the whole raster. At the end each file is copied into a
   Cloud-Optimised GeoTIFF (GDAL's COG driver: 256 x 256 internal tiles, DEFLATE with the floating
   point / horizontal predictor, nearest-neighbour overviews down to one tile, band description,
   unit and the no-service convention in the metadata), and the sidecar table of ``server.tif``
   (``server.csv`` and ``server.json``: index -> cell id, site, operator, band, carrier) and
   ``summary.json`` are written. Everything goes to a temporary folder first and is moved in whole.

Values: ``rsrp.tif`` [dBm] and ``sinr.tif`` [dB] float32, nodata -9999 **only outside the areas**;
a pixel inside where no cell is above the noise floor ("no service") holds the floor values
``NO_SERVICE_RSRP_DBM`` = -150 dBm and ``NO_SERVICE_SINR_DB`` = -50 dB, and ``server.tif`` (int32)
holds -1 there, -2 (its nodata) outside. RSRP and SINR are stored on a 1/256 dB grid (±0.002 dB), which
halves the files.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .grid import DEFAULT_CRS, Grid, check_projected, grid_for_areas, project_geometry

NODATA_DB = -9999.0  # nodata of rsrp.tif / sinr.tif: outside the areas
NODATA_SERVER = -2  # nodata of server.tif: outside the areas
NO_SERVICE_RSRP_DBM = -150.0  # rsrp.tif inside the areas where no cell is above the noise floor
NO_SERVICE_SINR_DB = -50.0  # sinr.tif there
NO_SERVICE_SERVER = -1  # server.tif there
QUANTUM_DB = 1.0 / 256.0  # [dB] storage grid of rsrp.tif / sinr.tif
STANDARD_PROBABILITIES = (0.5, 0.9, 0.95)  # location probabilities every summary reports
GDAL_CACHE_MB = 64  # GDAL's block cache while writing (bounds the writer's memory)
RASTERS = ("rsrp.tif", "sinr.tif", "server.tif")
SIDE_FILES = ("server.csv", "server.json", "summary.json")

Progress = Callable[[int, int], None]


@dataclass
class Plan:
    """Where to compute: the grid, the chunk edge [pixel], the chunks touching the areas
    (``corners`` (k, 3): row, column, 1 when the chunk lies wholly inside the union), and the areas
    projected to the grid's CRS."""

    grid: Grid
    chunk: int
    corners: np.ndarray
    names: list[str]
    areas: list  # projected shapely geometries, parallel to names
    union: object

    @property
    def total(self) -> int:
        return len(self.corners)


def make_plan(areas, resolution: float, crs: str = DEFAULT_CRS, chunk: int | None = None) -> Plan:
    """Plan a run over ``areas`` (``[(name, WGS-84 shapely polygon)]``) at ``resolution`` [m] in ``crs``."""
    import shapely

    from .kernels import chunk_for

    chunk = int(chunk or chunk_for(resolution))
    crs = check_projected(crs)
    if not areas:
        raise ValueError("no areas given")
    projected = [(str(name), project_geometry(g, crs)) for name, g in areas]
    grid = grid_for_areas(projected, resolution, crs)
    union = shapely.union_all([g for _, g in projected])
    nr, nc = -(-grid.height // chunk), -(-grid.width // chunk)
    rows, cols = np.meshgrid(np.arange(nr) * chunk, np.arange(nc) * chunk, indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    x0 = grid.x_left + cols * grid.res
    y1 = grid.y_top - rows * grid.res
    x1 = x0 + chunk * grid.res
    y0 = y1 - chunk * grid.res
    boxes = shapely.box(x0, y0, x1, y1)
    shapely.prepare(union)
    hit = shapely.intersects(union, boxes)
    inside = np.zeros(hit.shape, bool)
    # a chunk is "inside" only when it also lies within the grid (edge chunks are clipped)
    within_grid = (rows + chunk <= grid.height) & (cols + chunk <= grid.width)
    if hit.any():
        inside[hit] = shapely.contains_properly(union, boxes[hit]) & within_grid[hit]
    corners = np.column_stack([rows[hit], cols[hit], inside[hit].astype(np.int64)]).astype(np.int64)
    return Plan(grid, chunk, corners, [n for n, _ in projected], [g for _, g in projected], union)


@dataclass
class ChunkResult:
    """One computed chunk: its top-left pixel, the rasters as stored (outside the grid trimmed), the KPI
    partial sums per area it touches and the kernel counters."""

    r0: int
    c0: int
    rsrp: np.ndarray
    sinr: np.ndarray
    server: np.ndarray
    area_index: np.ndarray  # indices into Plan.names
    pixels: np.ndarray  # per area in area_index
    covered: np.ndarray  # (len(area_index), len(probabilities))
    no_service: np.ndarray
    union_pixels: int
    union_covered: np.ndarray  # per probability
    union_no_service: int
    counters: dict = field(default_factory=dict)


class ChunkContext:
    """Everything a worker needs to compute chunks (picklable: scattered once to Dask workers).

    ``payload`` the kernel arrays (:meth:`kernels.Layer.payload`); ``margins`` [dB] the location-probability
    margins of ``probabilities``; ``rsrp_min`` [dBm], ``sinr_min`` [dB] the coverage criterion."""

    def __init__(self, plan: Plan, payload: dict, *, rsrp_min: float, sinr_min: float, probabilities, margins,
                 tile: int, eps: float, backend: str = "cpu", gpu_layer=None):
        self.grid = plan.grid
        self.chunk = plan.chunk
        self.areas = list(plan.areas)
        self.union = plan.union
        self.payload = payload
        self.rsrp_min = float(rsrp_min)
        self.sinr_min = float(sinr_min)
        self.probabilities = tuple(float(p) for p in probabilities)
        self.margins = tuple(float(m) for m in margins)
        self.tile = int(tile)
        self.eps = float(eps)
        self.backend = backend
        self._cache = None
        self._gpu_layer = gpu_layer
        self._lock = threading.Lock()

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = None
        state["_gpu_layer"] = None
        state["_lock"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _prepared(self):
        if self._cache is None:
            import shapely

            tree = shapely.STRtree(self.areas)
            for g in self.areas:
                shapely.prepare(g)
            shapely.prepare(self.union)
            self._cache = tree
        return self._cache

    def _window_mask(self, geom, r0: int, c0: int, box) -> np.ndarray | None:
        """Mask of the chunk's pixels whose centre lies in ``geom`` (None: the whole chunk)."""
        import shapely
        from rasterio.features import rasterize

        if shapely.contains_properly(geom, box):
            return None
        part = shapely.clip_by_rect(geom, *box.bounds)
        CH = self.chunk
        if part.is_empty:
            return np.zeros((CH, CH), bool)
        sub = self.grid.window(r0, c0, CH, CH)
        return rasterize([(part, 1)], out_shape=(CH, CH), transform=sub.transform, fill=0, all_touched=False,
                         dtype="uint8").astype(bool)

    def masks(self, r0: int, c0: int, inside: bool):
        """(union mask of the chunk (CH x CH, False outside the grid), [(area index, mask or None)]).

        One thread at a time: GEOS prepared geometries are not safe to share between threads."""
        with self._lock:
            return self._masks(r0, c0, inside)

    def _masks(self, r0: int, c0: int, inside: bool):
        import shapely

        tree = self._prepared()
        CH = self.chunk
        g = self.grid
        x0 = g.x_left + c0 * g.res
        y1 = g.y_top - r0 * g.res
        box = shapely.box(x0, y1 - CH * g.res, x0 + CH * g.res, y1)
        if inside:
            union = np.ones((CH, CH), bool)
        else:
            m = self._window_mask(self.union, r0, c0, box)
            union = np.ones((CH, CH), bool) if m is None else m
        h, w = min(CH, g.height - r0), min(CH, g.width - c0)
        if h < CH:
            union[h:] = False
        if w < CH:
            union[:, w:] = False
        areas = []
        for k in np.sort(tree.query(box, predicate="intersects")):
            areas.append((int(k), self._window_mask(self.areas[k], r0, c0, box)))
        return union, areas

    def compute(self, r0: int, c0: int, inside: bool) -> ChunkResult:
        """Compute one chunk (CPU kernel) and its KPI partial sums."""
        from .kernels import run_chunk

        union, areas = self.masks(r0, c0, inside)
        rsrp, sinr, server, counters = run_chunk(
            self.payload, union, r0, c0, self.grid.x_left, self.grid.y_top, self.grid.res, tile=self.tile,
            eps=self.eps, no_rsrp=NO_SERVICE_RSRP_DBM, no_sinr=NO_SERVICE_SINR_DB,
        )
        return self.finish(r0, c0, union, areas, rsrp, sinr, server, counters)

    def finish(self, r0, c0, union, areas, rsrp, sinr, server, counters) -> ChunkResult:
        """Stored values and KPI partial sums of a computed chunk."""
        g = self.grid
        CH = self.chunk
        h, w = min(CH, g.height - r0), min(CH, g.width - c0)
        # the stored values (on the 1/256 dB grid) are the ones the KPIs count, so files and sums agree exactly
        q = np.float32(1.0 / QUANTUM_DB)
        rsrp = np.round(rsrp * q) / q
        sinr = np.round(sinr * q) / q
        served = union & (server >= 0)
        ok = []
        for m in self.margins:
            with np.errstate(invalid="ignore"):
                ok.append(served & (rsrp >= self.rsrp_min + m) & (sinr >= self.sinr_min + m))
        no_service = union & ~served
        idx, pix, cov, nos = [], [], [], []
        for k, am in areas:
            sel = union if am is None else (am & union)
            idx.append(k)
            pix.append(int(sel.sum()))
            cov.append([int((o & sel).sum()) for o in ok])
            nos.append(int((no_service & sel).sum()))
        rs = np.where(union, rsrp, np.float32(NODATA_DB)).astype(np.float32)[:h, :w]
        si = np.where(union, sinr, np.float32(NODATA_DB)).astype(np.float32)[:h, :w]
        sv = np.where(union, server, np.int32(NODATA_SERVER)).astype(np.int32)[:h, :w]
        return ChunkResult(
            r0, c0, rs, si, sv, np.asarray(idx, np.int64), np.asarray(pix, np.int64),
            np.asarray(cov, np.int64).reshape(len(idx), len(self.margins)), np.asarray(nos, np.int64),
            int(union.sum()), np.array([int(o.sum()) for o in ok], np.int64), int(no_service.sum()), counters,
        )


def compute_chunks(ctx: ChunkContext, corners) -> list[ChunkResult]:
    """Task of the Dask path: compute the chunks ``corners`` ((row, column, inside) rows) one after the
    other on this worker; returns their results (rasters of those chunks only, and partial sums)."""
    return [ctx.compute(int(r), int(c), bool(i)) for r, c, i in corners]


class KpiSums:
    """Accumulates the chunks' partial sums: per area pixels, covered pixels per probability, no service."""

    def __init__(self, names, probabilities):
        n = len(names)
        self.names = list(names)
        self.probabilities = tuple(probabilities)
        self.pixels = np.zeros(n, np.int64)
        self.covered = np.zeros((n, len(self.probabilities)), np.int64)
        self.no_service = np.zeros(n, np.int64)
        self.union_pixels = 0
        self.union_covered = np.zeros(len(self.probabilities), np.int64)
        self.union_no_service = 0
        self.counters: dict[str, int] = {}

    def add(self, r: ChunkResult) -> None:
        if len(r.area_index):
            np.add.at(self.pixels, r.area_index, r.pixels)
            np.add.at(self.covered, r.area_index, r.covered)
            np.add.at(self.no_service, r.area_index, r.no_service)
        self.union_pixels += r.union_pixels
        self.union_covered += r.union_covered
        self.union_no_service += r.union_no_service
        for k, v in r.counters.items():
            self.counters[k] = self.counters.get(k, 0) + int(v)

    def summary(self, probability: float) -> dict:
        """``{"areas": [...], "pixels", "covered_share", "covered_share_at", "no_service_share"}``: shares of
        each area and of the union, at ``probability`` (one of the probabilities) and at every one."""
        j = self.probabilities.index(float(probability))

        def share(a, b):
            return float(a) / float(b) if b else 0.0

        areas = []
        for i, name in enumerate(self.names):
            n = int(self.pixels[i])
            areas.append({
                "name": name, "pixels": n, "covered_pixels": int(self.covered[i, j]),
                "covered_share": share(self.covered[i, j], n),
                "covered_share_at": {f"{p:g}": share(self.covered[i, k], n) for k, p in enumerate(self.probabilities)},
                "no_service_share": share(self.no_service[i], n),
            })
        n = int(self.union_pixels)
        return {
            "areas": areas, "pixels": n, "covered_pixels": int(self.union_covered[j]),
            "covered_share": share(self.union_covered[j], n),
            "covered_share_at": {f"{p:g}": share(self.union_covered[k], n) for k, p in enumerate(self.probabilities)},
            "no_service_share": share(self.union_no_service, n),
        }


# --------------------------------------------------------------------------------------------- writing

BAND_INFO = {
    "rsrp.tif": ("RSRP of the best server (SS-RSRP per RE, TS 38.215 5.1.1)", "dBm"),
    "sinr.tif": ("SINR of the best server (interference weighted by carrier overlap)", "dB"),
    "server.tif": ("Best server: index into server.csv (-1 no service)", "index"),
}


def _gdal_env():
    import rasterio

    return rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB, GDAL_TIFF_INTERNAL_MASK=True)


class GeoTiffSink:
    """Writes chunk windows into three tiled temporary GeoTIFFs inside ``tmp_dir``; :meth:`finish` turns
    them into Cloud-Optimised GeoTIFFs in ``tmp_dir`` (to be moved into place by the caller)."""

    def __init__(self, tmp_dir: Path, grid: Grid, chunk: int, metadata: dict | None = None):
        import rasterio

        self.tmp = Path(tmp_dir)
        self.grid = grid
        self.metadata = {k: str(v) for k, v in (metadata or {}).items()}
        self._env = _gdal_env()
        self._env.__enter__()
        block = 256 if chunk % 256 == 0 else 128 if chunk % 128 == 0 else 64 if chunk % 64 == 0 else 16
        base = {"driver": "GTiff", "width": grid.width, "height": grid.height, "count": 1, "crs": grid.crs,
                "transform": grid.transform, "tiled": True, "blockxsize": block, "blockysize": block,
                "SPARSE_OK": "TRUE", "BIGTIFF": "IF_SAFER"}
        self.ds = {}
        for name, dtype, nodata in (("rsrp.tif", "float32", NODATA_DB), ("sinr.tif", "float32", NODATA_DB),
                                    ("server.tif", "int32", NODATA_SERVER)):
            self.ds[name] = rasterio.open(self.tmp / f"raw-{name}", "w", dtype=dtype, nodata=nodata, **base)

    def write(self, r: ChunkResult) -> None:
        from rasterio.windows import Window

        h, w = r.rsrp.shape
        win = Window(r.c0, r.r0, w, h)
        self.ds["rsrp.tif"].write(r.rsrp, 1, window=win)
        self.ds["sinr.tif"].write(r.sinr, 1, window=win)
        self.ds["server.tif"].write(r.server, 1, window=win)

    def close(self) -> None:
        for ds in self.ds.values():
            if not ds.closed:
                ds.close()
        if self._env is not None:
            self._env.__exit__(None, None, None)
            self._env = None

    def finish(self, threads: int | None = None) -> dict:
        """Copy each raw file to a COG (``rsrp.tif`` …) with band description, unit and metadata; remove
        the raw files. Returns ``{name: {"bytes", "overviews"}}``."""
        import rasterio
        from rasterio.shutil import copy as rio_copy

        for name, ds in self.ds.items():
            desc, unit = BAND_INFO[name]
            ds.set_band_description(1, desc)
            ds.units = (unit,)
            tags = dict(self.metadata)
            tags.update(CONTENT=name.split(".")[0], NODATA_MEANS="outside the computed areas")
            if name == "server.tif":
                tags.update(NO_SERVICE_VALUE=str(NO_SERVICE_SERVER), TABLE="server.csv")
            else:
                tags.update(NO_SERVICE_VALUE=f"{NO_SERVICE_RSRP_DBM if name == 'rsrp.tif' else NO_SERVICE_SINR_DB:g}",
                            QUANTUM_DB=f"{QUANTUM_DB:g}")
            ds.update_tags(**tags)
            ds.update_tags(1, UNITS=unit)
        self.close()
        info = {}
        with _gdal_env():
            for name in RASTERS:
                src = self.tmp / f"raw-{name}"
                predictor = "FLOATING_POINT" if name != "server.tif" else "STANDARD"
                rio_copy(src, self.tmp / name, driver="COG", COMPRESS="DEFLATE", LEVEL=1, PREDICTOR=predictor,
                         BLOCKSIZE=256, RESAMPLING="NEAREST", OVERVIEWS="AUTO", BIGTIFF="IF_SAFER",
                         SPARSE_OK="TRUE", NUM_THREADS=str(threads) if threads else "ALL_CPUS")
                src.unlink()
                with rasterio.open(self.tmp / name) as d:
                    info[name] = {"bytes": (self.tmp / name).stat().st_size, "overviews": d.overviews(1)}
        return info


def write_server_table(tmp_dir: Path, cells) -> None:
    """``server.csv`` and ``server.json``: one row per cell of the layer, by its server index."""
    import csv

    from .nr import mhz_to_nr_arfcn

    rows = []
    for i in range(len(cells)):
        f = float(cells.freq_mhz[i])
        band = str(cells.band[i])
        try:
            arfcn = mhz_to_nr_arfcn(f) if band.startswith("n") else ""
        except ValueError:
            arfcn = ""
        rows.append({
            "index": int(cells.index[i]), "cell_id": str(cells.cell_id[i]), "site_id": str(cells.site_id[i]),
            "operator": str(cells.operator[i]), "band": band, "freq_mhz": round(f, 6),
            "bandwidth_mhz": round(float(cells.bandwidth_mhz[i]), 6), "nr_arfcn": arfcn,
        })
    rows.sort(key=lambda r: r["index"])
    cols = ["index", "cell_id", "site_id", "operator", "band", "freq_mhz", "bandwidth_mhz", "nr_arfcn"]
    with open(tmp_dir / "server.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    doc = {
        "description": "Values of server.tif: index of the best server in this table; "
                       f"{NO_SERVICE_SERVER} = no cell above the noise floor; {NODATA_SERVER} (nodata) = outside the areas.",
        "no_service": NO_SERVICE_SERVER, "nodata": NODATA_SERVER, "columns": cols, "cells": rows,
    }
    (tmp_dir / "server.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------------------------------------- driver


def _run_local(ctx: ChunkContext, plan: Plan, sink_write, kpis: KpiSums, progress, threads: int | None):
    """Chunks on a pool of threads; at most 2 per thread in flight."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    import numba

    n = max(1, int(threads or numba.config.NUMBA_NUM_THREADS))
    total = plan.total
    done = 0
    if n == 1:
        for r, c, i in plan.corners:
            res = ctx.compute(int(r), int(c), bool(i))
            sink_write(res)
            kpis.add(res)
            done += 1
            if progress:
                progress(done, total)
        return
    todo = deque(plan.corners.tolist())
    with ThreadPoolExecutor(max_workers=n) as pool:
        running = set()
        while todo or running:
            while todo and len(running) < 2 * n:
                r, c, i = todo.popleft()
                running.add(pool.submit(ctx.compute, int(r), int(c), bool(i)))
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                res = fut.result()
                sink_write(res)
                kpis.add(res)
                done += 1
            if progress:
                progress(done, total)


def _run_dask(ctx: ChunkContext, plan: Plan, sink_write, kpis: KpiSums, progress, scheduler, workers,
              chunks_per_task: int | None = None):
    """Chunks as Dask tasks (a few chunks each); at most 3 tasks per worker in flight. Workers return only
    their chunks' rasters and partial sums."""
    from dask.distributed import as_completed

    from .distributed import dask_client

    with dask_client(scheduler, workers) as client:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        per = int(chunks_per_task or max(1, min(8, plan.total // (8 * nworkers) or 1)))
        [fctx] = client.scatter([ctx], broadcast=True)
        groups = [plan.corners[a : a + per] for a in range(0, plan.total, per)]
        pending = deque(groups)
        ac = as_completed()
        inflight = 0
        done = 0
        while pending and inflight < 3 * nworkers:
            ac.add(client.submit(compute_chunks, fctx, pending.popleft(), pure=False))
            inflight += 1
        for fut in ac:
            results = fut.result()
            fut.release()
            inflight -= 1
            for res in results:
                sink_write(res)
                kpis.add(res)
                done += 1
            if progress:
                progress(done, plan.total)
            if pending:
                ac.add(client.submit(compute_chunks, fctx, pending.popleft(), pure=False))
                inflight += 1


def _run_gpu(ctx: ChunkContext, plan: Plan, layer, sink_write, kpis: KpiSums, progress, batch_chunks: int = 64):
    """Chunks in batches on the GPU (one thread block per tile of the batch)."""
    from .gpu import run_tile_batch_gpu

    total = plan.total
    done = 0
    T = ctx.tile
    CH = ctx.chunk
    ntx = CH // T
    for a in range(0, total, batch_chunks):
        part = plan.corners[a : a + batch_chunks]
        masks = []
        for r, c, i in part:
            masks.append(ctx.masks(int(r), int(c), bool(i)))
        # tiles of the batch with their outer corners [m]
        tx, ty, tm = [], [], []
        for (r, c, _), (union, _) in zip(part, masks, strict=True):
            for t in range(ntx * ntx):
                tr, tc = (t // ntx) * T, (t % ntx) * T
                tx.append(ctx.grid.x_left + (c + tc) * ctx.grid.res)
                ty.append(ctx.grid.y_top - (r + tr) * ctx.grid.res)
                tm.append(union[tr : tr + T, tc : tc + T])
        rs, si, ix, ev = run_tile_batch_gpu(layer, np.array(tx), np.array(ty), ctx.grid.res, np.stack(tm), tile=T,
                                            eps=ctx.eps, no_rsrp=NO_SERVICE_RSRP_DBM, no_sinr=NO_SERVICE_SINR_DB)
        for n, ((r, c, _), (union, areas)) in enumerate(zip(part, masks, strict=True)):
            rsrp = np.full((CH, CH), np.nan, np.float32)
            sinr = np.full((CH, CH), np.nan, np.float32)
            server = np.full((CH, CH), -1, np.int32)
            for t in range(ntx * ntx):
                tr, tc = (t // ntx) * T, (t % ntx) * T
                k = n * ntx * ntx + t
                rsrp[tr : tr + T, tc : tc + T] = rs[k]
                sinr[tr : tr + T, tc : tc + T] = si[k]
                server[tr : tr + T, tc : tc + T] = ix[k]
            res = ctx.finish(int(r), int(c), union, areas, rsrp, sinr, server,
                             {"exact": int(ev[0]) if n == 0 else 0, "lattice": int(ev[1]) if n == 0 else 0})
            sink_write(res)
            kpis.add(res)
            done += 1
        if progress:
            progress(done, total)


def run_streaming(
    cells,
    areas,
    out_dir,
    *,
    resolution: float = 20.0,
    crs: str = DEFAULT_CRS,
    params=None,
    band: str | None = None,
    operator: str | None = None,
    backend: str = "auto",
    scheduler: str | None = None,
    workers: int | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
    tile: int | None = None,
    chunk: int | None = None,
    eps: float = 0.05,
    extra_summary: dict | None = None,
    write: bool = True,
    chunks_per_task: int | None = None,
) -> dict:
    """Coverage of ``cells`` (optionally one band / operator) over ``areas`` (``[(name, WGS-84 shapely
    polygon)]``) at ``resolution`` [m], streamed chunk by chunk into ``out_dir`` (``rsrp.tif``, ``sinr.tif``,
    ``server.tif`` as COGs, ``server.csv``, ``server.json``, ``summary.json``); returns the summary.

    ``backend``: ``"cpu"`` (threads of this process), ``"dask"`` (``scheduler`` address, or a LocalCluster
    of ``workers`` processes), ``"gpu"``, or ``"auto"`` (the GPU when numba.cuda finds one). ``write=False``
    computes the KPIs only (benchmarks). ``progress(done_chunks, total_chunks)``.
    """
    from .kernels import Layer, tile_for
    from .link import RadioParams, location_margin_db

    t0 = time.perf_counter()
    params = params or RadioParams()
    if backend not in ("auto", "cpu", "gpu", "dask"):
        raise ValueError(f"unknown backend {backend!r}; valid: auto, cpu, gpu, dask")
    layer_cells = cells.filter(band=band, operator=operator) if (band or operator) else cells
    if (band or operator) and len(layer_cells) == 0:
        raise ValueError(f"no cells match band={band!r} operator={operator!r}")
    params.check_cells(layer_cells.freq_ghz)
    plan = make_plan(areas, resolution, crs, chunk)
    if backend == "auto":
        from .job import has_gpu

        backend = "gpu" if has_gpu() else "cpu"
    t_plan = time.perf_counter() - t0
    xc, yc = layer_cells.project(plan.grid.crs) if len(layer_cells) else (np.zeros(0), np.zeros(0))
    layer = Layer(layer_cells, xc, yc, params)
    t_layer = time.perf_counter() - t0 - t_plan
    probabilities = tuple(sorted(set(STANDARD_PROBABILITIES) | {float(params.location_probability)}))
    margins = [location_margin_db(p, params.sigma_db) for p in probabilities]
    ctx = ChunkContext(plan, layer.payload(), rsrp_min=params.rsrp_min, sinr_min=params.sinr_min,
                       probabilities=probabilities, margins=margins, tile=int(tile or tile_for(resolution)), eps=eps,
                       backend=backend)
    kpis = KpiSums(plan.names, probabilities)
    out = Path(out_dir) if write else None
    tmp = None
    sink = None
    if write:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".coverage-", dir=out))
    try:
        if write:
            sink = GeoTiffSink(tmp, plan.grid, plan.chunk, metadata={
                "MODEL": params.model, "LOS_MODE": params.los_mode, "RESOLUTION_M": f"{plan.grid.res:g}",
                "LOCATION_PROBABILITY": f"{params.location_probability:g}"})
            sink_write = sink.write
        else:
            def sink_write(_res):
                return None
        if progress:
            progress(0, plan.total)
        if plan.total == 0 or len(layer) == 0:
            for r, c, i in plan.corners:
                union, amasks = ctx.masks(int(r), int(c), bool(i))
                CH = plan.chunk
                res = ctx.finish(int(r), int(c), union, amasks, np.full((CH, CH), NO_SERVICE_RSRP_DBM, np.float32),
                                 np.full((CH, CH), NO_SERVICE_SINR_DB, np.float32), np.full((CH, CH), -1, np.int32),
                                 {})
                sink_write(res)
                kpis.add(res)
            if progress:
                progress(plan.total, plan.total)
        elif backend == "dask":
            _run_dask(ctx, plan, sink_write, kpis, progress, scheduler, workers, chunks_per_task)
        elif backend == "gpu":
            _run_gpu(ctx, plan, layer, sink_write, kpis, progress)
        else:
            _run_local(ctx, plan, sink_write, kpis, progress, threads)
        t_compute = time.perf_counter() - t0 - t_plan - t_layer
        summary = kpis.summary(params.location_probability)
        summary.update({
            "location_probability": float(params.location_probability), "shadow_fading_sigma_db": params.sigma_db,
            "margin_db": round(float(params.margin_db), 4), "rsrp_min": params.rsrp_min, "sinr_min": params.sinr_min,
            "model": params.model, "los_mode": params.los_mode, "resolution_m": float(plan.grid.res),
            "crs": plan.grid.crs, "grid": {"width": plan.grid.width, "height": plan.grid.height,
                                           "x_left": plan.grid.x_left, "y_top": plan.grid.y_top},
            "chunks": plan.total, "chunk_px": plan.chunk, "backend": backend, "cells": len(layer_cells),
            "carriers": [{"freq_mhz": f, "bandwidth_mhz": b} for f, b in layer.carriers],
            "evaluations": {k: int(v) for k, v in kpis.counters.items()},
            "values": {"nodata": NODATA_DB, "no_service_rsrp_dbm": NO_SERVICE_RSRP_DBM,
                       "no_service_sinr_db": NO_SERVICE_SINR_DB, "server_nodata": NODATA_SERVER,
                       "server_no_service": NO_SERVICE_SERVER},
        })
        timings = {"plan": t_plan, "layer": t_layer, "compute": t_compute}
        if write:
            t = time.perf_counter()
            summary["files"] = sink.finish()
            write_server_table(tmp, layer_cells)
            timings["cog"] = time.perf_counter() - t
        summary["seconds"] = round(time.perf_counter() - t0, 3)
        summary["timings"] = {k: round(v, 3) for k, v in timings.items()}
        if extra_summary:
            summary.update(extra_summary)
        if write:
            (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
            for name in (*RASTERS, *SIDE_FILES):
                os.replace(tmp / name, out / name)
        return summary
    finally:
        if sink is not None:
            sink.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def read_decimated(path, max_side: int):
    """(array, transform) of a raster read at most ``max_side`` pixels a side (GDAL picks the overview):
    for overlays and previews of files too large to read whole."""
    import rasterio

    with _gdal_env(), rasterio.open(path) as src:
        scale = max(1.0, max(src.width, src.height) / float(max_side))
        h = max(1, int(math.ceil(src.height / scale)))
        w = max(1, int(math.ceil(src.width / scale)))
        from rasterio.enums import Resampling

        arr = src.read(1, out_shape=(h, w), resampling=Resampling.nearest)
        from affine import Affine

        transform = src.transform @ Affine.scale(src.width / w, src.height / h)
        return arr, transform, src.crs.to_string(), src.nodata
