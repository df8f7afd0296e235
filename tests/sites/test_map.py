"""The registry map: database-side grid clusters at low zoom, individual sites when few are in view, the list
filters, the operator restriction, errors. Runs on SQLite and PostgreSQL (the same grid is recomputed in Python and
must match the database's GROUP BY exactly)."""

import math
from collections import Counter

import pytest
from django.urls import Resolver404, path, resolve
from ninja import NinjaAPI

from rollout5g.sites.filters import filter_sites_full
from rollout5g.sites.map import MAX_GRID_CELLS, MAX_SITES, grid_size_deg, map_features
from rollout5g.sites.map.api import router as map_router
from rollout5g.sites.map.views import site_map
from rollout5g.sites.models import Cell, Site

pytestmark = pytest.mark.django_db

JIAXING = (120.0, 30.0, 121.6, 31.3)
JIAXING_TEXT = ",".join(str(v) for v in JIAXING)


# Until the lead mounts the map in the project (web/api.py, sites/urls.py), these tests use this module as the
# URL configuration: the map's routes first, then every project route.
def _test_api():
    api = NinjaAPI(urls_namespace="map-test-api")
    api.add_router("/sites", map_router)
    return api


def _project_urlpatterns():
    from rollout5g.web.urls import urlpatterns

    return urlpatterns


urlpatterns = [path("api/", _test_api().urls), path("sites/map/", site_map, name="site_map_test"),
               *_project_urlpatterns()]


def _project_mounts_the_map() -> bool:
    try:
        api, page = resolve("/api/sites/map"), resolve("/sites/map/")
    except Resolver404:
        return False
    return api.func.__module__ == "ninja.operation" and api.url_name == "site_map_data" and \
        page.func.__module__ == "rollout5g.sites.map.views"


@pytest.fixture(autouse=True)
def _map_urls(settings):
    if not _project_mounts_the_map():
        settings.ROOT_URLCONF = __name__


def _in_box(qs, bbox):
    return qs.filter(lon__gte=bbox[0], lon__lte=bbox[2], lat__gte=bbox[1], lat__lte=bbox[3])


def _get(client, **params):
    return client.get("/api/sites/map", params)


# --- the grid ------------------------------------------------------------------------------------------------------

def test_grid_size_follows_the_web_mercator_zoom():
    # 360° / 2**z per 256 px tile, clusters 64 px wide: z=0 -> 90°, z=9 -> 0.17578125°, z=16 -> 0.001373291015625°
    assert grid_size_deg(0) == pytest.approx(90.0, abs=1e-12)
    assert grid_size_deg(9) == pytest.approx(0.17578125, abs=1e-12)
    assert grid_size_deg(16) == pytest.approx(0.001373291015625, abs=1e-15)
    # a whole-province box at zoom 18 would need millions of cells: the side grows to keep <= MAX_GRID_CELLS
    box = (118.0, 27.0, 123.0, 31.2)
    s = grid_size_deg(18, box)
    assert s == pytest.approx(math.sqrt(5.0 * 4.2 / MAX_GRID_CELLS), rel=1e-12)
    assert (box[2] - box[0]) * (box[3] - box[1]) / s**2 <= MAX_GRID_CELLS * (1 + 1e-9)
    with pytest.raises(ValueError, match="zoom 23"):
        grid_size_deg(23)


