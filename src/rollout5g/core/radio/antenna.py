"""Sector antenna pattern of 3GPP TR 38.901 V17.0.0 Table 7.3-1, with a downtilt, and the geometry
(azimuth clockwise from north, depression angle) it is evaluated at.

Table 7.3-1 gives, for a single element, the vertical cut ``A_V(θ'') = -min(12((θ'' - 90°)/θ3dB)², SLA_V)``
and the horizontal cut ``A_H(φ'') = -min(12(φ''/φ3dB)², A_max)``, combined as
``A(θ'', φ'') = -min(-(A_V + A_H), A_max)``, with θ3dB = φ3dB = 65°, SLA_V = A_max = 30 dB and an
8 dBi peak. A macro-cell sector antenna (an array) is modelled here with the same formulas and the
cell's own beamwidths and peak gain, as network-planning tools do: with attenuations taken as
positive numbers [dB]::

    A_H = min(12 (φ / φ3dB)², A_m)                    φ: azimuth offset from the boresight [°]
    A_V = min(12 ((θ_dep - tilt) / θ3dB)², SLA_V)     θ_dep: depression angle antenna -> UE [°]
    A   = min(A_H + A_V, A_m)
    G   = G_max - A                                   [dBi]

``θ_dep = atan2(h_BS - h_UT, d2D)`` is the zenith-angle offset ``θ'' - 90°`` of the table written as
a depression angle (positive below the horizon), and ``tilt`` is the downtilt [°], positive down.
Defaults: φ3dB = 65°, θ3dB = 10°, A_m = SLA_V = 30 dB.

**Mechanical and electrical tilt.** An *electrical* tilt steers the beam inside the antenna's own
coordinate system (LCS): it shifts the vertical cut, ``A_V = min(12 ((θ'_dep - e_tilt)/θ3dB)², SLA_V)``.
A *mechanical* tilt turns the whole antenna: the UE direction is first rotated from the global system
(GCS) into the LCS by TR 38.901 V17.0.0 clause 7.1.3, eq. (7.1-7) and (7.1-8), with bearing α (the
azimuth), downtilt β (the mechanical tilt) and slant γ::

    θ' = arccos( cos β cos γ cos θ + (sin β cos γ cos(φ - α) - sin γ sin(φ - α)) sin θ )
    φ' = arg( cos β sin θ cos(φ - α) - sin β cos θ
              + j (cos β sin γ cos θ + (sin β sin γ cos(φ - α) + cos γ sin(φ - α)) sin θ) )

(θ zenith angles, 90° = horizon; φ azimuths counter-clockwise). Away from the boresight's vertical
plane the two differ: a 6° mechanical tilt lowers the beam by 6° at the boresight but by less to the
sides, while an electrical tilt lowers it by 6° everywhere. ``sector_attenuation(..., tilt_deg=total,
mech_tilt_deg=β)`` applies β by rotation and ``total - β`` electrically; with ``mech_tilt_deg = 0``
(the default) it is the plain Table 7.3-1 pattern with the beam steered down by ``tilt_deg``.
"""

from __future__ import annotations

import numpy as np

DEFAULT_HPBW_H = 65.0  # [deg]
DEFAULT_HPBW_V = 10.0  # [deg]
DEFAULT_A_M = 30.0  # [dB] front-to-back ratio A_max (Table 7.3-1)
DEFAULT_SLA_V = 30.0  # [dB] vertical side-lobe attenuation (Table 7.3-1)


def wrap_deg(angle):
    """Wrap an angle [deg] into [-180, 180)."""
    return (np.asarray(angle, dtype=float) + 180.0) % 360.0 - 180.0


def bearing_deg(dx, dy):
    """Azimuth [deg], clockwise from north (grid north of the projected CRS), of the vector
    ``(dx east, dy north)`` [m], in [0, 360)."""
    return np.degrees(np.arctan2(dx, dy)) % 360.0


def depression_deg(d2d, h_bs, h_ut=1.5):
    """Depression angle [deg] from an antenna at height ``h_bs`` [m] to a UE at ``h_ut`` [m] at
    horizontal distance ``d2d`` [m] (unclamped): ``atan2(h_bs - h_ut, d2d)``; 90° straight below."""
    return np.degrees(np.arctan2(np.asarray(h_bs, dtype=float) - h_ut, np.asarray(d2d, dtype=float)))


def horizontal_attenuation(phi_deg, hpbw_h=DEFAULT_HPBW_H, a_m=DEFAULT_A_M):
    """``A_H = min(12 (φ/φ3dB)², A_m)`` [dB]; ``phi_deg`` offset from the boresight [deg] (any
    range, wrapped), ``hpbw_h`` = φ3dB [deg], ``a_m`` [dB]. TR 38.901 Table 7.3-1."""
    phi = wrap_deg(phi_deg)
    return np.minimum(12.0 * (phi / hpbw_h) ** 2, a_m)


def vertical_attenuation(theta_dep_deg, tilt_deg=0.0, hpbw_v=DEFAULT_HPBW_V, sla_v=DEFAULT_SLA_V):
    """``A_V = min(12 ((θ_dep - tilt)/θ3dB)², SLA_V)`` [dB]; angles [deg], ``sla_v`` [dB].
    TR 38.901 Table 7.3-1 with the beam steered down by ``tilt_deg``."""
    t = np.asarray(theta_dep_deg, dtype=float) - tilt_deg
    return np.minimum(12.0 * (t / hpbw_v) ** 2, sla_v)


