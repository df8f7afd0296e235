"""What a recommendation assumes: demand weights, heights of new sites, the default sector configurations, the
supported bands and their carriers (from :mod:`rollout5g.core.radio.nr`), the projection, and the errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from rollout5g.core.radio import nr

#: The job kind of a recommendation (the rows of :class:`~.models.Recommendation`).
JOB_KIND = "resources.recommend"


def utm_crs(lon: float, lat: float) -> str:
    """The WGS-84 UTM zone holding (lon, lat), as an EPSG code (120-126°E north: EPSG:32651)."""
    zone = min(60, max(1, int(math.floor((lon + 180.0) / 6.0)) + 1))
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


#: Demand priority of a pixel by the key-area category covering it [-]; the highest applies, 1 outside key areas.
#: Integers, so that the objective is an integer and the exact solver can prove optimality with an absolute gap
#: below 1. Places the policy names for full coverage first (Jiaxing 二(一)2: hubs, venues, hospitals, schools,
#: the city core) — weight 3; areas with a coverage target but a lower density of users — 2.
CATEGORY_WEIGHTS = {
    "city_core": 3, "transport_hub": 3, "venue": 3, "hospital": 3, "school": 3, "hsr_new_town": 3,
    "science_city": 2, "scenic": 2, "development_zone": 2, "expressway": 2, "port": 2, "county_core": 2,
    "town": 2, "other": 1,
}
DEFAULT_WEIGHT = 1

#: Antenna height [m] of a new site on an open-list resource without a recorded height, by kind.
RESOURCE_HEIGHT_M = {
    "gov_rooftop": 25.0, "venue": 20.0, "park": 15.0, "school": 20.0, "hospital": 25.0, "transport_hub": 20.0,
    "street_light_pole": 10.0, "traffic_signal_pole": 8.0, "surveillance_pole": 8.0, "power_pole": 15.0,
    "telecom_pole": 25.0,
}
#: Antenna height [m] of a special-plan entry by site type.
PLANNED_HEIGHT_M = {"macro_tower": 35.0, "rooftop": 25.0, "street_pole": 12.0, "smart_pole": 12.0,
                    "small_cell": 8.0}
POLE_RESOURCE_KINDS = {"street_light_pole", "traffic_signal_pole", "surveillance_pole", "power_pole"}
POLE_SITE_TYPES = {"street_pole", "smart_pole", "small_cell"}
#: Kinds that cannot carry antennas (ducts carry fibre and power to a site) and plan types not modelled outdoors.
NOT_A_SITE_KINDS = {"duct"}
NOT_MODELLED_SITE_TYPES = {"indoor"}
#: Sensitive buildings for EMF (GB 8702-2014 public exposure; the key-area categories emf_for_site uses too).
SENSITIVE_CATEGORIES = ("school", "hospital")
SENSITIVE_RESOURCE_KINDS = ("school", "hospital")
#: A special-plan entry with a registry site this close [m] is taken as built.
BUILT_WITHIN_M = 30.0

#: NR bands a new site can be planned on; a new cell's carrier is the operator's assignment in the band where it has
#: one (:data:`rollout5g.core.radio.nr.OPERATOR_CARRIERS`), else the band's default carrier.
SUPPORTED_BANDS = ("n78", "n41", "n28", "n79", "n1", "n3", "n8")
#: Resource blocks of the band's default carrier at the band's SCS (TS 38.101-1 Table 5.3.2-1 via
#: rollout5g.core.radio.nr): 100 MHz at 30 kHz = 273, 30 MHz at 15 kHz = 160.
BAND_N_RB = {b: nr.carrier_n_rb(b, nr.BAND_DEFAULT_BANDWIDTH_MHZ[b]) for b in SUPPORTED_BANDS}


def carrier_frequency_mhz(band: str, family: str | None = None) -> float:
    """Centre frequency [MHz] of a new cell on ``band`` for an operator of ``family`` (``china_telecom``…; None:
    the band's default carrier)."""
    if band not in SUPPORTED_BANDS:
        from django.utils.translation import gettext as _

        raise RecommendError(_("Band %(band)s is not supported; valid: %(valid)s")
                             % {"band": band, "valid": ", ".join(SUPPORTED_BANDS)})
    return nr.default_carrier(band, family).freq_mhz


@dataclass(frozen=True)
class SectorConfig:
    """Default radio of one sector of a proposed site (three sectors at 0°, 120°, 240°)."""

    total_power_w: float  # [W] all ports
    gain_dbi: float
    hpbw_h_deg: float
    hpbw_v_deg: float
    tilt_deg: float  # total downtilt

    def rs_power_dbm(self, n_rb: int) -> float:
        """SSB / RS EPRE [dBm]: total power spread over the carrier (200 W over 273 PRB = 17.86 dBm)."""
        return nr.epre_dbm(self.total_power_w, n_rb)


#: Macro AAU on a tower or rooftop, as the demo scenario's n78 macros (200 W, 15-18 dBi, 6-10° vertical beam).
MACRO = SectorConfig(total_power_w=200.0, gain_dbi=16.5, hpbw_h_deg=65.0, hpbw_v_deg=8.0, tilt_deg=6.0)
#: Pole-mounted unit (street-light, signal, surveillance or power pole; smart pole).
POLE = SectorConfig(total_power_w=60.0, gain_dbi=12.5, hpbw_h_deg=65.0, hpbw_v_deg=12.0, tilt_deg=7.0)
SECTOR_AZIMUTHS = (0.0, 120.0, 240.0)

Progress = Callable[[float, str], None]


class RecommendError(ValueError):
    """A recommendation that cannot be made: unknown area, bad parameter, nothing to choose from."""


