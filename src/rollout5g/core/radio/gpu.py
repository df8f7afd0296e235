"""GPU path of the coverage engine (numba.cuda): the CPU tile algorithm of
:mod:`rollout5g.core.radio.kernels`, one CUDA thread block per tile.

Per block (= tile), with the block's threads sharing the work:

1. bound every cell over the tile (threads stride over cells) and list the cells within ``near_m``;
2. evaluate the listed cells exactly at every pixel (threads stride over pixels); find the floor
   ``min(max(S, N))`` over the tile's masked pixels (atomic min); list every other cell whose bound
   reaches it, evaluate those, and repeat until none is added;
3. histogram the remaining cells' bounds in 0.5 dB bins per band (atomic adds) and pick the bin
   count K that leaves out at most ``eps`` of the interference-plus-noise floor;
4. evaluate the kept interferers on the mid lattice or at the tile corners (threads stride over
   lattice points) and write RSRP / SINR / server per pixel with log-domain interpolation.

It computes in float64 with the CUDA libm. It is chosen at run time when ``numba.cuda`` finds a
GPU (``backend="auto"``); without one it is tested in the CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``) against the CPU kernels on a tiny grid.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .kernels import (
    BIN_DB,
    BOUND_MARGIN_DB,
    FAR_M,
    MID_STRIDE,
    NBINS,
    NEAR_M,
    P_A1,
    P_A2,
    P_A3,
    P_AM,
    P_B1,
    P_B2,
    P_B3,
    P_C1,
    P_COS,
    P_DBP2,
    P_DH,
    P_EIRP,
    P_KH,
    P_KV,
    P_SIN,
    P_SLA,
    P_TILT,
    TILE,
)

_LN10_OVER_10 = math.log(10.0) / 10.0


@cuda.jit(device=True)
def _pl(d2c, d3sq, cpt, c, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    arg = d2c if use_d2_log else d3sq
    lg = 0.5 * math.log10(arg)
    d3 = math.sqrt(d3sq)
    if d2c <= cpt[P_DBP2, c]:
        los = cpt[P_A1, c] + cpt[P_B1, c] * lg + cpt[P_C1, c] * d3
    else:
        los = cpt[P_A2, c] + cpt[P_B2, c] * lg
    if los_mode == 0:
        return los
    nlos = max(los, cpt[P_A3, c] + cpt[P_B3, c] * lg)
    if los_mode == 1:
        return nlos
    d = math.sqrt(d2c)
    if lp_kind == 0:
        if d <= lp_d1:
            p = 1.0
        else:
            p = lp_d1 / d + math.exp(-d / lp_d2) * (1.0 - lp_d1 / d)
            if lp_cp > 0:
                dd = d / 100.0
                p = p * (1.0 + lp_cp * 1.25 * dd * dd * dd * math.exp(-d / 150.0))
    elif lp_kind == 1:
        p = 1.0 if d <= lp_d1 else math.exp(-(d - lp_d1) / lp_d2)
    else:
        p = 0.0
    p = min(p, 1.0)
    return p * los + (1.0 - p) * nlos


@cuda.jit(device=True)
def _rx_lin(c, cxl, cyl, px, py, cpt, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """Received power [mW] of cell c (at cxl, cyl relative to the tile corner) at (px, py) [m]."""
    dx = px - cxl
    dy = py - cyl
    d2 = dx * dx + dy * dy
    d2c = max(d2, 100.0)
    dh = cpt[P_DH, c]
    pl = _pl(d2c, d2c + dh * dh, cpt, c, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
    u = dx * cpt[P_SIN, c] + dy * cpt[P_COS, c]
    v = dx * cpt[P_COS, c] - dy * cpt[P_SIN, c]
    phi = math.atan2(abs(v), u)
    ah = min(cpt[P_KH, c] * phi * phi, cpt[P_AM, c])
    th = math.atan2(dh, math.sqrt(d2)) - cpt[P_TILT, c]
    av = min(cpt[P_KV, c] * th * th, cpt[P_SLA, c])
    att = min(ah + av, cpt[P_AM, c])
    return math.exp((cpt[P_EIRP, c] - att - pl) * _LN10_OVER_10)


@cuda.jit(device=True)
def _bound(c, cx, cy, cpt, tx0, ty0, size, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """(upper bound [dBm] over the tile, shortest distance [m]) as kernels.tile_bounds."""
    half = size / 2.0
    rx = tx0 + half - cx[c]
    ry = ty0 - half - cy[c]
    ex = abs(rx)
    ey = abs(ry)
    qx = max(ex - half, 0.0)
    qy = max(ey - half, 0.0)
    dmin2 = qx * qx + qy * qy
    fx = ex + half
    fy = ey + half
    dmax2 = fx * fx + fy * fy
    dc = math.sqrt(ex * ex + ey * ey)
    dh = cpt[P_DH, c]
    d2c = max(dmin2, 100.0)
    bmode = los_mode if lp_cp == 0 else 0
    pl = _pl(d2c, d2c + dh * dh, cpt, c, bmode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
    u = rx * cpt[P_SIN, c] + ry * cpt[P_COS, c]
    v = rx * cpt[P_COS, c] - ry * cpt[P_SIN, c]
    phi_c = math.atan2(abs(v), u)
    ratio = half * math.sqrt(2.0) / max(dc, 1e-3)
    if ratio >= 0.999:
        phi = 0.0
    else:
        phi = max(phi_c - math.asin(ratio), 0.0)
    ah = min(cpt[P_KH, c] * phi * phi, cpt[P_AM, c])
    t1 = math.atan2(dh, math.sqrt(dmin2))
    t2 = math.atan2(dh, math.sqrt(dmax2))
    lo = min(t1, t2)
    hi = max(t1, t2)
    tilt = cpt[P_TILT, c]
    off = 0.0
    if tilt < lo:
        off = lo - tilt
    elif tilt > hi:
        off = tilt - hi
    av = min(cpt[P_KV, c] * off * off, cpt[P_SLA, c])
    att = min(ah + av, cpt[P_AM, c])
    return cpt[P_EIRP, c] - att - pl + BOUND_MARGIN_DB, math.sqrt(dmin2)


@cuda.jit(device=True)
def _interp(lat, b, g, n_side, stride, ri, ci):
    u = (ci + 0.5) / stride
    v = (ri + 0.5) / stride
    a = min(int(u), n_side - 2)
    bb = min(int(v), n_side - 2)
    fu = u - a
    fv = v - bb
    q = bb * n_side + a
    l00 = math.log(max(lat[b, g, q], 1e-300))
    l01 = math.log(max(lat[b, g, q + 1], 1e-300))
    l10 = math.log(max(lat[b, g, q + n_side], 1e-300))
    l11 = math.log(max(lat[b, g, q + n_side + 1], 1e-300))
    val = (1.0 - fu) * (1.0 - fv) * l00 + fu * (1.0 - fv) * l01 + (1.0 - fu) * fv * l10 + fu * fv * l11
    if val < -690.0:
        return 0.0
    return math.exp(val)


@cuda.jit
def tile_kernel(
    tiles,
    T,
    mask,
    x_left,
    y_top,
    res,
    cx,
    cy,
    cpt,
    grp,
    cmap,
    ngroups,
    noise_lin,
    eps,
    los_mode,
    use_d2_log,
    lp_kind,
    lp_d1,
    lp_d2,
    lp_cp,
    near_m,
    far_m,
    mid_stride,
    ub,
    dmin,
    state,
    lists,
    nlist,
    best,
    idx,
    sums,
    mid,
    far,
    binsum,
    fscal,
    exmin,
    out_rsrp,
    out_sinr,
    out_idx,
    counters,
):
    b = cuda.blockIdx.x
    tid = cuda.threadIdx.x
    nt = cuda.blockDim.x
    r0 = tiles[b, 0]
    c0 = tiles[b, 1]
    tx0 = x_left + c0 * res
    ty0 = y_top - r0 * res
    n = cx.shape[0]
    npix = T * T
    H = mask.shape[0]
    W = mask.shape[1]
    nm = T // mid_stride + 1
    nlat = nm * nm
    for i in range(tid, npix, nt):
        best[b, i] = 0.0
        idx[b, i] = -1
        for g in range(ngroups):
            sums[b, g, i] = 0.0
    for q in range(tid, nlat, nt):
        for g in range(ngroups):
            mid[b, g, q] = 0.0
    for q in range(tid, 4, nt):
        for g in range(ngroups):
            far[b, g, q] = 0.0
    for k in range(tid, NBINS + 2, nt):
        for g in range(ngroups):
            binsum[b, g, k] = 0.0
    if tid == 0:
        nlist[b] = 0
        fscal[b, 0] = math.inf
        fscal[b, 1] = -math.inf
        for g in range(ngroups):
            exmin[b, g] = math.inf
    cuda.syncthreads()
    # 1. bounds; near cells listed
    for c in range(tid, n, nt):
        u, dm = _bound(c, cx, cy, cpt, tx0, ty0, T * res, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
        ub[b, c] = u
        dmin[b, c] = dm
        if dm < near_m:
            state[b, c] = 1
            pos = cuda.atomic.add(nlist, b, 1)
            lists[b, pos] = c
        else:
            state[b, c] = 0
    cuda.syncthreads()
    # 2. exact evaluation and promotion rounds
    start = 0
    while True:
        end = nlist[b]
        for i in range(tid, npix, nt):
            pxl = (i % T + 0.5) * res
            pyl = -(i // T + 0.5) * res
            bst = best[b, i]
            bi = idx[b, i]
            for j in range(start, end):
                c = lists[b, j]
                p = _rx_lin(
                    c,
                    cx[c] - tx0,
                    cy[c] - ty0,
                    pxl,
                    pyl,
                    cpt,
                    los_mode,
                    use_d2_log,
                    lp_kind,
                    lp_d1,
                    lp_d2,
                    lp_cp,
                )
                sums[b, grp[c], i] += p
                if p > bst:
                    bst = p
                    bi = c
            best[b, i] = bst
            idx[b, i] = bi
        start = end
        if tid == 0:
            fscal[b, 0] = math.inf
        cuda.syncthreads()
        for i in range(tid, npix, nt):
            rr = r0 + i // T
            cc = c0 + i % T
            if rr < H and cc < W and mask[rr, cc]:
                cuda.atomic.min(fscal, (b, 0), max(best[b, i], noise_lin))
        cuda.syncthreads()
        fl = fscal[b, 0]
        if fl == math.inf:
            break
        fl_db = 10.0 * math.log10(fl)
        for c in range(tid, n, nt):
            if state[b, c] == 0 and ub[b, c] >= fl_db:
                state[b, c] = 1
                pos = cuda.atomic.add(nlist, b, 1)
                lists[b, pos] = c
        cuda.syncthreads()
        added = nlist[b] - start
        cuda.syncthreads()
        if added == 0:
            break
    # 3. interference floor per band, histogram of the rest
    for i in range(tid, npix, nt):
        rr = r0 + i // T
        cc = c0 + i % T
        s = best[b, i]
        if rr < H and cc < W and mask[rr, cc] and s >= noise_lin and idx[b, i] >= 0:
            g = grp[idx[b, i]]
            cuda.atomic.min(exmin, (b, g), max(sums[b, g, i] - s, 0.0))
    for c in range(tid, n, nt):
        if state[b, c] == 0:
            cuda.atomic.max(fscal, (b, 1), ub[b, c])
    cuda.syncthreads()
    top = fscal[b, 1]
    top = math.ceil(top / BIN_DB) * BIN_DB if top > -1e30 else 0.0
    for c in range(tid, n, nt):
        if state[b, c] == 0:
            k = int((top - ub[b, c]) / BIN_DB)
            k = min(max(k, 0), NBINS)
            cuda.atomic.add(binsum, (b, grp[c], k), math.exp(ub[b, c] * _LN10_OVER_10))
    cuda.syncthreads()
    if tid == 0:
        for g in range(ngroups):
            acc = 0.0
            for k in range(NBINS, -1, -1):
                acc += binsum[b, g, k]
                binsum[b, g, k] = acc
        kend = NBINS + 1
        for k in range(NBINS + 1):
            ok = True
            for g in range(ngroups):
                if exmin[b, g] < math.inf and binsum[b, g, k] > eps * (exmin[b, g] + noise_lin):
                    ok = False
            if ok:
                kend = k
                break
        fscal[b, 2] = kend
    cuda.syncthreads()
    kend = int(fscal[b, 2])
    # 4. lattices
    for q in range(tid, nlat + 4, nt):
        if q < nlat:
            pxl = (q % nm) * mid_stride * res
            pyl = -(q // nm) * mid_stride * res
        else:
            pxl = ((q - nlat) % 2) * T * res
            pyl = -((q - nlat) // 2) * T * res
        cnt = 0
        for c in range(n):
            if state[b, c] != 0:
                continue
            k = int((top - ub[b, c]) / BIN_DB)
            k = min(max(k, 0), NBINS)
            if k >= kend:
                continue
            if (dmin[b, c] < far_m) != (q < nlat):
                continue
            p = _rx_lin(
                c, cx[c] - tx0, cy[c] - ty0, pxl, pyl, cpt, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp
            )
            if q < nlat:
                mid[b, grp[c], q] += p
            else:
                far[b, grp[c], q - nlat] += p
            cnt += 1
        cuda.atomic.add(counters, 1, cnt)
    if tid == 0:
        cuda.atomic.add(counters, 0, nlist[b] * npix)
    cuda.syncthreads()
    # 5. outputs
    for i in range(tid, npix, nt):
        ri = i // T
        ci = i % T
        rr = r0 + ri
        cc = c0 + ci
        if rr >= H or cc >= W or not mask[rr, cc]:
            continue
        s = best[b, i]
        if s >= noise_lin and idx[b, i] >= 0:
            g = grp[idx[b, i]]
            inter = max(sums[b, g, i] - s, 0.0)
            inter += _interp(mid, b, g, nm, mid_stride, ri, ci) + _interp(far, b, g, 2, T, ri, ci)
            out_rsrp[rr, cc] = 10.0 * math.log10(s)
            out_sinr[rr, cc] = 10.0 * math.log10(s / (inter + noise_lin))
            out_idx[rr, cc] = cmap[idx[b, i]]
        else:
            out_rsrp[rr, cc] = math.nan
            out_sinr[rr, cc] = math.nan
            out_idx[rr, cc] = -1


def run_tiles_gpu(
    layer,
    mask,
    x_left,
    y_top,
    res,
    tiles,
    out_rsrp,
    out_sinr,
    out_idx,
    *,
    tile=TILE,
    eps=0.05,
    near_m=NEAR_M,
    far_m=FAR_M,
    mid_stride=MID_STRIDE,
    batch=None,
    threads=None,
    progress=None,
):
    """Run :func:`tile_kernel` over ``tiles`` in batches; same contract as kernels.run_tiles.

    Outputs (host arrays) are filled in place; returns (exact evaluations, lattice evaluations)."""
    n = len(layer)
    if n == 0 or len(tiles) == 0:
        return 0, 0
    npix = tile * tile
    nm = tile // mid_stride + 1
    ng = layer.ngroups
    threads = threads or min(256, npix)
    if batch is None:
        # keep the per-block scratch (bounds, states, lists) to about 1 GiB
        batch = int(max(1, min(len(tiles), 2**30 // max(1, n * 13 + npix * (8 + 8 * ng)))))
    cpt = cuda.to_device(np.ascontiguousarray(layer.cp.T.astype(np.float64)))
    d_cx = cuda.to_device(layer.cx)
    d_cy = cuda.to_device(layer.cy)
    d_grp = cuda.to_device(layer.grp)
    d_cmap = cuda.to_device(layer.cmap)
    d_mask = cuda.to_device(np.ascontiguousarray(mask, dtype=np.bool_))
    H, W = mask.shape
    d_rsrp = cuda.to_device(np.full((H, W), np.nan))
    d_sinr = cuda.to_device(np.full((H, W), np.nan))
    d_idx = cuda.to_device(np.full((H, W), -1, np.int32))
    counters = cuda.to_device(np.zeros(2, np.int64))
    nb_ = min(batch, len(tiles))
    ub = cuda.device_array((nb_, n), np.float64)
    dmin = cuda.device_array((nb_, n), np.float64)
    state = cuda.device_array((nb_, n), np.int8)
    lists = cuda.device_array((nb_, n), np.int32)
    nlist = cuda.device_array(nb_, np.int32)
    best = cuda.device_array((nb_, npix), np.float64)
    idx = cuda.device_array((nb_, npix), np.int32)
    sums = cuda.device_array((nb_, ng, npix), np.float64)
    mid = cuda.device_array((nb_, ng, nm * nm), np.float64)
    far = cuda.device_array((nb_, ng, 4), np.float64)
    binsum = cuda.device_array((nb_, ng, NBINS + 2), np.float64)
    fscal = cuda.device_array((nb_, 4), np.float64)
    exmin = cuda.device_array((nb_, ng), np.float64)
    kind, d1, d2, cp_ = layer.lp
    done = 0
    for a in range(0, len(tiles), nb_):
        part = np.ascontiguousarray(tiles[a : a + nb_])
        tile_kernel[len(part), threads](
            cuda.to_device(part),
            tile,
            d_mask,
            float(x_left),
            float(y_top),
            float(res),
            d_cx,
            d_cy,
            cpt,
            d_grp,
            d_cmap,
            ng,
            float(layer.noise_lin),
            float(eps),
            layer.los_mode,
            bool(layer.use_d2_log),
            int(kind),
            float(d1),
            float(d2),
            float(cp_),
            float(near_m),
            float(far_m),
            int(mid_stride),
            ub,
            dmin,
            state,
            lists,
            nlist,
            best,
            idx,
            sums,
            mid,
            far,
            binsum,
            fscal,
            exmin,
            d_rsrp,
            d_sinr,
            d_idx,
            counters,
        )
        done += len(part)
        if progress:
            cuda.synchronize()
            progress(done, len(tiles))
    rs = d_rsrp.copy_to_host()
    si = d_sinr.copy_to_host()
    ix = d_idx.copy_to_host()
    sel = np.asarray(mask, dtype=bool)
    out_rsrp[sel] = rs[sel].astype(np.float32)
    out_sinr[sel] = si[sel].astype(np.float32)
    out_idx[sel] = ix[sel]
    ev = counters.copy_to_host()
    return int(ev[0]), int(ev[1])
