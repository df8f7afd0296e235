"""Dask distributed path: the same kernels on a scheduler (LocalCluster address) give the CPU result."""

import numpy as np

from conftest import make_cells
from rollout5g.core.radio.grid import Grid
from rollout5g.core.radio.job import compute_layer
from rollout5g.core.radio.link import RadioParams


def test_dask_matches_local_cpu():
    from dask.distributed import LocalCluster

    cells, x, y = make_cells(300, 3000.0, seed=9)
    grid = Grid.from_bounds((x.min(), y.min(), x.max(), y.max()), 40.0, "EPSG:32651")
    mask = np.ones(grid.shape, bool)
    mask[::7, ::5] = False
    params = RadioParams()
    local = compute_layer(cells, grid, mask, params, backend="cpu")
    calls = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dist = compute_layer(
            cells,
            grid,
            mask,
            params,
            backend="dask",
            scheduler=cluster.scheduler_address,
            progress=lambda d, t: calls.append((d, t)),
        )
    for a, b in zip(local[:3], dist[:3], strict=True):
        np.testing.assert_array_equal(a, b, err_msg="bit-identical: same kernels, same tiles")
    assert local[3]["exact"] == dist[3]["exact"] and local[3]["tiles"] == dist[3]["tiles"]
    assert calls[-1][0] == calls[-1][1] == local[3]["tiles"]
