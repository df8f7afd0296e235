"""Fixtures of the EMF tests: a tower site with three n78 sectors (200 W, 17 dBi, 30 m, 6° down) and one without a
recorded power, and a site with no assessable cell."""

import pytest

from rollout5g.organizations.models import Organization
from tests.factories import CellFactory, SiteFactory


@pytest.fixture
def site(db):
    tower = Organization.objects.get(code="jx-tower")
    mobile = Organization.objects.get(code="jx-mobile")
    s = SiteFactory(code="S-EMF-1", name="测试基站 南湖一号", address="南湖路 1 号", owner=tower,
                    operators=[tower, mobile])
    for azimuth in (0, 120, 240):
        CellFactory(site=s, operator=mobile, azimuth_deg=azimuth, mechanical_tilt_deg=6.0, height_m=30.0,
                    gain_dbi=17.0, total_power_w=200.0, freq_mhz=3500.0)
    CellFactory(site=s, operator=mobile, total_power_w=None)
    return s


@pytest.fixture
def bare_site(db):
    s = SiteFactory(code="S-EMF-2", name="测试基站 无功率")
    CellFactory(site=s, total_power_w=None)
    return s


@pytest.fixture
def page(users, site):
    from rollout5g.emf import services

    return services.page_prepare(actor=users["ecology"], site=site, place="南湖路一带")


@pytest.fixture
def published(users, page):
    from rollout5g.emf import services

    return services.page_publish(actor=users["ecology"], page=page)
