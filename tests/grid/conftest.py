"""Fixtures of the power-supply tests: registry sites of the tower company shared by the operators, the power
company (kind utility) and its account ``power``, the market regulator's account ``market``, and a provincial
reference price of 0.7000 CNY/kWh (invented for the tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rollout5g.organizations.models import Organization
from rollout5g.regions.models import Region
from rollout5g.sites.choices import PowerSupply
from tests.factories import SiteFactory


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def sites(db, org):
    """Four on-air tower sites: s1 shared by mobile and telecom, s2 by mobile, s3 and s4 (another county) by none;
    s1–s3 on transfer supply."""
    tower, mobile, telecom = org("jx-tower"), org("jx-mobile"), org("jx-telecom")
    return {
        "s1": SiteFactory(code="S-GRID-1", owner=tower, operators=[tower, mobile, telecom],
                          power_supply=PowerSupply.TRANSFER),
        "s2": SiteFactory(code="S-GRID-2", owner=tower, operators=[tower, mobile], power_supply=PowerSupply.TRANSFER),
        "s3": SiteFactory(code="S-GRID-3", owner=tower, operators=[tower], power_supply=PowerSupply.TRANSFER),
        "s4": SiteFactory(code="S-GRID-4", owner=tower, operators=[tower],
                          region=Region.objects.get(adcode="330411")),
    }


@pytest.fixture
def reference(db, users):
    from rollout5g.grid import services

    return services.reference_price_create(actor=users["office"], name="一般工商业转售标准（测试）",
                                           price_per_kwh=Decimal("0.7000"), valid_from=dt.date(2026, 1, 1))
