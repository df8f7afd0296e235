"""Exact MCLP / partial set covering by a sparse MIP solved with HiGHS (``highspy``).

The model is assembled straight from the CSR coverage relation — never a dense matrix:

* one binary ``x_j`` per candidate that may be added (eligible, not forced);
* one continuous ``y_g`` in [0, 1] per *group* of demand points with the same set of covering
  candidates (points are merged and their weights summed: an exact reduction, since such points
  are covered together or not at all), leaving out points of weight 0, points the forced sites
  already cover, and points no addable candidate covers;
* rows ``y_g - sum_{j in N_g} x_j <= 0``; the budget ``sum_j x_j <= p`` (or, in target mode,
  ``sum_g w_g y_g >= need`` with objective ``min sum_j x_j``); spacing ``x_j + x_k <= 1``.

HiGHS: Huangfu & Hall (2018), "Parallelizing the dual revised simplex method", Math. Prog. Comp.
10:119-142; the MIP solver is by Galabova, Hall et al. (HiGHS >= 1.2).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

__all__ = ["solve_mip", "group_identical_rows"]


def group_identical_rows(mat):
    """Group the rows of a CSR matrix that have identical sorted column sets.

    Rows are keyed by length and two independent order-free 64-bit hashes, then every member is
    verified entry by entry against its group's first row, so the grouping is exact.

    Returns
    -------
    rep : numpy.ndarray of int64
        Index of the representative (first) row of each group, ascending.
    group_of : numpy.ndarray of int64
        Group number of each row.
    """
    mat = sp.csr_matrix(mat)
    mat.sort_indices()
    n_rows = mat.shape[0]
    if n_rows == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rng = np.random.default_rng(0x5EED)
    r1 = rng.integers(0, 2**63, size=mat.shape[1], dtype=np.uint64) | np.uint64(1)
    r2 = rng.integers(0, 2**63, size=mat.shape[1], dtype=np.uint64) | np.uint64(1)
    lengths = np.diff(mat.indptr)
    row_of = np.repeat(np.arange(n_rows), lengths)
    h1 = np.zeros(n_rows, np.uint64)
    h2 = np.zeros(n_rows, np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(h1, row_of, r1[mat.indices])
        np.add.at(h2, row_of, r2[mat.indices] * r1[mat.indices])
    keys = np.stack([lengths.astype(np.uint64), h1, h2], axis=1)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    rep_row = first[inverse]  # representative of each row
    # verify: every row equals its representative entry by entry
    offs = np.arange(mat.indices.size) - mat.indptr[row_of]
    same = mat.indices == mat.indices[mat.indptr[rep_row[row_of]] + offs]
    bad_rows = np.unique(row_of[~same])
    if bad_rows.size:  # hash collision (never observed): give those rows their own groups
        rep_row = rep_row.copy()
        rep_row[bad_rows] = bad_rows
    rep, group_of = np.unique(rep_row, return_inverse=True)
    return rep.astype(np.int64), group_of.reshape(-1).astype(np.int64)


def solve_mip(problem, *, warm=None, time_limit=None, mip_rel_gap=0.0, threads=None, verbose=False):
    """Solve ``problem`` (an :class:`~rollout5g.core.planning.mclp.MCLPProblem`) to optimality.

    Parameters
    ----------
    warm : array_like of int, optional
        New sites of a feasible solution given to HiGHS as the starting incumbent.
    time_limit : float, optional
        HiGHS ``time_limit`` [s].
    mip_rel_gap : float
        HiGHS ``mip_rel_gap`` [-]; 0 proves optimality.
    threads : int, optional
        HiGHS ``threads``.
    verbose : bool
        Print the HiGHS log.

    Returns
    -------
    dict
        ``sites`` (new sites, or None when no feasible solution was found), ``status`` (HiGHS model
        status string), ``mip_gap`` [-], ``dual_bound`` (covered weight incl. forced sites, or
        number of new sites in target mode), ``timings`` [s] and ``size`` (rows, cols, nnz).
    """
    import highspy

    t0 = time.perf_counter()
    c_ip, c_ix, p_ip, p_ix, _, _ = problem._csr
    n_cand, n_points = problem.n_candidates, problem.n_points
    w = problem.weights

    allowed = problem.eligible.copy()
    allowed[problem.forced] = False
    pairs = problem.conflict_pairs
    if pairs.size and problem.forced.size:  # candidates too close to a forced site are out
        isf = np.zeros(n_cand, bool)
        isf[problem.forced] = True
        allowed[pairs[isf[pairs[:, 0]], 1]] = False
        allowed[pairs[isf[pairs[:, 1]], 0]] = False
    cand_idx = np.flatnonzero(allowed)
    n_x = cand_idx.size
    xcol = np.full(n_cand, -1, np.int64)
    xcol[cand_idx] = np.arange(n_x)

    covered_by_forced = np.zeros(n_points, bool)
    for j in problem.forced:
        covered_by_forced[c_ix[c_ip[j]:c_ip[j + 1]]] = True
    forced_cov = float(w[covered_by_forced].sum())

    pmat = sp.csr_matrix((np.ones(p_ix.size, bool), p_ix, p_ip), shape=(n_points, n_cand))
    pmat = pmat[:, cand_idx].tocsr()
    keep = (w > 0) & ~covered_by_forced & (np.diff(pmat.indptr) > 0)
    pts = np.flatnonzero(keep)
    pmat = pmat[pts].tocsr()
    rep, group_of = group_identical_rows(pmat)
    wg = np.bincount(group_of, weights=w[pts], minlength=rep.size)
    gmat = pmat[rep].tocsr()
    gmat.sort_indices()
    n_y = rep.size

    budget = problem.mode == "budget"
    if budget:
        need = None
    else:
        need = problem.target_share * problem.total_weight - problem.already_covered_weight - forced_cov

    # trivial cases that need no solver
    def done(sites, status="Optimal", bound=None):
        return {
            "sites": sites, "status": status, "mip_gap": 0.0 if sites is not None else None,
            "dual_bound": bound, "timings": {"mip_build": time.perf_counter() - t0, "mip_solve": 0.0},
            "size": (0, 0, 0),
        }

    if budget and (n_x == 0 or n_y == 0 or problem.p == 0):
        return done(np.zeros(0, np.int64), bound=forced_cov)
    if not budget and need <= 1e-10 * max(problem.total_weight, 1e-300):
        return done(np.zeros(0, np.int64), bound=0.0)
    if not budget and float(wg.sum()) < need - 1e-10 * problem.total_weight:
        return done(None, status="Infeasible")

    # coverage rows: y_g - sum_j x_j <= 0, assembled rowwise from the CSR
    row_len = np.diff(gmat.indptr) + 1
    starts = np.zeros(n_y + 1, np.int64)
    np.cumsum(row_len, out=starts[1:])
    idx = np.empty(int(starts[-1]), np.int32)
    val = np.full(idx.size, -1.0)
    head = starts[:-1]
    idx[head] = n_x + np.arange(n_y)
    val[head] = 1.0
    body = np.ones(idx.size, bool)
    body[head] = False
    idx[body] = gmat.indices
    row_lo = [np.full(n_y, -np.inf)]
    row_hi = [np.zeros(n_y)]
    starts_l, idx_l, val_l = [starts[:-1]], [idx], [val]
    nnz = idx.size

    def add_row(cols, vals, lo, hi):
        nonlocal nnz
        starts_l.append(np.array([nnz], np.int64))
        idx_l.append(np.asarray(cols, np.int32))
        val_l.append(np.asarray(vals, np.float64))
        row_lo.append(np.array([lo]))
        row_hi.append(np.array([hi]))
        nnz += len(cols)

    if budget:
        add_row(np.arange(n_x), np.ones(n_x), -np.inf, float(problem.p))
    else:
        add_row(n_x + np.arange(n_y), wg, need, np.inf)
    if pairs.size:
        both = allowed[pairs[:, 0]] & allowed[pairs[:, 1]]
        pr = pairs[both]
        if pr.size:
            n_pr = pr.shape[0]
            starts_l.append(nnz + 2 * np.arange(n_pr, dtype=np.int64))
            idx_l.append(xcol[pr].reshape(-1).astype(np.int32))
            val_l.append(np.ones(2 * n_pr))
            row_lo.append(np.full(n_pr, -np.inf))
            row_hi.append(np.ones(n_pr))
            nnz += 2 * n_pr

    lp = highspy.HighsLp()
    n_col = n_x + n_y
    lp.num_col_ = n_col
    lp.num_row_ = int(sum(a.size for a in row_lo))
    if budget:
        lp.col_cost_ = np.r_[np.zeros(n_x), wg]
        lp.sense_ = highspy.ObjSense.kMaximize
    else:
        lp.col_cost_ = np.r_[np.ones(n_x), np.zeros(n_y)]
        lp.sense_ = highspy.ObjSense.kMinimize
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.ones(n_col)
    lp.row_lower_ = np.concatenate(row_lo)
    lp.row_upper_ = np.concatenate(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = np.r_[np.concatenate(starts_l), nnz].astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(idx_l)
    lp.a_matrix_.value_ = np.concatenate(val_l)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [highspy.HighsVarType.kContinuous] * n_y

    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(verbose))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    # An objective that only takes integer values at optimal points is proven optimal once the
    # bound is less than 1 above the incumbent: site counts always, covered weight when every
    # weight is an integer (the covered weight of the incumbent's x is then an integer too).
    integral = (not budget) or bool(np.all(wg == np.round(wg)))
    h.setOptionValue("mip_abs_gap", 0.999 if integral else 1e-9)
    h.setOptionValue("random_seed", 0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    h.passModel(lp)
    if warm is not None:
        warm = np.asarray(warm, np.int64)
        xv = np.zeros(n_x)
        xv[xcol[warm]] = 1.0
        yv = np.minimum(gmat @ xv, 1.0) if n_y else np.zeros(0)
        sol = highspy.HighsSolution()
        sol.col_value = np.r_[xv, yv].tolist()
        sol.value_valid = True
        h.setSolution(sol)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()

    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    sites = None
    if has_sol:
        xv = np.asarray(h.getSolution().col_value[:n_x])
        sites = cand_idx[xv > 0.5].astype(np.int64)
    bound = float(info.mip_dual_bound)
    if budget:
        bound += forced_cov
    return {
        "sites": sites,
        "status": status,
        "mip_gap": float(info.mip_gap) if has_sol else None,
        "dual_bound": bound,
        "timings": {"mip_build": t1 - t0, "mip_solve": t2 - t1},
        "size": (int(lp.num_row_), int(n_col), int(nnz)),
    }
