"""The synthetic EMF demo records: through the services, marked synthetic, loaded once."""

import pytest

from rollout5g.emf.demo import load_demo
from rollout5g.emf.models import MeasurementRequest, MonitoringResult, SciencePost, SitePage
from tests.factories import CellFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_the_demo_loads_every_state_once(site, bare_site):
    CellFactory(site=SiteFactory(code="S-EMF-3"), total_power_w=120.0)
    lines = load_demo()
    assert lines == ["EMF information: 2 site pages (1 published), 2 measurements, 3 science articles, "
                     "3 measurement requests (synthetic)"]
    assert set(SitePage.objects.values_list("state", flat=True)) == {"published", "draft"}  # not the bare site
    assert all(p.is_synthetic for p in SitePage.objects.all())
    assert MonitoringResult.objects.filter(is_synthetic=True).count() == 2
    assert set(SciencePost.objects.values_list("state", flat=True)) == {"published", "draft"}
    assert set(MeasurementRequest.objects.values_list("state", flat=True)) == {"answered", "scheduled", "received"}
    assert load_demo() == ["EMF information: already loaded"]
