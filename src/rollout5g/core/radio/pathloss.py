"""Large-scale path loss: 3GPP TR 38.901 V17.0.0 UMa / UMi-Street Canyon / RMa and COST-231 Hata.

Every function takes scalars or numpy arrays (broadcast together) and returns float64 [dB] of the
broadcast shape (a Python float for all-scalar input). These are the float64 *reference*
implementations: they follow the standard's formulas literally and are what the fast kernels
(:mod:`rollout5g.core.radio.kernels`) are tested against.

Conventions (3GPP TR 38.901 V17.0.0, clause 7.4.1, Table 7.4.1-1 and its notes):

* ``fc`` is the centre frequency normalised by 1 GHz in the formulas, [Hz] in breakpoint distances;
  c = 3.0e8 m/s.
* ``d2D`` is clamped to at least 10 m (the table's lower validity bound); above the table's upper
  bound (5 km UMa/UMi, 10 km RMa LOS, 5 km RMa NLOS) the formulas are extrapolated, because
  interference from far cells must still be summed.
* ``d3D = sqrt(d2D**2 + (h_BS - h_UT)**2)`` [m].
* UMa / UMi breakpoint ``d'BP = 4 h'BS h'UT fc / c`` with effective heights ``h' = h - h_E`` and
  ``h_E = 1 m`` (Note 1; the UMa case ``h_E = 1 m`` with probability ``1/(1 + C(d2D, hUT))`` is
  always 1 m for ``hUT < 13 m``, and is taken as 1 m throughout).
* RMa breakpoint ``dBP = 2 pi h_BS h_UT fc / c`` (Note 5), with the RMa parameters ``h`` (average
  building height, default 5 m) and ``W`` (street width, default 20 m); validity 5 m <= h <= 50 m,
  5 m <= W <= 50 m, 10 m <= h_BS <= 150 m, 1 m <= h_UT <= 10 m. ``PL2 = PL1(dBP) + 40 log10(d3D/dBP)``
  evaluates PL1 with the distance argument ``dBP``.
* ``los_mode``: ``"los"`` the LOS formula; ``"nlos"`` the NLOS formula, which the table defines as
  ``max(PL_LOS, PL'_NLOS)``; ``"weighted"`` the LOS-probability-weighted received power, in linear
  terms: the path *gain* is ``Pr_LOS 10^(-PL_LOS/10) + (1 - Pr_LOS) 10^(-PL_NLOS/10)``, i.e.
  ``PL = -10 log10(Pr_LOS 10^(-PL_LOS/10) + (1 - Pr_LOS) 10^(-PL_NLOS/10))``, with ``Pr_LOS`` from
  Table 7.4.2-1. This is the expected received power over the LOS/NLOS state the standard draws per
  link (clause 7.6.3 / 7.5 step 2: the state is random with probability Pr_LOS), so the expected
  interference at a pixel is the sum of the cells' expected powers and server and interferers are
  treated alike. A mean of the two path losses in dB is neither the mean nor the median of the
  received power and is not defined by the standard; it is not offered.
* Shadow fading (Table 7.4.1-1, column σ_SF): :func:`shadow_fading_sigma` gives the log-normal standard
  deviation [dB] used for the location-probability margin (:mod:`rollout5g.core.radio.link`).
* Frequency range (note to Table 7.4.1-1): 0.5 GHz <= fc <= 100 GHz (RMa: <= 30 GHz).

COST-231 Hata (COST Action 231 final report, "Digital mobile radio towards future generation
systems", 1999, clause 4.4.1)::

    L = 46.3 + 33.9 log10(f) - 13.82 log10(h_b) - a(h_m) + (44.9 - 6.55 log10(h_b)) log10(d) + C_m

with f [MHz], d [km] (= d2D), a(h_m) = (1.1 log10 f - 0.7) h_m - (1.56 log10 f - 0.8) and C_m = 0 dB
for a medium-sized city; for a metropolitan centre C_m = 3 dB and the large-city correction
a(h_m) = 3.2 (log10(11.75 h_m))**2 - 4.97 (Hata 1980, f >= 400 MHz). Validity 1500-2000 MHz,
h_b 30-200 m, h_m 1-10 m, d 1-20 km. It has no LOS/NLOS distinction, so ``los_mode`` is ignored.
"""

from __future__ import annotations

import numpy as np

