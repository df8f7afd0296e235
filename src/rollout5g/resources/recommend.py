"""Site recommendation in the platform: build a maximal covering problem from the registry, the open list and the
special plan, solve it with :mod:`rollout5g.core.planning`, and turn proposals into site requests or planned sites.

Issue 5 item 4 (Jiaxing 二(一)3, 二(一)4; Zhejiang tasks 6-9). See docs/site-recommendation.md ("In the platform").

Phases (each timed in the result's ``timings``):

1. **area** — the area (key area, county or WGS-84 polygon) on a raster of ``resolution_m`` in UTM 51N.
2. **existing** — best-server RSRP / SINR of the registry's radiating cells on ``band`` (optionally one operator)
   with the coverage engine (:func:`rollout5g.core.radio.job.compute_layer`).
3. **demand** — pixels below the criterion (RSRP ≥ ``rsrp_min`` and SINR ≥ ``sinr_min``), each weighted by the
   highest key-area priority covering it (:data:`CATEGORY_WEIGHTS`; 1 outside key areas).
4. **candidates** — open-list resources inside the area (listed but not open ones are excluded with the reason)
   and published special-plan entries on which no site has been built; exclusions for spacing to existing sites
   and for EMF compliance distance to sensitive buildings (schools, hospitals) are listed with their reasons.
5. **footprints** — each candidate with a default 3-sector configuration (:data:`MACRO`, :data:`POLE`): a demand
   pixel counts for it when its best sector alone gives RSRP ≥ ``rsrp_min`` and, with ``sinr_check``, SINR ≥
   ``sinr_min`` against everything the existing cells radiate there plus its own two other sectors.
6. **solve** — :func:`rollout5g.core.planning.solve_mclp`, greedy + local search or exact (HiGHS).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from rollout5g.core.radio import nr
from rollout5g.core.radio.grid import Grid, project_geometry, rasterize_mask

CRS = "EPSG:32651"  # UTM 51N: Jiaxing lies at 120.3-121.3°E, inside zone 51 (120-126°E)

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

#: Centre frequency [MHz] of a new cell per band (and per operator where their carriers differ: the shared n78
#: of China Telecom 3400-3500 MHz and China Unicom 3500-3600 MHz).
BAND_FREQ_MHZ = {"n78": 3500.0, "n41": 2565.0, "n28": 780.0, "n79": 4900.0, "n1": 2140.0, "n3": 1842.5,
                 "n8": 942.5}
OPERATOR_FREQ_MHZ = {("n78", "jx-telecom"): 3450.0, ("n78", "jx-unicom"): 3550.0}
#: Resource blocks of the band's default carrier at the band's SCS (TS 38.101-1 Table 5.3.2-1 via
#: rollout5g.core.radio.nr): 100 MHz at 30 kHz = 273, 30 MHz at 15 kHz = 160.
BAND_N_RB = {b: nr.carrier_n_rb(b, nr.BAND_DEFAULT_BANDWIDTH_MHZ[b]) for b in BAND_FREQ_MHZ}


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


# ------------------------------------------------------------------------------------------------ areas


@dataclass
class Area:
    """The area of a recommendation: ``ref`` is ``"key_area:<id>"``, ``"region:<adcode>"`` or ``"polygon"``."""

    name: str
    ref: str
    geometry: object  # shapely, WGS-84
    key_area: object = None
    region: object = None


def resolve_area(area) -> Area:
    """An :class:`Area` from a KeyArea, a Region, a ``"key_area:ID"`` / ``"region:ADCODE"`` reference, a shapely
    geometry or a GeoJSON geometry dict (WGS-84)."""
    from rollout5g.regions.models import Region
    from rollout5g.sites.models import KeyArea

    if isinstance(area, Area):
        return area
    if isinstance(area, str):
        kind, _, key = area.partition(":")
        if kind == "key_area":
            found = KeyArea.objects.filter(pk=key).first() if key.isdigit() else None
            if found is None:
                raise RecommendError(f"unknown key area {key!r}")
            area = found
        elif kind == "region":
            found = Region.objects.filter(pk=key).first()
            if found is None:
                raise RecommendError(f"unknown region {key!r}")
            area = found
        else:
            raise RecommendError(f"area reference {area!r}: expected 'key_area:<id>' or 'region:<adcode>'")
    if isinstance(area, KeyArea):
        return Area(area.name, f"key_area:{area.pk}", _polygon(shape(area.geometry), area.name), key_area=area,
                    region=area.region)
    if isinstance(area, Region):
        return Area(area.name, f"region:{area.pk}", _polygon(shape(area.geometry), area.name), region=area)
    if isinstance(area, dict):
        try:
            geom = shape(area.get("geometry", area))
        except Exception as exc:  # noqa: BLE001 - shapely raises several types for bad GeoJSON
            raise RecommendError(f"polygon: not a GeoJSON geometry: {exc}") from None
        return Area("polygon", "polygon", _polygon(geom, "polygon"))
    if isinstance(area, shapely.Geometry):
        return Area("polygon", "polygon", _polygon(area, "polygon"))
    raise RecommendError(f"area must be a key area, a region or a WGS-84 polygon, not {type(area).__name__}")


def _polygon(geom, name):
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise RecommendError(f"{name}: the area must be a non-empty polygon, got {geom.geom_type}")
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise RecommendError(f"{name}: coordinates are not WGS-84 longitude/latitude")
    return geom if geom.is_valid else shapely.make_valid(geom)


def find_area(name: str) -> Area:
    """The key area or county-level region called ``name`` (exact name first, then a unique substring); an unknown
    name raises :class:`RecommendError` listing the most similar names."""
    from rollout5g.regions.models import Region
    from rollout5g.sites.models import KeyArea

    name = (name or "").strip()
    if not name:
        raise RecommendError("no area name given")
    key_areas = list(KeyArea.objects.all())
    counties = list(Region.objects.filter(level__in=("county", "city")))
    exact = [a for a in key_areas if a.name == name] + [r for r in counties if r.name == name]
    if not exact:
        exact = [a for a in key_areas if name in a.name] + [r for r in counties if name in r.name]
    if len(exact) == 1:
        return resolve_area(exact[0])
    names = [a.name for a in key_areas] + [r.name for r in counties]
    if len(exact) > 1:
        raise RecommendError(f"area {name!r} is ambiguous: {', '.join(sorted({o.name for o in exact})[:10])}")
    similar = difflib.get_close_matches(name, names, n=8, cutoff=0.3) or sorted(names)[:8]
    raise RecommendError(f"unknown area {name!r} (not a key area or county); similar: {', '.join(similar)}")


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the form: key areas and the counties of the city."""
    from rollout5g.regions.models import Region
    from rollout5g.platform.home import home_adcode
    from rollout5g.platform.home import home_adcode
    from rollout5g.sites.models import KeyArea

    keys = [(f"key_area:{a.pk}", f"{a.name}") for a in KeyArea.objects.order_by("region_id", "category", "name")]
    counties = [(f"region:{r.pk}", r.name) for r in Region.objects.filter(level="county").order_by("adcode")
                if KeyArea.objects.filter(region=r).exists() or r.parent_id == home_adcode()]
    return [("key areas", keys), ("counties", counties)]


