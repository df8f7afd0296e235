"""Carriers: NR-ARFCN / E-UTRA EARFCN to frequency, and the default carrier of a band.

A cell's *carrier* is its downlink centre frequency [MHz] and channel bandwidth [MHz]. The coverage
engine weights the interference between two cells by how much their carriers overlap
(:func:`rollout5g.core.radio.link.carrier_overlap`), so two operators on adjacent 100 MHz carriers of
n78 do not interfere and a shared carrier (共建共享) does.

* NR: 3GPP TS 38.104 V17.5.0 clause 5.4.2.1, Table 5.4.2.1-1 (global frequency raster)::

      F_REF = F_REF-Offs + ΔF_Global (N_REF - N_REF-Offs)

  ============================  =============  ===============  ===============  ===================
  frequency range [MHz]          ΔF_Global      F_REF-Offs        N_REF-Offs       N_REF
  ============================  =============  ===============  ===============  ===================
  0 - 3000                       5 kHz          0 MHz             0                0 - 599999
  3000 - 24250                   15 kHz         3000 MHz          600000           600000 - 2016666
  24250 - 100000                 60 kHz         24250.08 MHz      2016667          2016667 - 3279165
  ============================  =============  ===============  ===============  ===================

* LTE: 3GPP TS 36.101 V17.5.0 clause 5.7.3, ``F_DL = F_DL_low + 0.1 (N_DL - N_Offs-DL)`` [MHz] with
  F_DL_low and N_Offs-DL per band from Table 5.7.3-1 (the bands used in China).
* Resource blocks: N_RB of a carrier from TS 38.101-1 V17.5.0 Table 5.3.2-1 (NR FR1, per channel bandwidth and
  subcarrier spacing, :data:`NR_N_RB`) and TS 36.101 V17.5.0 Table 5.6-1 (LTE, :data:`LTE_N_RB`): the exact
  table values, no "98.3 % of the bandwidth" approximation. A pair not in the table is an error.
* Subcarrier spacing of a band (:func:`default_scs_khz`): 15 kHz on the FDD bands, 30 kHz on the TDD bands
  n41/n78/n79 (TS 38.101-1 Table 5.3.5-1 channel bandwidths per band and SCS, and Table 5.4.3.3-1 the SSB SCS
  per band: 15 kHz only for n1/n3/n8/n28, 30 kHz for n78/n79; the operators in China run n41 at 30 kHz).
  LTE always uses 15 kHz (TS 36.211 clause 6.2.3).
* Power per resource element (:func:`re_power_dbm`, :func:`epre_dbm`): the total power spread evenly over the
  12 · N_RB subcarriers (TS 38.211 clause 4.4.4.1: 12 subcarriers per resource block)::

      EPRE [dBm] = 10 log10(P_total [mW] / (12 · N_RB))

* Default carriers: where a cell gives only its band (and operator), the carrier is the operator's
  assignment in China (MIIT spectrum assignments of December 2018 and of 2019/2020 to China Broadnet),
  else the band's default below. A cell that gives its own centre frequency and bandwidth keeps them.

Pure Python; no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: TS 38.104 Table 5.4.2.1-1: (first N_REF, last N_REF, ΔF_Global [MHz], F_REF-Offs [MHz], N_REF-Offs)
NR_RASTER = (
    (0, 599999, 0.005, 0.0, 0),
    (600000, 2016666, 0.015, 3000.0, 600000),
    (2016667, 3279165, 0.060, 24250.08, 2016667),
)

#: TS 38.104 Table 5.4.2.3-1: downlink NR-ARFCN range of the NR bands used in China (first, last).
NR_BAND_ARFCN = {
    "n1": (422000, 434000),
    "n3": (361000, 376000),
    "n8": (185000, 192000),
    "n28": (151600, 160600),
    "n41": (499200, 537999),
    "n78": (620000, 653333),
    "n79": (693334, 733333),
}

#: TS 36.101 Table 5.7.3-1: band -> (F_DL_low [MHz], N_Offs-DL, last N_DL) of the LTE bands used in China.
LTE_BANDS = {
    "B1": (2110.0, 0, 599),
    "B3": (1805.0, 1200, 1949),
    "B8": (925.0, 3450, 3799),
    "B34": (2010.0, 36200, 36349),
    "B39": (1880.0, 38250, 38649),
    "B40": (2300.0, 38650, 39649),
    "B41": (2496.0, 39650, 41589),
}


#: TS 38.101-1 V17.5.0 Table 5.3.2-1 (NR FR1): SCS [kHz] -> {channel bandwidth [MHz]: N_RB}. "N/A" entries
#: of the table (15 kHz above 50 MHz, 60 kHz at 5 MHz) are absent.
NR_N_RB = {
    15: {5: 25, 10: 52, 15: 79, 20: 106, 25: 133, 30: 160, 35: 188, 40: 216, 45: 242, 50: 270},
    30: {5: 11, 10: 24, 15: 38, 20: 51, 25: 65, 30: 78, 35: 92, 40: 106, 45: 119, 50: 133, 60: 162, 70: 189,
         80: 217, 90: 245, 100: 273},
    60: {10: 11, 15: 18, 20: 24, 25: 31, 30: 38, 35: 44, 40: 51, 45: 58, 50: 65, 60: 79, 70: 93, 80: 107,
         90: 121, 100: 135},
}

#: TS 36.101 V17.5.0 Table 5.6-1 (E-UTRA): channel bandwidth [MHz] -> transmission bandwidth configuration N_RB.
LTE_N_RB = {1.4: 6, 3: 15, 5: 25, 10: 50, 15: 75, 20: 100}

#: Subcarrier spacing [kHz] of each NR band used in China: FDD bands 15 kHz, TDD bands 30 kHz (TS 38.101-1
#: Table 5.3.5-1 and Table 5.4.3.3-1, see the module docstring).
NR_BAND_SCS_KHZ = {"n1": 15, "n3": 15, "n8": 15, "n28": 15, "n41": 30, "n78": 30, "n79": 30}

#: LTE subcarrier spacing [kHz] (TS 36.211 clause 6.2.3, normal cyclic prefix).
LTE_SCS_KHZ = 15

#: Subcarriers per resource block (TS 38.211 clause 4.4.4.1, TS 36.211 clause 6.2.3).
SUBCARRIERS_PER_RB = 12


@dataclass(frozen=True, slots=True)
class Carrier:
    """Downlink centre frequency ``freq_mhz`` [MHz] and channel bandwidth ``bandwidth_mhz`` [MHz]."""

    freq_mhz: float
    bandwidth_mhz: float

    @property
    def low_mhz(self) -> float:
        return self.freq_mhz - self.bandwidth_mhz / 2.0

    @property
    def high_mhz(self) -> float:
        return self.freq_mhz + self.bandwidth_mhz / 2.0


#: Channel bandwidth [MHz] assumed when a cell gives none: the widest channel the operators in China run
#: in the band (TS 38.101-1 Table 5.3.5-1 allows it for the band).
BAND_DEFAULT_BANDWIDTH_MHZ = {
    "n78": 100.0,
    "n79": 100.0,
    "n41": 100.0,
    "n28": 30.0,
    "n1": 20.0,
    "n3": 20.0,
    "n8": 10.0,
    "B1": 20.0,
    "B3": 20.0,
    "B8": 10.0,
    "B34": 15.0,
    "B39": 20.0,
    "B40": 20.0,
    "B41": 20.0,
}

#: Default carrier per band when neither the cell nor its operator's assignment says otherwise [MHz].
BAND_DEFAULT_CARRIER = {
    "n78": Carrier(3500.0, 100.0),
    "n79": Carrier(4850.0, 100.0),
    "n41": Carrier(2565.0, 100.0),
    "n28": Carrier(773.0, 30.0),
    "n1": Carrier(2140.0, 20.0),
    "n3": Carrier(1850.0, 20.0),
    "n8": Carrier(947.5, 10.0),
    "B1": Carrier(2140.0, 20.0),
    "B3": Carrier(1850.0, 20.0),
    "B8": Carrier(947.5, 10.0),
    "B34": Carrier(2017.5, 15.0),
    "B39": Carrier(1895.0, 20.0),
    "B40": Carrier(2330.0, 20.0),
    "B41": Carrier(2565.0, 20.0),
}

#: Operator assignments in China [MHz] (centre, channel bandwidth modelled): China Telecom 3400-3500 MHz and
#: China Unicom 3500-3600 MHz (n78, shared network 共建共享 on both); China Mobile 2515-2675 MHz (n41, modelled
#: as its first 100 MHz carrier 2515-2615 MHz) and 4800-4900 MHz (n79); China Broadnet 4900-5000 MHz (n79)
#: and the 700 MHz carrier it co-builds with China Mobile (DL 758-788 MHz, n28).
OPERATOR_CARRIERS = {
    ("china_telecom", "n78"): Carrier(3450.0, 100.0),
    ("china_unicom", "n78"): Carrier(3550.0, 100.0),
    ("china_mobile", "n41"): Carrier(2565.0, 100.0),
    ("china_mobile", "n79"): Carrier(4850.0, 100.0),
    ("china_broadnet", "n79"): Carrier(4950.0, 100.0),
    ("china_mobile", "n28"): Carrier(773.0, 30.0),
    ("china_broadnet", "n28"): Carrier(773.0, 30.0),
}


def nr_arfcn_to_mhz(n_ref: int) -> float:
    """Frequency [MHz] of NR-ARFCN ``n_ref`` (TS 38.104 clause 5.4.2.1, Table 5.4.2.1-1).

    Raises ``ValueError`` outside 0-3279165."""
    n = int(n_ref)
    if n != n_ref:
        raise ValueError(f"NR-ARFCN must be an integer, got {n_ref!r}")
    for first, last, step, f_offs, n_offs in NR_RASTER:
        if first <= n <= last:
            return round(f_offs + step * (n - n_offs), 6)
    raise ValueError(f"NR-ARFCN {n_ref} is outside 0-3279165 (TS 38.104 Table 5.4.2.1-1)")


def mhz_to_nr_arfcn(freq_mhz: float) -> int:
    """The NR-ARFCN of ``freq_mhz`` [MHz] (rounded to the nearest raster point)."""
    f = float(freq_mhz)
    for first, last, step, f_offs, n_offs in NR_RASTER:
        n = n_offs + round((f - f_offs) / step)
        if first <= n <= last:
            return int(n)
    raise ValueError(f"{freq_mhz} MHz is outside the NR global frequency raster (0-100000 MHz)")


def earfcn_to_mhz(n_dl: int, band: str | None = None) -> float:
    """Downlink frequency [MHz] of E-UTRA EARFCN ``n_dl`` (TS 36.101 clause 5.7.3, Table 5.7.3-1), for the
    LTE bands used in China (B1, B3, B8, B34, B39, B40, B41); ``band`` checks that the EARFCN belongs to it."""
    n = int(n_dl)
    if n != n_dl:
        raise ValueError(f"EARFCN must be an integer, got {n_dl!r}")
    for name, (f_low, n_offs, last) in LTE_BANDS.items():
        if n_offs <= n <= last:
            if band is not None and normalise_band(band) != name:
                raise ValueError(f"EARFCN {n_dl} belongs to band {name}, not {band}")
            return round(f_low + 0.1 * (n - n_offs), 6)
    raise ValueError(f"EARFCN {n_dl} is in none of the bands {', '.join(LTE_BANDS)} (TS 36.101 Table 5.7.3-1)")


def normalise_band(band: str) -> str:
    """``"N78"`` -> ``"n78"``, ``"b3"`` / ``"3"`` (LTE) -> ``"B3"``."""
    b = str(band).strip()
    if b[:1] in "nN" and b[1:].isdigit():
        return "n" + b[1:]
    if b[:1] in "bB" and b[1:].isdigit():
        return "B" + b[1:]
    if b.isdigit():
        return "B" + b
    return b


def band_of_nr_arfcn(n_ref: int) -> list[str]:
    """The NR bands (of those used in China) whose downlink range holds ``n_ref``."""
    return [b for b, (lo, hi) in NR_BAND_ARFCN.items() if lo <= int(n_ref) <= hi]


def arfcn_to_mhz(arfcn: int, band: str) -> float:
    """Frequency [MHz] of an ARFCN of ``band``: NR-ARFCN for an NR band (``n…``), EARFCN for LTE (``B…``)."""
    b = normalise_band(band)
    if b.startswith("n"):
        if b in NR_BAND_ARFCN:
            lo, hi = NR_BAND_ARFCN[b]
            if not lo <= int(arfcn) <= hi:
                raise ValueError(f"NR-ARFCN {arfcn} is outside band {b}'s range {lo}-{hi} (TS 38.104 Table 5.4.2.3-1)")
        return nr_arfcn_to_mhz(arfcn)
    return earfcn_to_mhz(arfcn, b)


def default_carrier(band: str, operator: str | None = None) -> Carrier:
    """The carrier a cell of ``band`` (and ``operator``) is assumed to use when it gives none; ``ValueError``
    for an unknown band, listing the known ones."""
    b = normalise_band(band)
    if operator and (str(operator), b) in OPERATOR_CARRIERS:
        return OPERATOR_CARRIERS[(str(operator), b)]
    try:
        return BAND_DEFAULT_CARRIER[b]
    except KeyError:
        raise ValueError(f"unknown band {band!r}; known: {', '.join(BAND_DEFAULT_CARRIER)}") from None


def carrier_for(band: str, *, operator: str | None = None, freq_mhz: float | None = None,
                bandwidth_mhz: float | None = None, arfcn: int | None = None) -> Carrier:
    """A cell's carrier: its ``freq_mhz`` (or the frequency of its ``arfcn``) and ``bandwidth_mhz`` where given,
    the rest from :func:`default_carrier` (bandwidth: the band's default, :data:`BAND_DEFAULT_BANDWIDTH_MHZ`)."""
    f = None if freq_mhz is None or (isinstance(freq_mhz, float) and math.isnan(freq_mhz)) else float(freq_mhz)
    bw = None
    if bandwidth_mhz is not None and not (isinstance(bandwidth_mhz, float) and math.isnan(bandwidth_mhz)):
        bw = float(bandwidth_mhz)
    if f is None and arfcn is not None:
        f = arfcn_to_mhz(int(arfcn), band)
    if f is not None and bw is not None:
        return Carrier(f, bw)
    b = normalise_band(band)
    if bw is None:
        if b in BAND_DEFAULT_BANDWIDTH_MHZ:
            bw = BAND_DEFAULT_BANDWIDTH_MHZ[b]
        else:
            bw = default_carrier(b, operator).bandwidth_mhz
    if f is None:
        f = default_carrier(b, operator).freq_mhz
    return Carrier(f, bw)


# ------------------------------------------------------------------------------- resource blocks, power per RE


def _bandwidth_key(bandwidth_mhz: float) -> float:
    bw = float(bandwidth_mhz)
    if math.isnan(bw):
        raise ValueError("channel bandwidth is missing (NaN)")
    return bw


def is_lte_band(band: str) -> bool:
    """``True`` for an E-UTRA band (``B…``), ``False`` for an NR band (``n…``)."""
    return normalise_band(band).startswith("B")


def default_scs_khz(band: str) -> int:
    """Subcarrier spacing [kHz] of ``band``: 15 kHz on the FDD NR bands (n1, n3, n8, n28) and on every LTE band,
    30 kHz on the TDD NR bands (n41, n78, n79); TS 38.101-1 Tables 5.3.5-1 and 5.4.3.3-1, TS 36.211 clause 6.2.3.
    ``ValueError`` for an NR band not in :data:`NR_BAND_SCS_KHZ`."""
    b = normalise_band(band)
    if b.startswith("B"):
        return LTE_SCS_KHZ
    try:
        return NR_BAND_SCS_KHZ[b]
    except KeyError:
        raise ValueError(f"unknown NR band {band!r}; known: {', '.join(NR_BAND_SCS_KHZ)}") from None


def n_rb(bandwidth_mhz: float, scs_khz: float) -> int:
    """Transmission bandwidth N_RB of an NR FR1 carrier of ``bandwidth_mhz`` [MHz] at ``scs_khz`` [kHz]
    (TS 38.101-1 Table 5.3.2-1, :data:`NR_N_RB`): 273 at 100 MHz / 30 kHz, 160 at 30 MHz / 15 kHz.
    ``ValueError`` naming the valid bandwidths for a pair the table does not have (e.g. 100 MHz at 15 kHz)."""
    bw = _bandwidth_key(bandwidth_mhz)
    scs = float(scs_khz)
    if scs not in NR_N_RB:
        raise ValueError(f"subcarrier spacing {scs_khz:g} kHz is not an FR1 numerology; valid: 15, 30, 60 kHz "
                         "(TS 38.101-1 Table 5.3.2-1)")
    table = NR_N_RB[int(scs)]
    if bw not in table:
        valid = ", ".join(f"{b:g}" for b in table)
        raise ValueError(f"{bw:g} MHz is not an NR channel bandwidth at {scs:g} kHz subcarrier spacing; valid: "
                         f"{valid} MHz (TS 38.101-1 Table 5.3.2-1)")
    return table[bw]


def lte_n_rb(bandwidth_mhz: float) -> int:
    """Transmission bandwidth N_RB of an LTE carrier (TS 36.101 Table 5.6-1, :data:`LTE_N_RB`): 100 at 20 MHz.
    ``ValueError`` naming the valid bandwidths for any other."""
    bw = _bandwidth_key(bandwidth_mhz)
    if bw not in LTE_N_RB:
        raise ValueError(f"{bw:g} MHz is not an LTE channel bandwidth; valid: "
                         f"{', '.join(f'{b:g}' for b in LTE_N_RB)} MHz (TS 36.101 Table 5.6-1)")
    return LTE_N_RB[bw]


def carrier_n_rb(band: str, bandwidth_mhz: float, scs_khz: float | None = None) -> int:
    """N_RB of a carrier of ``band``: LTE table for an LTE band, else the NR table at ``scs_khz`` (default: the
    band's, :func:`default_scs_khz`)."""
    if is_lte_band(band):
        return lte_n_rb(bandwidth_mhz)
    return n_rb(bandwidth_mhz, default_scs_khz(band) if scs_khz is None else scs_khz)


def epre_dbm(total_power_w, n_rb):
    """Power per resource element [dBm] of ``total_power_w`` [W] spread evenly over ``12 · n_rb`` subcarriers:
    ``10 log10(P [mW] / (12 N_RB))`` (200 W over 273 RB: 17.86 dBm). Scalars give a float, arrays an array.
    ``ValueError`` unless both are > 0."""
    p = np.asarray(total_power_w, dtype=float)
    n = np.asarray(n_rb, dtype=float)
    if np.any(~(p > 0)) or np.any(~(n > 0)):
        raise ValueError("total power and N_RB must be > 0")
    out = 10.0 * np.log10(p * 1000.0 / (SUBCARRIERS_PER_RB * n))
    return float(out) if out.ndim == 0 else out


def re_power_dbm(total_power_w: float, bandwidth_mhz: float, scs_khz: float) -> float:
    """Power per resource element [dBm] of an NR carrier: :func:`epre_dbm` with N_RB = :func:`n_rb`
    (20 W over 100 MHz / 30 kHz = 273 RB: 7.86 dBm)."""
    return epre_dbm(total_power_w, n_rb(bandwidth_mhz, scs_khz))


def band_re_power_dbm(total_power_w: float, bandwidth_mhz: float, band: str, scs_khz: float | None = None) -> float:
    """Power per resource element [dBm] of a carrier of ``band`` (NR or LTE) at the band's subcarrier spacing
    unless ``scs_khz`` is given: :func:`epre_dbm` with N_RB = :func:`carrier_n_rb`."""
    return epre_dbm(total_power_w, carrier_n_rb(band, bandwidth_mhz, scs_khz))
