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
def region_sites(j0, c_indptr, c_indices, p_indptr, p_indices, chosen, max_out, mark, out):
    """Chosen sites whose footprint overlaps that of candidate ``j0`` (``j0`` first if chosen).

    Found through the points of ``N_j0`` and the candidates covering them, so the cost is
    O(|N_j0| x candidates per point). When there are more than ``max_out``, a random subset
    (numba's global generator, seeded by the caller) is kept. ``mark`` (bool, n_candidates, all
    False) and ``out`` (int64, n_candidates) are scratch buffers; ``mark`` is left all False.
    Returns the number of sites written to the front of ``out``.
    """
    n_out = 0
    if chosen[j0]:
        mark[j0] = True
        out[0] = j0
        n_out = 1
    for t in range(c_indptr[j0], c_indptr[j0 + 1]):
        i = c_indices[t]
        for u in range(p_indptr[i], p_indptr[i + 1]):
            s = p_indices[u]
            if chosen[s] and not mark[s]:
                mark[s] = True
                out[n_out] = s
                n_out += 1
    for a in range(n_out):
        mark[out[a]] = False
    if n_out > max_out:
        first = 1 if chosen[j0] else 0
        for a in range(first, max_out):  # partial Fisher-Yates over the others
            b = a + np.random.randint(0, n_out - a)
            out[a], out[b] = out[b], out[a]
        n_out = max_out
    return n_out


@njit(cache=True)
def region2_sites(j0, c_indptr, c_indices, p_indptr, p_indices, chosen, max_out, vis, cmark, ring, out):
    """Up to ``max_out`` chosen sites within two footprint overlaps of ``j0`` (``j0`` first if
    chosen): sites overlapping a candidate that overlaps ``j0``, about four coverage radii. The
    candidates around ``j0`` are visited in random order and the search stops once ``max_out``
    sites are found, so dense town centres cost no more than sparse outskirts. ``vis``, ``cmark``
    (bool, all False) and ``ring`` (int64) are n_candidates scratch buffers."""
    n_ring = 0
    for t in range(c_indptr[j0], c_indptr[j0 + 1]):
        i = c_indices[t]
        for u in range(p_indptr[i], p_indptr[i + 1]):
            k = p_indices[u]
            if not cmark[k]:
                cmark[k] = True
                ring[n_ring] = k
                n_ring += 1
    for r in range(n_ring):
        cmark[ring[r]] = False
    n_out = 0
    if chosen[j0]:
        vis[j0] = True
        out[0] = j0
        n_out = 1
    for r in range(n_ring):
        if n_out >= max_out:
            break
        q = r + np.random.randint(0, n_ring - r)
        ring[r], ring[q] = ring[q], ring[r]
        k = ring[r]
        for t in range(c_indptr[k], c_indptr[k + 1]):
            i = c_indices[t]
            for u in range(p_indptr[i], p_indptr[i + 1]):
                s = p_indices[u]
                if chosen[s] and not vis[s] and n_out < max_out:
                    vis[s] = True
                    out[n_out] = s
                    n_out += 1
    for a in range(n_out):
        vis[out[a]] = False
    return n_out


@njit(cache=True)
def ruin_set(j0, c_indptr, c_indices, p_indptr, p_indices, chosen, size, vis, cmark, out, buf):
    """Ruin step: ``j0`` plus up to ``size - 1`` sites drawn at random among the ``3 * size``
    chosen sites found first within two footprint overlaps of ``j0``."""
    n_out = region2_sites(j0, c_indptr, c_indices, p_indptr, p_indices, chosen, 3 * size, vis, cmark, buf, out)
    if n_out > size:
        for a in range(1, size):  # partial Fisher-Yates, j0 stays first
            b = a + np.random.randint(0, n_out - a)
            out[a], out[b] = out[b], out[a]
        n_out = size
    return n_out


# --------------------------------------------------------------------------------------------
# Local search with an exact gain table: gain0[k] = weight of uncovered points in N_k, kept up to
# date on every add/remove, and a max segment tree over the feasible candidates' gain0 (feasible:
# allowed, not chosen, not blocked by spacing). Both make a swap evaluation O(points j covers
# alone x candidates per point + log n) instead of O(n_candidates).
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _leaf(j, allowed, chosen, blocked, gain0):
    if allowed[j] and not chosen[j] and blocked[j] == 0:
        return gain0[j]
    return -np.inf


