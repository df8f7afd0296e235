"""Geodesy helpers: GCJ-02 <-> WGS-84, and the coordinate systems users send us.

GCJ-02 ("Mars coordinates") is the obfuscated datum that Chinese web maps (AMap, Tencent)
publish. The forward transform is the widely reproduced algorithm (Krasovsky 1940 ellipsoid
constants a = 6378245 m, ee = 0.00669342162296594323) also used by googollee/eviltransform;
the inverse has no closed form, so it is solved by fixed-point iteration to < 1e-9 degree.

CGCS2000 differs from WGS-84 by centimetres; for cell planning it is treated as identical
(the same practice as GB/T 18522-2020 for mapping at scales coarser than 1:5000).

All functions take scalars or numpy arrays of longitudes and latitudes in [degree] and return
the same shape. Points outside mainland China are returned unchanged, as the algorithm defines.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0  # [m] Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared

#: Coordinate reference systems accepted for point input, with their labels.
CRS_CHOICES = {
    "wgs84": "WGS-84 (EPSG:4326)",
    "cgcs2000": "CGCS2000 (EPSG:4490)",
    "gcj02": "GCJ-02 (AMap / Tencent)",
}


def _out_of_china(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _delta(lon, lat):
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _shape(result, like):
    return float(result) if np.ndim(like) == 0 else result


def wgs84_to_gcj02(lon, lat):
    """Return GCJ-02 ``(lon, lat)`` [degree] for WGS-84 ``(lon, lat)`` [degree]."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon_a, lat_a)
    outside = _out_of_china(lon_a, lat_a)
    out_lon = np.where(outside, lon_a, lon_a + dlon)
    out_lat = np.where(outside, lat_a, lat_a + dlat)
    return _shape(out_lon, lon), _shape(out_lat, lat)


def gcj02_to_wgs84(lon, lat, *, tolerance_deg: float = 1e-10, max_iterations: int = 30):
    """Return WGS-84 ``(lon, lat)`` [degree] for GCJ-02 ``(lon, lat)`` [degree].

    Solves ``wgs84_to_gcj02(w) == g`` by fixed-point iteration ``w <- w - (f(w) - g)``; the
    offset field is smooth (its gradient is ~1e-5), so each step gains ~5 digits and three or
    four steps reach the tolerance.
    """
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iterations):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = np.asarray(f_lon) - g_lon, np.asarray(f_lat) - g_lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if np.all(np.abs(e_lon) < tolerance_deg) and np.all(np.abs(e_lat) < tolerance_deg):
            break
    return _shape(w_lon, lon), _shape(w_lat, lat)


def to_wgs84(lon, lat, crs: str):
    """Convert points given in ``crs`` (one of :data:`CRS_CHOICES`) to WGS-84 [degree]."""
    key = (crs or "").lower().replace("-", "").replace("_", "")
    if key in ("wgs84", "epsg4326", "cgcs2000", "epsg4490"):
        return lon, lat
    if key == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    raise ValueError(f"unknown coordinate system {crs!r}; valid: {', '.join(CRS_CHOICES)}")


def from_wgs84(lon, lat, crs: str):
    """Convert WGS-84 points [degree] to ``crs`` (one of :data:`CRS_CHOICES`)."""
    key = (crs or "").lower().replace("-", "").replace("_", "")
    if key in ("wgs84", "epsg4326", "cgcs2000", "epsg4490"):
        return lon, lat
    if key == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    raise ValueError(f"unknown coordinate system {crs!r}; valid: {', '.join(CRS_CHOICES)}")


def transform_geojson_geometry(geometry: dict, func) -> dict:
    """Apply ``func(lon_array, lat_array) -> (lon_array, lat_array)`` to every vertex of a
    GeoJSON geometry (Point, LineString, Polygon, Multi*), returning a new geometry."""

    def convert(coords):
        if not len(coords):
            return []
        if isinstance(coords[0], int | float):  # a position
            x, y = func(float(coords[0]), float(coords[1]))
            return [round(float(x), 7), round(float(y), 7)]
        if isinstance(coords[0][0], int | float):  # a ring or line: convert all its positions at once
            arr = np.asarray(coords, dtype=float)[:, :2]
            x, y = func(arr[:, 0], arr[:, 1])
            return np.round(np.column_stack([x, y]), 7).tolist()
        return [convert(c) for c in coords]

    kind = geometry["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [transform_geojson_geometry(g, func) for g in geometry["geometries"]]}
    return {"type": kind, "coordinates": convert(geometry["coordinates"])}


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance [m] on a sphere of radius 6,371,008.8 m (IUGG mean radius)."""
    r = 6371008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


def rfc7946(geometry: dict) -> dict:
    """Return ``geometry`` with every polygon wound as RFC 7946 section 3.1.6 requires: exterior rings
    counterclockwise, holes clockwise. Other geometry types are returned unchanged; collections recurse.

    The one place the project fixes winding: every GeoJSON the API and the downloads serve passes through it."""
    from shapely.geometry import mapping, shape
    from shapely.geometry.polygon import orient

    kind = geometry.get("type")
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [rfc7946(g) for g in geometry["geometries"]]}
    if kind == "Polygon":
        oriented = orient(shape(geometry), sign=1.0)
    elif kind == "MultiPolygon":
        from shapely.geometry import MultiPolygon

        oriented = MultiPolygon([orient(p, sign=1.0) for p in shape(geometry).geoms])
    else:
        return geometry
    out = mapping(oriented)

    def lists(coords):
        return [lists(c) for c in coords] if isinstance(coords[0], tuple | list) and not isinstance(
            coords[0][0], int | float
        ) else [[round(float(x), 7), round(float(y), 7)] for x, y, *_ in coords]

    return {"type": out["type"], "coordinates": lists(out["coordinates"])}
