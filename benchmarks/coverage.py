"""Coverage engine benchmark: Zhejiang at 20 m with a province-sized registry, Jiaxing 2021 at 20 m, the
one-transmitter kernel rate, and the CLI's start-up — each case in a fresh process, with its peak RSS.

Prints a table and writes ``benchmarks/results/coverage.json``. Cases (``--only`` picks some):

* ``province``: the province boundary (``regions/data/zhejiang_admin.geojson``, GCJ-02 -> WGS-84) at 20 m,
  a synthetic registry of about 300,000 cells (:func:`province_registry`, a density model following the
  Jiaxing scenario's assumptions), every carrier in one layer, streamed to Cloud-Optimised GeoTIFFs with
  KPIs per city and county: in-process (threads) and on a real ``dask.distributed.LocalCluster`` of
  2 worker processes. Peak RSS: the process (``ru_maxrss``) and, for Dask, the sum over the client,
  nannies and workers sampled every 0.1 s. Accuracy: pixels sampled from the written files against the
  float64 brute force over all cells.
* ``jiaxing``: Jiaxing (330400) with the 2021 scenario (25,121 cells) at 20 m: the three band layers
  (n78, n41, n28; KPIs per layer) in memory as before, with the previous kernel (from git) beside it;
  accuracy per band against the brute force on 2,000 random pixels; and the whole network streamed to
  COGs (in-process and on the 2-worker LocalCluster).
* ``onetx``: one transmitter (n78, 35 dBm EIRP per RE) on 2048 x 2048 pixels of 2 m, one thread: exact
  cell-pixel evaluations per CPU-second, new kernel and previous kernel.
* ``startup``: ``rollout5g coverage`` on a one-cell CELLS.csv: process CPU seconds when the first chunk
  starts, and the modules imported by then.

The machine is shared: the load average before and after each case is recorded beside its figures.

    python benchmarks/coverage.py [--only province,jiaxing,onetx,startup] [--province-resolution 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

#: The city of the synthetic scenario (adcode; ``rollout5g scenario load --region``): the default city of the
#: hand-placed places, the one the published numbers were measured on.
CITY = "330400"

ROOT = Path(__file__).resolve().parents[1]
# this file is named coverage.py: keep its folder off sys.path so that numba's optional
# ``import coverage`` does not find it
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT / "src"))

BOUNDARIES = Path(os.environ.get("ROLLOUT5G_BOUNDARIES", ROOT / "src/rollout5g/regions/data/zhejiang_admin.geojson"))
CRS = "EPSG:32651"
PREVIOUS_KERNEL = "fb1d731"  # the commit whose kernels.py the paired figures compare against
RESULTS = ROOT / "benchmarks" / "results" / "coverage.json"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception:  # noqa: BLE001 - informational only
        la = os.getloadavg()
        return f"load average: {la[0]:.2f}, {la[1]:.2f}, {la[2]:.2f}"


# ---------------------------------------------------------------------------------------------- data


def boundaries():
    """{adcode: (name, level, parent, WGS-84 shapely geometry)} of Zhejiang, its cities and counties."""
    from shapely.geometry import shape

    from rollout5g.core.geo import gcj02_to_wgs84, transform_geojson_geometry

    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    out = {}
    for f in data["features"]:
        p = f["properties"]
        geom = shape(transform_geojson_geometry(f["geometry"], gcj02_to_wgs84))
        out[str(p["adcode"])] = (p["name"], p["level"], str(p.get("parent_adcode") or ""), geom.buffer(0))
    return out


def province_registry(seed: int = 1, target_cells: int = 300_000):
    """A synthetic registry of Zhejiang (about ``target_cells`` cells), following the Jiaxing scenario's
    assumptions (``rollout5g.core.scenario``): sites spread per county as a mixture of a core around the
    county's seat (28 %, σ 3 km in districts of a city, 2 km elsewhere), town centres (45 %, σ 1.2 km, one town
    per 120 km²) and a uniform rural part (27 %); more sites in a city's districts (weight 2.0) than in
    county-level cities (1.0) and counties (0.6) per km². Tenancy per site as the scenario's macro towers:
    China Mobile only 22 %, the CT/CU shared n78 gNB only 18 %, both 60 %; China Mobile runs n41 and, on half
    of its rural and town sites and a fifth of its core sites, n28; the shared n78 gNB uses its county
    builder's carrier (China Telecom 3450 MHz or China Unicom 3550 MHz, alternating by county). Three
    sectors per gNB; heights, gains, beamwidths, tilts (mechanical 0-4° of a 3-10° total) and powers in the
    scenario's ranges; SSB EPRE from the carrier's N_RB (TS 38.101-1 Table 5.3.2-1)."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    from rollout5g.core.radio.cells import Cells
    from rollout5g.core.scenario import CARRIERS, HEIGHT_RANGE_M, ssb_epre_dbm

    rng = np.random.default_rng(seed)
    b = boundaries()
    counties = [(a, v) for a, v in sorted(b.items()) if v[1] == "county"]
    to_m = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    to_ll = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)

    def proj(g):
        return shapely.transform(g, lambda xy: np.column_stack(to_m.transform(xy[:, 0], xy[:, 1])))

    geoms = [proj(v[3]) for _, v in counties]
    for g in geoms:
        shapely.prepare(g)
    area_km2 = np.array([g.area / 1e6 for g in geoms])
    kind_w = np.array([2.0 if v[0].endswith("区") else (1.0 if v[0].endswith("市") else 0.6) for _, v in counties])
    weight = area_km2 * kind_w
    n_sites_total = int(target_cells / 5.82)
    n_sites = np.maximum(50, np.round(n_sites_total * weight / weight.sum())).astype(int)

    def sample(g, n, cx, cy, sigma):
        out = np.zeros((0, 2))
        minx, miny, maxx, maxy = g.bounds
        for _ in range(60):
            if len(out) >= n:
                break
            m = max(64, 3 * (n - len(out)))
            if sigma is None:
                x = rng.uniform(minx, maxx, m)
                y = rng.uniform(miny, maxy, m)
            else:
                x = rng.normal(cx, sigma, m)
                y = rng.normal(cy, sigma, m)
            ok = shapely.contains_xy(g, x, y)
            out = np.vstack([out, np.column_stack([x[ok], y[ok]])])
        if len(out) < n:  # a tiny county: fill uniformly
            x = rng.uniform(minx, maxx, 50 * n)
            y = rng.uniform(miny, maxy, 50 * n)
            ok = shapely.contains_xy(g, x, y)
            out = np.vstack([out, np.column_stack([x[ok], y[ok]])])
        return out[:n]

    xs, ys, kinds, counties_of = [], [], [], []
    for k, ((_adcode, (name, _, _, _)), g, n) in enumerate(zip(counties, geoms, n_sites, strict=True)):
        seat = g.representative_point()
        n_core, n_town = int(0.28 * n), int(0.45 * n)
        n_rural = n - n_core - n_town
        core = sample(g, n_core, seat.x, seat.y, 3000.0 if name.endswith("区") else 2000.0)
        n_towns = max(3, int(area_km2[k] / 120.0))
        centres = sample(g, n_towns, 0, 0, None)
        per = np.bincount(rng.integers(0, n_towns, n_town), minlength=n_towns)
        town = np.vstack([sample(g, int(m), cx, cy, 1200.0) for (cx, cy), m in zip(centres, per, strict=True) if m]
                         or [np.zeros((0, 2))])
        rural = sample(g, n_rural, 0, 0, None)
        for pts, kind in ((core, 0), (town, 1), (rural, 2)):
            xs.append(pts[:, 0])
            ys.append(pts[:, 1])
            kinds.append(np.full(len(pts), kind))
            counties_of.append(np.full(len(pts), k))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    kind = np.concatenate(kinds)
    county = np.concatenate(counties_of)
    ns = len(x)
    lon, lat = to_ll.transform(x, y)
    tenancy = rng.choice(3, ns, p=[0.22, 0.18, 0.60])  # 0 CM only, 1 shared only, 2 both
    site_type = np.where(kind == 0, rng.choice(["macro_tower", "rooftop", "street_pole"], ns, p=[0.3, 0.6, 0.1]),
                         np.where(kind == 1, rng.choice(["macro_tower", "rooftop"], ns, p=[0.6, 0.4]), "macro_tower"))
    height = np.empty(ns)
    for t in np.unique(site_type):
        lo, hi, a, bb = HEIGHT_RANGE_M[str(t)]
        sel = site_type == t
        height[sel] = np.round(lo + (hi - lo) * rng.beta(a, bb, sel.sum()), 1)
    n28_site = rng.random(ns) < np.where(kind == 0, 0.2, 0.5)
    rows = {k: [] for k in ("cell_id", "lon", "lat", "height_m", "azimuth_deg", "tilt_deg", "gain_dbi", "hpbw_h_deg",
                            "hpbw_v_deg", "rs_power_dbm", "freq_mhz", "band", "operator", "mechanical_tilt_deg",
                            "bandwidth_mhz", "site_id")}
    layers = []  # (site mask, operator per site, band)
    cm = tenancy != 1
    shared = tenancy != 0
    builder = np.where(county % 2 == 0, "china_telecom", "china_unicom")
    layers.append((cm, np.full(ns, "china_mobile"), "n41"))
    layers.append((cm & n28_site, np.full(ns, "china_mobile"), "n28"))
    layers.append((shared, builder, "n78"))
    for sel, ops, band in layers:
        idx = np.flatnonzero(sel)
        m = len(idx)
        rot = rng.uniform(0, 120, m)
        total_tilt = rng.integers(3, 11, m).astype(float)
        mech = np.floor(rng.random(m) * (np.minimum(4, total_tilt - 2) + 1))
        pole = site_type[idx] == "street_pole"
        if band == "n28":
            gain = np.round(rng.uniform(15.5, 17.0, m), 1)
            hpbw_v = np.round(rng.uniform(8.0, 12.0, m) * 2) / 2
            power = rng.choice([80.0, 100.0, 120.0], m)
        else:
            gain = np.where(pole, np.round(rng.uniform(11.0, 14.0, m), 1), np.round(rng.uniform(15.0, 18.0, m), 1))
            hpbw_v = np.where(pole, np.round(rng.uniform(10.0, 15.0, m) * 2) / 2, np.round(rng.uniform(6, 10, m) * 2) / 2)
            power = np.where(pole, rng.choice([40.0, 60.0, 80.0], m), 200.0)
        for s in range(3):
            az = np.round(rot + 120.0 * s + rng.uniform(-10, 10, m)) % 360.0
            for j, i in enumerate(idx):
                op = str(ops[i])
                car = CARRIERS[(op if band != "n28" else "china_mobile", band)]
                rows["cell_id"].append(f"ZJ{i:06d}-{band}-{s + 1}")
                rows["site_id"].append(f"ZJ{i:06d}")
                rows["operator"].append(op)
                rows["band"].append(band)
                rows["freq_mhz"].append(car.freq_mhz)
                rows["bandwidth_mhz"].append(car.bandwidth_mhz)
                rows["rs_power_dbm"].append(round(float(ssb_epre_dbm(power[j], car.n_rb)), 2))
                rows["lon"].append(lon[i])
                rows["lat"].append(lat[i])
                rows["height_m"].append(height[i])
                rows["azimuth_deg"].append(az[j])
                rows["tilt_deg"].append(total_tilt[j])
                rows["mechanical_tilt_deg"].append(mech[j])
                rows["gain_dbi"].append(gain[j])
                rows["hpbw_h_deg"].append(65.0)
                rows["hpbw_v_deg"].append(hpbw_v[j])
    return Cells(**rows)


