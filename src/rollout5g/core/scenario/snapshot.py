"""The scenario of a year: a snapshot of the world at 31 December."""

from __future__ import annotations

import datetime as dt

import numpy as np

from .assumptions import (
    _OP_SHORT,
    _PARTNER,
    CARRIERS,
    DEFAULT_CITY,
    OPERATORS,
    PLAN_LAST_YEAR,
    SIZES,
    TOWER_COMPANY,
    VALID_YEARS,
)
from .city import city_model
from .model import PlannedSite, Scenario, ScenarioCell, ScenarioSite, ssb_epre_dbm
from .world import _World, _world

_PIPELINE_BY_QUARTER = ("building", "approved", "applied", "planned")


def _d(x: np.datetime64) -> dt.date:
    return x.astype("datetime64[D]").astype(dt.date)


def generate_jiaxing(year: int, seed: int = 1) -> Scenario:
    """Synthetic registry of Jiaxing at the end of ``year`` (:func:`generate` of the default city, full size)."""
    return generate(year, seed)


def generate(year: int, seed: int = 1, *, region: str | None = None, size: str = "full") -> Scenario:
    """Synthetic registry of the city ``region`` (default :data:`DEFAULT_CITY`) at the end of ``year``.

    Parameters
    ----------
    year : int
        One of :data:`VALID_YEARS` (2019, 2020, 2021): the years with targets in the opinions 一(二).
    seed : int, default 1
        Seed of :func:`numpy.random.default_rng`. The same (year, seed) always gives the same scenario,
        and the scenarios of one seed are snapshots of one build-out.
    region : str, optional
        Adcode of a city of the shipped boundaries; a city other than the default gets places derived from its
        county polygons (:func:`rollout5g.core.scenario.city.city_model`).
    size : str, default "full"
        A key of :data:`SIZES`: the share of the build plan drawn (``tiny`` for tests).

    Returns
    -------
    Scenario
        Sites (on air, relocating, retired, and next year's pipeline), NR cells on air at 31 December
        of ``year``, and the special-plan points of ``year + 1`` .. 2025.

    Raises
    ------
    ValueError
        For a year outside :data:`VALID_YEARS`, an unknown size or a city not in the boundaries.
    """
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or int(year) not in VALID_YEARS:
        raise ValueError(f"unknown scenario year {year!r}; valid: {', '.join(str(y) for y in VALID_YEARS)}")
    year = int(year)
    seed = int(seed)
    if size not in SIZES:
        raise ValueError(f"unknown scenario size {size!r}; valid: {', '.join(SIZES)}")
    city = city_model(region or DEFAULT_CITY)
    w = _world(seed, city.adcode, size)
    places = city.places
    prefix = city.key_prefix
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
                    key=f"{prefix}P-" + w.key[s][len(prefix) + 1:],
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
        year=year, seed=seed, sites=tuple(sites), cells=tuple(cells), planned_sites=tuple(planned),
        region=city.adcode, counties=tuple(city.counties), size=size,
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

