"""Fixtures of the facility-security tests: the cyberspace office and the communications administration get one
account each (the police account is a reference account); registry sites of mobile and telecom; a facility of
mobile and an event at it."""

import pytest

from rollout5g.accounts.choices import Role
from rollout5g.organizations.models import Organization
from tests.factories import SiteFactory


@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def users(db, make_user, org):
    from rollout5g.accounts.models import User

    make_user("cac", role=Role.DEPARTMENT, organization=org("zj-cac"))
    make_user("ca", role=Role.DEPARTMENT, organization=org("zj-ca"))
    return {u.username: u for u in User.objects.select_related("organization")}


@pytest.fixture
def sites(db, org):
    tower, mobile, telecom = org("jx-tower"), org("jx-mobile"), org("jx-telecom")
    return {
        "mobile": SiteFactory(code="S-SEC-1", owner=tower, operators=[tower, mobile]),
        "telecom": SiteFactory(code="S-SEC-2", owner=tower, operators=[tower, telecom]),
    }


@pytest.fixture
def facility(users, sites):
    """A level-2 site facility of mobile at S-SEC-1, registered today (2026-11-16)."""
    from rollout5g.safeguard import services

    def make(**kwargs):
        data = {"actor": users["mobile"], "name": "移动 枢纽站", "kind": "site", "criticality": "2",
                "site": sites["mobile"], "protection": "门禁、视频监控"}
        data.update(kwargs)
        return services.facility_register(**data)

    return make


@pytest.fixture
def event(users, facility):
    """A serious intrusion detected today at a facility of mobile (by mobile)."""
    from rollout5g.safeguard import services

    def make(at=None, **kwargs):
        data = {"actor": users["mobile"], "facility": at or facility(), "title": "核心网异常登录",
                "description": "管理面出现境外IP登录尝试", "source": "monitoring", "category": "intrusion",
                "severity": "serious"}
        data.update(kwargs)
        return services.event_detect(**data)

    return make
