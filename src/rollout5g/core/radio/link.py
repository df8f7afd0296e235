"""Link budget per resource element: received power, best server, SINR, coverage criterion, and the
float64 brute-force reference that every fast path is checked against.

* Received power per RE [dBm] = SSB/RS power per RE [dBm] + antenna gain towards the UE [dBi]
  - path loss [dB] (UE antenna gain 0 dBi, no body or penetration loss: outdoor prediction).
  This is RSRP as 3GPP TS 38.215 clause 5.1.1 defines it (linear average over the REs that carry
  the reference signal, i.e. the power of one RE).
* Thermal noise per RE [dBm] = -174 dBm/Hz + 10 log10(SCS [Hz]) + NF [dB]; defaults SCS 30 kHz,
  NF 7 dB (-122.2 dBm).
* Best server: the cell with the highest received power (over every carrier of the layer).
* **Interference by carrier.** Each cell has a carrier: centre frequency f and channel bandwidth B
  (:mod:`rollout5g.core.radio.nr`). Interferer i reaches a UE served by s with weight
  ``w(s, i) = overlap(s, i) / B_s``, the share of the server's channel that i's channel covers
  (:func:`carrier_overlap`): at full load i transmits its RS power per RE on every RE of its channel,
  so averaged over the server's REs its interference per RE is ``w · P_i``. Same carrier: w = 1
  (shared networks, 共建共享, interfere fully); adjacent carriers (China Telecom's n78 at 3400-3500 MHz,
  China Unicom's at 3500-3600 MHz): w = 0; partial overlap: in between. Adjacent-channel leakage
  (ACLR ≥ 45 dB, TS 38.104 clause 6.6.3) is neglected. SINR = S / (Σ_i w(s, i) P_i + N).
* A cell is received only within its range, by default its radio horizon (smooth Earth, k = 4/3:
  :func:`rollout5g.core.radio.pathloss.radio_horizon_m`, 27.6 km for a 30 m mast): beyond it, nothing.
* A pixel where no cell is received above the noise floor has no server ("no service").
* Covered: RSRP ≥ -105 dBm and SINR ≥ -3 dB by default, at a **location probability** p: with
  log-normal shadow fading of standard deviation σ (TR 38.901 Table 7.4.1-1, per model and LOS mode,
  :func:`rollout5g.core.radio.pathloss.shadow_fading_sigma`) on the server's signal and the
  interference at its median (the sum of many independently faded interferers varies far less than one
  signal), RSRP and SINR move together by the fade X ~ N(0, σ), so both criteria hold with probability
  p exactly when ``RSRP_median - M ≥ rsrp_min`` and ``SINR_median - M ≥ sinr_min`` with the margin
  ``M = σ Φ⁻¹(p)`` [dB]: 0 dB at 50 % (the median prediction), 1.28 σ at 90 %, 1.64 σ at 95 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .antenna import bearing_deg, depression_deg, sector_attenuation
from .pathloss import (
    check_city,
    check_frequency,
    check_los_mode,
    check_model,
    path_loss,
    radio_horizon_m,
    shadow_fading_sigma,
)

BOLTZMANN_DBM_PER_HZ = -174.0  # [dBm/Hz] kT at 290 K


def thermal_noise_dbm(scs_khz: float = 30.0, noise_figure_db: float = 7.0) -> float:
    """Thermal noise per resource element [dBm]: ``-174 + 10 log10(SCS [Hz]) + NF``."""
    return BOLTZMANN_DBM_PER_HZ + 10.0 * np.log10(scs_khz * 1e3) + noise_figure_db


def dbm_to_mw(p_dbm):
    """[dBm] -> [mW]."""
    return 10.0 ** (np.asarray(p_dbm, dtype=float) / 10.0)


def mw_to_dbm(p_mw):
    """[mW] -> [dBm] (``-inf`` for 0)."""
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(p_mw, dtype=float))


@dataclass(frozen=True)
class RadioParams:
    """Propagation and link settings of one coverage run.

    ``model`` / ``los_mode`` / ``h_building`` / ``street_width`` / ``city`` as in
    :func:`rollout5g.core.radio.pathloss.path_loss`; ``h_ut`` UE height [m]; ``scs_khz`` subcarrier
    spacing [kHz]; ``noise_figure_db`` [dB]; ``rsrp_min`` [dBm] and ``sinr_min`` [dB] the coverage
    criterion; ``location_probability`` [0.5-0.999] the probability at which a pixel must meet it
    (0.5: the median prediction, no margin); ``shadow_fading_db`` σ [dB] overrides the model's value;
    ``max_range_m`` [m] the range of every cell (default None: each cell's radio horizon to the UE,
    :func:`rollout5g.core.radio.pathloss.radio_horizon_m`; ``math.inf``: unlimited);
    ``extrapolate`` allows frequencies outside the model's validity range.
    """

    model: str = "uma"
    los_mode: str = "weighted"
    h_ut: float = 1.5
    scs_khz: float = 30.0
    noise_figure_db: float = 7.0
    rsrp_min: float = -105.0
    sinr_min: float = -3.0
    h_building: float = 5.0
    street_width: float = 20.0
    city: str = "medium"
    extrapolate: bool = False
    location_probability: float = 0.5
    shadow_fading_db: float | None = None
    max_range_m: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "model", check_model(self.model))
        object.__setattr__(self, "los_mode", check_los_mode(self.los_mode))
        object.__setattr__(self, "city", check_city(self.city))
        if not 0.5 <= self.h_ut <= 30.0:
            raise ValueError(f"h_ut {self.h_ut} m is outside 0.5-30 m")
        if not 0.5 <= float(self.location_probability) <= 0.999:
            raise ValueError(f"location probability {self.location_probability} is outside 0.5-0.999")
        if self.shadow_fading_db is not None and not 0.0 <= float(self.shadow_fading_db) <= 20.0:
            raise ValueError(f"shadow fading {self.shadow_fading_db} dB is outside 0-20 dB")
        if self.max_range_m is not None and not float(self.max_range_m) > 0.0:
            raise ValueError(f"max_range_m must be > 0 m (math.inf: no limit), got {self.max_range_m}")

    def max_range(self, h_bs):
        """Range [m] of cells at heights ``h_bs`` [m]: ``max_range_m``, or by default the radio horizon to a
        UE at ``h_ut`` (:func:`rollout5g.core.radio.pathloss.radio_horizon_m`)."""
        h = np.asarray(h_bs, dtype=float)
        if self.max_range_m is not None:
            return np.full(h.shape, float(self.max_range_m))
        return np.asarray(radio_horizon_m(h, self.h_ut))

    @property
    def sigma_db(self) -> float:
        """Shadow-fading σ [dB]: ``shadow_fading_db`` or TR 38.901 Table 7.4.1-1's for the model."""
        if self.shadow_fading_db is not None:
            return float(self.shadow_fading_db)
        return shadow_fading_sigma(self.model, self.los_mode)

    @property
    def margin_db(self) -> float:
        """Location-probability margin M = σ Φ⁻¹(p) [dB] (0 at p = 0.5)."""
        return location_margin_db(self.location_probability, self.sigma_db)

    @property
    def noise_dbm(self) -> float:
        """Thermal noise per RE [dBm]."""
        return float(thermal_noise_dbm(self.scs_khz, self.noise_figure_db))

    def check_cells(self, freq_ghz) -> None:
        """Raise ``ValueError`` if a cell frequency is outside the model's validity range."""
        check_frequency(freq_ghz, self.model, self.extrapolate)


