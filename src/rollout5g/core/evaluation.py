"""Regional evaluation of 5G development (Zhejiang task division, task 29: 对各地5G发展情况进行评价).

Three pieces, all pure numpy (the method and its formulas are in ``docs/evaluation-method.md``):

1. **Completion-based composite score** (the published, official score). For region r and
   indicator i with weight w_i (Σ w_i = 1), target T_ri > 0 and actual A_ri >= 0::

       c_ri = A_ri / T_ri              (higher is better)
       c_ri = T_ri / A_ri              (lower is better; A_ri = 0 -> c_ri = cap)
       S_r  = 100 · Σ_i w_i · min(c_ri, cap)            [points], 0 <= S_r <= 100 · cap

   Meeting every target exactly gives 100 points; over-achievement earns extra points up to the
   cap (1.2 by default, i.e. at most 120 points), so one indicator cannot make up for all others.
   Tiers come from thresholds given as data (default 优秀 >= 90, 良好 >= 75, 合格 >= 60, 待提升
   below), ranks are competition ranks ("1224"): tied scores share the best rank.

2. **Cross-check** with objective weights: the entropy-weight method (Shannon entropy of the
   min-max normalised indicators) and TOPSIS (Hwang & Yoon 1981: vector normalisation, weighted,
   distance to the ideal and anti-ideal, closeness C = D⁻ / (D⁺ + D⁻)); Spearman's rank
   correlation between the composite score and the TOPSIS closeness says whether the two agree.

3. **Sensitivity**: how ranks move when one weight changes by ±Δ and the others are rescaled to
   keep Σ w = 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DIRECTIONS",
    "DEFAULT_TIERS",
    "Indicator",
    "CompositeResult",
    "EntropyResult",
    "TopsisResult",
    "CrossCheck",
    "SensitivityRow",
    "SensitivityTable",
    "completion",
    "composite_score",
    "rank_scores",
    "assign_tiers",
    "entropy_weights",
    "topsis",
    "spearman_rho",
    "cross_check",
    "weight_sensitivity",
]

DIRECTIONS = ("higher", "lower")
#: (label, minimum score [points]) from the best tier down; the last minimum is -inf.
DEFAULT_TIERS: tuple[tuple[str, float], ...] = (
    ("优秀", 90.0),
    ("良好", 75.0),
    ("合格", 60.0),
    ("待提升", -math.inf),
)
_WEIGHT_TOL = 1e-9
_SCORE_TOL = 1e-9


@dataclass(frozen=True)
class Indicator:
    """An evaluated indicator.

    Parameters
    ----------
    code : str
        Stable identifier, e.g. ``"bs_on_air"``.
    weight : float
        Published weight [-], >= 0; the weights of an evaluation sum to 1.
    direction : {"higher", "lower"}
        ``"lower"`` for indicators where less is better (e.g. approval time [working day]).
    name, unit, source : str
        Display name, unit of actual and target (e.g. ``"[site]"``), where weight and target
        are published.
    """

    code: str
    weight: float
    direction: str = "higher"
    name: str = ""
    unit: str = ""
    source: str = ""

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"indicator {self.code}: unknown direction {self.direction!r}; valid: {list(DIRECTIONS)}"
            )
        w = float(self.weight)
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"indicator {self.code}: weight must be finite and >= 0, got {self.weight!r}")


def _check_weights(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty 1-D array")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"weights must be finite and >= 0, got {w.tolist()}")
    if abs(w.sum() - 1.0) > _WEIGHT_TOL * max(1, w.size):
        raise ValueError(f"weights must sum to 1, they sum to {w.sum():.12g}")
    return w


def _check_directions(directions, m: int) -> np.ndarray:
    if isinstance(directions, str):
        directions = [directions] * m
    directions = list(directions)
    if len(directions) != m:
        raise ValueError(f"{len(directions)} directions for {m} indicators")
    bad = [d for d in directions if d not in DIRECTIONS]
    if bad:
        raise ValueError(f"unknown direction(s) {bad}; valid: {list(DIRECTIONS)}")
    return np.array([d == "higher" for d in directions])


def _matrix(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(f"{name} must be a 2-D array (regions × indicators), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} holds NaN or infinite values (missing data must be filled first)")
    return a


def completion(actual, target, directions, *, cap: float = 1.2) -> tuple[np.ndarray, np.ndarray]:
    """Completion ratios c and capped completions min(c, cap), shape (regions, indicators) [-].

    Parameters
    ----------
    actual : array_like, shape (n, m)
        Observed values, >= 0 [indicator unit].
    target : array_like, shape (n, m) or (m,)
        Targets, > 0 [indicator unit]; a 1-D target applies to every region.
    directions : sequence of {"higher", "lower"} or one of them
    cap : float
        Maximum completion credited, >= 1 [-].
    """
    a = _matrix(actual, "actual")
    t = np.asarray(target, dtype=float)
    if t.ndim == 1:
        t = np.broadcast_to(t, a.shape)
    if t.shape != a.shape:
        raise ValueError(f"target shape {np.shape(target)} does not match actual shape {a.shape}")
    if not np.all(np.isfinite(t)):
        raise ValueError("target holds NaN or infinite values")
    if np.any(t <= 0):
        r, i = np.argwhere(t <= 0)[0]
        raise ValueError(f"targets must be > 0 (region {r}, indicator {i} has {t[r, i]})")
    if np.any(a < 0):
        raise ValueError("actual values must be >= 0")
    if not (math.isfinite(cap) and cap >= 1):
        raise ValueError(f"cap must be a finite number >= 1, got {cap}")
    higher = _check_directions(directions, a.shape[1])
    with np.errstate(divide="ignore"):
        c = np.where(higher, a / t, np.where(a > 0, t / np.where(a > 0, a, 1.0), np.inf))
    return c, np.minimum(c, cap)


def rank_scores(scores, *, tolerance: float = _SCORE_TOL) -> np.ndarray:
    """Competition ranks ("1224") of ``scores``, highest first; scores within ``tolerance`` tie."""
    s = np.asarray(scores, dtype=float)
    return 1 + np.sum(s[None, :] > s[:, None] + tolerance, axis=1)


def _check_tiers(tiers) -> tuple[tuple[str, float], ...]:
    tiers = tuple((str(label), float(lo)) for label, lo in tiers)
    if not tiers:
        raise ValueError("at least one tier is needed")
    lows = [lo for _, lo in tiers]
    if any(b >= a for a, b in zip(lows, lows[1:], strict=False)):
        raise ValueError(f"tier thresholds must be strictly decreasing, got {lows}")
    if lows[-1] > 0:
        raise ValueError("the last tier must take every score (threshold <= 0 or -inf)")
    return tiers


def assign_tiers(scores, tiers=DEFAULT_TIERS, *, tolerance: float = _SCORE_TOL) -> list[str]:
    """Tier label of each score [points]: the first tier whose threshold the score reaches.

    A score within ``tolerance`` below a threshold reaches it (89.999999999 counts as 90).
    """
    tiers = _check_tiers(tiers)
    out = []
    for s in np.asarray(scores, dtype=float).ravel():
        out.append(next(label for label, lo in tiers if s + tolerance >= lo))
    return out


@dataclass(frozen=True)
class CompositeResult:
    """Composite evaluation: arrays over regions (n) and indicators (m)."""

    completion: np.ndarray  # (n, m) [-]
    capped: np.ndarray  # (n, m) [-]
    contribution: np.ndarray  # (n, m) [points] = 100 · w_i · min(c, cap)
    score: np.ndarray  # (n,) [points]
    rank: np.ndarray  # (n,) competition rank, 1 = best
    tier: list[str]
    weights: np.ndarray  # (m,) [-]
    regions: tuple[str, ...] | None = None

    def to_records(self) -> list[dict]:
        """One dict per region (for tables and exports)."""
        names = self.regions or tuple(str(i) for i in range(len(self.score)))
        return [
            {
                "region": names[r],
                "score": float(self.score[r]),
                "rank": int(self.rank[r]),
                "tier": self.tier[r],
            }
            for r in range(len(self.score))
        ]


def composite_score(
    actual,
    target,
    indicators: Sequence[Indicator],
    *,
    cap: float = 1.2,
    tiers=DEFAULT_TIERS,
    weights=None,
    regions: Sequence[str] | None = None,
) -> CompositeResult:
    """Completion-based composite score of each region.

    ``S_r = 100 · Σ_i w_i · min(c_ri, cap)`` [points], with ``c_ri`` from :func:`completion`.

    Parameters
    ----------
    actual : array_like, shape (n, m)
        Observed values [indicator unit].
    target : array_like, shape (n, m) or (m,)
        Targets per region [indicator unit], > 0.
    indicators : sequence of Indicator
        m indicators in column order; their weights must sum to 1.
    cap : float
        Completion cap [-], >= 1 (default 1.2).
    tiers : sequence of (label, minimum score)
        Strictly decreasing thresholds [points]; default :data:`DEFAULT_TIERS`.
    weights : array_like, optional
        Overrides the indicators' weights (used by :func:`weight_sensitivity`).
    regions : sequence of str, optional
        Region names, for :meth:`CompositeResult.to_records`.

    Raises
    ------
    ValueError
        Weights not summing to 1 or negative, shapes that do not match, targets <= 0,
        negative or missing actual values, unknown direction, bad tiers.
    """
    indicators = list(indicators)
    a = _matrix(actual, "actual")
    if len(indicators) != a.shape[1]:
        raise ValueError(f"{len(indicators)} indicators for {a.shape[1]} columns of actual")
    if regions is not None and len(regions) != a.shape[0]:
        raise ValueError(f"{len(regions)} region names for {a.shape[0]} rows of actual")
    w = _check_weights([i.weight for i in indicators] if weights is None else weights)
    if w.size != a.shape[1]:
        raise ValueError(f"{w.size} weights for {a.shape[1]} indicators")
    c, capped = completion(a, target, [i.direction for i in indicators], cap=cap)
    contribution = 100.0 * capped * w[None, :]
    score = contribution.sum(axis=1)
    return CompositeResult(
        completion=c,
        capped=capped,
        contribution=contribution,
        score=score,
        rank=rank_scores(score),
        tier=assign_tiers(score, tiers),
        weights=w,
        regions=None if regions is None else tuple(regions),
    )


# -- entropy weights and TOPSIS ----------------------------------------------------------------
@dataclass(frozen=True)
class EntropyResult:
    weights: np.ndarray  # (m,) w_j = d_j / Σ d
    entropy: np.ndarray  # (m,) e_j
    divergence: np.ndarray  # (m,) d_j = 1 - e_j
    normalised: np.ndarray  # (n, m) min-max normalised, direction applied
    p: np.ndarray  # (n, m) shares p_ij


def entropy_weights(x, directions="higher") -> EntropyResult:
    """Objective weights by the entropy-weight method.

    For n alternatives (rows) and m indicators (columns)::

        x'_ij = (x_ij - min_j) / (max_j - min_j)      (higher is better)
        x'_ij = (max_j - x_ij) / (max_j - min_j)      (lower is better)
        p_ij  = x'_ij / Σ_i x'_ij
        e_j   = -k Σ_i p_ij ln p_ij,  k = 1 / ln n,  with 0 · ln 0 = 0
        d_j   = 1 - e_j,  w_j = d_j / Σ_j d_j

    A constant column carries no information: e_j = 1, d_j = 0 (weight 0).

    Raises
    ------
    ValueError
        Fewer than 2 alternatives, or every column constant.
    """
    x = _matrix(x, "x")
    n, m = x.shape
    if n < 2:
        raise ValueError("the entropy method needs at least 2 alternatives")
    higher = _check_directions(directions, m)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    const = span <= 0
    safe = np.where(const, 1.0, span)
    norm = np.where(higher, (x - lo) / safe, (hi - x) / safe)
    norm[:, const] = 0.0
    col = norm.sum(axis=0)
    p = np.where(const, 0.0, norm / np.where(col > 0, col, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / math.log(n)
    e = np.where(const, 1.0, e)
    d = 1.0 - e
    if d.sum() <= 0:
        raise ValueError("every indicator is constant across alternatives: no entropy weights")
    return EntropyResult(weights=d / d.sum(), entropy=e, divergence=d, normalised=norm, p=p)


@dataclass(frozen=True)
class TopsisResult:
    closeness: np.ndarray  # (n,) C_i = D⁻ / (D⁺ + D⁻), 1 = ideal
    d_plus: np.ndarray  # (n,) distance to the ideal
    d_minus: np.ndarray  # (n,) distance to the anti-ideal
    ideal: np.ndarray  # (m,)
    anti_ideal: np.ndarray  # (m,)
    weighted: np.ndarray  # (n, m) v_ij = w_j r_ij
    rank: np.ndarray  # (n,) competition rank by closeness


def topsis(x, weights, directions="higher") -> TopsisResult:
    """TOPSIS (Hwang & Yoon 1981, *Multiple Attribute Decision Making*, ch. 3).

    ::

        r_ij = x_ij / sqrt(Σ_i x_ij²),   v_ij = w_j r_ij
        A⁺_j = max_i v_ij (higher) or min_i v_ij (lower);  A⁻_j the opposite
        D⁺_i = ||v_i - A⁺||₂,  D⁻_i = ||v_i - A⁻||₂,  C_i = D⁻_i / (D⁺_i + D⁻_i)

    An all-zero column normalises to 0. If every alternative is identical (D⁺ + D⁻ = 0),
    C = 0.5 for all.
    """
    x = _matrix(x, "x")
    n, m = x.shape
    w = _check_weights(weights)
    if w.size != m:
        raise ValueError(f"{w.size} weights for {m} indicators")
    higher = _check_directions(directions, m)
    norm = np.sqrt((x**2).sum(axis=0))
    r = x / np.where(norm > 0, norm, 1.0)
    v = r * w[None, :]
    ideal = np.where(higher, v.max(axis=0), v.min(axis=0))
    anti = np.where(higher, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=1))
    tot = dp + dm
    c = np.where(tot > 0, dm / np.where(tot > 0, tot, 1.0), 0.5)
    return TopsisResult(c, dp, dm, ideal, anti, v, rank_scores(c))


def _average_ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=float)
    xs = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def spearman_rho(x, y) -> float:
    """Spearman's rank correlation [-]: Pearson correlation of the average ranks (ties averaged).

    Returns NaN when one of the series is constant.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.size != y.size:
        raise ValueError(f"series of different length: {x.size} and {y.size}")
    if x.size < 2:
        raise ValueError("Spearman's rho needs at least 2 pairs")
    rx, ry = _average_ranks(x), _average_ranks(y)
    rx -= rx.mean()
    ry -= ry.mean()
    den = math.sqrt(float((rx**2).sum() * (ry**2).sum()))
    return float("nan") if den == 0 else float((rx * ry).sum() / den)


