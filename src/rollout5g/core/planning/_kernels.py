"""Compiled inner loops of the covering heuristics (numba when present, plain Python otherwise).

All kernels work on the same mutable state, so the bookkeeping stays incremental:

``count[i]``
    number of chosen candidates covering demand point ``i`` [-];
``chosen[j]``
    whether candidate ``j`` is in the current solution;
``blocked[j]``
    number of chosen candidates that are closer than the minimum spacing to ``j`` [-]
    (``j`` may be added only while ``blocked[j] == 0``).

Sparse relations are CSR pairs ``(indptr, indices)``: ``c_*`` candidate -> covered points,
``p_*`` point -> covering candidates (the transpose), ``k_*`` candidate -> conflicting candidates
(symmetric). Every array index is int64, weights float64.
"""

from __future__ import annotations

import numpy as np

try:  # numba is a declared dependency; the fallback keeps the module importable without it
    from numba import njit
except ImportError:  # pragma: no cover - exercised only where numba is missing

    def njit(*args, **kwargs):
        if args and callable(args[0]):
            return args[0]
        return lambda f: f


@njit(cache=True)
def gain_of(j, c_indptr, c_indices, w, count):
    """Weight of the points candidate ``j`` covers that nothing chosen covers yet."""
    g = 0.0
    for t in range(c_indptr[j], c_indptr[j + 1]):
        i = c_indices[t]
        if count[i] == 0:
            g += w[i]
    return g


@njit(cache=True)
def loss_of(j, c_indptr, c_indices, w, count):
    """Weight that becomes uncovered when chosen candidate ``j`` is removed."""
    g = 0.0
    for t in range(c_indptr[j], c_indptr[j + 1]):
        i = c_indices[t]
        if count[i] == 1:
            g += w[i]
    return g


@njit(cache=True)
def add_site(j, c_indptr, c_indices, k_indptr, k_indices, count, chosen, blocked):
    chosen[j] = True
    for t in range(c_indptr[j], c_indptr[j + 1]):
        count[c_indices[t]] += 1
    for t in range(k_indptr[j], k_indptr[j + 1]):
        blocked[k_indices[t]] += 1


@njit(cache=True)
def remove_site(j, c_indptr, c_indices, k_indptr, k_indices, count, chosen, blocked):
    chosen[j] = False
    for t in range(c_indptr[j], c_indptr[j + 1]):
        count[c_indices[t]] -= 1
    for t in range(k_indptr[j], k_indptr[j + 1]):
        blocked[k_indices[t]] -= 1


@njit(cache=True)
def covered_weight(w, count):
    s = 0.0
    for i in range(w.size):
        if count[i] > 0:
            s += w[i]
    return s


@njit(cache=True)
def _better(key, idx, a, b):
    """Heap order: larger key first, ties to the smaller candidate index (deterministic)."""
    return key[a] > key[b] or (key[a] == key[b] and idx[a] < idx[b])


@njit(cache=True)
def _sift_down(key, idx, stamp, pos, size):
    while True:
        left = 2 * pos + 1
        if left >= size:
            return
        best = left
        right = left + 1
        if right < size and _better(key, idx, right, left):
            best = right
        if _better(key, idx, best, pos):
            key[pos], key[best] = key[best], key[pos]
            idx[pos], idx[best] = idx[best], idx[pos]
            stamp[pos], stamp[best] = stamp[best], stamp[pos]
            pos = best
        else:
            return


