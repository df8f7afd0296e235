"""Fixtures of the interference tests: two registry sites of the tower company, s1 shared by mobile and telecom."""

import pytest

from rollout5g.organizations.models import Organization
from tests.factories import SiteFactory


@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def sites(db, org):
    tower, mobile, telecom = org("jx-tower"), org("jx-mobile"), org("jx-telecom")
    return {
        "s1": SiteFactory(code="S-RADIO-1", owner=tower, operators=[tower, mobile, telecom]),
        "s2": SiteFactory(code="S-RADIO-2", owner=tower, operators=[tower, mobile]),
    }


@pytest.fixture
def report(users, sites):
    """A complaint of mobile at S-RADIO-1 in n41, reported today (2026-11-16)."""
    from rollout5g.spectrum import services

    def make(**kwargs):
        data = {"actor": users["mobile"], "band": "n41", "freq_low_mhz": "2515", "freq_high_mhz": "2615",
                "symptoms": "上行底噪抬升约15 dB，接入失败率升高", "started_on": "2026-11-10", "site": sites["s1"],
                "cell": "S-RADIO-1-n41-1"}
        data.update(kwargs)
        return services.complaint_report(**data)

    return make