# ------------------------------------------------------------------------------------------------ engine helpers


def _transformer(inverse=False):
    from pyproj import Transformer

    return Transformer.from_crs(CRS, "EPSG:4326", always_xy=True) if inverse else \
        Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def band_frequency_mhz(band: str, operator: str | None = None) -> float:
    try:
        return OPERATOR_FREQ_MHZ.get((band, operator or ""), BAND_FREQ_MHZ[band])
    except KeyError:
        raise RecommendError(f"band {band!r} is not supported; valid: {', '.join(BAND_FREQ_MHZ)}") from None


def _sector_cells(positions, heights, configs, band, freq_mhz):
    """Cells (coverage engine arrays) of three sectors per candidate: rows 3j, 3j+1, 3j+2 belong to candidate j."""
    from rollout5g.core.radio.cells import Cells

    n = len(heights)
    lon, lat = positions
    rows = {k: [] for k in ("cell_id", "lon", "lat", "height_m", "azimuth_deg", "tilt_deg", "gain_dbi", "hpbw_h_deg",
                             "hpbw_v_deg", "rs_power_dbm", "freq_mhz", "band", "operator")}
    for j in range(n):
        cfg = configs[j]
        for s, az in enumerate(SECTOR_AZIMUTHS):
            rows["cell_id"].append(f"c{j}-{s}")
            rows["lon"].append(lon[j])
            rows["lat"].append(lat[j])
            rows["height_m"].append(heights[j])
            rows["azimuth_deg"].append(az)
            rows["tilt_deg"].append(cfg.tilt_deg)
            rows["gain_dbi"].append(cfg.gain_dbi)
            rows["hpbw_h_deg"].append(cfg.hpbw_h_deg)
            rows["hpbw_v_deg"].append(cfg.hpbw_v_deg)
            rows["rs_power_dbm"].append(cfg.rs_power_dbm(BAND_N_RB.get(band, 273)))
            rows["freq_mhz"].append(freq_mhz)
            rows["band"].append(band)
            rows["operator"].append("new")
    return Cells(**rows)


