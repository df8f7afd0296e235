"""The registry's pages cost a bounded number of queries whatever the number of rows, count each site once, and
follow a change of the data although their counts are kept between requests (policy.cache: once per data version)."""

import datetime as dt

import pytest
from django.db.models import Count

from rollout5g.platform.pagination import DEFAULT_PER_PAGE
from rollout5g.sites import services
from rollout5g.sites.choices import SiteState
from rollout5g.sites.models import Cell, PlannedSite, Site

pytestmark = pytest.mark.django_db

PAGES = ["/sites/", "/sites/list/", "/sites/cells/", "/sites/plan/", "/sites/plan/?published=1"]


@pytest.mark.parametrize("username", ["office", "planning", "mobile", "owner"])
def test_registry_pages_cost_a_bounded_number_of_queries(client_for, username, django_assert_max_num_queries):
    # far more rows than a page holds: a query per row, or per county, would show here
    assert Site.objects.count() > 20 * DEFAULT_PER_PAGE and Cell.objects.count() > 20 * DEFAULT_PER_PAGE
    assert PlannedSite.objects.count() > DEFAULT_PER_PAGE
    client = client_for(username)
    for path in PAGES:
        assert client.get(path).status_code == 200  # the first request computes the cached counts
        with django_assert_max_num_queries(12):
            response = client.get(path)
        assert response.status_code == 200


def test_the_first_request_also_stays_bounded(client_for, users, django_assert_max_num_queries):
    client = client_for("office")
    # a write changes the data version: the next request recomputes the counts, still in a few queries
    site = Site.objects.filter(state=SiteState.PLANNED).order_by("code").first()
    services.site_transition(actor=users["office"], site=site, to_state=SiteState.APPLIED, on=dt.date(2026, 1, 5))
    for path in PAGES:
        with django_assert_max_num_queries(16):
            assert client.get(path).status_code == 200


def test_the_overview_counts_each_site_once_for_an_operator(client_for, users):
    operator = users["mobile"]
    visible = Site.objects.restrict(operator)
    # the access rule reaches a site through its operators (to-many) as a subquery, not a join: a shared site the
    # operator owns comes back once, so a grouped count needs no DISTINCT (it once counted it once per operator)
    grouped = sum(n for _state, n in visible.order_by().values_list("state").annotate(n=Count("id")))
    shared = Site.objects.filter(owner=operator.organization, operators__isnull=False).distinct().count()
    assert shared and grouped == visible.count() == visible.distinct().count()
    response = client_for("mobile").get("/sites/")
    by_state = {state: n for state, _label, n, _colour in response.context["by_state"]}
    for state in SiteState.values:
        assert by_state[state] == visible.filter(state=state).distinct().count()
    assert sum(by_state.values()) == visible.distinct().count()
    assert response.context["cell_count"] == Cell.objects.restrict(operator).distinct().count()


def test_the_overview_follows_a_state_change(client_for, users):
    client = client_for("office")
    before = {s: n for s, _label, n, _colour in client.get("/sites/").context["by_state"]}
    on_air_before = dict(client.get("/sites/").context["on_air_by_county"])
    site = (Site.objects.filter(state=SiteState.ON_AIR, on_air_date__lt=dt.date.today(), cells__band="n78",
                                cells__on_air_date__lt=dt.date.today()).order_by("code").first())
    services.site_transition(actor=users["office"], site=site, to_state=SiteState.RETIRED, on=dt.date(2026, 1, 5))
    response = client.get("/sites/")
    after = {s: n for s, _label, n, _colour in response.context["by_state"]}
    assert after[SiteState.ON_AIR] == before[SiteState.ON_AIR] - 1
    assert after[SiteState.RETIRED] == before[SiteState.RETIRED] + 1
    on_air_after = dict(response.context["on_air_by_county"])
    county = site.region.name
    assert on_air_after[county] < on_air_before[county]
