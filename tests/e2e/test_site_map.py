"""The registry map in a real browser: clusters drawn from the server, individual sites after zooming in."""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def _wait_drawn(page, zoom):
    page.wait_for_function(
        "z => { const el = document.getElementById('site-map'); "
        "return el.dataset.zoom === String(z) && Number(el.dataset.loaded) > 0 && !el.dataset.error; }",
        arg=zoom, timeout=20000)
    el = page.locator("#site-map")
    return el.get_attribute("data-mode"), int(el.get_attribute("data-count")), int(el.get_attribute("data-total"))


def test_office_zooms_from_clusters_to_individual_sites(page, screenshots_dir):
    login(page, "office")
    page.goto(page.base_url + "/sites/map/")
    mode, count, total = _wait_drawn(page, 10)
    assert mode == "clusters"
    assert 0 < count < total  # never every site: the ~7,000 demo sites arrive as a few dozen clusters
    page.screenshot(path=str(screenshots_dir / "site_map_clusters.png"))

    # zoom in on the city centre of Jiaxing (南湖区) one level at a time until the server sends sites
    page.evaluate("() => { window.rollout5gSiteMap.setView([30.752, 120.758], 11); }")
    zoom = 11
    while True:
        mode, count, total = _wait_drawn(page, zoom)
        if mode == "sites" or zoom >= 17:
            break
        page.click(".leaflet-control-zoom-in")
        zoom += 1
    assert mode == "sites", f"still clustered at zoom {zoom}"
    assert 0 < count == total <= 1500

    # a site's popup names it and links to its page
    page.evaluate(
        "() => { let m = null; window.rollout5gSiteMap.eachLayer(l => { if (!m && l.siteCode) m = l; }); m.openPopup(); }")
    link = page.locator(".leaflet-popup-content a.site-link")
    link.wait_for(timeout=5000)
    page.wait_for_timeout(400)  # let the popup fade in before the screenshot
    assert link.get_attribute("href").startswith("/sites/")
    page.screenshot(path=str(screenshots_dir / "site_map_sites.png"))

    # a list filter re-draws the map: only sites under construction
    page.select_option("#registry-filters select[name=state]", "building")
    page.wait_for_function("() => location.search.includes('state=building')", timeout=10000)
    page.wait_for_function(
        "n => Number(document.getElementById('site-map').dataset.total) < n", arg=total, timeout=20000)