SPEED_OF_LIGHT = 3.0e8  # [m/s] as fixed by TR 38.901 Note 1
MIN_D2D = 10.0  # [m] lower validity bound of Table 7.4.1-1; d2D is clamped to it
H_E = 1.0  # [m] effective environment height for UMa / UMi (Table 7.4.1-1 Note 1)

MODELS = ("uma", "umi", "rma", "cost231")
LOS_MODES = ("los", "nlos", "weighted")
CITY_TYPES = ("medium", "metropolitan")

#: valid centre-frequency range per model [GHz]
FREQ_RANGE_GHZ = {"uma": (0.5, 100.0), "umi": (0.5, 100.0), "rma": (0.5, 30.0), "cost231": (1.5, 2.0)}


def check_model(model: str) -> str:
    """Return the normalised model name or raise ``ValueError`` listing the valid ones."""
    key = str(model).lower().replace("-", "").replace("_", "")
    if key in ("umistreetcanyon", "umisc"):
        key = "umi"
    if key not in MODELS:
        raise ValueError(f"unknown path-loss model {model!r}; valid: {', '.join(MODELS)}")
    return key


def check_los_mode(los_mode: str) -> str:
    """Return the normalised LOS mode or raise ``ValueError`` listing the valid ones."""
    key = str(los_mode).lower()
    if key not in LOS_MODES:
        raise ValueError(f"unknown los_mode {los_mode!r}; valid: {', '.join(LOS_MODES)}")
    return key


def check_city(city: str) -> str:
    """Return the COST-231 city type or raise ``ValueError`` listing the valid ones."""
    key = str(city).lower()
    if key not in CITY_TYPES:
        raise ValueError(f"unknown COST-231 city type {city!r}; valid: {', '.join(CITY_TYPES)}")
    return key


def check_frequency(freq_ghz, model: str, extrapolate: bool = False) -> None:
    """Raise ``ValueError`` when a frequency [GHz] is outside ``model``'s validity range."""
    if extrapolate:
        return
    lo, hi = FREQ_RANGE_GHZ[check_model(model)]
    f = np.asarray(freq_ghz, dtype=float)
    if np.any(~np.isfinite(f)) or np.any(f < lo - 1e-9) or np.any(f > hi + 1e-9):
        raise ValueError(
            f"frequency {np.min(f):g}-{np.max(f):g} GHz is outside the validity range {lo:g}-{hi:g} GHz "
            f"of model {model!r} (pass extrapolate=True to evaluate anyway)"
        )


def _out(x, *inputs):
    x = np.asarray(x, dtype=float)
    if all(np.ndim(v) == 0 for v in inputs):
        return float(x)
    return x


def distance_3d(d2d, h_bs, h_ut=1.5):
    """3D distance [m] from the clamped 2D distance ``max(d2d, 10)`` [m] and heights [m]."""
    d2 = np.maximum(np.asarray(d2d, dtype=float), MIN_D2D)
    return np.sqrt(d2**2 + (np.asarray(h_bs, dtype=float) - h_ut) ** 2)


def breakpoint_distance(freq_ghz, h_bs, h_ut=1.5, model: str = "uma"):
    """Breakpoint distance [m] (TR 38.901 Table 7.4.1-1 Notes 1 and 5).

    UMa / UMi: ``d'BP = 4 (h_BS - 1)(h_UT - 1) fc / c``; RMa: ``dBP = 2 pi h_BS h_UT fc / c``;
    ``fc`` [Hz] = ``freq_ghz`` * 1e9, heights [m]. COST-231 has none (returns ``inf``).
    """
    model = check_model(model)
    f_hz = np.asarray(freq_ghz, dtype=float) * 1e9
    h_bs = np.asarray(h_bs, dtype=float)
    if model in ("uma", "umi"):
        out = 4.0 * (h_bs - H_E) * (h_ut - H_E) * f_hz / SPEED_OF_LIGHT
    elif model == "rma":
        out = 2.0 * np.pi * h_bs * h_ut * f_hz / SPEED_OF_LIGHT
    else:
        out = np.full(np.broadcast(f_hz, h_bs).shape, np.inf)
    return _out(out, freq_ghz, h_bs)


