"""GPU path of the coverage engine (numba.cuda): the CPU tile algorithm of
:mod:`rollout5g.core.radio.kernels`, one CUDA thread block per tile.

A batch is a list of tiles, each with its own outer corner [m] and mask, so the streaming engine can
send many chunks in one launch. Per block (= tile), with the block's threads sharing the work:

1. bound every cell over the tile (threads stride over cells; a GPU bounds all cells, it needs no
   spatial bins) and list the cells within ``near_m``;
2. evaluate the listed cells exactly at every pixel (threads stride over pixels); find the floor
   ``min(max(S, N))`` over the tile's masked pixels (atomic min); list every other cell whose bound
   reaches it, evaluate those, and repeat until none is added;
3. histogram the remaining cells' bounds in 0.5 dB bins per carrier (atomic adds) and pick the bin
   count K that leaves out, weighted by carrier overlap, at most ``eps`` of the
   interference-plus-noise floor of every carrier that serves a pixel;
4. evaluate the kept interferers on the mid lattice or at the tile corners (threads stride over
   lattice points) and write RSRP / SINR / server per pixel with log-domain interpolation.

Same physics as the CPU kernels (mechanical tilt by rotation, LOS-probability-weighted power in linear
terms, interference weighted by carrier overlap), computed in float64 with the CUDA libm. It is chosen
at run time when ``numba.cuda`` finds a GPU (``backend="auto"``); without one it is tested in the CUDA
simulator (``NUMBA_ENABLE_CUDASIM=1``) against the CPU kernels on a tiny grid.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .kernels import (
    BIN_DB,
    BOUND_MARGIN_DB,
    FAR_M,
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
    P_CB,
    P_COS,
    P_DBP2,
    P_DH,
    P_EIRP,
    P_ETILT,
    P_KH,
    P_KV,
    P_RMAX2,
    P_SB,
    P_SIN,
    P_SLA,
    TILE,
    lattice_strides,
)

_LN10_OVER_10 = math.log(10.0) / 10.0


@cuda.jit(device=True)
def _gains(d2c, dh, cpt, c, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """(LOS path loss, NLOS path loss, LOS probability) [dB, dB, 0-1] at clamped squared distance d2c."""
    d3sq = d2c + dh * dh
    arg = d2c if use_d2_log else d3sq
    lg = 0.5 * math.log10(arg)
    d3 = math.sqrt(d3sq)
    if d2c <= cpt[P_DBP2, c]:
        los = cpt[P_A1, c] + cpt[P_B1, c] * lg + cpt[P_C1, c] * d3
    else:
        los = cpt[P_A2, c] + cpt[P_B2, c] * lg
    nlos = max(los, cpt[P_A3, c] + cpt[P_B3, c] * lg)
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
    return los, nlos, min(p, 1.0)


@cuda.jit(device=True)
def _pl_eff(d2c, dh, cpt, c, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    los, nlos, p = _gains(d2c, dh, cpt, c, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
    if los_mode == 0:
        return los
    if los_mode == 1:
        return nlos
    return nlos - 10.0 * math.log10((1.0 - p) + p * math.exp((nlos - los) * _LN10_OVER_10))


@cuda.jit(device=True)
def _rx_lin(c, cxl, cyl, px, py, cpt, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """Received power [mW] of cell c (at cxl, cyl relative to the tile corner) at (px, py) [m]."""
    dx = px - cxl
    dy = py - cyl
    d2 = dx * dx + dy * dy
    d2c = max(d2, 100.0)
    dh = cpt[P_DH, c]
    u = dx * cpt[P_SIN, c] + dy * cpt[P_COS, c]
    v = dx * cpt[P_COS, c] - dy * cpt[P_SIN, c]
    sb = cpt[P_SB, c]
    cb = cpt[P_CB, c]
    fwd = u * cb + dh * sb
    down = dh * cb - u * sb
    phi = math.atan2(abs(v), fwd)
    ah = min(cpt[P_KH, c] * phi * phi, cpt[P_AM, c])
    th = math.atan2(down, math.sqrt(fwd * fwd + v * v)) - cpt[P_ETILT, c]
    av = min(cpt[P_KV, c] * th * th, cpt[P_SLA, c])
    att = min(ah + av, cpt[P_AM, c])
    pl = _pl_eff(d2c, dh, cpt, c, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
    if d2 > cpt[P_RMAX2, c]:
        return 0.0
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
    pl = _pl_eff(d2c, dh, cpt, c, bmode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
    s_az = cpt[P_SIN, c]
    c_az = cpt[P_COS, c]
    sb = cpt[P_SB, c]
    cb = cpt[P_CB, c]
    x0 = rx - half
    x1 = rx + half
    y0 = ry - half
    y1 = ry + half
    u_lo = min(x0 * s_az, x1 * s_az) + min(y0 * c_az, y1 * c_az)
    u_hi = max(x0 * s_az, x1 * s_az) + max(y0 * c_az, y1 * c_az)
    v_lo = min(x0 * c_az, x1 * c_az) + min(-y0 * s_az, -y1 * s_az)
    v_hi = max(x0 * c_az, x1 * c_az) + max(-y0 * s_az, -y1 * s_az)
    if v_lo <= 0.0 and v_hi >= 0.0:
        vabs = 0.0
    else:
        vabs = min(abs(v_lo), abs(v_hi))
    fwd_hi = max(u_lo * cb, u_hi * cb) + dh * sb
    if fwd_hi > 0.0:
        phi = math.atan2(vabs, fwd_hi)
    else:
        phi = math.atan2(max(abs(v_lo), abs(v_hi)), fwd_hi)
    if sb == 0.0:
        u = rx * s_az + ry * c_az
        v = rx * c_az - ry * s_az
        phi_c = math.atan2(abs(v), u)
        ratio = half * math.sqrt(2.0) / max(dc, 1e-3)
        phi2 = 0.0 if ratio >= 0.999 else max(phi_c - math.asin(ratio), 0.0)
        phi = max(phi, phi2)
    ah = min(cpt[P_KH, c] * phi * phi, cpt[P_AM, c])
    n1 = dh * cb - u_lo * sb
    n2 = dh * cb - u_hi * sb
    n_lo = min(n1, n2)
    n_hi = max(n1, n2)
    d3min = math.sqrt(dmin2 + dh * dh)
    d3max = math.sqrt(dmax2 + dh * dh)
    s_lo = n_lo / (d3min if n_lo < 0.0 else d3max)
    s_hi = n_hi / (d3max if n_hi < 0.0 else d3min)
    t1 = math.asin(min(max(s_lo, -1.0), 1.0))
    t2 = math.asin(min(max(s_hi, -1.0), 1.0))
    et = cpt[P_ETILT, c]
    off = 0.0
    if et < t1:
        off = t1 - et
    elif et > t2:
        off = et - t2
    av = min(cpt[P_KV, c] * off * off, cpt[P_SLA, c])
    att = min(ah + av, cpt[P_AM, c])
    if dmin2 > cpt[P_RMAX2, c]:
        return -1e30, math.sqrt(dmin2)
    return cpt[P_EIRP, c] - att - pl + BOUND_MARGIN_DB, math.sqrt(dmin2)


@cuda.jit(device=True)
def _interp_at(lat, b, g, n_side, stride, v, u):
    """Log-domain bilinear value of lattice ``lat[b, g]`` at pixel coordinates (row v, column u) / stride."""
    v = v / stride
    u = u / stride
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


@cuda.jit(device=True)
def _interp_weighted(mid, wmat, g, ngroups, b, n_side, stride, ri, ci):
    """As the CPU kernel: the server carrier's weighted lattice ``Σ_h W[g, h] mid[h]`` interpolated in the log
    domain at the centre of pixel (ri, ci)."""
    u = (ci + 0.5) / stride
    v = (ri + 0.5) / stride
    a = min(int(u), n_side - 2)
    bb = min(int(v), n_side - 2)
    fu = u - a
    fv = v - bb
    q = bb * n_side + a
    l00 = 0.0
    l01 = 0.0
    l10 = 0.0
    l11 = 0.0
    for h in range(ngroups):
        w = wmat[g, h]
        l00 += w * mid[b, h, q]
        l01 += w * mid[b, h, q + 1]
        l10 += w * mid[b, h, q + n_side]
        l11 += w * mid[b, h, q + n_side + 1]
    if l00 <= 0.0 and l01 <= 0.0 and l10 <= 0.0 and l11 <= 0.0:
        return 0.0
    val = ((1.0 - fu) * (1.0 - fv) * math.log(max(l00, 1e-300)) + fu * (1.0 - fv) * math.log(max(l01, 1e-300))
           + (1.0 - fu) * fv * math.log(max(l10, 1e-300)) + fu * fv * math.log(max(l11, 1e-300)))
    if val < -690.0:
        return 0.0
    return math.exp(val)


@cuda.jit
def tile_kernel(
    tx0s,
    ty0s,
    T,
    masks,
    res,
    cx,
    cy,
    cpt,
    grp,
    cmap,
    wmat,
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
    use_corners,
    no_rsrp,
    no_sinr,
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
    tx0 = tx0s[b]
    ty0 = ty0s[b]
    n = cx.shape[0]
    npix = T * T
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
                p = _rx_lin(c, cx[c] - tx0, cy[c] - ty0, pxl, pyl, cpt, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2,
                            lp_cp)
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
            if masks[b, i // T, i % T]:
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
    # 3. interference floor per carrier (weighted), histogram of the rest
    for i in range(tid, npix, nt):
        s = best[b, i]
        if masks[b, i // T, i % T] and s >= noise_lin and idx[b, i] >= 0:
            g = grp[idx[b, i]]
            tot = 0.0
            for h in range(ngroups):
                tot += wmat[g, h] * sums[b, h, i]
            cuda.atomic.min(exmin, (b, g), max(tot - s, 0.0))
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
                if exmin[b, g] < math.inf:
                    tot = 0.0
                    for h in range(ngroups):
                        tot += wmat[g, h] * binsum[b, h, k]
                    if tot > eps * (exmin[b, g] + noise_lin):
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
            on_mid = dmin[b, c] < far_m or not use_corners
            if on_mid != (q < nlat):
                continue
            p = _rx_lin(c, cx[c] - tx0, cy[c] - ty0, pxl, pyl, cpt, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2,
                        lp_cp)
            if q < nlat:
                mid[b, grp[c], q] += p
            else:
                far[b, grp[c], q - nlat] += p
            cnt += 1
        cuda.atomic.add(counters, 1, cnt)
    if tid == 0:
        cuda.atomic.add(counters, 0, nlist[b] * npix)
    cuda.syncthreads()
    # the corner lattice brought onto the mid lattice (as the CPU kernel does)
    for q in range(tid, nlat, nt):
        for h in range(ngroups):
            mid[b, h, q] += _interp_at(far, b, h, 2, T, (q // nm) * mid_stride, (q % nm) * mid_stride)
    cuda.syncthreads()
    # 5. outputs
    for i in range(tid, npix, nt):
        ri = i // T
        ci = i % T
        if not masks[b, ri, ci]:
            continue
        s = best[b, i]
        if s >= noise_lin and idx[b, i] >= 0:
            g = grp[idx[b, i]]
            tot = _interp_weighted(mid, wmat, g, ngroups, b, nm, mid_stride, ri, ci)
            for h in range(ngroups):
                tot += wmat[g, h] * sums[b, h, i]
            inter = max(tot - s, 0.0)
            out_rsrp[b, ri, ci] = 10.0 * math.log10(s)
            out_sinr[b, ri, ci] = 10.0 * math.log10(s / (inter + noise_lin))
            out_idx[b, ri, ci] = cmap[idx[b, i]]
        else:
            out_rsrp[b, ri, ci] = no_rsrp
            out_sinr[b, ri, ci] = no_sinr
            out_idx[b, ri, ci] = -1


def _device_layer(layer):
    """The layer's arrays on the device, uploaded once and kept on the layer."""
    dev = getattr(layer, "_gpu_arrays", None)
    if dev is None:
        dev = {
            "cpt": cuda.to_device(np.ascontiguousarray(layer.cp.T.astype(np.float64))),
            "cx": cuda.to_device(layer.cx),
            "cy": cuda.to_device(layer.cy),
            "grp": cuda.to_device(layer.grp),
            "cmap": cuda.to_device(layer.cmap),
            "wmat": cuda.to_device(np.ascontiguousarray(layer.wmat.astype(np.float64))),
        }
        layer._gpu_arrays = dev
    return dev


