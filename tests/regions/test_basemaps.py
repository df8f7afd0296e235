"""Base maps (issue 19 item 4): the setting, the local tiles served at a same-origin URL (MBTiles rows flipped),
the layer list the map script reads, the Content-Security-Policy admitting the configured tile hosts, and the
map script's GCJ-02 port agreeing with rollout5g.core.geo."""

import io
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rollout5g.core import geo
from rollout5g.platform import basemaps

MAPS_JS = Path(__file__).resolve().parents[2] / "src/rollout5g/web/static/rollout5g/js/maps.js"


def png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "PNG")
    return out.getvalue()


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    """An MBTiles 1.3 file; ``tiles`` keyed by XYZ (z, x, y), stored with TMS rows as the format asks."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", "png")])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()])
    return path


@pytest.fixture
def local_layers(tmp_path, settings):
    north, south = png((200, 0, 0)), png((0, 0, 200))
    mbtiles = make_mbtiles(tmp_path / "city.mbtiles", {(1, 0, 0): north, (1, 0, 1): south})
    folder = tmp_path / "tiles"
    (folder / "1" / "1").mkdir(parents=True)
    (folder / "1" / "1" / "0.png").write_bytes(north)
    settings.ROLLOUT5G_BASEMAPS = [
        {"id": "city", "name": "市政底图", "mbtiles": str(mbtiles), "attribution": "© 市测绘院", "max_zoom": 16},
        {"id": "folder", "name": "目录", "folder": str(folder), "attribution": "© 本地"},
    ]
    return north, south


def test_no_setting_is_the_offline_default(client, settings):
    settings.ROLLOUT5G_BASEMAPS = []
    assert basemaps.from_env("") == []
    body = client.get("/regions/basemaps.json").json()
    assert body["layers"] == []
    assert client.get("/regions/tiles/city/1/0/0.png").status_code == 404


def test_mbtiles_rows_are_flipped_and_served_same_origin(client, local_layers):
    north, south = local_layers
    r = client.get("/regions/tiles/city/1/0/0.png")  # XYZ row 0 = the north = TMS row 1
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content == north
    assert client.get("/regions/tiles/city/1/0/1.png").content == south
    assert client.get("/regions/tiles/city/1/1/0.png").status_code == 404  # not in the file
    assert client.get("/regions/tiles/city/1/5/0.png").status_code == 404  # outside the zoom level
    assert client.get("/regions/tiles/city/987654321/0/0.png").status_code == 404
    assert client.get("/regions/tiles/folder/1/1/0.png").content == north
    assert client.get("/regions/tiles/nosuch/1/0/0.png").status_code == 404


def test_the_map_script_reads_the_layers_with_local_urls(client, local_layers):
    layers = client.get("/regions/basemaps.json").json()["layers"]
    assert [x["id"] for x in layers] == ["city", "folder"]
    assert layers[0]["url"] == "/regions/tiles/city/{z}/{x}/{y}.png"
    assert layers[0]["attribution"] == "© 市测绘院" and layers[0]["maxZoom"] == 16 and layers[0]["crs"] == "wgs84"
    assert "mbtiles" not in json.dumps(layers)  # no server path reaches the browser


def test_presets_need_their_key_and_fill_it_in(caplog):
    assert basemaps.parse(["tianditu-vec"], env={}) == []  # no key: left out, not served with an empty tk
    assert "ROLLOUT5G_TIANDITU_KEY" in caplog.text
    (tdt,) = basemaps.parse(["tianditu-vec"], env={"ROLLOUT5G_TIANDITU_KEY": "abc123"})
    assert "tk=abc123" in tdt.url and "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in tdt.url
    assert "LAYER=cva" in tdt.labels and tdt.crs == "cgcs2000"
    assert "https://t0.tianditu.gov.cn" in tdt.hosts and "https://t7.tianditu.gov.cn" in tdt.hosts
    (amap,) = basemaps.parse(["amap"], env={})
    assert amap.crs == "gcj02" and amap.hosts == tuple(f"https://webrd0{i}.is.autonavi.com" for i in "1234")


def test_wmts_restful_template_becomes_xyz():
    (layer,) = basemaps.parse([{"id": "w", "url": "https://gis.example.gov.cn/wmts/{TileMatrix}/{TileRow}/{TileCol}.png"}])
    assert layer.url == "https://gis.example.gov.cn/wmts/{z}/{y}/{x}.png"


@pytest.mark.parametrize("item, message", [
    ("osm", "unknown base map"),
    ({"id": "a b", "url": "https://x/{z}/{x}/{y}.png"}, "letters, digits"),
    ({"id": "a"}, "exactly one of url, mbtiles, folder"),
    ({"id": "a", "url": "https://x/{z}", "folder": "/tmp"}, "exactly one of"),
    ({"id": "a", "url": "https://x/{z}", "crs": "bd09"}, "crs"),
    ({"id": "a", "url": "javascript:alert(1)"}, r"not an http\(s\) URL"),
    ({"id": "a", "mbtiles": "/no/such/file.mbtiles"}, "not found"),
    ({"id": "a", "url": "https://x/{z}", "max_zoom": 30}, "zoom levels"),
])
def test_bad_layers_are_refused_with_a_clear_message(item, message):
    with pytest.raises(basemaps.BasemapError, match=message):
        basemaps.parse([item], env={})


def test_env_forms(tmp_path):
    assert basemaps.from_env("tianditu-vec, amap") == ["tianditu-vec", "amap"]
    assert basemaps.from_env('[{"id": "x", "url": "https://x/{z}/{x}/{y}.png"}]')[0]["id"] == "x"
    f = tmp_path / "maps.json"
    f.write_text('["amap"]')
    assert basemaps.from_env(str(f)) == ["amap"]
    with pytest.raises(basemaps.BasemapError):
        basemaps.from_env("no-such-preset")


def test_csp_admits_the_configured_tile_hosts_only(settings):
    from rollout5g.web.middleware import CONTENT_SECURITY_POLICY, content_security_policy

    settings.ROLLOUT5G_BASEMAPS = []
    assert content_security_policy() == CONTENT_SECURITY_POLICY
    settings.ROLLOUT5G_BASEMAPS = ["amap"]
    policy = content_security_policy()
    img = next(p for p in policy.split("; ") if p.startswith("img-src"))
    assert "https://webrd01.is.autonavi.com" in img
    assert "autonavi" not in policy.replace(img, "")  # scripts, connections, frames: still self only


@pytest.mark.skipif(not shutil.which("node"), reason="needs node to run the map script's GCJ-02 port")
def test_the_map_scripts_gcj02_port_agrees_with_core_geo():
    rng = np.random.default_rng(7)
    lon = np.concatenate([rng.uniform(73.0, 135.0, 300), [120.7615, 116.40, 10.0, 150.0]])
    lat = np.concatenate([rng.uniform(18.0, 53.0, 300), [30.7497, 39.90, 50.0, 30.0]])
    script = ("const g = require(process.argv[1]).gcj02; const pts = JSON.parse(require('fs').readFileSync(0));"
              "console.log(JSON.stringify(pts.map(p => [g.wgs84ToGcj02(p[0], p[1]), g.gcj02ToWgs84(p[0], p[1])])));")
    out = subprocess.run(["node", "-e", script, str(MAPS_JS)], input=json.dumps(np.column_stack([lon, lat]).tolist()),
                         capture_output=True, text=True, check=True, timeout=30)
    js = np.array(json.loads(out.stdout))
    fwd_lon, fwd_lat = geo.wgs84_to_gcj02(lon, lat)
    inv_lon, inv_lat = geo.gcj02_to_wgs84(lon, lat)
    np.testing.assert_allclose(js[:, 0, 0], fwd_lon, atol=1e-9)
    np.testing.assert_allclose(js[:, 0, 1], fwd_lat, atol=1e-9)
    np.testing.assert_allclose(js[:, 1, 0], inv_lon, atol=1e-9)
    np.testing.assert_allclose(js[:, 1, 1], inv_lat, atol=1e-9)
    assert abs(js[300, 0, 0] - 120.7615) > 1e-3  # inside China the shift is real (hundreds of metres)
    assert js[302, 0, 0] == 10.0  # outside China unchanged


@pytest.mark.urls("tests.regions.urls_root_tiles")
def test_a_root_tile_route_is_used_when_the_site_declares_one(client, local_layers):
    north, _ = local_layers
    layers = client.get("/regions/basemaps.json").json()["layers"]
    assert layers[0]["url"] == "/tiles/city/{z}/{x}/{y}.png"
    assert client.get("/tiles/city/1/0/0.png").content == north
