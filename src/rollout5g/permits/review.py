"""Coverage-aware review: what reviewers see per site beside the items — the special plan, EMF compliance and the
sensitive buildings near the site, the coverage it adds, and sites or open-list resources nearby that could be
shared instead."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import numpy as np
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rollout5g.core.geo import haversine_m
from rollout5g.core.radio import nr
from rollout5g.sites.choices import BAND_RANGES_MHZ
from rollout5g.sites.models import Cell, PlannedSite, Site
from rollout5g.sites.selectors import emf_for_site

PLAN_MATCH_M = 100.0
NEARBY_SITES_M = 300.0
COVERAGE_HALF_SIDE_M = 600.0  # the local grid: 1.2 km x 1.2 km around the site
COVERAGE_RES_M = 20.0
NEIGHBOUR_RADIUS_M = 3000.0  # existing cells that can serve the local grid
#: Channel bandwidth [MHz] assumed for a planned cell of each band when the applicant gives none (the band's
#: default carrier, rollout5g.core.radio.nr).
PLANNED_BANDWIDTH_MHZ = nr.BAND_DEFAULT_BANDWIDTH_MHZ


def _box(lon, lat, radius_m):
    dlat = radius_m / 111_000.0
    dlon = radius_m / (111_000.0 * math.cos(math.radians(lat)))
    return {"lon__gte": lon - dlon, "lon__lte": lon + dlon, "lat__gte": lat - dlat, "lat__lte": lat + dlat}


def planned_cells(entry) -> list:
    """The applicant's planned sectors as cell-like objects (what the registry's Cell offers to the engines)."""
    low, high = BAND_RANGES_MHZ.get(entry.band, (3400, 3600))
    freq = (low + high) / 2
    bw = PLANNED_BANDWIDTH_MHZ.get(entry.band, 20.0)
    out = []
    for n, az in enumerate(float(a) for a in entry.azimuths.split(",") if a.strip()):
        out.append(SimpleNamespace(
            cell_id=f"{entry.site.code}-planned-{n + 1}", freq_mhz=freq, bandwidth_mhz=bw, band=entry.band,
            total_power_w=entry.total_power_w, gain_dbi=17.0, height_m=entry.antenna_height_m, azimuth_deg=az,
            tilt_deg=6.0, hpbw_h_deg=65.0, hpbw_v_deg=10.0,
            rs_power_dbm=nr.band_re_power_dbm(entry.total_power_w, bw, entry.band),  # per RE, band's SCS
            operator=entry.application.applicant.code))
    return out


def plan_status(site: Site) -> dict:
    """In the special plan: linked to a plan entry, or a published entry within 100 m."""
    if site.plan_entry_id:
        return {"in_plan": True, "entry": site.plan_entry, "distance_m": float(haversine_m(
            site.lon, site.lat, site.plan_entry.lon, site.plan_entry.lat)), "linked": True}
    best = None
    for plan in PlannedSite.objects.filter(published=True, **_box(site.lon, site.lat, PLAN_MATCH_M)):
        d = float(haversine_m(site.lon, site.lat, plan.lon, plan.lat))
        if d <= PLAN_MATCH_M and (best is None or d < best[1]):
            best = (plan, d)
    if best:
        return {"in_plan": True, "entry": best[0], "distance_m": best[1], "linked": False}
    return {"in_plan": False, "entry": None, "distance_m": None, "linked": False}


def coverage_gain(site: Site, cells, *, as_of=None) -> dict:
    """Covered pixels of a 1.2 km square around the site without and with its cells (20 m pixels, best server
    over the radiating registry cells within 3 km, same band as the planned cells, TR 38.901 UMa)."""
    from rollout5g.core.radio.cells import Cells
    from rollout5g.core.radio.grid import DEFAULT_CRS, Grid
    from rollout5g.core.radio.job import compute_layer
    from rollout5g.core.radio.link import RadioParams, covered
    from rollout5g.coverage.registry import radiating_cells
    from rollout5g.sites.selectors import _to_metres

    started = time.perf_counter()
    if not cells:
        return {"available": False, "reason": _("No cells to assess.")}
    band = cells[0].band
    x, y = _to_metres(site.lon, site.lat)
    h = COVERAGE_HALF_SIDE_M
    grid = Grid.from_bounds((x - h, y - h, x + h, y + h), COVERAGE_RES_M, DEFAULT_CRS)
    mask = np.ones(grid.shape, dtype=bool)
    nearby = Cell.objects.filter(**{f"site__{k}": v for k, v in _box(site.lon, site.lat, NEIGHBOUR_RADIUS_M).items()})
    existing = radiating_cells(queryset=nearby.exclude(site=site), band=band, as_of=as_of)
    own = Cells(cell_id=[c.cell_id for c in cells], lon=[site.lon] * len(cells), lat=[site.lat] * len(cells),
                height_m=[c.height_m for c in cells], azimuth_deg=[c.azimuth_deg for c in cells],
                tilt_deg=[c.tilt_deg for c in cells], gain_dbi=[c.gain_dbi for c in cells],
                hpbw_h_deg=[c.hpbw_h_deg for c in cells], hpbw_v_deg=[c.hpbw_v_deg for c in cells],
                rs_power_dbm=[c.rs_power_dbm for c in cells], freq_mhz=[c.freq_mhz for c in cells],
                band=[band] * len(cells), operator=[getattr(c, "operator", "") for c in cells])
    both = Cells(**{name: np.concatenate([getattr(existing, name), getattr(own, name)])
                    for name in ("cell_id", "lon", "lat", "height_m", "azimuth_deg", "tilt_deg", "gain_dbi",
                                 "hpbw_h_deg", "hpbw_v_deg", "rs_power_dbm", "freq_mhz", "band", "operator")})
    params = RadioParams(extrapolate=True, scs_khz=nr.default_scs_khz(band))  # noise per RE at the band's SCS
    rsrp0, sinr0, _best0, _cells0 = compute_layer(existing, grid, mask, params)
    rsrp1, sinr1, _best1, _cells1 = compute_layer(both, grid, mask, params)
    before = covered(rsrp0, sinr0, params.rsrp_min, params.sinr_min)
    after = covered(rsrp1, sinr1, params.rsrp_min, params.sinr_min)
    px_area_km2 = (COVERAGE_RES_M / 1000.0) ** 2
    total = int(mask.sum())
    return {
        "available": True, "band": band, "pixels": total, "res_m": COVERAGE_RES_M, "side_m": 2 * h,
        "existing_cells": len(existing), "covered_before": int(before.sum()), "covered_after": int(after.sum()),
        "gained": int((after & ~before).sum()), "lost": int((before & ~after).sum()),
        "share_before": float(before.sum()) / total, "share_after": float(after.sum()) / total,
        "gained_km2": float((after & ~before).sum()) * px_area_km2,
        "seconds": time.perf_counter() - started,
    }


def entry_coverage_gain(entry) -> dict:
    """:func:`coverage_gain` of an application's planned cells, computed once per data version and day for all the
    server's processes (:mod:`rollout5g.policy.cache`): two coverage layers per site, not per view of the page."""
    from rollout5g.policy.cache import memoize

    return memoize("permits.coverage_gain", (entry.pk, timezone.localdate(), get_language()),
                   lambda: coverage_gain(entry.site, planned_cells(entry)))