def los_probability(d2d, model: str = "uma", h_ut=1.5):
    """LOS probability [0-1] of TR 38.901 V17.0.0 Table 7.4.2-1 (outdoor users).

    * RMa: 1 for d2D <= 10 m, else ``exp(-(d2D - 10) / 1000)``.
    * UMi-Street Canyon: 1 for d2D <= 18 m, else ``18/d2D + exp(-d2D/36) (1 - 18/d2D)``.
    * UMa: 1 for d2D <= 18 m, else ``[18/d2D + exp(-d2D/63)(1 - 18/d2D)]
      [1 + C'(hUT) 5/4 (d2D/100)**3 exp(-d2D/150)]`` with ``C'(hUT) = 0`` for hUT <= 13 m and
      ``((hUT - 13)/10)**1.5`` for 13 m < hUT <= 23 m.

    ``d2d`` [m] (not clamped), ``h_ut`` [m]. COST-231 has no LOS notion: returns 0.
    """
    model = check_model(model)
    d = np.asarray(d2d, dtype=float)
    ds = np.where(d > 0, d, 1.0)
    if model == "rma":
        p = np.where(d <= 10.0, 1.0, np.exp(-(d - 10.0) / 1000.0))
    elif model == "umi":
        p = np.where(d <= 18.0, 1.0, 18.0 / ds + np.exp(-d / 36.0) * (1.0 - 18.0 / ds))
    elif model == "uma":
        c_prime = 0.0 if h_ut <= 13.0 else ((h_ut - 13.0) / 10.0) ** 1.5
        base = 18.0 / ds + np.exp(-d / 63.0) * (1.0 - 18.0 / ds)
        p = np.where(d <= 18.0, 1.0, base * (1.0 + c_prime * 1.25 * (d / 100.0) ** 3 * np.exp(-d / 150.0)))
    else:
        p = np.zeros_like(d)
    return _out(p, d2d)


def uma_los(d2d, freq_ghz, h_bs=25.0, h_ut=1.5):
    """UMa LOS path loss [dB], TR 38.901 V17.0.0 Table 7.4.1-1.

    ``PL1 = 28.0 + 22 log10(d3D) + 20 log10(fc)`` for 10 m <= d2D <= d'BP;
    ``PL2 = 28.0 + 40 log10(d3D) + 20 log10(fc) - 9 log10(d'BP**2 + (h_BS - h_UT)**2)`` beyond.
    ``d2d`` [m], ``freq_ghz`` [GHz], heights [m].
    """
    d2 = np.maximum(np.asarray(d2d, dtype=float), MIN_D2D)
    d3 = distance_3d(d2, h_bs, h_ut)
    fc = np.asarray(freq_ghz, dtype=float)
    dbp = np.asarray(breakpoint_distance(fc, h_bs, h_ut, "uma"))
    pl1 = 28.0 + 22.0 * np.log10(d3) + 20.0 * np.log10(fc)
    pl2 = (
        28.0
        + 40.0 * np.log10(d3)
        + 20.0 * np.log10(fc)
        - 9.0 * np.log10(dbp**2 + (np.asarray(h_bs) - h_ut) ** 2)
    )
    return _out(np.where(d2 <= dbp, pl1, pl2), d2d, freq_ghz, h_bs)


def uma_nlos(d2d, freq_ghz, h_bs=25.0, h_ut=1.5):
    """UMa NLOS path loss [dB]: ``max(PL_UMa-LOS, PL'_UMa-NLOS)`` (TR 38.901 V17.0.0 Table 7.4.1-1),
    ``PL' = 13.54 + 39.08 log10(d3D) + 20 log10(fc) - 0.6 (h_UT - 1.5)``."""
    d3 = distance_3d(d2d, h_bs, h_ut)
    fc = np.asarray(freq_ghz, dtype=float)
    pl_n = 13.54 + 39.08 * np.log10(d3) + 20.0 * np.log10(fc) - 0.6 * (h_ut - 1.5)
    return _out(np.maximum(uma_los(d2d, fc, h_bs, h_ut), pl_n), d2d, freq_ghz, h_bs)


