"""Registry pages without codes (issue 19 item 4): key-area targets as percentages, site types and states by
label, the coordinate system by name, dates in the Chinese form."""

import pytest

from rollout5g.platform.formats import percent
from rollout5g.sites.models import KeyArea, Site

pytestmark = pytest.mark.django_db


def test_key_area_targets_are_percentages(client_for):
    html = client_for("office").get("/sites/key-areas/").content.decode()
    area = KeyArea.objects.exclude(coverage_share_target=None).first()
    assert percent(area.coverage_share_target) in html
    assert f"≥ {area.coverage_share_target:.2f}" not in html


def test_site_page_shows_labels_not_codes(client_for):
    site = Site.objects.filter(state="on_air").exclude(on_air_date=None).first()
    html = client_for("office").get(f"/sites/{site.code}/").content.decode()
    assert f"{site.on_air_date.year}年{site.on_air_date.month}月{site.on_air_date.day}日" in html
    assert "WGS-84 (EPSG:4326)" in html  # the source coordinate system by name, not "wgs84"
    assert site.get_site_type_display() in html and f">{site.site_type}<" not in html
    assert "system:scenario" not in html
