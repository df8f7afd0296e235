import pytest

from rollout5g.incentives import services
from rollout5g.organizations.models import Organization
from rollout5g.policy.models import IncentiveClause
from tests.conftest import world

#: The records these tests build on (see tests/conftest.py: world).
world_records = world("incentives")



@pytest.fixture
def upgrade(db):
    return IncentiveClause.objects.get(key="jx-5g-smart-upgrade-subsidy")


@pytest.fixture
def draft(users, upgrade):
    """A smart-upgrade draft of 佳利电子 with the issue's amounts and one invoice."""
    def make(ref="t:upgrade-1", invoice="T-0001", eq="12345678.91", it="2345678.37", user="enterprise", year=2021):
        u = users[user]
        app = services.application_create(
            actor=u, enterprise=u.organization, clause=upgrade, project_title="测试改造", project_ref=ref, year=year,
            amounts={"equipment_investment": eq, "technology_it_investment": it},
            declared={"project": "smart_upgrade_using_5g"})
        services.invoice_add(actor=u, application=app, number=invoice, issued_on="2021-01-05", amount=eq,
                             seller="测试供应商", seller_tax_id="91330400TEST0001")
        return app
    return make


@pytest.fixture
def jiali():
    return Organization.objects.get(code="demo-jiali-electronics")
