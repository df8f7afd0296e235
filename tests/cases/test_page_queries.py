"""The case pages cost a bounded number of queries with more cases than a page holds, and never read the
boundaries of the sites' counties (two GeoJSON documents each: most of the pages' time before)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollout5g.cases.models import IncidentCase, PowerCase, RelocationCase
from rollout5g.policy import cache
from tests.conftest import world

pytestmark = pytest.mark.django_db

world_records = world("registry", "cases", scope="module")
COPIES = 60


@pytest.fixture
def many_cases(db):
    for model in (PowerCase, IncidentCase, RelocationCase):
        source = model.objects.filter(site__isnull=False).first()
        for n in range(COPIES):
            case = model.objects.get(pk=source.pk)
            case.pk = case.id = None
            case._state.adding = True
            case.number = f"{source.number}-T{n:03d}"
            case.save()


@pytest.mark.parametrize("path", ["/cases/", "/cases/power/", "/cases/relocation/", "/cases/incident/"])
def test_the_case_pages_cost_few_queries_and_no_boundaries(many_cases, client_for, path,
                                                           django_assert_max_num_queries):
    client = client_for("office")
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as captured:
        r = client.get(path)
    assert r.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "geometry" in q["sql"]]
    body = r.content.decode()
    assert body.count("-T0") >= (15 if path == "/cases/" else 40)  # the copies are listed (a page, or 15 a family)


def test_the_case_index_reads_one_page_of_each_family_and_counts_the_overdue_in_sql(
        many_cases, client_for, django_assert_max_num_queries):
    """/cases/: per family the 16 newest rows (15 shown, one more tells there are more), the counts by state, and the
    open cases' clock columns only for the overdue count; the working calendar is read once for the page."""
    client = client_for("office")
    client.get("/cases/")  # warm the per-process caches (navigation, region tree)
    cache.forget("fragment:cases.index")  # the sections are rendered again, not read from the kept part
    # 17: the 16 of the page and the data version the kept part is checked against
    with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as captured:
        r = client.get("/cases/")
    assert r.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum("workcalendar" in s for s in sql) <= 1
    assert len([s for s in sql if "LIMIT 16" in s]) == 3  # one page of each family
    # the same page again, with the data unchanged: the sections are the kept part, read without a query
    with CaptureQueriesContext(connection) as again:
        second = client.get("/cases/").content.decode()
    assert re.findall(r"-T\d{3}", second) == re.findall(r"-T\d{3}", r.content.decode())
    assert not [q for q in again.captured_queries if "LIMIT 16" in q["sql"]]