@njit(cache=True)
def _tree_set(tv, ti, size, j, val):
    pos = size + j
    tv[pos] = val
    pos //= 2
    while pos >= 1:
        a = 2 * pos
        b = a + 1
        if tv[a] > tv[b] or (tv[a] == tv[b] and ti[a] <= ti[b]):
            tv[pos] = tv[a]
            ti[pos] = ti[a]
        else:
            tv[pos] = tv[b]
            ti[pos] = ti[b]
        pos //= 2


@njit(cache=True)
def _tree_build(tv, ti, size, n, allowed, chosen, blocked, gain0):
    for j in range(size):
        tv[size + j] = _leaf(j, allowed, chosen, blocked, gain0) if j < n else -np.inf
        ti[size + j] = j
    for pos in range(size - 1, 0, -1):
        a = 2 * pos
        b = a + 1
        if tv[a] > tv[b] or (tv[a] == tv[b] and ti[a] <= ti[b]):
            tv[pos] = tv[a]
            ti[pos] = ti[a]
        else:
            tv[pos] = tv[b]
            ti[pos] = ti[b]


@njit(cache=True)
def _ls_add(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size,
            dirty, dflag):
    """Add ``j``; return its gain. Keeps gain0 and the tree exact (one leaf update per changed
    candidate: ``dirty``/``dflag`` are n_candidates scratch buffers, ``dflag`` all False)."""
    chosen[j] = True
    n_d = 1
    dirty[0] = j
    dflag[j] = True
    g = 0.0
    for t in range(c_ip[j], c_ip[j + 1]):
        i = c_ix[t]
        if count[i] == 0:
            g += w[i]
            for u in range(p_ip[i], p_ip[i + 1]):
                k = p_ix[u]
                gain0[k] -= w[i]
                if not dflag[k]:
                    dflag[k] = True
                    dirty[n_d] = k
                    n_d += 1
        count[i] += 1
    for t in range(k_ip[j], k_ip[j + 1]):
        k = k_ix[t]
        blocked[k] += 1
        if not dflag[k]:
            dflag[k] = True
            dirty[n_d] = k
            n_d += 1
    for d in range(n_d):
        k = dirty[d]
        dflag[k] = False
        _tree_set(tv, ti, size, k, _leaf(k, allowed, chosen, blocked, gain0))
    return g


@njit(cache=True)
def _ls_remove(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size,
               dirty, dflag):
    """Remove ``j``; return the covered weight lost."""
    chosen[j] = False
    n_d = 1
    dirty[0] = j
    dflag[j] = True
    g = 0.0
    for t in range(c_ip[j], c_ip[j + 1]):
        i = c_ix[t]
        count[i] -= 1
        if count[i] == 0:
            g += w[i]
            for u in range(p_ip[i], p_ip[i + 1]):
                k = p_ix[u]
                gain0[k] += w[i]
                if not dflag[k]:
                    dflag[k] = True
                    dirty[n_d] = k
                    n_d += 1
    for t in range(k_ip[j], k_ip[j + 1]):
        k = k_ix[t]
        blocked[k] -= 1
        if not dflag[k]:
            dflag[k] = True
            dirty[n_d] = k
            n_d += 1
    for d in range(n_d):
        k = dirty[d]
        dflag[k] = False
        _tree_set(tv, ti, size, k, _leaf(k, allowed, chosen, blocked, gain0))
    return g


@njit(cache=True)
def _best_swap(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti,
               extra, flag, touched, conflict_j):
    """Best replacement ``k`` for chosen ``j``: returns (k or -1, gain(k | S-j) - loss(j | S))."""
    loss = 0.0
    n_t = 0
    for t in range(c_ip[j], c_ip[j + 1]):
        i = c_ix[t]
        if count[i] == 1:
            loss += w[i]
            for u in range(p_ip[i], p_ip[i + 1]):
                k = p_ix[u]
                if k != j:
                    if not flag[k]:
                        flag[k] = True
                        touched[n_t] = k
                        n_t += 1
                    extra[k] += w[i]
    for t in range(k_ip[j], k_ip[j + 1]):
        k = k_ix[t]
        conflict_j[k] = True
        if not flag[k]:
            flag[k] = True
            touched[n_t] = k
            n_t += 1
    best = -1
    best_val = -np.inf
    for t in range(n_t):
        k = touched[t]
        if allowed[k] and not chosen[k]:
            b = blocked[k] - 1 if conflict_j[k] else blocked[k]
            if b == 0:
                val = gain0[k] + extra[k]
                if val > best_val or (val == best_val and k < best):
                    best_val = val
                    best = k
    top = ti[1]
    if tv[1] > -np.inf:
        val = gain0[top] + extra[top]
        if val > best_val or (val == best_val and top < best):
            best_val = val
            best = top
    for t in range(n_t):
        k = touched[t]
        extra[k] = 0.0
        flag[k] = False
        conflict_j[k] = False
    if best < 0:
        return -1, -np.inf
    return best, best_val - loss