def umi_los(d2d, freq_ghz, h_bs=10.0, h_ut=1.5):
    """UMi-Street Canyon LOS path loss [dB], TR 38.901 V17.0.0 Table 7.4.1-1.

    ``PL1 = 32.4 + 21 log10(d3D) + 20 log10(fc)`` for 10 m <= d2D <= d'BP;
    ``PL2 = 32.4 + 40 log10(d3D) + 20 log10(fc) - 9.5 log10(d'BP**2 + (h_BS - h_UT)**2)`` beyond.
    """
    d2 = np.maximum(np.asarray(d2d, dtype=float), MIN_D2D)
    d3 = distance_3d(d2, h_bs, h_ut)
    fc = np.asarray(freq_ghz, dtype=float)
    dbp = np.asarray(breakpoint_distance(fc, h_bs, h_ut, "umi"))
    pl1 = 32.4 + 21.0 * np.log10(d3) + 20.0 * np.log10(fc)
    pl2 = (
        32.4
        + 40.0 * np.log10(d3)
        + 20.0 * np.log10(fc)
        - 9.5 * np.log10(dbp**2 + (np.asarray(h_bs) - h_ut) ** 2)
    )
    return _out(np.where(d2 <= dbp, pl1, pl2), d2d, freq_ghz, h_bs)


def umi_nlos(d2d, freq_ghz, h_bs=10.0, h_ut=1.5):
    """UMi-Street Canyon NLOS path loss [dB]: ``max(PL_UMi-LOS, PL'_UMi-NLOS)``,
    ``PL' = 35.3 log10(d3D) + 22.4 + 21.3 log10(fc) - 0.3 (h_UT - 1.5)`` (Table 7.4.1-1)."""
    d3 = distance_3d(d2d, h_bs, h_ut)
    fc = np.asarray(freq_ghz, dtype=float)
    pl_n = 35.3 * np.log10(d3) + 22.4 + 21.3 * np.log10(fc) - 0.3 * (h_ut - 1.5)
    return _out(np.maximum(umi_los(d2d, fc, h_bs, h_ut), pl_n), d2d, freq_ghz, h_bs)


def _rma_pl1(d3, fc, h):
    return (
        20.0 * np.log10(40.0 * np.pi * d3 * fc / 3.0)
        + min(0.03 * h**1.72, 10.0) * np.log10(d3)
        - min(0.044 * h**1.72, 14.77)
        + 0.002 * np.log10(h) * d3
    )


def rma_los(d2d, freq_ghz, h_bs=35.0, h_ut=1.5, h_building=5.0):
    """RMa LOS path loss [dB], TR 38.901 V17.0.0 Table 7.4.1-1.

    ``PL1 = 20 log10(40 pi d3D fc / 3) + min(0.03 h**1.72, 10) log10(d3D) - min(0.044 h**1.72, 14.77)
    + 0.002 log10(h) d3D`` for 10 m <= d2D <= dBP; ``PL2 = PL1(dBP) + 40 log10(d3D / dBP)`` beyond.
    ``h_building`` is the average building height h [m].
    """
    d2 = np.maximum(np.asarray(d2d, dtype=float), MIN_D2D)
    d3 = distance_3d(d2, h_bs, h_ut)
    fc = np.asarray(freq_ghz, dtype=float)
    dbp = np.asarray(breakpoint_distance(fc, h_bs, h_ut, "rma"))
    pl1 = _rma_pl1(d3, fc, h_building)
    pl2 = _rma_pl1(dbp, fc, h_building) + 40.0 * np.log10(d3 / dbp)
    return _out(np.where(d2 <= dbp, pl1, pl2), d2d, freq_ghz, h_bs)


def rma_nlos(d2d, freq_ghz, h_bs=35.0, h_ut=1.5, h_building=5.0, street_width=20.0):
    """RMa NLOS path loss [dB]: ``max(PL_RMa-LOS, PL'_RMa-NLOS)`` (TR 38.901 V17.0.0 Table 7.4.1-1)::

        PL' = 161.04 - 7.1 log10(W) + 7.5 log10(h) - (24.37 - 3.7 (h/h_BS)**2) log10(h_BS)
              + (43.42 - 3.1 log10(h_BS)) (log10(d3D) - 3) + 20 log10(fc)
              - (3.2 (log10(11.75 h_UT))**2 - 4.97)

    ``h_building`` = h, ``street_width`` = W [m].
    """
    d3 = distance_3d(d2d, h_bs, h_ut)
    fc = np.asarray(freq_ghz, dtype=float)
    hb = np.asarray(h_bs, dtype=float)
    h, w = h_building, street_width
    pl_n = (
        161.04
        - 7.1 * np.log10(w)
        + 7.5 * np.log10(h)
        - (24.37 - 3.7 * (h / hb) ** 2) * np.log10(hb)
        + (43.42 - 3.1 * np.log10(hb)) * (np.log10(d3) - 3.0)
        + 20.0 * np.log10(fc)
        - (3.2 * np.log10(11.75 * h_ut) ** 2 - 4.97)
    )
    return _out(np.maximum(rma_los(d2d, fc, h_bs, h_ut, h), pl_n), d2d, freq_ghz, h_bs)


