"""Stored XSS in a real browser (issue 18 item 4): a site, an open-list resource and an organization named with an
HTML/JS payload are shown on every page and in every map popup that shows them, and no script runs — neither the
payload itself nor an attempt the Content-Security-Policy had to block (a ``securitypolicyviolation`` would mean a
value reached the HTML unescaped)."""

import json
import os
import subprocess
import sys
import time

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1"><script>window.__xss=99</script>'

# Runs against the demo server's own database (the live_demo data directory), as a separate process.
_SEED = r'''
import json, sys
import django
django.setup()
from rollout5g.accounts.models import User
from rollout5g.organizations.models import Organization
from rollout5g.resources import services as resources
from rollout5g.resources.models import ListRelease, ReleaseEntry
from rollout5g.sites.services import site_create

payload = sys.argv[1]
office = User.objects.get(username="office")
mobile = User.objects.get(username="mobile")
org, _ = Organization.objects.get_or_create(code="xss-owner", defaults={"name": payload + " 业主", "kind": "utility"})
site = site_create(actor=office, owner=mobile.organization, name=payload, lon=120.7555, lat=30.7469,
                   site_type="rooftop", address=payload)
resource = resources.resource_create(actor=office, owner=org, name=payload, kind="park", lon=120.7655, lat=30.7569,
                                     address=payload)
# The public map shows published batches only: the first entry of the current batch gets the payload as its name
# (a published snapshot is otherwise immutable; this stands for an owner who named a facility so before publication).
release = ListRelease.objects.filter(published_at__isnull=False).order_by("-number").first()
entry = ReleaseEntry.objects.filter(release=release).order_by("code").first()
entry.snapshot = {**entry.snapshot, "name": payload, "owner_name": payload, "address": payload}
entry.save(update_fields=["snapshot"])
print(json.dumps({"site": site.code, "lon": site.lon, "lat": site.lat, "resource": resource.code, "org": org.code,
                  "entry": entry.code, "entry_lon": entry.snapshot["lon"], "entry_lat": entry.snapshot["lat"]}))
'''


@pytest.fixture(scope="module")
def payload_records(live_demo, tmp_path_factory):
    data_dirs = sorted(tmp_path_factory.getbasetemp().glob("e2e-demo*/"))
    data_dir = next(d for d in data_dirs if (d / "rollout5g.sqlite3").exists())
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(ROLLOUT5G_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="rollout5g.web.settings")
    out = subprocess.run([sys.executable, "-c", _SEED, PAYLOAD], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_until(page, expression, timeout=30.0):
    """Poll ``expression`` (page.wait_for_function would eval() it, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(200)


@pytest.fixture
def watched(browser, live_demo):
    """A page with the Content-Security-Policy enforced, recording every script the payload ran and every inline
    script the policy blocked."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_demo
    page.add_init_script("""
        window.__violations = [];
        document.addEventListener("securitypolicyviolation",
            e => window.__violations.push(e.violatedDirective + " " + (e.sample || e.blockedURI)));
    """)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def _assert_inert(page, where):
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None, f"{where}: the payload ran"
    assert page.evaluate("window.__violations") == [], f"{where}: a value reached the HTML unescaped"
    assert page.dialogs == [], where
    assert page.locator("img[src='x']").count() == 0, f"{where}: the payload became an element"


def test_payload_names_are_inert_on_pages_and_in_map_popups(watched, payload_records):
    page, rec = watched, payload_records
    login(page, "office")

    for path in (f"/sites/{rec['site']}/", f"/open-list/resources/{rec['resource']}/", f"/organizations/{rec['org']}/",
                 f"/sites/list/?q={rec['site']}"):
        page.goto(page.base_url + path)
        assert PAYLOAD.split(">")[0] in page.inner_text("main"), f"{path}: the name is shown as text"
        _assert_inert(page, path)

    # the registry map: the site's popup
    page.goto(page.base_url + "/sites/map/")
    page.wait_for_selector("#site-map[data-loaded='1']", timeout=30000)
    loaded = int(page.get_attribute("#site-map", "data-loaded"))
    page.evaluate(f"() => {{ window.rollout5gSiteMap.setView([{rec['lat']}, {rec['lon']}], 18); }}")
    _wait_until(page, f"Number(document.getElementById('site-map').dataset.loaded) > {loaded}")
    _wait_until(page, "document.getElementById('site-map').dataset.mode === 'sites'")
    opened = page.evaluate("""code => {
        let found = false;
        window.rollout5gSiteMap.eachLayer(l => { if (l.siteCode === code) { l.openPopup(); found = true; } });
        return found; }""", rec["site"])
    assert opened
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "<img src=x" in popup.inner_text() and popup.locator("img").count() == 0
    _assert_inert(page, "registry map popup")

    # the public open-list map: the entry's popup
    page.goto(page.base_url + "/open-list/")
    page.wait_for_selector("#open-list-map[data-loaded='1']", timeout=30000)
    opened = page.evaluate("""code => {
        let found = false;
        window.rollout5gOpenListMap.eachLayer(l => { if (l.entryCode === code) { l.openPopup(); found = true; } });
        return found; }""", rec["entry"])
    assert opened
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "<img src=x" in popup.inner_text() and popup.locator("img").count() == 0
    _assert_inert(page, "open-list map popup")


def test_pages_with_maps_and_charts_run_under_the_policy(watched, payload_records):
    """Every page whose scripts moved to static modules still draws, and the CSP blocks nothing on them."""
    page = watched
    login(page, "office")
    checks = {
        "/regions/": "#region-map[data-loaded]",
        "/supervision/": "#region-map[data-loaded='1']",
        "/sites/map/": "#site-map[data-loaded='1']",
        "/open-list/": "#open-list-map[data-loaded='1']",
        f"/sites/{payload_records['site']}/": "#site-map .leaflet-pane",
        "/": "body",
    }
    for path, ready in checks.items():
        page.goto(page.base_url + path)
        page.wait_for_selector(ready, timeout=30000, state="attached")
        _assert_inert(page, path)