@njit(cache=True)
def lazy_greedy(
    c_indptr, c_indices, k_indptr, k_indices, w, count, chosen, blocked, allowed, max_add, need, stop_at_zero
):
    """CELF lazy greedy (Minoux 1978; Leskovec et al. 2007) from the current state.

    Adds at most ``max_add`` candidates among ``allowed`` (not chosen, not blocked), each time the
    one with the largest marginal covered weight, until ``max_add`` sites are added, the covered
    weight gained in this call reaches ``need``, or (``stop_at_zero``) the best gain is zero.
    Stale heap keys are upper bounds of the true gains because the objective is submodular, so a
    key that is fresh at the top of the heap is the exact maximum.

    Returns ``(order, gains)``: the candidates added, in order, and their marginal gains.
    """
    n = allowed.size
    key = np.empty(n, np.float64)
    idx = np.empty(n, np.int64)
    stamp = np.empty(n, np.int64)
    size = 0
    for j in range(n):
        if allowed[j] and not chosen[j] and blocked[j] == 0:
            key[size] = gain_of(j, c_indptr, c_indices, w, count)
            idx[size] = j
            stamp[size] = 0
            size += 1
    for pos in range(size // 2 - 1, -1, -1):
        _sift_down(key, idx, stamp, pos, size)

    order = np.empty(min(max_add, size), np.int64)
    gains = np.empty(min(max_add, size), np.float64)
    n_added = 0
    gained = 0.0
    while n_added < max_add and size > 0 and gained < need:
        j = idx[0]
        if chosen[j] or blocked[j] > 0:  # became infeasible: drop it for good
            size -= 1
            key[0] = key[size]
            idx[0] = idx[size]
            stamp[0] = stamp[size]
            _sift_down(key, idx, stamp, 0, size)
            continue
        if stamp[0] != n_added:  # stale upper bound: re-evaluate and re-sift
            key[0] = gain_of(j, c_indptr, c_indices, w, count)
            stamp[0] = n_added
            _sift_down(key, idx, stamp, 0, size)
            continue
        g = key[0]
        if stop_at_zero and g <= 0.0:
            break
        size -= 1
        key[0] = key[size]
        idx[0] = idx[size]
        stamp[0] = stamp[size]
        _sift_down(key, idx, stamp, 0, size)
        add_site(j, c_indptr, c_indices, k_indptr, k_indices, count, chosen, blocked)
        order[n_added] = j
        gains[n_added] = g
        gained += g
        n_added += 1
    return order[:n_added], gains[:n_added]


@njit(cache=True)
def interchange(
    c_indptr, c_indices, p_indptr, p_indices, k_indptr, k_indices, w, count, chosen, blocked, allowed,
    sites, max_passes, tol,
):
    """Teitz & Bart (1968) vertex substitution, best swap per chosen site, until no swap gains.

    ``sites`` holds the movable chosen candidates (forced ones are not in it); it is updated in
    place. For a chosen site ``j`` and an outside candidate ``k`` the swap delta is

        gain(k | S \\ {j}) - loss(j | S) = gain0[k] + extra_j[k] - loss[j]

    where ``gain0[k]`` (weight of uncovered points in N_k) is kept up to date as counts change,
    and ``extra_j[k]`` (weight of points covered only by ``j`` that ``k`` also covers) is built from
    ``j``'s uniquely covered points only, so one pass costs O(nnz + |sites| * n_candidates).
    A swap is applied when it gains more than ``tol``; the spacing constraint is checked against
    ``S \\ {j}``. Returns the number of swaps made.
    """
    n = allowed.size
    gain0 = np.zeros(n, np.float64)
    for k in range(n):
        gain0[k] = gain_of(k, c_indptr, c_indices, w, count)
    extra = np.zeros(n, np.float64)
    touched_flag = np.zeros(n, np.bool_)
    touched = np.empty(n, np.int64)
    conflict_j = np.zeros(n, np.bool_)
    n_swaps = 0
    for _ in range(max_passes):
        improved = False
        for pos in range(sites.size):
            j = sites[pos]
            loss = 0.0
            n_touched = 0
            for t in range(c_indptr[j], c_indptr[j + 1]):
                i = c_indices[t]
                if count[i] == 1:
                    loss += w[i]
                    for u in range(p_indptr[i], p_indptr[i + 1]):
                        k = p_indices[u]
                        if k != j:
                            if not touched_flag[k]:
                                touched_flag[k] = True
                                touched[n_touched] = k
                                n_touched += 1
                            extra[k] += w[i]
            for t in range(k_indptr[j], k_indptr[j + 1]):
                conflict_j[k_indices[t]] = True
            best = -1
            best_val = loss + tol
            for k in range(n):
                if not allowed[k] or chosen[k]:
                    continue
                b = blocked[k] - 1 if conflict_j[k] else blocked[k]
                if b > 0:
                    continue
                val = gain0[k] + extra[k]
                if val > best_val:
                    best_val = val
                    best = k
            for t in range(n_touched):
                k = touched[t]
                extra[k] = 0.0
                touched_flag[k] = False
            for t in range(k_indptr[j], k_indptr[j + 1]):
                conflict_j[k_indices[t]] = False
            if best < 0:
                continue
            # apply the swap j -> best, keeping gain0 exact for every candidate
            for t in range(c_indptr[j], c_indptr[j + 1]):
                i = c_indices[t]
                count[i] -= 1
                if count[i] == 0:
                    for u in range(p_indptr[i], p_indptr[i + 1]):
                        gain0[p_indices[u]] += w[i]
            for t in range(c_indptr[best], c_indptr[best + 1]):
                i = c_indices[t]
                if count[i] == 0:
                    for u in range(p_indptr[i], p_indptr[i + 1]):
                        gain0[p_indices[u]] -= w[i]
                count[i] += 1
            chosen[j] = False
            chosen[best] = True
            for t in range(k_indptr[j], k_indptr[j + 1]):
                blocked[k_indices[t]] -= 1
            for t in range(k_indptr[best], k_indptr[best + 1]):
                blocked[k_indices[t]] += 1
            sites[pos] = best
            n_swaps += 1
            improved = True
        if not improved:
            break
    return n_swaps
