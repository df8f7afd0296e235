"""numba CPU kernels of the coverage engine: chunks of tiles of pixels, cells found through spatial
bins, culled by received power with bounds that keep the result at the brute force's accuracy.

The raster is cut into *chunks* (``CHUNK`` = 256 x 256 pixels, the unit of work and of writing) and
each chunk into *tiles* (``TILE`` = 64 x 64 pixels, 1.28 km at 20 m). Cells are sorted into square
spatial bins (``BIN_M`` = 4 km); every bin keeps, on a log-spaced distance grid d_j, the largest
power any of its cells can deliver at distance ≥ d_j and, per carrier group, the sum of those
bounds (antenna gain at its peak, path loss non-decreasing in distance: tested).

For one chunk :func:`compute_chunk`

1. takes as *candidates* the cells of the bins within ``CAND_M`` (8 km) of the chunk; the other bins
   stay *aggregates* whose bounds hold for every pixel of the chunk;
2. per tile, bounds every candidate's received power anywhere in the tile::

       U_c = EIRP_c - A_min(c, tile) - PL_c(d_min(c, tile)) + margin          [dBm]

   (``A_min`` from the ranges of the azimuth and elevation angles over the tile in the antenna's
   own coordinate system, mechanical tilt included); evaluates exactly, at every pixel, the
   candidates within ``NEAR_M`` (500 m) of the tile, then every other candidate whose bound reaches
   ``min over the tile's pixels of max(S, N)`` (S the best server so far, N the noise floor),
   repeating until none is added; an aggregate bin whose bound reaches the chunk's floor is opened
   into candidates (then the tiles are completed with its cells). A cell left out is below every
   pixel's best server (or below the noise floor where there is none): the best server, its RSRP
   and the no-service pixels are exactly those of the brute force;
3. treats the remaining candidates and the aggregate bins as interferers only: sorted by bound into
   0.5 dB bins (counting sort), the strongest are kept until the bounds of the rest, weighted by the
   carrier overlap ``W[g, h]``, sum to at most ``eps`` (5 %) of the smallest interference-plus-noise
   the exact cells give at a pixel carrier g serves: what is dropped changes no SINR by more than
   10 log10(1 + eps) = 0.21 dB. Culling is by received power, not distance: a dense cluster of
   distant cells is kept as long as its sum matters;
4. evaluates the kept candidate interferers on a lattice of the tile (every ``mid_stride`` pixels,
   about 160 m) when nearer than ``FAR_M`` (8 km), else at the tile's four corners, and the kept
   aggregate bins' cells on the chunk's lattice of tile corners (they are ≥ 8 km away), and
   interpolates their summed power per carrier bilinearly in dB to each pixel.

Per-pixel work is float32 with polynomial ``log2`` / ``exp2`` / ``atan2`` (errors < 2e-7 relative,
< 2e-7 rad) written so that LLVM vectorises it (numba has no vector libm here), including the last
stage (interference sum and dB conversion per pixel). :func:`compute_chunk` is single-threaded and
releases the GIL: the streaming engine runs chunks on a thread pool (or on Dask workers).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

TILE = 64  # [pixel] tile edge
CHUNK = 256  # [pixel] chunk edge (multiple of TILE)
NEAR_M = 500.0  # [m] candidates nearer than this to a tile are always evaluated exactly at every pixel
FAR_M = 8000.0  # [m] candidate interferers beyond this are interpolated from the tile corners
CAND_M = 8000.0  # [m] bins nearer than this to a chunk give candidates; farther bins are aggregates
BIN_M = 4000.0  # [m] edge of the spatial bins of cells
MID_M = 160.0  # [m] target spacing of the tile lattice for interferers between NEAR_M and FAR_M
CORNER_MAX_M = 1600.0  # [m] tile corners (and the chunk lattice) are used only up to this spacing
MID_STRIDE = 8  # [pixel] lattice step at 20 m (see :func:`lattice_strides`)
BIN_DB = 0.5  # [dB] bin width of the counting sort
NBINS = 240  # bins below the strongest bound (120 dB); weaker cells fall in one underflow bin
BOUND_MARGIN_DB = 0.5  # [dB] added to every bound (float32 and polynomial errors, RMa breakpoint step)
NDIST = 160  # distances of the bin tables, log-spaced from DIST0_M
DIST0_M = 10.0  # [m]
DIST_RATIO = 1.08  # d_j = DIST0_M * DIST_RATIO**j: 10 m ... 2,200 km

# cell parameter columns (float32 matrix, one row per cell)
P_DH, P_SIN, P_COS, P_ETILT, P_SB, P_CB, P_KH, P_KV, P_AM, P_SLA, P_EIRP = range(11)
P_DBP2, P_A1, P_B1, P_C1, P_A2, P_B2, P_A3, P_B3 = range(11, 19)
P_RMAX2 = 19  # [m^2] squared range of the cell (radio horizon)
NPARAM = 20

LOS_MODE_CODES = {"los": 0, "nlos": 1, "weighted": 2}

_LOG10_2 = np.float32(0.30102999566398120)
_TEN_LOG10_2 = np.float32(3.0102999566398120)
_LOG2_10_OVER_10 = np.float32(0.33219280948873623)
_LOG2_E = np.float32(1.4426950408889634)
_HALF_PI = np.float32(math.pi / 2)
_PI = np.float32(math.pi)
_LOG_RATIO = math.log(DIST_RATIO)


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
def _los_prob32(d, lp_kind, lp_d1, lp_d2, lp_cp):
    """LOS probability of TR 38.901 Table 7.4.2-1 at horizontal distance ``d`` [m] (float32)."""
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
    return min(p, np.float32(1.0))


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def _rx_lin32(
    eirp_att, d2c, dh2, dbp2, a1, b1, c1, a2, b2, a3, b3, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp
):
    """Received power [mW] (float32) of a cell with EIRP minus antenna attenuation ``eirp_att`` [dBm] at
    clamped squared 2D distance ``d2c`` [m^2] (see pathloss.kernel_coefficients for the coefficients).
    ``los_mode`` 2 is the LOS-probability-weighted power in linear terms."""
    d3sq = d2c + dh2
    arg = d2c if use_d2_log else d3sq
    lg = np.float32(0.5) * log2f(arg) * _LOG10_2
    d3 = np.sqrt(d3sq)
    pl1 = a1 + b1 * lg + c1 * d3
    pl2 = a2 + b2 * lg
    los = pl1 if d2c <= dbp2 else pl2
    if los_mode == 0:
        return exp2f((eirp_att - los) * _LOG2_10_OVER_10)
    nlos = max(los, a3 + b3 * lg)
    g = exp2f((eirp_att - nlos) * _LOG2_10_OVER_10)
    if los_mode == 1:
        return g
    p = _los_prob32(np.sqrt(d2c), lp_kind, lp_d1, lp_d2, lp_cp)
    return g * ((np.float32(1.0) - p) + p * exp2f((nlos - los) * _LOG2_10_OVER_10))


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def _path_loss_eff32(
    d2c, dh2, dbp2, a1, b1, c1, a2, b2, a3, b3, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp
):
    """Path loss [dB] (float32) as the kernels apply it, for bounds: LOS, NLOS, or the LOS-weighted
    power's ``-10 log10(P 10^(-LOS/10) + (1 - P) 10^(-NLOS/10))``. Non-decreasing in distance."""
    d3sq = d2c + dh2
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
    p = _los_prob32(np.sqrt(d2c), lp_kind, lp_d1, lp_d2, lp_cp)
    return nlos - _TEN_LOG10_2 * log2f(
        (np.float32(1.0) - p) + p * exp2f((nlos - los) * _LOG2_10_OVER_10) + np.float32(1e-30)
    )


