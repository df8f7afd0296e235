"""Reproducible synthetic 5G site and cell registry of a city: Jiaxing (嘉兴市, adcode 330400) from hand-placed places,
any other city of the shipped boundaries from places derived from its county polygons (:mod:`.city`).

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
The package: :mod:`.assumptions` holds every assumed value; :mod:`.city` the city's boundaries, counties, places and
key areas (the hand-placed places of Jiaxing, or places derived from the county polygons of any other city of the
shipped boundaries); :mod:`.world` draws the build-out of one seed step by step; :mod:`.snapshot` takes the scenario
of a year; :mod:`.model` holds the records and :mod:`.cells_csv` writes the coverage engine's CSV.

Every record is synthetic: site names, addresses and parameters are drawn, never surveyed.
"""

from .assumptions import (
    _PARTNER,
    BUILD_PLAN,
    CARRIERS,
    CELLS_CSV_COLUMNS,
    COUNTIES,
    DEFAULT_CITY,
    HEIGHT_RANGE_M,
    JIAXING_ADCODE,
    KEY_AREAS_PATH,
    OPERATORS,
    PLACES_PATH,
    SITE_STATES,
    SITE_TYPES,
    SIZES,
    VALID_YEARS,
    YEAR_TARGETS,
)
from .cells_csv import write_cells_csv
from .city import (
    City,
    city_model,
    load_city_boundaries,
    load_jiaxing_boundaries,
    load_key_areas,
    load_places,
    write_key_areas_geojson,
)
from .model import PlannedSite, Scenario, ScenarioCell, ScenarioSite, ssb_epre_dbm
from .snapshot import generate, generate_jiaxing
from .world import _world

__all__ = [
    "BUILD_PLAN",
    "CARRIERS",
    "CELLS_CSV_COLUMNS",
    "COUNTIES",
    "City",
    "DEFAULT_CITY",
    "HEIGHT_RANGE_M",
    "JIAXING_ADCODE",
    "KEY_AREAS_PATH",
    "OPERATORS",
    "PLACES_PATH",
    "PlannedSite",
    "SITE_STATES",
    "SITE_TYPES",
    "SIZES",
    "Scenario",
    "ScenarioCell",
    "ScenarioSite",
    "VALID_YEARS",
    "YEAR_TARGETS",
    "_PARTNER",
    "_world",
    "city_model",
    "generate",
    "generate_jiaxing",
    "load_city_boundaries",
    "load_jiaxing_boundaries",
    "load_key_areas",
    "load_places",
    "ssb_epre_dbm",
    "write_cells_csv",
    "write_key_areas_geojson",
]
