"""Fixtures of the case tests: on-air sites made by factories, the case routing rules loaded per test. The page
tests (test_pages.py) add the demo's cases as their world."""

import pytest

from rollout5g.organizations.models import Organization
from rollout5g.sites.choices import PowerSupply
from tests.factories import SiteFactory, organization


@pytest.fixture(autouse=True)
def case_rules(db):
    from rollout5g.cases import services

    services.ensure_rules()


@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def site_of(db):
    """A new on-air site owned (and used) by an organization, without any case yet."""

    def make(code, **fields):
        return SiteFactory(owner=organization(code), **fields)

    return make


@pytest.fixture
def transfer_site(site_of):
    return site_of("jx-mobile", power_supply=PowerSupply.TRANSFER)
