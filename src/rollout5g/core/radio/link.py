"""Link budget per resource element: received power, best server, SINR, coverage criterion, and the
float64 brute-force reference that every fast path is checked against.

* Received power per RE [dBm] = SSB/RS power per RE [dBm] + antenna gain towards the UE [dBi]
  - path loss [dB] (UE antenna gain 0 dBi, no body or penetration loss: outdoor prediction).
  This is RSRP as 3GPP TS 38.215 clause 5.1.1 defines it (linear average over the REs that carry
  the reference signal, i.e. the power of one RE).
* Thermal noise per RE [dBm] = -174 dBm/Hz + 10 log10(SCS [Hz]) + NF [dB]; defaults SCS 30 kHz,
  NF 7 dB (-122.2 dBm).
* Best server: the cell with the highest received power. SINR = S / (sum of the received power of
  every other cell on the same band, at full load, + N): at full load every RE of an interferer is
  transmitted at the RS power per RE, so its interference per RE is its received power.
* A pixel where no cell is received above the noise floor has no server (nodata).
* Covered: RSRP >= -105 dBm and SINR >= -3 dB by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .antenna import bearing_deg, depression_deg, sector_attenuation
from .pathloss import check_city, check_frequency, check_los_mode, check_model, path_loss

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
    criterion; ``extrapolate`` allows frequencies outside the model's validity range.
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

    def __post_init__(self):
        object.__setattr__(self, "model", check_model(self.model))
        object.__setattr__(self, "los_mode", check_los_mode(self.los_mode))
        object.__setattr__(self, "city", check_city(self.city))
        if not 0.5 <= self.h_ut <= 30.0:
            raise ValueError(f"h_ut {self.h_ut} m is outside 0.5-30 m")

    @property
    def noise_dbm(self) -> float:
        """Thermal noise per RE [dBm]."""
        return float(thermal_noise_dbm(self.scs_khz, self.noise_figure_db))

    def check_cells(self, freq_ghz) -> None:
        """Raise ``ValueError`` if a cell frequency is outside the model's validity range."""
        check_frequency(freq_ghz, self.model, self.extrapolate)


def received_power_dbm(cells, xc, yc, px, py, params: RadioParams) -> np.ndarray:
    """Received power per RE [dBm], float64, shape (n_cells, n_pixels).

    ``xc, yc`` projected cell positions [m], ``px, py`` projected UE positions [m] (same CRS).
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
    att = sector_attenuation(
        phi,
        theta,
        col(cells.tilt_deg),
        col(cells.hpbw_h_deg),
        col(cells.hpbw_v_deg),
        col(cells.a_m_db),
        col(cells.sla_v_db),
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
    return col(cells.rs_power_dbm) + col(cells.gain_dbi) - att - pl


def band_groups(cells) -> tuple[np.ndarray, list[str]]:
    """Interference group of each cell (index into the list of distinct bands) and that list."""
    names = cells.bands()
    lookup = {b: i for i, b in enumerate(names)}
    return np.array([lookup[str(b)] for b in cells.band], dtype=np.int32), names


def best_server(rx_dbm: np.ndarray, groups, noise_dbm: float):
    """Best server, its RSRP [dBm] and SINR [dB] per pixel from a (n_cells, n_pixels) matrix.

    Returns ``(rsrp, sinr, server)``: float64 arrays (NaN where no cell is above ``noise_dbm``) and
    the row index of the best server (-1 there).
    """
    rx = np.asarray(rx_dbm, dtype=float)
    groups = np.asarray(groups)
    server = np.argmax(rx, axis=0)
    cols = np.arange(rx.shape[1])
    s_dbm = rx[server, cols]
    lin = dbm_to_mw(rx)
    noise = dbm_to_mw(noise_dbm)
    same = groups[:, None] == groups[server][None, :]
    interference = np.where(same, lin, 0.0).sum(axis=0) - lin[server, cols]
    interference = np.maximum(interference, 0.0)
    sinr = s_dbm - mw_to_dbm(interference + noise)
    valid = s_dbm >= noise_dbm
    return np.where(valid, s_dbm, np.nan), np.where(valid, sinr, np.nan), np.where(valid, server, -1)


def brute_force(cells, xc, yc, px, py, params: RadioParams, chunk: int = 4096):
    """Float64 reference: every cell to every pixel, no cut-off. Returns ``(rsrp, sinr, server)``
    as :func:`best_server` does (server indexes ``cells``)."""
    px = np.asarray(px, dtype=float).ravel()
    py = np.asarray(py, dtype=float).ravel()
    groups, _ = band_groups(cells)
    out_r = np.full(px.size, np.nan)
    out_s = np.full(px.size, np.nan)
    out_i = np.full(px.size, -1, dtype=np.int64)
    step = max(1, int(chunk * 64 / max(len(cells), 1)))
    for a in range(0, px.size, step):
        rx = received_power_dbm(cells, xc, yc, px[a : a + step], py[a : a + step], params)
        r, s, i = best_server(rx, groups, params.noise_dbm)
        out_r[a : a + step], out_s[a : a + step], out_i[a : a + step] = r, s, i
    return out_r, out_s, out_i


def covered(rsrp, sinr, rsrp_min: float = -105.0, sinr_min: float = -3.0):
    """Coverage criterion: ``rsrp >= rsrp_min`` [dBm] and ``sinr >= sinr_min`` [dB] (False on NaN)."""
    rsrp = np.asarray(rsrp, dtype=float)
    sinr = np.asarray(sinr, dtype=float)
    with np.errstate(invalid="ignore"):
        return (rsrp >= rsrp_min) & (sinr >= sinr_min)