def save_cells(cells, path):
    import numpy as np

    np.savez(path, **{k: getattr(cells, k) for k in (
        "cell_id", "lon", "lat", "height_m", "azimuth_deg", "tilt_deg", "gain_dbi", "hpbw_h_deg", "hpbw_v_deg",
        "rs_power_dbm", "freq_mhz", "band", "operator", "mechanical_tilt_deg", "bandwidth_mhz", "site_id")})


def load_cells(path):
    import numpy as np

    from rollout5g.core.radio.cells import Cells

    d = np.load(path, allow_pickle=True)
    return Cells(**{k: d[k] for k in d.files})


def jiaxing_cells(year=2021, seed=1):
    from rollout5g.core.radio.cells import cells_from_records
    from rollout5g.core.scenario import generate

    return cells_from_records(generate(year, seed=seed, region=CITY).cells)


# ------------------------------------------------------------------------------------------- helpers


class RssSampler:
    """Peak of the summed RSS of this process and its descendants (Dask nannies and workers), every 0.1 s."""

    def __init__(self):
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self.peak_self = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                own = self.proc.memory_info().rss
                tot = own
                for ch in self.proc.children(recursive=True):
                    try:
                        tot += ch.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, tot)
                self.peak_self = max(self.peak_self, own)
            except psutil.Error:
                pass
            self._stop.wait(0.1)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def previous_kernels():
    """The kernels.py of commit PREVIOUS_KERNEL as a module (None where git or the commit is missing)."""
    import importlib.util

    try:
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{PREVIOUS_KERNEL}:src/rollout5g/core/radio/kernels.py"],
                             capture_output=True, text=True, check=True).stdout
    except Exception:  # noqa: BLE001
        return None
    src = src.replace("from .link import", "from rollout5g.core.radio.link import")
    src = src.replace("from .pathloss import", "from rollout5g.core.radio.pathloss import")
    d = Path(tempfile.mkdtemp(prefix="prevkern-"))
    path = d / "kernels_previous.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("kernels_previous", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["kernels_previous"] = mod
    spec.loader.exec_module(mod)
    return mod


