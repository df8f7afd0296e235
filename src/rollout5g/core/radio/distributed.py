"""Dask distributed execution of the coverage kernels: bands of tile rows as tasks.

The same CPU kernels (:func:`rollout5g.core.radio.kernels.compute_tiles`) run on the workers. The
cells' kernel arrays are scattered once to every worker; each task gets one band of tile rows
(its slice of the area mask) and returns its slice of the RSRP / SINR / server rasters. Works with a
``LocalCluster`` of N worker processes or any running scheduler (``tcp://host:8786``); start remote
workers with ``--nthreads 1`` and let numba use the cores (``NUMBA_NUM_THREADS``).
"""

from __future__ import annotations

import numpy as np

from . import kernels


def layer_payload(layer: kernels.Layer, threads: int | None = None) -> dict:
    """The picklable kernel inputs of a layer (no Cells object)."""
    return {
        "cx": layer.cx,
        "cy": layer.cy,
        "cp": layer.cp,
        "cpt": layer.cpt,
        "grp": layer.grp,
        "cmap": layer.cmap,
        "ngroups": int(layer.ngroups),
        "noise_lin": float(layer.noise_lin),
        "los_mode": int(layer.los_mode),
        "use_d2_log": bool(layer.use_d2_log),
        "lp": tuple(layer.lp),
        "threads": threads,
    }


def compute_band(
    payload: dict, mask_band, x_left, y_top, res, tiles_local, tile, eps, near_m, far_m, mid_stride
):
    """Task: compute the tiles ``tiles_local`` (corners relative to ``mask_band``) of one band of
    rows whose outer corner is (``x_left``, ``y_top``) [m]. Returns (rsrp, sinr, idx, evals)."""
    import numba as nb

    if payload.get("threads"):
        nb.set_num_threads(max(1, min(int(payload["threads"]), nb.config.NUMBA_NUM_THREADS)))
    h, w = mask_band.shape
    rsrp = np.full((h, w), np.nan, np.float32)
    sinr = np.full((h, w), np.nan, np.float32)
    idx = np.full((h, w), -1, np.int32)
    with nb.parallel_chunksize(1):
        ev = kernels.compute_tiles(
            np.ascontiguousarray(tiles_local, dtype=np.int64),
            int(tile),
            np.ascontiguousarray(mask_band),
            float(x_left),
            float(y_top),
            float(res),
            payload["cx"],
            payload["cy"],
            payload["cp"],
            payload["cpt"],
            payload["grp"],
            payload["cmap"],
            payload["ngroups"],
            payload["noise_lin"],
            float(eps),
            payload["los_mode"],
            payload["use_d2_log"],
            *payload["lp"],
            float(near_m),
            float(far_m),
            int(mid_stride),
            rsrp,
            sinr,
            idx,
        )
    return rsrp, sinr, idx, (int(ev[:, 0].sum()), int(ev[:, 1].sum()))


def run_tiles_dask(
    layer,
    mask,
    grid,
    tiles,
    out_rsrp,
    out_sinr,
    out_idx,
    *,
    tile=kernels.TILE,
    eps=0.05,
    near_m=kernels.NEAR_M,
    far_m=kernels.FAR_M,
    mid_stride=kernels.MID_STRIDE,
    scheduler=None,
    workers=None,
    progress=None,
    rows_per_task=None,
):
    """Compute ``tiles`` on Dask; outputs are filled in place; returns (exact, lattice) evaluations.

    ``scheduler``: address of a running scheduler; otherwise a ``LocalCluster`` of ``workers``
    processes (default 2) is started and closed. ``progress(done_tiles, total_tiles)``."""
    import os

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
        threads = None
    else:
        n = int(workers or 2)
        cores = os.cpu_count() or 1
        threads = max(1, cores // n)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        total = len(tiles)
        tile_rows = np.unique(tiles[:, 0])
        nworkers = max(1, len(client.scheduler_info().get("workers", {})) or 1)
        per = rows_per_task or max(1, len(tile_rows) // (4 * nworkers))
        payload = layer_payload(layer, threads)
        [fut_payload] = client.scatter([payload], broadcast=True)
        H, W = mask.shape
        futures = {}
        for a in range(0, len(tile_rows), per):
            rows = tile_rows[a : a + per]
            r0 = int(rows[0])
            r1 = min(int(rows[-1]) + tile, H)
            sel = (tiles[:, 0] >= rows[0]) & (tiles[:, 0] <= rows[-1])
            local = tiles[sel].copy()
            local[:, 0] -= r0
            fut = client.submit(
                compute_band,
                fut_payload,
                np.ascontiguousarray(mask[r0:r1]),
                grid.x_left,
                grid.y_top - r0 * grid.res,
                grid.res,
                local,
                tile,
                eps,
                near_m,
                far_m,
                mid_stride,
                pure=False,
            )
            futures[fut] = (r0, r1, int(sel.sum()))
        done = 0
        ex = la = 0
        if progress:
            progress(0, total)
        for fut in as_completed(list(futures)):
            r0, r1, nt = futures[fut]
            rs, si, ix, (e, lt) = fut.result()
            m = mask[r0:r1]
            out_rsrp[r0:r1][m] = rs[m]
            out_sinr[r0:r1][m] = si[m]
            out_idx[r0:r1][m] = ix[m]
            ex += e
            la += lt
            done += nt
            if progress:
                progress(done, total)
        return ex, la
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