def cost231_hata(d2d, freq_ghz, h_bs=30.0, h_ut=1.5, city: str = "medium"):
    """COST-231 Hata path loss [dB] (COST 231 final report clause 4.4.1); see the module docstring.

    ``d2d`` [m] (clamped to 10 m, converted to km), ``freq_ghz`` [GHz] (formula uses MHz),
    ``h_bs`` / ``h_ut`` [m], ``city`` ``"medium"`` (C_m = 0 dB) or ``"metropolitan"`` (C_m = 3 dB).
    """
    city = check_city(city)
    d_km = np.maximum(np.asarray(d2d, dtype=float), MIN_D2D) / 1000.0
    f = np.asarray(freq_ghz, dtype=float) * 1000.0
    hb = np.asarray(h_bs, dtype=float)
    if city == "medium":
        a_hm = (1.1 * np.log10(f) - 0.7) * h_ut - (1.56 * np.log10(f) - 0.8)
        c_m = 0.0
    else:
        a_hm = 3.2 * np.log10(11.75 * h_ut) ** 2 - 4.97
        c_m = 3.0
    pl = (
        46.3
        + 33.9 * np.log10(f)
        - 13.82 * np.log10(hb)
        - a_hm
        + (44.9 - 6.55 * np.log10(hb)) * np.log10(d_km)
        + c_m
    )
    return _out(pl, d2d, freq_ghz, h_bs)


def path_loss(
    d2d,
    freq_ghz,
    h_bs,
    h_ut: float = 1.5,
    *,
    model: str = "uma",
    los_mode: str = "weighted",
    h_building: float = 5.0,
    street_width: float = 20.0,
    city: str = "medium",
    extrapolate: bool = False,
):
    """Path loss [dB] chosen by name.

    Parameters
    ----------
    d2d : float or ndarray
        Horizontal distance base station - UE [m]; clamped to at least 10 m.
    freq_ghz : float or ndarray
        Centre frequency [GHz].
    h_bs : float or ndarray
        Base-station antenna height above ground [m].
    h_ut : float
        UE height [m], default 1.5 m.
    model : {"uma", "umi", "rma", "cost231"}
        3GPP TR 38.901 V17.0.0 Table 7.4.1-1 UMa, UMi-Street Canyon, RMa, or COST-231 Hata.
    los_mode : {"los", "nlos", "weighted"}
        LOS formula, NLOS formula (``max(LOS, NLOS')``), or the LOS-probability-weighted received power
        in linear terms, ``-10 log10(P 10^(-LOS/10) + (1 - P) 10^(-NLOS/10))`` with P from Table 7.4.2-1
        (see the module docstring). Ignored for ``cost231``.
    h_building, street_width : float
        RMa average building height h and street width W [m] (defaults 5 m and 20 m).
    city : {"medium", "metropolitan"}
        COST-231 city type.
    extrapolate : bool
        Evaluate outside the model's frequency range instead of raising ``ValueError``.

    Returns
    -------
    float or ndarray
        Path loss [dB].
    """
    model = check_model(model)
    los_mode = check_los_mode(los_mode)
    check_frequency(freq_ghz, model, extrapolate)
    if model == "cost231":
        return cost231_hata(d2d, freq_ghz, h_bs, h_ut, city)
    if model == "uma":
        los = uma_los(d2d, freq_ghz, h_bs, h_ut)
        nlos = uma_nlos(d2d, freq_ghz, h_bs, h_ut) if los_mode != "los" else None
    elif model == "umi":
        los = umi_los(d2d, freq_ghz, h_bs, h_ut)
        nlos = umi_nlos(d2d, freq_ghz, h_bs, h_ut) if los_mode != "los" else None
    else:
        los = rma_los(d2d, freq_ghz, h_bs, h_ut, h_building)
        nlos = rma_nlos(d2d, freq_ghz, h_bs, h_ut, h_building, street_width) if los_mode != "los" else None
    if los_mode == "los":
        return los
    if los_mode == "nlos":
        return nlos
    p = np.asarray(los_probability(d2d, model, h_ut))
    return _out(weighted_path_loss(p, los, nlos), d2d, freq_ghz, h_bs)