def previous_layer_run(prev, cells, grid, mask, params, threads=None):
    """Run the previous kernel (band groups, dB-weighted LOS mix) on a whole raster; (seconds, cpu, exact, lattice)."""
    import numba
    import numpy as np

    xc, yc = cells.project(grid.crs)
    layer = prev.Layer(cells, xc, yc, params)
    H, W = mask.shape
    r = np.full((H, W), np.nan, np.float32)
    s = r.copy()
    ix = np.full((H, W), -1, np.int32)
    tiles = prev.tile_corners(mask)
    if threads:
        numba.set_num_threads(threads)
    prev.run_tiles(layer, mask, grid.x_left, grid.y_top, grid.res, tiles[:2], r, s, ix)  # load / compile
    t, c = time.perf_counter(), time.process_time()
    ex, la = prev.run_tiles(layer, mask, grid.x_left, grid.y_top, grid.res, tiles, r, s, ix)
    return time.perf_counter() - t, time.process_time() - c, int(ex), int(la)


def sample_accuracy(cells, files_dir, params, n, seed=0, grid=None, arrays=None):
    """Sample ``n`` served-or-not pixels inside the areas; compare the stored (files) or given arrays with the
    float64 brute force over every cell."""
    import numpy as np

    from rollout5g.core.radio.link import brute_force

    rng = np.random.default_rng(seed)
    if arrays is None:
        import rasterio

        with rasterio.open(files_dir / "rsrp.tif") as r, rasterio.open(files_dir / "sinr.tif") as s, \
                rasterio.open(files_dir / "server.tif") as v:
            H, W = r.height, r.width
            tr = r.transform
            picks = []
            while len(picks) < n:
                rr = rng.integers(0, H, 4 * n)
                cc = rng.integers(0, W, 4 * n)
                for a, b in zip(rr, cc, strict=True):
                    val = r.read(1, window=((a, a + 1), (b, b + 1)))[0, 0]
                    if val != -9999.0:
                        picks.append((a, b, val, s.read(1, window=((a, a + 1), (b, b + 1)))[0, 0],
                                      v.read(1, window=((a, a + 1), (b, b + 1)))[0, 0]))
                        if len(picks) >= n:
                            break
        rr = np.array([p[0] for p in picks])
        cc = np.array([p[1] for p in picks])
        gr = np.array([p[2] for p in picks], float)
        gs = np.array([p[3] for p in picks], float)
        gi = np.array([p[4] for p in picks])
        px = tr.c + (cc + 0.5) * tr.a
        py = tr.f + (rr + 0.5) * tr.e
        no_service = gi == -1
    else:
        rsrp, sinr, server, mask = arrays
        rows, cols = np.nonzero(mask)
        pick = rng.choice(rows.size, min(n, rows.size), replace=False)
        rr, cc = rows[pick], cols[pick]
        px, py = grid.centers(rr, cc)
        gr, gs, gi = rsrp[rr, cc].astype(float), sinr[rr, cc].astype(float), server[rr, cc]
        no_service = gi == -1
    xc, yc = cells.project(CRS)
    br, bs, bi = brute_force(cells, xc, yc, px, py, params, chunk=256)
    valid = ~np.isnan(br)
    er = np.abs(gr[valid] - br[valid])
    es = np.abs(gs[valid] - bs[valid])
    return {
        "pixels_sampled": int(len(px)),
        "no_service_mismatch": int(np.sum(np.isnan(br) != no_service)),
        "rsrp_share_within_0.05dB": float(np.mean(er <= 0.05)) if er.size else 1.0,
        "rsrp_err_max_db": float(er.max()) if er.size else 0.0,
        "rsrp_err_p99.9_db": float(np.quantile(er, 0.999)) if er.size else 0.0,
        "sinr_share_within_0.5dB": float(np.mean(es <= 0.5)) if es.size else 1.0,
        "sinr_err_p99_db": float(np.quantile(es, 0.99)) if es.size else 0.0,
        "sinr_err_max_db": float(es.max()) if es.size else 0.0,
        "server_match_share": float(np.mean(cells.index[bi[valid]] == gi[valid])) if valid.any() else 1.0,
    }