def location_margin_db(probability: float, sigma_db: float) -> float:
    """Margin [dB] for coverage at location probability ``probability`` under log-normal shadow fading of
    standard deviation ``sigma_db`` [dB]: ``σ Φ⁻¹(p)`` (Φ the standard normal CDF); 0 for p = 0.5."""
    from statistics import NormalDist

    p = float(probability)
    if not 0.0 < p < 1.0:
        raise ValueError(f"location probability {probability} is outside (0, 1)")
    return float(sigma_db) * NormalDist().inv_cdf(p)


def received_power_dbm(cells, xc, yc, px, py, params: RadioParams) -> np.ndarray:
    """Received power per RE [dBm], float64, shape (n_cells, n_pixels).

    ``xc, yc`` projected cell positions [m], ``px, py`` projected UE positions [m] (same CRS). The
    cells' mechanical tilt is applied by rotation (TR 38.901 eq. 7.1-7/7.1-8), the rest electrically.
    """
    xc = np.asarray(xc, dtype=float)[:, None]
    yc = np.asarray(yc, dtype=float)[:, None]
    dx = np.asarray(px, dtype=float)[None, :] - xc
    dy = np.asarray(py, dtype=float)[None, :] - yc
    d2d = np.hypot(dx, dy)
    col = lambda a: np.asarray(a, dtype=float)[:, None]  # noqa: E731
    h = col(cells.height_m)
    phi = bearing_deg(dx, dy) - col(cells.azimuth_deg)
    theta = depression_deg(d2d, h, params.h_ut)
    mech = getattr(cells, "mechanical_tilt_deg", None)
    att = sector_attenuation(
        phi,
        theta,
        col(cells.tilt_deg),
        col(cells.hpbw_h_deg),
        col(cells.hpbw_v_deg),
        col(cells.a_m_db),
        col(cells.sla_v_db),
        0.0 if mech is None else col(mech),
    )
    pl = path_loss(
        d2d,
        col(cells.freq_mhz) / 1000.0,
        h,
        params.h_ut,
        model=params.model,
        los_mode=params.los_mode,
        h_building=params.h_building,
        street_width=params.street_width,
        city=params.city,
        extrapolate=params.extrapolate,
    )
    rx = col(cells.rs_power_dbm) + col(cells.gain_dbi) - att - pl
    # nothing is received beyond a cell's range (by default its radio horizon)
    return np.where(d2d <= col(params.max_range(cells.height_m)), rx, -np.inf)


