"""Benchmark of the site recommendation engine (issue 5, part 4).

For three seeded synthetic instances (2,000 x 500, 20,000 x 5,000, 100,000 x 10,000 demand
points x candidates, r = 500 m) it measures: the coverage relation build, plain lazy greedy, the
interactive heuristic (greedy + interchange + ruin and recreate), the exact sparse MIP (HiGHS),
and — where asked — the same instance solved by PySAL's ``spopt.locate.MCLP`` in a subprocess
with a 600 s timeout. Prints a table and writes ``benchmarks/results/recommend.json``.

Instances ("gap pockets in a city"): the area is scaled with the number of candidates,
A = 0.2 km^2 per candidate (5 candidates per km^2: 5,000 candidates on 1,000 km^2, about the
size of Jiaxing's urban districts), square. Towns (one per 50 candidates) have Gaussian
extents sigma = 0.5-2 km; candidates (public facilities) are 60 % town-clustered, 40 % uniform.
Demand points are pixels below the coverage criterion, grouped in gap pockets (one per 40
points, sigma = 150-400 m, Pareto sizes) placed around the towns; weights are key-area
priorities 1, 2 or 3. p = 500 new sites, except p = 50 for 2,000 x 500 (p = 500 would choose all
500 candidates).

Usage::

    python benchmarks/recommend.py                       # all instances, no spopt
    python benchmarks/recommend.py --spopt 2000,20000    # also spopt on those instances
    python benchmarks/recommend.py --only 2000 --time-limit 60
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rollout5g.core.planning import MCLPProblem, coverage_by_radius, solve_mclp  # noqa: E402

RADIUS_M = 500.0
KM2_PER_CANDIDATE = 0.2
INSTANCES = [(2_000, 500, 50), (20_000, 5_000, 500), (100_000, 10_000, 500)]
SPOPT_TIMEOUT_S = 600


def make_instance(n_points, n_candidates, seed=0):
    """Seeded synthetic instance; returns demand_xy [m], weights [-], candidate_xy [m], side [m]."""
    rng = np.random.default_rng(seed)
    side = np.sqrt(n_candidates * KM2_PER_CANDIDATE) * 1000.0
    n_towns = max(4, n_candidates // 50)
    towns = rng.uniform(0.05 * side, 0.95 * side, size=(n_towns, 2))
    tsig = rng.uniform(500.0, 2000.0, size=n_towns)
    tpop = tsig**2 * rng.uniform(0.5, 1.5, size=n_towns)
    tpop /= tpop.sum()
    n_pockets = max(10, n_points // 40)
    t = rng.choice(n_towns, size=n_pockets, p=tpop)
    pockets = towns[t] + rng.normal(size=(n_pockets, 2)) * 1.5 * tsig[t, None]
    psig = rng.uniform(150.0, 400.0, size=n_pockets)
    psize = rng.pareto(1.5, size=n_pockets) + 1.0
    psize /= psize.sum()
    prio = rng.choice([1.0, 1.0, 1.0, 2.0, 3.0], size=n_pockets)
    pk = rng.choice(n_pockets, size=n_points, p=psize)
    demand = np.clip(pockets[pk] + rng.normal(size=(n_points, 2)) * psig[pk, None], 0.0, side)
    weights = prio[pk]
    n_town_c = int(0.6 * n_candidates)
    c = rng.choice(n_towns, size=n_town_c, p=tpop)
    cand = np.vstack([
        towns[c] + rng.normal(size=(n_town_c, 2)) * tsig[c, None],
        rng.uniform(0.0, side, size=(n_candidates - n_town_c, 2)),
    ])
    return demand, weights, np.clip(cand, 0.0, side), side


# ---------------------------------------------------------------------------------------------
# spopt (PySAL) worker, run in a subprocess so that a timeout can kill it
# ---------------------------------------------------------------------------------------------
def spopt_worker(npz_path, out_path):
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    d = np.load(npz_path)
    demand, cand, w, p = d["demand"], d["cand"], d["weights"], int(d["p"])
    # spopt's documented entry point for projected coordinates: a dense client x facility
    # cost matrix (here Euclidean distance [m])
    cost = np.sqrt(((demand[:, None, :] - cand[None, :, :]) ** 2).sum(axis=2))
    t1 = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, w, service_radius=RADIUS_M, p_facilities=p, name="bench")
    t2 = time.perf_counter()
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    t3 = time.perf_counter()
    chosen = [j for j, v in enumerate(model.fac_vars) if v.value() is not None and v.value() > 0.5]
    covered = (cost[:, chosen] <= RADIUS_M).any(axis=1) if chosen else np.zeros(len(w), bool)
    Path(out_path).write_text(json.dumps({
        "status": pulp.LpStatus[model.problem.status],
        "objective": float(w[covered].sum()),
        "n_sites": len(chosen),
        "time_s": t3 - t0,
        "cost_matrix_s": t1 - t0,
        "model_build_s": t2 - t1,
        "solve_s": t3 - t2,
    }))


def run_spopt(demand, cand, weights, p):
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "inst.npz"
        out = Path(tmp) / "out.json"
        np.savez(npz, demand=demand, cand=cand, weights=weights, p=p)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--spopt-worker", str(npz), str(out)],
                timeout=SPOPT_TIMEOUT_S, capture_output=True, text=True,
            )
        except subprocess.TimeoutExpired:
            return {"status": "timeout", "time_s": time.perf_counter() - t0, "timeout_s": SPOPT_TIMEOUT_S}
        if proc.returncode != 0 or not out.exists():
            return {"status": "error", "time_s": time.perf_counter() - t0, "stderr": proc.stderr[-2000:]}
        res = json.loads(out.read_text())
        res["wall_s"] = time.perf_counter() - t0
        return res


# ---------------------------------------------------------------------------------------------
def bench_instance(n_points, n_cand, p, *, time_limit, with_spopt, seed=0):
    demand, weights, cand, side = make_instance(n_points, n_cand, seed)
    t0 = time.perf_counter()
    cov = coverage_by_radius(demand, cand, RADIUS_M)
    t_cov = time.perf_counter() - t0
    t0 = time.perf_counter()
    problem = MCLPProblem(weights=weights, coverage=cov, p=p)
    t_problem = time.perf_counter() - t0
    cpp = np.diff(cov.tocsc().indptr)
    row = {
        "n_points": n_points, "n_candidates": n_cand, "p": p, "radius_m": RADIUS_M,
        "side_km": side / 1000.0, "nnz": int(cov.nnz), "points_per_candidate": cov.nnz / n_cand,
        "candidates_per_point": float(cpp.mean()), "total_weight": float(weights.sum()),
        "uncoverable_share": float(weights[cpp == 0].sum() / weights.sum()),
        "coverage_build_s": t_cov, "problem_build_s": t_problem,
    }
    greedy = solve_mclp(problem, local_search=False)
    row["greedy"] = {"objective": greedy.objective, "time_s": greedy.timings["total"]}
    heur = solve_mclp(problem)
    row["heuristic"] = {
        "objective": heur.objective, "time_s": heur.timings["total"], "n_moves": heur.n_swaps,
        "share_after": heur.share_after,
    }
    ex = solve_mclp(problem, method="exact", time_limit=time_limit)
    best = max(ex.objective, heur.objective)
    row["exact"] = {
        "status": ex.status, "objective": ex.objective, "dual_bound": ex.dual_bound, "mip_gap": ex.mip_gap,
        "time_s": ex.timings["total"], "mip_build_s": ex.timings.get("mip_build"),
        "mip_solve_s": ex.timings.get("mip_solve"), "time_limit_s": time_limit,
    }
    optimal = ex.status == "Optimal"
    row["heuristic"]["gap_to_optimum"] = (ex.objective - heur.objective) / ex.objective if optimal else None
    row["heuristic"]["gap_to_bound"] = (ex.dual_bound - heur.objective) / ex.dual_bound
    row["greedy"]["gap_to_best"] = (best - greedy.objective) / best
    if with_spopt:
        row["spopt"] = run_spopt(demand, cand, weights, p)
    else:
        row["spopt"] = {"status": "not run"}
    return row


def fmt_table(rows):
    head = (f"{'instance':>16} {'p':>4} {'nnz':>9} | {'greedy obj':>10} {'s':>6} | {'heur obj':>9} {'s':>6} | "
            f"{'exact obj':>9} {'bound':>9} {'status':>10} {'s':>7} | {'heur gap':>8} | {'spopt':>22}")
    lines = [head, "-" * len(head)]
    for r in rows:
        h, e, g, s = r["heuristic"], r["exact"], r["greedy"], r["spopt"]
        gap = h["gap_to_optimum"] if h["gap_to_optimum"] is not None else h["gap_to_bound"]
        gap_s = f"{100 * gap:.3f}%" + ("" if h["gap_to_optimum"] is not None else "*")
        if s.get("status") in ("timeout", "not run", "error"):
            sp_s = s["status"] + (f" ({s['timeout_s']} s)" if s.get("status") == "timeout" else "")
        else:
            sp_s = f"{s['objective']:.0f} in {s['time_s']:.1f} s"
        status = "optimal" if e["status"] == "Optimal" else e["status"][:10]
        lines.append(
            f"{r['n_points']:>7,} x {r['n_candidates']:>6,} {r['p']:>4} {r['nnz']:>9,} | {g['objective']:>10.0f} "
            f"{g['time_s']:>6.2f} | {h['objective']:>9.0f} {h['time_s']:>6.2f} | {e['objective']:>9.0f} "
            f"{e['dual_bound']:>9.0f} {status:>10} {e['time_s']:>7.1f} | {gap_s:>8} | {sp_s:>22}"
        )
    lines.append("* gap to the MIP bound (the MIP did not prove optimality within its time limit)")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated n_points of the instances to run")
    ap.add_argument("--spopt", default="", help="comma-separated n_points of the instances to also solve with spopt")
    ap.add_argument("--time-limit", type=float, default=600.0, help="HiGHS time limit per instance [s]")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "recommend.json"))
    ap.add_argument("--spopt-worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.spopt_worker:
        spopt_worker(*args.spopt_worker)
        return
    only = {int(x) for x in args.only.split(",") if x}
    with_spopt = {int(x) for x in args.spopt.split(",") if x}
    # warm the numba cache so the first instance's timings are not compile times
    solve_mclp(MCLPProblem(weights=np.ones(3), coverage=coverage_by_radius(np.zeros((3, 2)), np.zeros((2, 2)), 1.0), p=1))
    rows = []
    for n, m, p in INSTANCES:
        if only and n not in only:
            continue
        row = bench_instance(n, m, p, time_limit=args.time_limit, with_spopt=n in with_spopt)
        rows.append(row)
        print(fmt_table([row]).splitlines()[-2], flush=True)
    print()
    print(fmt_table(rows))
    meta = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(),
                    "load_avg_at_end": os.getloadavg()},
        "versions": {k: version(k) for k in ("numpy", "scipy", "numba", "highspy")},
        "instances": "gap pockets in a city; A = 0.2 km^2 per candidate; r = 500 m; seed 0 (see module docstring)",
    }
    try:
        meta["versions"]["spopt"] = version("spopt")
    except Exception:  # spopt is a benchmark-only, optional dependency
        pass
    out = Path(args.out)
    if only and out.exists():  # merge partial runs into the existing results
        old = json.loads(out.read_text())
        keep = [r for r in old.get("results", []) if r["n_points"] not in only]
        rows = sorted(keep + rows, key=lambda r: r["n_points"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "results": rows}, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
