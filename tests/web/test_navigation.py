"""The main navigation shows a page only to those its route lets in: the entry follows the route's own access
declaration (@public, @signed_in, @roles), so no role is offered a link that answers 403."""

import pytest
from django.urls import resolve, reverse

from rollout5g.platform.routes import declared_access
from rollout5g.web.context_processors import NAVIGATION

pytestmark = pytest.mark.django_db

ACCOUNTS = [None, "office", "planning", "mobile", "tower", "owner", "enterprise", "admin"]


def _nav_links(page: str) -> list[str]:
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    return [chunk.split('"', 1)[0] for chunk in nav.split('href="')[1:]]


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_navigation_link_opens_and_the_forbidden_ones_are_absent(username, client, client_for, users):
    c = client_for(username) if username else client
    links = _nav_links(c.get("/").content.decode())
    user = users.get(username)
    for name, _label in NAVIGATION:
        url = reverse(name)
        allowed = declared_access(resolve(url).func).allows(user)
        assert (url in links) == allowed, (username, url)
    for url in links:
        if url.startswith("/api/"):
            continue
        response = c.get(url)
        assert response.status_code == 200, (username, url, response.status_code)


def test_owner_and_enterprise_are_not_offered_coverage_or_facility_security(client_for):
    for username in ("owner", "enterprise"):
        links = _nav_links(client_for(username).get("/").content.decode())
        assert reverse("coverage:index") not in links and reverse("safeguard:index") not in links
        assert reverse("policy:task_list") in links and reverse("incentives:index") in links


def test_anonymous_visitors_see_only_public_pages(client):
    links = _nav_links(client.get("/").content.decode())
    assert reverse("sites:overview") not in links and reverse("program:index") not in links
    assert reverse("resources:index") in links


#: The policy task list and a document page: session and user (signed in), unread notifications, the page's tasks
#: (and their count), the units' names in one query, the filters' documents and units or the document's sections,
#: indicators with their targets and incentive clauses — whatever the number of tasks (before: one unit, organization
#: and group row built per name).
POLICY_LIST_BUDGET = 12


@pytest.mark.parametrize("url", ["/policy/tasks/", "/policy/documents/zhejiang-2020-5g-action-plan-tasks/",
                                 "/policy/documents/jiaxing-2019-5g-opinions/"])
def test_policy_task_pages_within_their_query_budget(url, client_for, django_assert_max_num_queries):
    office = client_for("office")
    assert office.get(url).status_code == 200
    with django_assert_max_num_queries(POLICY_LIST_BUDGET):
        page = office.get(url)
    assert page.status_code == 200 and 'class="pill"' in page.content.decode()  # the units are named
