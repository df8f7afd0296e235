"""Tenancy: access follows the region tree (issue 15, item 1; docs/tenancy.md).

A province deployment (home region 330000) with Jiaxing's records (the approvals, cases and supervision worlds) and
a second city, Huzhou (330500), with its own programme office, a department and an operator branch. Over HTTP:
Huzhou's units cannot read Jiaxing's unpublished plan, site, application, case or report (pages and API) nor see
them in lists; the province's programme office sees both cities; the public still sees what each city published; an
operator's provincial company sees its city branch's rows.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import Client

from rollout5g.accounts.choices import Role
from rollout5g.platform import tenancy
from rollout5g.regions.models import Region
from tests.conftest import world
from tests.factories import OrganizationFactory, SiteFactory, organization

world_records = world("registry", "approvals", "cases", "supervision", scope="module")

PROVINCE, JIAXING, HUZHOU = "330000", "330400", "330500"
NANHU, WUXING = "330402", "330502"

#: Models with an access policy that can reach a region (their own FK or an FK chain that does not pass through an
#: organization) but deliberately declare no ``region_path``, with why. Everything else that can reach a region
#: must declare one (test_every_model_chooses_its_region_path).
REGION_FREE = {
    # the boundaries themselves: public, and a region is not a record of a region
    "regions.Region": "the region tree itself (public boundaries)",
    # a pole standard is reviewed by its organization; only adding is an all-rows right, which restrict() does
    # not filter (views are public or the owner's)
    "poles.StandardDocument": "only 'add' is granted on all rows; rows are public or the owner's",
    # recognitions of a pilot, a carrier or a product: the row names no single place; public, office-maintained
    "incentives.Recognition": "names a pilot, a carrier or a product: no single region field yet",
    # a firm's or a carrier's yearly figures: public registry rows maintained by the office
    "incentives.YearlyStatistic": "a firm's or a carrier's figures: no single region field yet",
}


def _region_reachable(model, depth=0, seen=()):
    """True if ``model`` reaches regions.Region through to-one foreign keys not passing through an organization
    or a user (those are owners, not places)."""
    if depth > 4:
        return False
    for field in model._meta.concrete_fields:
        related = field.related_model if field.is_relation else None
        if related is None or related in seen or related._meta.app_label in ("organizations", "accounts"):
            continue
        if related is Region or _region_reachable(related, depth + 1, (*seen, model)):
            return True
    return False


def _policy_models():
    return [m for m in apps.get_models() if getattr(m, "access_policy", None) is not None]


def _resolve(model, path):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


@pytest.mark.django_db  # no query: the mark keeps this module's world and the reference data in one order
def test_every_model_chooses_its_region_path():
    missing, wrong, stale = [], [], []
    for model in _policy_models():
        label, path = model._meta.label, model.access_policy.region_path
        if path is not None:
            if _resolve(model, path) is not Region:
                wrong.append(f"{label}: {path}")
            if label in REGION_FREE:
                stale.append(label)
        elif _region_reachable(model) and label not in REGION_FREE:
            missing.append(label)
    assert missing == [], f"these models reach a region but declare no region_path (nor are listed as free): {missing}"
    assert wrong == [] and stale == []


@pytest.mark.django_db
def test_the_check_catches_a_model_without_its_region_path(monkeypatch):
    from dataclasses import replace

    from rollout5g.permits.models import Application

    monkeypatch.setattr(Application, "access_policy", replace(Application.access_policy, region_path=None))
    assert _region_reachable(Application.sites.rel.related_model)  # the application's sites reach the county
    from rollout5g.sites.models import Site

    monkeypatch.setattr(Site, "access_policy", replace(Site.access_policy, region_path=None))
    with pytest.raises(AssertionError, match="sites.Site"):
        test_every_model_chooses_its_region_path()


# --- the province with two cities -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def province(settings):
    settings.ROLLOUT5G_HOME = {"region": PROVINCE}


@pytest.fixture
def people(db, make_user):
    def org(code, name, kind, region, parent=None):
        return OrganizationFactory(code=code, name=name, short_name=name, kind=kind, region_id=region, parent=parent)

    hz_dei = org("hz-dei", "湖州市经济和信息化局", "government_department", HUZHOU)
    hz_nrp = org("hz-nrp", "湖州市自然资源和规划局", "government_department", HUZHOU)
    hz_mobile = org("hz-mobile", "中国移动通信集团浙江有限公司湖州分公司", "operator", HUZHOU,
                    parent=organization("zj-mobile"))
    from rollout5g.accounts.models import User

    people = {u.username: u for u in User.objects.filter(username__in=["office", "planning", "mobile", "tower"])}
    people.update({
        "hz-office": make_user("hz-office", Role.PROGRAM_OFFICE, hz_dei),
        "hz-planning": make_user("hz-planning", Role.DEPARTMENT, hz_nrp),
        "hz-mobile": make_user("hz-mobile", Role.OPERATOR, hz_mobile),
        "zj-office": make_user("zj-office", Role.PROGRAM_OFFICE, organization("zj-dei")),
        "zj-mobile": make_user("zj-mobile", Role.OPERATOR, organization("zj-mobile")),
    })
    return people


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _status(user, url) -> int:
    return _client(user).get(url).status_code


def _items(response) -> list[dict]:
    assert response.status_code == 200, response
    data = response.json()
    if isinstance(data, dict):  # a paginated answer
        assert data["count"] == len(data["items"]), "the answer has more pages: filter it"
        return data["items"]
    return data


def _plan_codes(client, region) -> set[str]:
    return {r["code"] for r in _items(client.get(f"/api/v1/sites/plan?region={region}&year=2027&limit=1000"))}


@pytest.fixture
def jiaxing():
    """One record of each kind of Jiaxing's (the worlds'), and an unpublished plan entry of Nanhu's."""
    from rollout5g.cases.models import PowerCase
    from rollout5g.permits.models import Application
    from rollout5g.program.models import ProgressReport
    from rollout5g.sites.models import PlannedSite

    plan = PlannedSite.objects.create(code="PLAN-JX-TENANCY", lon=120.75, lat=30.74, region_id=NANHU,
                                      planned_year=2027, site_type="macro_tower", organization=organization("jx-nrp"))
    application = Application.objects.filter(sites__site__region__parent_id=JIAXING).order_by("pk").first()
    case = PowerCase.objects.filter(site__region__parent_id=JIAXING).order_by("pk").first()
    report = ProgressReport.objects.filter(organization__region_id=JIAXING).order_by("pk").first()
    assert application and case and report, "the worlds give Jiaxing an application, a power case and a report"
    return {"plan": plan, "application": application, "case": case, "report": report,
            "site": SiteFactory(owner=organization("jx-mobile"))}


