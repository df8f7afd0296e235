"""Adding a special-plan entry and a planned site: county from the location, generated codes, who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rollout5g.audit.services import history_for
from rollout5g.sites.models import Site
from rollout5g.sites.services import planned_site_create, site_create

pytestmark = pytest.mark.django_db

NANHU = (120.7555, 30.7469)  # 南湖区, central Jiaxing


@pytest.mark.clause("zj", "3", level="partial")
@pytest.mark.clause("jx", "二(一)1", level="partial")
def test_planned_site_gets_its_county_and_a_code(users):
    mobile = users["mobile"]
    plan = planned_site_create(actor=mobile, organization=mobile.organization, lon=NANHU[0], lat=NANHU[1],
                               planned_year=2026, site_type="smart_pole", name="南湖 智慧杆")
    assert plan.region.name == "南湖区" and plan.code.startswith("P-330402-2026-")
    assert not plan.published and history_for(plan)[0].action == "create"
    second = planned_site_create(actor=mobile, organization=mobile.organization, lon=NANHU[0], lat=NANHU[1],
                                 planned_year=2026, site_type="smart_pole")
    assert second.code != plan.code


def test_operator_cannot_plan_for_another_operator(users):
    with pytest.raises(PermissionDenied):
        planned_site_create(actor=users["mobile"], organization=users["telecom"].organization, lon=NANHU[0],
                            lat=NANHU[1], planned_year=2026, site_type="rooftop")


def test_point_outside_the_counties_is_refused(users):
    with pytest.raises(ValidationError, match="not inside any loaded county"):
        site_create(actor=users["office"], owner=users["tower"].organization, name="far away", lon=100.0, lat=20.0,
                    site_type="macro_tower")


def test_site_create_registers_a_planned_site(users):
    tower = users["tower"]
    site = site_create(actor=tower, owner=tower.organization, name="新建铁塔", lon=NANHU[0], lat=NANHU[1],
                       site_type="macro_tower", operators=[users["mobile"].organization], height_m=35)
    assert site.state == "planned" and site.region.name == "南湖区" and site.code.startswith("S-330402-")
    assert set(site.operators.values_list("code", flat=True)) == {"jx-mobile"}
    assert Site.objects.restrict(users["mobile"], "view").filter(pk=site.pk).exists()
    assert not Site.objects.restrict(users["telecom"], "view").filter(pk=site.pk).exists()
