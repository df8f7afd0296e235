"""Pages that list "districts" offer the user's own (issue 15, item 1): in a province deployment a Huzhou user's filters
and forms list Huzhou's counties and a Jiaxing user's Jiaxing's, not the eleven cities; the province's units get the
cities; a single-city deployment offers the city's counties to everyone, as before."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rollout5g.accounts.choices import Role
from rollout5g.regions.models import Region
from tests.factories import OrganizationFactory, organization

pytestmark = pytest.mark.django_db

PROVINCE, JIAXING, HUZHOU = "330000", "330400", "330500"

#: (url, the select's name, role of the user who opens it)
PAGES = [
    ("/sites/list/", "region", "office"),
    ("/sites/cells/", "region", "office"),
    ("/sites/plan/", "region", "office"),
    ("/cases/", "county", "office"),
    ("/cases/power/", "county", "office"),
    ("/construction/", "county", "office"),
    ("/construction/new/", "region", "office"),
    ("/poles/batches/new/", "region", "office"),
    ("/poles/consolidations/new/", "region", "office"),
    ("/poles/communities/new/", "region", "office"),
    ("/safeguard/facilities/new/", "region", "mobile"),
]


def _children(adcode: str) -> set[str]:
    return set(Region.objects.filter(parent_id=adcode).values_list("adcode", flat=True))


def _options(html: str, name: str) -> set[str]:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return {v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v}


@pytest.fixture
def people(users, make_user):
    hz_dei = OrganizationFactory(code="hz-dei", name="湖州市经济和信息化局", short_name="湖州市经信局",
                                 kind="government_department", region_id=HUZHOU)
    hz_mobile = OrganizationFactory(code="hz-mobile", name="中国移动通信集团浙江有限公司湖州分公司",
                                    short_name="湖州移动", kind="operator", region_id=HUZHOU,
                                    parent=organization("zj-mobile"))
    return {
        JIAXING: {"office": users["office"], "mobile": users["mobile"]},
        HUZHOU: {"office": make_user("hz-office", Role.PROGRAM_OFFICE, hz_dei),
                 "mobile": make_user("hz-mobile", Role.OPERATOR, hz_mobile)},
        PROVINCE: {"office": make_user("zj-office", Role.PROGRAM_OFFICE, organization("zj-dei")),
                   "mobile": make_user("zj-mobile-user", Role.OPERATOR, organization("zj-mobile"))},
    }


def _page(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, user.username, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("url, name, role", PAGES)
def test_a_city_user_in_a_province_is_offered_their_citys_counties(settings, people, url, name, role):
    settings.ROLLOUT5G_HOME = {"region": PROVINCE}
    for city in (JIAXING, HUZHOU):
        assert _options(_page(people[city][role], url), name) == _children(city), (url, city)
    assert _options(_page(people[PROVINCE][role], url), name) == _children(PROVINCE), url  # the cities


@pytest.mark.parametrize("url, name, role", PAGES)
def test_a_single_city_deployment_offers_its_counties_as_before(people, url, name, role):
    assert _options(_page(people[JIAXING][role], url), name) == _children(JIAXING), url
