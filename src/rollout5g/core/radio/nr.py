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
* Default carriers: where a cell gives only its band (and operator), the carrier is the operator's
  assignment in China (MIIT spectrum assignments of December 2018 and of 2019/2020 to China Broadnet),
  else the band's default below. A cell that gives its own centre frequency and bandwidth keeps them.

Pure Python; no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
