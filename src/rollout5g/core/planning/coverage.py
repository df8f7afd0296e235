"""Coverage relations for site selection: which candidate site covers which demand point.

The relation is a sparse boolean matrix in CSR form with one **row per candidate** and one column
per demand point: row ``j`` lists the demand points that candidate ``j`` covers (its footprint).
This is the transpose of the a_ij (point i, site j) of Church & ReVelle (1974); it is stored
candidate-major because a footprint is what the coverage engine produces per candidate.

Coordinates are projected metres (e.g. a UTM zone or the local transverse Mercator used by the
coverage engine) — never degrees.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

__all__ = ["coverage_by_radius", "coverage_from_rsrp", "spacing_conflicts"]


def _xy(name, xy):
    arr = np.asarray(xy, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2) of projected x, y [m]; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite coordinates")
    return arr


def coverage_by_radius(demand_xy, candidate_xy, radius_m):
    """Coverage by distance: candidate ``j`` covers point ``i`` when ``dist(i, j) <= radius_m``.

    The classic MCLP service distance S of Church & ReVelle (1974). Built with a k-d tree over
    the demand points (``scipy.spatial.cKDTree.query_ball_point``), so the cost is proportional
    to the number of covered pairs, not to n_points x n_candidates.

    Parameters
    ----------
    demand_xy : array_like, shape (n_points, 2)
        Demand point coordinates, projected [m].
    candidate_xy : array_like, shape (n_candidates, 2)
        Candidate site coordinates, projected [m].
    radius_m : float
        Coverage radius [m], > 0.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n_candidates, n_points), dtype bool
        Row ``j``: sorted indices of the points within ``radius_m`` of candidate ``j``.
    """
    demand = _xy("demand_xy", demand_xy)
    cand = _xy("candidate_xy", candidate_xy)
    radius_m = float(radius_m)
    if not np.isfinite(radius_m) or radius_m <= 0:
        raise ValueError(f"radius_m must be a positive number of metres; got {radius_m}")
    n_points, n_cand = demand.shape[0], cand.shape[0]
    if n_points == 0 or n_cand == 0:
        return sp.csr_matrix((n_cand, n_points), dtype=bool)
    lists = cKDTree(demand).query_ball_point(cand, radius_m, return_sorted=True)
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=n_cand)
    indptr = np.zeros(n_cand + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = np.fromiter((i for row in lists for i in row), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(indices.size, dtype=bool)
    return sp.csr_matrix((data, indices, indptr), shape=(n_cand, n_points))


def coverage_from_rsrp(rsrp_rows, threshold_dbm, n_points):
    """Coverage from per-candidate RSRP footprints (the hook for the coverage engine).

    Candidate ``j`` covers pixel ``i`` when its predicted reference-signal received power at ``i``
    is at least the coverage criterion: RSRP_ij >= ``threshold_dbm`` (RSRP as defined in
    3GPP TS 38.215 V17.0.0, clause 5.1.1).

    Parameters
    ----------
    rsrp_rows : sequence of (pixel_indices, rsrp_values)
        One pair per candidate, in candidate order: flat indices of the demand pixels the
        engine evaluated [-] and the RSRP there [dBm]. Pixels not listed are not covered.
        NaN RSRP counts as not covered.
    threshold_dbm : float
        Coverage criterion [dBm], e.g. -105 dBm SS-RSRP.
    n_points : int
        Number of demand points (columns) [-].

    Returns
    -------
    scipy.sparse.csr_matrix, shape (len(rsrp_rows), n_points), dtype bool
    """
    threshold_dbm = float(threshold_dbm)
    if not np.isfinite(threshold_dbm):
        raise ValueError(f"threshold_dbm must be finite; got {threshold_dbm}")
    n_points = int(n_points)
    if n_points < 0:
        raise ValueError(f"n_points must be >= 0; got {n_points}")
    rows = []
    for j, pair in enumerate(rsrp_rows):
        try:
            pix, rsrp = pair
        except (TypeError, ValueError):
            raise ValueError(f"rsrp_rows[{j}] must be a pair (pixel_indices, rsrp_values)") from None
        pix = np.asarray(pix)
        rsrp = np.asarray(rsrp, dtype=np.float64)
        if pix.ndim != 1 or rsrp.shape != pix.shape:
            raise ValueError(
                f"rsrp_rows[{j}]: pixel_indices and rsrp_values must be 1-D of equal length; "
                f"got shapes {pix.shape} and {rsrp.shape}"
            )
        if pix.size and not np.issubdtype(pix.dtype, np.integer):
            raise ValueError(f"rsrp_rows[{j}]: pixel_indices must be integers; got dtype {pix.dtype}")
        pix = pix.astype(np.int64, copy=False)
        if pix.size and (pix.min() < 0 or pix.max() >= n_points):
            raise ValueError(f"rsrp_rows[{j}]: pixel index out of range [0, {n_points})")
        rows.append(np.unique(pix[rsrp >= threshold_dbm]))  # NaN >= x is False
    n_cand = len(rows)
    indptr = np.zeros(n_cand + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    return sp.csr_matrix((np.ones(indices.size, dtype=bool), indices, indptr), shape=(n_cand, n_points))


def spacing_conflicts(candidate_xy, min_spacing_m):
    """Pairs of candidates closer than the minimum spacing (they cannot both be chosen).

    Parameters
    ----------
    candidate_xy : array_like, shape (n_candidates, 2)
        Candidate coordinates, projected [m].
    min_spacing_m : float
        Minimum distance between two chosen sites [m]; a pair at distance < ``min_spacing_m``
        conflicts. 0 means no constraint.

    Returns
    -------
    numpy.ndarray, shape (n_pairs, 2), int64
        Conflicting pairs ``(j, k)`` with ``j < k``, sorted.
    """
    cand = _xy("candidate_xy", candidate_xy)
    s = float(min_spacing_m)
    if not np.isfinite(s) or s < 0:
        raise ValueError(f"min_spacing_m must be >= 0 metres; got {s}")
    if s == 0 or cand.shape[0] < 2:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = cKDTree(cand).query_pairs(s, output_type="ndarray").astype(np.int64)
    if pairs.size:
        d = np.hypot(*(cand[pairs[:, 0]] - cand[pairs[:, 1]]).T)
        pairs = pairs[d < s]  # query_pairs is inclusive (<= s); the constraint is strict
        pairs = np.sort(pairs, axis=1)
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    return pairs.reshape(-1, 2)
