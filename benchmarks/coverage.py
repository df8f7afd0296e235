"""Coverage engine benchmark: Jiaxing (adcode 330400) at 20 m with the 2021 scenario.

Prints a table (backend, band, cells, pixels, cell-pixel evaluations per second, wall seconds) and
writes ``benchmarks/results/coverage.json``. Rows: the local CPU kernels (numba, all cores), the
same on a Dask LocalCluster of 2 workers, and the GPU kernel when numba.cuda finds a GPU (skipped
with a note otherwise). The wall time of a run covers rasterising the city, the three band layers
(n78, n41, n28: SINR per band) and the KPIs (covered share of the city); writing GeoTIFFs is timed
separately. Accuracy: a float64 brute force (every cell of the band to every sampled pixel, no
cut-off) on a random subsample of pixels.

    python benchmarks/coverage.py [--resolution 20] [--year 2021] [--sample 2000] [--no-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this file is named coverage.py: keep its folder off sys.path so that numba's optional
# ``import coverage`` does not find it
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from rollout5g.core.geo import gcj02_to_wgs84, transform_geojson_geometry  # noqa: E402
from rollout5g.core.radio import kernels  # noqa: E402
from rollout5g.core.radio.cells import cells_from_records  # noqa: E402
from rollout5g.core.radio.grid import grid_for_areas, project_geometry, rasterize_mask  # noqa: E402
from rollout5g.core.radio.job import CoverageResult, compute_layer, has_gpu, summarize, write_outputs  # noqa: E402
from rollout5g.core.radio.link import RadioParams, brute_force  # noqa: E402

BOUNDARIES = Path(
    os.environ.get("ROLLOUT5G_BOUNDARIES", "/work/shared/data/boundaries/zhejiang_admin.geojson")
)
CRS = "EPSG:32651"


def jiaxing_wgs84():
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    feat = next(f for f in data["features"] if f["properties"]["adcode"] == "330400")
    return feat["properties"]["name"], shape(transform_geojson_geometry(feat["geometry"], gcj02_to_wgs84))


def run(cells, bands, area, resolution, backend, **kw):
    """One full job: grid + mask, every band layer, KPIs. Returns (results per band, wall seconds)."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    name, geom = area
    projected = [(name, project_geometry(geom, CRS))]
    grid = grid_for_areas(projected, resolution, CRS)
    mask = rasterize_mask(grid, projected[0][1])
    params = RadioParams(model="uma", los_mode="weighted")
    out = {}
    for band in bands:
        layer = cells.filter(band=band)
        t1 = time.perf_counter()
        rsrp, sinr, server, counters = compute_layer(layer, grid, mask, params, backend=backend, **kw)
        summary = summarize(rsrp, sinr, mask, [(name, mask)], params.rsrp_min, params.sinr_min)
        out[band] = dict(
            layer=layer,
            rsrp=rsrp,
            sinr=sinr,
            server=server,
            counters=counters,
            summary=summary,
            seconds=time.perf_counter() - t1,
        )
    return grid, mask, out, time.perf_counter() - t0, time.process_time() - c0


