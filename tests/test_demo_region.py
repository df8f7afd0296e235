"""`rollout5g demo --region <adcode>`: another city of the boundaries loads with its own synthetic scenario and no
code change (issue 14 item 5). In-process, on the smallest scenario size, rolled back at the end."""

import pytest

from tests.conftest import DEMO_PASSWORD, rolled_back

# pytest-django creates the test database only for a session that has a test marked for it
pytestmark = pytest.mark.django_db

ZHOUSHAN = "330900"  # 4 counties: the smallest city of the shipped boundaries


@pytest.fixture(scope="module")
def other_city(django_db_setup, django_db_blocker):
    from django.test import override_settings

    from rollout5g.demo import load_demo

    with rolled_back(django_db_blocker), override_settings(ROLLOUT5G_HOME={"region": ZHOUSHAN, "documents": []}):
        yield load_demo(password=DEMO_PASSWORD, region=ZHOUSHAN, size="tiny")


def test_the_registry_is_the_other_citys_synthetic_one(other_city):
    from rollout5g.sites.models import ImportBatch, Site

    sites = Site.objects.filter(is_synthetic=True)
    assert sites.exists()
    assert set(sites.values_list("region__parent_id", flat=True)) == {ZHOUSHAN}
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.source == f"synthetic scenario {ZHOUSHAN} year=2021 seed=1 size=tiny"
    # the city's own units, generated from policy/data/city_units.yaml (Zhoushan's code prefix: zs)
    owners = {s.owner for s in sites.select_related("owner")}
    assert {o.code for o in owners} <= {"zs-mobile", "zs-telecom", "zs-unicom", "zs-broadnet", "zs-tower"}
    assert all(o.region_id == ZHOUSHAN for o in owners)
    assert "中国铁塔股份有限公司舟山市分公司" in {o.name for o in owners}


def test_the_home_region_is_the_other_city(other_city):
    from rollout5g.regions.services import home_districts, home_region

    assert home_region().adcode == ZHOUSHAN
    assert {r.parent_id for r in home_districts()} == {ZHOUSHAN} and home_districts().count() == 4


def test_a_page_shows_the_other_city(other_city, client, make_user):
    from rollout5g.accounts.choices import Role
    from rollout5g.organizations.models import Organization

    # the city's own office (the suite's reference account ``office`` belongs to the default city's bureau, and a
    # user's pages follow their own city: docs/tenancy.md)
    make_user("zs-office-test", role=Role.PROGRAM_OFFICE, organization=Organization.objects.get(code="zs-dei"))
    client.login(username="zs-office-test", password=DEMO_PASSWORD)
    response = client.get("/sites/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "定海区" in body  # a county of the other city in the filters
    assert "南湖区" not in body
    assert client.get("/regions/").context["focus"] == ZHOUSHAN


def test_write_home_is_kept_for_serve(tmp_path, settings):
    """`demo --region X` writes the data directory's home.json; a later process on that directory reads X."""
    from rollout5g.platform import home

    settings.ROLLOUT5G_HOME = {"region": "", "documents": []}
    settings.DATA_DIR = tmp_path
    home.write_home(tmp_path, region=ZHOUSHAN)
    assert home.home_adcode() == ZHOUSHAN and home.home().source.endswith("home.json")
    settings.ROLLOUT5G_HOME = {"region": "330100", "documents": []}  # the environment wins over the file
    assert home.home_adcode() == "330100"