def _streaming_case(cells, areas, resolution, backend, out_dir, params, workers=2, probe_accuracy=0):
    """One streamed run in this process with RSS sampling."""
    from rollout5g.core.radio.stream import run_streaming

    load_before = uptime()
    kw = {}
    cluster = None
    t_cluster = 0.0
    with RssSampler() as rss:
        if backend == "dask":
            from dask.distributed import LocalCluster

            t = time.perf_counter()
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            t_cluster = time.perf_counter() - t
            kw["scheduler"] = cluster.scheduler_address
        t, c = time.perf_counter(), time.process_time()
        try:
            summary = run_streaming(cells, areas, out_dir, resolution=resolution, params=params,
                                    backend="dask" if backend == "dask" else "cpu", **kw)
        finally:
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            if cluster is not None:
                cluster.close()
    entry = {
        "backend": "dask LocalCluster (2 worker processes, real scheduler)" if backend == "dask" else "in-process threads",
        # the process's own peak (ru_maxrss) or, with Dask, the client + nannies + workers summed (sampled)
        "peak_rss_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, rss.peak / 2**20),
        "wall_seconds": wall, "process_cpu_seconds": cpu, "timings": summary.get("timings"),
        "cluster_startup_seconds": t_cluster if backend == "dask" else None,
        "peak_rss_mb_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "peak_rss_mb_sampled_self": rss.peak_self / 2**20, "peak_rss_mb_total_with_workers": rss.peak / 2**20,
        "pixels_in_area": summary["pixels"], "chunks": summary["chunks"], "cells": summary["cells"],
        "covered_share": summary["covered_share"], "covered_share_at": summary["covered_share_at"],
        "no_service_share": summary["no_service_share"], "evaluations": summary["evaluations"],
        "files_bytes": {k: v["bytes"] for k, v in summary.get("files", {}).items()},
        "overviews": {k: v["overviews"] for k, v in summary.get("files", {}).items()},
        "load_before": load_before, "load_after": uptime(),
    }
    return entry, summary


