"""Fixtures of the construction-project tests: a project registered by the developer 嘉城集团 (a resource owner)
in a county of the home city, reviewed by the planning (自然资源和规划局) and the construction (建设局) departments,
its sites reserved for the tower company."""

import pytest

from rollout5g.organizations.models import Organization
from rollout5g.regions.models import Region
from tests.factories import NANHU


@pytest.fixture
def users(db):
    from rollout5g.accounts.models import User

    return {u.username: u for u in User.objects.select_related("organization")}


@pytest.fixture
def org():
    return lambda code: Organization.objects.get(code=code)


@pytest.fixture
def register(db, users, org):
    """Register a housing project of ``size`` m² (as the developer unless ``actor`` is given)."""
    from rollout5g.construction import services

    def make(size="85000", kind="housing", actor=None, **kw):
        values = dict(name="南湖新区安置房", kind=kind, region=Region.objects.get(adcode="330402"), size=size,
                      lon=NANHU[0], lat=NANHU[1], planning_department=org("jx-nrp"),
                      construction_department=org("jx-housing"), operator=org("jx-tower"), address="测试路1号")
        values.update(kw)
        return services.project_register(actor=actor or users["owner"], **values)

    return make


def reserved_sites(n):
    """``n`` reserved sites on the project's roofs (a few hundred metres apart, inside the county)."""
    return [{"name": f"{i + 1}号楼屋面", "lon": NANHU[0] + 0.001 * i, "lat": NANHU[1]} for i in range(n)]


@pytest.fixture
def designed(register, users):
    """A registered housing project of 85,000 m² whose design reserves exactly what the guideline requires."""
    from rollout5g.construction import services

    def make(**kw):
        project = register(**kw)
        req = project.facilities("required")
        return services.project_design(actor=users["owner"], project=project, sites=reserved_sites(req["sites"]),
                                       facilities={k: v for k, v in req.items() if k != "sites"})

    return make