@dataclass(frozen=True)
class CrossCheck:
    composite: CompositeResult
    entropy: EntropyResult
    topsis: TopsisResult
    topsis_weights: str  # "entropy" or "published"
    spearman: float  # rho(composite score, TOPSIS closeness)


def cross_check(
    actual,
    target,
    indicators: Sequence[Indicator],
    *,
    cap: float = 1.2,
    weights: str = "entropy",
    tiers=DEFAULT_TIERS,
) -> CrossCheck:
    """Composite score and an entropy-weight / TOPSIS cross-check on the same data.

    The decision matrix of the cross-check is the capped completion ``min(c_ri, cap)`` (so regions
    with different targets compare fairly, and every column is "higher is better"). TOPSIS uses the
    entropy weights of that matrix (``weights="entropy"``, default) or the published weights
    (``weights="published"``). ``spearman`` is Spearman's rho between the composite score and the
    TOPSIS closeness: near 1 means both methods rank the regions alike.
    """
    if weights not in ("entropy", "published"):
        raise ValueError(f"unknown weights {weights!r}; valid: ['entropy', 'published']")
    comp = composite_score(actual, target, indicators, cap=cap, tiers=tiers)
    ent = entropy_weights(comp.capped, "higher")
    w = ent.weights if weights == "entropy" else comp.weights
    top = topsis(comp.capped, w, "higher")
    return CrossCheck(comp, ent, top, weights, spearman_rho(comp.score, top.closeness))


