"""The registry: the scenario's counts, lifecycle transitions with audit, the base-station indicator computed from
the registry, and who sees what (through HTTP)."""

import datetime as dt
import re

import pytest
from django.utils import translation

from rollout5g.audit.models import AuditEvent
from rollout5g.audit.services import verify_chain
from rollout5g.platform.workflow import ActionUnavailable
from rollout5g.policy.indicators import observe
from rollout5g.policy.models import Indicator
from rollout5g.regions.models import Region
from rollout5g.sites import services
from rollout5g.sites.models import Cell, PlannedSite, Site
from rollout5g.sites.selectors import on_air_base_stations, on_air_base_stations_by_region
from rollout5g.sites.views import batch_label

pytestmark = pytest.mark.django_db
JIAXING = "330400"
END_2021 = dt.date(2021, 12, 31)


def test_demo_scenario_exceeds_the_targets_in_all_seven_counties():
    jiaxing = Region.objects.get(pk=JIAXING)
    assert on_air_base_stations(region=jiaxing, as_of=dt.date(2019, 12, 31)) > 1000
    assert on_air_base_stations(region=jiaxing, as_of=dt.date(2020, 12, 31)) > 4000
    assert on_air_base_stations(region=jiaxing, as_of=END_2021) > 8000
    by_county = on_air_base_stations_by_region(as_of=END_2021, parent=jiaxing)
    assert len(by_county) == 7 and all(n > 300 for n in by_county.values())
    assert sum(by_county.values()) == on_air_base_stations(region=jiaxing, as_of=END_2021)


def test_indicator_actual_comes_from_the_registry_and_follows_a_state_change(users):
    indicator = Indicator.objects.get(source="registry.on_air_base_stations")
    jiaxing = Region.objects.get(pk=JIAXING)
    before = observe(indicator, jiaxing, END_2021)
    assert before.source == "computed: registry.on_air_base_stations"
    # retire one on-air site that carries NR cells of two operators: the figure drops by its base stations
    site = (Site.objects.filter(state="on_air", on_air_date__lt=END_2021).order_by("code").first())
    stations = Cell.objects.filter(site=site).values("operator").distinct().count()
    services.site_transition(actor=users["office"], site=site, to_state="retired", on=dt.date(2021, 6, 1),
                             note="demolished")
    after = observe(indicator, jiaxing, END_2021)
    assert before.value - after.value == stations >= 1
    # the overview page shows the registry figure
    assert after.value == on_air_base_stations(region=jiaxing, as_of=END_2021)


def test_lifecycle_transitions_are_checked_and_audited(users):
    site = Site.objects.filter(state="planned").first() or Site.objects.filter(state="approved").first()
    start = site.state
    with pytest.raises(ActionUnavailable, match=str(Site.access_policy.actions["on_air"].label)):
        services.site_transition(actor=users["office"], site=site, to_state="on_air")
    path = {"planned": ["applied", "approved", "building", "on_air"], "approved": ["building", "on_air"]}[start]
    for state in path:
        site = services.site_transition(actor=users["office"], site=site, to_state=state, on=dt.date(2026, 1, 5))
    assert site.state == "on_air" and site.on_air_date == dt.date(2026, 1, 5)
    events = AuditEvent.objects.filter(object_type="sites.site", object_id=str(site.pk), action="transition")
    assert [e.after["state"] for e in events] == path
    assert events.last().actor == users["office"]
    assert verify_chain().ok
    with pytest.raises(services.TransitionError, match="flying"):
        services.site_transition(actor=users["office"], site=site, to_state="flying")


def test_operator_sees_only_its_own_cells_through_pages_and_api(client_for, users):
    mobile = client_for("mobile")
    api = mobile.get("/api/sites/cells?band=n78").json()
    # China Mobile builds no n78 in the scenario; Telecom/Unicom's shared n78 cells are not Mobile's
    assert api["count"] == 0
    cells = mobile.get("/api/sites/cells").json()
    assert cells["count"] > 0 and {c["operator"] for c in cells["items"]} <= {"jx-mobile"}
    telecom_cell = Cell.objects.filter(operator__code="jx-telecom").first()
    assert mobile.get(f"/api/sites/cells/{telecom_cell.cell_id}").status_code == 404
    page = mobile.get("/sites/cells/?band=n78").content.decode()
    assert telecom_cell.cell_id not in page
    # a site only Telecom uses is invisible to Mobile, page and API
    telecom_only = Site.objects.exclude(operators__code="jx-mobile").exclude(owner__code="jx-mobile").filter(
        operators__code="jx-telecom").first()
    assert mobile.get(f"/sites/{telecom_only.code}/").status_code == 404
    assert mobile.get(f"/api/sites/{telecom_only.code}").status_code == 404
    assert client_for("telecom").get(f"/api/sites/{telecom_only.code}").status_code == 200


