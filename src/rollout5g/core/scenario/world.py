"""The build-out of one seed: every site and gNB to the end of the plan, drawn step by step."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

from .assumptions import (
    _GRID_KM,
    _KM_PER_DEG_LAT,
    _KM_PER_DEG_LON,
    _ROADS_GENERIC,
    _TENANCY,
    _TOWER_OWNED,
    _TYPE_MIX,
    _VILLAGE_A,
    _VILLAGE_B,
    AAU_GAIN_DBI,
    AAU_HPBW_V_DEG,
    AAU_POWER_W,
    AAU_SITE_TYPES,
    AZIMUTH_JITTER_DEG,
    BASE_TILT_DEG,
    BUILD_CURVE_2019,
    BUILD_CURVE_A,
    BUILD_CURVE_END,
    BUILD_CURVE_START,
    BUILD_PLAN,
    CANDIDATE_MARGIN,
    CANDIDATES_PER_SITE,
    CM_FIRST_SHARE,
    DEFAULT_CITY,
    EVENT_DELAY_MAX_YEARS,
    GNBS_PER_SITE,
    HEIGHT_RANGE_M,
    IN_PLAN_SHARE,
    INDOOR_GAIN_DBI,
    INDOOR_HPBW_V_DEG,
    INDOOR_POWER_W,
    KIND_PHASE,
    KIND_SHARE,
    MAX_MECH_TILT_DEG,
    MIN_ELEC_TILT_DEG,
    MIN_SPACING_KM,
    N28_CUMULATIVE_SHARE,
    N28_GAIN_DBI,
    N28_HPBW_V_DEG,
    N28_PLACE_KINDS,
    N28_POWER_W,
    N28_SITE_TYPES,
    N28_SPREAD_DAYS,
    N28_START_DAY,
    OMNI_SITE_TYPES,
    OTHER_HPBW_V_DEG,
    OTHER_POWER_W,
    PLAN_JITTER,
    PLAN_LAST_YEAR,
    POLE_GAIN_DBI,
    POLE_HPBW_V_DEG,
    POLE_POWER_W,
    POLE_SITE_TYPES,
    POLE_TILT_EXTRA_DEG,
    POLE_TILT_TYPES,
    RELOCATE_SHARE,
    RETIRE_SHARE,
    SECOND_GNB_DELAY_YEARS,
    SECOND_GNB_LATER_SHARE,
    SITE_TYPES,
    SIZES,
    SMALL_CELL_GAIN_DBI,
    TILT_JITTER_DEG,
    TILT_M_PER_DEG,
    TILT_RANGE_DEG,
    TILT_REF_HEIGHT_M,
    TRANSFER_SHARE,
    TRANSFER_TO_DIRECT_PER_YEAR,
)
from .city import city_model


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
        if y == 2019:
            first, last, a = BUILD_CURVE_2019
            start, end = np.datetime64(first), np.datetime64(last)
        else:
            start, end = np.datetime64(f"{y}-{BUILD_CURVE_START}"), np.datetime64(f"{y}-{BUILD_CURVE_END}")
            a = BUILD_CURVE_A
        span = (end - start).astype(int)
        out[sel] = start + np.floor(p ** (1.0 / a) * span).astype(int)
    return out


@dataclass(frozen=True, slots=True)
class _Places:
    """The city's places as arrays (index = place)."""

    items: list
    lon: np.ndarray
    lat: np.ndarray
    county: np.ndarray
    kind: np.ndarray
    weight: np.ndarray
    sigma_km: np.ndarray

    @classmethod
    def of(cls, places) -> _Places:
        return cls(
            items=places,
            lon=np.array([p["lon"] for p in places]),
            lat=np.array([p["lat"] for p in places]),
            county=np.array([p["county"] for p in places]),
            kind=np.array([p["kind"] for p in places]),
            weight=np.array([float(p["weight"]) for p in places]),
            sigma_km=np.array([float(p["radius_km"]) for p in places]),
        )


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the sites stand (index = site before the final ordering)."""

    place: np.ndarray  # place index (a rural site: the nearest place of its county)
    rural: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    county: np.ndarray
    kind: np.ndarray


@dataclass(frozen=True, slots=True)
class _Gnbs:
    """One gNB per building operator per site, with its build order and on-air date (NaT beyond the plan)."""

    site: np.ndarray
    slot: np.ndarray
    op: np.ndarray
    date: np.ndarray
    keep: np.ndarray  # made the plan
    site_key: np.ndarray  # per site: the build-order key of the site
    has_cm: np.ndarray  # per site


# -- step 1: the plan -------------------------------------------------------------------------------------------------


def _plan(rng, size: str) -> tuple[dict[int, int], int]:
    """Cumulative gNBs per year at ``size`` (each year's total jittered by ±PLAN_JITTER) and the sites to draw."""
    scale = SIZES[size]
    plan = {y: int(round(v * scale * (1.0 + rng.uniform(-PLAN_JITTER, PLAN_JITTER)))) for y, v in BUILD_PLAN.items()}
    return plan, int(plan[PLAN_LAST_YEAR] / GNBS_PER_SITE * GNBS_PER_SITE)


# -- step 2: places ---------------------------------------------------------------------------------------------------


def _site_places(rng, n_sites: int, places: _Places) -> np.ndarray:
    """Each site's place: a count per kind (KIND_SHARE), then a place of that kind by weight; -1 = rural."""
    kinds = list(KIND_SHARE)
    kind_n = rng.multinomial(n_sites, [KIND_SHARE[k] for k in kinds])
    site_place = []
    for k, n in zip(kinds, kind_n, strict=True):
        if k == "rural":
            site_place.append(np.full(n, -1))
            continue
        idx = np.flatnonzero(places.kind == k)
        w = places.weight[idx] / places.weight[idx].sum()
        site_place.append(rng.choice(idx, size=n, p=w))
    return np.concatenate(site_place)


# -- step 3: sites (candidates, thinning) -----------------------------------------------------------------------------


def _thin(c_place, c_ok, c_kind, c_phase, c_lon, c_lat, quota) -> np.ndarray:
    """Greedy hard-core thinning in build-phase order: a candidate is kept while its place has quota left and no
    kept site is closer than MIN_SPACING_KM of the candidate's kind (a regular, network-like layout)."""
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
    return np.array(sorted(accepted))


def _sites(rng, city, places: _Places, place: np.ndarray) -> _Layout:
    """Site positions: candidates around their place (rural ones uniform over the city, oversampled by
    CANDIDATES_PER_SITE), thinned (:func:`_thin`); a rural site then belongs to the nearest place of its county."""
    bounds, counties = city.bounds, city.counties
    quota = Counter(place.tolist())
    n_cand = {
        p: CANDIDATES_PER_SITE["rural" if p < 0 else "place"] * q + CANDIDATE_MARGIN for p, q in quota.items()
    }
    c_place = np.concatenate([np.full(n, p) for p, n in sorted(n_cand.items())])
    c_rural = c_place < 0
    c_lon = np.empty(c_place.size)
    c_lat = np.empty(c_place.size)
    c_county = np.empty(c_place.size, dtype=object)
    urb = np.flatnonzero(~c_rural)
    at = c_place[urb]
    c_lon[urb], c_lat[urb] = _sample_in(places.county[at], places.lon[at], places.lat[at], places.sigma_km[at], rng,
                                        bounds)
    c_county[urb] = places.county[at]
    rur = np.flatnonzero(c_rural)
    c_lon[rur], c_lat[rur] = _sample_uniform(bounds[city.adcode], rur.size, rng)
    for county_code in counties:
        inside = shapely.contains_xy(bounds[county_code], c_lon[rur], c_lat[rur])
        c_county[rur[inside]] = county_code
    # the city polygon has slivers that no county polygon holds: drop those candidates
    c_ok = np.array([c is not None for c in c_county], dtype=bool)
    c_kind = np.where(c_rural, "rural", places.kind[np.maximum(c_place, 0)])
    c_phase = np.array([KIND_PHASE[k][0] for k in c_kind]) + rng.random(c_place.size)
    accepted = _thin(c_place, c_ok, c_kind, c_phase, c_lon, c_lat, quota)

    place = c_place[accepted]
    rural = place < 0
    lon = c_lon[accepted]
    lat = c_lat[accepted]
    county = c_county[accepted]
    rur = np.flatnonzero(rural)
    for county_code in counties:
        sel = rur[county[rur] == county_code]
        cand = np.flatnonzero(places.county == county_code)
        if sel.size == 0:
            continue
        d2 = ((lon[sel, None] - places.lon[None, cand]) * _KM_PER_DEG_LON) ** 2 + (
            (lat[sel, None] - places.lat[None, cand]) * _KM_PER_DEG_LAT
        ) ** 2
        place[sel] = cand[np.argmin(d2, axis=1)]
    kind = np.where(rural, "rural", places.kind[place])
    return _Layout(place=place, rural=rural, lon=lon, lat=lat, county=county, kind=kind)


# -- step 4: what each site is ----------------------------------------------------------------------------------------


def _site_build(rng, kind: np.ndarray):
    """Site type (_TYPE_MIX by kind), tenancy (0 CM, 1 shared, 2 both), China Tower ownership and height."""
    n_sites = kind.size
    type_probs = np.array([_TYPE_MIX[k] for k in kind])
    site_type = np.array(SITE_TYPES, dtype=object)[_choice(rng, type_probs)]
    tenancy = _choice(rng, np.array([_TENANCY[t] for t in site_type]))
    owner_is_tower = rng.random(n_sites) < np.array([_TOWER_OWNED[t] for t in site_type])
    hr = np.array([HEIGHT_RANGE_M[t] for t in site_type])
    height = np.round((hr[:, 0] + (hr[:, 1] - hr[:, 0]) * rng.beta(hr[:, 2], hr[:, 3])) * 2.0) / 2.0
    return site_type, tenancy, owner_is_tower, height


# -- step 5: gNBs and their build dates -------------------------------------------------------------------------------


def _gnbs(rng, city, places: _Places, layout: _Layout, tenancy: np.ndarray, plan: dict[int, int]) -> _Gnbs:
    """One key per gNB (the site's phase + spread · U, the second operator on a site often later); the plan's
    yearly counts cut the sorted keys into years, and each year's ranks become dates on the build-up curve."""
    kind, rural = layout.kind, layout.rural
    n_sites = kind.size
    phase = np.array([KIND_PHASE[k][0] for k in kind])
    spread = np.array([KIND_PHASE[k][1] for k in kind])
    override = np.array([places.items[i].get("phase") is not None for i in layout.place]) & ~rural
    phase[override] = [float(places.items[i]["phase"]) for i in layout.place[override]]
    site_key = phase + spread * rng.random(n_sites)
    later = rng.random(n_sites) < SECOND_GNB_LATER_SHARE
    second_delay = np.where(later, rng.exponential(SECOND_GNB_DELAY_YEARS, n_sites), 0.0)
    has_cm = tenancy != 1
    has_sh = tenancy != 0
    shared_builder = np.array([city.shared_builder[c] for c in layout.county], dtype=object)
    cm_first = rng.random(n_sites) < CM_FIRST_SHARE
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
    return _Gnbs(site=g_site, slot=g_slot, op=g_op, date=g_date, keep=keep, site_key=site_key, has_cm=has_cm)


# -- step 6: cells (antennas of every gNB) ----------------------------------------------------------------------------


def _gnb_radio(rng, g: _Gnbs, site_type: np.ndarray, kind: np.ndarray, height: np.ndarray) -> dict[str, np.ndarray]:
    """Per-gNB sectors: azimuths, tilts, gain, vertical beam and power by site type (drawn for every gNB so that
    the snapshots of one seed agree)."""
    n_g = g.site.size
    g_rotation = rng.uniform(0.0, 120.0, n_g)
    g_az_jitter = rng.normal(0.0, AZIMUTH_JITTER_DEG, (n_g, 3))
    g_azimuth = np.round(g_rotation[:, None] + np.array([0.0, 120.0, 240.0])[None, :] + g_az_jitter) % 360.0
    omni = np.isin(site_type[g.site], OMNI_SITE_TYPES)
    g_azimuth[omni, 0] = np.round(g_rotation[omni] * 3.0) % 360.0
    g_type = site_type[g.site]
    base_tilt = np.array([BASE_TILT_DEG[k] for k in kind[g.site]])
    base_tilt -= (height[g.site] - TILT_REF_HEIGHT_M) / TILT_M_PER_DEG
    base_tilt += np.isin(g_type, POLE_TILT_TYPES) * POLE_TILT_EXTRA_DEG
    total_tilt = np.clip(np.round(base_tilt + rng.normal(0.0, TILT_JITTER_DEG, n_g)), *TILT_RANGE_DEG)
    g_mech = np.floor(rng.random(n_g) * (np.minimum(MAX_MECH_TILT_DEG, total_tilt - MIN_ELEC_TILT_DEG) + 1))
    g_elec = total_tilt - g_mech
    aau = np.isin(g_type, AAU_SITE_TYPES)
    pole = np.isin(g_type, POLE_SITE_TYPES)
    g_gain = np.where(aau, rng.uniform(*AAU_GAIN_DBI, n_g), np.where(pole, rng.uniform(*POLE_GAIN_DBI, n_g), 0.0))
    g_gain = np.where(g_type == "small_cell", rng.uniform(*SMALL_CELL_GAIN_DBI, n_g), g_gain)
    g_gain = np.where(g_type == "indoor", INDOOR_GAIN_DBI, np.round(g_gain, 1))
    g_hpbw_v = np.where(aau, rng.uniform(*AAU_HPBW_V_DEG, n_g),
                        np.where(pole, rng.uniform(*POLE_HPBW_V_DEG, n_g), OTHER_HPBW_V_DEG))
    g_hpbw_v = np.where(g_type == "indoor", INDOOR_HPBW_V_DEG, np.round(g_hpbw_v * 2.0) / 2.0)
    g_power = np.where(aau, AAU_POWER_W, np.where(pole, rng.choice(list(POLE_POWER_W), n_g), OTHER_POWER_W))
    g_power = np.where(g_type == "indoor", INDOOR_POWER_W, g_power)
    indoor_g = g_type == "indoor"
    return {
        "g_rotation": g_rotation,
        "g_azimuth": g_azimuth,
        "g_mech": np.where(indoor_g, 0.0, g_mech),
        "g_elec": np.where(indoor_g, 0.0, g_elec),
        "g_gain": g_gain,
        "g_hpbw_v": g_hpbw_v,
        "g_power": g_power,
    }


def _first_dates(g: _Gnbs, n_sites: int) -> np.ndarray:
    """Each site's first on-air date (its earliest gNB in the plan; NaT when none made it)."""
    first = np.full(n_sites, np.datetime64("NaT"), dtype="datetime64[D]")
    for slot in (0, 1):
        sel = (g.slot == slot) & g.keep
        s = g.site[sel]
        d = g.date[sel]
        cur = first[s]
        first[s] = np.where(np.isnat(cur) | (d < cur), d, cur)
    return first


def _n28(rng, g: _Gnbs, site_type: np.ndarray, kind: np.ndarray) -> dict[str, np.ndarray]:
    """700 MHz (n28) on China Mobile macro / rooftop sites outside the city core (N28_* assumptions)."""
    n_sites = kind.size
    u = rng.random(n_sites)
    n28_year = np.full(n_sites, 9999)
    for year, share in sorted(N28_CUMULATIVE_SHARE.items(), reverse=True):
        n28_year = np.where(u < share, year, n28_year)
    n28_ok = g.has_cm & np.isin(site_type, N28_SITE_TYPES) & np.isin(kind, N28_PLACE_KINDS)
    cm_date = np.full(n_sites, np.datetime64("NaT"), dtype="datetime64[D]")
    sel = (g.slot == 0) & g.keep
    cm_date[g.site[sel]] = g.date[sel]
    n28_day = np.array(
        [np.datetime64(f"{y}-{N28_START_DAY}") if y < 9999 else np.datetime64("NaT") for y in n28_year],
        dtype="datetime64[D]",
    )
    n28_day = n28_day + rng.integers(0, N28_SPREAD_DAYS, n_sites)
    n28_date = np.where(n28_ok & ~np.isnat(cm_date), np.maximum(n28_day, cm_date), np.datetime64("NaT"))
    return {
        "n28_date": np.where(np.isnat(n28_day), np.datetime64("NaT"), n28_date).astype("datetime64[D]"),
        "n28_gain": np.round(rng.uniform(*N28_GAIN_DBI, n_sites), 1),
        "n28_hpbw_v": np.round(rng.uniform(*N28_HPBW_V_DEG, n_sites) * 2.0) / 2.0,
        "n28_power": rng.choice(list(N28_POWER_W), n_sites),
    }


# -- step 7: plan membership, power supply, lifecycle -----------------------------------------------------------------


def _lifecycle(rng, first_year: np.ndarray) -> dict[str, np.ndarray]:
    """Power supply (transfer share by first year, conversion to direct), special-plan membership, retirement and
    relocation years (9999 = never), publication draw, PCI group and step, and the draws of the address."""
    n_sites = first_year.size
    fy = np.clip(first_year, 2019, 2025)
    transfer = rng.random(n_sites) < np.array([TRANSFER_SHARE[int(y)] for y in fy])
    direct_year = fy + rng.geometric(TRANSFER_TO_DIRECT_PER_YEAR, n_sites)
    in_plan = rng.random(n_sites) < IN_PLAN_SHARE
    ev = rng.random(n_sites)
    ev_delay = rng.integers(0, EVENT_DELAY_MAX_YEARS + 1, n_sites)
    retire_year = np.where(ev < RETIRE_SHARE, first_year + 1 + ev_delay, 9999)
    relocate_year = np.where((ev >= RETIRE_SHARE) & (ev < RETIRE_SHARE + RELOCATE_SHARE), first_year + ev_delay, 9999)
    out = {
        "transfer": transfer,
        "direct_year": direct_year,
        "in_plan": in_plan,
        "retire_year": retire_year,
        "relocate_year": relocate_year,
        "published_u": rng.random(n_sites),
        "pci_group0": rng.integers(0, 336, n_sites),
        "pci_step": rng.integers(1, 112, n_sites),
        "road_u": rng.random(n_sites),
        "road_no": rng.integers(1, 999, n_sites),
    }
    vil = rng.integers(0, len(_VILLAGE_A), (n_sites, 2))
    vil[:, 1] = rng.integers(0, len(_VILLAGE_B), n_sites)
    out["vil"] = vil
    out["group_no"] = rng.integers(1, 16, n_sites)
    return out


# -- step 8: names and addresses --------------------------------------------------------------------------------------


def _names(city, places: _Places, layout: _Layout, site_order: np.ndarray, life: dict):
    """Keys (<prefix>-<county>-<n>), names (<county>-<place>-<n>) and addresses (a road and number in a place, or
    a village group for a rural site), in the final site order."""
    counties = city.counties
    keys, names, addresses = [], [], []
    county_seq = Counter()
    place_seq = Counter()
    vil, group_no, road_u, road_no = life["vil"], life["group_no"], life["road_u"], life["road_no"]
    for i in site_order:
        c = layout.county[i]
        county_seq[c] += 1
        pl = places.items[layout.place[i]]
        place_seq[pl["name"]] += 1
        keys.append(f"{city.key_prefix}-{c}-{county_seq[c]:05d}")
        names.append(f"{counties[c]}-{pl['short']}-{place_seq[pl['name']]:03d}")
        if layout.rural[i]:
            village = _VILLAGE_A[vil[i, 0]] + _VILLAGE_B[vil[i, 1]]
            addresses.append(f"{city.name}{counties[c]}{pl['name']}{village}村{group_no[i]}组")
        else:
            roads = tuple(pl.get("roads") or ()) or (
                f"{pl['short']}大道",
                f"{pl['short']}路",
                *_ROADS_GENERIC,
            )
            road = roads[int(road_u[i] * len(roads))]
            addresses.append(f"{city.name}{counties[c]}{pl['name']}{road}{road_no[i]}号")
    return tuple(keys), tuple(names), tuple(addresses)


# -- the world --------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _world(seed: int, adcode: str = DEFAULT_CITY, size: str = "full") -> _World:
    """The build-out of ``seed`` in the city ``adcode`` at ``size`` (a share of BUILD_PLAN, :data:`SIZES`).

    The steps draw from one generator in this order (changing the order changes every scenario): the plan, the
    places, the sites, what each site is, its gNBs and dates, their antennas, 700 MHz, the lifecycle."""
    rng = np.random.default_rng(seed)
    city = city_model(adcode)
    places = _Places.of(city.places)
    plan, n_sites = _plan(rng, size)
    layout = _sites(rng, city, places, _site_places(rng, n_sites, places))
    site_type, tenancy, owner_is_tower, height = _site_build(rng, layout.kind)
    g = _gnbs(rng, city, places, layout, tenancy, plan)
    radio = _gnb_radio(rng, g, site_type, layout.kind, height)
    first = _first_dates(g, layout.kind.size)
    first_year = np.where(np.isnat(first), 9999, first.astype("datetime64[Y]").astype(int) + 1970)
    n28 = _n28(rng, g, site_type, layout.kind)
    life = _lifecycle(rng, first_year)

    # keep the sites that reach the 2025 plan, ordered by first on-air date, and name them
    alive = first_year <= PLAN_LAST_YEAR
    site_order = np.flatnonzero(alive)
    site_order = site_order[np.lexsort((g.site_key[site_order], first[site_order]))]
    new_index = np.full(layout.kind.size, -1)
    new_index[site_order] = np.arange(site_order.size)
    keys, names, addresses = _names(city, places, layout, site_order, life)
    g_idx = np.flatnonzero(g.keep & alive[g.site])
    g_idx = g_idx[np.lexsort((g.slot[g_idx], new_index[g.site[g_idx]]))]

    def s_(a):
        return a[site_order]

    def g_(a):
        return a[g_idx]

    return _World(
        lon=s_(layout.lon),
        lat=s_(layout.lat),
        county=s_(layout.county),
        place=s_(layout.place),
        kind=s_(layout.kind),
        rural=s_(layout.rural),
        site_type=s_(site_type),
        height=s_(height),
        owner_is_tower=s_(owner_is_tower),
        first_date=s_(first),
        in_plan=s_(life["in_plan"]),
        transfer=s_(life["transfer"]),
        direct_year=s_(life["direct_year"]),
        retire_year=s_(life["retire_year"]),
        relocate_year=s_(life["relocate_year"]),
        published_u=s_(life["published_u"]),
        n28_date=s_(n28["n28_date"]),
        pci_group0=s_(life["pci_group0"]),
        pci_step=s_(life["pci_step"]),
        key=keys,
        name=names,
        address=addresses,
        g_site=new_index[g_(g.site)],
        g_op=g_(g.op),
        g_slot=g_(g.slot),
        g_date=g_(g.date),
        **{k: g_(v) for k, v in radio.items()},
        n28_gain=s_(n28["n28_gain"]),
        n28_hpbw_v=s_(n28["n28_hpbw_v"]),
        n28_power=s_(n28["n28_power"]),
    )