# -- sensitivity ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SensitivityRow:
    indicator: str
    delta: float  # requested change of the weight [-]
    applied: float  # change actually applied after clipping to [0, 1] [-]
    weights: np.ndarray  # (m,)
    score: np.ndarray  # (n,) [points]
    rank: np.ndarray  # (n,)
    rank_change: np.ndarray  # (n,) new rank - base rank (negative = moved up)
    max_shift: int
    changed: bool


@dataclass(frozen=True)
class SensitivityTable:
    base_rank: np.ndarray
    base_score: np.ndarray
    rows: list[SensitivityRow]
    regions: tuple[str, ...] | None = None

    def to_records(self) -> list[dict]:
        """Flat table: one dict per (indicator, delta, region)."""
        names = self.regions or tuple(str(i) for i in range(len(self.base_rank)))
        out = []
        for row in self.rows:
            for r, name in enumerate(names):
                out.append(
                    {
                        "indicator": row.indicator,
                        "delta": row.delta,
                        "applied": row.applied,
                        "region": name,
                        "score": float(row.score[r]),
                        "base_rank": int(self.base_rank[r]),
                        "rank": int(row.rank[r]),
                        "rank_change": int(row.rank_change[r]),
                    }
                )
        return out


def _perturb(w: np.ndarray, j: int, delta: float) -> np.ndarray:
    new_j = min(1.0, max(0.0, w[j] + delta))
    rest = 1.0 - w[j]
    out = np.empty_like(w)
    others = np.arange(w.size) != j
    if rest > _WEIGHT_TOL:
        out[others] = w[others] * (1.0 - new_j) / rest
    else:  # indicator j held all the weight: share the freed weight equally
        out[others] = (1.0 - new_j) / max(1, others.sum())
    out[j] = new_j
    return out


