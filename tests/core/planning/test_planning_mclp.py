"""MCLP engine: hand-solved instances, brute force (itertools.combinations), constraints, errors.

Church & ReVelle (1974) formulation; the heuristic is lazy greedy + interchange + ruin and
recreate, the exact solver a HiGHS MIP. Every objective comparison states its tolerance.
"""

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp

from rollout5g.core.planning import METHODS, MCLPProblem, coverage_by_radius, solve_mclp

TOL = 1e-9  # absolute tolerance on covered weight [-] for comparisons with exact sums


def csr(rows, n_points):
    """Candidate-major coverage from lists of covered point indices."""
    dense = np.zeros((len(rows), n_points), bool)
    for j, r in enumerate(rows):
        dense[j, r] = True
    return sp.csr_matrix(dense)


# Hand-solved instance. Points A..E with weights 4, 3, 3, 1, 2 (total 13).
#   c0 covers {A, B} = 7      c1 covers {B, C, D} = 7
#   c2 covers {C, E} = 5      c3 covers {A, D}    = 5
# p = 2, all pairs: c0c1 = A+B+C+D = 11, c0c2 = A+B+C+E = 12, c0c3 = A+B+D = 8,
#                   c1c2 = B+C+D+E = 9,  c1c3 = A+B+C+D = 11, c2c3 = A+C+D+E = 10.
# Unique optimum {c0, c2} = 12. Greedy: c0 and c1 tie at 7, the lower index c0 wins; then the
# gains are c1: C+D = 4, c2: C+E = 5, c3: D = 1, so c2 (gain 5) — greedy is optimal here.
HAND_W = np.array([4.0, 3.0, 3.0, 1.0, 2.0])
HAND_ROWS = [[0, 1], [1, 2, 3], [2, 4], [0, 3]]


def hand(**kw):
    kw.setdefault("p", 2)
    return MCLPProblem(weights=HAND_W, coverage=csr(HAND_ROWS, 5), **kw)


@pytest.mark.parametrize("method", METHODS)
def test_hand_instance_optimum(method):
    sol = solve_mclp(hand(), method=method)
    assert sol.objective == pytest.approx(12.0, abs=TOL)
    assert sorted(sol.sites.tolist()) == [0, 2]
    # gains in greedy order: c0 first (7), then c2 (5); they sum to after - before
    assert sol.sites.tolist() == [0, 2]
    np.testing.assert_allclose(sol.gains, [7.0, 5.0], atol=TOL)
    assert sol.covered_weight_before == pytest.approx(0.0, abs=TOL)
    assert sol.share_after == pytest.approx(12.0 / 13.0, abs=TOL)


def test_plain_greedy_hand_instance():
    sol = solve_mclp(hand(), local_search=False)
    assert sol.sites.tolist() == [0, 2]
    np.testing.assert_allclose(sol.gains, [7.0, 5.0], atol=TOL)


def test_exact_reports_optimality_and_zero_heuristic_gap():
    sol = solve_mclp(hand(), method="exact")
    assert sol.status == "Optimal"
    assert sol.mip_gap == pytest.approx(0.0, abs=1e-9)
    assert sol.dual_bound == pytest.approx(12.0, abs=1e-6)  # HiGHS bound, solver tolerance
    assert sol.heuristic_objective == pytest.approx(12.0, abs=TOL)
    assert sol.heuristic_gap == pytest.approx(0.0, abs=TOL)


# Crafted so that greedy is not optimal: six points of weight 1,
#   cA = {0, 1, 2}, cB = {3, 4, 5}, cC = {0, 1, 3, 4};  p = 2.
# Greedy takes cC (4), then cA or cB adds 1 -> 5. Optimum {cA, cB} = 6. One interchange
# (cC -> cB given cA) gains 3 - 2 = 1 and reaches it.
CRAFT = MCLPProblem(weights=np.ones(6), coverage=csr([[0, 1, 2], [3, 4, 5], [0, 1, 3, 4]], 6), p=2)