def weighted_path_loss(p_los, pl_los, pl_nlos):
    """LOS-probability-weighted path loss [dB] in linear terms:
    ``-10 log10(p 10^(-PL_LOS/10) + (1 - p) 10^(-PL_NLOS/10))``; ``p_los`` [0-1], path losses [dB]."""
    p = np.asarray(p_los, dtype=float)
    los = np.asarray(pl_los, dtype=float)
    nlos = np.asarray(pl_nlos, dtype=float)
    # factor out the NLOS gain: exact, and free of underflow at large path losses
    return nlos - 10.0 * np.log10((1.0 - p) + p * 10.0 ** ((nlos - los) / 10.0))


#: Shadow-fading standard deviation σ_SF [dB] of TR 38.901 V17.0.0 Table 7.4.1-1 per model and state.
#: RMa LOS has 4 dB up to the breakpoint and 6 dB beyond; the larger is used.
SHADOW_FADING_DB = {
    ("uma", "los"): 4.0,
    ("uma", "nlos"): 6.0,
    ("umi", "los"): 4.0,
    ("umi", "nlos"): 7.82,
    ("rma", "los"): 6.0,
    ("rma", "nlos"): 8.0,
}


def shadow_fading_sigma(model: str = "uma", los_mode: str = "weighted") -> float:
    """Log-normal shadow-fading σ [dB] of a model and LOS mode (TR 38.901 V17.0.0 Table 7.4.1-1).

    ``"los"`` uses the LOS value; ``"nlos"`` and ``"weighted"`` the NLOS value (the larger: at the
    cell edge, where a margin decides coverage, NLOS dominates — Pr_LOS(UMa, 200 m) = 0.13). RMa LOS:
    6 dB (beyond its breakpoint; 4 dB before it). COST-231 Hata, a median urban-macro model with no
    σ of its own in the COST 231 report's clause 4.4.1, takes the UMa NLOS value, 6 dB."""
    model = check_model(model)
    los_mode = check_los_mode(los_mode)
    if model == "cost231":
        return SHADOW_FADING_DB[("uma", "nlos")]
    return SHADOW_FADING_DB[(model, "los" if los_mode == "los" else "nlos")]


EARTH_RADIUS_M = 6371000.0  # [m] mean Earth radius
K_FACTOR = 4.0 / 3.0  # effective Earth-radius factor of the standard atmosphere (ITU-R P.453 / P.834)


def radio_horizon_m(h_bs, h_ut=1.5, k: float = K_FACTOR):
    """Radio horizon [m] between antennas at heights ``h_bs`` and ``h_ut`` [m] over a smooth Earth of
    effective radius k·R (k = 4/3, the standard atmosphere): ``sqrt(2 k R h_BS) + sqrt(2 k R h_UT)``,
    about 4.12 km per sqrt(m) — 27.6 km for 30 m over 1.5 m.

    The coverage engine receives no cell beyond it: TR 38.901's formulas hold to 5-10 km (Table 7.4.1-1)
    and are extrapolated further, but past the horizon the Earth's bulge adds diffraction loss that grows by
    tens of dB within kilometres (ITU-R P.526), which the extrapolated formulas ignore; without the limit a
    province's thousands of cells 30-300 km away would add up above the noise floor at every rural pixel."""
    h1 = np.asarray(h_bs, dtype=float)
    return _out(np.sqrt(2.0 * k * EARTH_RADIUS_M * np.maximum(h1, 0.0))
                + np.sqrt(2.0 * k * EARTH_RADIUS_M * max(float(h_ut), 0.0)), h_bs)


#: layout of the per-cell coefficient rows returned by :func:`kernel_coefficients`
COEF_FIELDS = ("dbp2", "a1", "b1", "c1", "a2", "b2", "a3", "b3")