def carrier_overlap(f_s, b_s, f_i, b_i):
    """Interference weight of a cell on carrier ``(f_i, b_i)`` into a UE served on ``(f_s, b_s)``
    (centre frequencies and channel bandwidths [MHz]): the overlap of the two channels divided by the
    server's bandwidth, in [0, 1]. Channels that only touch (3400-3500 and 3500-3600 MHz) give 0."""
    f_s, b_s, f_i, b_i = (np.asarray(a, dtype=float) for a in (f_s, b_s, f_i, b_i))
    lo = np.maximum(f_s - b_s / 2.0, f_i - b_i / 2.0)
    hi = np.minimum(f_s + b_s / 2.0, f_i + b_i / 2.0)
    w = np.clip((hi - lo) / b_s, 0.0, 1.0)
    return float(w) if w.ndim == 0 else w


def carrier_groups(cells) -> tuple[np.ndarray, list[tuple[float, float]], np.ndarray]:
    """Interference groups of a layer: each cell's group (index into the distinct carriers), the carriers
    ``[(freq_mhz, bandwidth_mhz)]`` in first-seen order, and the (G, G) weight matrix
    ``W[s, i] = carrier_overlap(carrier s, carrier i)`` (1 on the diagonal)."""
    bw = getattr(cells, "bandwidth_mhz", None)
    if bw is None:
        bw = np.full(len(cells), 100.0)
    keys = list(zip(np.round(np.asarray(cells.freq_mhz, float), 6), np.round(np.asarray(bw, float), 6),
                    strict=True))
    lookup: dict = {}
    groups = np.empty(len(keys), np.int32)
    for n, key in enumerate(keys):
        groups[n] = lookup.setdefault(key, len(lookup))
    carriers = [(float(f), float(b)) for f, b in lookup]
    f = np.array([c[0] for c in carriers])
    b = np.array([c[1] for c in carriers])
    weights = carrier_overlap(f[:, None], b[:, None], f[None, :], b[None, :]) if carriers else np.zeros((0, 0))
    return groups, carriers, np.atleast_2d(np.asarray(weights, dtype=float)).reshape(len(carriers), len(carriers))