def test_a_user_of_another_city_cannot_read_this_citys_records(people, jiaxing):
    huzhou = [people["hz-office"], people["hz-planning"], people["hz-mobile"]]
    app, case, report, site = jiaxing["application"], jiaxing["case"], jiaxing["report"], jiaxing["site"]
    pages = [f"/approvals/{app.code}/", f"/api/v1/approvals/{app.code}",
             f"/cases/power/{case.number}/", f"/api/v1/cases/power/{case.number}",
             f"/sites/{site.code}/", f"/api/v1/sites/{site.code}"]
    for url in pages:
        assert _status(people["office"], url) == 200, url  # Jiaxing's office
        assert _status(people["zj-office"], url) == 200, url  # the province's
        for user in huzhou:
            assert _status(user, url) in (403, 404), (url, user.username)
    # the report is read on its task: listed for Jiaxing and the province, not for Huzhou
    url = f"/api/v1/supervision/tasks/{report.task_id}/reports"
    for username, listed in (("office", True), ("zj-office", True), ("hz-office", False)):
        response = _client(people[username]).get(url)
        assert response.status_code == 200, username
        assert (report.pk in [r["id"] for r in response.json()]) is listed, username


def test_lists_show_only_the_users_city(people, jiaxing):
    app, case = jiaxing["application"], jiaxing["case"]
    hz_site = SiteFactory(region=Region.objects.get(pk=WUXING), lon=120.09, lat=30.87,
                          owner=organization("hz-mobile"))
    for username, sees_jiaxing, sees_huzhou in (("office", True, False), ("zj-office", True, True),
                                                ("hz-office", False, True)):
        client = _client(people[username])
        approvals = [r["code"] for r in _items(client.get(f"/api/v1/approvals/?state={app.state}"))]
        assert (app.code in approvals) is sees_jiaxing, username
        cases = [r["number"] for r in _items(client.get(f"/api/v1/cases/power?state={case.state}&limit=1000"))]
        assert (case.number in cases) is sees_jiaxing, username
        for site, sees in ((hz_site, sees_huzhou), (jiaxing["site"], sees_jiaxing)):
            sites = [r["code"] for r in _items(client.get(f"/api/v1/sites/?q={site.code}"))]
            assert (site.code in sites) is sees, (username, site.code)
        assert ("PLAN-JX-TENANCY" in _plan_codes(client, NANHU)) is sees_jiaxing, username
        page = client.get(f"/sites/plan/?region={NANHU}&year=2027&published=0").content.decode()
        assert ("PLAN-JX-TENANCY" in page) is sees_jiaxing, username


