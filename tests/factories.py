"""Factories of the records tests build on (factory-boy).

They write rows directly — test data, not business actions — so the services under test are the only writers that
the assertions see. Sites get their county from the reference regions (a point inside 南湖区 by default).
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from rollout5g.accounts.choices import Role
from rollout5g.organizations.models import Organization
from rollout5g.regions.models import Region
from rollout5g.sites.choices import Band, PowerSupply, SiteState, SiteType
from rollout5g.sites.models import Cell, Site

#: A point in 南湖区 (Jiaxing), WGS-84.
NANHU = (120.7530, 30.7450)


def organization(code: str) -> Organization:
    return Organization.objects.get(code=code)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-org-{n}")
    name = factory.Sequence(lambda n: f"测试单位 {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = "enterprise"
    region_id = "330400"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OPERATOR
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("test-password-1")


class SiteFactory(DjangoModelFactory):
    """An on-air macro site owned by ``owner`` and shared by ``operators`` (default: the owner)."""

    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"S-TEST-{n:05d}")
    name = factory.Sequence(lambda n: f"测试站 {n}")
    lon = factory.Sequence(lambda n: NANHU[0] + 0.002 * (n % 20))
    lat = factory.Sequence(lambda n: NANHU[1] + 0.002 * (n // 20 % 20))
    region = factory.LazyFunction(lambda: Region.objects.get(adcode="330402"))
    site_type = SiteType.MACRO_TOWER
    height_m = 30.0
    owner = factory.LazyFunction(lambda: organization("jx-tower"))
    power_supply = PowerSupply.DIRECT
    state = SiteState.ON_AIR
    on_air_date = factory.LazyFunction(lambda: __import__("datetime").date(2021, 6, 1))

    @factory.post_generation
    def operators(self, create, extracted, **kwargs):
        if create:
            self.operators.set(extracted if extracted is not None else [self.owner])


class CellFactory(DjangoModelFactory):
    """A 3.5 GHz (n78) sector of ``site`` for its first operator."""

    class Meta:
        model = Cell

    cell_id = factory.Sequence(lambda n: f"TEST-CELL-{n:06d}")
    site = factory.SubFactory(SiteFactory)
    operator = factory.LazyAttribute(lambda c: c.site.operators.first() or c.site.owner)
    band = Band.N78
    freq_mhz = 3500.0
    bandwidth_mhz = 100.0
    azimuth_deg = factory.Sequence(lambda n: (n * 120) % 360)
    height_m = 30.0
    rs_power_dbm = 15.0
