"""GPU path (numba.cuda): its logic in the CUDA simulator against the CPU kernels on a tiny grid;
the real-GPU comparison runs only where numba.cuda finds a GPU."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from rollout5g.core.radio.job import has_gpu

SCRIPT = textwrap.dedent(
    """
    import json, numpy as np
    from rollout5g.core.radio.cells import Cells
    from rollout5g.core.radio.link import RadioParams
    from rollout5g.core.radio.kernels import Layer, tile_corners, run_tiles
    from rollout5g.core.radio.gpu import run_tiles_gpu

    rng = np.random.default_rng(3)
    n, T, H, W, res = 14, 8, 16, 20, 25.0
    x_left, y_top = 500000.0, 3400000.0
    xc = x_left + rng.uniform(-600, W * res + 600, n)
    yc = y_top - rng.uniform(-600, H * res + 600, n)
    band = np.where(rng.random(n) < 0.5, "n78", "n41")
    # n78 on two adjacent carriers and one that overlaps both by half; some mechanical tilt
    freq = np.where(band == "n78", rng.choice([3450.0, 3550.0, 3500.0], n), 2565.0)
    mech = np.where(rng.random(n) < 0.5, rng.uniform(0, 5, n), 0.0)
    cells = Cells(cell_id=[str(i) for i in range(n)], lon=np.zeros(n), lat=np.zeros(n),
                  height_m=rng.uniform(20, 40, n), azimuth_deg=rng.uniform(0, 360, n),
                  tilt_deg=mech + rng.uniform(2, 8, n), mechanical_tilt_deg=mech,
                  gain_dbi=np.full(n, 17.0), hpbw_h_deg=np.full(n, 65.0), hpbw_v_deg=np.full(n, 8.0),
                  rs_power_dbm=np.full(n, 15.0), freq_mhz=freq, bandwidth_mhz=np.full(n, 100.0), band=band,
                  operator=["x"] * n)
    mask = np.ones((H, W), bool)
    mask[:3, :5] = False
    out = {}
    for mode in ("weighted", "los", "nlos"):
        lay = Layer(cells, xc, yc, RadioParams(los_mode=mode))
        res_ = []
        for f in (run_tiles, run_tiles_gpu):
            r = np.full((H, W), np.nan, np.float32); s = r.copy(); ix = np.full((H, W), -1, np.int32)
            ev = f(lay, mask, x_left, y_top, res, tile_corners(mask, T), r, s, ix, tile=T, near_m=100.0,
                   far_m=500.0, mid_stride=4)
            res_.append((r, s, ix, ev))
        (r1, s1, i1, e1), (r2, s2, i2, e2) = res_
        out[mode] = {
            "rsrp": float(np.nanmax(np.abs(r1 - r2))), "sinr": float(np.nanmax(np.abs(s1 - s2))),
            "server_diff": int((i1 != i2).sum()), "nodata_diff": int((np.isnan(r1) != np.isnan(r2)).sum()),
            "valid": int(np.isfinite(r1).sum()), "ev_cpu": list(e1), "ev_gpu": list(e2),
            "masked_nan": bool(np.isnan(r2[:3, :5]).all()),
        }
    print("RESULT" + json.dumps(out))
    """
)


def test_gpu_kernel_logic_in_cuda_simulator_matches_cpu(tmp_path):
    script = tmp_path / "sim.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][0]
    for mode, r in json.loads(line[6:]).items():
        assert r["valid"] > 100, mode
        assert r["rsrp"] <= 1e-3, f"{mode}: RSRP GPU vs CPU within 1e-3 dB"
        assert r["sinr"] <= 1e-2, f"{mode}: SINR GPU vs CPU within 1e-2 dB"
        assert r["server_diff"] == 0 and r["nodata_diff"] == 0, mode
        assert r["masked_nan"], "pixels outside the mask stay nodata"
        assert r["ev_gpu"][0] == r["ev_cpu"][0], "same exact cell set per tile"


@pytest.mark.skipif(not has_gpu(), reason="no CUDA GPU on this machine")
def test_real_gpu_matches_cpu():
    from conftest import make_cells
    from rollout5g.core.radio.gpu import run_tiles_gpu
    from rollout5g.core.radio.kernels import Layer, run_tiles, tile_corners
    from rollout5g.core.radio.link import RadioParams

    cells, x, y = make_cells(2000, 8000.0, seed=5)
    lay = Layer(cells, x, y, RadioParams())
    H, W, res = 500, 600, 20.0
    mask = np.ones((H, W), bool)
    outs = []
    for f in (run_tiles, run_tiles_gpu):
        r = np.full((H, W), np.nan, np.float32)
        s = r.copy()
        ix = np.full((H, W), -1, np.int32)
        f(lay, mask, x.min(), y.max(), res, tile_corners(mask), r, s, ix)
        outs.append((r, s, ix))
    (r1, s1, i1), (r2, s2, i2) = outs
    valid = np.isfinite(r1) & np.isfinite(r2)
    assert np.mean(np.abs(r1 - r2)[valid] <= 0.01) >= 0.999, "RSRP within 0.01 dB on 99.9% of pixels"
    assert np.mean(np.abs(s1 - s2)[valid] <= 0.1) >= 0.99, "SINR within 0.1 dB on 99% of pixels"
    assert np.mean(i1 == i2) >= 0.999


STREAM_SCRIPT = textwrap.dedent(
    """
    import json, numpy as np, rasterio
    from shapely.geometry import box
    from pyproj import Transformer
    from rollout5g.core.radio.cells import Cells
    from rollout5g.core.radio.link import RadioParams
    from rollout5g.core.radio.stream import run_streaming

    rng = np.random.default_rng(4)
    n = 10
    x0, y0 = 500000.0, 3400000.0
    xc = x0 + rng.uniform(-500, 900, n)
    yc = y0 + rng.uniform(-900, 500, n)
    lon, lat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform(xc, yc)
    cells = Cells(cell_id=[str(i) for i in range(n)], lon=lon, lat=lat, height_m=rng.uniform(20, 40, n),
                  azimuth_deg=rng.uniform(0, 360, n), tilt_deg=rng.uniform(2, 8, n), gain_dbi=np.full(n, 17.0),
                  hpbw_h_deg=np.full(n, 65.0), hpbw_v_deg=np.full(n, 8.0), rs_power_dbm=np.full(n, 15.0),
                  freq_mhz=rng.choice([3450.0, 3550.0], n), band=["n78"] * n, operator=["x"] * n)
    a_lon, a_lat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform(
        [x0, x0 + 600.0], [y0 - 600.0, y0])
    areas = [("a", box(a_lon[0], a_lat[0], a_lon[1], a_lat[1]))]
    out = {}
    for backend in ("cpu", "gpu"):
        s = run_streaming(cells, areas, f"{backend}", resolution=25.0, params=RadioParams(), backend=backend,
                          tile=8, chunk=16)
        with rasterio.open(f"{backend}/rsrp.tif") as r, rasterio.open(f"{backend}/server.tif") as v:
            out[backend] = (r.read(1), v.read(1), s["covered_share"], s["chunks"], s["backend"])
    (r1, v1, c1, n1, b1), (r2, v2, c2, n2, b2) = out["cpu"], out["gpu"]
    print("RESULT" + json.dumps({"rsrp": float(np.max(np.abs(r1 - r2))), "server_diff": int((v1 != v2).sum()),
                                 "share": [c1, c2], "chunks": [n1, n2], "backends": [b1, b2],
                                 "inside": int((v1 != -2).sum())}))
    """
)


def test_streaming_on_the_gpu_path_in_cuda_simulator_matches_cpu(tmp_path):
    """The streaming engine's GPU path (batches of chunks, tiles with their own corners) in the CUDA simulator."""
    script = tmp_path / "sim_stream.py"
    script.write_text(STREAM_SCRIPT)
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][0][6:])
    assert r["backends"] == ["cpu", "gpu"] and r["chunks"][0] == r["chunks"][1] >= 2
    assert r["inside"] > 100 and r["server_diff"] == 0
    assert r["rsrp"] <= 0.01, "RSRP files within 0.01 dB (float64 vs float32, 1/256 dB storage grid)"
    assert r["share"][0] == pytest.approx(r["share"][1], abs=0.01)
