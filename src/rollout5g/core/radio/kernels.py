"""numba CPU kernels of the coverage engine: tiles of pixels, cells streamed against them, culled by
received power with bounds that keep the result at the brute force's accuracy.

The raster is cut into square tiles (64 x 64 pixels, 1.28 km at 20 m). For each tile the kernel

1. bounds, for every cell, the highest power it can deliver anywhere in the tile::

       U_c = EIRP_c - A_min(c, tile) - PL_c(d_min(c, tile)) + margin          [dBm]

   ``EIRP_c`` = RS power per RE + peak gain, ``d_min`` the shortest horizontal distance from the
   cell to the tile, ``PL_c`` the cell's path loss (non-decreasing in distance for every model and
   LOS mode: tested), ``A_min`` the smallest antenna attenuation over the tile (azimuth offset to
   the tile centre less the half-angle the tile subtends; depression angles over the tile's
   distance range), ``margin`` 0.5 dB for float32 and polynomial errors;
2. evaluates exactly, at every pixel, the cells within ``NEAR_M`` (500 m) of the tile, then every
   other cell whose bound reaches ``min over the tile's pixels of max(S, N)`` (S the best server so
   far, N the noise floor), repeating until none is added. A cell left out is below every pixel's
   best server (or below the noise floor where there is none), so the best server, its RSRP and the
   nodata pixels are exactly those of the brute force;
3. treats the remaining cells as interferers only: sorted by bound into 0.5 dB bins (counting sort),
   the strongest bins are kept until the bounds of the rest sum, per band, to at most ``eps`` (5 %)
   of the smallest interference-plus-noise the exact cells give at a pixel that band serves: what
   is dropped changes no SINR by more than 10 log10(1 + eps) = 0.21 dB. Culling is by received
   power, not distance: a dense cluster of distant cells is kept as long as its sum matters;
4. evaluates the kept interferers on a lattice (every ``MID_STRIDE`` = 8 pixels, 9 x 9 points) when
   nearer than ``FAR_M`` (8 km), else at the tile's four corners, and interpolates their summed
   power per band bilinearly in dB to each pixel. They are at least 500 m away, so their field is
   smooth over 160 m: the interpolation error is a few hundredths of a dB on the SINR.

Per-pixel work is float32 with polynomial ``log2`` / ``exp2`` / ``atan2`` (errors < 2e-7 relative,
< 2e-7 rad) written so that LLVM vectorises it (numba has no vector libm here).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

TILE = 64  # [pixel] tile edge
NEAR_M = 500.0  # [m] cells nearer than this to a tile are always evaluated exactly at every pixel
FAR_M = 8000.0  # [m] interferers beyond this are interpolated from the tile corners
MID_STRIDE = 8  # [pixel] lattice step for interferers between NEAR_M and FAR_M
BIN_DB = 0.5  # [dB] bin width of the counting sort
NBINS = 240  # bins below the strongest bound (120 dB); weaker cells fall in one underflow bin
BOUND_MARGIN_DB = 0.5  # [dB] added to every bound (float32 and polynomial errors, RMa breakpoint step)

# cell parameter columns (float32 matrix, one row per cell)
P_DH, P_SIN, P_COS, P_TILT, P_KH, P_KV, P_AM, P_SLA, P_EIRP = range(9)
P_DBP2, P_A1, P_B1, P_C1, P_A2, P_B2, P_A3, P_B3 = range(9, 17)
NPARAM = 17

LOS_MODE_CODES = {"los": 0, "nlos": 1, "weighted": 2}

_LOG10_2 = np.float32(0.30102999566398120)
_TEN_LOG10_2 = np.float32(3.0102999566398120)
_LOG2_10_OVER_10 = np.float32(0.33219280948873623)
_LOG2_E = np.float32(1.4426950408889634)
_HALF_PI = np.float32(math.pi / 2)
_PI = np.float32(math.pi)


@intrinsic
def _f32_bits(typingctx, x):
    sig = types.int32(types.float32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return sig, codegen


@intrinsic
def _bits_f32(typingctx, x):
    sig = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return sig, codegen


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def log2f(x):
    """log2 of a positive normal float32 (exponent + degree-8 Chebyshev fit of log2(1+t) on [0,1))."""
    b = _f32_bits(np.float32(x))
    e = np.float32((b >> 23) - 127)
    t = _bits_f32((b & 0x7FFFFF) | 0x3F800000) - np.float32(1.0)
    p = np.float32(-0.0088747180677)
    p = p * t + np.float32(0.050277627697)
    p = p * t + np.float32(-0.13453451606)
    p = p * t + np.float32(0.23923195375)
    p = p * t + np.float32(-0.34599619139)
    p = p * t + np.float32(0.47832360611)
    p = p * t + np.float32(-0.72111462535)
    p = p * t + np.float32(1.4426867787)
    p = p * t + np.float32(4.8843712963e-08)
    return e + p


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def exp2f(x):
    """2**x for float32 x (clamped to [-126, 127]; degree-6 Chebyshev fit of 2**f on [0,1))."""
    x = min(max(np.float32(x), np.float32(-126.0)), np.float32(127.0))
    fl = np.floor(x)
    f = x - fl
    p = np.float32(0.0002187750594)
    p = p * f + np.float32(0.0012387822481)
    p = p * f + np.float32(0.0096845801542)
    p = p * f + np.float32(0.055480426608)
    p = p * f + np.float32(0.24023050193)
    p = p * f + np.float32(0.69314692871)
    p = p * f + np.float32(1.0000000026)
    return _bits_f32((np.int32(fl) + np.int32(127)) << 23) * p


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def atan2f(y, x):
    """atan2(y, x) [rad] in float32 (octant reduction + degree-7 fit in a**2), error < 2e-7 rad."""
    ax = abs(x)
    ay = abs(y)
    mx = max(ax, ay)
    mn = min(ax, ay)
    a = mn / max(mx, np.float32(1e-30))
    s = a * a
    p = np.float32(-0.0046687844745)
    p = p * s + np.float32(0.024166246748)
    p = p * s + np.float32(-0.059367209654)
    p = p * s + np.float32(0.09906106971)
    p = p * s + np.float32(-0.14016589883)
    p = p * s + np.float32(0.19969236563)
    p = p * s + np.float32(-0.33331959846)
    p = p * s + np.float32(0.99999989779)
    r = a * p
    r = _HALF_PI - r if ay > ax else r
    r = _PI - r if x < 0 else r
    return -r if y < 0 else r


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def _path_loss32(
    d2c, d3sq, dbp2, a1, b1, c1, a2, b2, a3, b3, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp
):
    """Path loss [dB] at clamped squared 2D distance ``d2c`` and squared 3D distance ``d3sq``
    [m^2], float32, from one cell's coefficients (see pathloss.kernel_coefficients)."""
    arg = d2c if use_d2_log else d3sq
    lg = np.float32(0.5) * log2f(arg) * _LOG10_2
    d3 = np.sqrt(d3sq)
    pl1 = a1 + b1 * lg + c1 * d3
    pl2 = a2 + b2 * lg
    los = pl1 if d2c <= dbp2 else pl2
    if los_mode == 0:
        return los
    nlos = max(los, a3 + b3 * lg)
    if los_mode == 1:
        return nlos
    d = np.sqrt(d2c)
    if lp_kind == 0:
        p = lp_d1 / d + exp2f(-d / lp_d2 * _LOG2_E) * (np.float32(1.0) - lp_d1 / d)
        if lp_cp > 0:
            dd = d / np.float32(100.0)
            p = p * (
                np.float32(1.0)
                + lp_cp * np.float32(1.25) * dd * dd * dd * exp2f(-d / np.float32(150.0) * _LOG2_E)
            )
        p = np.float32(1.0) if d <= lp_d1 else p
    elif lp_kind == 1:
        p = exp2f(-(d - lp_d1) / lp_d2 * _LOG2_E)
        p = np.float32(1.0) if d <= lp_d1 else p
    else:
        p = np.float32(0.0)
    p = min(p, np.float32(1.0))
    return p * los + (np.float32(1.0) - p) * nlos


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def eval_cell_tile(
    c, cxl, cyl, cp, grp, px, py, best, idx, sums, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp
):
    """Evaluate cell ``c`` (position ``cxl, cyl`` relative to the tile corner [m]) at every point
    ``(px, py)`` [m] and fold it into the running best server / per-group linear sums [mW]."""
    dh = cp[c, P_DH]
    dh2 = dh * dh
    s_az = cp[c, P_SIN]
    c_az = cp[c, P_COS]
    tilt = cp[c, P_TILT]
    kh = cp[c, P_KH]
    kv = cp[c, P_KV]
    am = cp[c, P_AM]
    sla = cp[c, P_SLA]
    eirp = cp[c, P_EIRP]
    dbp2 = cp[c, P_DBP2]
    a1 = cp[c, P_A1]
    b1 = cp[c, P_B1]
    c1 = cp[c, P_C1]
    a2 = cp[c, P_A2]
    b2 = cp[c, P_B2]
    a3 = cp[c, P_A3]
    b3 = cp[c, P_B3]
    g = grp[c]
    cc = np.int32(c)
    hundred = np.float32(100.0)
    for i in range(px.size):
        dx = px[i] - cxl
        dy = py[i] - cyl
        d2 = dx * dx + dy * dy
        d2c = max(d2, hundred)
        pl = _path_loss32(
            d2c,
            d2c + dh2,
            dbp2,
            a1,
            b1,
            c1,
            a2,
            b2,
            a3,
            b3,
            los_mode,
            use_d2_log,
            lp_kind,
            lp_d1,
            lp_d2,
            lp_cp,
        )
        u = dx * s_az + dy * c_az
        v = dx * c_az - dy * s_az
        phi = atan2f(abs(v), u)
        ah = min(kh * phi * phi, am)
        th = atan2f(dh, np.sqrt(d2)) - tilt
        av = min(kv * th * th, sla)
        att = min(ah + av, am)
        lin = exp2f((eirp - att - pl) * _LOG2_10_OVER_10)
        sums[g, i] += lin
        b = best[i]
        gt = lin > b
        best[i] = lin if gt else b
        idx[i] = cc if gt else idx[i]


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def tile_bounds(
    cx, cy, cpt, tx0, ty0, size, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp, out, out_dmin
):
    """Upper bound [dBm] of each cell's received power anywhere in the square tile
    ``[tx0, tx0 + size] x [ty0 - size, ty0]`` [m] (see the module docstring), and the cell's
    shortest horizontal distance to the tile [m]. ``cpt`` is the transposed parameter matrix."""
    half = size / 2.0
    ccx = tx0 + half
    ccy = ty0 - half
    half32 = np.float32(half)
    rad = np.float32(half * math.sqrt(2.0))
    margin = np.float32(BOUND_MARGIN_DB)
    bmode = los_mode if lp_cp == 0 else 0
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for c in range(cx.size):
        rx = np.float32(ccx - cx[c])
        ry = np.float32(ccy - cy[c])
        ex = abs(rx)
        ey = abs(ry)
        qx = max(ex - half32, zero)
        qy = max(ey - half32, zero)
        dmin2 = qx * qx + qy * qy
        fx = ex + half32
        fy = ey + half32
        dmax2 = fx * fx + fy * fy
        dc = np.sqrt(ex * ex + ey * ey)
        dh = cpt[P_DH, c]
        d2c = max(dmin2, np.float32(100.0))
        pl = _path_loss32(
            d2c,
            d2c + dh * dh,
            cpt[P_DBP2, c],
            cpt[P_A1, c],
            cpt[P_B1, c],
            cpt[P_C1, c],
            cpt[P_A2, c],
            cpt[P_B2, c],
            cpt[P_A3, c],
            cpt[P_B3, c],
            bmode,
            use_d2_log,
            lp_kind,
            lp_d1,
            lp_d2,
            lp_cp,
        )
        # horizontal: azimuth offset to the tile centre minus the half-angle the tile subtends
        s_az = cpt[P_SIN, c]
        c_az = cpt[P_COS, c]
        u = rx * s_az + ry * c_az
        v = rx * c_az - ry * s_az
        phi_c = atan2f(abs(v), u)
        ratio = rad / max(dc, np.float32(1e-3))
        rc = min(ratio, np.float32(0.999))
        alpha = atan2f(rc, np.sqrt(one - rc * rc))
        phi = zero if ratio >= np.float32(0.999) else max(phi_c - alpha, zero)
        ah = min(cpt[P_KH, c] * phi * phi, cpt[P_AM, c])
        # vertical: depression angles over [dmin, dmax]
        t1 = atan2f(dh, np.sqrt(dmin2))
        t2 = atan2f(dh, np.sqrt(dmax2))
        lo = min(t1, t2)
        hi = max(t1, t2)
        tilt = cpt[P_TILT, c]
        off = lo - tilt if tilt < lo else (tilt - hi if tilt > hi else zero)
        av = min(cpt[P_KV, c] * off * off, cpt[P_SLA, c])
        att = min(ah + av, cpt[P_AM, c])
        out[c] = cpt[P_EIRP, c] - att - pl + margin
        out_dmin[c] = np.sqrt(dmin2)


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def bin_cells(ub, sel, grp, ngroups):
    """Counting sort of the selected cells (``sel`` true) by bound ``ub`` [dBm] into 0.5 dB bins
    below the strongest one.

    Returns ``(top, order, start, dsum)``: ``top`` the upper edge of bin 0 [dBm]; ``order`` the cell
    indices bin by bin; ``start[k]`` where bin k starts in ``order`` (NBINS + 2 entries, bin NBINS
    is the underflow); ``dsum[g, k]`` the linear sum [mW] of the bounds of group g's cells in bins
    >= k (``dsum[:, NBINS + 1] = 0``).
    """
    n = ub.size
    top = -1e30
    m = 0
    for c in range(n):
        if sel[c]:
            m += 1
            if ub[c] > top:
                top = ub[c]
    top = math.ceil(top / BIN_DB) * BIN_DB
    lin = np.empty(n, np.float32)
    for c in range(n):
        lin[c] = exp2f(ub[c] * _LOG2_10_OVER_10)
    counts = np.zeros(NBINS + 2, np.int64)
    bins = np.empty(n, np.int32)
    binsum = np.zeros((ngroups, NBINS + 2))
    for c in range(n):
        if not sel[c]:
            continue
        k = int((top - ub[c]) / BIN_DB)
        if k > NBINS:
            k = NBINS
        if k < 0:
            k = 0
        bins[c] = k
        counts[k] += 1
        binsum[grp[c], k] += lin[c]
    start = np.zeros(NBINS + 2, np.int64)
    for k in range(1, NBINS + 2):
        start[k] = start[k - 1] + counts[k - 1]
    fill = start.copy()
    order = np.empty(m, np.int32)
    for c in range(n):
        if sel[c]:
            k = bins[c]
            order[fill[k]] = c
            fill[k] += 1
    dsum = np.zeros((ngroups, NBINS + 2))
    for g in range(ngroups):
        acc = 0.0
        for k in range(NBINS, -1, -1):
            acc += binsum[g, k]
            dsum[g, k] = acc
    return top, order, start, dsum


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _best_floor(tmask, best, noise_lin):
    """min over masked pixels of max(best server power, noise) [mW] (inf if no masked pixel)."""
    m = np.inf
    for i in range(best.size):
        if tmask[i]:
            v = max(np.float64(best[i]), noise_lin)
            if v < m:
                m = v
    return m


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _log2_lattice(vals, out):
    for g in range(vals.shape[0]):
        for q in range(vals.shape[1]):
            out[g, q] = math.log2(max(np.float64(vals[g, q]), 1e-37))


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _interp_log(l2, g, n_side, stride, rr, cc):
    """Bilinear interpolation, in the log domain, of lattice ``l2[g]`` ((n_side x n_side) points at
    pixel-corner coordinates multiple of ``stride``) at the centre of pixel (rr, cc); returns mW."""
    u = (cc + 0.5) / stride
    v = (rr + 0.5) / stride
    a = min(int(u), n_side - 2)
    b = min(int(v), n_side - 2)
    fu = u - a
    fv = v - b
    q = b * n_side + a
    val = (
        (1.0 - fu) * (1.0 - fv) * l2[g, q]
        + fu * (1.0 - fv) * l2[g, q + 1]
        + (1.0 - fu) * fv * l2[g, q + n_side]
        + fu * fv * l2[g, q + n_side + 1]
    )
    return np.float64(exp2f(np.float32(val)))