def test_clusters_match_the_same_grid_computed_in_python(users):
    """Exact: every site of the box falls in the database cluster that floor((lon+180)/s), floor((lat+90)/s) names,
    with the same count per state, centroid (to 1e-9°) and bbox — on SQLite and on PostgreSQL."""
    sites = Site.objects.restrict(users["office"])
    result = map_features(sites, cells=Cell.objects.all(), zoom=10, bbox=JIAXING)
    assert result.mode == "clusters"
    s = result.grid_deg
    assert s == pytest.approx(grid_size_deg(10), abs=1e-15)
    expected: dict[str, list] = {}
    for lon, lat, state in _in_box(sites, JIAXING).values_list("lon", "lat", "state"):
        key = f"g{math.floor((lon + 180.0) / s)}:{math.floor((lat + 90.0) / s)}"
        expected.setdefault(key, []).append((lon, lat, state))
    got = {f["id"]: f for f in result.features}
    assert set(got) == set(expected)
    for key, members in expected.items():
        p = got[key]["properties"]
        assert p["count"] == len(members)
        assert p["states"] == dict(Counter(m[2] for m in members))
        lon, lat = got[key]["geometry"]["coordinates"]
        assert lon == pytest.approx(sum(m[0] for m in members) / len(members), abs=1e-6)  # rounded to 1e-6°
        assert lat == pytest.approx(sum(m[1] for m in members) / len(members), abs=1e-6)
        assert p["bbox"] == pytest.approx([min(m[0] for m in members), min(m[1] for m in members),
                                           max(m[0] for m in members), max(m[1] for m in members)], abs=1e-6)


# --- HTTP: modes, totals, filters ------------------------------------------------------------------------------------

def test_whole_city_at_low_zoom_is_clustered_and_the_counts_add_up(client_for, users):
    r = _get(client_for("office"), bbox=JIAXING_TEXT, zoom=9)
    assert r.status_code == 200, r.content
    data = r.json()
    n_sites = _in_box(Site.objects.all(), JIAXING).count()
    assert n_sites > MAX_SITES  # the demo scenario has ~7,000 sites
    assert data["mode"] == "clusters"
    assert data["total"] == n_sites  # exact
    assert sum(f["properties"]["count"] for f in data["features"]) == n_sites  # exact
    assert 5 <= len(data["features"]) <= 200  # ~1.6° x 1.3° in 0.176° cells: at most 10 x 8 = 80
    for f in data["features"]:
        assert sum(f["properties"]["states"].values()) == f["properties"]["count"]  # exact


def test_streets_at_high_zoom_return_individual_sites_with_their_cells(client_for):
    site = Site.objects.filter(cells__isnull=False, state="on_air").order_by("code").first()
    box = (site.lon - 0.004, site.lat - 0.003, site.lon + 0.004, site.lat + 0.003)
    r = _get(client_for("office"), bbox=",".join(map(str, box)), zoom=16)
    data = r.json()
    assert data["mode"] == "sites"
    expected = set(_in_box(Site.objects.all(), box).values_list("code", flat=True))
    assert {f["id"] for f in data["features"]} == expected and data["total"] == len(expected)
    p = next(f for f in data["features"] if f["id"] == site.code)["properties"]
    cells = Cell.objects.filter(site=site)
    assert p["cells"]["count"] == cells.count()  # exact
    assert p["cells"]["bands"] == sorted(set(cells.values_list("band", flat=True)))
    assert p["state"] == "on_air" and p["colour"] == "green"
    assert p["owner"] == site.owner.code and data["organizations"][site.owner.code] == str(site.owner)
    for operator in {c.operator for c in cells.select_related("operator")}:
        assert operator.code in p["cells"]["operators"]
        assert data["organizations"][operator.code] == str(operator)
    lon, lat = next(f for f in data["features"] if f["id"] == site.code)["geometry"]["coordinates"]
    assert (lon, lat) == (pytest.approx(site.lon, abs=1e-6), pytest.approx(site.lat, abs=1e-6))  # rounded to 1e-6°


def test_the_map_uses_the_list_filters(client_for, users):
    params = {"operator": "jx-telecom", "band": "n78", "state": "on_air", "bbox": JIAXING_TEXT}
    expected = filter_sites_full(Site.objects.restrict(users["office"]), params).count()
    assert 0 < expected < Site.objects.count()
    data = _get(client_for("office"), zoom=9, **params).json()
    # the operator and band filters join the cells: the clusters must count each site once
    assert data["total"] == expected
    assert sum(f["properties"]["count"] for f in data["features"]) == expected
    region = _get(client_for("office"), zoom=9, region="330402", bbox=JIAXING_TEXT).json()
    assert region["total"] == _in_box(Site.objects.filter(region_id="330402"), JIAXING).count()