def test_shared_n78_cells_are_visible_to_both_co_building_operators(client_for):
    shared = Cell.objects.filter(band="n78", shared_operators__isnull=False).select_related("operator").first()
    partner = shared.shared_operators.first()
    username = {"jx-telecom": "telecom", "jx-unicom": "unicom"}[partner.code]
    assert client_for(username).get(f"/api/sites/cells/{shared.cell_id}").status_code == 200


@pytest.mark.clause("zj", "3", level="partial")
def test_unpublished_plans_are_private_to_their_planner(client_for, client, users):
    tower_plan = PlannedSite.objects.filter(published=False, organization__code="jx-tower").first()
    published = PlannedSite.objects.filter(published=True).first()
    def codes(c, plan=tower_plan):
        found, offset = set(), 0
        while True:  # every page (limit is at most 1000)
            url = f"/api/sites/plan?year={plan.planned_year}&region={plan.region_id}&limit=1000&offset={offset}"
            page = c.get(url).json()
            found |= {p["code"] for p in page["items"]}
            offset += 1000
            if offset >= page["count"]:
                return found

    assert published.code in codes(client, published)
    assert tower_plan.code not in codes(client)
    assert tower_plan.code not in codes(client_for("mobile"))
    assert tower_plan.code in codes(client_for("tower"))
    assert tower_plan.code in codes(client_for("office"))


def test_operator_cannot_change_another_operators_site(client_for):
    telecom_only = Site.objects.exclude(operators__code="jx-mobile").exclude(owner__code="jx-mobile").filter(
        operators__code="jx-telecom", state="on_air").first()
    response = client_for("mobile").post(f"/api/sites/{telecom_only.code}/transition", {"to_state": "relocating"},
                                         content_type="application/json")
    assert response.status_code == 404
    assert Site.objects.get(pk=telecom_only.pk).state == "on_air"


def test_department_reviewer_sees_all_sites_but_cannot_change_them(client_for):
    site = Site.objects.filter(state="on_air").first()
    planning = client_for("planning")
    assert planning.get(f"/api/sites/{site.code}").status_code == 200
    response = planning.post(f"/api/sites/{site.code}/transition", {"to_state": "relocating"},
                             content_type="application/json")
    assert response.status_code == 403
    assert Site.objects.get(pk=site.pk).state == "on_air"


def test_anonymous_gets_nothing_private(client):
    assert client.get("/api/sites/").status_code == 401
    assert client.get("/sites/list/").status_code == 302
    assert client.get("/api/sites/key-areas").json()["features"]  # key areas are public


def test_bad_filter_is_a_clear_422(client_for):
    response = client_for("office").get("/api/sites/?bbox=1,2,3")
    assert response.status_code == 422 and "bbox" in response.json()["detail"]


def test_pages_render(client_for):
    office = client_for("office")
    for url in ("/sites/", "/sites/list/?region=330402&state=on_air", "/sites/cells/?band=n41", "/sites/plan/",
                "/sites/key-areas/"):
        assert office.get(url).status_code == 200, url
    site = Site.objects.filter(state="on_air").first()
    page = office.get(f"/sites/{site.code}/").content.decode()
    assert site.code in page
    # the history reads as sentences and starts with the import, by the system (not its internal label)
    history = page.split('id="site-history"', 1)[1].split("</table>", 1)[0]
    first = re.search(r"<tr data-seq=.*?</tr>", history, re.S).group(0)
    with translation.override("zh-hans"):
        assert batch_label(site.import_batch) in first
    assert "system:scenario" not in page and "{'" not in history


def test_operator_and_band_filters_mean_that_operators_cells_on_that_band(users):
    from rollout5g.sites.filters import filter_sites_full

    office_sites = Site.objects.restrict(users["office"])
    # China Mobile builds no n78; sites it merely shares with Telecom's n78 do not count as Mobile n78 sites
    assert filter_sites_full(office_sites, {"operator": "jx-mobile", "band": "n78"}).count() == 0
    telecom_n78 = filter_sites_full(office_sites, {"operator": "jx-telecom", "band": "n78"})
    assert telecom_n78.count() == Cell.objects.filter(band="n78").filter(
        operator__code="jx-telecom").values("site").distinct().count() + Cell.objects.filter(band="n78").filter(
        shared_operators__code="jx-telecom").exclude(operator__code="jx-telecom").exclude(
        site__in=Cell.objects.filter(band="n78", operator__code="jx-telecom").values("site")).values(
        "site").distinct().count()
    # operator alone: every site it owns, shares or has cells on
    mobile_any = set(filter_sites_full(office_sites, {"operator": "jx-mobile"}).values_list("pk", flat=True))
    shared = set(Site.objects.filter(operators__code="jx-mobile").values_list("pk", flat=True))
    with_cells = set(Cell.objects.filter(operator__code="jx-mobile").values_list("site_id", flat=True))
    assert mobile_any == shared | with_cells | set(Site.objects.filter(owner__code="jx-mobile").values_list("pk", flat=True))
