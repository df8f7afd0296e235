"""The organization pages: more organizations than a page holds cost the same few queries, and the list never
reads the regions' boundaries (two GeoJSON documents a county: reading them was most of the page's time)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollout5g.organizations.choices import OrganizationKind
from rollout5g.organizations.models import Organization
from rollout5g.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_organizations(db):
    county = Region.objects.get(adcode="330402")
    Organization.objects.bulk_create(
        Organization(code=f"test-org-{n:03d}", name=f"测试单位{n:03d}", short_name=f"测试{n:03d}",
                     kind=OrganizationKind.choices[n % len(OrganizationKind.choices)][0], region=county)
        for n in range(120))
    return county


def test_the_list_is_paginated_with_labels_and_few_queries(many_organizations, client_for,
                                                           django_assert_max_num_queries):
    client = client_for("office")
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(10):
        r = client.get("/organizations/?q=test-org")
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count('href="/organizations/test-org-') == 50  # one page of 120
    assert "Page 1 of 3" in body
    labels = {str(label) for _value, label in OrganizationKind.choices}
    assert any(f"<td>{label}</td>" in body for label in labels)  # the kind's label, not its code
    assert not any(f"<td>{value}</td>" in body for value, _label in OrganizationKind.choices)
    assert f"<td>{many_organizations.name}</td>" in body


@pytest.mark.parametrize("path", ["/organizations/", "/organizations/test-org-001/"])
def test_the_pages_never_read_region_boundaries(many_organizations, client_for, path):
    client = client_for("office")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "geometry" in q["sql"]]
