"""numba kernels: fast math accuracy, and the tiled, culled kernel against the float64 brute force
(every cell to every pixel, no cut-off) on dense and sparse layouts."""

import numpy as np
import pytest

from conftest import make_cells
from rollout5g.core.radio import kernels as k
from rollout5g.core.radio.link import RadioParams, brute_force, received_power_dbm


def test_fast_log2_exp2_atan2_accuracy():
    import numba as nb

    @nb.njit
    def run(x, y):
        a = np.empty(x.size, np.float64)
        b = np.empty(x.size, np.float64)
        c = np.empty(x.size, np.float64)
        for i in range(x.size):
            a[i] = k.log2f(np.float32(x[i]))
            b[i] = k.exp2f(np.float32(-y[i]))
            c[i] = k.atan2f(np.float32(y[i] - 60.0), np.float32(x[i] - 5e4))
        return a, b, c

    rng = np.random.default_rng(0)
    x = rng.uniform(1.0, 1e5, 20000).astype(np.float32).astype(np.float64)
    y = rng.uniform(0.0, 120.0, 20000).astype(np.float32).astype(np.float64)
    a, b, c = run(x, y)
    np.testing.assert_allclose(a, np.log2(x), atol=5e-6, err_msg="log2: tolerance 5e-6")
    np.testing.assert_allclose(b, np.exp2(-y), rtol=2e-6, err_msg="exp2: relative tolerance 2e-6")
    np.testing.assert_allclose(
        c, np.arctan2(y - 60.0, x - 5e4), atol=1e-6, err_msg="atan2: tolerance 1e-6 rad"
    )


def _run(cells, x, y, params, H, W, res, mask=None, **kw):
    layer = k.Layer(cells, x, y, params)
    x_left, y_top = float(np.floor(x.min() / 1000) * 1000), float(np.ceil(y.max() / 1000) * 1000)
    mask = np.ones((H, W), bool) if mask is None else mask
    r = np.full((H, W), np.nan, np.float32)
    s = r.copy()
    ix = np.full((H, W), -1, np.int32)
    ev = k.run_tiles(layer, mask, x_left, y_top, res, k.tile_corners(mask), r, s, ix, **kw)
    return r, s, ix, ev, (x_left, y_top)


def _compare(cells, x, y, params, r, s, ix, origin, res, mask, n_sample=3000, seed=0):
    rows, cols = np.nonzero(mask)
    rng = np.random.default_rng(seed)
    pick = rng.choice(rows.size, min(n_sample, rows.size), replace=False)
    rr, cc = rows[pick], cols[pick]
    px = origin[0] + (cc + 0.5) * res
    py = origin[1] - (rr + 0.5) * res
    br, bs, bi = brute_force(cells, x, y, px, py, params)
    gr, gs, gi = r[rr, cc], s[rr, cc], ix[rr, cc]
    assert np.array_equal(np.isnan(br), np.isnan(gr)), "nodata pixels must match the brute force exactly"
    valid = ~np.isnan(br)
    er = np.abs(gr[valid] - br[valid])
    es = np.abs(gs[valid] - bs[valid])
    assert np.mean(er <= 0.05) >= 0.999, (
        f"RSRP within 0.05 dB on 99.9% of pixels (p99.9 {np.quantile(er, 0.999):.4f})"
    )
    assert np.mean(es <= 0.5) >= 0.99, (
        f"SINR within 0.5 dB on 99% of pixels (p99 {np.quantile(es, 0.99):.3f})"
    )
    assert np.mean(gi[valid] == bi[valid]) >= 0.999, "same best server on 99.9% of pixels"
    return valid.mean()


@pytest.mark.parametrize(
    ("model", "mode"),
    [("uma", "weighted"), ("uma", "los"), ("umi", "nlos"), ("rma", "weighted"), ("cost231", "los")],
)
def test_dense_layout_matches_brute_force(model, mode):
    cells, x, y = make_cells(600, 3000.0, seed=1)
    params = RadioParams(model=model, los_mode=mode, extrapolate=True)
    H, W, res = 130, 170, 20.0
    mask = np.ones((H, W), bool)
    mask[40:60, 30:90] = False  # a hole: those pixels stay nodata
    r, s, ix, ev, origin = _run(cells, x, y, params, H, W, res, mask)
    assert np.isnan(r[50, 50]) and ix[50, 50] == -1
    # the culling is by power: far fewer evaluations than cells x pixels
    assert ev[0] < 0.5 * len(cells) * mask.sum()
    _compare(cells, x, y, params, r, s, ix, origin, res, mask)


def test_sparse_layout_with_noise_limited_pixels():
    cells, x, y = make_cells(40, 15000.0, seed=4, clusters=3)
    params = RadioParams()
    H, W, res = 150, 160, 200.0
    mask = np.ones((H, W), bool)
    r, s, ix, ev, origin = _run(cells, x, y, params, H, W, res, mask)
    valid_share = _compare(cells, x, y, params, r, s, ix, origin, res, mask)
    assert 0.05 < valid_share < 0.95, "the sparse layout must contain both served and unserved pixels"


