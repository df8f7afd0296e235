import pytest
from django.db.models import Q

from rollout5g.organizations.models import Organization
from rollout5g.sites.choices import PowerSupply, SiteState
from rollout5g.sites.models import Site
from tests.conftest import world

#: The records these tests build on (see tests/conftest.py: world).
world_records = world("registry", "cases")



@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def site_of(db):
    """An on-air site owned or shared by an organization, without any case yet."""

    def pick(code, **filters):
        return (Site.objects.filter(Q(operators__code=code) | Q(owner__code=code), state=SiteState.ON_AIR,
                                    power_cases__isnull=True, relocation_cases__isnull=True, incidents__isnull=True,
                                    **filters)
                .distinct().order_by("code").first())

    return pick


@pytest.fixture
def transfer_site(site_of):
    from rollout5g.sites.services import site_update

    site = site_of("jx-mobile")
    return site_update(actor=None, site=site, power_supply=PowerSupply.TRANSFER)

