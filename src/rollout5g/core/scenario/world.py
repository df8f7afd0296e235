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
    BUILD_PLAN,
    DEFAULT_CITY,
    HEIGHT_RANGE_M,
    KIND_PHASE,
    KIND_SHARE,
    MIN_SPACING_KM,
    PLAN_LAST_YEAR,
    SITE_TYPES,
    SIZES,
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
        if y == 2019:  # first sites in trial from April, commercial launch 31 October 2019
            start, end, a = np.datetime64("2019-04-01"), np.datetime64("2019-12-31"), 1.8
        else:
            start, end, a = np.datetime64(f"{y}-01-02"), np.datetime64(f"{y}-12-31"), 1.3
        span = (end - start).astype(int)
        out[sel] = start + np.floor(p ** (1.0 / a) * span).astype(int)
    return out


@lru_cache(maxsize=4)
def _world(seed: int, adcode: str = DEFAULT_CITY, size: str = "full") -> _World:
    """The build-out of ``seed`` in the city ``adcode`` at ``size`` (a share of BUILD_PLAN, :data:`SIZES`)."""
    rng = np.random.default_rng(seed)
    city = city_model(adcode)
    bounds = city.bounds
    places = city.places
    counties = city.counties
    p_lon = np.array([p["lon"] for p in places])
    p_lat = np.array([p["lat"] for p in places])
    p_county = np.array([p["county"] for p in places])
    p_kind = np.array([p["kind"] for p in places])
    p_weight = np.array([float(p["weight"]) for p in places])
    p_sigma = np.array([float(p["radius_km"]) for p in places])

    # -- how many sites: enough gNBs for the 2025 plan, with a margin that the cut below removes
    scale = SIZES[size]
    plan = {y: int(round(v * scale * (1.0 + rng.uniform(-0.015, 0.015)))) for y, v in BUILD_PLAN.items()}
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
    c_lon[rur], c_lat[rur] = _sample_uniform(bounds[city.adcode], rur.size, rng)
    for county_code in counties:
        inside = shapely.contains_xy(bounds[county_code], c_lon[rur], c_lat[rur])
        c_county[rur[inside]] = county_code
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
    for county_code in counties:
        sel = rur[county[rur] == county_code]
        cand = np.flatnonzero(p_county == county_code)
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
    shared_builder = np.array([city.shared_builder[c] for c in county], dtype=object)
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
        keys.append(f"{city.key_prefix}-{c}-{county_seq[c]:05d}")
        names.append(f"{counties[c]}-{pl['short']}-{place_seq[pl['name']]:03d}")
        if rural[i]:
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