def test_the_public_sees_what_each_city_published(people, jiaxing):
    from rollout5g.sites.models import PlannedSite

    PlannedSite.objects.create(code="PLAN-HZ-PUBLISHED", lon=120.09, lat=30.87, region_id=WUXING, planned_year=2027,
                               site_type="macro_tower", organization=organization("hz-nrp"), published=True)
    PlannedSite.objects.filter(pk=jiaxing["plan"].pk).update(published=True)
    PlannedSite.objects.create(code="PLAN-HZ-DRAFT", lon=120.09, lat=30.87, region_id=WUXING, planned_year=2027,
                               site_type="macro_tower", organization=organization("hz-nrp"))
    for client in (Client(), _client(people["office"])):
        assert "PLAN-JX-TENANCY" in _plan_codes(client, NANHU)
        assert "PLAN-HZ-PUBLISHED" in _plan_codes(client, WUXING)
        assert "PLAN-HZ-DRAFT" not in _plan_codes(client, WUXING)
    hz_office = _client(people["hz-office"])
    assert {"PLAN-HZ-PUBLISHED", "PLAN-HZ-DRAFT"} <= _plan_codes(hz_office, WUXING)  # its own draft
    assert "PLAN-JX-TENANCY" in _plan_codes(hz_office, NANHU)  # and what Jiaxing published


def test_an_operators_provincial_company_sees_its_city_branches_rows(people, jiaxing):
    site = jiaxing["site"]  # owned by 嘉兴移动, a branch of 浙江移动
    assert _status(people["zj-mobile"], f"/sites/{site.code}/") == 200
    assert _status(people["zj-mobile"], f"/api/v1/sites/{site.code}") == 200
    assert _status(people["mobile"], f"/sites/{site.code}/") == 200  # the branch itself
    assert _status(people["hz-mobile"], f"/sites/{site.code}/") in (403, 404)  # a sibling branch: no
    assert _status(people["tower"], f"/sites/{site.code}/") in (403, 404)  # another company: no


# --- the rules underneath ---------------------------------------------------------------------------------------


def test_region_scope_follows_the_tree_and_the_home_region(people, settings):
    assert tenancy.region_scope(people["zj-office"]) is None  # the province covers the home region
    scope = tenancy.region_scope(people["hz-office"])
    assert HUZHOU in scope and WUXING in scope and JIAXING not in scope and NANHU not in scope
    assert tenancy.region_scope(people["office"]) == tenancy.region_descendants(JIAXING)
    settings.ROLLOUT5G_HOME = {"region": JIAXING}  # a single-city deployment: the city's units see everything
    assert tenancy.region_scope(people["office"]) is None
    assert tenancy.region_scope(people["hz-office"]) == tenancy.region_descendants(HUZHOU)


