"""Site recommendation as a maximal covering location problem (MCLP) and its covering variant.

Formulation (Church & ReVelle 1974, "The maximal covering location problem", Papers of the
Regional Science Association 32:101-118)::

    maximise   sum_i w_i y_i
    subject to y_i <= sum_{j in N_i} x_j        for every demand point i
               sum_j x_j <= p                     (budget of new sites)
               x_j + x_k <= 1                     for candidates closer than the minimum spacing
               x_j = 1 for forced sites, x_j = 0 for unavailable or EMF-excluded ones
               x_j in {0, 1},  0 <= y_i <= 1

``w_i`` is the demand weight of point ``i`` (pixels below the coverage criterion, weighted by
key-area priority) and ``N_i`` the candidates that cover it. With a coverage target instead of a
budget the problem becomes partial set covering: minimise ``sum_j x_j`` subject to
``sum_i w_i y_i >= target``.

Two solvers behind one entry point, :func:`solve_mclp`:

``method="greedy"``
    Lazy greedy (CELF: Minoux 1978 "Accelerated greedy algorithms for maximizing submodular set
    functions"; Leskovec et al. 2007 "Cost-effective outbreak detection in networks"), which
    guarantees at least (1 - 1/e) of the optimum without side constraints (Nemhauser, Wolsey &
    Fisher 1978), followed by Teitz & Bart (1968) interchange with incremental covered-count
    bookkeeping and ruin-and-recreate iterations (Schrimpf et al. 2000). Inner loops are
    numba-compiled (see ``_kernels``).
``method="exact"``
    The sparse MIP above solved by HiGHS (``highspy``), warm-started with the heuristic; reports
    the MIP gap and the heuristic's gap to the optimum.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from . import _kernels as K
from .coverage import spacing_conflicts

__all__ = ["METHODS", "MCLPProblem", "Solution", "solve_mclp"]

#: Valid values of ``solve_mclp(method=...)``.
METHODS = ("greedy", "exact")

#: Record-to-record threshold of the ruin-and-recreate search, as a share of the best covered
#: weight [-]. 0 accepts only non-worsening iterations: thresholds of 2e-4 to 2e-3 did not do
#: better on the benchmark instances.
ACCEPT_REL = 0.0


def _as_csr(coverage, n_points):
    """Accept a scipy sparse matrix or an ``(indptr, indices)`` pair; return int64 CSR arrays."""
    if sp.issparse(coverage):
        m = sp.csr_matrix(coverage)
        if m.shape[1] != n_points:
            raise ValueError(
                f"coverage has {m.shape[1]} columns but weights has {n_points} demand points; "
                "coverage must have shape (n_candidates, n_points)"
            )
        m.eliminate_zeros()
        m.sum_duplicates()
        m.sort_indices()
        return m.indptr.astype(np.int64), m.indices.astype(np.int64)
    try:
        indptr, indices = coverage
    except (TypeError, ValueError):
        raise ValueError(
            "coverage must be a scipy.sparse matrix of shape (n_candidates, n_points) "
            "or a pair (indptr, indices)"
        ) from None
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    if indptr.ndim != 1 or indptr.size < 1 or indices.ndim != 1:
        raise ValueError("coverage (indptr, indices) must be 1-D arrays with len(indptr) = n_candidates + 1")
    if not (np.issubdtype(indptr.dtype, np.integer) and (indices.size == 0 or np.issubdtype(indices.dtype, np.integer))):
        raise ValueError("coverage indptr and indices must be integer arrays")
    if indptr[0] != 0 or indptr[-1] != indices.size or np.any(np.diff(indptr) < 0):
        raise ValueError("coverage indptr must start at 0, be non-decreasing and end at len(indices)")
    if indices.size and (indices.min() < 0 or indices.max() >= n_points):
        raise ValueError(f"coverage indices must lie in [0, {n_points}) (one column per demand point)")
    m = sp.csr_matrix((np.ones(indices.size, bool), indices, indptr), shape=(indptr.size - 1, n_points))
    m.sum_duplicates()
    m.sort_indices()
    return m.indptr.astype(np.int64), m.indices.astype(np.int64)


def _mask(name, mask, n):
    if mask is None:
        return None
    arr = np.asarray(mask)
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a boolean mask of shape ({n},) (one per candidate); got {arr.shape}")
    if arr.dtype != bool:
        raise ValueError(f"{name} must be a boolean mask; got dtype {arr.dtype}")
    return arr


@dataclass(frozen=True, eq=False)
class MCLPProblem:
    """One site-selection instance. Validated and indexed on construction.

    Parameters
    ----------
    weights : array_like, shape (n_points,)
        Demand weight of each point [-] (e.g. uncovered pixel count x key-area priority), >= 0.
        Points already covered by existing sites must have weight 0 or be left out.
    coverage : scipy.sparse matrix, shape (n_candidates, n_points), or (indptr, indices)
        Row ``j`` lists the points candidate ``j`` covers (see :mod:`.coverage` for builders).
    p : int, optional
        Budget: maximum number of new sites [-], 0 <= p <= n_candidates. Forced sites do not
        count against it. Exactly one of ``p`` and ``target_share`` is given.
    target_share : float, optional
        Coverage target in (0, 1]: the covered share of the total weight
        (``already_covered_weight + sum(weights)``) to reach with as few new sites as possible.
    available : array_like of bool, shape (n_candidates,), optional
        False where the resource is not available (reserved, occupied, withdrawn).
    emf_excluded : array_like of bool, shape (n_candidates,), optional
        True where a site would violate the EMF compliance distance to a sensitive building
        (GB 8702-2014 limits).
    forced : array_like of int, optional
        Candidates already chosen (planned or accepted sites); always in the solution.
    candidate_xy : array_like, shape (n_candidates, 2), optional
        Projected candidate coordinates [m]; needed with ``min_spacing_m``.
    min_spacing_m : float
        Minimum distance between two chosen sites [m]; 0 (default) means none.
    conflicts : array_like of int, shape (n_pairs, 2), optional
        Extra pairs of candidates that cannot both be chosen (added to the spacing pairs).
    already_covered_weight : float
        Weight of demand already covered by existing sites [-], only used to report shares.
    """

    weights: np.ndarray
    coverage: object
    p: int | None = None
    target_share: float | None = None
    available: np.ndarray | None = None
    emf_excluded: np.ndarray | None = None
    forced: np.ndarray | None = None
    candidate_xy: np.ndarray | None = None
    min_spacing_m: float = 0.0
    conflicts: np.ndarray | None = None
    already_covered_weight: float = 0.0
    # derived, filled by __post_init__
    n_points: int = field(init=False)
    n_candidates: int = field(init=False)
    total_weight: float = field(init=False)
    eligible: np.ndarray = field(init=False, repr=False)
    conflict_pairs: np.ndarray = field(init=False, repr=False)
    _csr: tuple = field(init=False, repr=False)

    def __post_init__(self):
        put = object.__setattr__
        w = np.asarray(self.weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights must be 1-D (one per demand point); got shape {w.shape}")
        if not np.all(np.isfinite(w)):
            raise ValueError("weights contain NaN or infinite values")
        if w.size and w.min() < 0:
            bad = int(np.argmin(w))
            raise ValueError(f"weights must be non-negative; weights[{bad}] = {w[bad]}")
        put(self, "weights", w)
        n_points = w.size
        c_indptr, c_indices = _as_csr(self.coverage, n_points)
        n_cand = c_indptr.size - 1
        put(self, "n_points", n_points)
        put(self, "n_candidates", n_cand)

        if (self.p is None) == (self.target_share is None):
            raise ValueError("give exactly one of p (budget of new sites) and target_share (coverage target)")
        if self.p is not None:
            if isinstance(self.p, bool) or not isinstance(self.p, int | np.integer):
                raise ValueError(f"p must be an integer number of sites; got {self.p!r}")
            if self.p < 0:
                raise ValueError(f"p must be >= 0; got {self.p}")
            if self.p > n_cand:
                raise ValueError(f"p = {self.p} exceeds the number of candidates ({n_cand})")
            put(self, "p", int(self.p))
        else:
            t = float(self.target_share)
            if not (0.0 < t <= 1.0):
                raise ValueError(f"target_share must be in (0, 1]; got {t}")
            put(self, "target_share", t)

        already = float(self.already_covered_weight)
        if not np.isfinite(already) or already < 0:
            raise ValueError(f"already_covered_weight must be >= 0; got {already}")
        put(self, "already_covered_weight", already)
        put(self, "total_weight", already + float(w.sum()))

        available = _mask("available", self.available, n_cand)
        emf = _mask("emf_excluded", self.emf_excluded, n_cand)
        eligible = np.ones(n_cand, dtype=bool)
        if available is not None:
            eligible &= available
        if emf is not None:
            eligible &= ~emf
        put(self, "eligible", eligible)

        forced = np.zeros(0, np.int64) if self.forced is None else np.asarray(self.forced)
        if forced.ndim != 1 or (forced.size and not np.issubdtype(forced.dtype, np.integer)):
            raise ValueError("forced must be a 1-D array of candidate indices")
        forced = forced.astype(np.int64)
        if forced.size and (forced.min() < 0 or forced.max() >= n_cand):
            raise ValueError(f"forced candidate index out of range [0, {n_cand})")
        if np.unique(forced).size != forced.size:
            raise ValueError("forced contains duplicate candidates")
        if forced.size and not eligible[forced].all():
            bad = forced[~eligible[forced]]
            raise ValueError(f"forced candidates {bad.tolist()} are unavailable or EMF-excluded")
        put(self, "forced", forced)

        spacing = float(self.min_spacing_m)
        if not np.isfinite(spacing) or spacing < 0:
            raise ValueError(f"min_spacing_m must be >= 0 metres; got {spacing}")
        put(self, "min_spacing_m", spacing)
        pairs = [np.zeros((0, 2), np.int64)]
        if spacing > 0:
            if self.candidate_xy is None:
                raise ValueError("min_spacing_m > 0 needs candidate_xy (projected coordinates [m])")
            xy = np.asarray(self.candidate_xy, dtype=np.float64)
            if xy.shape != (n_cand, 2):
                raise ValueError(f"candidate_xy must have shape ({n_cand}, 2); got {xy.shape}")
            pairs.append(spacing_conflicts(xy, spacing))
        if self.conflicts is not None:
            extra = np.asarray(self.conflicts)
            if extra.size == 0:
                extra = np.zeros((0, 2), np.int64)
            if extra.ndim != 2 or extra.shape[1] != 2 or not np.issubdtype(extra.dtype, np.integer):
                raise ValueError("conflicts must be an integer array of shape (n_pairs, 2)")
            if extra.size and (extra.min() < 0 or extra.max() >= n_cand):
                raise ValueError(f"conflicts index out of range [0, {n_cand})")
            if np.any(extra[:, 0] == extra[:, 1]):
                raise ValueError("conflicts must not pair a candidate with itself")
            pairs.append(np.sort(extra.astype(np.int64), axis=1))
        allp = np.unique(np.concatenate(pairs), axis=0).reshape(-1, 2)
        put(self, "conflict_pairs", allp)
        if forced.size and allp.size:
            isf = np.zeros(n_cand, bool)
            isf[forced] = True
            both = isf[allp[:, 0]] & isf[allp[:, 1]]
            if both.any():
                raise ValueError(f"forced candidates {allp[both][0].tolist()} violate the spacing/conflict constraint")

        cmat = sp.csr_matrix((np.ones(c_indices.size, bool), c_indices, c_indptr), shape=(n_cand, n_points))
        pmat = cmat.T.tocsr()
        pmat.sort_indices()
        kmat = sp.csr_matrix(
            (np.ones(2 * len(allp), bool), (np.r_[allp[:, 0], allp[:, 1]], np.r_[allp[:, 1], allp[:, 0]])),
            shape=(n_cand, n_cand),
        )
        kmat.sort_indices()
        put(self, "_csr", (
            c_indptr, c_indices,
            pmat.indptr.astype(np.int64), pmat.indices.astype(np.int64),
            kmat.indptr.astype(np.int64), kmat.indices.astype(np.int64),
        ))

    @property
    def mode(self):
        """``"budget"`` (maximal covering) or ``"target"`` (partial set covering)."""
        return "budget" if self.p is not None else "target"

    def covered_weight(self, sites):
        """Total weight of the points covered by ``sites`` (candidate indices) [-]."""
        c_indptr, c_indices = self._csr[:2]
        sites = np.asarray(sites, dtype=np.int64)
        rows = [c_indices[c_indptr[j]:c_indptr[j + 1]] for j in sites]
        if not rows:
            return 0.0
        pts = np.unique(np.concatenate(rows))
        return float(self.weights[pts].sum())


@dataclass(frozen=True, eq=False)
class Solution:
    """Chosen sites and what they cover.

    Attributes
    ----------
    method : str
        ``"greedy"`` or ``"exact"``.
    status : str
        ``"heuristic"``; for the MIP the HiGHS model status (``"Optimal"``, ``"Time limit reached"``,
        ``"Infeasible"``, ...).
    sites : numpy.ndarray of int
        New sites (forced ones excluded), in the order a greedy pass over them picks them.
    gains : numpy.ndarray of float
        Marginal covered weight of each site in ``sites`` given the forced sites and the ones
        before it [-] (the "coverage gain" shown per proposal); sums to
        ``covered_weight_after - covered_weight_before``.
    forced : numpy.ndarray of int
        Forced sites, always part of the solution.
    covered_weight_before, covered_weight_after : float
        Covered weight before (existing + forced) and after adding ``sites`` [-].
    total_weight : float
        ``already_covered_weight + sum(weights)`` [-].
    timings : dict of str to float
        Wall times of the phases [s].
    already_covered_weight : float
        Weight covered by existing sites, as given in the problem [-].
    n_swaps : int
        Interchange moves made by the local search (those of the kept solution).
    target_met : bool or None
        Target mode: whether the coverage target is reached.
    mip_gap : float or None
        HiGHS relative MIP gap |primal - dual| / |primal| at termination [-] (0 when optimal).
    dual_bound : float or None
        HiGHS bound on the optimum, in the units of the objective (covered weight, or number of
        new sites in target mode).
    heuristic_objective : float or None
        Objective of the heuristic that warm-started the MIP (covered weight, or site count).
    heuristic_gap : float or None
        Relative gap of the heuristic to the MIP solution: (opt - heur) / opt for covered weight,
        (heur - opt) / opt for site count [-].
    """

    method: str
    status: str
    sites: np.ndarray
    gains: np.ndarray
    forced: np.ndarray
    covered_weight_before: float
    covered_weight_after: float
    total_weight: float
    timings: dict
    already_covered_weight: float = 0.0
    n_swaps: int = 0
    target_met: bool | None = None
    mip_gap: float | None = None
    dual_bound: float | None = None
    heuristic_objective: float | None = None
    heuristic_gap: float | None = None

    @property
    def share_before(self):
        """Covered share of the total weight before the new sites [-]."""
        return self.covered_weight_before / self.total_weight if self.total_weight > 0 else 1.0

    @property
    def share_after(self):
        """Covered share of the total weight after the new sites [-]."""
        return self.covered_weight_after / self.total_weight if self.total_weight > 0 else 1.0

    @property
    def objective(self):
        """Covered demand weight of forced + new sites, excluding ``already_covered_weight`` [-]."""
        return self.covered_weight_after - self.already_covered_weight

    def as_dict(self):
        """JSON-friendly summary (lists and floats)."""
        return {
            "method": self.method,
            "status": self.status,
            "sites": self.sites.tolist(),
            "gains": self.gains.tolist(),
            "forced": self.forced.tolist(),
            "covered_weight_before": self.covered_weight_before,
            "covered_weight_after": self.covered_weight_after,
            "share_before": self.share_before,
            "share_after": self.share_after,
            "total_weight": self.total_weight,
            "n_swaps": self.n_swaps,
            "target_met": self.target_met,
            "mip_gap": self.mip_gap,
            "dual_bound": self.dual_bound,
            "heuristic_objective": self.heuristic_objective,
            "heuristic_gap": self.heuristic_gap,
            "timings": dict(self.timings),
        }


class _State:
    """Mutable covering state shared by the kernels."""

    def __init__(self, problem):
        self.pb = problem
        self.count = np.zeros(problem.n_points, np.int64)
        self.chosen = np.zeros(problem.n_candidates, np.bool_)
        self.blocked = np.zeros(problem.n_candidates, np.int64)
        for j in problem.forced:
            self.add(j)

    def add(self, j):
        c_ip, c_ix, _, _, k_ip, k_ix = self.pb._csr
        K.add_site(j, c_ip, c_ix, k_ip, k_ix, self.count, self.chosen, self.blocked)

    def remove(self, j):
        c_ip, c_ix, _, _, k_ip, k_ix = self.pb._csr
        K.remove_site(j, c_ip, c_ix, k_ip, k_ix, self.count, self.chosen, self.blocked)

    def covered(self):
        return K.covered_weight(self.pb.weights, self.count)

    def greedy(self, allowed, max_add, need=math.inf, stop_at_zero=True):
        c_ip, c_ix, _, _, k_ip, k_ix = self.pb._csr
        return K.lazy_greedy(
            c_ip, c_ix, k_ip, k_ix, self.pb.weights, self.count, self.chosen, self.blocked,
            allowed, int(max_add), float(need), stop_at_zero,
        )

    def local_search(self, allowed, sites, p, max_passes, n_iter, ruin_size, seed, tol, stop_cov,
                     accept_rel=ACCEPT_REL):
        c_ip, c_ix, p_ip, p_ix, k_ip, k_ix = self.pb._csr
        return K.local_search(
            c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, self.pb.weights, self.count, self.chosen, self.blocked,
            allowed.copy(), np.asarray(sites, np.int64), int(p), int(max_passes), int(n_iter), int(ruin_size),
            int(seed), float(tol), float(stop_cov), float(accept_rel),
        )

    def loss(self, j):
        c_ip, c_ix = self.pb._csr[:2]
        return K.loss_of(j, c_ip, c_ix, self.pb.weights, self.count)

    def snapshot(self):
        return self.count.copy(), self.chosen.copy(), self.blocked.copy()

    def restore(self, snap):
        self.count[:], self.chosen[:], self.blocked[:] = snap


def _new_site_mask(problem):
    """Candidates that may be added: eligible, not forced (blocking by spacing is dynamic)."""
    allowed = problem.eligible.copy()
    allowed[problem.forced] = False
    return allowed


def _tol(problem):
    return 1e-10 * max(problem.total_weight, 1e-300)


def _needed(problem, forced_covered):
    """Target mode: covered weight the new sites must add [-] (<= 0 when already met)."""
    goal = problem.target_share * problem.total_weight - problem.already_covered_weight
    return goal - forced_covered


def _heuristic(problem, *, local_search, max_passes, perturb_iters, ruin_size, seed):
    """Lazy greedy, then (``local_search``) interchange + ruin and recreate.

    Returns ``(sites, n_moves, timings)``.
    """
    t0 = time.perf_counter()
    st = _State(problem)
    allowed = _new_site_mask(problem)
    tol = _tol(problem)
    n_moves = 0
    forced_cov = st.covered()
    if problem.mode == "budget":
        sites, _ = st.greedy(allowed, problem.p)
        t1 = time.perf_counter()
        if local_search and problem.p > 0:
            sites, n_moves, _ = st.local_search(allowed, sites, problem.p, max_passes, perturb_iters, ruin_size,
                                                seed, tol, math.inf)
    else:
        need = _needed(problem, forced_cov) - tol
        sites = np.zeros(0, np.int64)
        if need > 0:
            sites, _ = st.greedy(allowed, problem.n_candidates, need=need)
        t1 = time.perf_counter()

        def prune(sites):
            """Drop sites, last chosen first, while the target stays met."""
            keep = list(sites)
            for j in reversed(sites):
                if st.covered() - forced_cov - st.loss(j) >= need:
                    st.remove(j)
                    keep.remove(j)
            return np.asarray(keep, np.int64)

        if need > 0 and st.covered() - forced_cov >= need:
            sites = prune(sites)
            # decrement and repair: drop the least useful site, let the local search recover
            while local_search and sites.size > 0:
                drop = int(np.argmin([st.loss(j) for j in sites]))
                snap = st.snapshot()
                st.remove(sites[drop])
                trial = np.delete(sites, drop)
                trial, moves, cov = st.local_search(allowed, trial, trial.size, max_passes, perturb_iters,
                                                    ruin_size, seed, tol, forced_cov + need)
                if cov - forced_cov >= need:
                    n_moves += moves
                    sites = prune(trial)
                else:
                    st.restore(snap)
                    break
    t2 = time.perf_counter()
    return np.asarray(sites, np.int64), n_moves, {"greedy": t1 - t0, "local_search": t2 - t1}


def _ordered(problem, sites):
    """Order ``sites`` greedily from the forced state; return (order, gains, before, after)."""
    st = _State(problem)
    before = st.covered()
    mask = np.zeros(problem.n_candidates, np.bool_)
    mask[sites] = True
    order, gains = st.greedy(mask, len(sites), stop_at_zero=False)
    if order.size != len(sites):  # cannot happen for a feasible set; guard the invariant
        raise RuntimeError("chosen sites violate the spacing constraint")
    return order, gains, before, st.covered()


def _finish(problem, method, status, sites, n_swaps, timings, **extra):
    order, gains, before, after = _ordered(problem, sites)
    already = problem.already_covered_weight
    target_met = None
    if problem.mode == "target":
        target_met = bool(already + after >= problem.target_share * problem.total_weight - _tol(problem))
    return Solution(
        method=method, status=status, sites=order, gains=gains, forced=problem.forced.copy(),
        covered_weight_before=already + before, covered_weight_after=already + after,
        total_weight=problem.total_weight, timings=timings, already_covered_weight=already, n_swaps=n_swaps, target_met=target_met,
        **extra,
    )


def _solve_greedy(problem, **heur):
    t0 = time.perf_counter()
    sites, n_swaps, timings = _heuristic(problem, **heur)
    timings["total"] = time.perf_counter() - t0
    return _finish(problem, "greedy", "heuristic", sites, n_swaps, timings)


def _solve_exact(problem, *, time_limit=None, mip_rel_gap=0.0, warm_start=True, threads=None, verbose=False,
                 **heur):
    from .exact import solve_mip

    t0 = time.perf_counter()
    heur_sites, n_swaps, timings = _heuristic(problem, **heur)
    heur_cov = problem.covered_weight(np.r_[problem.forced, heur_sites])
    heur_obj = heur_cov if problem.mode == "budget" else float(heur_sites.size)
    forced_cov = problem.covered_weight(problem.forced)
    heur_feasible = problem.mode == "budget" or (
        heur_cov - forced_cov >= _needed(problem, forced_cov) - _tol(problem)
    )
    res = solve_mip(
        problem, warm=heur_sites if (warm_start and heur_feasible) else None, time_limit=time_limit,
        mip_rel_gap=mip_rel_gap, threads=threads, verbose=verbose,
    )
    timings.update(res["timings"])
    sites = res["sites"]
    if sites is None:  # no feasible solution found (infeasible target, or time limit without one)
        sites = np.zeros(0, np.int64)
    obj = problem.covered_weight(np.r_[problem.forced, sites]) if problem.mode == "budget" else float(sites.size)
    heur_gap = None
    if res["sites"] is not None and heur_feasible:
        if problem.mode == "budget":
            heur_gap = (obj - heur_obj) / obj if obj > 0 else 0.0
        else:
            heur_gap = (heur_obj - obj) / obj if obj > 0 else (0.0 if heur_obj == 0 else math.inf)
    timings["total"] = time.perf_counter() - t0
    return _finish(
        problem, "exact", res["status"], sites, n_swaps, timings, mip_gap=res["mip_gap"],
        dual_bound=res["dual_bound"], heuristic_objective=heur_obj, heuristic_gap=heur_gap,
    )


def solve_mclp(problem, *, method="greedy", local_search=True, max_passes=50, perturb_iters=None, ruin_size=8,
               seed=0, time_limit=None, mip_rel_gap=0.0, warm_start=True, threads=None, verbose=False):
    """Choose new sites that maximise covered demand (or reach a coverage target with fewest).

    Parameters
    ----------
    problem : MCLPProblem
        The instance (budget ``p`` or ``target_share``, constraints).
    method : {"greedy", "exact"}
        ``"greedy"``: lazy greedy + interchange + ruin and recreate (the interactive path).
        ``"exact"``: sparse MIP by HiGHS, warm-started with the heuristic.
    local_search : bool
        Improve the greedy solution by local search (default True).
    max_passes : int
        Maximum Teitz-Bart interchange passes over the chosen sites.
    perturb_iters : int, optional
        Ruin-and-recreate iterations after the interchange; default ``min(20000, 40 * p)`` in
        budget mode and 500 per decrement step in target mode (0 disables).
    ruin_size : int
        Sites removed per ruin step [-].
    seed : int
        Seed of the ruin step; the result is deterministic for a given seed.
    time_limit : float, optional
        ``"exact"`` only: HiGHS time limit [s]; the best solution found so far is returned with
        its ``mip_gap``.
    mip_rel_gap : float
        ``"exact"`` only: relative MIP gap at which HiGHS stops [-]; 0 (default) proves optimality.
    warm_start : bool
        ``"exact"`` only: give HiGHS the heuristic solution as a starting incumbent.
    threads : int, optional
        ``"exact"`` only: HiGHS thread count (default: HiGHS's choice).
    verbose : bool
        ``"exact"`` only: print the HiGHS log.

    Returns
    -------
    Solution

    Raises
    ------
    ValueError
        Unknown ``method`` (the message lists the valid ones), or a bad option.
    """
    if not isinstance(problem, MCLPProblem):
        raise ValueError(f"problem must be an MCLPProblem; got {type(problem).__name__}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid methods: {', '.join(METHODS)}")
    if perturb_iters is None:
        perturb_iters = min(20000, 40 * problem.p) if problem.mode == "budget" else 500
    for name, v in (("max_passes", max_passes), ("perturb_iters", perturb_iters), ("ruin_size", ruin_size)):
        if int(v) != v or v < (1 if name == "ruin_size" else 0):
            raise ValueError(f"{name} must be a {'positive' if name == 'ruin_size' else 'non-negative'} integer; got {v!r}")
    heur = {
        "local_search": bool(local_search), "max_passes": int(max_passes), "perturb_iters": int(perturb_iters),
        "ruin_size": int(ruin_size), "seed": int(seed),
    }
    if method == "greedy":
        return _solve_greedy(problem, **heur)
    return _solve_exact(
        problem, time_limit=time_limit, mip_rel_gap=mip_rel_gap, warm_start=warm_start, threads=threads,
        verbose=verbose, **heur,
    )