def nearby_sites(site: Site, user) -> list[dict]:
    """Registry sites within 300 m (that the user may see), nearest first: candidates for sharing."""
    out = []
    for other in Site.objects.restrict(user).filter(**_box(site.lon, site.lat, NEARBY_SITES_M)).exclude(
            pk=site.pk).select_related("owner"):
        d = float(haversine_m(site.lon, site.lat, other.lon, other.lat))
        if d <= NEARBY_SITES_M:
            out.append({"site": other, "distance_m": d})
    return sorted(out, key=lambda r: r["distance_m"])


def nearby_resources(site: Site) -> list:
    """Open-list resources within 300 m, nearest first: poles and rooftops that could host the site instead."""
    from rollout5g.resources.selectors import resources_near

    return [{"resource": res, "distance_m": d} for res, d in resources_near(site.lon, site.lat, NEARBY_SITES_M)]


def site_review(entry, user) -> dict:
    """Everything the coverage-aware review panel shows for one site of an application."""
    site = entry.site
    registry_cells = list(Cell.objects.filter(site=site))
    cells = registry_cells or planned_cells(entry)
    return {
        "entry": entry, "site": site, "plan": plan_status(site), "cells_source": "registry" if registry_cells
        else "planned", "emf": emf_for_site(site, cells), "coverage": entry_coverage_gain(entry),
        "nearby_sites": nearby_sites(site, user), "resources": nearby_resources(site),
    }
