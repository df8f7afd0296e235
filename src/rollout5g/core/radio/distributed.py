"""Dask distributed execution of the coverage kernels: chunks as tasks.

The same chunk kernel (:func:`rollout5g.core.radio.kernels.run_chunk`) runs on the workers. The cells'
kernel arrays are scattered once to every worker; each task computes a few chunks and returns only
those chunks (and, in the streaming engine, their KPI partial sums): the client never receives more
than the chunks in flight. Works with a ``LocalCluster`` of N worker processes or any running scheduler
(``tcp://host:8786``); start remote workers with ``--nthreads 1`` per core (the chunk kernel is
single-threaded and releases the GIL, so ``--nthreads N`` also works).

* :func:`rollout5g.core.radio.stream.run_streaming` with ``backend="dask"`` — the streaming engine: the
  client writes each chunk into the GeoTIFFs as it arrives.
* :func:`run_layer_dask` — the in-memory :func:`rollout5g.core.radio.job.compute_layer` on Dask (the
  caller asked for whole arrays, so they are filled in place chunk by chunk).
"""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager

import numpy as np

from . import kernels


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None):
    """A ``Client`` of ``scheduler`` (an address), or of a ``LocalCluster`` of ``workers`` processes (default 2)
    started and closed here."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=int(workers or 2), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def compute_chunk_masks(payload: dict, chunks, x_left, y_top, res, tile, eps):
    """Task: compute ``chunks`` (``[(r0, c0, mask CH x CH)]``); returns ``[(r0, c0, rsrp, sinr, idx, counters)]``."""
    out = []
    for r0, c0, m in chunks:
        rs, si, ix, cnt = kernels.run_chunk(payload, m, r0, c0, x_left, y_top, res, tile=tile, eps=eps)
        out.append((r0, c0, rs, si, ix, cnt))
    return out


def run_layer_dask(layer, mask, grid, out_rsrp, out_sinr, out_idx, *, tile=None, chunk=None, eps=0.05,
                   scheduler=None, workers=None, progress=None, chunks_per_task=None):
    """Compute every chunk of ``mask`` on Dask; the outputs are filled in place; returns (exact, lattice)."""
    from dask.distributed import as_completed

    CH = int(chunk or kernels.chunk_for(grid.res))
    H, W = mask.shape
    corners = kernels.chunk_corners(mask, CH)
    total = len(corners)
    with dask_client(scheduler, workers) as client:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        per = int(chunks_per_task or max(1, min(8, total // (4 * nworkers) or 1)))
        [payload] = client.scatter([layer.payload()], broadcast=True)
        tasks = deque()
        for a in range(0, total, per):
            part = []
            for r0, c0 in corners[a : a + per]:
                m = np.zeros((CH, CH), bool)
                h, w = min(CH, H - r0), min(CH, W - c0)
                m[:h, :w] = mask[r0 : r0 + h, c0 : c0 + w]
                part.append((int(r0), int(c0), m))
            tasks.append(part)
        ac = as_completed()
        inflight = 0
        while tasks and inflight < 3 * nworkers:
            ac.add(client.submit(compute_chunk_masks, payload, tasks.popleft(), grid.x_left, grid.y_top, grid.res,
                                 tile, eps, pure=False))
            inflight += 1
        ex = la = done = 0
        if progress:
            progress(0, total)
        for fut in ac:
            for r0, c0, rs, si, ix, cnt in fut.result():
                h, w = min(CH, H - r0), min(CH, W - c0)
                sub = mask[r0 : r0 + h, c0 : c0 + w]
                out_rsrp[r0 : r0 + h, c0 : c0 + w][sub] = rs[:h, :w][sub]
                out_sinr[r0 : r0 + h, c0 : c0 + w][sub] = si[:h, :w][sub]
                out_idx[r0 : r0 + h, c0 : c0 + w][sub] = ix[:h, :w][sub]
                ex += cnt["exact"]
                la += cnt["lattice"]
                done += 1
            fut.release()
            if progress:
                progress(done, total)
            if tasks:
                ac.add(client.submit(compute_chunk_masks, payload, tasks.popleft(), grid.x_left, grid.y_top,
                                     grid.res, tile, eps, pure=False))
    return ex, la
