"""A city that is not Jiaxing runs its own programme in the province deployment (issue 15; docs/province.md).

A province deployment (home region 330000) with Huzhou's units generated from the province's table
(``policy/data/city_units.yaml``) and Jiaxing's reference units and accounts. Over HTTP, Huzhou's office, reviewing
departments and operator branch go through registry → coverage run → approval application → decision → open-list
release, each scoped to Huzhou: the application goes to Huzhou's own departments (the rule set names Jiaxing's; each
item is resolved to the site's city counterpart), the coverage run covers Huzhou, the release publishes Huzhou's
entries as Huzhou's first batch. Jiaxing's users do not see Huzhou's unpublished records, and Huzhou's do not see
Jiaxing's; the province's office sees both and chooses the city of a run or a release.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from rollout5g.accounts.choices import Role
from rollout5g.permits.models import Application, ApprovalItem
from rollout5g.regions.models import Region
from rollout5g.resources.models import ListRelease, PublicResource
from tests.factories import CellFactory, SiteFactory, organization

pytestmark = pytest.mark.django_db

PROVINCE, JIAXING, HUZHOU, ZHOUSHAN = "330000", "330400", "330500", "330900"
WUXING, NANHU = "330502", "330402"
#: A point in 吴兴区 (Huzhou), WGS-84.
WUXING_POINT = (120.09, 30.87)
API = "/api"


@pytest.fixture(autouse=True)
def province(settings, tmp_path):
    settings.ROLLOUT5G_HOME = {"region": PROVINCE}
    settings.DATA_DIR = tmp_path


@pytest.fixture
def people(make_user):
    """Huzhou's units (generated, loaded through the policy loader) with an office, two reviewers and an operator;
    the province's office; Jiaxing's reference accounts."""
    from rollout5g.accounts.models import User
    from rollout5g.demo import load_city_units
    from rollout5g.permits.rules import load_rules

    units = load_city_units([HUZHOU])[0][HUZHOU]
    load_rules()  # the one rule set: its departments are Jiaxing's
    unit = {key: organization(units.by_key[key]) for key in ("dei", "ecology", "mobile", "gov")}
    people = {u.username: u for u in User.objects.filter(username__in=["office", "radio", "ecology", "mobile"])}
    people.update({
        "hu-office": make_user("hu-office", Role.PROGRAM_OFFICE, unit["dei"]),
        "hu-radio": make_user("hu-radio", Role.DEPARTMENT, unit["dei"]),
        "hu-ecology": make_user("hu-ecology", Role.DEPARTMENT, unit["ecology"]),
        "hu-mobile": make_user("hu-mobile", Role.OPERATOR, unit["mobile"]),
        "zj-office": make_user("zj-office", Role.PROGRAM_OFFICE, organization("zj-dei")),
    })
    people["units"] = units
    return people


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _post(user, path, data=None, status=200):
    response = _client(user).post(path, data or {}, content_type="application/json")
    assert response.status_code == status, (path, user and user.username, response.content.decode()[:400])
    return response.json() if response.content and response["Content-Type"].startswith("application/json") else None


def _get(user, path) -> int:
    return _client(user).get(path).status_code


# --- registry and coverage run ----------------------------------------------------------------------------------


def test_huzhou_runs_its_own_coverage(people):
    from rollout5g.coverage.models import CoverageRun
    from rollout5g.coverage.services import run_inline

    hu_mobile = organization(people["units"].by_key["mobile"])
    wuxing = Region.objects.get(pk=WUXING)
    sites = [SiteFactory(region=wuxing, owner=hu_mobile, lon=WUXING_POINT[0] + 0.01 * n, lat=WUXING_POINT[1])
             for n in range(3)]
    for site in sites:
        CellFactory(site=site, on_air_date=dt.date(2021, 6, 1))
    jx_site = SiteFactory(owner=organization("jx-mobile"))  # Jiaxing's (Nanhu)
    # the registry: each city's units read their own city's sites
    for site, own, other in ((sites[0], "hu-office", "office"), (jx_site, "office", "hu-office")):
        assert _get(people[own], f"{API}/sites/{site.code}") == 200
        assert _get(people[other], f"{API}/sites/{site.code}") in (403, 404)

    # Huzhou's office starts a whole-city run: it covers Huzhou (its counties), not the home region (the province)
    started = _post(people["hu-office"], f"{API}/coverage/runs",
                    {"scope": "city", "resolution_m": 1000, "as_of": "2026-11-01"}, status=201)
    run = CoverageRun.objects.get(pk=started["run_id"])
    assert run.region_id == HUZHOU and run.shared and "湖州市" in run.title
    run = run_inline(run)  # the worker
    assert run.succeeded and run.cell_count == 3  # Huzhou's cells only (Jiaxing's lie beyond the margin)
    districts = set(run.results.filter(kind="district").values_list("region_id", flat=True))
    assert districts == set(Region.objects.filter(parent_id=HUZHOU).values_list("adcode", flat=True))
    for username, sees in (("hu-office", True), ("hu-mobile", True), ("zj-office", True), ("office", False),
                           ("mobile", False)):
        assert (_get(people[username], f"{API}/coverage/runs/{run.pk}") == 200) is sees, username
        listed = [r["id"] for r in _client(people[username]).get(f"{API}/coverage/runs").json()]
        assert (run.pk in listed) is sees, username

    # the province's office chooses the city; a city office may not run another city
    started = _post(people["zj-office"], f"{API}/coverage/runs",
                    {"scope": "city", "region": ZHOUSHAN, "resolution_m": 1000}, status=201)
    assert CoverageRun.objects.get(pk=started["run_id"]).region_id == ZHOUSHAN
    _post(people["zj-office"], f"{API}/coverage/runs", {"scope": "city", "resolution_m": 1000}, status=422)
    _post(people["hu-office"], f"{API}/coverage/runs", {"scope": "city", "region": JIAXING, "resolution_m": 1000},
          status=403)
    _post(people["hu-office"], f"{API}/coverage/runs", {"scope": "region", "region": NANHU, "resolution_m": 1000},
          status=403)
    started = _post(people["hu-office"], f"{API}/coverage/runs",
                    {"scope": "region", "region": WUXING, "resolution_m": 1000}, status=201)
    assert CoverageRun.objects.get(pk=started["run_id"]).region_id == WUXING


# --- approvals ----------------------------------------------------------------------------------------------------


def _upload(user, code, material):
    f = io.BytesIO(b"%PDF-1.4 " + material.encode())
    f.name = f"{material}.pdf"
    response = _client(user).post(f"{API}/approvals/{code}/materials", {"material": material, "file": f})
    assert response.status_code == 200, response.content.decode()[:300]


def test_huzhou_application_goes_to_huzhous_departments(people, today):
    hu_mobile = people["hu-mobile"]
    app = _post(hu_mobile, f"{API}/approvals/", {"title": "吴兴区 楼顶站", "project_code": "2026-330502-63-03-000501",
                                                  "contact_name": "示例", "contact_phone": "0572-1"})
    code = app["application_code"]
    app = _post(hu_mobile, f"{API}/approvals/{code}/sites", {
        "new_site": {"name": "吴兴区 商务楼 楼顶站", "site_type": "rooftop", "lon": WUXING_POINT[0],
                     "lat": WUXING_POINT[1]}, "on_existing_building": True})
    for material in sorted({m["code"] for m in app["required_materials"]}):
        _upload(hu_mobile, code, material)
    app = _post(hu_mobile, f"{API}/approvals/{code}/submit", {})
    assert app["state"] == "received"

    # every item goes to Huzhou's counterpart of the rule set's (Jiaxing's) department
    items = {i.item_type.code: i for i in ApprovalItem.objects.filter(application__code=code)
             .select_related("item_type", "department", "item_type__department")}
    assert set(items) == {"radio_station_licence", "emf_registration"}
    units = people["units"]
    assert items["radio_station_licence"].item_type.department.code == "jx-dei"
    assert items["radio_station_licence"].department.code == units.by_key["dei"] == "hu-dei"
    assert items["emf_registration"].department.code == units.by_key["ecology"]
    assert all(i.department.region_id == HUZHOU for i in items.values())

    # Jiaxing's office and reviewers never see it; Huzhou's do, and the province's office
    for username, sees in (("hu-office", True), ("hu-radio", True), ("hu-ecology", True), ("zj-office", True),
                           ("office", False), ("radio", False), ("ecology", False), ("mobile", False)):
        assert (_get(people[username], f"{API}/approvals/{code}") == 200) is sees, username
        assert (_get(people[username], f"/approvals/{code}/") == 200) is sees, username
    _post(people["office"], f"{API}/approvals/{code}/accept", {}, status=404)
    app = _post(people["hu-office"], f"{API}/approvals/{code}/accept", {})
    assert app["state"] == "under_review"

    # each of Huzhou's departments finds its item in its queue and decides it; Jiaxing's cannot
    radio, emf = items["radio_station_licence"], items["emf_registration"]
    queue = [(r["application"], r["item"]) for r in _client(people["hu-radio"]).get(
        f"{API}/approvals/queue").json()]
    assert (code, "radio_station_licence") in queue
    jx_queue = _client(people["radio"]).get(f"{API}/approvals/queue").json()
    assert code not in [r["application"] for r in jx_queue]
    decide = {"approve": True, "reasons": "符合规定"}
    assert _client(people["radio"]).post(f"{API}/approvals/{code}/items/{radio.pk}/decide", decide,
                                         content_type="application/json").status_code in (403, 404)
    _post(people["hu-radio"], f"{API}/approvals/{code}/items/{radio.pk}/decide", decide)
    assert _client(people["hu-radio"]).post(f"{API}/approvals/{code}/items/{emf.pk}/decide", decide,
                                            content_type="application/json").status_code in (403, 404)
    app = _post(people["hu-ecology"], f"{API}/approvals/{code}/items/{emf.pk}/decide", decide)
    assert app["state"] == "decided"
    assert Application.objects.get(code=code).certificate is not None

    # and Huzhou's units do not see Jiaxing's applications
    jx_app = _jiaxing_application()
    for username, sees in (("hu-office", False), ("hu-radio", False), ("office", True), ("zj-office", True)):
        assert (_get(people[username], f"{API}/approvals/{jx_app.code}") == 200) is sees, username


def _jiaxing_application() -> Application:
    from rollout5g.accounts.models import User
    from rollout5g.permits import services

    mobile = User.objects.get(username="mobile")
    app = services.application_create(actor=mobile, title="南湖区 楼顶站")
    services.application_add_site(actor=mobile, application=app, new_site={
        "name": "南湖区 楼顶站", "site_type": "rooftop", "lon": 120.7702, "lat": 30.7391}, on_existing_building=True)
    return app


def test_a_city_without_its_units_is_told(people):
    """A site in a city whose units are not loaded: the submission says which department is missing."""
    from rollout5g.accounts.models import User
    from rollout5g.permits import services
    from rollout5g.permits.services import ApprovalError
    from tests.factories import OrganizationFactory

    zs_mobile = OrganizationFactory(code="zs-mobile-test", name="舟山移动（测试）", kind="operator",
                                    region_id=ZHOUSHAN)
    user = User.objects.create(username="zs-mobile-test", role=Role.OPERATOR, organization=zs_mobile)
    app = services.application_create(actor=user, title="舟山 楼顶站")
    services.application_add_site(actor=user, application=app, new_site={
        "name": "定海区 楼顶站", "site_type": "rooftop", "lon": 122.106, "lat": 30.02}, on_existing_building=True)
    assert Region.objects.get(pk=app.sites.get().site.region_id).parent_id == ZHOUSHAN
    with pytest.raises(ApprovalError, match="舟山市"):
        services.application_submit(actor=user, application=app)


# --- open list ----------------------------------------------------------------------------------------------------


def _entry(code, owner, county, lon, lat) -> PublicResource:
    return PublicResource.objects.create(code=code, name=f"{code} 路灯杆（测试）", kind="street_light_pole", owner=owner,
                                         region_id=county, lon=lon, lat=lat, is_synthetic=True)


def test_each_city_publishes_its_own_open_list(people, today):
    from rollout5g.resources import services

    hu_gov = organization(people["units"].by_key["gov"])
    hu_entries = [_entry(f"HU-T-{n}", hu_gov, WUXING, WUXING_POINT[0] + 0.01 * n, WUXING_POINT[1])
                  for n in range(3)]
    _entry("JX-T-1", organization("jx-gov"), NANHU, 120.75, 30.745)

    # Huzhou's office opens its city's first batch; Jiaxing's office does not see the draft nor publish it
    release = services.release_create(actor=people["hu-office"], notice_start=today, notice_end=today)
    assert (release.region_id, release.batch, release.label) == (HUZHOU, 1, "第1批")
    for username, sees in (("hu-office", True), ("zj-office", True), ("office", False)):
        listed = [r["number"] for r in _client(people[username]).get(f"{API}/open-list/releases").json()]
        assert (release.number in listed) is sees, username
    link = f'href="/open-list/releases/{release.number}/"'
    assert link in _client(people["hu-office"]).get("/open-list/").content.decode()  # its city's page: the draft
    assert link not in _client(people["office"]).get("/open-list/").content.decode()
    response = _client(people["office"]).post(f"/open-list/releases/{release.number}/publish/")
    assert response.status_code == 404
    assert not ListRelease.objects.get(pk=release.pk).is_published
    response = _client(people["hu-office"]).post(f"/open-list/releases/{release.number}/publish/")
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_published and release.entry_count == len(hu_entries)  # Huzhou's entries only
    codes = {e["code"] for e in _client(None).get(f"{API}/open-list/releases/{release.number}/entries").json()[
        "items"]}
    assert codes == {e.code for e in hu_entries}

    # the province's office publishes for the city it chooses; its own batches are counted per city
    with pytest.raises(Exception, match="city"):
        services.release_create(actor=people["zj-office"], notice_start=today, notice_end=today)
    jx_release = services.release_create(actor=people["zj-office"], notice_start=today, notice_end=today,
                                         region=JIAXING)
    jx_release = services.release_publish(actor=people["zj-office"], release=jx_release)
    assert (jx_release.region_id, jx_release.label, jx_release.entry_count) == (JIAXING, "第1批", 1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.release_create(actor=people["hu-office"], notice_start=today, notice_end=today, region=JIAXING)

    # the public page shows each city's release: the reader chooses the city
    for city, shown, hidden in ((HUZHOU, "HU-T-0", "JX-T-1"), (JIAXING, "JX-T-1", "HU-T-0")):
        page = _client(None).get(f"/open-list/?city={city}")
        assert page.status_code == 200
        body = page.content.decode()
        assert shown in body and hidden not in body, city
        assert 'id="city-choice"' in body
    for city, number in ((HUZHOU, release.number), (JIAXING, jx_release.number)):
        assert _client(None).get(f"{API}/open-list/releases/latest?city={city}").json()["number"] == number
