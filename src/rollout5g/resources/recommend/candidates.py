"""Candidates of a recommendation: open-list resources and unbuilt special-plan entries inside the area, with the
reasons some are excluded (not open, a duct, indoor, too close to an existing site, EMF distance to a school or
hospital)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import shape

from rollout5g.core.radio.grid import project_geometry

from .config import (
    BUILT_WITHIN_M,
    MACRO,
    NOT_A_SITE_KINDS,
    NOT_MODELLED_SITE_TYPES,
    PLANNED_HEIGHT_M,
    POLE,
    POLE_RESOURCE_KINDS,
    POLE_SITE_TYPES,
    RESOURCE_HEIGHT_M,
    SENSITIVE_CATEGORIES,
    SENSITIVE_RESOURCE_KINDS,
    SectorConfig,
)
from .selectors import Area


def transformer(crs: str, inverse: bool = False):
    """WGS-84 -> ``crs`` (or back with ``inverse``), x = longitude first."""
    from pyproj import Transformer

    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True) if inverse else \
        Transformer.from_crs("EPSG:4326", crs, always_xy=True)



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
    reason: str = ""  # why it is excluded ("" = eligible), in English for the API and logs
    reason_code: str = ""  # the same as a code with parameters, shown in the reader's language (.reasons)
    reason_params: dict = field(default_factory=dict)
    available: bool = True
    emf_excluded: bool = False
    emf_distance_m: float = 0.0


def resource_candidates(area: Area) -> list[Candidate]:
    from rollout5g.resources.models import PublicResource
    from rollout5g.resources.selectors import open_candidates

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
            c.available, c.reason, c.reason_code = False, "a duct carries no antennas", "duct"
        elif r.pk not in open_ids:
            full = bool(r.smart_pole and r.availability != "unavailable")
            reason = "smart pole full" if full else r.availability
            c.available = False
            c.reason = f"not open: {reason}" + (f" ({r.availability_reason})" if r.availability_reason else "")
            c.reason_code = "not_open"
            c.reason_params = {"availability": r.availability, "smart_pole_full": full,
                               "detail": r.availability_reason}
        out.append(c)
    return out


def planned_candidates(area: Area) -> list[Candidate]:
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
            c.reason_code = "indoor"
        out.append(c)
    return out


def exclude_near_sites(cands, xy, min_spacing_m, area_bounds, crs):
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
    sx, sy = transformer(crs).transform(np.array([s[1] for s in sites]), np.array([s[2] for s in sites]))
    tree = cKDTree(np.column_stack([sx, sy]))
    dist, idx = tree.query(xy, k=1)
    for c, d, i in zip(cands, dist, idx, strict=True):
        if d < BUILT_WITHIN_M and c.source == "planned_site" and c.available:
            # the demo (and imported registries) do not always link a built site to its plan entry
            c.available, c.reason = False, f"already built: site {sites[i][0]} stands {d:.0f} m away"
            c.reason_code, c.reason_params = "built", {"site": sites[i][0], "distance_m": round(float(d))}
        elif d < min_spacing_m and c.available:
            c.available = False
            c.reason = f"{d:.0f} m from existing site {sites[i][0]} (minimum spacing {min_spacing_m:g} m)"
            c.reason_code = "spacing"
            c.reason_params = {"site": sites[i][0], "distance_m": round(float(d)), "min_spacing_m": min_spacing_m}


def exclude_emf(cands, xy, freq_mhz, area_bounds, crs):
    """EMF: a candidate whose main-beam compliance distance (GB 8702-2014 public limit, 1/5 for one project per
    HJ/T 10.3-1996) reaches a school or hospital key area or an open-list school / hospital is excluded."""
    from rollout5g.core.radio.emf import assessment_limit, compliance_distance
    from rollout5g.resources.models import PublicResource
    from rollout5g.sites.models import KeyArea

    limit = assessment_limit(freq_mhz)
    minx, miny, maxx, maxy = area_bounds
    pad = 0.01  # ≈ 1 km, larger than any compliance distance of the default configurations
    tr = transformer(crs)
    sensitive = []
    for ka in KeyArea.objects.filter(category__in=SENSITIVE_CATEGORIES):
        g = shape(ka.geometry)
        bx = g.bounds
        if bx[2] < minx - pad or bx[0] > maxx + pad or bx[3] < miny - pad or bx[1] > maxy + pad:
            continue
        sensitive.append((f"{ka.category} {ka.name}", {"category": ka.category, "name": ka.name},
                          project_geometry(g, crs)))
    for code, name, kind, lon, lat in PublicResource.objects.filter(
            kind__in=SENSITIVE_RESOURCE_KINDS, lon__gte=minx - pad, lon__lte=maxx + pad, lat__gte=miny - pad,
            lat__lte=maxy + pad).values_list("code", "name", "kind", "lon", "lat"):
        x, y = tr.transform(lon, lat)
        sensitive.append((f"{kind} {code} {name}", {"kind": kind, "code": code, "name": name}, shapely.Point(x, y)))
    if not sensitive:
        return
    geoms = np.array([g for _, _, g in sensitive], dtype=object)
    tree = shapely.STRtree(geoms)
    for c, (x, y) in zip(cands, xy, strict=True):
        r = compliance_distance(c.config.total_power_w, c.config.gain_dbi, limit)
        c.emf_distance_m = float(r)
        hits = tree.query(shapely.Point(x, y).buffer(r, 16), predicate="intersects")
        if len(hits):
            c.emf_excluded = True
            first, what, _ = sensitive[int(sorted(hits)[0])]
            if c.available:
                c.reason = f"EMF compliance distance {r:.0f} m reaches {first}"
                c.reason_code, c.reason_params = "emf", {"distance_m": round(float(r)), **what}