def weight_sensitivity(
    actual,
    target,
    indicators: Sequence[Indicator],
    *,
    delta: float | Sequence[float] = 0.05,
    cap: float = 1.2,
    regions: Sequence[str] | None = None,
) -> SensitivityTable:
    """How ranks move when one weight changes by ±Δ.

    For each indicator j and each Δ in ``±delta``: w'_j = clip(w_j + Δ, 0, 1) and every other weight
    is rescaled, w'_k = w_k · (1 - w'_j) / (1 - w_j), so Σ w' = 1 and the other weights keep their
    proportions. Scores and ranks are recomputed with :func:`composite_score`.

    Parameters
    ----------
    delta : float or sequence of float
        Magnitudes of the change [-] (each applied with both signs), > 0.
    """
    indicators = list(indicators)
    base = composite_score(actual, target, indicators, cap=cap, regions=regions)
    deltas = [delta] if np.ndim(delta) == 0 else list(delta)
    if not deltas or any(not (0 < float(d) <= 1) for d in deltas):
        raise ValueError(f"delta must be in (0, 1], got {deltas}")
    rows = []
    for j, ind in enumerate(indicators):
        for mag in deltas:
            for sign in (-1.0, 1.0):
                d = sign * float(mag)
                w = _perturb(base.weights, j, d)
                res = composite_score(actual, target, indicators, cap=cap, weights=w)
                change = res.rank - base.rank
                rows.append(
                    SensitivityRow(
                        indicator=ind.code,
                        delta=d,
                        applied=float(w[j] - base.weights[j]),
                        weights=w,
                        score=res.score,
                        rank=res.rank,
                        rank_change=change,
                        max_shift=int(np.abs(change).max()),
                        changed=bool(np.any(change != 0)),
                    )
                )
    return SensitivityTable(base.rank, base.score, rows, None if regions is None else tuple(regions))
