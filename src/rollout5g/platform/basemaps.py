"""Base maps: the tile layers under every map of the platform, from one setting.

``settings.ROLLOUT5G_BASEMAPS`` is a list; each item is either the name of a preset (:data:`PRESETS`) or a dict
describing a layer:

- ``id`` (letters, digits, ``-``/``_``), ``name`` (shown in the layer switcher), ``attribution`` (shown on the map);
- where its tiles come from — exactly one of
  ``url``: an XYZ template (``https://host/{z}/{x}/{y}.png``, ``{s}`` for ``subdomains``) or a WMTS KVP/RESTful
  template (``TILEMATRIX={z}&TILEROW={y}&TILECOL={x}``, or ``{TileMatrix}``/``{TileRow}``/``{TileCol}``);
  ``mbtiles``: a local MBTiles file (SQLite, TMS rows); ``folder``: a local folder of ``{z}/{x}/{y}.png`` tiles
  (``"scheme": "tms"`` when its rows count from the south). Local tiles are served by the platform itself at
  ``/regions/tiles/<id>/{z}/{x}/{y}.png`` (same origin: nothing leaves a government intranet);
- ``crs``: the datum the tiles are drawn in — ``wgs84`` / ``cgcs2000`` (the same for maps, ``core.geo``) or
  ``gcj02`` (AMap, Tencent): on a GCJ-02 layer the map's projection shifts every overlay with
  ``core.geo.wgs84_to_gcj02`` (ported to ``maps.js`` and tested against it) so sites sit on the streets;
- ``max_zoom`` / ``min_zoom``, ``subdomains``, ``labels`` (a second template drawn on top: 天地图's annotation);
- ``key_env``: the environment variable holding the key (天地图's ``tk``); ``{key}`` in the template is replaced by
  it. A layer whose key is not set is left out (and said so in the log), never served with an empty key.

The environment variable ``ROLLOUT5G_BASEMAPS`` fills the setting (:func:`from_env`): preset names separated by
commas, a JSON list, or the path of a JSON file holding the list. Without it the list is empty: the offline default,
where the county boundaries are the base map and no tile is requested.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

CRS = ("wgs84", "cgcs2000", "gcj02")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_TDT = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}")
_TDT_ATTRIBUTION = "© 天地图 (国家地理信息公共服务平台)"

#: Layers that need only a name (and, for 天地图, a key in ``ROLLOUT5G_TIANDITU_KEY``).
PRESETS: dict[str, dict] = {
    "tianditu-vec": {"id": "tianditu-vec", "name": "天地图 矢量", "crs": "cgcs2000", "max_zoom": 18,
                     "url": _TDT.replace("{layer}", "vec"), "labels": _TDT.replace("{layer}", "cva"),
                     "subdomains": "01234567", "key_env": "ROLLOUT5G_TIANDITU_KEY", "attribution": _TDT_ATTRIBUTION},
    "tianditu-img": {"id": "tianditu-img", "name": "天地图 影像", "crs": "cgcs2000", "max_zoom": 18,
                     "url": _TDT.replace("{layer}", "img"), "labels": _TDT.replace("{layer}", "cia"),
                     "subdomains": "01234567", "key_env": "ROLLOUT5G_TIANDITU_KEY", "attribution": _TDT_ATTRIBUTION},
    "amap": {"id": "amap", "name": "高德地图", "crs": "gcj02", "max_zoom": 18, "subdomains": "1234",
             "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "attribution": "© 高德地图 (AutoNavi)"},
    "amap-img": {"id": "amap-img", "name": "高德 影像", "crs": "gcj02", "max_zoom": 18, "subdomains": "1234",
                 "url": "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
                 "labels": "https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
                 "attribution": "© 高德地图 (AutoNavi)"},
}

_WMTS_REST = {"{TileMatrix}": "{z}", "{TileRow}": "{y}", "{TileCol}": "{x}"}


class BasemapError(ValueError):
    """A layer of the setting that cannot be used; the message names the layer and the field."""


@dataclass(frozen=True)
class Layer:
    id: str
    name: str
    attribution: str
    crs: str = "wgs84"
    url: str = ""  # remote template, the key filled in
    labels: str = ""
    subdomains: str = ""
    min_zoom: int = 0
    max_zoom: int = 18
    mbtiles: Path | None = None
    folder: Path | None = None
    tms: bool = False
    hosts: tuple[str, ...] = field(default=())

    @property
    def local(self) -> bool:
        return self.mbtiles is not None or self.folder is not None

    def client(self, tile_url: str) -> dict:
        """What the map script needs (``tile_url``: the same-origin template of a local layer)."""
        return {"id": self.id, "name": self.name, "attribution": self.attribution, "crs": self.crs,
                "url": tile_url if self.local else self.url, "labels": self.labels, "subdomains": self.subdomains,
                "minZoom": self.min_zoom, "maxZoom": self.max_zoom}


def from_env(value: str | None) -> list:
    """The setting from ``ROLLOUT5G_BASEMAPS``: ``""`` -> [] (offline), ``"tianditu-vec,amap"`` -> preset names,
    ``"[...]"`` -> that JSON list, otherwise the path of a JSON file holding the list."""
    value = (value or "").strip()
    if not value:
        return []
    if value.startswith("["):
        return json.loads(value)
    if all(part.strip() in PRESETS for part in value.split(",")):
        return [part.strip() for part in value.split(",")]
    path = Path(value).expanduser()
    if not path.is_file():
        raise BasemapError(f"ROLLOUT5G_BASEMAPS: {value!r} is neither preset names ({', '.join(PRESETS)}), "
                           "a JSON list nor a JSON file")
    return json.loads(path.read_text(encoding="utf-8"))


def _template(url: str, key: str) -> str:
    for rest, xyz in _WMTS_REST.items():
        url = url.replace(rest, xyz)
    return url.replace("{key}", key)


def _hosts(*urls: str, subdomains: str) -> tuple[str, ...]:
    hosts = []
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BasemapError(f"tile URL {url!r} is not an http(s) URL")
        for s in subdomains or " ":
            hosts.append(f"{parts.scheme}://{parts.netloc.replace('{s}', s.strip())}")
    return tuple(dict.fromkeys(hosts))


def parse_layer(item, env=None) -> Layer | None:
    """One item of the setting as a :class:`Layer`; ``None`` for a layer whose key is not set.
    Raises :class:`BasemapError` for an item that cannot be used."""
    env = os.environ if env is None else env
    if isinstance(item, str):
        if item not in PRESETS:
            raise BasemapError(f"unknown base map {item!r}; presets: {', '.join(PRESETS)}")
        item = PRESETS[item]
    if not isinstance(item, dict):
        raise BasemapError(f"a base map is a preset name or an object, not {item!r}")
    item = {**PRESETS.get(item.get("preset", ""), {}), **item}
    layer_id = str(item.get("id", ""))
    if not _ID.match(layer_id):
        raise BasemapError(f"base map id {layer_id!r}: 1-40 letters, digits, '-' or '_'")
    sources = [k for k in ("url", "mbtiles", "folder") if item.get(k)]
    if len(sources) != 1:
        raise BasemapError(f"base map {layer_id!r}: give exactly one of url, mbtiles, folder")
    crs = str(item.get("crs", "wgs84")).lower().replace("-", "").replace("_", "")
    if crs not in CRS:
        raise BasemapError(f"base map {layer_id!r}: crs {item.get('crs')!r}; valid: {', '.join(CRS)}")
    try:
        min_zoom, max_zoom = int(item.get("min_zoom", 0)), int(item.get("max_zoom", 18))
    except (TypeError, ValueError):
        raise BasemapError(f"base map {layer_id!r}: min_zoom and max_zoom are whole numbers") from None
    if not 0 <= min_zoom <= max_zoom <= 22:
        raise BasemapError(f"base map {layer_id!r}: zoom levels must satisfy 0 <= min_zoom <= max_zoom <= 22")
    common = {"id": layer_id, "name": str(item.get("name") or layer_id), "crs": crs,
              "attribution": str(item.get("attribution") or ""), "min_zoom": min_zoom, "max_zoom": max_zoom}
    if sources == ["url"]:
        key = ""
        if item.get("key_env"):
            key = env.get(item["key_env"], "").strip()
            if not key:
                log.warning("base map %s left out: its key %s is not set", layer_id, item["key_env"])
                return None
        subdomains = str(item.get("subdomains") or "")
        url, labels = _template(str(item["url"]), key), _template(str(item.get("labels") or ""), key)
        return Layer(**common, url=url, labels=labels, subdomains=subdomains,
                     hosts=_hosts(url, labels, subdomains=subdomains))
    path = Path(str(item[sources[0]])).expanduser()
    if sources == ["mbtiles"]:
        if not path.is_file():
            raise BasemapError(f"base map {layer_id!r}: MBTiles file {path} not found")
        return Layer(**common, mbtiles=path)
    if not path.is_dir():
        raise BasemapError(f"base map {layer_id!r}: tile folder {path} not found")
    return Layer(**common, folder=path, tms=str(item.get("scheme", "xyz")).lower() == "tms")


def parse(items, env=None) -> list[Layer]:
    layers = [layer for layer in (parse_layer(item, env) for item in items or []) if layer is not None]
    ids = [layer.id for layer in layers]
    if len(ids) != len(set(ids)):
        raise BasemapError(f"base map ids must be unique: {ids}")
    return layers


_cache: dict[int, list[Layer]] = {}


def configured() -> list[Layer]:
    """The layers of ``settings.ROLLOUT5G_BASEMAPS`` (read once per setting object)."""
    from django.conf import settings

    items = getattr(settings, "ROLLOUT5G_BASEMAPS", [])
    key = id(items)
    if key not in _cache:
        _cache.clear()
        _cache[key] = parse(items)
    return _cache[key]


def layer(layer_id: str) -> Layer | None:
    return next((x for x in configured() if x.id == layer_id), None)


def tile_hosts() -> list[str]:
    """Origins the browser loads tiles from (for the Content-Security-Policy's ``img-src``)."""
    return list(dict.fromkeys(h for x in configured() for h in x.hosts))


# ------------------------------------------------------------------------------------------------ local tiles

_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8", "image/jpeg"), (b"RIFF", "image/webp"))


def content_type(data: bytes) -> str:
    return next((ctype for magic, ctype in _MAGIC if data.startswith(magic)), "application/octet-stream")


def read_tile(source: Layer, z: int, x: int, y: int) -> bytes | None:
    """The tile ``z/x/y`` (XYZ numbering, row 0 in the north) of a local layer, or ``None`` where there is none.

    MBTiles 1.3 stores rows in the TMS scheme (row 0 in the south): ``tile_row = 2**z - 1 - y``."""
    if not (0 <= z <= 30 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    if source.mbtiles is not None:
        uri = source.mbtiles.resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            row = db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                             (z, x, 2**z - 1 - y)).fetchone()
        return bytes(row[0]) if row else None
    if source.folder is not None:
        row = 2**z - 1 - y if source.tms else y
        for ext in ("png", "jpg", "jpeg", "webp"):
            path = source.folder / str(z) / str(x) / f"{row}.{ext}"
            if path.is_file():
                return path.read_bytes()
    return None
