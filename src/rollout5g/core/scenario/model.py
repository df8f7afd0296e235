"""The scenario's records: sites, cells, special-plan points and the year-end snapshot."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .assumptions import COUNTIES, JIAXING_ADCODE


@dataclass(frozen=True, slots=True)
class ScenarioSite:
    """A site (站址) of the synthetic registry. ``lon``/``lat`` WGS-84 [degree], ``height_m`` [m]."""

    key: str
    name: str
    lon: float
    lat: float
    county_adcode: str
    address: str
    site_type: str
    owner: str
    operators: tuple[str, ...]
    height_m: float
    power_supply: str
    state: str
    on_air_date: dt.date | None
    planned_year: int | None
    place: str


@dataclass(frozen=True, slots=True)
class ScenarioCell:
    """An NR cell (小区). ``operator`` is the operator that built the gNB; ``shared_operators`` the
    operators whose subscribers it also serves (RAN sharing of n78, n28 with China Broadnet).
    Angles [degree], frequencies [MHz], power [W] and [dBm], gain [dBi], height [m]."""

    key: str
    site_key: str
    operator: str
    technology: str
    band: str
    freq_mhz: float
    bandwidth_mhz: float
    azimuth_deg: float
    mechanical_tilt_deg: float
    electrical_tilt_deg: float
    height_m: float
    gain_dbi: float
    hpbw_h_deg: float
    hpbw_v_deg: float
    total_power_w: float
    rs_power_dbm: float
    pci: int
    on_air_date: dt.date | None
    lon: float
    lat: float
    shared_operators: tuple[str, ...] = ()

    @property
    def tilt_deg(self) -> float:
        """Total downtilt = mechanical + electrical [degree]."""
        return self.mechanical_tilt_deg + self.electrical_tilt_deg


@dataclass(frozen=True, slots=True)
class PlannedSite:
    """A point of the site special plan (站址专项规划) for a coming year. WGS-84 [degree]."""

    key: str
    lon: float
    lat: float
    county_adcode: str
    planned_year: int
    site_type: str
    place: str
    published: bool


@dataclass(frozen=True, slots=True)
class Scenario:
    """The synthetic registry at the end of ``year``."""

    year: int
    seed: int
    sites: tuple[ScenarioSite, ...]
    cells: tuple[ScenarioCell, ...]
    planned_sites: tuple[PlannedSite, ...]
    #: adcode of the city, its counties (adcodes, in order) and the size the world was drawn at
    region: str = JIAXING_ADCODE
    counties: tuple[str, ...] = tuple(COUNTIES)
    size: str = "full"

    def _gnbs(self, on_or_before: dt.date | None) -> set[tuple[str, str]]:
        limit = on_or_before or dt.date(self.year, 12, 31)
        return {
            (c.site_key, c.operator)
            for c in self.cells
            if c.technology == "NR" and c.on_air_date is not None and c.on_air_date <= limit
        }

    def base_station_count(
        self,
        on_or_before: dt.date | None = None,
        *,
        county_adcode: str | None = None,
        operator: str | None = None,
    ) -> int:
        """Number of 5G base stations (gNBs) on air on ``on_or_before`` (default: 31 December of the
        scenario year). A gNB is one building operator on one site: a site that carries China Mobile's
        gNB and the shared CT/CU gNB counts two; a shared gNB counts once, for its builder. Sites retired
        by the end of the year carry no cells and do not count."""
        counties = self._site_county()
        return sum(
            1
            for site_key, op in self._gnbs(on_or_before)
            if (county_adcode is None or counties[site_key] == county_adcode)
            and (operator is None or op == operator)
        )

    def base_station_count_by_county(self, on_or_before: dt.date | None = None) -> dict[str, int]:
        """gNBs on air per county adcode (every county of the city present, possibly 0)."""
        counties = self._site_county()
        counts = Counter(counties[s] for s, _ in self._gnbs(on_or_before))
        return {adcode: counts.get(adcode, 0) for adcode in self.counties}

    def site_count_by_county(self, states: Iterable[str] | None = ("on_air", "relocating")) -> dict[str, int]:
        """Sites per county adcode, counting only ``states`` (None: every state)."""
        wanted = None if states is None else set(states)
        counts = Counter(s.county_adcode for s in self.sites if wanted is None or s.state in wanted)
        return {adcode: counts.get(adcode, 0) for adcode in self.counties}

    def _site_county(self) -> dict[str, str]:
        return {s.key: s.county_adcode for s in self.sites}


def ssb_epre_dbm(total_power_w, n_rb):
    """SSB / reference-signal EPRE [dBm] for a total transmit power spread evenly over the carrier.

    ``EPRE = 10·log10(P_total · 1000 / (12 · N_RB))``, with ``P_total`` [W] and ``N_RB`` the transmission
    bandwidth configuration of the carrier (3GPP TS 38.101-1 V17.0.0, Table 5.3.2-1; 12 subcarriers per
    resource block, TS 38.211 clause 4.4.4.1). Example: 200 W over 273 PRB → 17.86 dBm.

    Parameters
    ----------
    total_power_w : float or ndarray
        Total transmit power of the cell, all antennas [W]. Must be > 0.
    n_rb : int or ndarray
        Number of resource blocks of the carrier [-]. Must be > 0.
    """
    from rollout5g.core.radio.nr import epre_dbm  # the one source of radio facts

    return epre_dbm(total_power_w, n_rb)