# --------------------------------------------------------------------------------------------- cases


def case_province(args) -> dict:
    from rollout5g.core.radio.link import RadioParams

    cells = load_cells(args.cells)
    b = boundaries()
    province = [(b["330000"][0], b["330000"][3])]
    areas = province + [(v[0], v[3]) for a, v in sorted(b.items()) if v[1] in ("city", "county")]
    params = RadioParams(model="uma", los_mode="weighted", location_probability=0.9)
    out = Path(args.workdir) / f"province-{args.backend}"
    entry, summary = _streaming_case(cells, areas, args.resolution, args.backend, out, params)
    entry["resolution_m"] = args.resolution
    entry["grid"] = summary["grid"]
    entry["areas"] = {a["name"]: round(a["covered_share"], 4) for a in summary["areas"][:12]}
    if args.accuracy:
        t = time.perf_counter()
        entry["accuracy_vs_brute_force"] = sample_accuracy(cells, out, params, args.accuracy)
        entry["accuracy_seconds"] = time.perf_counter() - t
    return entry


def case_jiaxing(args) -> dict:
    import numba
    import numpy as np

    from rollout5g.core.radio.grid import grid_for_areas, project_geometry, rasterize_mask
    from rollout5g.core.radio.job import compute_layer, summarize
    from rollout5g.core.radio.link import RadioParams

    cells = jiaxing_cells()
    b = boundaries()
    name, _, _, geom = b["330400"]
    params = RadioParams(model="uma", los_mode="weighted")
    bands = ["n78", "n41", "n28"]
    out = {"cells": len(cells), "load_before": uptime(), "threads": numba.get_num_threads()}
    # warm-up (load the cached kernels) on a tiny area
    tiny = project_geometry(geom.centroid.buffer(0.01), CRS)
    g0 = grid_for_areas([("t", tiny)], 20.0, CRS)
    compute_layer(cells.filter(band="n78"), g0, rasterize_mask(g0, tiny), params)
    # 1. the three band layers in memory (the previous benchmark's job), new kernel
    t, c = time.perf_counter(), time.process_time()
    projected = project_geometry(geom, CRS)
    grid = grid_for_areas([(name, projected)], 20.0, CRS)
    mask = rasterize_mask(grid, projected)
    layers = {}
    for band in bands:
        layer = cells.filter(band=band)
        t1, c1 = time.perf_counter(), time.process_time()
        rsrp, sinr, server, counters = compute_layer(layer, grid, mask, params)
        s = summarize(rsrp, sinr, mask, [(name, mask)], params.rsrp_min, params.sinr_min)
        layers[band] = {"cells": len(layer), "seconds": time.perf_counter() - t1, "cpu_seconds": time.process_time() - c1,
                        "exact_evaluations": counters["exact"], "lattice_evaluations": counters["lattice"],
                        "exact_per_pixel": counters["exact"] / max(1, int(mask.sum())),
                        "covered_share": s["covered_share"], "_arrays": (rsrp, sinr, server, layer)}
    out["three_layers_in_memory"] = {"wall_seconds": time.perf_counter() - t, "process_cpu_seconds": time.process_time() - c,
                                     "pixels_in_area": int(mask.sum()), "grid": [grid.width, grid.height]}
    # accuracy per band
    t = time.perf_counter()
    for band in bands:
        rsrp, sinr, server, layer = layers[band].pop("_arrays")
        layers[band]["accuracy_vs_brute_force"] = sample_accuracy(layer, None, params, args.sample, grid=grid,
                                                                  arrays=(rsrp, sinr, server, mask))
    out["accuracy_seconds"] = time.perf_counter() - t
    out["bands"] = layers
    # 2. the previous kernel on the same three layers (its own model: band groups, dB-weighted LOS mix)
    prev = previous_kernels()
    if prev is not None:
        t, c = time.perf_counter(), time.process_time()
        pl = {}
        for band in bands:
            w, cpu, ex, la = previous_layer_run(prev, cells.filter(band=band), grid, mask, params)
            pl[band] = {"seconds": w, "cpu_seconds": cpu, "exact_evaluations": ex, "lattice_evaluations": la}
        out["previous_kernel_three_layers"] = {"commit": PREVIOUS_KERNEL, "wall_seconds": time.perf_counter() - t,
                                               "process_cpu_seconds": time.process_time() - c, "bands": pl}
    out["load_after"] = uptime()
    del np
    return out