def test_greedy_is_suboptimal_and_local_search_fixes_it():
    plain = solve_mclp(CRAFT, local_search=False)
    assert plain.sites[0] == 2  # cC first
    assert plain.objective == pytest.approx(5.0, abs=TOL)
    improved = solve_mclp(CRAFT, perturb_iters=0)  # interchange alone
    assert improved.objective == pytest.approx(6.0, abs=TOL)
    assert sorted(improved.sites.tolist()) == [0, 1]
    assert improved.n_swaps >= 1
    exact = solve_mclp(CRAFT, method="exact")
    assert exact.objective == pytest.approx(6.0, abs=TOL)
    assert exact.heuristic_gap == pytest.approx(0.0, abs=TOL)


def brute_force_budget(dense, w, p, allowed, forced, pairs):
    others = [j for j in range(dense.shape[0]) if allowed[j] and j not in set(forced)]
    conflict = set(map(tuple, pairs))
    best = -1.0
    for k in range(p + 1):
        for comb in itertools.combinations(others, k):
            s = list(forced) + list(comb)
            if any((min(a, b), max(a, b)) in conflict for a, b in itertools.combinations(s, 2)):
                continue
            cov = dense[s].any(axis=0) if s else np.zeros(dense.shape[1], bool)
            best = max(best, float(w[cov].sum()))
    return best


def random_instances(seed, n):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        n_pts, n_c = int(rng.integers(5, 40)), int(rng.integers(3, 11))
        dense = rng.random((n_c, n_pts)) < rng.uniform(0.1, 0.5)
        w = rng.random(n_pts) * 3.0 * (rng.random(n_pts) < 0.8)
        p = int(rng.integers(1, min(n_c, 4) + 1))
        xy = rng.uniform(0, 1000, (n_c, 2))
        avail = rng.random(n_c) > 0.15
        forced = np.flatnonzero(avail)[:1] if rng.random() < 0.3 else np.zeros(0, int)
        try:
            pb = MCLPProblem(weights=w, coverage=sp.csr_matrix(dense), p=p, available=avail, forced=forced,
                             candidate_xy=xy, min_spacing_m=float(rng.choice([0.0, 200.0, 400.0])))
        except ValueError:  # a forced site may be out of budget of spacing with itself: skip
            continue
        out.append((pb, dense, w, avail, forced))
    return out


@pytest.mark.parametrize("case", range(40))
def test_exact_equals_brute_force(case):
    pb, dense, w, avail, forced = random_instances(2024, 40)[case]
    best = brute_force_budget(dense, w, pb.p, avail, forced.tolist(), pb.conflict_pairs.tolist())
    exact = solve_mclp(pb, method="exact")
    assert exact.objective == pytest.approx(best, abs=TOL)
    heur = solve_mclp(pb)
    assert heur.objective <= best + TOL  # never above the optimum
    assert exact.heuristic_gap >= -TOL


def test_plain_greedy_meets_one_minus_one_over_e():
    # Nemhauser, Wolsey & Fisher (1978): greedy >= (1 - 1/e) OPT for monotone submodular
    # maximisation under a cardinality constraint (no spacing, no forced sites).
    rng = np.random.default_rng(5)
    for _ in range(25):
        dense = rng.random((9, 30)) < 0.25
        w = rng.random(30)
        pb = MCLPProblem(weights=w, coverage=sp.csr_matrix(dense), p=3)
        best = brute_force_budget(dense, w, 3, np.ones(9, bool), [], [])
        g = solve_mclp(pb, local_search=False)
        assert g.objective >= (1 - 1 / math.e) * best - TOL


def test_spacing_constraint_hand_example():
    # A (x=0, w=5) and B (x=100 m, w=5) each covered only by the candidate on it; C (x=1000 m,
    # w=1) by c2. Spacing 200 m: c0 and c1 (100 m apart) cannot both be chosen, so the optimum
    # with p=2 is one of them + c2 = 6 (10 without the spacing constraint).
    demand = np.array([[0.0, 0.0], [100.0, 0.0], [1000.0, 0.0]])
    cand = demand.copy()
    cov = coverage_by_radius(demand, cand, 50.0)
    w = np.array([5.0, 5.0, 1.0])
    free = MCLPProblem(weights=w, coverage=cov, p=2)
    spaced = MCLPProblem(weights=w, coverage=cov, p=2, candidate_xy=cand, min_spacing_m=200.0)
    for method in METHODS:
        assert solve_mclp(free, method=method).objective == pytest.approx(10.0, abs=TOL)
        sol = solve_mclp(spaced, method=method)
        assert sol.objective == pytest.approx(6.0, abs=TOL)
        assert 2 in sol.sites and not {0, 1} <= set(sol.sites.tolist())


