"""Every assumption of the synthetic scenario in one place: operators, site types and states, the build plan and the
shares, phases, mixes, heights, spacings, carriers and the sizes. Values and their sources are listed in
``docs/scenario.md``; the city-specific inputs (boundaries, places, key areas) are in :mod:`.city`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
#: Hand-placed urban cores and town centres (WGS-84, approximate).
PLACES_PATH = DATA_DIR / "jiaxing_places.yaml"
#: Hand-drawn key areas of the opinions (WGS-84, approximate).
KEY_AREAS_PATH = DATA_DIR / "jiaxing_key_areas.geojson"
#: Environment variable that may point to another copy of the Zhejiang boundaries (GCJ-02 GeoJSON).
BOUNDARIES_ENV = "ROLLOUT5G_BOUNDARIES"
_BOUNDARY_CANDIDATES = (Path(__file__).resolve().parents[2] / "regions" / "data" / "zhejiang_admin.geojson",)

JIAXING_ADCODE = "330400"
#: The city of ``generate()`` without a region: the city of the shipped opinions and its hand-placed places.
DEFAULT_CITY = JIAXING_ADCODE
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
#: China Telecom / China Unicom co-build split: the builder of the shared n78 gNB per county (another city: the two
#: alternate by county adcode).
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

#: gNBs drawn to the last plan year: the plan's total ± this share per seed (uniform).
PLAN_JITTER = 0.015
#: gNBs per site assumed when the number of sites is sized from the plan (1.45: most sites carry two operators).
GNBS_PER_SITE = 1.45
#: Candidate positions drawn per site quota of a place (rural: per rural site), plus a fixed margin; the thinning
#: below keeps the first ones that respect MIN_SPACING_KM.
CANDIDATES_PER_SITE = {"place": 3, "rural": 5}
CANDIDATE_MARGIN = 8

#: Share of two-tenant sites whose second gNB is built later, and the mean of that delay [year] (exponential).
SECOND_GNB_LATER_SHARE = 0.55
SECOND_GNB_DELAY_YEARS = 0.5
#: China Mobile builds first on a two-tenant site with this probability (else the shared CT/CU gNB).
CM_FIRST_SHARE = 0.5
#: Build-up curve within a year: a gNB at rank share p of its year goes on air at start + p^(1/a) · (end - start).
#: 2019: first sites in trial from April, commercial launch 31 October 2019.
BUILD_CURVE_2019 = ("2019-04-01", "2019-12-31", 1.8)
BUILD_CURVE_START, BUILD_CURVE_END, BUILD_CURVE_A = "01-02", "12-31", 1.3

#: Sector azimuths: a random rotation U(0, 120°) of 0/120/240° plus a N(0, σ) jitter per sector [degree].
AZIMUTH_JITTER_DEG = 10.0
#: Site types radiating from one omni sector (its azimuth is the rotation · 3).
OMNI_SITE_TYPES = ("indoor", "small_cell")
#: Total downtilt [degree]: a base per place kind, minus (height - reference) / metres-per-degree, plus the pole
#: extra on poles and small cells, plus N(0, σ); rounded and clipped; the mechanical part is at most MAX_MECH.
BASE_TILT_DEG = {
    "city_core": 7.0,
    "county_core": 6.5,
    "scenic": 6.5,
    "industrial_zone": 6.0,
    "town": 5.0,
    "rural": 4.0,
}
TILT_REF_HEIGHT_M = 30.0
TILT_M_PER_DEG = 15.0
POLE_TILT_EXTRA_DEG = 1.0
POLE_TILT_TYPES = ("street_pole", "smart_pole", "small_cell")
TILT_JITTER_DEG = 1.2
TILT_RANGE_DEG = (3, 10)
MAX_MECH_TILT_DEG = 4
MIN_ELEC_TILT_DEG = 2
#: Antennas by site type: AAU on towers and rooftops (200 W, 15-18 dBi, 6-10° vertical beam), pole units
#: (40/60/80 W, 11-14 dBi, 10-15°), small cells (6-8 dBi), indoor distributed systems (1 W, 3 dBi, 90°);
#: anything else 20 W and a 30° vertical beam. Gains [dBi] and beams [degree] are drawn uniformly in the ranges.
AAU_SITE_TYPES = ("macro_tower", "rooftop")
POLE_SITE_TYPES = ("street_pole", "smart_pole")
AAU_GAIN_DBI, POLE_GAIN_DBI, SMALL_CELL_GAIN_DBI, INDOOR_GAIN_DBI = (15.0, 18.0), (11.0, 14.0), (6.0, 8.0), 3.0
AAU_HPBW_V_DEG, POLE_HPBW_V_DEG, OTHER_HPBW_V_DEG, INDOOR_HPBW_V_DEG = (6.0, 10.0), (10.0, 15.0), 30.0, 90.0
AAU_POWER_W, POLE_POWER_W, OTHER_POWER_W, INDOOR_POWER_W = 200.0, (40.0, 60.0, 80.0), 20.0, 1.0

#: 700 MHz (n28) on China Mobile macro / rooftop sites outside the city core: cumulative share of eligible sites
#: getting it by year (the rest never), from 1 March of the year plus up to 300 days, never before the site's
#: China Mobile gNB; its antenna: gain [dBi] and vertical beam [degree] uniform in the ranges, power [W] one of.
N28_CUMULATIVE_SHARE = {2021: 0.16, 2022: 0.45, 2023: 0.65}
N28_SITE_TYPES = ("macro_tower", "rooftop")
N28_PLACE_KINDS = ("town", "rural", "industrial_zone", "county_core", "scenic")
N28_START_DAY, N28_SPREAD_DAYS = "03-01", 300
N28_GAIN_DBI, N28_HPBW_V_DEG, N28_POWER_W = (15.5, 17.0), (8.0, 12.0), (80.0, 100.0, 120.0)

#: Share of sites in the special plan; share of sites retired (the year after going on air or up to
#: EVENT_DELAY_MAX_YEARS later) and relocated (in the year on air or up to EVENT_DELAY_MAX_YEARS later).
IN_PLAN_SHARE = 0.8
RETIRE_SHARE = 0.004
RELOCATE_SHARE = 0.008
EVENT_DELAY_MAX_YEARS = 2


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

#: Sizes of a scenario: the share of :data:`BUILD_PLAN` a world is built to. ``full`` is the city of the opinions;
#: ``small`` and ``tiny`` are for tests and quick demos of another city (the smallest keeps every county populated).
SIZES = {"full": 1.0, "small": 0.1, "tiny": 0.02}

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