@njit(cache=True)
def _pop_site(j, cur, pos_of, m):
    a = pos_of[j]
    m -= 1
    last = cur[m]
    cur[a] = last
    pos_of[last] = a
    pos_of[j] = -1
    return m


@njit(cache=True)
def _push_site(k, cur, pos_of, m):
    cur[m] = k
    pos_of[k] = m
    return m + 1


@njit(cache=True)
def local_search(c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, sites, p,
                 max_passes, n_iter, ruin_size, seed, tol, stop_cov, accept_rel):
    """Fill to ``p`` greedily, Teitz-Bart interchange to a local optimum, then ruin and recreate.

    ``sites`` are the movable chosen sites (forced ones stay chosen and are not in it). The
    interchange applies, for each chosen site in turn, its best swap when it gains more than
    ``tol`` [weight], and repeats passes until none does (at most ``max_passes``). Then
    ``n_iter`` ruin-and-recreate iterations (Schrimpf et al. 2000): remove up to ``ruin_size``
    chosen sites within two footprint overlaps of a random chosen site, refill greedily with the
    removed sites barred, interchange the sites of that region until none improves; the result is kept
    when it covers at least ``best * (1 - accept_rel * (1 - iteration / n_iter))`` (record-to-record
    travel, Dueck 1993), otherwise the iteration is undone move by move. Stops early once the
    covered weight reaches ``stop_cov``. Deterministic for a given ``seed``.

    Returns ``(sites, n_moves, covered_weight)`` of the best solution; ``count``, ``chosen`` and
    ``blocked`` are left in that state.
    """
    n = allowed.size
    np.random.seed(seed)
    gain0 = np.zeros(n, np.float64)
    for k in range(n):
        gain0[k] = gain_of(k, c_ip, c_ix, w, count)
    size = 1
    while size < max(n, 1):
        size *= 2
    tv = np.empty(2 * size, np.float64)
    ti = np.empty(2 * size, np.int64)
    _tree_build(tv, ti, size, n, allowed, chosen, blocked, gain0)
    extra = np.zeros(n, np.float64)
    dirty = np.empty(n, np.int64)
    dflag = np.zeros(n, np.bool_)
    flag = np.zeros(n, np.bool_)
    touched = np.empty(n, np.int64)
    conflict_j = np.zeros(n, np.bool_)

    cur = np.empty(n, np.int64)  # current movable sites
    m = sites.size
    cur[:m] = sites
    pos_of = np.full(n, -1, np.int64)
    for a in range(m):
        pos_of[cur[a]] = a
    covered = covered_weight(w, count)
    n_moves = 0

    # 1. greedy fill to p (gain > 0 only)
    while m < p and tv[1] > 0.0 and covered < stop_cov:
        k = ti[1]
        covered += _ls_add(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
        cur[m] = k
        pos_of[k] = m
        m += 1

    # 2. full interchange passes
    for _ in range(max_passes):
        improved = False
        for a in range(m):
            j = cur[a]
            k, delta = _best_swap(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed,
                                  gain0, tv, ti, extra, flag, touched, conflict_j)
            if k >= 0 and delta > tol:
                covered -= _ls_remove(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
                covered += _ls_add(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
                cur[a] = k
                pos_of[j] = -1
                pos_of[k] = a
                n_moves += 1
                improved = True
        while m < p and tv[1] > 0.0:  # a swap can free room for a site that gains again
            k = ti[1]
            covered += _ls_add(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
            cur[m] = k
            pos_of[k] = m
            m += 1
            improved = True
        if not improved or covered >= stop_cov:
            break

    if n_iter <= 0 or m == 0 or covered >= stop_cov:
        return cur[:m].copy(), n_moves, covered

    # 3. ruin and recreate, record-to-record acceptance, undo log to revert a rejected iteration
    best_cov = covered
    b_cur = cur[:m].copy()
    b_moves = n_moves
    acc_cov = covered
    acc_moves = n_moves
    work = np.empty(n, np.int64)
    in_work = np.zeros(n, np.bool_)
    mark = np.zeros(n, np.bool_)
    vis = np.zeros(n, np.bool_)
    cmark = np.zeros(n, np.bool_)
    ring = np.empty(n, np.int64)
    ruin = np.empty(n, np.int64)
    near = np.empty(n, np.int64)
    log = np.empty(8 * n + 64, np.int64)  # +(k+1): k added, -(j+1): j removed
    for it in range(n_iter):
        if m == 0:
            break
        n_log = 0
        j0 = cur[np.random.randint(0, m)]
        n_ruin = ruin_set(j0, c_ip, c_ix, p_ip, p_ix, chosen, np.random.randint(1, ruin_size + 1), vis, cmark,
                          ruin, ring)
        for r in range(n_ruin):
            j = ruin[r]
            if pos_of[j] < 0:
                continue  # a forced site: never removed
            covered -= _ls_remove(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
            m = _pop_site(j, cur, pos_of, m)
            log[n_log] = -(j + 1)
            n_log += 1
        # bar the ruined sites from the refill, so that it must try another configuration
        n_bar = n_ruin
        for r in range(n_bar):
            j = ruin[r]
            if pos_of[j] < 0 and not chosen[j]:
                allowed[j] = False
                _tree_set(tv, ti, size, j, -np.inf)
        n_work = 0
        while m < p and tv[1] > 0.0:
            k = ti[1]
            covered += _ls_add(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
            m = _push_site(k, cur, pos_of, m)
            log[n_log] = k + 1
            n_log += 1
            if not in_work[k]:
                in_work[k] = True
                work[n_work] = k
                n_work += 1
        for r in range(n_bar):
            j = ruin[r]
            if not allowed[j] and not chosen[j]:
                allowed[j] = True
                _tree_set(tv, ti, size, j, _leaf(j, allowed, chosen, blocked, gain0))
        # local interchange over the region's sites, extended around every swap
        n_near = region_sites(j0, c_ip, c_ix, p_ip, p_ix, chosen, n, mark, near)
        for r in range(n_near):
            s = near[r]
            if pos_of[s] >= 0 and not in_work[s]:
                in_work[s] = True
                work[n_work] = s
                n_work += 1
        h = 0
        while h < n_work and n_log + 2 <= log.size - p - 2:
            j = work[h]
            h += 1
            in_work[j] = False
            if pos_of[j] < 0:
                continue
            k, delta = _best_swap(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed,
                                  gain0, tv, ti, extra, flag, touched, conflict_j)
            if k >= 0 and delta > tol:
                covered -= _ls_remove(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
                covered += _ls_add(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
                m = _pop_site(j, cur, pos_of, m)
                m = _push_site(k, cur, pos_of, m)
                log[n_log] = -(j + 1)
                log[n_log + 1] = k + 1
                n_log += 2
                n_moves += 1
                n_near = region_sites(k, c_ip, c_ix, p_ip, p_ix, chosen, n, mark, near)
                n_near += region_sites(j, c_ip, c_ix, p_ip, p_ix, chosen, n - n_near, mark, near[n_near:])
                for r in range(n_near):
                    s = near[r]
                    if pos_of[s] >= 0 and not in_work[s]:
                        if n_work == work.size:  # compact the queue
                            n_work = 0
                            for q in range(h, work.size):
                                if in_work[work[q]]:
                                    work[n_work] = work[q]
                                    n_work += 1
                            h = 0
                        in_work[s] = True
                        work[n_work] = s
                        n_work += 1
        for q in range(h, n_work):
            in_work[work[q]] = False
        while m < p and tv[1] > 0.0:
            k = ti[1]
            covered += _ls_add(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
            m = _push_site(k, cur, pos_of, m)
            log[n_log] = k + 1
            n_log += 1
        if covered > best_cov + tol:
            best_cov = covered
            b_cur = cur[:m].copy()
            b_moves = n_moves
            if covered >= stop_cov:
                break
        # record-to-record travel (Dueck 1993): accept within a threshold below the record that
        # shrinks linearly to zero over the run
        threshold = accept_rel * best_cov * (1.0 - it / n_iter)
        if covered >= best_cov - threshold - tol:
            acc_cov = covered
            acc_moves = n_moves
        else:  # undo this iteration, newest move first
            for q in range(n_log - 1, -1, -1):
                e = log[q]
                if e > 0:
                    k = e - 1
                    _ls_remove(k, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
                    m = _pop_site(k, cur, pos_of, m)
                else:
                    j = -e - 1
                    _ls_add(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
                    m = _push_site(j, cur, pos_of, m)
            covered = acc_cov
            n_moves = acc_moves
    # leave the state at the best solution
    for a in range(m):
        j = cur[a]
        _ls_remove(j, c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
        pos_of[j] = -1
    for a in range(b_cur.size):
        _ls_add(b_cur[a], c_ip, c_ix, p_ip, p_ix, k_ip, k_ix, w, count, chosen, blocked, allowed, gain0, tv, ti, size, dirty, dflag)
    return b_cur, b_moves, covered_weight(w, count)
