"""`rollout5g demo --region 330000` (issue 15 item 6): the province with the units of every city generated from the
table, and a second city with its own synthetic deployment. Reduced here: the default city's full demo left out
(tests/demo/test_loader.py loads it), one other city on the tiny scenario, rolled back at the end."""

import pytest

from tests.conftest import DEMO_PASSWORD, rolled_back

pytestmark = pytest.mark.django_db

PROVINCE, ZHOUSHAN = "330000", "330900"


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    from django.test import override_settings

    from rollout5g.demo import load_demo

    with rolled_back(django_db_blocker), override_settings(ROLLOUT5G_HOME={"region": PROVINCE, "documents": []}):
        yield load_demo(password=DEMO_PASSWORD, region=PROVINCE, cities=(ZHOUSHAN,), size="tiny", default_city=False)


def test_every_city_has_its_units_with_their_region(province):
    from rollout5g.organizations.models import Organization
    from rollout5g.policy.directory import city_table
    from rollout5g.regions.models import Region

    cities = dict(Region.objects.filter(parent_id=PROVINCE, level="city").values_list("adcode", "name"))
    assert len(cities) == 11
    for adcode, name in cities.items():
        prefix = city_table()["cities"][adcode]["prefix"]
        dei = Organization.objects.get(code=f"{prefix}-dei")
        assert dei.region_id == adcode and dei.parent.code == f"{prefix}-gov"
        counties = set(Region.objects.filter(parent_id=adcode).values_list("adcode", flat=True))
        governments = Organization.objects.filter(kind="government", region_id__in=counties)
        assert set(governments.values_list("region_id", flat=True)) == counties
        assert Organization.objects.get(code=f"{prefix}-mobile").parent.code == "zj-mobile"
        if adcode != "330400":
            assert dei.name == f"{name}经济和信息化局"
    assert Organization.objects.get(code="jx-dei").short_name == "市经信局"  # the hand-checked entry kept


def test_collective_terms_expand_per_city(province):
    from rollout5g.organizations.models import OrganizationGroup

    def members(term, region):
        return set(OrganizationGroup.objects.get(term=term, region_id=region).members.values_list("code", flat=True))

    assert members("各通信运营商", ZHOUSHAN) == {"zs-mobile", "zs-telecom", "zs-unicom"}
    assert members("各通信运营商", "330400") == {"jx-mobile", "jx-telecom", "jx-unicom"}
    counties = members("各县（市、区）政府", ZHOUSHAN)
    assert counties == {"zs-330902-gov", "zs-330903-gov", "zs-330921-gov", "zs-330922-gov"}
    assert len(members("各县（市、区）政府", "330400")) == 7
    assert OrganizationGroup.objects.filter(term="各县（市、区）政府").count() == 11


def test_the_second_city_runs_its_own_synthetic_programme(province):
    from rollout5g.permits.models import Application
    from rollout5g.resources.models import PublicResource
    from rollout5g.sites.models import PlannedSite, Site

    sites = Site.objects.filter(region__parent_id=ZHOUSHAN)
    assert sites.filter(is_synthetic=True).exists()
    assert all("（示例）" in name for name in sites.filter(is_synthetic=False).values_list("name", flat=True))
    assert {c for c in sites.values_list("owner__code", flat=True)} <= {"zs-mobile", "zs-telecom", "zs-unicom",
                                                                         "zs-broadnet", "zs-tower"}
    assert PlannedSite.objects.filter(region__parent_id=ZHOUSHAN, is_synthetic=True).exists()
    entries = PublicResource.objects.filter(region__parent_id=ZHOUSHAN)
    assert entries.count() == 12 and not entries.filter(is_synthetic=False).exists()
    assert all(code.startswith("zs-") for code in entries.values_list("owner__code", flat=True))
    applications = Application.objects.filter(title__startswith=f"[示例 {ZHOUSHAN}]")
    assert applications.count() == 2
    assert {a.applicant.code for a in applications} == {"zs-mobile", "zs-tower"}
    assert {s.site.region.parent_id for a in applications for s in a.sites.select_related("site__region")} == {ZHOUSHAN}


def test_the_provincial_tasks_are_carried_down_to_every_city(province):
    from rollout5g.cascade.models import CityTask

    assert CityTask.objects.values("region_id").distinct().count() == 11
    zhoushan = CityTask.objects.filter(region_id=ZHOUSHAN)
    assert zhoushan.exists() and {t.organization.region_id for t in zhoushan} == {ZHOUSHAN}


def test_the_logins_of_the_province_and_the_second_city(province, client):
    by_name = {u.username: u for u in province.users}
    assert by_name["province"].organization.code == "zj-dei" and by_name["province"].role == "program_office"
    assert by_name["zs-office"].organization.code == "zs-dei" and by_name["zs-office"].role == "program_office"
    assert by_name["zs-mobile"].organization.code == "zs-mobile"
    for username in ("province", "zs-office"):
        assert client.login(username=username, password=DEMO_PASSWORD)
        assert client.get("/").status_code == 200
        client.logout()


def test_loading_again_changes_nothing(province):
    from rollout5g.demo import load_demo
    from rollout5g.organizations.models import Organization
    from rollout5g.resources.models import PublicResource
    from rollout5g.sites.models import Site

    counts = (Organization.objects.count(), Site.objects.count(), PublicResource.objects.count())
    again = load_demo(password=DEMO_PASSWORD, region=PROVINCE, cities=(ZHOUSHAN,), size="tiny", default_city=False)
    assert (Organization.objects.count(), Site.objects.count(), PublicResource.objects.count()) == counts
    assert any("0 created" in line and "organizations" in line for line in again.lines)
    # the policy documents loaded again beside every city's 各县（市、区）政府: Jiaxing's opinions keep Jiaxing's
    from rollout5g.policy.models import PolicyTask

    units = [u for t in PolicyTask.objects.filter(document__region_id="330400") for u in t.units.all()
             if u.as_written == "各县（市、区）政府"]
    assert units and {u.organization.region.parent_id for u in units} == {"330400"}
