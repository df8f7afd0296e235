"""Site recommendation in the platform: build a maximal covering problem from the registry, the open list and the
special plan, solve it with :mod:`rollout5g.core.planning`, and turn proposals into site requests or planned sites.

Issue 5 item 4 (Jiaxing 二(一)3, 二(一)4; Zhejiang tasks 6-9). See docs/site-recommendation.md ("In the platform").

Phases (each timed in the result's ``timings``):

1. **area** — the area (key area, county or WGS-84 polygon) on a raster of ``resolution_m`` in the UTM zone of
   its centre.
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
import math
import time

import numpy as np
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from rollout5g.core.geo import rfc7946
from rollout5g.core.radio.grid import Grid, project_geometry, rasterize_mask

from .candidates import (
    exclude_emf,
    exclude_near_sites,
    planned_candidates,
    resource_candidates,
    transformer,
)
from .config import (
    BAND_N_RB,
    CATEGORY_WEIGHTS,
    DEFAULT_WEIGHT,
    POLE,
    SECTOR_AZIMUTHS,
    Progress,
    RecommendError,
    SectorConfig,
    carrier_frequency_mhz,
    utm_crs,
)
from .reasons import PHASES
from .selectors import find_operator, operator_family, resolve_area


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
        raise RecommendError(_("Give either a number of new sites or a covered-share target."))
    if n_sites is not None and (int(n_sites) != n_sites or n_sites < 1):
        raise RecommendError(_("The number of sites must be a positive integer, got %(n)s") % {"n": n_sites})
    if target_share is not None and not 0 < target_share <= 1:
        raise RecommendError(_("The covered-share target must be above 0 and at most 100%%, got %(share)s")
                             % {"share": target_share})
    if method not in METHODS:
        raise RecommendError(_("Unknown method %(method)s; valid: %(valid)s")
                             % {"method": method, "valid": ", ".join(METHODS)})
    if not 10 <= resolution_m <= 500:
        raise RecommendError(_("The resolution must be 10-500 m, got %(value)s m") % {"value": f"{resolution_m:g}"})
    if min_spacing_m < 0:
        raise RecommendError(_("The minimum spacing must be at least 0 m, got %(value)s m")
                             % {"value": f"{min_spacing_m:g}"})
    freq = carrier_frequency_mhz(band, operator_family(find_operator(operator)))
    params = RadioParams(rsrp_min=rsrp_min, sinr_min=sinr_min)
    timings: dict[str, float] = {}
    t = time.perf_counter()

    # 1. area on a grid
    report(0.02, str(PHASES["area"]))
    area = resolve_area(area)
    crs = utm_crs(*area.geometry.centroid.coords[0])
    projected = project_geometry(area.geometry, crs)
    grid = Grid.from_bounds(projected.bounds, resolution_m, crs)
    if grid.width * grid.height > 4_000_000:
        raise RecommendError(_("%(area)s: %(width)s × %(height)s pixels of %(res)s m is too large; choose a coarser "
                               "resolution") % {"area": area.name, "width": grid.width, "height": grid.height,
                                                "res": f"{resolution_m:g}"})
    mask = rasterize_mask(grid, projected)
    if not mask.any():
        raise RecommendError(_("%(area)s: the area is smaller than one pixel of %(res)s m")
                             % {"area": area.name, "res": f"{resolution_m:g}"})
    timings["area"] = time.perf_counter() - t

    # 2. existing coverage: radiating cells within 10 km of the area (farther ones add nothing above the noise
    # floor at n78 and only a little interference at lower bands)
    t = time.perf_counter()
    report(0.05, str(PHASES["existing"]))
    minx, miny, maxx, maxy = area.geometry.bounds
    pad = 0.1
    cell_qs = Cell.objects.filter(site__lon__gte=minx - pad, site__lon__lte=maxx + pad, site__lat__gte=miny - pad,
                                  site__lat__lte=maxy + pad)
    cells = radiating_cells(as_of=as_of, band=band, operator=operator, queryset=cell_qs)

    def layer_progress(done, total):
        report(0.05 + 0.35 * (done / total if total else 1.0), _("existing coverage: %(done)s/%(total)s tiles") % {"done": done, "total": total})

    # on the platform's Dask cluster when one is configured (as coverage runs are), else in this worker
    from django.conf import settings

    scheduler = getattr(settings, "ROLLOUT5G_DASK_SCHEDULER", None) or None
    rsrp, sinr, _rsrq, _server = compute_layer(cells, grid, mask, params, backend="dask" if scheduler else "cpu",
                                     scheduler=scheduler, progress=layer_progress)
    is_covered = covered(rsrp, sinr, rsrp_min, sinr_min) & mask
    timings["existing"] = time.perf_counter() - t

    # 3. demand and weights
    t = time.perf_counter()
    report(0.42, str(PHASES["demand"]))
    weight = np.where(mask, DEFAULT_WEIGHT, 0).astype(np.int64)
    from rollout5g.sites.models import KeyArea

    key_area_counts = {}
    for ka in KeyArea.objects.all():
        g = shape(ka.geometry)
        b = g.bounds
        if b[2] < minx or b[0] > maxx or b[3] < miny or b[1] > maxy:
            continue
        w = CATEGORY_WEIGHTS.get(ka.category, DEFAULT_WEIGHT)
        m = rasterize_mask(grid, project_geometry(g, crs)) & mask
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
    report(0.45, str(PHASES["candidates"]))
    cands = resource_candidates(area) + planned_candidates(area)
    if not cands:
        raise RecommendError(_("%(area)s: no open-list resource or special-plan entry inside the area")
                             % {"area": area.name})
    cx, cy = transformer(crs).transform(np.array([c.lon for c in cands]), np.array([c.lat for c in cands]))
    cxy = np.column_stack([cx, cy])
    exclude_near_sites(cands, cxy, min_spacing_m, area.geometry.bounds, crs)
    exclude_emf(cands, cxy, freq, area.geometry.bounds, crs)
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
                report(0.5 + 0.25 * n_done / len(eligible), _("footprints: %(done)s/%(total)s candidates") % {"done": n_done, "total": len(eligible)})
    import scipy.sparse as sp

    indptr = np.zeros(len(cands) + 1, np.int64)
    np.cumsum([r.size for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    coverage = sp.csr_matrix((np.ones(indices.size, bool), indices, indptr), shape=(len(cands), len(demand_rc)))
    timings["footprints"] = time.perf_counter() - t

    # 6. solve
    t = time.perf_counter()
    report(0.78, str(PHASES["solve"]))
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
    to_lonlat = transformer(crs, inverse=True)
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
                 "lon": round(c.lon, 6), "lat": round(c.lat, 6), "reason": c.reason,
                 "reason_code": c.reason_code or "other", "reason_params": c.reason_params}
                for c in cands if c.reason]
    excluded_counts: dict[str, int] = {}
    for e in excluded:  # by reason code (.reasons.REASON_GROUPS names them)
        excluded_counts[e["reason_code"]] = excluded_counts.get(e["reason_code"], 0) + 1
    simplified = area.geometry.simplify(0.0003, preserve_topology=True)
    timings["result"] = time.perf_counter() - t
    report(0.99, _("done"))
    result = {
        "area": {"name": area.name, "ref": area.ref, "geometry": rfc7946(mapping(simplified)),
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