def lcs_angles(theta_deg, phi_deg, alpha_deg=0.0, beta_deg=0.0, gamma_deg=0.0):
    """Zenith and azimuth angles ``(θ', φ')`` [deg] in the antenna's local coordinate system of a
    direction ``(θ, φ)`` [deg] in the global one, for an antenna with bearing ``alpha_deg``, downtilt
    ``beta_deg`` and slant ``gamma_deg`` [deg]: TR 38.901 V17.0.0 clause 7.1.3, eq. (7.1-7) and
    (7.1-8). Zenith angles from the z axis (90° = horizon), azimuths counter-clockwise."""
    th = np.radians(np.asarray(theta_deg, dtype=float))
    dp = np.radians(np.asarray(phi_deg, dtype=float) - alpha_deg)
    b = np.radians(beta_deg)
    g = np.radians(gamma_deg)
    cos_tp = np.cos(b) * np.cos(g) * np.cos(th) + (
        np.sin(b) * np.cos(g) * np.cos(dp) - np.sin(g) * np.sin(dp)
    ) * np.sin(th)
    theta_p = np.degrees(np.arccos(np.clip(cos_tp, -1.0, 1.0)))
    re = np.cos(b) * np.sin(th) * np.cos(dp) - np.sin(b) * np.cos(th)
    im = np.cos(b) * np.sin(g) * np.cos(th) + (np.sin(b) * np.sin(g) * np.cos(dp) + np.cos(g) * np.sin(dp)) * np.sin(
        th
    )
    phi_p = np.degrees(np.arctan2(im, re))
    if np.ndim(theta_p) == 0:
        return float(theta_p), float(phi_p)
    return theta_p, phi_p


def sector_attenuation(
    phi_deg,
    theta_dep_deg,
    tilt_deg=0.0,
    hpbw_h=DEFAULT_HPBW_H,
    hpbw_v=DEFAULT_HPBW_V,
    a_m=DEFAULT_A_M,
    sla_v=DEFAULT_SLA_V,
    mech_tilt_deg=0.0,
):
    """Combined attenuation ``A = min(A_H + A_V, A_m)`` [dB] below the peak gain (Table 7.3-1).

    Parameters
    ----------
    phi_deg : float or ndarray
        Azimuth of the UE minus the antenna azimuth [deg] (clockwise; the pattern is symmetric).
    theta_dep_deg : float or ndarray
        Depression angle from the antenna to the UE [deg], positive below the horizon.
    tilt_deg : float or ndarray
        Total downtilt (mechanical + electrical) [deg], positive down.
    hpbw_h, hpbw_v : float or ndarray
        Horizontal / vertical half-power beamwidths φ3dB, θ3dB [deg].
    a_m, sla_v : float or ndarray
        Maximum attenuation A_m and vertical side-lobe level SLA_V [dB].
    mech_tilt_deg : float or ndarray
        The mechanical part β of the downtilt [deg]: applied by rotating the UE direction into the
        antenna's coordinate system (TR 38.901 eq. 7.1-7 / 7.1-8, bearing 0, slant 0); the rest
        ``tilt_deg - mech_tilt_deg`` is electrical. 0 (default): the whole tilt is electrical.
    """
    phi = wrap_deg(phi_deg)
    dep = np.asarray(theta_dep_deg, dtype=float)
    beta = np.asarray(mech_tilt_deg, dtype=float)
    if np.any(beta != 0.0):
        theta_p, phi_p = lcs_angles(90.0 + dep, phi, 0.0, beta)
        phi = np.asarray(phi_p)
        dep = np.asarray(theta_p) - 90.0
    a_h = horizontal_attenuation(phi, hpbw_h, a_m)
    a_v = vertical_attenuation(dep, np.asarray(tilt_deg, dtype=float) - beta, hpbw_v, sla_v)
    out = np.minimum(a_h + a_v, a_m)
    if np.ndim(out) == 0:
        return float(out)
    return out


def sector_gain_dbi(
    dx,
    dy,
    h_bs,
    azimuth_deg,
    tilt_deg,
    gain_dbi,
    h_ut=1.5,
    hpbw_h=DEFAULT_HPBW_H,
    hpbw_v=DEFAULT_HPBW_V,
    a_m=DEFAULT_A_M,
    sla_v=DEFAULT_SLA_V,
    mech_tilt_deg=0.0,
):
    """Antenna gain [dBi] towards a UE at offset ``(dx east, dy north)`` [m] from the antenna:
    ``G_max - min(A_H + A_V, A_m)`` with φ = bearing - azimuth and θ_dep from the heights [m];
    ``mech_tilt_deg`` of the total ``tilt_deg`` is mechanical (see :func:`sector_attenuation`)."""
    dx = np.asarray(dx, dtype=float)
    dy = np.asarray(dy, dtype=float)
    phi = bearing_deg(dx, dy) - azimuth_deg
    theta = depression_deg(np.hypot(dx, dy), h_bs, h_ut)
    return gain_dbi - np.asarray(
        sector_attenuation(phi, theta, tilt_deg, hpbw_h, hpbw_v, a_m, sla_v, mech_tilt_deg)
    )