def case_jiaxing_stream(args) -> dict:
    """The whole network (every carrier, one layer) streamed to COGs, in its own process (its peak RSS alone)."""
    from rollout5g.core.radio.link import RadioParams

    cells = jiaxing_cells()
    name, _, _, geom = boundaries()["330400"]
    params = RadioParams(model="uma", los_mode="weighted", location_probability=0.9)
    # load the cached kernels on a tiny area first (as a running worker has them)
    from rollout5g.core.radio.stream import run_streaming

    run_streaming(cells, [("t", geom.centroid.buffer(0.005))], None, resolution=20.0, params=params, write=False)
    entry, summary = _streaming_case(cells, [(name, geom)], 20.0, args.backend,
                                     Path(args.workdir) / f"jiaxing-{args.backend}", params)
    entry["chunks_in_box"] = -(-summary["grid"]["width"] // 256) * -(-summary["grid"]["height"] // 256)
    return entry


def case_onetx(args) -> dict:
    import numba
    import numpy as np
    from pyproj import Transformer

    from rollout5g.core.radio import kernels as k
    from rollout5g.core.radio.cells import Cells
    from rollout5g.core.radio.grid import Grid
    from rollout5g.core.radio.link import RadioParams

    numba.set_num_threads(1)
    x0, y0 = 290000.0, 3405000.0
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform([x0], [y0])
    cells = Cells(cell_id=["A"], lon=lon, lat=lat, height_m=[30], azimuth_deg=[45], tilt_deg=[6], gain_dbi=[17],
                  hpbw_h_deg=[65], hpbw_v_deg=[10], rs_power_dbm=[18], freq_mhz=[3500], band=["n78"], operator=["x"])
    n, res = 2048, 2.0
    grid = Grid(CRS, x0 - n * res / 2, y0 + n * res / 2, res, n, n)
    mask = np.ones((n, n), bool)
    out = {"pixels": n * n, "resolution_m": res, "load_before": uptime(), "modes": {}}
    prev = previous_kernels()
    for mode in ("weighted", "los", "nlos"):
        params = RadioParams(los_mode=mode)
        layer = k.Layer(cells, np.array([x0]), np.array([y0]), params)
        r = np.full((n, n), np.nan, np.float32)
        s = r.copy()
        ix = np.full((n, n), -1, np.int32)
        k.run_tiles(layer, mask[:256, :256].copy(), grid.x_left, grid.y_top, res, None, r[:256, :256].copy(),
                    s[:256, :256].copy(), ix[:256, :256].copy(), threads=1)
        best = None
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            ex, la = k.run_tiles(layer, mask, grid.x_left, grid.y_top, res, None, r, s, ix, threads=1)
            cand = (time.process_time() - c, time.perf_counter() - t)
            best = cand if best is None or cand[0] < best[0] else best
        entry = {"exact_evaluations": ex, "cpu_seconds": best[0], "wall_seconds": best[1],
                 "exact_per_cpu_second": ex / best[0]}
        if prev is not None:
            runs = [previous_layer_run(prev, cells, grid, mask, params, threads=1) for _ in range(3)]
            w, cpu, pex, _ = min(runs, key=lambda v: v[1])
            entry["previous_kernel"] = {"commit": PREVIOUS_KERNEL, "exact_evaluations": pex, "cpu_seconds": cpu,
                                        "exact_per_cpu_second": pex / cpu,
                                        "note": "its own LOS treatment in 'weighted' (dB mix), so fewer pixels are above "
                                                "the noise floor there"}
            entry["speed_ratio_per_evaluation"] = (ex / best[0]) / (pex / cpu)
        out["modes"][mode] = entry
    out["load_after"] = uptime()
    return out


def case_startup(args) -> dict:
    work = Path(args.workdir)
    cells_csv = work / "one.csv"
    cells_csv.write_text("cell_id,lon,lat,height_m,azimuth_deg,tilt_deg,gain_dbi,hpbw_h_deg,hpbw_v_deg,rs_power_dbm,"
                         "freq_mhz,band,operator\nA,120.8,30.75,30,45,6,17,65,10,18,3500,n78,x\n", encoding="utf-8")
    area = work / "area.geojson"
    area.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "name": "a"}, "geometry": {"type": "Polygon", "coordinates": [[[120.78, 30.73], [120.82, 30.73],
                                                                       [120.82, 30.77], [120.78, 30.77],
                                                                       [120.78, 30.73]]]}}]}), encoding="utf-8")
    runs = []
    exe = [sys.executable, "-m", "rollout5g.cli"]
    for i in range(4):
        trace = work / f"trace-{i}.json"
        env = dict(os.environ, ROLLOUT5G_COVERAGE_TRACE=str(trace))
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([*exe, "coverage", "--cells", str(cells_csv), "--area", str(area), "--out",
                            str(work / f"one-{i}"), "--no-gpu"], capture_output=True, text=True, env=env,
                           cwd=str(work))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            raise RuntimeError(p.stderr[-2000:])
        tr = json.loads(trace.read_text())
        tr["total_cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        tr["wall_seconds"] = time.perf_counter() - t
        runs.append(tr)
    best = min(runs[1:], key=lambda r: r["first_chunk_cpu_seconds"])  # the first run may fill the OS cache
    # where the CPU time before the first chunk goes: each step alone in a fresh interpreter (best of 3)
    (work / "trivial.py").write_text("import numba\n@numba.njit(cache=True)\ndef f(x):\n    return x + 1\nf(1)\n",
                                     encoding="utf-8")
    steps = {
        "python": ["-c", "pass"],
        "cli_module (typer, rich)": ["-c", "import rollout5g.cli"],
        "numpy": ["-c", "import numpy"],
        "numba import": ["-c", "import numba"],
        "numba import + first call of a cached function": [str(work / "trivial.py")],
        "shapely + pyproj + rasterio": ["-c", "import shapely, pyproj, rasterio.features"],
    }
    breakdown = {}
    for name, argv in steps.items():
        best_cpu = None
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, *argv], check=True, cwd=str(work), capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        breakdown[name] = best_cpu
    return {"runs": runs, "best": best, "cpu_seconds_of_each_step_alone": breakdown, "load": uptime()}