def kernel_coefficients(
    freq_ghz,
    h_bs,
    h_ut: float = 1.5,
    *,
    model: str = "uma",
    h_building: float = 5.0,
    street_width: float = 20.0,
    city: str = "medium",
) -> np.ndarray:
    """Per-cell coefficients (n, 8) of the path-loss formulas in the form the kernels evaluate.

    With ``L = log10(d3D)`` (``log10(d2D)`` for COST-231) and ``d2D`` clamped to 10 m::

        PL_LOS   = a1 + b1 L + c1 d3D   if d2D**2 <= dbp2   else   a2 + b2 L
        PL'_NLOS = a3 + b3 L;  PL_NLOS = max(PL_LOS, PL'_NLOS)

    This is an algebraic regrouping of Table 7.4.1-1 (constant terms per cell folded into a*), so
    that the per-pixel work is one logarithm; it is tested against the literal formulas above.
    """
    model = check_model(model)
    fc = np.atleast_1d(np.asarray(freq_ghz, dtype=float))
    hb = np.atleast_1d(np.asarray(h_bs, dtype=float))
    fc, hb = np.broadcast_arrays(fc, hb)
    n = fc.size
    out = np.zeros((n, len(COEF_FIELDS)))
    lf = np.log10(fc)
    if model in ("uma", "umi"):
        dbp = breakpoint_distance(fc, hb, h_ut, model)
        if model == "uma":
            k0, k1, k9, n0, n1, nf = 28.0, 22.0, 9.0, 13.54 - 0.6 * (h_ut - 1.5), 39.08, 20.0
        else:
            k0, k1, k9, n0, n1, nf = 32.4, 21.0, 9.5, 22.4 - 0.3 * (h_ut - 1.5), 35.3, 21.3
        out[:, 0] = dbp**2
        out[:, 1] = k0 + 20.0 * lf
        out[:, 2] = k1
        out[:, 4] = k0 + 20.0 * lf - k9 * np.log10(dbp**2 + (hb - h_ut) ** 2)
        out[:, 5] = 40.0
        out[:, 6] = n0 + nf * lf
        out[:, 7] = n1
    elif model == "rma":
        h, w = h_building, street_width
        dbp = breakpoint_distance(fc, hb, h_ut, "rma")
        out[:, 0] = dbp**2
        out[:, 1] = 20.0 * np.log10(40.0 * np.pi * fc / 3.0) - min(0.044 * h**1.72, 14.77)
        out[:, 2] = 20.0 + min(0.03 * h**1.72, 10.0)
        out[:, 3] = 0.002 * np.log10(h)
        out[:, 4] = _rma_pl1(dbp, fc, h) - 40.0 * np.log10(dbp)
        out[:, 5] = 40.0
        b3 = 43.42 - 3.1 * np.log10(hb)
        out[:, 6] = (
            161.04
            - 7.1 * np.log10(w)
            + 7.5 * np.log10(h)
            - (24.37 - 3.7 * (h / hb) ** 2) * np.log10(hb)
            - 3.0 * b3
            + 20.0 * lf
            - (3.2 * np.log10(11.75 * h_ut) ** 2 - 4.97)
        )
        out[:, 7] = b3
    else:
        city = check_city(city)
        f = fc * 1000.0
        if city == "medium":
            a_hm = (1.1 * np.log10(f) - 0.7) * h_ut - (1.56 * np.log10(f) - 0.8)
            c_m = 0.0
        else:
            a_hm = 3.2 * np.log10(11.75 * h_ut) ** 2 - 4.97
            c_m = 3.0
        b = 44.9 - 6.55 * np.log10(hb)
        a = 46.3 + 33.9 * np.log10(f) - 13.82 * np.log10(hb) - a_hm + c_m - 3.0 * b
        out[:, 0] = np.inf
        out[:, 1] = a
        out[:, 2] = b
        out[:, 4] = a
        out[:, 5] = b
        out[:, 6] = a
        out[:, 7] = b
    return out


def los_probability_params(model: str, h_ut: float = 1.5) -> tuple[int, float, float, float]:
    """``(kind, d1, d2, c_prime)`` of Table 7.4.2-1 for the kernels: kind 0 = UMa/UMi form
    ``d1/d + exp(-d/d2)(1 - d1/d)`` (times the UMa C' term), 1 = RMa ``exp(-(d - 10)/1000)``,
    2 = none (COST-231: treated as NLOS-only, LOS = NLOS anyway)."""
    model = check_model(model)
    if model == "uma":
        cp = 0.0 if h_ut <= 13.0 else ((h_ut - 13.0) / 10.0) ** 1.5
        return 0, 18.0, 63.0, cp
    if model == "umi":
        return 0, 18.0, 36.0, 0.0
    if model == "rma":
        return 1, 10.0, 1000.0, 0.0
    return 2, 0.0, 1.0, 0.0