def reach_m(cfg: SectorConfig, height_m: float, band: str, freq_mhz: float, rsrp_min: float, params) -> float:
    """Largest distance [m] at which a sector's boresight could still reach ``rsrp_min`` (path loss is
    non-decreasing in distance), capped at 10 km: pixels beyond it cannot count for the candidate."""
    from rollout5g.core.radio.pathloss import path_loss

    d = np.geomspace(10.0, 10000.0, 400)
    pl = path_loss(d, freq_mhz / 1000.0, height_m, params.h_ut, model=params.model, los_mode=params.los_mode,
                   h_building=params.h_building, street_width=params.street_width, city=params.city,
                   extrapolate=params.extrapolate)
    ok = cfg.rs_power_dbm(BAND_N_RB.get(band, 273)) + cfg.gain_dbi - np.asarray(pl) >= rsrp_min
    return float(d[np.flatnonzero(ok)[-1]] * 1.05) if ok.any() else 0.0


# ------------------------------------------------------------------------------------------------ candidates


@dataclass
class Candidate:
    source: str  # "resource" | "planned_site"
    pk: int
    code: str
    name: str
    kind: str  # resource kind or planned site type
    lon: float
    lat: float
    height_m: float
    config: SectorConfig
    reason: str = ""  # why it is excluded ("" = eligible)
    available: bool = True
    emf_excluded: bool = False
    emf_distance_m: float = 0.0


