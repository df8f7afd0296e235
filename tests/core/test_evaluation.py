"""Regional evaluation: hand-computed composite scores, entropy weights, TOPSIS, sensitivity.

Tolerances are stated in every assertion; the hand computations are in the comments.
"""

import math

import numpy as np
import pytest

from rollout5g.core import evaluation as ev

# --- the small hand-computed example: 3 regions × 3 indicators -------------------------------
# indicators: base stations on air (w 0.5, higher), coverage share (w 0.3, higher),
#             approval time in working days (w 0.2, lower); cap 1.2.
INDS = [
    ev.Indicator("bs_on_air", 0.5, "higher", unit="[site]"),
    ev.Indicator("coverage", 0.3, "higher", unit="[-]"),
    ev.Indicator("approval_days", 0.2, "lower", unit="[working day]"),
]
ACTUAL = [[1100, 0.81, 25], [1200, 0.72, 10], [400, 0.45, 40]]
TARGET = [[1000, 0.90, 20], [800, 0.90, 20], [500, 0.90, 20]]
# R1: c = 1100/1000 = 1.1, 0.81/0.90 = 0.9, 20/25 = 0.8 (lower is better: T/A)
#     S = 100 (0.5·1.1 + 0.3·0.9 + 0.2·0.8) = 100 (0.55 + 0.27 + 0.16) = 98.0 -> 优秀
# R2: c = 1200/800 = 1.5 -> capped 1.2, 0.72/0.90 = 0.8, 20/10 = 2.0 -> capped 1.2
#     S = 100 (0.6 + 0.24 + 0.24) = 108.0 -> 优秀
# R3: c = 400/500 = 0.8, 0.45/0.90 = 0.5, 20/40 = 0.5
#     S = 100 (0.4 + 0.15 + 0.10) = 65.0 -> 合格
# ranks: R2 1, R1 2, R3 3