def test_dense_cluster_far_away_still_counts():
    """A distant dense cluster contributes interference at a rural pixel: culling by power keeps it."""
    cluster, xc, yc = make_cells(1500, 1500.0, seed=7, bands=("n78",))
    lone, xl, yl = make_cells(1, 10.0, seed=8, bands=("n78",), x0=290000.0 + 9000.0)
    from rollout5g.core.radio.cells import Cells

    cells = Cells(
        **{
            f: np.concatenate([getattr(cluster, f), getattr(lone, f)])
            for f in (
                "cell_id",
                "lon",
                "lat",
                "height_m",
                "azimuth_deg",
                "tilt_deg",
                "gain_dbi",
                "hpbw_h_deg",
                "hpbw_v_deg",
                "rs_power_dbm",
                "freq_mhz",
                "band",
                "operator",
            )
        }
    )
    cells.cell_id[-1] = "LONE"
    x = np.concatenate([xc, xl])
    y = np.concatenate([yc, yl])
    params = RadioParams()
    H, W, res = 64, 64, 20.0
    layer = k.Layer(cells, x, y, params)
    mask = np.ones((H, W), bool)
    x_left, y_top = 290000.0 + 9000.0 - 640.0, 3405000.0 + 640.0
    r = np.full((H, W), np.nan, np.float32)
    s = r.copy()
    ix = np.full((H, W), -1, np.int32)
    k.run_tiles(layer, mask, x_left, y_top, res, k.tile_corners(mask), r, s, ix)
    rows, cols = np.nonzero(mask)
    px = x_left + (cols + 0.5) * res
    py = y_top - (rows + 0.5) * res
    br, bs, bi = brute_force(cells, x, y, px, py, params)
    valid = ~np.isnan(br)
    es = np.abs(s[rows, cols][valid] - bs[valid])
    assert np.quantile(es, 0.99) <= 0.5, "SINR within 0.5 dB on 99% of pixels"
    # and the cluster matters here: ignoring it would overestimate SINR by more than 0.5 dB somewhere
    alone = brute_force(lone, xl, yl, px, py, params)[1]
    assert np.nanmax(alone - bs) > 0.5


def test_empty_layer_and_no_tiles():
    cells, x, y = make_cells(0, 100.0, seed=1)
    layer = k.Layer(cells, x, y, RadioParams())
    mask = np.zeros((10, 10), bool)
    assert k.run_tiles(layer, mask, 0.0, 0.0, 20.0, k.tile_corners(mask), None, None, None) == (0, 0)


def test_tile_bounds_hold_with_mechanical_tilt():
    """The bound of every cell over a tile is at least its received power at every pixel of the tile (brute force
    on a dense 8 m grid of each tile), for random cells with up to 8° of mechanical tilt, every LOS mode."""
    rng = np.random.default_rng(12)
    n = 300
    cells, x, y = make_cells(n, 4000.0, seed=12)
    cells.mechanical_tilt_deg[:] = rng.uniform(0, 8, n) * (rng.random(n) < 0.7)
    cells.tilt_deg[:] = cells.mechanical_tilt_deg + rng.uniform(-1, 6, n)
    T, res = 32, 20.0
    for mode in ("weighted", "los", "nlos"):
        params = RadioParams(los_mode=mode)
        layer = k.Layer(cells, x, y, params)
        for _ in range(6):
            tx0, ty0 = rng.uniform(x.min(), x.max()), rng.uniform(y.min(), y.max())
            ub = np.empty(n, np.float32)
            dm = np.empty(n, np.float32)
            k.tile_bounds(layer.cx, layer.cy, layer.cpt, tx0, ty0, T * res, layer.los_mode, layer.use_d2_log,
                          *layer.lp, ub, dm)
            g = np.linspace(0.0, T * res, 81)
            px, py = np.meshgrid(tx0 + g, ty0 - g)
            rx = received_power_dbm(cells, x, y, px.ravel(), py.ravel(), params).max(axis=1)
            assert np.all(ub >= rx - 1e-3), f"{mode}: bound below the power by {np.max(rx - ub):.3f} dB"


def test_mixed_carriers_and_mechanical_tilt_match_brute_force():
    """n78 on two adjacent carriers plus one overlapping both by half, n41 and n28, a third of the cells
    mechanically tilted: the culled kernel against the float64 brute force."""
    cells, x, y = make_cells(700, 4000.0, seed=3, bands=("n78", "n41", "n28"))
    rng = np.random.default_rng(5)
    cells.mechanical_tilt_deg[:] = rng.uniform(0, 6, len(cells)) * (rng.random(len(cells)) < 0.35)
    cells.tilt_deg[:] = cells.mechanical_tilt_deg + rng.uniform(0, 8, len(cells))
    n78 = cells.band == "n78"
    cells.freq_mhz[:] = np.where(n78, rng.choice([3450.0, 3550.0, 3500.0], len(cells), p=[0.45, 0.45, 0.1]),
                                 cells.freq_mhz)
    cells.bandwidth_mhz[:] = np.where(cells.band == "n28", 30.0, 100.0)
    for mode in ("weighted", "nlos"):
        params = RadioParams(los_mode=mode)
        H, W, res = 260, 330, 20.0
        mask = np.ones((H, W), bool)
        r, s, ix, ev, origin = _run(cells, x, y, params, H, W, res, mask)
        _compare(cells, x, y, params, r, s, ix, origin, res, mask)


def test_coarse_resolutions_keep_tiles_about_a_kilometre():
    assert [k.tile_for(r) for r in (5, 20, 30, 50, 100, 200, 1000)] == [64, 64, 32, 16, 8, 4, 4]
    assert [k.chunk_for(r) for r in (5, 20, 30, 100, 1000)] == [256, 256, 128, 64, 64]
    assert k.lattice_strides(20.0, 64, 256) == (8, True, 64)
    assert k.lattice_strides(200.0, 4, 64) == (1, True, 8)