def accuracy(cells_band, grid, mask, res, n_sample, seed=0):
    rows, cols = np.nonzero(mask)
    rng = np.random.default_rng(seed)
    pick = rng.choice(rows.size, min(n_sample, rows.size), replace=False)
    rr, cc = rows[pick], cols[pick]
    px, py = grid.centers(rr, cc)
    xc, yc = cells_band.project(CRS)
    br, bs, bi = brute_force(cells_band, xc, yc, px, py, RadioParams(model="uma", los_mode="weighted"))
    gr, gs, gi = res["rsrp"][rr, cc], res["sinr"][rr, cc], res["server"][rr, cc]
    valid = ~np.isnan(br)
    er = np.abs(gr[valid] - br[valid])
    es = np.abs(gs[valid] - bs[valid])
    return {
        "pixels_sampled": int(pick.size),
        "nodata_mismatch": int(np.sum(np.isnan(br) != np.isnan(gr))),
        "rsrp_share_within_0.05dB": float(np.mean(er <= 0.05)),
        "rsrp_err_p99.9_db": float(np.quantile(er, 0.999)) if er.size else 0.0,
        "sinr_share_within_0.5dB": float(np.mean(es <= 0.5)),
        "sinr_err_p99_db": float(np.quantile(es, 0.99)) if es.size else 0.0,
        "sinr_err_max_db": float(es.max()) if es.size else 0.0,
        "server_match_share": float(np.mean(cells_band.index[bi[valid]] == gi[valid]))
        if valid.any()
        else 1.0,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resolution", type=float, default=20.0)
    ap.add_argument("--year", type=int, default=2021)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=2000, help="pixels per band for the brute-force check")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "coverage.json")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()
    from rollout5g.core.scenario import generate_jiaxing

    t = time.perf_counter()
    scenario = generate_jiaxing(args.year, seed=args.seed)
    cells = cells_from_records(scenario.cells)
    t_scenario = time.perf_counter() - t
    bands = [b for b in ("n78", "n41", "n28") if b in set(cells.band)]
    area = jiaxing_wgs84()

    # warm-up: load (or compile) the numba kernels on a tiny area
    t = time.perf_counter()
    tiny = (area[0], area[1].centroid.buffer(0.01))
    run(cells, bands[:1], tiny, args.resolution, "cpu")
    t_warm = time.perf_counter() - t

    rows, results = [], {}
    backends = [("cpu", {})]
    if not args.no_dask:
        backends.append(("dask", {"workers": 2}))
    notes = []
    if has_gpu():
        backends.append(("gpu", {}))
    else:
        notes.append("gpu: skipped, numba.cuda finds no GPU on this machine")
    for backend, kw in backends:
        cluster = None
        if backend == "dask":
            # one LocalCluster for the whole run (its start-up is timed separately)
            from dask.distributed import LocalCluster

            t = time.perf_counter()
            cluster = LocalCluster(
                n_workers=kw["workers"], threads_per_worker=1, processes=True, dashboard_address=None
            )
            t_cluster = time.perf_counter() - t
            run_kw = {"scheduler": cluster.scheduler_address}
        else:
            run_kw = {}
        try:
            grid, mask, out, wall, cpu_s = run(cells, bands, area, args.resolution, backend, **run_kw)
        finally:
            if cluster is not None:
                cluster.close()
        ev_total = sum(o["counters"]["exact"] + o["counters"]["lattice"] for o in out.values())
        label = f"{backend}" + (f" ({kw['workers']} workers)" if "workers" in kw else "")
        for band, o in out.items():
            ev = o["counters"]["exact"] + o["counters"]["lattice"]
            rows.append(
                (
                    label,
                    band,
                    len(o["layer"]),
                    int(mask.sum()),
                    ev / o["seconds"],
                    o["seconds"],
                    o["summary"]["covered_share"],
                )
            )
        rows.append(
            (label, "all (job)", len(cells.filter(band=None)), int(mask.sum()), ev_total / wall, wall, None)
        )
        entry = {
            "wall_seconds": wall,
            # CPU seconds of this process (all its threads; excludes Dask worker processes): on an
            # idle machine the wall time of the CPU run is about cpu_seconds / numba threads
            "process_cpu_seconds": cpu_s,
            "grid": {"width": grid.width, "height": grid.height, "resolution_m": args.resolution, "crs": CRS},
            "pixels_in_area": int(mask.sum()),
            "bands": {},
        }
        if cluster is not None:
            entry["cluster_startup_seconds"] = t_cluster
        for band, o in out.items():
            entry["bands"][band] = {
                "cells": len(o["layer"]),
                "seconds": o["seconds"],
                "exact_evaluations": o["counters"]["exact"],
                "lattice_evaluations": o["counters"]["lattice"],
                "evaluations_per_second": (o["counters"]["exact"] + o["counters"]["lattice"]) / o["seconds"],
                "exact_evaluations_per_pixel": o["counters"]["exact"] / max(1, int(mask.sum())),
                "tiles": o["counters"]["tiles"],
                "covered_share": o["summary"]["covered_share"],
            }
        if backend == "cpu":
            t = time.perf_counter()
            for band, o in out.items():
                entry["bands"][band]["accuracy_vs_brute_force"] = accuracy(
                    o["layer"], grid, mask, o, args.sample
                )
            entry["accuracy_seconds"] = time.perf_counter() - t
            o = out[bands[0]]
            res = CoverageResult(grid, o["rsrp"], o["sinr"], o["server"], mask, dict(o["summary"]))
            with tempfile.TemporaryDirectory() as d:
                t = time.perf_counter()
                write_outputs(res, d)
                entry["geotiff_write_seconds_one_band"] = time.perf_counter() - t
        results[label] = entry

    load_after = os.getloadavg()
    print(
        f"Jiaxing {args.year} scenario: {len(cells)} cells ({', '.join(bands)}), {args.resolution:g} m, {CRS}"
    )
    print(
        f"load average before {load_before[0]:.2f} / after {load_after[0]:.2f}; {os.cpu_count()} CPUs; "
        f"numba threads {kernels.nb.get_num_threads()}; warm-up {t_warm:.1f} s"
    )
    hdr = f"{'backend':<20}{'band':<11}{'cells':>7}{'pixels':>11}{'cell-px eval/s':>16}{'wall s':>9}{'covered':>9}"
    print(hdr)
    print("-" * len(hdr))
    for label, band, n, px, eps_, sec, cov in rows:
        cov_s = f"{cov:9.3f}" if cov is not None else " " * 9
        print(f"{label:<20}{band:<11}{n:>7}{px:>11}{eps_:>16.3e}{sec:>9.2f}{cov_s}")
    cpu_entry = results["cpu"]
    print(f"cpu run: {cpu_entry['wall_seconds']:.2f} s wall, {cpu_entry['process_cpu_seconds']:.2f} CPU-seconds "
          f"(= {cpu_entry['process_cpu_seconds'] / kernels.nb.get_num_threads():.2f} s on {kernels.nb.get_num_threads()} idle cores)")
    for note in notes:
        print(note)
    acc = results["cpu"]["bands"]
    for band in bands:
        a = acc[band]["accuracy_vs_brute_force"]
        print(
            f"accuracy {band}: RSRP within 0.05 dB on {a['rsrp_share_within_0.05dB']:.4%} (p99.9 {a['rsrp_err_p99.9_db']:.2e} dB); "
            f"SINR within 0.5 dB on {a['sinr_share_within_0.5dB']:.4%} (p99 {a['sinr_err_p99_db']:.3f}, max "
            f"{a['sinr_err_max_db']:.3f} dB); server match {a['server_match_share']:.4%}; "
            f"nodata mismatches {a['nodata_mismatch']} of {a['pixels_sampled']} sampled"
        )
    print(f"GeoTIFF writing (3 rasters, one band): {results['cpu']['geotiff_write_seconds_one_band']:.2f} s")
    doc = {
        "benchmark": "coverage",
        "scenario": {
            "city": area[0],
            "adcode": "330400",
            "year": args.year,
            "seed": args.seed,
            "cells": len(cells),
            "bands": bands,
            "seconds_to_generate": t_scenario,
        },
        "model": {
            "model": "uma",
            "los_mode": "weighted",
            "resolution_m": args.resolution,
            "crs": CRS,
            "tile": kernels.TILE,
            "near_m": kernels.NEAR_M,
            "far_m": kernels.FAR_M,
            "eps": 0.05,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "numba_threads": kernels.nb.get_num_threads(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "warmup_seconds": t_warm,
        "results": results,
        "notes": notes,
        "command": "python benchmarks/coverage.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