def run_tile_batch_gpu(layer, tx0, ty0, res, masks, *, tile=TILE, eps=0.05, near_m=NEAR_M, far_m=FAR_M,
                       mid_stride=None, no_rsrp=np.nan, no_sinr=np.nan, batch=None, threads=None):
    """Compute tiles with outer corners ``tx0``, ``ty0`` [m] and masks ``masks`` (k, T, T) on the GPU.

    Returns ``(rsrp, sinr, server, (exact, lattice))`` with arrays (k, T, T): float32 RSRP [dBm] / SINR [dB]
    (NaN outside the masks, ``no_rsrp`` / ``no_sinr`` where no cell is above the noise floor), int32 server
    (the cell's ``layer.cmap`` entry, -1)."""
    k_tiles = len(tx0)
    T = int(tile)
    rs_out = np.full((k_tiles, T, T), np.nan, np.float32)
    si_out = np.full((k_tiles, T, T), np.nan, np.float32)
    ix_out = np.full((k_tiles, T, T), -1, np.int32)
    n = len(layer)
    if n == 0 or k_tiles == 0:
        m = np.asarray(masks, bool)
        rs_out[m] = no_rsrp
        si_out[m] = no_sinr
        return rs_out, si_out, ix_out, (0, 0)
    mid, corners, _ = lattice_strides(res, T)
    mid = int(mid_stride or mid)
    npix = T * T
    nm = T // mid + 1
    ng = layer.ngroups
    threads = threads or min(256, npix)
    if batch is None:
        # keep the per-block scratch (bounds, states, lists) to about 1 GiB
        batch = int(max(1, min(k_tiles, 2**30 // max(1, n * 21 + npix * (12 + 8 * ng)))))
    dev = _device_layer(layer)
    counters = cuda.to_device(np.zeros(2, np.int64))
    nb_ = min(batch, k_tiles)
    ub = cuda.device_array((nb_, n), np.float64)
    dmin = cuda.device_array((nb_, n), np.float64)
    state = cuda.device_array((nb_, n), np.int8)
    lists = cuda.device_array((nb_, n), np.int32)
    nlist = cuda.device_array(nb_, np.int32)
    best = cuda.device_array((nb_, npix), np.float64)
    idx = cuda.device_array((nb_, npix), np.int32)
    sums = cuda.device_array((nb_, ng, npix), np.float64)
    mid_l = cuda.device_array((nb_, ng, nm * nm), np.float64)
    far_l = cuda.device_array((nb_, ng, 4), np.float64)
    binsum = cuda.device_array((nb_, ng, NBINS + 2), np.float64)
    fscal = cuda.device_array((nb_, 4), np.float64)
    exmin = cuda.device_array((nb_, ng), np.float64)
    kind, d1, d2, cp_ = layer.lp
    masks = np.ascontiguousarray(masks, dtype=np.bool_)
    for a in range(0, k_tiles, nb_):
        e = min(k_tiles, a + nb_)
        k = e - a
        d_rs = cuda.to_device(np.full((k, T, T), np.nan))
        d_si = cuda.to_device(np.full((k, T, T), np.nan))
        d_ix = cuda.to_device(np.full((k, T, T), -1, np.int32))
        tile_kernel[k, threads](
            cuda.to_device(np.ascontiguousarray(tx0[a:e], dtype=np.float64)),
            cuda.to_device(np.ascontiguousarray(ty0[a:e], dtype=np.float64)),
            T, cuda.to_device(masks[a:e]), float(res), dev["cx"], dev["cy"], dev["cpt"], dev["grp"], dev["cmap"],
            dev["wmat"], ng, float(layer.noise_lin), float(eps), layer.los_mode, bool(layer.use_d2_log), int(kind),
            float(d1), float(d2), float(cp_), float(near_m), float(far_m), mid, bool(corners), float(no_rsrp),
            float(no_sinr), ub, dmin, state, lists, nlist, best, idx, sums, mid_l, far_l, binsum, fscal, exmin, d_rs,
            d_si, d_ix, counters,
        )
        rs_out[a:e] = d_rs.copy_to_host().astype(np.float32)
        si_out[a:e] = d_si.copy_to_host().astype(np.float32)
        ix_out[a:e] = d_ix.copy_to_host()
    ev = counters.copy_to_host()
    return rs_out, si_out, ix_out, (int(ev[0]), int(ev[1]))


def run_tiles_gpu(layer, mask, x_left, y_top, res, tiles, out_rsrp, out_sinr, out_idx, *, tile=TILE, eps=0.05,
                  near_m=NEAR_M, far_m=FAR_M, mid_stride=None, batch=None, threads=None, progress=None):
    """The in-memory raster on the GPU: ``tiles`` (row, column corners) of ``mask``; outputs are filled in
    place (same contract as :func:`rollout5g.core.radio.kernels.run_tiles`). Returns (exact, lattice)."""
    if len(layer) == 0 or len(tiles) == 0:
        return 0, 0
    H, W = mask.shape
    T = int(tile)
    tiles = np.asarray(tiles)
    tm = np.zeros((len(tiles), T, T), bool)
    for k, (r0, c0) in enumerate(tiles):
        h, w = min(T, H - r0), min(T, W - c0)
        tm[k, :h, :w] = mask[r0 : r0 + h, c0 : c0 + w]
    tx0 = x_left + tiles[:, 1] * res
    ty0 = y_top - tiles[:, 0] * res
    rs, si, ix, ev = run_tile_batch_gpu(layer, tx0, ty0, res, tm, tile=T, eps=eps, near_m=near_m, far_m=far_m,
                                        mid_stride=mid_stride, batch=batch, threads=threads)
    for k, (r0, c0) in enumerate(tiles):
        h, w = min(T, H - r0), min(T, W - c0)
        sub = tm[k, :h, :w]
        out_rsrp[r0 : r0 + h, c0 : c0 + w][sub] = rs[k, :h, :w][sub]
        out_sinr[r0 : r0 + h, c0 : c0 + w][sub] = si[k, :h, :w][sub]
        out_idx[r0 : r0 + h, c0 : c0 + w][sub] = ix[k, :h, :w][sub]
    if progress:
        progress(len(tiles), len(tiles))
    return ev
