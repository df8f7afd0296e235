"""EMF exposure of base-station antennas: GB 8702-2014 public limits, far-field power density,
compliance distances / boundary, and a check of buildings against the compliance zone.

* Limits: GB 8702-2014 *Controlling limits for electromagnetic environment*, Table 1 (public
  exposure), equivalent plane-wave power density S_eq [W/m^2], f [MHz]:

  ==================  ==============
  0.1 MHz - 3 MHz     4
  3 MHz - 30 MHz      12 / f
  30 MHz - 3000 MHz   0.4
  3000 MHz - 15 GHz   f / 7500       (0.467 W/m^2 at 3.5 GHz)
  15 GHz - 300 GHz    2
  ==================  ==============

  Below 0.1 MHz the standard limits field strengths only (no S_eq): ``ValueError``.
* Assessment fraction: a single project (one site) is assessed against a fraction of the limit,
  1/5 by default (HJ/T 10.3-1996 clause 4.2, the single-project "management limit"); configurable.
* Far field: ``S = P G(φ, θ) / (4 π r^2)`` [W/m^2], ``P`` the cell's total transmit power [W] (all
  antenna ports), ``G`` its linear gain in that direction from the TR 38.901 sector pattern used by
  the coverage engine (:mod:`rollout5g.core.radio.antenna`), ``r`` the distance [m].
* Compliance distance in a direction: ``r = sqrt(P G / (4 π S_lim))``; in the main beam
  ``G = G_max``. The compliance boundary in the vertical plane of the boresight is
  ``r(θ) = sqrt(P G(0, θ) / (4 π S_lim))`` at each depression angle θ, i.e. the points
  ``(r cos θ, r sin θ)`` [m] (horizontal distance, height below the antenna).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .antenna import DEFAULT_A_M, DEFAULT_HPBW_H, DEFAULT_HPBW_V, DEFAULT_SLA_V, sector_attenuation

DEFAULT_FRACTION = 0.2  # HJ/T 10.3-1996: a single project gets 1/5 of the public limit

#: GB 8702-2014 Table 1 public power-density bands: (f_low, f_high) [MHz] and the formula label
GB8702_BANDS = (
    (0.1, 3.0, "4"),
    (3.0, 30.0, "12/f"),
    (30.0, 3000.0, "0.4"),
    (3000.0, 15000.0, "f/7500"),
    (15000.0, 300000.0, "2"),
)


def power_density_limit(freq_mhz):
    """GB 8702-2014 Table 1 public-exposure limit S_eq [W/m^2] at ``freq_mhz`` [MHz] (scalar or
    array). Raises ``ValueError`` outside 0.1 MHz - 300 GHz, where no power-density limit exists."""
    f = np.asarray(freq_mhz, dtype=float)
    if np.any(~np.isfinite(f)) or np.any(f < 0.1) or np.any(f > 300000.0):
        raise ValueError(
            f"frequency {freq_mhz} MHz: GB 8702-2014 sets a power-density limit only for 0.1 MHz - 300 GHz"
        )
    out = np.select(
        [f < 3.0, f < 30.0, f <= 3000.0, f <= 15000.0],
        [np.full_like(f, 4.0), 12.0 / f, np.full_like(f, 0.4), f / 7500.0],
        default=2.0,
    )
    return float(out) if out.ndim == 0 else out


def assessment_limit(freq_mhz, fraction: float = DEFAULT_FRACTION):
    """Limit applied to one project [W/m^2]: ``fraction`` (default 1/5, HJ/T 10.3-1996) of the
    GB 8702-2014 public limit."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    return power_density_limit(freq_mhz) * fraction


def power_density(p_w, gain_dbi, r_m):
    """Far-field power density ``S = P G / (4 π r^2)`` [W/m^2]; ``p_w`` total transmit power [W],
    ``gain_dbi`` the gain towards the point [dBi], ``r_m`` distance [m] (> 0)."""
    r = np.asarray(r_m, dtype=float)
    g = 10.0 ** (np.asarray(gain_dbi, dtype=float) / 10.0)
    out = np.asarray(p_w, dtype=float) * g / (4.0 * math.pi * r**2)
    return float(out) if out.ndim == 0 else out


def compliance_distance(p_w, gain_dbi, s_limit_w_m2):
    """Distance [m] beyond which ``S <= s_limit``: ``r = sqrt(P G / (4 π S_lim))``."""
    g = 10.0 ** (np.asarray(gain_dbi, dtype=float) / 10.0)
    out = np.sqrt(np.asarray(p_w, dtype=float) * g / (4.0 * math.pi * np.asarray(s_limit_w_m2, dtype=float)))
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class Antenna:
    """One sector antenna for EMF: position ``x, y`` [m] (projected CRS), ``height_m`` above ground,
    ``azimuth_deg`` (clockwise from north), ``tilt_deg`` (down), ``gain_dbi``, ``total_power_w`` [W],
    ``freq_mhz``, beamwidths [deg] and A_m / SLA_V [dB]."""

    x: float
    y: float
    height_m: float
    azimuth_deg: float
    tilt_deg: float
    gain_dbi: float
    total_power_w: float
    freq_mhz: float
    hpbw_h_deg: float = DEFAULT_HPBW_H
    hpbw_v_deg: float = DEFAULT_HPBW_V
    a_m_db: float = DEFAULT_A_M
    sla_v_db: float = DEFAULT_SLA_V

    def gain_towards(self, px, py, pz):
        """Gain [dBi] towards points (px, py) [m] at height pz [m] above ground."""
        dx = np.asarray(px, dtype=float) - self.x
        dy = np.asarray(py, dtype=float) - self.y
        dz = self.height_m - np.asarray(pz, dtype=float)
        phi = np.degrees(np.arctan2(dx, dy)) - self.azimuth_deg
        theta = np.degrees(np.arctan2(dz, np.hypot(dx, dy)))
        att = sector_attenuation(
            phi, theta, self.tilt_deg, self.hpbw_h_deg, self.hpbw_v_deg, self.a_m_db, self.sla_v_db
        )
        return self.gain_dbi - np.asarray(att)

    def density_at(self, px, py, pz):
        """Far-field power density [W/m^2] at points (px, py, pz) [m]."""
        dx = np.asarray(px, dtype=float) - self.x
        dy = np.asarray(py, dtype=float) - self.y
        dz = np.asarray(pz, dtype=float) - self.height_m
        r = np.maximum(np.sqrt(dx * dx + dy * dy + dz * dz), 0.01)
        return power_density(self.total_power_w, self.gain_towards(px, py, pz), r)


