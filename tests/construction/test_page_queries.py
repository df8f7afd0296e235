"""The project list costs the same few queries with more projects than a page holds, and never reads the
counties' boundaries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollout5g.construction.models import ConstructionProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_projects(register):
    source = register()
    for n in range(60):
        project = ConstructionProject.objects.get(pk=source.pk)
        project.pk = project.id = None
        project._state.adding = True
        project.code = f"{source.code}-T{n:03d}"
        project.save()
    return source


@pytest.mark.parametrize("path", ["/construction/", "/construction/ledger/"])
def test_the_list_and_the_ledger_cost_few_queries(many_projects, client_for, path, django_assert_max_num_queries):
    client = client_for("office")
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as captured:
        r = client.get(path)
    assert r.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "geometry" in q["sql"]]
    if path == "/construction/":
        assert r.content.decode().count(f'href="/construction/{many_projects.code}-T') == 50  # a page of 61