CASES = {"province": case_province, "jiaxing": case_jiaxing, "jiaxing-stream": case_jiaxing_stream,
         "onetx": case_onetx, "startup": case_startup}


def run_case(name, extra, env=None) -> dict:
    """Run one case in a fresh process; its JSON result plus the child's peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
        path = fh.name
    cmd = [sys.executable, __file__, "--case", name, "--json", path, *extra]
    proc = subprocess.Popen(cmd, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"case {name} failed ({proc.returncode})")
    res = json.loads(Path(path).read_text())
    os.unlink(path)
    # this child's own peak (Linux: the largest of it and the children it waited for, each alone)
    res["child_peak_rss_mb"] = usage.ru_maxrss / 1024.0
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="onetx,startup,jiaxing,province", help="cases: onetx, startup, jiaxing, province")
    ap.add_argument("--province-resolution", type=float, default=20.0)
    ap.add_argument("--province-cells", type=int, default=300_000)
    ap.add_argument("--province-backends", default="cpu,dask")
    ap.add_argument("--sample", type=int, default=2000, help="Jiaxing pixels per band for the brute-force check")
    ap.add_argument("--province-sample", type=int, default=300, help="province pixels for the brute-force check")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    # internal: one case in this process
    ap.add_argument("--case")
    ap.add_argument("--json")
    ap.add_argument("--cells")
    ap.add_argument("--workdir")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--resolution", type=float, default=20.0)
    ap.add_argument("--accuracy", type=int, default=0)
    args = ap.parse_args(argv)

    if args.case:
        res = CASES[args.case](args)
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, default=float), encoding="utf-8")
        return

    only = [s for s in args.only.split(",") if s]
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-coverage-"))
    work.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    doc = {"benchmark": "coverage", "machine": {
        "cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "note": "shared with four other agents while measured: see the load beside each figure"},
        "uptime_start": uptime(), "command": "python benchmarks/coverage.py " + " ".join(argv or sys.argv[1:])}
    results = dict(previous.get("results", {})) if set(only) != {"onetx", "startup", "jiaxing", "province"} else {}
    base = ["--workdir", str(work)]
    if "onetx" in only:
        results["onetx"] = run_case("onetx", base)
    if "startup" in only:
        results["startup"] = run_case("startup", base)
    if "jiaxing" in only:
        results["jiaxing"] = run_case("jiaxing", [*base, "--sample", str(args.sample)])
        for backend in ("cpu", "dask"):
            results["jiaxing"][f"streamed_{backend}"] = run_case("jiaxing-stream", [*base, "--backend", backend])
    if "province" in only:
        t = time.perf_counter()
        cells = province_registry(target_cells=args.province_cells)
        t_gen = time.perf_counter() - t
        npz = work / "province-cells.npz"
        save_cells(cells, npz)
        prov = {"cells": len(cells), "sites": len(set(cells.site_id)), "seconds_to_generate": t_gen,
                "carriers": sorted({(float(f), float(b)) for f, b in zip(cells.freq_mhz, cells.bandwidth_mhz,
                                                                          strict=True)}),
                "runs": {}}
        del cells
        for backend in args.province_backends.split(","):
            prov["runs"][backend] = run_case("province", [*base, "--cells", str(npz), "--backend", backend,
                                                          "--resolution", str(args.province_resolution),
                                                          "--accuracy", str(args.province_sample if backend == "cpu"
                                                                            else 0)])
        results["province"] = prov
    doc["results"] = results
    doc["uptime_end"] = uptime()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
    print_table(doc)
    print(f"wrote {args.out}")


def print_table(doc):
    r = doc["results"]
    print(f"machine: {doc['machine']['cpus']} CPUs, {doc['machine']['memory_gb']} GB; {doc['uptime_start']}")
    if "province" in r:
        p = r["province"]
        print(f"\nZhejiang, {p['cells']} cells ({p['sites']} sites), every carrier in one layer")
        print(f"{'run':<58}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}{'pixels':>13}{'covered@90%':>12}")
        for e in p["runs"].values():
            # in-process: the process's own peak (ru_maxrss); Dask: client + nannies + workers summed (sampled)
            rss = max(e["peak_rss_mb_process"], e["peak_rss_mb_total_with_workers"])
            print(f"{e['backend'][:57]:<58}{e['wall_seconds']:>9.1f}{e['process_cpu_seconds']:>9.1f}{rss:>13.0f}"
                  f"{e['pixels_in_area']:>13}{e['covered_share']:>12.4f}")
            print(f"    load before: {e['load_before']}")
            print(f"    load after:  {e['load_after']}")
            if "accuracy_vs_brute_force" in e:
                a = e["accuracy_vs_brute_force"]
                print(f"    accuracy on {a['pixels_sampled']} pixels: RSRP max error {a['rsrp_err_max_db']:.4f} dB, "
                      f"SINR p99 {a['sinr_err_p99_db']:.3f} dB, server match {a['server_match_share']:.4f}, "
                      f"no-service mismatches {a['no_service_mismatch']}")
    if "jiaxing" in r:
        j = r["jiaxing"]
        t = j["three_layers_in_memory"]
        print(f"\nJiaxing 2021, {j['cells']} cells, 20 m, {t['pixels_in_area']} pixels; load {j['load_before']}")
        print(f"  three band layers in memory: {t['wall_seconds']:.2f} s wall, {t['process_cpu_seconds']:.2f} CPU-s")
        if "previous_kernel_three_layers" in j:
            pk = j["previous_kernel_three_layers"]
            print(f"  previous kernel ({pk['commit']}), same layers: {pk['wall_seconds']:.2f} s wall, "
                  f"{pk['process_cpu_seconds']:.2f} CPU-s")
        for band, b in j["bands"].items():
            a = b["accuracy_vs_brute_force"]
            print(f"  {band}: {b['cells']} cells, {b['seconds']:.2f} s, {b['exact_per_pixel']:.1f} exact/pixel; RSRP "
                  f"max err {a['rsrp_err_max_db']:.4f} dB, SINR p99 {a['sinr_err_p99_db']:.3f} dB, server match "
                  f"{a['server_match_share']:.4f}")
        for k in ("streamed_cpu", "streamed_dask"):
            if k in j:
                e = j[k]
                print(f"  all carriers streamed to COGs, {e['backend']}: {e['wall_seconds']:.2f} s wall, "
                      f"{e['process_cpu_seconds']:.2f} CPU-s, peak RSS {e['peak_rss_mb']:.0f} MB")
    if "onetx" in r:
        o = r["onetx"]
        print(f"\nOne transmitter, {o['pixels']} pixels, one core; load {o['load_before']}")
        for mode, e in o["modes"].items():
            line = f"  {mode:<9} {e['exact_per_cpu_second'] / 1e6:7.1f} M exact evaluations per CPU-second"
            if "previous_kernel" in e:
                line += f"   previous kernel {e['previous_kernel']['exact_per_cpu_second'] / 1e6:7.1f} M"
            print(line)
    if "startup" in r:
        s = r["startup"]["best"]
        print(f"\nCLI start-up (one cell): first chunk at {s['first_chunk_cpu_seconds']:.2f} CPU-s, whole run "
              f"{s['total_cpu_seconds']:.2f} CPU-s; load {r['startup']['load']}")
        for name, cpu in r["startup"].get("cpu_seconds_of_each_step_alone", {}).items():
            print(f"  {name:<50}{cpu:6.2f} CPU-s (alone, fresh interpreter)")


if __name__ == "__main__":
    main()
