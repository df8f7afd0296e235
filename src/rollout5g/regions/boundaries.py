"""Boundaries as maps draw them: simplified for the zoom, wound as RFC 7946 asks, cached.

At zoom ``z`` a screen pixel of a 256-pixel Web-Mercator tile spans ``360 / 256 / 2**z`` degrees of longitude:
a boundary simplified with that tolerance (Douglas-Peucker, topology kept) looks the same on the screen and is a
fraction of the size — the 90 counties of the province at zoom 7 are ~0.1 MB instead of ~1 MB. Above zoom 11 the
stored map copy (``display_geometry``, ~50 m) is finer than a pixel anyway and is served as it is.

The simplified geometries are cached per process by (adcode, zoom, fingerprint): the fingerprint (bounding box and
area, read without the geometry) changes when a boundary is loaded again, so a stale copy is never served; only
the regions missing from the cache load their geometry.
"""

from __future__ import annotations

import math
import threading

from rollout5g.core.geo import rfc7946

MIN_ZOOM, MAX_ZOOM = 5, 11
_PROPS = ("adcode", "name", "level", "parent_id", "min_lon", "min_lat", "max_lon", "max_lat", "area_km2")
_cache: dict[tuple, dict] = {}
_lock = threading.Lock()
_MAX_ENTRIES = 20_000


def tolerance_deg(zoom: int) -> float:
    """One screen pixel at ``zoom`` [degree of longitude]."""
    return 360.0 / 256.0 / 2**zoom


def simplified(geometry: dict, zoom: int | None) -> dict:
    """``geometry`` (GeoJSON, WGS-84) simplified to a pixel at ``zoom`` (``None``: unchanged), RFC 7946 wound."""
    if zoom is not None and zoom <= MAX_ZOOM and geometry.get("type") in ("Polygon", "MultiPolygon"):
        import shapely
        from shapely.geometry import mapping, shape

        tolerance = tolerance_deg(max(zoom, MIN_ZOOM))
        geom = shapely.simplify(shape(geometry), tolerance, preserve_topology=True)
        if not geom.is_empty:
            # a tenth of the tolerance is precision enough: 4 decimals at zoom 7, 5 at zoom 9-11
            digits = max(4, min(7, math.ceil(-math.log10(tolerance / 10))))
            return _rounded(rfc7946(mapping(geom)), digits)
    return rfc7946(geometry)


def _rounded(geometry: dict, digits: int) -> dict:
    def walk(coords):
        if coords and isinstance(coords[0], int | float):
            return [round(coords[0], digits), round(coords[1], digits)]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def boundary_features(queryset, *, full: bool = False, zoom: int | None = None) -> list[dict]:
    """GeoJSON features (adcode, name, level, parent_adcode) of ``queryset``'s regions: the full boundary
    (``full``), simplified for ``zoom``, or the map copy (no zoom)."""
    field = "geometry" if full else "display_geometry"
    if zoom is not None:
        zoom = max(MIN_ZOOM, zoom)
        if zoom > MAX_ZOOM:
            zoom = None
    rows = list(queryset.order_by("adcode").values(*_PROPS))
    keys = {r["adcode"]: (r["adcode"], field, zoom, r["min_lon"], r["min_lat"], r["max_lon"], r["max_lat"],
                          r["area_km2"]) for r in rows}
    missing = [code for code, key in keys.items() if key not in _cache]
    if missing:
        fresh = {}
        for start in range(0, len(missing), 200):
            chunk = missing[start:start + 200]
            for code, geometry in queryset.filter(adcode__in=chunk).values_list("adcode", field):
                fresh[keys[code]] = simplified(geometry, zoom)
        with _lock:
            if len(_cache) + len(fresh) > _MAX_ENTRIES:
                _cache.clear()
            _cache.update(fresh)
    return [{"type": "Feature",
             "properties": {"adcode": r["adcode"], "name": r["name"], "level": r["level"],
                            "parent_adcode": r["parent_id"]},
             "geometry": _cache.get(keys[r["adcode"]]) or simplified(_geometry(queryset, r["adcode"], field), zoom)}
            for r in rows]


def _geometry(queryset, adcode, field):  # a race with the cache being cleared: read it once more
    return queryset.values_list(field, flat=True).get(adcode=adcode)


#: The boundary columns of a region: large JSON documents, never read where no boundary is drawn.
GEOMETRY_FIELDS = ("geometry", "display_geometry")


def without_geometry(*relations: str) -> list[str]:
    """Field paths for ``.defer(...)``: the boundaries of the regions reached by ``relations`` (``"region"``,
    ``"site__region"``; ``""`` for the region itself)."""
    return [f"{r}__{g}" if r else g for r in relations for g in GEOMETRY_FIELDS]
