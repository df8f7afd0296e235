"""The plain-language EMF assessment of a site for its public page, computed with the platform's engine
(:mod:`rollout5g.core.radio.emf`, GB 8702-2014 Table 1 public limits, far-field density ``S = P G / (4 π r²)`` with the
TR 38.901 sector pattern of the coverage engine).

Where people are: on the ground, at 1.7 m (the measuring height of HJ 1151-2020), around the site out to
:data:`RADIUS_M`. For every band the estimate is the highest density its cells give together there; the site's total
follows GB 8702-2014 clause 4.3 for several frequencies: the sum over the bands of (density / limit) must not exceed
1, taken at the worst point. The page says, per band: "限值 x，本站估算 y，为限值的 z%". The single-project management
value (1/5 of the limit, HJ/T 10.3-1996, the engine's ``DEFAULT_FRACTION``) is named beside it. A cell without a
total power cannot be assessed and is counted as such.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from rollout5g.core.radio.emf import DEFAULT_FRACTION, Antenna, power_density_limit

#: Height above ground of the estimate [m] (HJ 1151-2020 measures at 1.7 m).
PERSON_HEIGHT_M = 1.7
#: Ground area searched around the site: out to this horizontal distance [m], every STEP_M, every AZIMUTH_STEP_DEG.
RADIUS_M = 300.0
STEP_M = 1.0
AZIMUTH_STEP_DEG = 2.0
#: 1 W/m² = 100 μW/cm² (the unit the public notices use).
UW_CM2_PER_W_M2 = 100.0


@dataclass
class BandEstimate:
    band: str
    label: str
    freq_mhz: float
    cells: int
    limit_w_m2: float
    estimate_w_m2: float
    ratio: float
    distance_m: float

    @property
    def limit_uw_cm2(self) -> float:
        return self.limit_w_m2 * UW_CM2_PER_W_M2

    @property
    def estimate_uw_cm2(self) -> float:
        return self.estimate_w_m2 * UW_CM2_PER_W_M2

    @property
    def percent(self) -> float:
        return self.ratio * 100.0


@dataclass
class SiteEstimate:
    bands: list[BandEstimate] = field(default_factory=list)
    total_ratio: float = 0.0
    distance_m: float = 0.0
    cells: int = 0
    unassessed: int = 0
    fraction: float = DEFAULT_FRACTION

    @property
    def percent(self) -> float:
        return self.total_ratio * 100.0

    @property
    def within_limit(self) -> bool:
        return self.total_ratio <= 1.0

    @property
    def within_project_value(self) -> bool:
        return self.total_ratio <= self.fraction

    def as_dict(self) -> dict:
        return {"bands": [asdict(b) for b in self.bands], "total_ratio": self.total_ratio,
                "distance_m": self.distance_m, "cells": self.cells, "unassessed": self.unassessed,
                "fraction": self.fraction}

    @classmethod
    def from_dict(cls, data: dict | None) -> SiteEstimate | None:
        if not data:
            return None
        bands = [BandEstimate(**b) for b in data.get("bands", [])]
        return cls(bands=bands, total_ratio=data.get("total_ratio", 0.0), distance_m=data.get("distance_m", 0.0),
                   cells=data.get("cells", 0), unassessed=data.get("unassessed", 0),
                   fraction=data.get("fraction", DEFAULT_FRACTION))


def ground_points(radius_m: float = RADIUS_M, step_m: float = STEP_M, azimuth_step_deg: float = AZIMUTH_STEP_DEG):
    """(x, y) [m] of the points around the site (at its foot, then rings every ``step_m``)."""
    r = np.arange(step_m, radius_m + 1e-9, step_m)
    a = np.radians(np.arange(0.0, 360.0, azimuth_step_deg))
    rr, aa = np.meshgrid(r, a)
    x = np.concatenate([[0.0], (rr * np.sin(aa)).ravel()])
    y = np.concatenate([[0.0], (rr * np.cos(aa)).ravel()])
    return x, y


def estimate(antennas, *, band_labels: dict | None = None, unassessed: int = 0,
             fraction: float = DEFAULT_FRACTION, points=None, height_m: float = PERSON_HEIGHT_M) -> SiteEstimate:
    """The estimate of ``antennas`` — ``[(band, Antenna)]`` at the site's foot (x = y = 0) — at ``height_m`` above
    the ground ``points`` ((x, y) arrays; default: :func:`ground_points`)."""
    x, y = points if points is not None else ground_points()
    z = np.full_like(x, height_m)
    horizontal = np.hypot(x, y)
    groups: dict[str, list[Antenna]] = {}
    for band, antenna in antennas:
        groups.setdefault(band, []).append(antenna)
    out = SiteEstimate(cells=sum(len(g) for g in groups.values()), unassessed=unassessed, fraction=fraction)
    if not groups:
        return out
    total = np.zeros_like(x)
    for band, group in sorted(groups.items()):
        density = np.zeros_like(x)
        for antenna in group:
            density += antenna.density_at(x, y, z)
        freq = min(a.freq_mhz for a in group)
        limit = float(power_density_limit(freq))
        # the band's limit at its lowest frequency: the strictest of its carriers (the limit falls with f below 3 GHz
        # only in 3-30 MHz and is flat or rising above)
        limit = min(limit, *(float(power_density_limit(a.freq_mhz)) for a in group))
        k = int(np.argmax(density))
        out.bands.append(BandEstimate(
            band=band, label=(band_labels or {}).get(band, band), freq_mhz=freq, cells=len(group), limit_w_m2=limit,
            estimate_w_m2=float(density[k]), ratio=float(density[k] / limit), distance_m=float(horizontal[k])))
        total += density / limit
    k = int(np.argmax(total))
    out.total_ratio, out.distance_m = float(total[k]), float(horizontal[k])
    return out


def site_estimate(cells, **kwargs) -> SiteEstimate:
    """The estimate of a site's cells (rows of ``sites.Cell``: their own height, azimuth, tilt, gain, beamwidths,
    total power and centre frequency)."""
    antennas, labels, unassessed = [], {}, 0
    for cell in cells:
        if not cell.total_power_w:
            unassessed += 1
            continue
        antennas.append((cell.band, Antenna(
            x=0.0, y=0.0, height_m=cell.height_m, azimuth_deg=cell.azimuth_deg, tilt_deg=cell.tilt_deg,
            gain_dbi=cell.gain_dbi, total_power_w=cell.total_power_w, freq_mhz=cell.freq_mhz,
            hpbw_h_deg=cell.hpbw_h_deg, hpbw_v_deg=cell.hpbw_v_deg)))
        labels[cell.band] = cell.get_band_display()
    return estimate(antennas, band_labels=labels, unassessed=unassessed, **kwargs)


# -- measurements (HJ 1151-2020) ---------------------------------------------------------------------------------
#: GB 8702-2014 Table 1, 30 MHz - 3 GHz (the strictest band above 30 MHz, where every mobile carrier lies or
#: above): E 12 V/m, S_eq 0.4 W/m² = 40 μW/cm². A broadband measurement (HJ 1151-2020) is compared with it.
BROADBAND_E_LIMIT_V_M = 12.0
BROADBAND_S_LIMIT_UW_CM2 = 40.0


def measured_share(value: float, unit: str) -> tuple[float, float]:
    """(the limit in the unit measured, the value's share of it) for a broadband measurement in ``unit``
    (``"V/m"`` or ``"uW/cm2"``)."""
    limit = BROADBAND_E_LIMIT_V_M if unit == "V/m" else BROADBAND_S_LIMIT_UW_CM2
    return limit, value / limit