def test_composite_hand_example():
    r = ev.composite_score(ACTUAL, TARGET, INDS, regions=["R1", "R2", "R3"])
    # tolerance 1e-9 points (float rounding of 0.81/0.90 etc.)
    np.testing.assert_allclose(r.score, [98.0, 108.0, 65.0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        r.completion, [[1.1, 0.9, 0.8], [1.5, 0.8, 2.0], [0.8, 0.5, 0.5]], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(r.capped[1], [1.2, 0.8, 1.2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.contribution[0], [55.0, 27.0, 16.0], rtol=0, atol=1e-9)
    assert r.rank.tolist() == [2, 1, 3]  # exact
    assert r.tier == ["优秀", "优秀", "合格"]  # exact
    assert r.to_records()[1] == {
        "region": "R2",
        "score": pytest.approx(108.0, abs=1e-9),
        "rank": 1,
        "tier": "优秀",
    }


def test_common_target_and_zero_actual_on_lower_indicator():
    # 1-D target applies to all regions; approval time 0 days -> completion = cap.
    r = ev.composite_score([[1000, 0.9, 0]], [1000, 0.9, 20], INDS)
    # S = 100 (0.5·1 + 0.3·1 + 0.2·1.2) = 104.0, tolerance 1e-9
    assert r.score[0] == pytest.approx(104.0, abs=1e-9)


def test_ranks_with_ties_and_tiers_as_data():
    assert ev.rank_scores([98.0, 108.0, 98.0, 55.0]).tolist() == [2, 1, 2, 4]  # exact
    # a float a hair below a threshold still reaches it (tolerance 1e-9 points)
    assert ev.assign_tiers([90 - 1e-12, 89.9, 75.0, 59.99]) == ["优秀", "良好", "良好", "待提升"]
    custom = [("A", 80), ("B", 0)]
    assert ev.assign_tiers([80.0, 79.0], custom) == ["A", "B"]
    with pytest.raises(ValueError, match="decreasing"):
        ev.assign_tiers([50], [("A", 60), ("B", 70), ("C", -math.inf)])
    with pytest.raises(ValueError, match="last tier"):
        ev.assign_tiers([50], [("A", 60), ("B", 10)])


@pytest.mark.parametrize(
    "weights,match",
    [((0.5, 0.3, 0.3), "sum to 1"), ((0.8, 0.4, -0.2), ">= 0")],
)
def test_bad_weights(weights, match):
    with pytest.raises(ValueError, match=match):
        inds = [ev.Indicator(i.code, w, i.direction) for i, w in zip(INDS, weights, strict=True)]
        ev.composite_score(ACTUAL, TARGET, inds)


def test_bad_inputs():
    with pytest.raises(ValueError, match="targets must be > 0"):
        ev.composite_score(ACTUAL, [[1000, 0.9, 20], [800, 0, 20], [500, 0.9, 20]], INDS)
    with pytest.raises(ValueError, match="shape"):
        ev.composite_score(ACTUAL, [[1000, 0.9]], INDS)
    with pytest.raises(ValueError, match="indicators"):
        ev.composite_score(ACTUAL, TARGET, INDS[:2])
    with pytest.raises(ValueError, match="NaN"):
        ev.composite_score([[1, 2, np.nan]] * 3, TARGET, INDS)
    with pytest.raises(ValueError, match="higher"):
        ev.Indicator("x", 1.0, "up")
    with pytest.raises(ValueError, match="cap"):
        ev.composite_score(ACTUAL, TARGET, INDS, cap=0.9)


# --- entropy weights, hand-computed -----------------------------------------------------------
# x = [[10, 4], [20, 4], [30, 3], [40, 1]]; column 1 higher is better, column 2 lower is better.
# col 1: x' = (x-10)/30 = [0, 1/3, 2/3, 1], Σ = 2, p = [0, 1/6, 1/3, 1/2]
#        e1 = (1/ln 4)(1/6 ln 6 + 1/3 ln 3 + 1/2 ln 2) = (0.298627 + 0.366204 + 0.346574)/1.386294
#           = 1.011404 / 1.386294 = 0.729574
# col 2: x' = (4-x)/3 = [0, 0, 1/3, 1], Σ = 4/3, p = [0, 0, 1/4, 3/4]
#        e2 = (1/ln 4)(1/4 ln 4 + 3/4 ln 4/3) = (0.346574 + 0.215762)/1.386294 = 0.405639
# d = [0.270426, 0.594361], Σ d = 0.864787, w = [0.312708, 0.687292]
def test_entropy_weights_hand_example():
    r = ev.entropy_weights([[10, 4], [20, 4], [30, 3], [40, 1]], ["higher", "lower"])
    # tolerance 1e-6: the hand values are given to 6 decimals
    np.testing.assert_allclose(r.p[:, 1], [0, 0, 0.25, 0.75], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.entropy, [0.729574, 0.405639], rtol=0, atol=1e-6)
    np.testing.assert_allclose(r.weights, [0.312708, 0.687292], rtol=0, atol=1e-6)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-12)


def test_entropy_constant_column_gets_zero_weight():
    r = ev.entropy_weights([[1, 5], [2, 5], [3, 5]])
    np.testing.assert_allclose(r.weights, [1.0, 0.0], rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="constant"):
        ev.entropy_weights([[1, 5], [1, 5]])
    with pytest.raises(ValueError, match="2 alternatives"):
        ev.entropy_weights([[1, 5]])


# --- TOPSIS on the textbook example --------------------------------------------------------------
# Hwang & Yoon (1981), Multiple Attribute Decision Making, the fighter-aircraft example:
# attributes max speed, ferry range, max payload, acquisition cost (lower is better),
# reliability, manoeuvrability; w = (0.2, 0.1, 0.1, 0.1, 0.2, 0.3).
# Relative closeness as the textbook reports it (3 decimals): A1 0.643, A2 0.268, A3 0.613, A4 0.312
# -> order A1 > A3 > A4 > A2.
AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
AIRCRAFT_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_DIR = ["higher", "higher", "higher", "lower", "higher", "higher"]


def test_topsis_textbook_example():
    r = ev.topsis(AIRCRAFT, AIRCRAFT_W, AIRCRAFT_DIR)
    # tolerance 1e-3: the textbook rounds its intermediate tables to 4 decimals and C to 3
    # (full precision gives 0.643277, 0.268384, 0.613542, 0.312291)
    np.testing.assert_allclose(r.closeness, [0.643, 0.268, 0.613, 0.312], rtol=0, atol=1e-3)
    assert r.rank.tolist() == [1, 4, 2, 3]  # exact
    # C = D- / (D+ + D-) by definition, tolerance 1e-12
    np.testing.assert_allclose(r.closeness, r.d_minus / (r.d_plus + r.d_minus), rtol=0, atol=1e-12)
    # ideal of a "lower is better" column is its minimum: cost 4.5 normalised × 0.1
    cost_norm = math.sqrt(5.5**2 + 6.5**2 + 4.5**2 + 5.0**2)
    assert r.ideal[3] == pytest.approx(0.1 * 4.5 / cost_norm, abs=1e-12)


def test_spearman():
    assert ev.spearman_rho([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0, abs=1e-12)
    assert ev.spearman_rho([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0, abs=1e-12)
    # ties averaged: ranks x = [1, 2.5, 2.5, 4], y = [1, 2, 3, 4];
    # rho = Σ dx dy / sqrt(Σdx² Σdy²) = 4.5 / sqrt(4.5 · 5) = 0.948683
    assert ev.spearman_rho([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.948683, abs=1e-6)


def test_cross_check_agrees_on_hand_example():
    cc = ev.cross_check(ACTUAL, TARGET, INDS)
    assert cc.topsis.rank.tolist() == cc.composite.rank.tolist() == [2, 1, 3]
    assert cc.spearman == pytest.approx(1.0, abs=1e-12)
    assert cc.entropy.weights.sum() == pytest.approx(1.0, abs=1e-12)
    pub = ev.cross_check(ACTUAL, TARGET, INDS, weights="published")
    np.testing.assert_allclose(pub.topsis.weighted.sum(axis=0) > 0, True)
    with pytest.raises(ValueError, match="entropy"):
        ev.cross_check(ACTUAL, TARGET, INDS, weights="ahp")


# --- sensitivity -----------------------------------------------------------------------------------
# Two regions, two indicators, w = (0.5, 0.5), targets 1, cap 1.2:
# R1 c = (1.00, 0.80): S = 100 (0.5 + 0.40) = 90.0
# R2 c = (0.84, 0.98): S = 100 (0.42 + 0.49) = 91.0 -> R2 first
# w_A + 0.1 -> (0.6, 0.4): R1 = 60 + 32 = 92.0, R2 = 50.4 + 39.2 = 89.6 -> ranks flip
# w_A - 0.1 -> (0.4, 0.6): R1 = 40 + 48 = 88.0, R2 = 33.6 + 58.8 = 92.4 -> no change
def test_weight_sensitivity_rank_flip():
    inds = [ev.Indicator("A", 0.5), ev.Indicator("B", 0.5)]
    actual = [[1.00, 0.80], [0.84, 0.98]]
    t = ev.weight_sensitivity(actual, [1, 1], inds, delta=0.1, regions=["R1", "R2"])
    assert t.base_rank.tolist() == [2, 1]
    rows = {(r.indicator, round(r.delta, 6)): r for r in t.rows}
    up = rows[("A", 0.1)]
    np.testing.assert_allclose(up.weights, [0.6, 0.4], rtol=0, atol=1e-12)
    np.testing.assert_allclose(up.score, [92.0, 89.6], rtol=0, atol=1e-9)
    assert up.rank.tolist() == [1, 2] and up.changed and up.max_shift == 1
    assert up.rank_change.tolist() == [-1, 1]
    down = rows[("A", -0.1)]
    np.testing.assert_allclose(down.score, [88.0, 92.4], rtol=0, atol=1e-9)
    assert not down.changed
    # B +0.1 is A -0.1 with two indicators
    np.testing.assert_allclose(rows[("B", 0.1)].weights, [0.4, 0.6], rtol=0, atol=1e-12)
    recs = t.to_records()
    assert len(recs) == 2 * 2 * 2  # indicators × signs × regions
    assert {"indicator": "A", "region": "R1", "rank": 1}.items() <= next(
        x for x in recs if x["indicator"] == "A" and x["delta"] == pytest.approx(0.1) and x["region"] == "R1"
    ).items()


def test_sensitivity_renormalises_and_clips():
    t = ev.weight_sensitivity(ACTUAL, TARGET, INDS, delta=[0.05, 0.3])
    assert len(t.rows) == 3 * 2 * 2
    for row in t.rows:
        assert row.weights.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(row.weights >= 0)
    # approval_days 0.2 - 0.3 clips at 0; others keep their 5:3 proportion -> (0.625, 0.375, 0)
    clipped = next(r for r in t.rows if r.indicator == "approval_days" and r.delta == pytest.approx(-0.3))
    np.testing.assert_allclose(clipped.weights, [0.625, 0.375, 0.0], rtol=0, atol=1e-12)
    assert clipped.applied == pytest.approx(-0.2, abs=1e-12)
    with pytest.raises(ValueError, match="delta"):
        ev.weight_sensitivity(ACTUAL, TARGET, INDS, delta=0)