def test_rows_without_a_region_belong_to_the_deployment(people):
    from rollout5g.jobs.models import Job

    orphan = Job.objects.create(kind="test")  # no organization: no region
    mine = Job.objects.create(kind="test", organization=organization("jx-dei"))
    assert set(Job.objects.restrict(people["zj-office"]).filter(kind="test")) == {orphan, mine}
    assert set(Job.objects.restrict(people["office"]).filter(kind="test")) == {mine}
    assert set(Job.objects.restrict(people["hz-office"]).filter(kind="test")) == set()


def test_creating_a_record_for_another_citys_region_is_refused(people):
    nanhu = Region.objects.get(pk=NANHU)
    tenancy.require_region(people["office"], nanhu)
    tenancy.require_region(people["zj-office"], nanhu)
    with pytest.raises(PermissionDenied):
        tenancy.require_region(people["hz-office"], nanhu)
    with pytest.raises(PermissionDenied):
        tenancy.require_region(people["hz-office"], None)  # the deployment as a whole is the province's
    assert tenancy.in_region_scope(people["hz-office"], WUXING)


def test_the_scope_is_an_in_list_on_the_region_column(people):
    from rollout5g.sites.models import Site

    sql = str(Site.objects.restrict(people["hz-office"]).query)
    assert "region_id\" IN (" in sql and "LIKE" not in sql
    assert "WHERE" not in str(Site.objects.restrict(people["zj-office"]).query)  # the province: no filter at all


def test_a_declared_action_on_all_rows_follows_the_scope(people):
    from rollout5g.sites.models import PlannedSite

    entry = PlannedSite.objects.create(code="PLAN-JX-PUBLISH", lon=120.75, lat=30.74, region_id=NANHU,
                                       planned_year=2027, site_type="macro_tower",
                                       organization=organization("jx-nrp"))
    may_publish = lambda user: PlannedSite.objects.restrict(user, "publish").filter(pk=entry.pk).exists()  # noqa: E731
    assert may_publish(people["office"]) and may_publish(people["zj-office"])
    assert not may_publish(people["hz-office"])


def test_region_scoped_narrows_a_widened_queryset(people, jiaxing):
    from rollout5g.sites.models import Site

    rows = Site.objects.filter(pk=jiaxing["site"].pk)
    assert rows.region_scoped(people["zj-office"]).exists() and rows.region_scoped(people["office"]).exists()
    assert not rows.region_scoped(people["hz-office"]).exists()


def test_the_services_refuse_a_site_plan_or_case_in_another_city(people, jiaxing):
    """Through the services a user reaches: 湖州's mobile branch cannot register a site at a place in Jiaxing, nor
    湖州's office add a plan entry there; Jiaxing's mobile branch can (the check is workflow.authorize_create's)."""
    from rollout5g.platform.workflow import ActionRefused
    from rollout5g.sites.models import Site
    from rollout5g.sites.services import planned_site_create, site_create

    at_nanhu = {"lon": 120.75, "lat": 30.74}
    with pytest.raises(ActionRefused):
        site_create(actor=people["hz-mobile"], owner=people["hz-mobile"].organization, name="越界站址",
                    site_type="macro_tower", **at_nanhu)
    with pytest.raises(ActionRefused):
        planned_site_create(actor=people["hz-office"], organization=people["hz-office"].organization,
                            planned_year=2027, site_type="macro_tower", **at_nanhu)
    assert not Site.objects.filter(name="越界站址").exists()
    site = site_create(actor=people["mobile"], owner=people["mobile"].organization, name="南湖新站",
                       site_type="macro_tower", **at_nanhu)
    assert site.region_id == NANHU


# --- records whose site is optional carry their own region ------------------------------------------------------


