"""The home page: a few queries for every role once the indicators are computed, recomputed when their data changes,
shares as percentages and targets with their comparator, the date in the Chinese form."""

import datetime as dt
from decimal import Decimal

import pytest

from rollout5g.policy.models import Indicator
from rollout5g.program import services
from rollout5g.regions.models import Region

pytestmark = pytest.mark.django_db

#: Queries of the home page once the targets against actual values are computed: session and user (signed in),
#: documents, task counts, indicators, the data version.
HOME_BUDGET = 8


@pytest.mark.parametrize("username", [None, "office", "planning", "mobile", "owner", "enterprise"])
def test_home_page_within_its_query_budget_for_every_role(username, client, client_for,
                                                           django_assert_max_num_queries):
    c = client_for(username) if username else client
    assert c.get("/").status_code == 200
    with django_assert_max_num_queries(HOME_BUDGET):
        assert c.get("/").status_code == 200


def test_home_page_shows_a_new_value_at_once(client, users):
    c = client
    c.get("/")
    assert "1,234.5 亿元" not in c.get("/").content.decode()
    services.indicator_value_enter(actor=users["office"], indicator=Indicator.objects.get(key="jx-5g-industry-scale"),
                                   region=Region.objects.get(pk="330400"), as_of=dt.date(2021, 12, 31),
                                   value=Decimal("1234.5"), source_note="统计公报")
    assert "1,234.5 亿元" in c.get("/").content.decode()


def test_home_page_follows_a_row_written_outside_the_services(client, users):
    """A row saved without an audit event (a factory, a shell) changes this process's data version too."""
    from rollout5g.policy.models import IndicatorValue

    client.get("/")
    assert "987 亿元" not in client.get("/").content.decode()
    IndicatorValue.objects.create(indicator=Indicator.objects.get(key="jx-5g-industry-scale"),
                                  region=Region.objects.get(pk="330400"), as_of=dt.date(2021, 12, 31),
                                  value=Decimal("987"), source_note="test", entered_by=users["office"])
    assert "987 亿元" in client.get("/").content.decode()


def test_home_page_reads_targets_and_dates_as_people_do(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "≥ 95%" in page and "0.9500" not in page and "≥ 0.95" not in page
    assert "&gt; 8,000 个" in page
    assert "2026年11月16日" in page  # tests run on 2026-11-16
    assert "computed: " not in page