@nb.njit(fastmath=True, error_model="numpy", cache=True, inline="always")
def _rx_at(dx, dy, dh, dh2, s_az, c_az, etilt, sb, cb, kh, kv, am, sla, eirp, dbp2, a1, b1, c1, a2, b2, a3, b3,
           rmax2, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """Received power [mW] (float32) of one cell at offset ``(dx east, dy north)`` [m] from it.

    Antenna: the UE direction is rotated by the mechanical tilt β into the antenna's coordinate system
    (TR 38.901 eq. 7.1-7/7.1-8 with slant 0: forward ``u cos β + Δh sin β``, downward
    ``Δh cos β - u sin β``), then Table 7.3-1 with the electrical tilt."""
    d2 = dx * dx + dy * dy
    d2c = max(d2, np.float32(100.0))
    u = dx * s_az + dy * c_az
    v = dx * c_az - dy * s_az
    fwd = u * cb + dh * sb
    down = dh * cb - u * sb
    phi = atan2f(abs(v), fwd)
    ah = min(kh * phi * phi, am)
    th = atan2f(down, np.sqrt(fwd * fwd + v * v)) - etilt
    av = min(kv * th * th, sla)
    att = min(ah + av, am)
    lin = _rx_lin32(
        eirp - att, d2c, dh2, dbp2, a1, b1, c1, a2, b2, a3, b3, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp
    )
    return lin if d2 <= rmax2 else np.float32(0.0)


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def eval_cell(c, cxl, cyl, cp, grp, px, py, best, idx, sums, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """Evaluate cell ``c`` (position ``cxl, cyl`` relative to the tile corner [m]) at every point
    ``(px, py)`` [m] and fold it into the running best server / per-carrier linear sums [mW]."""
    dh = cp[c, P_DH]
    dh2 = dh * dh
    s_az = cp[c, P_SIN]
    c_az = cp[c, P_COS]
    etilt = cp[c, P_ETILT]
    sb = cp[c, P_SB]
    cb = cp[c, P_CB]
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
    rmax2 = cp[c, P_RMAX2]
    g = grp[c]
    cc = np.int32(c)
    for i in range(px.size):
        lin = _rx_at(px[i] - cxl, py[i] - cyl, dh, dh2, s_az, c_az, etilt, sb, cb, kh, kv, am, sla, eirp, dbp2, a1,
                     b1, c1, a2, b2, a3, b3, rmax2, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
        sums[g, i] += lin
        b = best[i]
        gt = lin > b
        best[i] = lin if gt else b
        idx[i] = cc if gt else idx[i]


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def eval_points(cells, ox, oy, cx, cy, cp, grp, qx, qy, out, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """Sum the received power [mW] of ``cells`` (indices) per carrier group at the few points
    ``(ox + qx, oy + qy)`` [m] into ``out[g, q]``: vectorised over the cells (for the lattices of many
    distant interferers)."""
    m = cells.size
    if m == 0:
        return
    prm = np.empty((NPARAM, m), np.float32)
    rx = np.empty(m, np.float32)
    ry = np.empty(m, np.float32)
    g = np.empty(m, np.int32)
    for j in range(m):
        c = cells[j]
        for k in range(NPARAM):
            prm[k, j] = cp[c, k]
        rx[j] = np.float32(ox - cx[c])
        ry[j] = np.float32(oy - cy[c])
        g[j] = grp[c]
    val = np.empty(m, np.float32)
    for q in range(qx.size):
        x = qx[q]
        y = qy[q]
        for j in range(m):
            dh = prm[P_DH, j]
            val[j] = _rx_at(rx[j] + x, ry[j] + y, dh, dh * dh, prm[P_SIN, j], prm[P_COS, j], prm[P_ETILT, j],
                            prm[P_SB, j], prm[P_CB, j], prm[P_KH, j], prm[P_KV, j], prm[P_AM, j], prm[P_SLA, j],
                            prm[P_EIRP, j], prm[P_DBP2, j], prm[P_A1, j], prm[P_B1, j], prm[P_C1, j], prm[P_A2, j],
                            prm[P_B2, j], prm[P_A3, j], prm[P_B3, j], prm[P_RMAX2, j], los_mode, use_d2_log,
                            lp_kind, lp_d1, lp_d2, lp_cp)
        for j in range(m):
            out[g[j], q] += val[j]


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def tile_bounds(cx, cy, cpt, tx0, ty0, size, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp, out, out_dmin):
    """Upper bound [dBm] of each cell's received power anywhere in the square tile
    ``[tx0, tx0 + size] x [ty0 - size, ty0]`` [m] (see the module docstring), and the cell's
    shortest horizontal distance to the tile [m]. ``cpt`` is the transposed parameter matrix.

    Angles: over the tile the offsets ``u`` (along the azimuth) and ``v`` (across) range over the
    intervals spanned by the tile's corners; the antenna-frame azimuth ``atan2(|v|, u cos β + Δh sin β)``
    is smallest at the largest forward component f and, where f > 0, the least |v| (where f ≤ 0, the
    largest |v|), and the sine of the antenna-frame
    depression ``(Δh cos β - u sin β) / d3D`` lies in the interval quotient. With no mechanical tilt
    the azimuth is also bounded by the centre's azimuth less the half-angle the tile subtends."""
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
        dh2 = dh * dh
        d2c = max(dmin2, np.float32(100.0))
        pl = _path_loss_eff32(
            d2c,
            dh2,
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
        s_az = cpt[P_SIN, c]
        c_az = cpt[P_COS, c]
        sb = cpt[P_SB, c]
        cb = cpt[P_CB, c]
        # u, v over the tile: interval of a linear function over the box [x0, x1] x [y0, y1]
        x0 = rx - half32
        x1 = rx + half32
        y0 = ry - half32
        y1 = ry + half32
        ua = x0 * s_az
        ub_ = x1 * s_az
        uc = y0 * c_az
        ud = y1 * c_az
        u_lo = min(ua, ub_) + min(uc, ud)
        u_hi = max(ua, ub_) + max(uc, ud)
        va = x0 * c_az
        vb = x1 * c_az
        vc = -y0 * s_az
        vd = -y1 * s_az
        v_lo = min(va, vb) + min(vc, vd)
        v_hi = max(va, vb) + max(vc, vd)
        vabs = zero if (v_lo <= zero and v_hi >= zero) else min(abs(v_lo), abs(v_hi))
        fwd_hi = max(u_lo * cb, u_hi * cb) + dh * sb
        # atan2(|v|, f) falls as f grows; it grows with |v| where f > 0 and falls with |v| where f ≤ 0
        phi = atan2f(vabs if fwd_hi > zero else max(abs(v_lo), abs(v_hi)), fwd_hi)
        if sb == zero:
            # the centre's azimuth less the half-angle the tile subtends (tighter near the boresight)
            u = rx * s_az + ry * c_az
            v = rx * c_az - ry * s_az
            phi_c = atan2f(abs(v), u)
            ratio = rad / max(dc, np.float32(1e-3))
            rc = min(ratio, np.float32(0.999))
            alpha = atan2f(rc, np.sqrt(one - rc * rc))
            phi2 = zero if ratio >= np.float32(0.999) else max(phi_c - alpha, zero)
            phi = max(phi, phi2)
        ah = min(cpt[P_KH, c] * phi * phi, cpt[P_AM, c])
        # vertical: sin(depression) = (dh cos β - u sin β) / d3 over u in [u_lo, u_hi], d3 in [d3min, d3max]
        n1 = dh * cb - u_lo * sb
        n2 = dh * cb - u_hi * sb
        n_lo = min(n1, n2)
        n_hi = max(n1, n2)
        d3min = np.sqrt(dmin2 + dh2)
        d3max = np.sqrt(dmax2 + dh2)
        s_lo = n_lo / (d3min if n_lo < zero else d3max)
        s_hi = n_hi / (d3max if n_hi < zero else d3min)
        s_lo = min(max(s_lo, -one), one)
        s_hi = min(max(s_hi, -one), one)
        t1 = atan2f(s_lo, np.sqrt(max(one - s_lo * s_lo, zero)))
        t2 = atan2f(s_hi, np.sqrt(max(one - s_hi * s_hi, zero)))
        et = cpt[P_ETILT, c]
        off = t1 - et if et < t1 else (et - t2 if et > t2 else zero)
        av = min(cpt[P_KV, c] * off * off, cpt[P_SLA, c])
        att = min(ah + av, cpt[P_AM, c])
        out[c] = cpt[P_EIRP, c] - att - pl + margin if dmin2 <= cpt[P_RMAX2, c] else np.float32(-1e30)
        out_dmin[c] = np.sqrt(dmin2)


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _bin_tables(cell_bin, cpt, grp, nbins_sp, ngroups, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp):
    """Per spatial bin b and distance d_j: the largest bound ``umax[b, j]`` [dBm] of one cell's power at
    horizontal distance ≥ d_j (antenna at its peak) and, per carrier group g, the sum of the bounds
    ``usum[b, g, j]`` [mW]. ``cell_bin`` gives each cell's bin."""
    n = cell_bin.size
    umax = np.full((nbins_sp, NDIST), np.float32(-1e30), np.float32)
    usum = np.zeros((nbins_sp, ngroups, NDIST), np.float32)
    bmode = los_mode if lp_cp == 0 else 0
    margin = np.float32(BOUND_MARGIN_DB)
    for c in range(n):
        b = cell_bin[c]
        g = grp[c]
        dh = cpt[P_DH, c]
        eirp = cpt[P_EIRP, c]
        rmax2 = cpt[P_RMAX2, c]
        for j in range(NDIST):
            d = np.float32(DIST0_M * DIST_RATIO**j)
            if d * d > rmax2:
                break  # beyond the cell's range: it reaches no point at distance >= d_j
            d2c = max(d * d, np.float32(100.0))
            pl = _path_loss_eff32(
                d2c,
                dh * dh,
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
            u = eirp - pl + margin
            if u > umax[b, j]:
                umax[b, j] = u
            usum[b, g, j] += exp2f(u * _LOG2_10_OVER_10)
    return umax, usum


@nb.njit(cache=True, inline="always")
def _dist_index(d):
    """Largest j with d_j ≤ d (0 below DIST0_M)."""
    if d <= DIST0_M:
        return 0
    j = int(math.log(d / DIST0_M) / _LOG_RATIO)
    return min(max(j, 0), NDIST - 1)


@nb.njit(cache=True, inline="always")
def _box_dist(ax0, ay0, ax1, ay1, bx0, by0, bx1, by1):
    """Shortest distance [m] between two axis-aligned boxes (x0 ≤ x1, y0 ≤ y1)."""
    dx = max(0.0, max(ax0 - bx1, bx0 - ax1))
    dy = max(0.0, max(ay0 - by1, by0 - ay1))
    return math.sqrt(dx * dx + dy * dy)


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _interference_kend(binsum, wmat, ex_min, noise_lin, eps):
    """Number of sort bins K such that the items in bins ≥ K, which are left out, sum (by their
    bounds, weighted by carrier overlap) to at most ``eps`` times the interference-plus-noise floor
    ``ex_min[g] + N`` of every carrier g that serves a pixel (``ex_min[g]`` = inf where g serves none).
    ``binsum[h, k]`` is the bound sum of group h's items in sort bin k."""
    ng = binsum.shape[0]
    nb_ = binsum.shape[1]
    dsum = np.zeros((ng, nb_ + 1))
    for h in range(ng):
        acc = 0.0
        for k in range(nb_ - 1, -1, -1):
            acc += binsum[h, k]
            dsum[h, k] = acc
    for k in range(nb_ + 1):
        ok = True
        for g in range(ng):
            if ex_min[g] < np.inf:
                tot = 0.0
                for h in range(ng):
                    tot += wmat[g, h] * dsum[h, k]
                if tot > eps * (ex_min[g] + noise_lin):
                    ok = False
                    break
        if ok:
            return k
    return nb_


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _interp_tile(lat, n_side, stride, T, out):
    """Bilinear interpolation, in the log2 domain, of the lattice ``lat`` ((n_side x n_side) points [mW]
    at pixel-corner coordinates, multiples of ``stride``) to the centres of the T x T pixels; adds to
    ``out`` [mW] (flattened T*T)."""
    l2 = np.empty(lat.size, np.float32)
    for q in range(lat.size):
        l2[q] = log2f(max(lat[q], np.float32(1e-37)))
    ca = np.empty(T, np.int32)
    cf = np.empty(T, np.float32)
    for ci in range(T):
        u = (ci + 0.5) / stride
        a = min(int(u), n_side - 2)
        ca[ci] = a
        cf[ci] = np.float32(u - a)
    for ri in range(T):
        v = (ri + 0.5) / stride
        b = min(int(v), n_side - 2)
        fv = np.float32(v - b)
        row0 = b * n_side
        row1 = row0 + n_side
        base = ri * T
        for ci in range(T):
            a = ca[ci]
            fu = cf[ci]
            val = (np.float32(1.0) - fv) * ((np.float32(1.0) - fu) * l2[row0 + a] + fu * l2[row0 + a + 1]) + fv * (
                (np.float32(1.0) - fu) * l2[row1 + a] + fu * l2[row1 + a + 1]
            )
            out[base + ci] += exp2f(val) if val > np.float32(-120.0) else np.float32(0.0)


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _upsample(lat, n_side, stride, r_off, c_off, nm, step, out):
    """Add to ``out`` (an nm x nm lattice at pixel-corner coordinates ``(r_off + i step, c_off + j step)``)
    the log2-domain bilinear interpolation of the coarser lattice ``lat`` (n_side x n_side points every
    ``stride`` pixels from the origin) [mW]."""
    l2 = np.empty(lat.size, np.float32)
    for q in range(lat.size):
        l2[q] = log2f(max(lat[q], np.float32(1e-37)))
    for i in range(nm):
        v = (r_off + i * step) / stride
        b = min(int(v), n_side - 2)
        fv = np.float32(v - b)
        for j in range(nm):
            u = (c_off + j * step) / stride
            a = min(int(u), n_side - 2)
            fu = np.float32(u - a)
            q = b * n_side + a
            val = (np.float32(1.0) - fv) * ((np.float32(1.0) - fu) * l2[q] + fu * l2[q + 1]) + fv * (
                (np.float32(1.0) - fu) * l2[q + n_side] + fu * l2[q + n_side + 1]
            )
            out[i * nm + j] += exp2f(val) if val > np.float32(-120.0) else np.float32(0.0)


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _tile_tot(idx, sums, grp, wmat, gsrv, tot):
    """Per pixel: the server's carrier group ``gsrv`` and the exact weighted power ``Σ_h W[g, h] sums[h]``
    [mW] (server included)."""
    ng = sums.shape[0]
    npix = idx.size
    for i in range(npix):
        k = idx[i]
        gsrv[i] = grp[k] if k >= 0 else 0
        tot[i] = np.float32(0.0)
    for h in range(ng):
        for i in range(npix):
            tot[i] += wmat[gsrv[i], h] * sums[h, i]


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _ex_min(tmask, best, gsrv, tot, noise_lin, ex_min):
    """Per carrier g: min over the pixels it serves of the exact interference ``tot - S`` [mW]."""
    nl = np.float32(noise_lin)
    for g in range(ex_min.size):
        m = np.float32(np.inf)
        for i in range(best.size):
            s = best[i]
            v = max(tot[i] - s, np.float32(0.0))
            ok = tmask[i] and s >= nl and gsrv[i] == g
            m = min(m, v if ok else np.float32(np.inf))
        if m < ex_min[g]:
            ex_min[g] = m


@nb.njit(fastmath=True, error_model="numpy", cache=True)
def _write_tile(T, tmask, best, idx, tot, cmap, noise_lin, no_rsrp, no_sinr, out_rsrp, out_sinr, out_idx, r0, c0,
                vr, vs, vi):
    """Per pixel: RSRP [dBm] = 10 log10 S, SINR [dB] = 10 log10(S / (tot - S + N)), the server's ``cmap``
    entry; no-service pixels get ``no_rsrp`` / ``no_sinr`` / -1; pixels outside the mask are left
    untouched. ``vr``, ``vs``, ``vi`` are scratch arrays of T*T."""
    nl = np.float32(noise_lin)
    # three simple loops (each vectorises; fused they do not)
    for i in range(T * T):
        s = best[i]
        ok = s >= nl
        inter = max(tot[i] - s, np.float32(0.0))
        rs = _TEN_LOG10_2 * log2f(max(s, np.float32(1e-37)))
        si = rs - _TEN_LOG10_2 * log2f(inter + nl)
        vr[i] = rs if ok else no_rsrp
        vs[i] = si if ok else no_sinr
    for i in range(T * T):
        ok = best[i] >= nl
        vi[i] = cmap[max(idx[i], 0)] if ok else np.int32(-1)
    for ri in range(T):
        rr = r0 + ri
        base = ri * T
        ro = out_rsrp[rr]
        so = out_sinr[rr]
        io = out_idx[rr]
        for ci in range(T):
            m = tmask[base + ci]
            ro[c0 + ci] = vr[base + ci] if m else ro[c0 + ci]
            so[c0 + ci] = vs[base + ci] if m else so[c0 + ci]
            io[c0 + ci] = vi[base + ci] if m else io[c0 + ci]


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


@nb.njit(fastmath=True, error_model="numpy", nogil=True, cache=True)
def compute_chunk(
    r0c,
    c0c,
    CH,
    T,
    mask,
    x_left,
    y_top,
    res,
    cx,
    cy,
    cp,
    grp,
    cmap,
    wmat,
    ngroups,
    bin_order,
    bin_start,
    bin_box,
    umax,
    usum,
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
    cand_m,
    mid_stride,
    use_corners,
    far_stride,
    no_rsrp,
    no_sinr,
    out_rsrp,
    out_sinr,
    out_idx,
):
    """Compute the chunk whose top-left pixel is (row ``r0c``, column ``c0c``) of the raster with outer
    corner (``x_left``, ``y_top``) [m] and pixel size ``res`` [m]; ``mask`` and the outputs are the
    chunk's own (CH x CH) arrays: RSRP [dBm], SINR [dB], server ``cmap`` entry for the masked pixels
    (``no_rsrp`` / ``no_sinr`` / -1 where no cell is above the noise floor).

    Returns ``(exact evaluations, lattice evaluations, candidates, aggregate bins opened)``.
    """
    H, W = mask.shape
    cx0 = x_left + c0c * res
    cy0 = y_top - r0c * res
    side = CH * res
    nsp = bin_start.size - 1
    # 1. candidates from the near bins; aggregates for the rest
    is_cand_bin = np.zeros(nsp, np.bool_)
    bdist = np.empty(nsp)
    ncand = 0
    for b in range(nsp):
        d = _box_dist(bin_box[b, 0], bin_box[b, 1], bin_box[b, 2], bin_box[b, 3], cx0, cy0 - side, cx0 + side, cy0)
        bdist[b] = d
        if d < cand_m:
            is_cand_bin[b] = True
            ncand += bin_start[b + 1] - bin_start[b]
    ntx = CH // T
    nt = ntx * ntx
    npix = T * T
    # tile state across the passes
    tile_any = np.zeros(nt, np.bool_)
    tmasks = np.zeros((nt, npix), np.bool_)
    bests = np.zeros((nt, npix), np.float32)
    idxs = np.full((nt, npix), -1, np.int32)
    sums = np.zeros((nt, ngroups, npix), np.float32)
    floors = np.full(nt, np.inf)
    n_ex_tile = np.zeros(nt, np.int64)
    px = np.empty(npix, np.float32)
    py = np.empty(npix, np.float32)
    for i in range(npix):
        px[i] = np.float32((i % T + 0.5) * res)
        py[i] = np.float32(-(i // T + 0.5) * res)
    for t in range(nt):
        tr = (t // ntx) * T
        tc = (t % ntx) * T
        for i in range(npix):
            rr = tr + i // T
            cc = tc + i % T
            if rr < H and cc < W and mask[rr, cc]:
                tmasks[t, i] = True
                tile_any[t] = True
    n_exact_total = 0
    n_lat_total = 0
    opened = 0
    # candidate arrays (grown when an aggregate bin is opened)
    cand = np.empty(0, np.int64)
    exact = np.zeros((nt, 0), np.bool_)
    pending = is_cand_bin.copy()
    while True:
        # append the cells of the pending bins
        nnew = 0
        for b in range(nsp):
            if pending[b]:
                nnew += bin_start[b + 1] - bin_start[b]
        if nnew > 0:
            old = cand.size
            cand2 = np.empty(old + nnew, np.int64)
            cand2[:old] = cand
            k = old
            for b in range(nsp):
                if pending[b]:
                    for j in range(bin_start[b], bin_start[b + 1]):
                        cand2[k] = bin_order[j]
                        k += 1
                    pending[b] = False
            exact2 = np.zeros((nt, old + nnew), np.bool_)
            exact2[:, :old] = exact
            cand = cand2
            exact = exact2
        n = cand.size
        ccx = np.empty(n)
        ccy = np.empty(n)
        ccpt = np.empty((NPARAM, n), np.float32)
        for j in range(n):
            c = cand[j]
            ccx[j] = cx[c]
            ccy[j] = cy[c]
            for q in range(NPARAM):
                ccpt[q, j] = cp[c, q]
        ubs = np.empty((nt, n), np.float32)
        dmins = np.empty((nt, n), np.float32)
        # 2. exact part, tile by tile
        for t in range(nt):
            if not tile_any[t]:
                continue
            tx0 = cx0 + (t % ntx) * T * res
            ty0 = cy0 - (t // ntx) * T * res
            ub = ubs[t]
            dmin = dmins[t]
            tile_bounds(ccx, ccy, ccpt, tx0, ty0, T * res, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp,
                        ub, dmin)
            for j in range(n):
                if not exact[t, j] and dmin[j] < near_m:
                    exact[t, j] = True
                    n_ex_tile[t] += 1
                    n_exact_total += npix
                    c = cand[j]
                    eval_cell(c, np.float32(cx[c] - tx0), np.float32(cy[c] - ty0), cp, grp, px, py, bests[t],
                              idxs[t], sums[t], los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
            while True:
                floor_db = 10.0 * math.log10(_best_floor(tmasks[t], bests[t], noise_lin))
                added = 0
                for j in range(n):
                    if not exact[t, j] and ub[j] >= floor_db:
                        exact[t, j] = True
                        n_ex_tile[t] += 1
                        added += 1
                        c = cand[j]
                        eval_cell(c, np.float32(cx[c] - tx0), np.float32(cy[c] - ty0), cp, grp, px, py, bests[t],
                                  idxs[t], sums[t], los_mode, use_d2_log, lp_kind, lp_d1, lp_d2, lp_cp)
                n_exact_total += added * npix
                if added == 0:
                    break
            floors[t] = _best_floor(tmasks[t], bests[t], noise_lin)
        # an aggregate bin that could reach the chunk's floor is opened into candidates
        fl = np.inf
        for t in range(nt):
            if tile_any[t] and floors[t] < fl:
                fl = floors[t]
        if fl == np.inf:
            break
        fl_db = 10.0 * math.log10(fl)
        more = False
        for b in range(nsp):
            if not is_cand_bin[b] and umax[b, _dist_index(bdist[b])] >= fl_db:
                is_cand_bin[b] = True
                pending[b] = True
                more = True
                opened += 1
        if not more:
            break
    n = cand.size
    ublin = np.empty(n, np.float32)
    # 3. interference: per tile, the sort of the non-exact candidates and the aggregate bins
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
    nf = CH // far_stride + 1
    chx = np.empty(nf * nf, np.float32)
    chy = np.empty(nf * nf, np.float32)
    for q in range(nf * nf):
        chx[q] = np.float32((q % nf) * far_stride * res)
        chy[q] = np.float32(-(q // nf) * far_stride * res)
    keep_bin = np.zeros(nsp, np.bool_)
    # the aggregate bins that can reach the chunk at all (within their cells' range), with their bounds
    n_agg = 0
    for b in range(nsp):
        if not is_cand_bin[b]:
            jd = _dist_index(bdist[b])
            for h in range(ngroups):
                if usum[b, h, jd] > 0.0:
                    n_agg += 1
                    break
    agg = np.empty(n_agg, np.int64)
    agg_db = np.empty(n_agg)
    agg_val = np.zeros((n_agg, ngroups))
    k = 0
    for b in range(nsp):
        if not is_cand_bin[b]:
            jd = _dist_index(bdist[b])
            vmax = 0.0
            for h in range(ngroups):
                vmax = max(vmax, np.float64(usum[b, h, jd]))
            if vmax > 0.0:
                agg[k] = b
                agg_db[k] = 10.0 * math.log10(vmax)
                for h in range(ngroups):
                    agg_val[k, h] = usum[b, h, jd]
                k += 1
    mids = np.zeros((nt, ngroups, nm * nm), np.float32)
    fars = np.zeros((nt, ngroups, 4), np.float32)
    has_mid = np.zeros((nt, ngroups), np.bool_)
    has_far = np.zeros((nt, ngroups), np.bool_)
    gsrvs = np.zeros((nt, npix), np.int32)
    tots = np.zeros((nt, npix), np.float32)
    mbest = np.zeros(nm * nm, np.float32)
    midx = np.zeros(nm * nm, np.int32)
    fbest = np.zeros(4, np.float32)
    fidx = np.zeros(4, np.int32)
    nbs = NBINS + 2
    for t in range(nt):
        if not tile_any[t] or n_ex_tile[t] == 0:
            continue
        tx0 = cx0 + (t % ntx) * T * res
        ty0 = cy0 - (t // ntx) * T * res
        ub = ubs[t]
        dmin = dmins[t]
        for j in range(n):
            ublin[j] = exp2f(ub[j] * _LOG2_10_OVER_10)
        ex_min = np.full(ngroups, np.inf)
        _tile_tot(idxs[t], sums[t], grp, wmat, gsrvs[t], tots[t])
        _ex_min(tmasks[t], bests[t], gsrvs[t], tots[t], noise_lin, ex_min)
        for g in range(ngroups):
            if ex_min[g] == np.float32(np.inf):
                ex_min[g] = np.inf
        top = -1e30
        for j in range(n):
            if not exact[t, j] and ub[j] > top:
                top = ub[j]
        for a in range(n_agg):
            if agg_db[a] > top:
                top = agg_db[a]
        if top <= -1e29:
            continue
        top = math.ceil(top / BIN_DB) * BIN_DB
        binsum = np.zeros((ngroups, nbs))
        for j in range(n):
            if not exact[t, j]:
                k = min(max(int((top - ub[j]) / BIN_DB), 0), NBINS)
                binsum[grp[cand[j]], k] += ublin[j]
        for a in range(n_agg):
            k = min(max(int((top - agg_db[a]) / BIN_DB), 0), NBINS)
            for h in range(ngroups):
                binsum[h, k] += agg_val[a, h]
        kend = _interference_kend(binsum, wmat, ex_min, noise_lin, eps)
        for j in range(n):
            if exact[t, j]:
                continue
            k = min(max(int((top - ub[j]) / BIN_DB), 0), NBINS)
            if k >= kend:
                continue
            c = cand[j]
            g = grp[c]
            cxl = np.float32(cx[c] - tx0)
            cyl = np.float32(cy[c] - ty0)
            if dmin[j] < far_m or not use_corners:
                eval_cell(c, cxl, cyl, cp, grp, mx, my, mbest, midx, mids[t], los_mode, use_d2_log, lp_kind, lp_d1,
                          lp_d2, lp_cp)
                has_mid[t, g] = True
                n_lat_total += nm * nm
            else:
                eval_cell(c, cxl, cyl, cp, grp, fx, fy, fbest, fidx, fars[t], los_mode, use_d2_log, lp_kind, lp_d1,
                          lp_d2, lp_cp)
                has_far[t, g] = True
                n_lat_total += 4
        for a in range(n_agg):
            if not keep_bin[agg[a]]:
                k = min(max(int((top - agg_db[a]) / BIN_DB), 0), NBINS)
                if k < kend:
                    keep_bin[agg[a]] = True
    # kept aggregate bins: every cell on the chunk's lattice (shared by its tiles)
    chl = np.zeros((ngroups, nf * nf), np.float32)
    has_ch = np.zeros(ngroups, np.bool_)
    nkc = 0
    for b in range(nsp):
        if keep_bin[b]:
            nkc += bin_start[b + 1] - bin_start[b]
    kept_cells = np.empty(nkc, np.int64)
    k = 0
    for b in range(nsp):
        if keep_bin[b]:
            for j in range(bin_start[b], bin_start[b + 1]):
                c = bin_order[j]
                kept_cells[k] = c
                k += 1
                has_ch[grp[c]] = True
    eval_points(kept_cells, cx0, cy0, cx, cy, cp, grp, chx, chy, chl, los_mode, use_d2_log, lp_kind, lp_d1, lp_d2,
                lp_cp)
    n_lat_total += nkc * nf * nf
    # 4. outputs: per tile, every lattice brought onto the tile's mid lattice, weighted per serving carrier,
    # interpolated once to the pixels
    latm = np.zeros((ngroups, nm * nm), np.float32)
    lw = np.zeros(nm * nm, np.float32)
    latp = np.zeros(npix, np.float32)
    vr = np.empty(npix, np.float32)
    vs = np.empty(npix, np.float32)
    vi = np.empty(npix, np.int32)
    used = np.zeros(ngroups, np.bool_)
    for t in range(nt):
        if not tile_any[t]:
            continue
        tr = (t // ntx) * T
        tc = (t % ntx) * T
        if n_ex_tile[t] == 0:
            # no cell reaches the noise floor anywhere in the tile: every pixel is without service
            for ri in range(T):
                base = ri * T
                ro = out_rsrp[tr + ri]
                so = out_sinr[tr + ri]
                io = out_idx[tr + ri]
                for ci in range(T):
                    m = tmasks[t, base + ci]
                    ro[tc + ci] = no_rsrp if m else ro[tc + ci]
                    so[tc + ci] = no_sinr if m else so[tc + ci]
                    io[tc + ci] = np.int32(-1) if m else io[tc + ci]
            continue
        any_lat = False
        for h in range(ngroups):
            latm[h, :] = 0.0
            if has_mid[t, h]:
                latm[h, :] += mids[t, h]
                any_lat = True
            if has_far[t, h]:
                _upsample(fars[t, h], 2, T, 0, 0, nm, mid_stride, latm[h])
                any_lat = True
            if has_ch[h]:
                _upsample(chl[h], nf, far_stride, tr, tc, nm, mid_stride, latm[h])
                any_lat = True
        gsrv = gsrvs[t]
        tot = tots[t]
        if any_lat:
            for g in range(ngroups):
                used[g] = False
            for i in range(npix):
                if tmasks[t, i] and idxs[t, i] >= 0:
                    used[gsrv[i]] = True
            for g in range(ngroups):
                if not used[g]:
                    continue
                lw[:] = 0.0
                nz = False
                for h in range(ngroups):
                    w = wmat[g, h]
                    if w > 0.0:
                        for q in range(nm * nm):
                            lw[q] += w * latm[h, q]
                            nz = nz or latm[h, q] > 0.0
                if not nz:
                    continue
                latp[:] = 0.0
                _interp_tile(lw, nm, mid_stride, T, latp)
                for i in range(npix):
                    tot[i] += latp[i] if gsrv[i] == g else np.float32(0.0)
        _write_tile(T, tmasks[t], bests[t], idxs[t], tot, cmap, noise_lin, no_rsrp, no_sinr, out_rsrp, out_sinr,
                    out_idx, tr, tc, vr, vs, vi)
    return n_exact_total, n_lat_total, n, opened


TILE_M = 1280.0  # [m] target tile edge: 64 pixels at 20 m


def tile_for(res: float) -> int:
    """Tile edge [pixel] for pixel size ``res`` [m]: a power of two of at most ``TILE`` = 64 pixels and about
    ``TILE_M`` (1.28 km), at least 4. A tile's near cells are evaluated at each of its pixels, so at coarse
    resolutions the tile shrinks in pixels to stay about a kilometre wide."""
    t = TILE
    while t > 4 and t * res > TILE_M * 1.0001:
        t //= 2
    return int(t)


def chunk_for(res: float) -> int:
    """Chunk edge [pixel] for pixel size ``res`` [m]: ``CHUNK`` (256) with 64-pixel tiles, else 4 tiles (at
    least 64 pixels)."""
    t = tile_for(res)
    return CHUNK if t == TILE else max(64, 4 * t)


def lattice_strides(res: float, tile: int = TILE, chunk: int = CHUNK) -> tuple[int, bool, int]:
    """``(mid_stride, use_corners, far_stride)`` for pixel size ``res`` [m]: the tile lattice step, a power
    of two of about ``MID_M`` (8 at 20 m, 1 at ≥ 160 m: every pixel exact); whether tile corners may serve
    interferers beyond ``FAR_M`` (tiles up to ``CORNER_MAX_M``); the step of the chunk lattice that serves
    the aggregate bins (about ``CORNER_MAX_M``: a tile at 20 m)."""
    mid = 1
    while mid * 2 <= tile and mid * 2 * res <= MID_M * 1.0001:
        mid *= 2
    use_corners = tile * res <= CORNER_MAX_M * 1.0001
    far = 1
    while far * 2 <= chunk and far * 2 * res <= CORNER_MAX_M * 1.0001:
        far *= 2
    return int(mid), bool(use_corners), int(far)


@nb.njit(cache=True)
def _cells_in_box(cx, cy, x0, y0, x1, y1):
    n = 0
    for c in range(cx.size):
        if x0 <= cx[c] <= x1 and y0 <= cy[c] <= y1:
            n += 1
    return n


class Layer:
    """A set of cells ready for the kernels: projected positions [m] (float64), the float32
    parameter matrix ``cp`` (columns ``P_*``), each cell's carrier group with the (G, G) overlap weights,
    the spatial bins of the cells with their bound tables, and the model flags."""

    def __init__(self, cells, xc, yc, params, bin_m: float = BIN_M):
        from .link import carrier_groups
        from .pathloss import kernel_coefficients, los_probability_params

        params.check_cells(cells.freq_ghz)
        n = len(cells)
        self.cells = cells
        self.params = params
        self.cx = np.ascontiguousarray(xc, dtype=np.float64)
        self.cy = np.ascontiguousarray(yc, dtype=np.float64)
        grp, self.carriers, wmat = carrier_groups(cells)
        self.grp = np.ascontiguousarray(grp, dtype=np.int32)
        self.ngroups = max(1, len(self.carriers))
        self.wmat = np.ascontiguousarray(wmat if len(self.carriers) else np.ones((1, 1)), dtype=np.float32)
        cp = np.zeros((n, NPARAM), np.float64)
        az = np.radians(cells.azimuth_deg)
        mech = np.radians(np.asarray(getattr(cells, "mechanical_tilt_deg", np.zeros(n)), dtype=float))
        cp[:, P_DH] = cells.height_m - params.h_ut
        cp[:, P_SIN] = np.sin(az)
        cp[:, P_COS] = np.cos(az)
        cp[:, P_ETILT] = np.radians(cells.tilt_deg) - mech
        cp[:, P_SB] = np.sin(mech)
        cp[:, P_CB] = np.cos(mech)
        cp[:, P_KH] = 12.0 / np.radians(cells.hpbw_h_deg) ** 2
        cp[:, P_KV] = 12.0 / np.radians(cells.hpbw_v_deg) ** 2
        cp[:, P_AM] = cells.a_m_db
        cp[:, P_SLA] = cells.sla_v_db
        cp[:, P_EIRP] = cells.rs_power_dbm + cells.gain_dbi
        cp[:, P_RMAX2] = np.minimum(params.max_range(cells.height_m), 1e18) ** 2
        if n:
            cp[:, P_DBP2 : P_B3 + 1] = kernel_coefficients(
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
        self._build_bins(float(bin_m))

    def _build_bins(self, bin_m: float) -> None:
        """Square spatial bins of ``bin_m`` [m]: cells sorted by bin (``bin_order``, CSR ``bin_start``),
        each bin's tight box ``(xmin, ymin, xmax, ymax)`` [m] and its bound tables (``umax``, ``usum``)."""
        n = len(self.cx)
        if n == 0:
            self.bin_order = np.zeros(0, np.int64)
            self.bin_start = np.zeros(1, np.int64)
            self.bin_box = np.zeros((0, 4))
            self.umax = np.zeros((0, NDIST), np.float32)
            self.usum = np.zeros((0, self.ngroups, NDIST), np.float32)
            return
        bx = np.floor((self.cx - self.cx.min()) / bin_m).astype(np.int64)
        by = np.floor((self.cy - self.cy.min()) / bin_m).astype(np.int64)
        key = by * (int(bx.max()) + 1) + bx
        order = np.argsort(key, kind="stable")
        ks = key[order]
        starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        self.bin_order = np.ascontiguousarray(order, dtype=np.int64)
        self.bin_start = np.ascontiguousarray(np.r_[starts, n], dtype=np.int64)
        nb_ = len(starts)
        sid = np.repeat(np.arange(nb_), np.diff(self.bin_start))
        cell_bin = np.empty(n, np.int64)
        cell_bin[order] = sid
        xs, ys = self.cx[order], self.cy[order]
        box = np.empty((nb_, 4))
        box[:, 0] = np.minimum.reduceat(xs, starts)
        box[:, 1] = np.minimum.reduceat(ys, starts)
        box[:, 2] = np.maximum.reduceat(xs, starts)
        box[:, 3] = np.maximum.reduceat(ys, starts)
        self.bin_box = np.ascontiguousarray(box)
        self.umax, self.usum = _bin_tables(
            cell_bin, self.cpt, self.grp, nb_, self.ngroups, self.los_mode, self.use_d2_log, *self.lp
        )

    def __len__(self):
        return len(self.cx)

    def payload(self) -> dict:
        """The picklable kernel inputs (no Cells object): what a Dask worker needs."""
        return {name: getattr(self, name) for name in PAYLOAD_FIELDS}


PAYLOAD_FIELDS = ("cx", "cy", "cp", "grp", "cmap", "wmat", "ngroups", "bin_order", "bin_start", "bin_box", "umax",
                  "usum", "noise_lin", "los_mode", "use_d2_log", "lp")


def run_chunk(payload, mask, r0, c0, x_left, y_top, res, *, tile=None, eps=0.05, near_m=NEAR_M, far_m=FAR_M,
              cand_m=CAND_M, mid_stride=None, no_rsrp=np.nan, no_sinr=np.nan, out=None):
    """Compute one chunk (``mask``: its CH x CH bool array, CH a multiple of ``tile``; top-left pixel
    (``r0``, ``c0``) of the raster whose outer corner is (``x_left``, ``y_top``) [m]). ``payload`` is a
    :class:`Layer` or its :meth:`Layer.payload`. Returns ``(rsrp, sinr, server, counters)``: float32
    [dBm] / [dB] (NaN outside the mask, ``no_rsrp`` / ``no_sinr`` where no service), int32 (-1)."""
    p = payload if isinstance(payload, dict) else payload.payload()
    CH = mask.shape[0]
    tile = int(tile or tile_for(res))
    if mask.shape[1] != CH or CH % tile:
        raise ValueError(f"a chunk is square with an edge that is a multiple of {tile}; got {mask.shape}")
    if out is None:
        rsrp = np.full((CH, CH), np.nan, np.float32)
        sinr = np.full((CH, CH), np.nan, np.float32)
        idx = np.full((CH, CH), -1, np.int32)
    else:
        rsrp, sinr, idx = out
    counters = {"exact": 0, "lattice": 0, "candidates": 0, "opened": 0}
    if len(p["cx"]) == 0 or not mask.any():
        idx[mask] = -1
        rsrp[mask] = no_rsrp
        sinr[mask] = no_sinr
        return rsrp, sinr, idx, counters
    mid, corners, far = lattice_strides(res, tile, CH)
    if mid_stride is not None:
        mid = int(mid_stride)
    ex, la, nc, op = compute_chunk(
        int(r0), int(c0), int(CH), int(tile), np.ascontiguousarray(mask, dtype=np.bool_), float(x_left), float(y_top),
        float(res), p["cx"], p["cy"], p["cp"], p["grp"], p["cmap"], p["wmat"], int(p["ngroups"]), p["bin_order"],
        p["bin_start"], p["bin_box"], p["umax"], p["usum"], float(p["noise_lin"]), float(eps), int(p["los_mode"]),
        bool(p["use_d2_log"]), int(p["lp"][0]), np.float32(p["lp"][1]), np.float32(p["lp"][2]),
        np.float32(p["lp"][3]), float(near_m), float(far_m), float(cand_m), int(mid), bool(corners), int(far),
        np.float32(no_rsrp), np.float32(no_sinr), rsrp, sinr, idx,
    )
    counters.update(exact=int(ex), lattice=int(la), candidates=int(nc), opened=int(op))
    return rsrp, sinr, idx, counters


def chunk_corners(mask: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """(row, column) of the top-left pixel of every chunk that holds at least one masked pixel."""
    return tile_corners(mask, chunk)


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
    tile=None,
    chunk=None,
    eps=0.05,
    near_m=NEAR_M,
    far_m=FAR_M,
    cand_m=CAND_M,
    mid_stride=None,
    threads=None,
):
    """Compute a whole in-memory raster (``mask`` bool H x W; ``x_left``, ``y_top`` its outer corner [m],
    ``res`` pixel size [m]) chunk by chunk on a thread pool; outputs are written in place (float32 RSRP
    [dBm] / SINR [dB] with NaN nodata and no service, int32 server = ``layer.cmap`` entry, -1 where none).
    ``tiles`` is accepted for compatibility and ignored (every chunk with a masked pixel is computed).
    Returns (exact cell-pixel evaluations, lattice evaluations)."""
    H, W = mask.shape
    if len(layer) == 0 or not mask.any():
        return 0, 0
    tile = int(tile or tile_for(res))
    chunk = int(chunk or (chunk_for(res) if tile == tile_for(res) else max(CHUNK // TILE * tile, tile)))
    corners = chunk_corners(mask, chunk)
    payload = layer.payload()

    def one(rc):
        r0, c0 = int(rc[0]), int(rc[1])
        m = np.zeros((chunk, chunk), bool)
        h, w = min(chunk, H - r0), min(chunk, W - c0)
        m[:h, :w] = mask[r0 : r0 + h, c0 : c0 + w]
        rs, si, ix, cnt = run_chunk(payload, m, r0, c0, x_left, y_top, res, tile=tile, eps=eps, near_m=near_m,
                                    far_m=far_m, cand_m=cand_m, mid_stride=mid_stride)
        sub = m[:h, :w]
        out_rsrp[r0 : r0 + h, c0 : c0 + w][sub] = rs[:h, :w][sub]
        out_sinr[r0 : r0 + h, c0 : c0 + w][sub] = si[:h, :w][sub]
        out_idx[r0 : r0 + h, c0 : c0 + w][sub] = ix[:h, :w][sub]
        return cnt["exact"], cnt["lattice"]

    ex = la = 0
    for e, lt in map_threads(one, corners, threads):
        ex += e
        la += lt
    return ex, la


def map_threads(func, items, threads=None):
    """``func`` over ``items`` on a pool of ``threads`` (default: numba's thread count) threads, results in
    completion order; the chunk kernel releases the GIL."""
    from concurrent.futures import ThreadPoolExecutor

    n = int(threads or nb.config.NUMBA_NUM_THREADS)
    if n <= 1 or len(items) <= 1:
        for it in items:
            yield func(it)
        return
    with ThreadPoolExecutor(max_workers=n) as pool:
        yield from pool.map(func, items)
