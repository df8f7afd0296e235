"""Base maps in a real browser (issue 19 item 4): a small local tile set (PNG tiles drawn with Pillow into a
temporary MBTiles file and a tile folder) configured with ROLLOUT5G_BASEMAPS, served by the platform at a
same-origin URL; the registry map loads its tiles under the site markers, offers the layers in a switcher, and on a
GCJ-02 layer draws the sites shifted with the GCJ-02 conversion.

The server is ``rollout5g serve`` on demo data of its own, started with the base maps configured."""

import io
import math
import os
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from PIL import Image, ImageDraw

from rollout5g.core import geo

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

CENTRE = (30.752, 120.758)  # lat, lon: the centre of Jiaxing (南湖区)
#: Pixel position at zoom 15 of a WGS-84 point through the map's projection, and through plain Web Mercator.
ON_MAP = "ll => { const p = window.rollout5gSiteMap.options.crs.latLngToPoint(L.latLng(ll), 15); return {x: p.x, y: p.y}; }"
ON_MERCATOR = "ll => { const p = L.CRS.EPSG3857.latLngToPoint(L.latLng(ll), 15); return {x: p.x, y: p.y}; }"


def _tile_xy(lon, lat, z):
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def _tiles(west, south, east, north, z):
    x0, y0 = _tile_xy(west, north, z)
    x1, y1 = _tile_xy(east, south, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _png(z, x, y, colour) -> bytes:
    img = Image.new("RGB", (256, 256), colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, 255, 255], outline=(90, 90, 90))
    draw.text((8, 8), f"{z}/{x}/{y}", fill=(40, 40, 40))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def tile_set(tmp_path_factory):
    """An MBTiles file (TMS rows) and a folder of XYZ tiles over the registry map's first view and the centre."""
    root = tmp_path_factory.mktemp("basemap-tiles")
    tiles = _tiles(118.8, 29.6, 122.7, 31.9, 10) + _tiles(CENTRE[1] - 0.04, CENTRE[0] - 0.03,
                                                          CENTRE[1] + 0.04, CENTRE[0] + 0.03, 15)
    mbtiles = root / "city.mbtiles"
    with sqlite3.connect(mbtiles) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test city"), ("format", "png")])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, x, 2**z - 1 - y, _png(z, x, y, (236, 229, 206))) for z, x, y in tiles])
    folder = root / "folder"
    for z, x, y in tiles:
        (folder / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (folder / str(z) / str(x) / f"{y}.png").write_bytes(_png(z, x, y, (206, 226, 236)))
    return mbtiles, folder, len(tiles)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    """A demo data directory: ``ROLLOUT5G_E2E_DEMO_DIR`` (one made by ``rollout5g demo --no-serve``, only read
    here), else a fresh one (a few minutes)."""
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    given = os.environ.get("ROLLOUT5G_E2E_DEMO_DIR")
    if given:  # brought up to the code's migrations first
        subprocess.run([sys.executable, "-m", "rollout5g.cli", "migrate", "--data-dir", given], check=True,
                       capture_output=True, timeout=900, env=env)
        return Path(given)
    data_dir = tmp_path_factory.mktemp("basemap-demo")
    done = subprocess.run([sys.executable, "-m", "rollout5g.cli", "demo", "--no-serve", "--data-dir", str(data_dir)],
                          capture_output=True, text=True, env=env, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return data_dir


@pytest.fixture(scope="module")
def tiled_server(browser, demo_data, tile_set, tmp_path_factory):
    import json

    mbtiles, folder, _ = tile_set
    data_dir = demo_data
    layers = [
        {"id": "city", "name": "市政底图", "mbtiles": str(mbtiles), "attribution": "© 测试测绘院", "max_zoom": 15},
        {"id": "folder", "name": "目录底图", "folder": str(folder), "attribution": "© 目录", "max_zoom": 15},
        {"id": "city-gcj", "name": "火星底图", "mbtiles": str(mbtiles), "attribution": "© GCJ", "crs": "gcj02",
         "max_zoom": 15},
    ]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["ROLLOUT5G_BASEMAPS"] = json.dumps(layers)
    log_path = tmp_path_factory.mktemp("basemap-log") / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen([sys.executable, "-m", "rollout5g.cli", "serve", "--data-dir", str(data_dir),
                             "--port", str(port), "--workers", "1", "--job-workers", "0"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.time() + 90
    while time.time() < deadline:
        assert proc.poll() is None, log_path.read_text()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture
def tiled_page(browser, tiled_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    external, tiles = [], []
    pg.on("request", lambda r: external.append(r.url)
          if not r.url.startswith(tiled_server) and not r.url.startswith("data:") else None)
    pg.on("response", lambda r: tiles.append((r.url, r.status)) if "/regions/tiles/" in r.url else None)
    pg.on("pageerror", lambda e: external.append(f"script error: {e}"))
    pg.base_url, pg.tile_responses = tiled_server, tiles
    pg.goto(tiled_server + "/accounts/login/")
    pg.fill("#id_username", "office")
    pg.fill("#id_password", PASSWORD)
    with pg.expect_navigation():
        pg.click("#login-submit")
    yield pg
    context.close()
    assert not external, f"page loaded external resources or failed: {external}"


def _wait_sites(page, zoom):
    page.wait_for_function(
        "z => { const el = document.getElementById('site-map'); "
        "return el.dataset.zoom === String(z) && Number(el.dataset.loaded) > 0 && !el.dataset.error; }",
        arg=zoom, timeout=30000)


def _wait_tiles(page, layer):
    """Until the map shows ``layer`` and every tile image in view has arrived (256 px wide)."""
    page.wait_for_function(
        "id => { const map = document.getElementById('site-map'); if (map.dataset.basemap !== id) return false;"
        " const imgs = [...map.querySelectorAll('.base-tiles img.leaflet-tile')];"
        " return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth === 256); }",
        arg=layer, timeout=60000)


def _under_markers(page):
    """For some drawn site markers: whether a loaded tile image lies under the marker's centre, in a pane below the
    markers' (Leaflet's tile pane under the overlay pane)."""
    return page.evaluate("""() => {
      const map = window.rollout5gSiteMap, box = map.getContainer().getBoundingClientRect(), out = [];
      const z = name => Number(getComputedStyle(map.getPane(name)).zIndex);
      const below = z('tilePane') < z('overlayPane');
      const tiles = [...map.getContainer().querySelectorAll('.base-tiles img.leaflet-tile')]
        .filter(i => i.complete && i.naturalWidth === 256 && getComputedStyle(i).visibility !== 'hidden');
      map.eachLayer(l => {
        if (out.length >= 10 || !l.getLatLng || !l.getRadius) return;
        const p = map.latLngToContainerPoint(l.getLatLng());
        if (p.x < 5 || p.y < 5 || p.x > box.width - 5 || p.y > box.height - 5) return;
        const x = box.left + p.x, y = box.top + p.y;
        const under = tiles.some(i => { const r = i.getBoundingClientRect();
                                        return r.left <= x && x < r.right && r.top <= y && y < r.bottom; });
        out.push(below && under);
      });
      return out;
    }""")


def test_local_tiles_load_under_the_site_markers(tiled_page, screenshots_dir):
    page = tiled_page
    page.goto(page.base_url + "/sites/map/")
    _wait_sites(page, 10)
    _wait_tiles(page, "city")
    under = _under_markers(page)
    assert under and all(under), under
    # tiles came from the platform itself and each one was there
    assert page.tile_responses and all(status == 200 for _, status in page.tile_responses), page.tile_responses
    assert all("/regions/tiles/city/10/" in url for url, _ in page.tile_responses)
    assert "© 测试测绘院" in page.locator(".leaflet-control-attribution").inner_text()

    # at street level: individual sites over the tiles
    page.evaluate("c => { window.rollout5gSiteMap.setView(c, 15); }", list(CENTRE))
    _wait_sites(page, 15)
    _wait_tiles(page, "city")
    assert page.locator("#site-map").get_attribute("data-mode") == "sites"
    under = _under_markers(page)
    assert under and all(under), under
    assert any("/regions/tiles/city/15/" in url for url, _ in page.tile_responses)
    assert all(status == 200 for _, status in page.tile_responses)
    page.screenshot(path=str(screenshots_dir / "site_map_basemap.png"))


def test_the_switcher_offers_every_layer_and_gcj02_shifts_the_overlays(tiled_page):
    page = tiled_page
    page.goto(page.base_url + "/sites/map/")
    _wait_sites(page, 10)
    _wait_tiles(page, "city")
    labels = page.locator(".leaflet-control-layers-base label").all_inner_texts()
    assert [x.strip() for x in labels][:3] == ["市政底图", "目录底图", "火星底图"] and len(labels) == 4

    page.locator(".leaflet-control-layers-base label", has_text="目录底图").click()
    _wait_tiles(page, "folder")
    assert any("/regions/tiles/folder/" in url for url, _ in page.tile_responses)

    lat, lon = CENTRE
    before = page.evaluate(ON_MAP, [lat, lon])
    page.locator(".leaflet-control-layers-base label", has_text="火星底图").click()
    _wait_tiles(page, "city-gcj")
    after = page.evaluate(ON_MAP, [lat, lon])
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    expected = page.evaluate(ON_MERCATOR, [glat, glon])
    assert abs(after["x"] - expected["x"]) < 0.01 and abs(after["y"] - expected["y"]) < 0.01
    assert math.hypot(after["x"] - before["x"], after["y"] - before["y"]) > 50  # ~500 m at zoom 15: not a no-op
    # the map still asks for the sites in WGS-84: its bounds contain the WGS-84 centre after the switch
    page.evaluate("c => { window.rollout5gSiteMap.setView(c, 13); }", list(CENTRE))
    _wait_sites(page, 13)
    assert page.evaluate("ll => window.rollout5gSiteMap.getBounds().contains(L.latLng(ll))", [lat, lon])