def band_groups(cells) -> tuple[np.ndarray, list[str]]:
    """Group of each cell by band name and the list of bands (kept for callers that report per band;
    interference is by carrier, :func:`carrier_groups`)."""
    names = cells.bands()
    lookup = {b: i for i, b in enumerate(names)}
    return np.array([lookup[str(b)] for b in cells.band], dtype=np.int32), names


def best_server(rx_dbm: np.ndarray, groups, noise_dbm: float, weights=None):
    """Best server, its RSRP [dBm] and SINR [dB] per pixel from a (n_cells, n_pixels) matrix.

    ``groups`` gives each cell's carrier group and ``weights[s, i]`` the interference weight of group i into
    a UE served by group s (default: identity, i.e. only the same group interferes).
    Returns ``(rsrp, sinr, server)``: float64 arrays (NaN where no cell is above ``noise_dbm``) and
    the row index of the best server (-1 there).
    """
    rx = np.asarray(rx_dbm, dtype=float)
    groups = np.asarray(groups)
    ng = int(groups.max()) + 1 if groups.size else 0
    weights = np.eye(ng) if weights is None else np.asarray(weights, dtype=float)
    server = np.argmax(rx, axis=0)
    cols = np.arange(rx.shape[1])
    s_dbm = rx[server, cols]
    lin = dbm_to_mw(rx)
    noise = dbm_to_mw(noise_dbm)
    w = weights[groups[server][None, :], groups[:, None]]  # (n_cells, n_pixels): weight of cell i at pixel p
    interference = (w * lin).sum(axis=0) - lin[server, cols]
    interference = np.maximum(interference, 0.0)
    sinr = s_dbm - mw_to_dbm(interference + noise)
    valid = s_dbm >= noise_dbm
    return np.where(valid, s_dbm, np.nan), np.where(valid, sinr, np.nan), np.where(valid, server, -1)


def brute_force(cells, xc, yc, px, py, params: RadioParams, chunk: int = 4096):
    """Float64 reference: every cell to every pixel, no cut-off, interference weighted by carrier
    overlap. Returns ``(rsrp, sinr, server)`` as :func:`best_server` does (server indexes ``cells``)."""
    px = np.asarray(px, dtype=float).ravel()
    py = np.asarray(py, dtype=float).ravel()
    groups, _, weights = carrier_groups(cells)
    out_r = np.full(px.size, np.nan)
    out_s = np.full(px.size, np.nan)
    out_i = np.full(px.size, -1, dtype=np.int64)
    step = max(1, int(chunk * 64 / max(len(cells), 1)))
    for a in range(0, px.size, step):
        rx = received_power_dbm(cells, xc, yc, px[a : a + step], py[a : a + step], params)
        r, s, i = best_server(rx, groups, params.noise_dbm, weights)
        out_r[a : a + step], out_s[a : a + step], out_i[a : a + step] = r, s, i
    return out_r, out_s, out_i


def covered(rsrp, sinr, rsrp_min: float = -105.0, sinr_min: float = -3.0, margin_db: float = 0.0):
    """Coverage criterion: ``rsrp >= rsrp_min + margin_db`` [dBm] and ``sinr >= sinr_min + margin_db`` [dB]
    (False on NaN); ``margin_db`` the location-probability margin (:func:`location_margin_db`)."""
    rsrp = np.asarray(rsrp, dtype=float)
    sinr = np.asarray(sinr, dtype=float)
    with np.errstate(invalid="ignore"):
        return (rsrp >= rsrp_min + margin_db) & (sinr >= sinr_min + margin_db)