def test_few_sites_in_a_large_box_are_shown_individually(client_for):
    data = _get(client_for("office"), bbox=JIAXING_TEXT, zoom=9, state="relocating").json()
    n = Site.objects.filter(state="relocating").count()
    assert 0 < n <= MAX_SITES
    assert data["mode"] == "sites" and data["total"] == n == len(data["features"])
    assert all(f["properties"]["state"] == "relocating" for f in data["features"])


def test_many_sites_never_ship_individually(users):
    sites = Site.objects.restrict(users["office"])
    result = map_features(sites, cells=Cell.objects.all(), zoom=18, bbox=JIAXING, max_sites=50)
    assert result.mode == "clusters"
    assert len(result.features) <= MAX_GRID_CELLS
    assert result.total == _in_box(sites, JIAXING).count()


# --- access ----------------------------------------------------------------------------------------------------------

def test_operator_sees_only_its_own_or_shared_sites(client_for, users):
    mobile = users["mobile"]
    own = Site.objects.restrict(mobile)
    clustered = _get(client_for("mobile"), bbox=JIAXING_TEXT, zoom=9).json()
    assert clustered["total"] == _in_box(own, JIAXING).count()
    assert 0 < clustered["total"] < _in_box(Site.objects.all(), JIAXING).count()
    # zoom into a street with sites of other operators: none of them comes back
    foreign = Site.objects.exclude(pk__in=own.values("pk")).filter(state="on_air").order_by("code").first()
    box = (foreign.lon - 0.01, foreign.lat - 0.008, foreign.lon + 0.01, foreign.lat + 0.008)
    data = _get(client_for("mobile"), bbox=",".join(map(str, box)), zoom=15).json()
    assert data["mode"] == "sites"
    allowed = set(_in_box(own, box).values_list("code", flat=True))
    codes = {f["id"] for f in data["features"]}
    assert codes == allowed and foreign.code not in codes
    # a shared site summarises only the cells the operator may see
    for f in data["features"]:
        visible = Cell.objects.restrict(mobile).filter(site__code=f["id"])
        assert f["properties"]["cells"]["count"] == visible.count()
        assert f["properties"]["cells"]["bands"] == sorted(set(visible.values_list("band", flat=True)))


def test_anonymous_gets_an_empty_map_not_an_error(client):
    r = _get(client, bbox=JIAXING_TEXT, zoom=9)
    assert r.status_code == 200
    assert r.json()["total"] == 0 and r.json()["features"] == []


def test_bad_input_is_a_422_naming_the_problem(client_for):
    c = client_for("office")
    r = _get(c, bbox="120,30,119", zoom=9)
    assert r.status_code == 422 and "bbox" in r.json()["detail"]
    r = _get(c, bbox="121,30,120,31", zoom=9)
    assert r.status_code == 422 and "not a valid WGS-84 box" in r.json()["detail"]
    r = _get(c, bbox=JIAXING_TEXT, zoom=9, state="flying")
    assert r.status_code == 422 and "state" in r.json()["detail"]
    assert _get(c, bbox=JIAXING_TEXT, zoom=30).status_code == 422


# --- the page --------------------------------------------------------------------------------------------------------

def test_map_page_uses_local_leaflet_and_the_list_filters(client_for, client):
    r = client_for("office").get("/sites/map/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="site-map"' in html and 'id="registry-filters"' in html
    assert "vendor/leaflet/leaflet.js" in html and 'data-map="site-registry"' in html and "js/maps.js" in html
    from django.contrib.staticfiles import finders

    with open(finders.find("rollout5g/js/maps.js"), encoding="utf-8") as fh:
        assert "/api/sites/map" in fh.read()
    assert "https://" not in html.split("<main>", 1)[1]  # no CDN, no tile server
    assert 'name="band"' in html and 'value="n78"' in html and 'value="jx-mobile"' in html
    assert client.get("/sites/map/").status_code == 302  # login required
