"""EMF compliance on the site page: hand-computed distance, and a sensitive area within it is named."""

import math

import pytest

from rollout5g.sites.models import Cell, KeyArea, Site
from rollout5g.sites.selectors import emf_for_site

pytestmark = pytest.mark.django_db


def test_main_beam_distance_matches_the_hand_computation():
    cell = Cell.objects.filter(band="n78", total_power_w__isnull=False).select_related("site").first()
    # GB 8702-2014: f/7500 W/m² for 3–15 GHz; one project gets 1/5 of it (HJ/T 10.3-1996)
    s_lim = 0.2 * cell.freq_mhz / 7500
    expected = math.sqrt(cell.total_power_w * 10 ** (cell.gain_dbi / 10) / (4 * math.pi * s_lim))
    emf = emf_for_site(cell.site, [cell])
    (row,) = emf["cells"]
    assert row["limit_w_m2"] == pytest.approx(s_lim, rel=1e-12)
    assert row["main_beam_m"] == pytest.approx(expected, rel=1e-9)
    # e.g. 200 W, 17 dBi, 3,500 MHz: sqrt(200·50.1/(4π·0.0933)) ≈ 92 m
    assert 20 < row["main_beam_m"] < 200
    assert 0 < row["below_max_m"] < row["main_beam_m"]


def test_a_school_inside_the_zone_is_listed_and_one_far_away_is_not():
    site = Site.objects.filter(cells__total_power_w__isnull=False).distinct().first()
    d = 0.0003  # about 30 m
    near = [[site.lon + d, site.lat + d], [site.lon + 2 * d, site.lat + d], [site.lon + 2 * d, site.lat + 2 * d],
            [site.lon + d, site.lat + d]]
    far = [[site.lon + 0.05, site.lat], [site.lon + 0.051, site.lat], [site.lon + 0.051, site.lat + 0.001],
           [site.lon + 0.05, site.lat]]
    KeyArea.objects.create(name="测试小学", category="school", region=site.region,
                           geometry={"type": "Polygon", "coordinates": [near]})
    KeyArea.objects.create(name="远处医院", category="hospital", region=site.region,
                           geometry={"type": "Polygon", "coordinates": [far]})
    emf = emf_for_site(site, site.cells.all())
    names = [s["area"].name for s in emf["sensitive"]]
    assert "测试小学" in names and "远处医院" not in names
    near_entry = next(s for s in emf["sensitive"] if s["area"].name == "测试小学")
    assert 30 < near_entry["distance_m"] < 60  # ~0.0003° east and north of the site


def test_site_page_shows_the_emf_table(client_for):
    site = Site.objects.filter(state="on_air", owner__code="jx-tower").first()
    page = client_for("office").get(f"/sites/{site.code}/").content.decode()
    assert 'id="emf-table"' in page and "W/m²" in page