def compliance_boundary(antenna: Antenna, fraction: float = DEFAULT_FRACTION, theta_deg=None):
    """Compliance boundary in the boresight's vertical plane.

    Returns ``(theta_deg, r_m, horizontal_m, below_m)``: for each depression angle θ [deg] (default
    -90..90 every 0.5°), the compliance distance ``r(θ) = sqrt(P G(0, θ) / (4 π S_lim))`` [m] and
    its horizontal distance ``r cos θ`` and height below the antenna ``r sin θ`` [m]."""
    if theta_deg is None:
        theta_deg = np.arange(-90.0, 90.0001, 0.5)
    th = np.asarray(theta_deg, dtype=float)
    att = sector_attenuation(
        0.0, th, antenna.tilt_deg, antenna.hpbw_h_deg, antenna.hpbw_v_deg, antenna.a_m_db, antenna.sla_v_db
    )
    s_lim = assessment_limit(antenna.freq_mhz, fraction)
    r = compliance_distance(antenna.total_power_w, antenna.gain_dbi - np.asarray(att), s_lim)
    t = np.radians(th)
    return th, r, r * np.cos(t), r * np.sin(t)


@dataclass(frozen=True)
class Intrusion:
    """Result of checking one building: the highest power density found [W/m^2], its ratio to the
    assessment limit, whether it intrudes (ratio >= 1) and where (x, y, z) [m]."""

    name: str
    max_density_w_m2: float
    ratio: float
    intrudes: bool
    point: tuple[float, float, float]


def check_buildings(antennas, buildings, fraction: float = DEFAULT_FRACTION, step_m: float = 1.0):
    """Check buildings against the compliance zone of one or more antennas (densities add up).

    ``buildings``: iterable of ``(name, footprint, height_m)`` with a shapely polygon in the
    antennas' projected CRS and the roof height above ground [m]. Each footprint (boundary every
    ``step_m`` and a grid of its interior) is sampled at heights 0..height every ``step_m`` (and at
    each antenna height within it); the limit is the lowest assessment limit of the antennas.
    Returns a list of :class:`Intrusion`.
    """
    import shapely
    from shapely.ops import nearest_points

    antennas = list(antennas)
    if not antennas:
        raise ValueError("no antennas")
    s_lim = min(assessment_limit(a.freq_mhz, fraction) for a in antennas)
    r_max = max(compliance_distance(a.total_power_w, a.gain_dbi, s_lim) for a in antennas)
    out = []
    for name, poly, height in buildings:
        if height < 0:
            raise ValueError(f"building {name!r}: negative height {height}")
        # quick reject: farther than the main-beam compliance distance of every antenna
        near = [a for a in antennas if poly.distance(shapely.Point(a.x, a.y)) <= r_max + 1e-9]
        pts = [
            np.asarray(poly.exterior.interpolate(d).coords[0])
            for d in np.arange(0.0, poly.exterior.length, step_m)
        ]
        minx, miny, maxx, maxy = poly.bounds
        gx, gy = np.meshgrid(np.arange(minx, maxx + step_m, step_m), np.arange(miny, maxy + step_m, step_m))
        inside = shapely.contains_xy(poly, gx.ravel(), gy.ravel())
        xy = np.vstack(
            [np.array(pts).reshape(-1, 2), np.column_stack([gx.ravel()[inside], gy.ravel()[inside]])]
        )
        for a in near:
            q = nearest_points(poly, shapely.Point(a.x, a.y))[0]
            xy = np.vstack([xy, [q.x, q.y]])
        zs = np.arange(0.0, height + 1e-9, step_m)
        zs = np.unique(
            np.concatenate([zs, [height], [a.height_m for a in near if 0 <= a.height_m <= height]])
        )
        if not near:
            out.append(Intrusion(name, 0.0, 0.0, False, (float("nan"),) * 3))
            continue
        X = np.repeat(xy[:, 0], zs.size)
        Y = np.repeat(xy[:, 1], zs.size)
        Z = np.tile(zs, xy.shape[0])
        s = np.zeros(X.size)
        for a in near:
            s += a.density_at(X, Y, Z)
        k = int(np.argmax(s))
        ratio = float(s[k] / s_lim)
        out.append(Intrusion(name, float(s[k]), ratio, ratio >= 1.0, (float(X[k]), float(Y[k]), float(Z[k]))))
    return out