@nb.njit(error_model="numpy", cache=True)
def interference_bins(dsum, ex_min, noise_lin, eps):
    """Number of bins K such that the interferers in bins >= K, which are left out, sum (by their
    bounds) to at most ``eps`` times the interference-plus-noise floor ``ex_min[g] + N`` of every
    band g that serves a pixel of the tile (``ex_min[g]`` = inf where g serves none)."""
    for k in range(NBINS + 1):
        ok = True
        for g in range(dsum.shape[0]):
            if ex_min[g] < np.inf and dsum[g, k] > eps * (ex_min[g] + noise_lin):
                ok = False
                break
        if ok:
            return k
    return NBINS + 1


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def compute_tile(
    r0,
    c0,
    T,
    mask,
    x_left,
    y_top,
    res,
    cx,
    cy,
    cp,
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
    out_rsrp,
    out_sinr,
    out_idx,
):
    """Compute one T x T tile whose top-left pixel is (row ``r0``, column ``c0``); write RSRP [dBm],
    SINR [dB] (NaN = nodata) and the server's ``cmap`` entry (-1) for the masked pixels.

    Cells within ``near_m`` [m] of the tile, and every cell that could be the best server (or reach
    the noise floor) anywhere in the tile, are evaluated exactly at every pixel. The others only
    interfere: those within ``far_m`` are evaluated on a lattice every ``mid_stride`` pixels, those
    beyond at the four tile corners, both interpolated in dB; they are taken strongest bound first
    until the bounds of the rest sum to at most ``eps`` times the interference-plus-noise floor.
    Returns ``(exact evaluations, lattice evaluations)``.
    """
    H, W = mask.shape
    tx0 = x_left + c0 * res
    ty0 = y_top - r0 * res
    npix = T * T
    px = np.empty(npix, np.float32)
    py = np.empty(npix, np.float32)
    tmask = np.zeros(npix, np.bool_)
    for i in range(npix):
        rr = i // T
        cc = i % T
        px[i] = np.float32((cc + 0.5) * res)
        py[i] = np.float32(-(rr + 0.5) * res)
        if r0 + rr < H and c0 + cc < W:
            tmask[i] = mask[r0 + rr, c0 + cc]
    n = cx.size
    ub = np.empty(n, np.float32)
    dmin = np.empty(n, np.float32)
    tile_bounds(cx, cy, cpt, tx0, ty0, T * res, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp, ub, dmin)
    best = np.zeros(npix, np.float32)
    idx = np.full(npix, -1, np.int32)
    sums = np.zeros((ngroups, npix), np.float32)
    exact = np.zeros(n, np.bool_)
    n_exact = 0
    for c in range(n):
        if dmin[c] < near_m:
            exact[c] = True
            n_exact += 1
            eval_cell_tile(
                c,
                np.float32(cx[c] - tx0),
                np.float32(cy[c] - ty0),
                cp,
                grp,
                px,
                py,
                best,
                idx,
                sums,
                los_mode,
                use_d2_log,
                lp_kind,
                lp_d1,
                lp_d2,
                lp_cp,
            )
    # promote every cell that could be the best server, or reach the noise floor, somewhere
    while True:
        floor_db = 10.0 * math.log10(_best_floor(tmask, best, noise_lin))
        added = 0
        for c in range(n):
            if not exact[c] and ub[c] >= floor_db:
                exact[c] = True
                added += 1
                eval_cell_tile(
                    c,
                    np.float32(cx[c] - tx0),
                    np.float32(cy[c] - ty0),
                    cp,
                    grp,
                    px,
                    py,
                    best,
                    idx,
                    sums,
                    los_mode,
                    use_d2_log,
                    lp_kind,
                    lp_d1,
                    lp_d2,
                    lp_cp,
                )
        n_exact += added
        if added == 0:
            break
    # interference floor per group from the exact part: min over pixels it serves of I + N
    ex_min = np.full(ngroups, np.inf)
    for i in range(npix):
        s = np.float64(best[i])
        if tmask[i] and s >= noise_lin and idx[i] >= 0:
            g = grp[idx[i]]
            v = max(np.float64(sums[g, i]) - s, 0.0)
            if v < ex_min[g]:
                ex_min[g] = v
    # lattices: mid (every mid_stride pixels) and far (tile corners)
    nm = T // mid_stride + 1
    mx = np.empty(nm * nm, np.float32)
    my = np.empty(nm * nm, np.float32)
    for q in range(nm * nm):
        mx[q] = np.float32((q % nm) * mid_stride * res)
        my[q] = np.float32(-(q // nm) * mid_stride * res)
    fx = np.empty(4, np.float32)
    fy = np.empty(4, np.float32)
    for q in range(4):
        fx[q] = np.float32((q % 2) * T * res)
        fy[q] = np.float32(-(q // 2) * T * res)
    mid = np.zeros((ngroups, nm * nm), np.float32)
    far = np.zeros((ngroups, 4), np.float32)
    mbest = np.zeros(nm * nm, np.float32)
    midx = np.zeros(nm * nm, np.int32)
    fbest = np.zeros(4, np.float32)
    fidx = np.zeros(4, np.int32)
    rest = np.empty(n, np.bool_)
    for c in range(n):
        rest[c] = not exact[c]
    top, order, start, dsum = bin_cells(ub, rest, grp, ngroups)
    n_lat = 0
    kend = interference_bins(dsum, ex_min, noise_lin, eps)
    for j in range(start[0], start[kend]):
        c = order[j]
        cxl = np.float32(cx[c] - tx0)
        cyl = np.float32(cy[c] - ty0)
        if dmin[c] < far_m:
            eval_cell_tile(
                c,
                cxl,
                cyl,
                cp,
                grp,
                mx,
                my,
                mbest,
                midx,
                mid,
                los_mode,
                use_d2_log,
                lp_kind,
                lp_d1,
                lp_d2,
                lp_cp,
            )
            n_lat += nm * nm
        else:
            eval_cell_tile(
                c,
                cxl,
                cyl,
                cp,
                grp,
                fx,
                fy,
                fbest,
                fidx,
                far,
                los_mode,
                use_d2_log,
                lp_kind,
                lp_d1,
                lp_d2,
                lp_cp,
            )
            n_lat += 4
    lmid = np.empty((ngroups, nm * nm))
    lfar = np.empty((ngroups, 4))
    _log2_lattice(mid, lmid)
    _log2_lattice(far, lfar)
    for i in range(npix):
        if not tmask[i]:
            continue
        ri = i // T
        ci = i % T
        rr = r0 + ri
        cc = c0 + ci
        s = np.float64(best[i])
        if s >= noise_lin and idx[i] >= 0:
            g = grp[idx[i]]
            inter = max(np.float64(sums[g, i]) - s, 0.0)
            inter += _interp_log(lmid, g, nm, mid_stride, ri, ci) + _interp_log(lfar, g, 2, T, ri, ci)
            out_rsrp[rr, cc] = _TEN_LOG10_2 * log2f(np.float32(s))
            out_sinr[rr, cc] = _TEN_LOG10_2 * log2f(np.float32(s / (inter + noise_lin)))
            out_idx[rr, cc] = cmap[idx[i]]
        else:
            out_rsrp[rr, cc] = np.nan
            out_sinr[rr, cc] = np.nan
            out_idx[rr, cc] = -1
    return n_exact * npix, n_lat


@nb.njit(parallel=True, error_model="numpy", cache=True)
def compute_tiles(
    tiles,
    T,
    mask,
    x_left,
    y_top,
    res,
    cx,
    cy,
    cp,
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
    out_rsrp,
    out_sinr,
    out_idx,
):
    """``compute_tile`` over the (row, column) tile corners in ``tiles`` (n, 2), in parallel.
    Returns the exact and lattice evaluations per tile, (n, 2)."""
    evals = np.zeros((tiles.shape[0], 2), np.int64)
    for t in nb.prange(tiles.shape[0]):
        a, b = compute_tile(
            tiles[t, 0],
            tiles[t, 1],
            T,
            mask,
            x_left,
            y_top,
            res,
            cx,
            cy,
            cp,
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
            out_rsrp,
            out_sinr,
            out_idx,
        )
        evals[t, 0] = a
        evals[t, 1] = b
    return evals


class Layer:
    """A set of cells ready for the kernels: projected positions [m] (float64), the float32
    parameter matrix ``cp`` (columns ``P_*``), the band group of each cell and the model flags."""

    def __init__(self, cells, xc, yc, params):
        from .link import band_groups
        from .pathloss import kernel_coefficients, los_probability_params

        params.check_cells(cells.freq_ghz)
        n = len(cells)
        self.cells = cells
        self.params = params
        self.cx = np.ascontiguousarray(xc, dtype=np.float64)
        self.cy = np.ascontiguousarray(yc, dtype=np.float64)
        self.grp, self.bands = band_groups(cells)
        self.ngroups = len(self.bands)
        cp = np.zeros((n, NPARAM), np.float64)
        az = np.radians(cells.azimuth_deg)
        cp[:, P_DH] = cells.height_m - params.h_ut
        cp[:, P_SIN] = np.sin(az)
        cp[:, P_COS] = np.cos(az)
        cp[:, P_TILT] = np.radians(cells.tilt_deg)
        cp[:, P_KH] = 12.0 / np.radians(cells.hpbw_h_deg) ** 2
        cp[:, P_KV] = 12.0 / np.radians(cells.hpbw_v_deg) ** 2
        cp[:, P_AM] = cells.a_m_db
        cp[:, P_SLA] = cells.sla_v_db
        cp[:, P_EIRP] = cells.rs_power_dbm + cells.gain_dbi
        if n:
            cp[:, P_DBP2:] = kernel_coefficients(
                cells.freq_ghz,
                cells.height_m,
                params.h_ut,
                model=params.model,
                h_building=params.h_building,
                street_width=params.street_width,
                city=params.city,
            )
        self.cp = np.ascontiguousarray(cp.astype(np.float32))
        self.cpt = np.ascontiguousarray(self.cp.T)
        # server raster values: each cell's index in the caller's list (CELLS.csv order)
        self.cmap = np.ascontiguousarray(cells.index, dtype=np.int32)
        kind, d1, d2, c_prime = los_probability_params(params.model, params.h_ut)
        self.los_mode = 0 if params.model == "cost231" else LOS_MODE_CODES[params.los_mode]
        self.use_d2_log = params.model == "cost231"
        self.lp = (kind, np.float32(d1), np.float32(d2), np.float32(c_prime))
        self.noise_lin = float(10.0 ** (params.noise_dbm / 10.0))

    def __len__(self):
        return len(self.cx)


def tile_corners(mask: np.ndarray, tile: int = TILE) -> np.ndarray:
    """(row, column) of the top-left pixel of every tile that holds at least one masked pixel."""
    H, W = mask.shape
    nr, nc = -(-H // tile), -(-W // tile)
    padded = np.zeros((nr * tile, nc * tile), bool)
    padded[:H, :W] = mask
    any_t = padded.reshape(nr, tile, nc, tile).any(axis=(1, 3))
    rows, cols = np.nonzero(any_t)
    return np.ascontiguousarray(np.column_stack([rows * tile, cols * tile]).astype(np.int64))


def run_tiles(
    layer: Layer,
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
):
    """Run :func:`compute_tiles` for ``tiles`` of a raster (``mask`` bool H x W; ``x_left``,
    ``y_top`` the raster's outer corner [m], ``res`` pixel size [m]); outputs are written in place
    (float32 RSRP [dBm] / SINR [dB] with NaN nodata, int32 server = ``layer.cmap`` entry, i.e. the
    cell's index in CELLS.csv order, -1 where none).
    Returns (exact cell-pixel evaluations, lattice evaluations)."""
    if len(layer) == 0 or len(tiles) == 0:
        return 0, 0
    with nb.parallel_chunksize(1):
        ev = compute_tiles(
            tiles,
            int(tile),
            mask,
            float(x_left),
            float(y_top),
            float(res),
            layer.cx,
            layer.cy,
            layer.cp,
            layer.cpt,
            layer.grp,
            layer.cmap,
            layer.ngroups,
            layer.noise_lin,
            float(eps),
            layer.los_mode,
            layer.use_d2_log,
            *layer.lp,
            float(near_m),
            float(far_m),
            int(mid_stride),
            out_rsrp,
            out_sinr,
            out_idx,
        )
    return int(ev[:, 0].sum()), int(ev[:, 1].sum())
