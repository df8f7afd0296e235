"""Coverage relation builders against brute-force distances and hand-computed RSRP footprints."""

import numpy as np
import pytest

from rollout5g.core.planning import coverage_by_radius, coverage_from_rsrp, spacing_conflicts


def test_coverage_by_radius_matches_brute_force():
    rng = np.random.default_rng(7)
    demand = rng.uniform(0, 3000, size=(400, 2))
    cand = rng.uniform(0, 3000, size=(60, 2))
    cov = coverage_by_radius(demand, cand, 500.0)
    d = np.hypot(cand[:, None, 0] - demand[None, :, 0], cand[:, None, 1] - demand[None, :, 1])
    expected = d <= 500.0
    assert cov.shape == (60, 400)
    # exact boolean equality (tolerance 0): no pair lies within 1e-6 m of the radius here
    assert np.abs(d - 500.0).min() > 1e-6
    np.testing.assert_array_equal(cov.toarray(), expected)
    # rows come out sorted (CSR canonical form)
    for j in range(60):
        row = cov.indices[cov.indptr[j]:cov.indptr[j + 1]]
        assert np.all(np.diff(row) > 0)


def test_coverage_by_radius_boundary_is_inclusive():
    # 3-4-5 triangle: the point at (3, 4) is exactly 5 m from the origin (exact in binary floats)
    cov = coverage_by_radius([[3.0, 4.0], [3.0, 4.1]], [[0.0, 0.0]], 5.0)
    np.testing.assert_array_equal(cov.toarray(), [[True, False]])  # exact


def test_coverage_by_radius_empty_and_bad_inputs():
    assert coverage_by_radius(np.zeros((0, 2)), [[0.0, 0.0]], 10.0).shape == (1, 0)
    with pytest.raises(ValueError, match="radius_m"):
        coverage_by_radius([[0.0, 0.0]], [[0.0, 0.0]], 0.0)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        coverage_by_radius([0.0, 0.0, 1.0], [[0.0, 0.0]], 10.0)
    with pytest.raises(ValueError, match="NaN"):
        coverage_by_radius([[np.nan, 0.0]], [[0.0, 0.0]], 10.0)


def test_coverage_from_rsrp_hand_example():
    # threshold -105 dBm: candidate 0 covers pixels 0 (-100 dBm) and 2 (-105 dBm, equal counts),
    # not 1 (-110 dBm) nor 3 (NaN); candidate 1 covers pixel 4 only; candidate 2 has no footprint
    rows = [
        (np.array([0, 1, 2, 3]), np.array([-100.0, -110.0, -105.0, np.nan])),
        (np.array([4, 1]), np.array([-90.0, -120.0])),
        (np.array([], dtype=np.int64), np.array([])),
    ]
    cov = coverage_from_rsrp(rows, -105.0, n_points=5)
    np.testing.assert_array_equal(
        cov.toarray(),
        [[1, 0, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]],
    )  # exact


def test_coverage_from_rsrp_bad_inputs():
    with pytest.raises(ValueError, match="out of range"):
        coverage_from_rsrp([(np.array([5]), np.array([-80.0]))], -105.0, n_points=5)
    with pytest.raises(ValueError, match="equal length"):
        coverage_from_rsrp([(np.array([0, 1]), np.array([-80.0]))], -105.0, n_points=5)
    with pytest.raises(ValueError, match="pair"):
        coverage_from_rsrp([(np.array([0]), np.array([-80.0]), "extra")], -105.0, n_points=5)
    with pytest.raises(ValueError, match="integers"):
        coverage_from_rsrp([(np.array([0.5]), np.array([-80.0]))], -105.0, n_points=5)


def test_spacing_conflicts_matches_brute_force_and_is_strict():
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 2000, size=(80, 2))
    pairs = spacing_conflicts(xy, 300.0)
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    j, k = np.nonzero(np.triu(d < 300.0, 1))
    np.testing.assert_array_equal(pairs, np.c_[j, k])  # exact, sorted (j, k) with j < k
    # exactly at the spacing is allowed (closer than s conflicts, s itself does not)
    assert spacing_conflicts([[0.0, 0.0], [3.0, 4.0]], 5.0).shape == (0, 2)
    assert spacing_conflicts([[0.0, 0.0], [3.0, 4.0]], 5.0 + 1e-9).tolist() == [[0, 1]]
    with pytest.raises(ValueError, match="min_spacing_m"):
        spacing_conflicts(xy, -1.0)