def test_spacing_respected_on_a_city_sized_instance():
    rng = np.random.default_rng(3)
    demand = rng.normal(0, 800, size=(1500, 2))
    cand = rng.normal(0, 800, size=(200, 2))
    cov = coverage_by_radius(demand, cand, 400.0)
    pb = MCLPProblem(weights=np.ones(1500), coverage=cov, p=15, candidate_xy=cand, min_spacing_m=1000.0)
    g = solve_mclp(pb, perturb_iters=300)
    e = solve_mclp(pb, method="exact", time_limit=60)
    for sol in (g, e):
        xy = cand[sol.sites]
        d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        assert d[np.triu_indices(len(xy), 1)].min() >= 1000.0  # exact: the constraint is d >= s
    assert g.objective <= e.dual_bound + 1e-6  # heuristic below the MIP bound (solver tolerance)
    # and the constraint binds: without it the heuristic picks a closer pair
    free = solve_mclp(MCLPProblem(weights=np.ones(1500), coverage=cov, p=15), perturb_iters=300)
    xy = cand[free.sites]
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    assert d[np.triu_indices(len(xy), 1)].min() < 1000.0


@pytest.mark.parametrize("method", METHODS)
def test_forced_sites(method):
    # c1 forced (covers B, C, D = 7); one more site: c0 or c3 adds A = 4 -> 11.
    sol = solve_mclp(hand(p=1, forced=[1]), method=method)
    assert sol.forced.tolist() == [1]
    assert 1 not in sol.sites
    assert len(sol.sites) == 1 and sol.sites[0] in (0, 3)
    assert sol.covered_weight_before == pytest.approx(7.0, abs=TOL)
    assert sol.covered_weight_after == pytest.approx(11.0, abs=TOL)
    np.testing.assert_allclose(sol.gains, [4.0], atol=TOL)


@pytest.mark.parametrize("method", METHODS)
def test_unavailable_and_emf_excluded(method):
    # without c0: c1c3 = 11 is best; without c0 and c3: only c1c2 = 9 (and pairs with c2)
    avail = np.array([False, True, True, True])
    assert solve_mclp(hand(available=avail), method=method).objective == pytest.approx(11.0, abs=TOL)
    emf = np.array([False, False, False, True])
    sol = solve_mclp(hand(available=avail, emf_excluded=emf), method=method)
    assert sorted(sol.sites.tolist()) == [1, 2]
    assert sol.objective == pytest.approx(9.0, abs=TOL)


@pytest.mark.parametrize("method", METHODS)
def test_coverage_target_mode(method):
    # total 13. Target 12/13 needs weight 12: one site covers at most 7, {c0, c2} covers 12 -> 2.
    # Target 1.0 needs all 13: no pair covers D together with A, B, C, E -> 3 sites.
    two = solve_mclp(hand(p=None, target_share=12.0 / 13.0), method=method)
    assert len(two.sites) == 2 and two.target_met
    assert two.covered_weight_after >= 12.0 - TOL
    three = solve_mclp(hand(p=None, target_share=1.0), method=method)
    assert len(three.sites) == 3 and three.target_met
    assert three.covered_weight_after == pytest.approx(13.0, abs=TOL)


def test_target_mode_against_brute_force():
    rng = np.random.default_rng(9)
    for _ in range(15):
        dense = rng.random((8, 25)) < 0.25
        w = rng.random(25)
        share = float(rng.uniform(0.5, 0.95))
        reachable = w[dense.any(axis=0)].sum() / w.sum()
        if reachable < share:
            continue
        need = share * w.sum()
        best = min(
            k for k in range(9) for comb in itertools.combinations(range(8), k)
            if (w[dense[list(comb)].any(axis=0)].sum() if comb else 0.0) >= need - 1e-12
        )
        pb = MCLPProblem(weights=w, coverage=sp.csr_matrix(dense), target_share=share)
        exact = solve_mclp(pb, method="exact")
        assert len(exact.sites) == best  # exact count
        heur = solve_mclp(pb)
        assert heur.target_met and len(heur.sites) >= best