def _resource_candidates(area: Area) -> list[Candidate]:
    from .models import PublicResource
    from .selectors import open_candidates

    open_ids = set(open_candidates(polygon_wgs84=area.geometry).values_list("pk", flat=True))
    minx, miny, maxx, maxy = area.geometry.bounds
    rows = list(PublicResource.objects.filter(withdrawn=False, lon__gte=minx, lon__lte=maxx, lat__gte=miny,
                                              lat__lte=maxy).order_by("code"))
    if rows:
        inside = shapely.contains_xy(area.geometry, np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
        rows = [r for r, ok in zip(rows, inside, strict=True) if ok]
    out = []
    for r in rows:
        pole = r.kind in POLE_RESOURCE_KINDS or r.smart_pole
        height = float(r.height_m) if r.height_m else RESOURCE_HEIGHT_M.get(r.kind, 15.0)
        c = Candidate("resource", r.pk, r.code, r.name, r.kind, r.lon, r.lat, max(height, 3.0),
                      POLE if pole else MACRO)
        if r.kind in NOT_A_SITE_KINDS:
            c.available, c.reason = False, "a duct carries no antennas"
        elif r.pk not in open_ids:
            reason = r.get_availability_display()
            if r.smart_pole and r.availability != "unavailable":
                reason = "smart pole full"
            c.available = False
            c.reason = f"not open: {reason}" + (f" ({r.availability_reason})" if r.availability_reason else "")
        out.append(c)
    return out


def _planned_candidates(area: Area) -> list[Candidate]:
    from rollout5g.sites.models import PlannedSite

    minx, miny, maxx, maxy = area.geometry.bounds
    rows = list(PlannedSite.objects.filter(published=True, sites__isnull=True, lon__gte=minx, lon__lte=maxx,
                                           lat__gte=miny, lat__lte=maxy).order_by("code"))
    if rows:
        inside = shapely.contains_xy(area.geometry, np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
        rows = [r for r, ok in zip(rows, inside, strict=True) if ok]
    out = []
    for p in rows:
        c = Candidate("planned_site", p.pk, p.code, p.name or p.place or p.code, p.site_type, p.lon, p.lat,
                      PLANNED_HEIGHT_M.get(p.site_type, 25.0), POLE if p.site_type in POLE_SITE_TYPES else MACRO)
        if p.site_type in NOT_MODELLED_SITE_TYPES:
            c.available, c.reason = False, "indoor site: not part of the outdoor coverage model"
        out.append(c)
    return out


def _exclude_near_sites(cands, xy, min_spacing_m, area_bounds):
    """Candidates closer than the spacing to an existing (not retired) site of the registry."""
    from scipy.spatial import cKDTree

    from rollout5g.sites.models import Site

    if not min_spacing_m or not cands:
        return
    minx, miny, maxx, maxy = area_bounds
    pad = min_spacing_m / 90000.0 + 0.001
    sites = list(Site.objects.exclude(state="retired").filter(
        lon__gte=minx - pad, lon__lte=maxx + pad, lat__gte=miny - pad, lat__lte=maxy + pad).values_list(
        "code", "lon", "lat"))
    if not sites:
        return
    sx, sy = _transformer().transform(np.array([s[1] for s in sites]), np.array([s[2] for s in sites]))
    tree = cKDTree(np.column_stack([sx, sy]))
    dist, idx = tree.query(xy, k=1)
    for c, d, i in zip(cands, dist, idx, strict=True):
        if d < BUILT_WITHIN_M and c.source == "planned_site" and c.available:
            # the demo (and imported registries) do not always link a built site to its plan entry
            c.available, c.reason = False, f"already built: site {sites[i][0]} stands {d:.0f} m away"
        elif d < min_spacing_m and c.available:
            c.available = False
            c.reason = f"{d:.0f} m from existing site {sites[i][0]} (minimum spacing {min_spacing_m:g} m)"


def _exclude_emf(cands, xy, band, freq_mhz, area_bounds):
    """EMF: a candidate whose main-beam compliance distance (GB 8702-2014 public limit, 1/5 for one project per
    HJ/T 10.3-1996) reaches a school or hospital key area or an open-list school / hospital is excluded."""
    from rollout5g.core.radio.emf import assessment_limit, compliance_distance
    from rollout5g.sites.models import KeyArea

    from .models import PublicResource

    limit = assessment_limit(freq_mhz)
    minx, miny, maxx, maxy = area_bounds
    pad = 0.01  # ≈ 1 km, larger than any compliance distance of the default configurations
    tr = _transformer()
    sensitive = []
    for ka in KeyArea.objects.filter(category__in=SENSITIVE_CATEGORIES):
        g = shape(ka.geometry)
        bx = g.bounds
        if bx[2] < minx - pad or bx[0] > maxx + pad or bx[3] < miny - pad or bx[1] > maxy + pad:
            continue
        sensitive.append((f"{ka.get_category_display()} {ka.name}", project_geometry(g, CRS)))
    for code, name, kind, lon, lat in PublicResource.objects.filter(
            kind__in=SENSITIVE_RESOURCE_KINDS, lon__gte=minx - pad, lon__lte=maxx + pad, lat__gte=miny - pad,
            lat__lte=maxy + pad).values_list("code", "name", "kind", "lon", "lat"):
        x, y = tr.transform(lon, lat)
        sensitive.append((f"{kind} {code} {name}", shapely.Point(x, y)))
    if not sensitive:
        return
    geoms = np.array([g for _, g in sensitive], dtype=object)
    tree = shapely.STRtree(geoms)
    for c, (x, y) in zip(cands, xy, strict=True):
        r = compliance_distance(c.config.total_power_w, c.config.gain_dbi, limit)
        c.emf_distance_m = float(r)
        hits = tree.query(shapely.Point(x, y).buffer(r, 16), predicate="intersects")
        if len(hits):
            c.emf_excluded = True
            first = sensitive[int(sorted(hits)[0])][0]
            if c.available:
                c.reason = f"EMF compliance distance {r:.0f} m reaches {first}"


# ------------------------------------------------------------------------------------------------ the service


def recommend_sites(*, area, n_sites: int | None = None, target_share: float | None = None, band: str = "n78",
                    operator: str | None = None, method: str = "greedy", min_spacing_m: float = 250.0,
                    resolution_m: float = 50.0, rsrp_min: float = -105.0, sinr_min: float = -3.0,
                    sinr_check: bool = True, time_limit: float | None = 120.0, as_of: dt.date | None = None,
                    progress: Progress | None = None) -> dict:
    """Recommend up to ``n_sites`` new sites (or the fewest reaching ``target_share`` of the area's weighted
    demand) in ``area`` from the open list and the special plan; returns a JSON-ready dict (see the module doc).

    Raises :class:`RecommendError` for bad parameters, an unknown area, or an area without candidates.
    """
    from rollout5g.core.planning import METHODS, MCLPProblem, solve_mclp
    from rollout5g.core.radio.job import compute_layer
    from rollout5g.core.radio.link import RadioParams, covered, dbm_to_mw, received_power_dbm
    from rollout5g.coverage.registry import radiating_cells
    from rollout5g.sites.models import Cell

    report = progress or (lambda fraction, message: None)
    if (n_sites is None) == (target_share is None):
        raise RecommendError("give either a number of sites or a target share, not both")
    if n_sites is not None and (int(n_sites) != n_sites or n_sites < 1):
        raise RecommendError(f"number of sites must be a positive integer, got {n_sites}")
    if target_share is not None and not 0 < target_share <= 1:
        raise RecommendError(f"target share must be in (0, 1], got {target_share}")
    if method not in METHODS:
        raise RecommendError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    if not 10 <= resolution_m <= 500:
        raise RecommendError(f"resolution must be 10-500 m, got {resolution_m:g}")
    if min_spacing_m < 0:
        raise RecommendError(f"minimum spacing must be >= 0 m, got {min_spacing_m:g}")
    freq = band_frequency_mhz(band, operator)
    params = RadioParams(rsrp_min=rsrp_min, sinr_min=sinr_min)
    timings: dict[str, float] = {}
    t = time.perf_counter()

    # 1. area on a grid
    report(0.02, "area")
    area = resolve_area(area)
    projected = project_geometry(area.geometry, CRS)
    grid = Grid.from_bounds(projected.bounds, resolution_m, CRS)
    if grid.width * grid.height > 4_000_000:
        raise RecommendError(f"{area.name}: {grid.width} x {grid.height} pixels at {resolution_m:g} m is too large; "
                             "use a coarser resolution")
    mask = rasterize_mask(grid, projected)
    if not mask.any():
        raise RecommendError(f"{area.name}: the area is smaller than one pixel of {resolution_m:g} m")
    timings["area"] = time.perf_counter() - t

    # 2. existing coverage: radiating cells within 10 km of the area (farther ones add nothing above the noise
    # floor at n78 and only a little interference at lower bands)
    t = time.perf_counter()
    report(0.05, "existing coverage")
    minx, miny, maxx, maxy = area.geometry.bounds
    pad = 0.1
    cell_qs = Cell.objects.filter(site__lon__gte=minx - pad, site__lon__lte=maxx + pad, site__lat__gte=miny - pad,
                                  site__lat__lte=maxy + pad)
    cells = radiating_cells(as_of=as_of, band=band, operator=operator, queryset=cell_qs)

    def layer_progress(done, total):
        report(0.05 + 0.35 * (done / total if total else 1.0), f"existing coverage: {done}/{total} tiles")

    # on the platform's Dask cluster when one is configured (as coverage runs are), else in this worker
    from django.conf import settings

    scheduler = getattr(settings, "ROLLOUT5G_DASK_SCHEDULER", None) or None
    rsrp, sinr, _, _ = compute_layer(cells, grid, mask, params, backend="dask" if scheduler else "cpu",
                                     scheduler=scheduler, progress=layer_progress)
    is_covered = covered(rsrp, sinr, rsrp_min, sinr_min) & mask
    timings["existing"] = time.perf_counter() - t

    # 3. demand and weights
    t = time.perf_counter()
    report(0.42, "demand")
    weight = np.where(mask, DEFAULT_WEIGHT, 0).astype(np.int64)
    from rollout5g.sites.models import KeyArea

    key_area_counts = {}
    for ka in KeyArea.objects.all():
        g = shape(ka.geometry)
        b = g.bounds
        if b[2] < minx or b[0] > maxx or b[3] < miny or b[1] > maxy:
            continue
        w = CATEGORY_WEIGHTS.get(ka.category, DEFAULT_WEIGHT)
        m = rasterize_mask(grid, project_geometry(g, CRS)) & mask
        if m.any():
            weight[m] = np.maximum(weight[m], w)
            key_area_counts[ka.name] = int(m.sum())
    demand_rc = np.argwhere(mask & ~is_covered)
    dx, dy = grid.centers(demand_rc[:, 0], demand_rc[:, 1])
    demand_w = weight[demand_rc[:, 0], demand_rc[:, 1]].astype(float)
    already_w = float(weight[is_covered].sum())
    # what the existing cells radiate at each demand pixel (server + interferers + noise), for the SINR check
    noise_mw = float(dbm_to_mw(params.noise_dbm))
    r_d = rsrp[demand_rc[:, 0], demand_rc[:, 1]].astype(float)
    s_d = sinr[demand_rc[:, 0], demand_rc[:, 1]].astype(float)
    with np.errstate(invalid="ignore"):
        s_mw = np.where(np.isnan(r_d), 0.0, dbm_to_mw(np.nan_to_num(r_d, nan=-300.0)))
        background_mw = np.where(np.isnan(r_d), noise_mw,
                                 s_mw + s_mw / dbm_to_mw(np.nan_to_num(s_d, nan=0.0)))
    timings["demand"] = time.perf_counter() - t

    # 4. candidates and exclusions
    t = time.perf_counter()
    report(0.45, "candidates")
    cands = _resource_candidates(area) + _planned_candidates(area)
    if not cands:
        raise RecommendError(f"{area.name}: no open-list resource or special-plan entry inside the area")
    cx, cy = _transformer().transform(np.array([c.lon for c in cands]), np.array([c.lat for c in cands]))
    cxy = np.column_stack([cx, cy])
    _exclude_near_sites(cands, cxy, min_spacing_m, area.geometry.bounds)
    _exclude_emf(cands, cxy, band, freq, area.geometry.bounds)
    timings["candidates"] = time.perf_counter() - t

    # 5. footprints with the coverage engine's link budget (best sector of each candidate)
    t = time.perf_counter()
    from scipy.spatial import cKDTree

    eligible = [j for j, c in enumerate(cands) if c.available and not c.emf_excluded]
    rows: list[np.ndarray] = [np.zeros(0, np.int64)] * len(cands)
    if len(demand_rc) and eligible:
        tree = cKDTree(np.column_stack([dx, dy]))
        reach_cache: dict = {}
        for n_done, j in enumerate(eligible):
            c = cands[j]
            key = (c.config, c.height_m)
            if key not in reach_cache:
                reach_cache[key] = reach_m(c.config, c.height_m, band, freq, rsrp_min, params)
            near = np.asarray(tree.query_ball_point(cxy[j], reach_cache[key]), dtype=np.int64)
            if near.size:
                sectors = _sector_cells(([c.lon], [c.lat]), [c.height_m], [c.config], band, freq)
                rx = received_power_dbm(sectors, np.full(3, cxy[j, 0]), np.full(3, cxy[j, 1]), dx[near], dy[near],
                                        params)
                best = rx.max(axis=0)
                ok = best >= rsrp_min
                if sinr_check:
                    rx_mw = dbm_to_mw(rx)
                    own_other = rx_mw.sum(axis=0) - dbm_to_mw(best)
                    with np.errstate(divide="ignore"):
                        sinr_new = best - 10.0 * np.log10(background_mw[near] + own_other)
                    ok &= sinr_new >= sinr_min
                rows[j] = np.sort(near[ok])
            if n_done % 50 == 0:
                report(0.5 + 0.25 * n_done / len(eligible), f"footprints: {n_done}/{len(eligible)} candidates")
    import scipy.sparse as sp

    indptr = np.zeros(len(cands) + 1, np.int64)
    np.cumsum([r.size for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    coverage = sp.csr_matrix((np.ones(indices.size, bool), indices, indptr), shape=(len(cands), len(demand_rc)))
    timings["footprints"] = time.perf_counter() - t

    # 6. solve
    t = time.perf_counter()
    report(0.78, f"solving ({method})")
    available = np.array([c.available for c in cands], bool)
    emf_excluded = np.array([c.emf_excluded for c in cands], bool)
    p = None
    clamped = False
    if n_sites is not None:
        p = int(n_sites)
        if p > len(cands):
            p, clamped = len(cands), True
    problem = MCLPProblem(weights=demand_w, coverage=coverage, p=p, target_share=target_share, available=available,
                          emf_excluded=emf_excluded, candidate_xy=cxy, min_spacing_m=float(min_spacing_m),
                          already_covered_weight=already_w)
    kwargs = {"time_limit": time_limit} if method == "exact" else {}
    sol = solve_mclp(problem, method=method, **kwargs)
    timings["solve"] = time.perf_counter() - t

    # 7. result: proposals with their gains in pixels, km² and weight, in the solver's order
    t = time.perf_counter()
    pixel_km2 = resolution_m * resolution_m / 1e6
    newly = np.zeros(len(demand_rc), bool)
    proposals = []
    to_lonlat = _transformer(inverse=True)
    for rank, (j, gain_w) in enumerate(zip(sol.sites.tolist(), sol.gains.tolist(), strict=True), start=1):
        row = rows[j]
        gain_px = int((~newly[row]).sum())
        newly[row] = True
        c = cands[j]
        proposals.append({
            "rank": rank, "source": c.source, "id": c.pk, "code": c.code, "name": c.name, "kind": c.kind,
            "lon": round(c.lon, 6), "lat": round(c.lat, 6), "height_m": c.height_m,
            "config": "pole" if c.config == POLE else "macro", "footprint_pixels": int(row.size),
            "gain_pixels": gain_px, "gain_km2": round(gain_px * pixel_km2, 4), "gain_weight": float(gain_w),
            "converted": None,
        })
    n_mask = int(mask.sum())
    n_cov = int(is_covered.sum())
    total_w = float(weight.sum())
    # the demand left uncovered, on a coarser lattice for the map (at most about 4000 points)
    left = ~newly
    block = max(1, int(math.ceil(math.sqrt(max(1, left.sum()) / 4000.0))))
    uncovered = []
    if left.any():
        br, bc = demand_rc[left, 0] // block, demand_rc[left, 1] // block
        keys, inverse = np.unique(br * (grid.width // block + 1) + bc, return_inverse=True)
        wsum = np.bincount(inverse, weights=demand_w[left])
        cnt = np.bincount(inverse)
        ux = np.bincount(inverse, weights=dx[left]) / cnt
        uy = np.bincount(inverse, weights=dy[left]) / cnt
        lon, lat = to_lonlat.transform(ux, uy)
        uncovered = [[round(float(a), 5), round(float(b), 5), int(n), float(w)]
                     for a, b, n, w in zip(lon, lat, cnt, wsum, strict=True)]
    excluded = [{"source": c.source, "id": c.pk, "code": c.code, "name": c.name, "kind": c.kind,
                 "lon": round(c.lon, 6), "lat": round(c.lat, 6), "reason": c.reason}
                for c in cands if c.reason]
    excluded_counts: dict[str, int] = {}
    for e in excluded:
        label = ("spacing" if "minimum spacing" in e["reason"] else "EMF" if e["reason"].startswith("EMF")
                 else "not open" if e["reason"].startswith("not open")
                 else "built" if e["reason"].startswith("already built") else "other")
        excluded_counts[label] = excluded_counts.get(label, 0) + 1
    simplified = area.geometry.simplify(0.0003, preserve_topology=True)
    timings["result"] = time.perf_counter() - t
    report(0.99, "done")
    result = {
        "area": {"name": area.name, "ref": area.ref, "geometry": mapping(simplified),
                 "region": getattr(area.region, "pk", None),
                 "key_area": getattr(area.key_area, "pk", None)},
        "params": {"n_sites": n_sites, "target_share": target_share, "band": band, "operator": operator,
                   "method": method, "min_spacing_m": min_spacing_m, "resolution_m": resolution_m,
                   "rsrp_min": rsrp_min, "sinr_min": sinr_min, "sinr_check": sinr_check, "freq_mhz": freq,
                   "p_clamped_to_candidates": clamped},
        "counts": {"pixels": n_mask, "covered_pixels": n_cov, "demand_pixels": int(len(demand_rc)),
                   "existing_cells": len(cells), "candidates": len(cands),
                   "eligible": int((available & ~emf_excluded).sum()),
                   "resources": sum(c.source == "resource" for c in cands),
                   "planned_sites": sum(c.source == "planned_site" for c in cands),
                   "coverage_pairs": int(coverage.nnz), "excluded": excluded_counts,
                   "key_area_pixels": key_area_counts},
        "pixel_km2": pixel_km2,
        "share_before": sol.share_before, "share_after": sol.share_after,
        "pixel_share_before": n_cov / n_mask, "pixel_share_after": (n_cov + int(newly.sum())) / n_mask,
        "weight_before": sol.covered_weight_before, "weight_after": sol.covered_weight_after,
        "total_weight": total_w, "objective": sol.objective, "status": sol.status, "target_met": sol.target_met,
        "optimum": sol.objective if method == "exact" else None, "mip_gap": sol.mip_gap,
        "dual_bound": sol.dual_bound, "heuristic_objective": sol.heuristic_objective,
        "heuristic_gap": sol.heuristic_gap,
        "proposals": proposals, "excluded": excluded, "uncovered": uncovered, "uncovered_block": block,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "solver_timings": {k: round(float(v), 4) for k, v in dict(sol.timings).items()},
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return result


# ------------------------------------------------------------------------------------------------ conversion


def convert_proposals(*, actor, job, ranks, action: str, planned_year: int | None = None) -> dict:
    """Turn the selected proposals (``ranks``) of a finished recommendation job into site requests (open-list
    resources, ``action="requests"``) or special-plan entries (``action="plan"``), in one transaction.

    A proposal converted before, or one that does not fit the action (a special-plan entry asked for as a site
    request; a plan entry that already exists), is skipped with the reason. The job's result records what each
    proposal became, so nothing is created twice. Returns ``{"created": [...], "skipped": [...]}``.
    """
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from rollout5g.audit.services import record_event
    from rollout5g.jobs.models import Job
    from rollout5g.organizations.models import Organization
    from rollout5g.sites.choices import SiteType
    from rollout5g.sites.models import KeyArea
    from rollout5g.sites.services import planned_site_create

    from .models import PublicResource
    from .services import site_request_create

    if action not in ("requests", "plan"):
        raise RecommendError(f"unknown action {action!r}; valid: requests, plan")
    if not can_recommend(actor):
        raise PermissionDenied("only operators and the programme office turn recommendations into sites")
    year = planned_year or dt.date.today().year
    created, skipped = [], []
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.kind != JOB_KIND or job.status != "succeeded" or not job.result:
            raise RecommendError("the recommendation has not finished")
        result = job.result
        by_rank = {p["rank"]: p for p in result["proposals"]}
        unknown = [r for r in ranks if r not in by_rank]
        if unknown:
            raise RecommendError(f"no proposal number {', '.join(map(str, unknown))} in this recommendation")
        if not ranks:
            raise RecommendError("select at least one proposal")
        operator_code = result["params"].get("operator")
        org = actor.organization
        if (actor.is_superuser or actor.is_program_office) and operator_code:
            org = Organization.objects.get(code=operator_code)
        key_area = KeyArea.objects.filter(pk=result["area"].get("key_area")).first()
        note = f"site recommendation job #{job.pk}, proposal"
        for rank in sorted(set(ranks)):
            p = by_rank[rank]
            label = f"#{rank} {p['code']}"
            if p.get("converted"):
                skipped.append(f"{label}: already converted to {p['converted']['code']}")
                continue
            if action == "requests":
                if p["source"] != "resource":
                    skipped.append(f"{label}: a special-plan entry, not an open-list resource")
                    continue
                resource = PublicResource.objects.get(pk=p["id"])
                req = site_request_create(actor=actor, resource=resource, band=result["params"]["band"],
                                          purpose=f"{note} {rank}", planned_year=year)
                p["converted"] = {"kind": "site_request", "id": req.pk, "code": req.code}
                created.append(req.code)
            else:
                if p["source"] == "planned_site":
                    skipped.append(f"{label}: already in the special plan")
                    continue
                if org is None:
                    raise RecommendError("your account has no organization to plan the site for")
                site_type = (SiteType.SMART_POLE if p["config"] == "pole" and "smart" in p["kind"]
                             else SiteType.STREET_POLE if p["config"] == "pole" else SiteType.ROOFTOP)
                plan = planned_site_create(actor=actor, organization=org, lon=p["lon"], lat=p["lat"],
                                           planned_year=year, site_type=site_type, name=p["name"],
                                           place=p["code"], key_area=key_area, note=f"{note} {rank}")
                p["converted"] = {"kind": "planned_site", "id": plan.pk, "code": plan.code}
                created.append(plan.code)
        if created:
            Job.objects.filter(pk=job.pk).update(result=result)
            record_event(actor=actor, action="update", obj=job, before={"converted": []},
                         after={"converted": created, "action": action}, note=f"proposals {sorted(set(ranks))}")
    return {"created": created, "skipped": skipped}


JOB_KIND = "resources.recommend"


def can_recommend(user) -> bool:
    """Operators (and the tower company) and the programme office plan sites; nobody else runs recommendations."""
    from rollout5g.accounts.choices import Role

    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role in (Role.OPERATOR, Role.PROGRAM_OFFICE))


def submit_recommendation(*, actor, area: str, n_sites=None, target_share=None, band="n78", operator=None,
                          method="greedy", min_spacing_m=250.0, resolution_m=50.0):
    """Validate the parameters and queue a ``resources.recommend`` job; returns the Job."""
    from django.core.exceptions import PermissionDenied

    from rollout5g.jobs.services import job_submit

    if not can_recommend(actor):
        raise PermissionDenied("only operators and the programme office run site recommendations")
    resolved = resolve_area(area)
    if (n_sites is None) == (target_share is None):
        raise RecommendError("give either a number of sites or a target share, not both")
    band_frequency_mhz(band, operator)
    if method not in ("greedy", "exact"):
        raise RecommendError(f"unknown method {method!r}; valid: greedy, exact")
    if operator and not actor.is_superuser and not actor.is_program_office:
        if actor.organization is None or actor.organization.code != operator:
            raise PermissionDenied("an operator recommends for its own network only")
    params = {"area": resolved.ref if resolved.ref != "polygon" else mapping(resolved.geometry),
              "n_sites": n_sites, "target_share": target_share, "band": band, "operator": operator or None,
              "method": method, "min_spacing_m": float(min_spacing_m), "resolution_m": float(resolution_m)}
    target = f"{n_sites} sites" if n_sites is not None else f"{target_share:.0%}"
    return job_submit(actor, JOB_KIND, params, title=f"Site recommendation: {resolved.name}, {target}, {band}")
