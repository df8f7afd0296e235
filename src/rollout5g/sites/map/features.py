"""The registry map's selector: sites in a bounding box, clustered in the database when there are many.

The browser never receives every site: a request names a bounding box and a Web Mercator zoom level. When the
filtered, restricted sites in the box are few (at most :data:`MAX_SITES`) they are returned one by one, each with a
summary of the cells the user may see; otherwise they are aggregated in the database on a regular grid anchored at
(-180°, -90°)::

    GROUP BY floor((lon + 180) / s), floor((lat + 90) / s)    -- with COUNT(*) FILTER (state = …) per state

with the grid side ``s`` [°] derived from the zoom level (:func:`grid_size_deg`), so the response size is bounded by
the number of grid cells in view, not by the size of the registry. Only Django ORM expressions are used (``Floor``,
``Count``, ``Sum``, ``Min``, ``Max``), so the same query runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Floor

from rollout5g.organizations.models import Organization

from ..choices import SiteState
from ..models import Cell, Site

#: At most this many individual sites in one response; more in view are clustered.
MAX_SITES = 1500
#: Side of a cluster cell on screen [px] and of a Web Mercator tile [px].
CLUSTER_PX = 64
TILE_PX = 256
#: Upper bound on grid cells covering the requested box (protects against a huge box at a high zoom).
MAX_GRID_CELLS = 4096
#: Boxes up to this area [deg²] are searched with the (lon, lat) index, larger ones by a scan (see :func:`in_box`).
INDEX_MAX_BOX_DEG2 = 0.05
MIN_ZOOM, MAX_ZOOM = 0, 22

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapResult:
    """What the map endpoint returns: ``mode`` is ``"clusters"`` or ``"sites"``; ``total`` counts the sites in view
    (the sum of the cluster counts in cluster mode); ``organizations`` names the organization codes used by the
    site features."""

    mode: str
    features: list[dict] = field(default_factory=list)
    total: int = 0
    zoom: int = 0
    grid_deg: float | None = None
    organizations: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"type": "FeatureCollection", "mode": self.mode, "total": self.total, "zoom": self.zoom,
                "grid_deg": self.grid_deg, "organizations": self.organizations, "features": self.features}


def grid_size_deg(zoom: int, bbox: BBox | None = None) -> float:
    """Side of a square clustering cell [°] for a Web Mercator ``zoom`` level.

    ``s = 360 / 2**zoom * CLUSTER_PX / TILE_PX``: a cell is :data:`CLUSTER_PX` screen pixels wide at the equator
    (a tile of 256 px spans ``360 / 2**zoom`` degrees of longitude, OGC/OSGeo Tile Map Service convention). With a
    ``bbox`` [°] the side grows, if needed, so that the box holds at most :data:`MAX_GRID_CELLS` cells.

    Raises ValueError for a zoom outside 0–22.
    """
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom {zoom} is outside {MIN_ZOOM}–{MAX_ZOOM}")
    size = 360.0 / 2**zoom * CLUSTER_PX / TILE_PX
    if bbox is not None:
        width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
        size = max(size, math.sqrt(width * height / MAX_GRID_CELLS))
    return size


def in_box(sites: QuerySet, bbox: BBox | None) -> QuerySet:
    """Sites with ``min_lon <= lon <= max_lon`` and ``min_lat <= lat <= max_lat`` (the ``bbox`` filter of
    :func:`rollout5g.sites.filters.filter_sites`, same inclusive bounds).

    On SQLite, a small box is filtered on the columns, so the (lon, lat) index finds its few rows, and a large box
    (more than :data:`INDEX_MAX_BOX_DEG2`), which holds most of the registry, is filtered on ``lon + 0`` and
    ``lat + 0``, which no index covers: a sequential scan is there about twice as fast as an index range scan with a
    table look-up per row, and SQLite, without statistics unless ANALYZE ran, would take the index. PostgreSQL
    always gets the plain columns: its planner chooses with statistics, and an expression would hide them from it
    (it then estimated one row and chose nested loops, 0.7 s instead of 0.05 s).
    """
    if bbox is None:
        return sites
    min_lon, min_lat, max_lon, max_lat = bbox
    if _area(bbox) <= INDEX_MAX_BOX_DEG2 or connections[sites.db].vendor != "sqlite":
        return sites.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
    return sites.alias(
        box_lon=ExpressionWrapper(F("lon") + Value(0.0), output_field=FloatField()),
        box_lat=ExpressionWrapper(F("lat") + Value(0.0), output_field=FloatField()),
    ).filter(box_lon__gte=min_lon, box_lon__lte=max_lon, box_lat__gte=min_lat, box_lat__lte=max_lat)


def _without_duplicates(sites: QuerySet, bbox: BBox | None) -> QuerySet:
    """A plain Site queryset of the sites in ``bbox``, without DISTINCT: a restriction through the sharing operators
    or a filter on the cells joins to-many tables, which would repeat rows inside a GROUP BY, so such a queryset
    becomes ``pk IN (subquery)``. The box is applied inside the subquery (so it scans only the box) and again
    outside (so the outer query does too)."""
    sites = in_box(sites.order_by(), bbox)
    if sites.query.distinct or sites.query.distinct_fields:
        inner = sites.values("pk")
        # IN ignores duplicates: without DISTINCT the planner may use a semi-join (PostgreSQL chose a nested loop
        # over a sorted DISTINCT subquery: seconds instead of milliseconds before ANALYZE)
        inner.query.distinct = False
        inner.query.distinct_fields = ()
        sites = in_box(Site.objects.filter(pk__in=inner).order_by(), bbox)
    return sites


def _extent(sites: QuerySet) -> BBox | None:
    e = sites.aggregate(a=Min("lon"), b=Min("lat"), c=Max("lon"), d=Max("lat"))
    if e["a"] is None:
        return None
    # a degenerate box (one site) still needs an area for the grid
    return (e["a"], e["b"], max(e["c"], e["a"] + 1e-6), max(e["d"], e["b"] + 1e-6))


def site_clusters(sites: QuerySet, *, size_deg: float) -> list[dict]:
    """Grid aggregation of ``sites`` in the database: one GeoJSON Point feature per non-empty grid cell.

    Properties: ``count``, ``states`` (count per lifecycle state), ``bbox`` of its sites [°]; the point is the
    centroid (mean longitude and latitude) of its sites [°]. ``sites`` must not repeat rows (see
    :func:`_without_duplicates`).
    """
    gx = Floor((F("lon") + Value(180.0)) / Value(size_deg), output_field=FloatField())
    gy = Floor((F("lat") + Value(90.0)) / Value(size_deg), output_field=FloatField())
    # The state counts are conditional aggregates rather than a third GROUP BY column: grouping by state would let
    # SQLite walk the (state, region) index and look up every row, about twice as slow as a plain scan.
    per_state = {f"n_{s}": Count("pk", filter=Q(state=s)) for s in SiteState.values}
    rows = (
        sites.order_by()
        .annotate(gx=gx, gy=gy)
        .values("gx", "gy")
        .annotate(n=Count("pk"), slon=Sum("lon"), slat=Sum("lat"), x0=Min("lon"), y0=Min("lat"), x1=Max("lon"),
                  y1=Max("lat"), **per_state)
    )
    cells = {(int(r["gx"]), int(r["gy"])): r for r in rows}
    features = []
    for (x, y), c in sorted(cells.items()):
        lon, lat = c["slon"] / c["n"], c["slat"] / c["n"]
        features.append({
            "type": "Feature",
            "id": f"g{x}:{y}",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"kind": "cluster", "count": c["n"],
                           "states": {s: c[f"n_{s}"] for s in SiteState.values if c[f"n_{s}"]},
                           "bbox": [round(c[k], 6) for k in ("x0", "y0", "x1", "y1")]},
        })
    return features


def _cell_summaries(site_ids: list[int], cells: QuerySet) -> dict[int, dict]:
    """Per site: the number of cells the user may see, their bands and operators (organization ids)."""
    cells = cells.filter(site_id__in=site_ids).order_by()
    if cells.query.distinct:
        cells = Cell.objects.filter(pk__in=cells.values("pk"), site_id__in=site_ids).order_by()
    out: dict[int, dict] = {}
    rows = cells.values("site_id", "band", "operator_id").annotate(n=Count("pk"))
    for r in rows:
        s = out.setdefault(r["site_id"], {"count": 0, "bands": set(), "operators": set()})
        s["count"] += r["n"]
        s["bands"].add(r["band"])
        s["operators"].add(r["operator_id"])
    return out


def site_points(rows: list[dict], *, cells: QuerySet) -> tuple[list[dict], dict[str, str]]:
    """GeoJSON Point features for individual sites (``rows`` from ``Site.values(*SITE_FIELDS)``), each with its
    state, the state's colour (:meth:`SiteState.colour`), its owner and a summary of its visible cells (count,
    bands, operators: the operators of those cells and the operators sharing the site).

    Organizations are named by code in the features; the second value maps each code to its display name, once per
    response rather than once per site.
    """
    ids = [r["pk"] for r in rows]
    summaries = _cell_summaries(ids, cells)
    sharing: dict[int, set[int]] = {}
    for site_id, org_id in Site.operators.through.objects.filter(site_id__in=ids).values_list("site_id",
                                                                                             "organization_id"):
        sharing.setdefault(site_id, set()).add(org_id)
    org_ids = {r["owner_id"] for r in rows} | {o for s in summaries.values() for o in s["operators"]}
    org_ids |= {o for s in sharing.values() for o in s}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=org_ids).only("pk", "code", "name", "short_name")}
    empty = {"count": 0, "bands": set(), "operators": set()}
    features = []
    for r in sorted(rows, key=lambda r: r["code"]):
        s = summaries.get(r["pk"], empty)
        operators = sorted({orgs[o].code for o in s["operators"] | sharing.get(r["pk"], set()) if o in orgs})
        features.append({
            "type": "Feature",
            "id": r["code"],
            "geometry": {"type": "Point", "coordinates": [round(r["lon"], 6), round(r["lat"], 6)]},
            "properties": {
                "kind": "site", "code": r["code"], "name": r["name"], "state": r["state"],
                "colour": SiteState.colour(r["state"]), "site_type": r["site_type"], "region": r["region_id"],
                "owner": orgs[r["owner_id"]].code if r["owner_id"] in orgs else "",
                "cells": {"count": s["count"], "bands": sorted(s["bands"]), "operators": operators},
            },
        })
    return features, {o.code: str(o) for o in orgs.values()}


SITE_FIELDS = ("pk", "code", "name", "lon", "lat", "state", "site_type", "region_id", "owner_id")


def map_features(sites: QuerySet, *, cells: QuerySet, zoom: int, bbox: BBox | None = None,
                 max_sites: int = MAX_SITES) -> MapResult:
    """Sites of ``sites`` (already restricted to the user and filtered) inside ``bbox`` for the map at ``zoom``.

    Parameters
    ----------
    sites : QuerySet of Site
        Restricted (``Site.objects.restrict(user)``) and filtered (``filter_sites_full``) sites.
    cells : QuerySet of Cell
        The cells the user may see (``Cell.objects.restrict(user)``), summarised for individual sites.
    zoom : int
        Web Mercator zoom level of the map, 0–22.
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        The box in view, WGS-84 [°]; all sites if omitted.
    max_sites : int
        Above this many sites in the box, clusters are returned instead.

    Returns
    -------
    MapResult
        ``mode="sites"`` with one feature per site when at most ``max_sites`` are in the box, else
        ``mode="clusters"`` with one feature per non-empty grid cell; ``total`` is the number of sites in the box.
    """
    grid_size_deg(zoom)  # validates the zoom level
    base = _without_duplicates(sites, bbox)
    large = bbox is None or _area(bbox) > INDEX_MAX_BOX_DEG2
    if large:
        # Most likely clusters: aggregate first (one query); only a strongly filtered view falls back to sites.
        size = grid_size_deg(zoom, bbox if bbox is not None else _extent(base))
        features = site_clusters(base, size_deg=size)
        total = sum(f["properties"]["count"] for f in features)
        if total > max_sites:
            return MapResult(mode="clusters", features=features, total=total, zoom=zoom, grid_deg=size)
    # A cheap probe decides the mode: at most max_sites + 1 ids, no ORDER BY so the scan stops early.
    ids = list(base.values_list("pk", flat=True)[: max_sites + 1])
    if len(ids) <= max_sites:
        rows = list(Site.objects.filter(pk__in=ids).order_by().values(*SITE_FIELDS)) if ids else []
        features, organizations = site_points(rows, cells=cells)
        return MapResult(mode="sites", features=features, total=len(rows), zoom=zoom, organizations=organizations)
    size = grid_size_deg(zoom, bbox)
    features = site_clusters(base, size_deg=size)
    return MapResult(mode="clusters", features=features, total=sum(f["properties"]["count"] for f in features),
                     zoom=zoom, grid_deg=size)


def _area(bbox: BBox) -> float:
    return (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])