@pytest.fixture
def without_a_site(people, users, settings):
    """An incident, a measurement and an interference complaint of Jiaxing's, none at a site (their region is the
    reporter's city), and the same three moved to Huzhou's Wuxing. (The measurement is recorded as in a single-city
    deployment: the ecology department is still found among the home region's units, emf.selectors.)"""
    from rollout5g.cases import services as cases
    from rollout5g.emf import services as emf
    from rollout5g.spectrum import services as spectrum

    cases.ensure_rules()

    def measured():
        settings.ROLLOUT5G_HOME = {"region": JIAXING}
        try:
            return emf.result_record(actor=users["ecology"], point="南湖路口", measured_on="2026-11-10", value=0.3,
                                     unit="V/m", instrument="NBM-550 #A1")
        finally:
            settings.ROLLOUT5G_HOME = {"region": PROVINCE}

    def make():
        return {
            "incident": cases.incident_report(actor=people["mobile"], kind="obstruction", location="南湖路口",
                                              description="施工围挡阻碍进站"),
            "result": measured(),
            "complaint": spectrum.complaint_report(actor=people["mobile"], band="n41", freq_low_mhz="2515",
                                                   freq_high_mhz="2615", symptoms="底噪抬升", cell="JX-CELL-1",
                                                   started_on="2026-11-10"),
        }

    jiaxing, huzhou = make(), make()
    for row in huzhou.values():
        type(row).objects.filter(pk=row.pk).update(region_id=WUXING)
    return {"jiaxing": jiaxing, "huzhou": huzhou}


def test_a_record_without_a_site_takes_the_reporters_city_or_the_region_named(people, users, without_a_site):
    from rollout5g.cases import services as cases
    from rollout5g.platform.workflow import ActionRefused

    assert {row.region_id for row in without_a_site["jiaxing"].values()} == {JIAXING}
    nanhu = cases.incident_report(actor=people["mobile"], kind="obstruction", location="南湖", description="围挡",
                                  region=NANHU)
    assert nanhu.region_id == NANHU
    with pytest.raises(ActionRefused):  # a region of another city
        cases.incident_report(actor=people["mobile"], kind="obstruction", location="吴兴", description="围挡",
                              region=WUXING)
    site = SiteFactory(region=Region.objects.get(pk=WUXING), lon=120.09, lat=30.87, owner=organization("hz-mobile"))
    at_site = cases.incident_report(actor=people["hz-mobile"], kind="obstruction", site=site, description="围挡")
    assert at_site.region_id == WUXING  # the site's region


def test_a_user_of_another_city_cannot_read_incidents_measurements_or_complaints(people, without_a_site):
    jx, hz = without_a_site["jiaxing"], without_a_site["huzhou"]
    for username, sees_jx, sees_hz in (("office", True, False), ("zj-office", True, True),
                                       ("hz-office", False, True)):
        client = _client(people[username])
        for rows, sees in ((jx, sees_jx), (hz, sees_hz)):
            incident, result, complaint = rows["incident"], rows["result"], rows["complaint"]
            detail = client.get(f"/cases/incident/{incident.number}/").status_code
            assert (detail == 200) if sees else detail in (403, 404), (username, incident.number)
            listed = [r["number"] for r in _items(client.get("/api/v1/cases/incident?limit=1000"))]
            assert (incident.number in listed) is sees, (username, incident.number)
            assert (incident.number in client.get("/cases/incident/").content.decode()) is sees, username
            assert (result.code in client.get("/emf/").content.decode()) is sees, (username, result.code)
            detail = client.get(f"/spectrum/complaints/{complaint.code}/").status_code
            assert (detail == 200) if sees else detail in (403, 404), (username, complaint.code)
            detail = client.get(f"/api/v1/spectrum/complaints/{complaint.code}").status_code
            assert (detail == 200) if sees else detail in (403, 404), (username, complaint.code)
            listed = [r["code"] for r in _items(client.get("/api/v1/spectrum/complaints?limit=1000"))]
            assert (complaint.code in listed) is sees, (username, complaint.code)