def test_unreachable_target():
    pb = hand(p=None, target_share=1.0, available=np.array([True, True, False, True]))  # E only via c2
    assert solve_mclp(pb).target_met is False
    assert solve_mclp(pb, method="exact").status == "Infeasible"


def test_already_covered_weight_enters_the_shares():
    sol = solve_mclp(hand(already_covered_weight=7.0))
    assert sol.total_weight == pytest.approx(20.0, abs=TOL)
    assert sol.share_before == pytest.approx(7.0 / 20.0, abs=TOL)
    assert sol.share_after == pytest.approx(19.0 / 20.0, abs=TOL)
    assert sol.objective == pytest.approx(12.0, abs=TOL)


def test_heuristic_on_a_larger_instance_is_deterministic_and_bounded_by_exact():
    rng = np.random.default_rng(1)
    demand = np.vstack([rng.normal(c, 500, size=(400, 2)) for c in ([0, 0], [3000, 500], [1000, 2500])])
    cand = rng.uniform(-1500, 4500, size=(150, 2))
    pb = MCLPProblem(weights=rng.integers(1, 4, 1200).astype(float),
                     coverage=coverage_by_radius(demand, cand, 500.0), p=10)
    a = solve_mclp(pb, perturb_iters=400)
    b = solve_mclp(pb, perturb_iters=400)
    assert a.sites.tolist() == b.sites.tolist()  # same seed, same answer
    plain = solve_mclp(pb, local_search=False)
    e = solve_mclp(pb, method="exact", time_limit=60)
    assert plain.objective <= a.objective + TOL <= e.objective + 2 * TOL
    assert np.all(np.diff(a.gains) <= TOL)  # greedy order: non-increasing marginal gains
    assert a.gains.sum() == pytest.approx(a.covered_weight_after - a.covered_weight_before, abs=1e-9)


def test_csr_pair_input_equals_scipy_input():
    m = csr(HAND_ROWS, 5)
    pb = MCLPProblem(weights=HAND_W, coverage=(m.indptr, m.indices), p=2)
    assert solve_mclp(pb).objective == pytest.approx(12.0, abs=TOL)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": np.array([1.0, -1.0, 0.0, 0.0, 0.0])}, "non-negative"),
        ({"weights": np.ones(4)}, "columns"),
        ({"p": 5}, "exceeds the number of candidates"),
        ({"p": -1}, ">= 0"),
        ({"p": 2.5}, "integer"),
        ({"p": None}, "exactly one"),
        ({"target_share": 0.5}, "exactly one"),
        ({"p": None, "target_share": 1.5}, r"\(0, 1\]"),
        ({"available": np.ones(3, bool)}, "shape"),
        ({"emf_excluded": np.ones(4)}, "boolean"),
        ({"forced": [7]}, "out of range"),
        ({"forced": [0], "available": np.array([False, True, True, True])}, "unavailable"),
        ({"min_spacing_m": 100.0}, "candidate_xy"),
        ({"weights": np.array([1.0, np.nan, 0.0, 0.0, 0.0])}, "NaN"),
        ({"coverage": "nope"}, "scipy.sparse"),
    ],
)
def test_bad_inputs_raise_clear_errors(kwargs, message):
    base = {"weights": HAND_W, "coverage": csr(HAND_ROWS, 5), "p": 2}
    base.update(kwargs)
    with pytest.raises(ValueError, match=message):
        MCLPProblem(**base)


def test_forced_pair_violating_spacing_is_rejected():
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [500.0, 0.0], [900.0, 0.0]])
    with pytest.raises(ValueError, match="spacing"):
        hand(forced=[0, 1], candidate_xy=xy, min_spacing_m=100.0)


def test_unknown_method_lists_valid_ones():
    with pytest.raises(ValueError, match="greedy, exact"):
        solve_mclp(hand(), method="annealing")
