"""Pages and API of the construction projects, over HTTP: who sees and does what, form and API errors, the ledger
page and its downloads."""

import csv
import io
import zipfile

import pytest

from rollout5g.construction import services
from rollout5g.construction.choices import ProjectState
from rollout5g.construction.models import ConstructionProject
from tests.factories import NANHU

from .conftest import reserved_sites

pytestmark = pytest.mark.django_db


def _in_acceptance(designed, users):
    project = services.project_submit(actor=users["owner"], project=designed())
    for review in project.reviews.all():
        services.review_decide(actor=users[review.kind], review=review, approve=True)
    project.refresh_from_db()
    project = services.project_start(actor=users["owner"], project=project)
    return services.project_request_acceptance(
        actor=users["owner"], project=project,
        built={"sites": 5, "machine_room_m2": "10", "power_kw": "50", "duct_holes": 4, "roof_m2": "100"})


def test_the_detail_page_offers_each_party_its_own_steps(designed, users, client_for):
    project = designed()
    url = f"/construction/{project.code}/"
    owner = client_for("owner").get(url)
    assert owner.status_code == 200 and 'id="action-submit"' in owner.content.decode()
    assert 'id="action-submit"' not in client_for("planning").get(url).content.decode()
    assert client_for("mobile").get(url).status_code == 404  # not its project
    assert client_for("tower").get(url).status_code == 200  # the sites are reserved for it
    page = client_for("office").get(url).content.decode()
    assert "南湖新区安置房" in page and "housing" not in page  # labels, not internal values


@pytest.mark.clause("zj", "2", level="partial")
def test_review_and_acceptance_over_http(designed, users, client_for):
    project = designed()
    assert client_for("schools").post(f"/construction/{project.code}/submit/").status_code == 404  # not its row
    client_for("owner").post(f"/construction/{project.code}/submit/")
    project.refresh_from_db()
    assert project.state == ProjectState.IN_REVIEW
    planning = project.reviews.get(kind="planning")
    construction = project.reviews.get(kind="construction")
    # the construction department may not decide the planning department's review: 403, nothing changes
    response = client_for("construction").post(f"/construction/{project.code}/approve/", {"review": planning.pk})
    assert response.status_code == 403
    planning.refresh_from_db()
    assert planning.decision == "pending"
    page = client_for("planning").get(f"/construction/{project.code}/").content.decode()
    assert f'id="approve-{planning.pk}"' in page and f'id="approve-{construction.pk}"' not in page
    client_for("planning").post(f"/construction/{project.code}/approve/", {"review": planning.pk})
    client_for("construction").post(f"/construction/{project.code}/approve/", {"review": construction.pk})
    project.refresh_from_db()
    assert project.state == ProjectState.DESIGN_APPROVED
    client_for("owner").post(f"/construction/{project.code}/start/")
    client_for("owner").post(f"/construction/{project.code}/request_acceptance/", {
        "built_sites": "5", "built_machine_room_m2": "10", "built_power_kw": "50", "built_duct_holes": "4",
        "built_roof_m2": "100"})
    assert client_for("planning").post(f"/construction/{project.code}/accept/").status_code == 403
    client_for("construction").post(f"/construction/{project.code}/accept/")
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTED
    assert project.site_reservations.filter(planned_site__isnull=False).count() == 5


def test_the_registration_form_shows_field_errors_and_writes_nothing(client_for):
    before = ConstructionProject.objects.count()
    response = client_for("owner").post("/construction/new/", {
        "name": "滨湖路", "kind": "municipal_road", "region": "330402", "lon": NANHU[0], "lat": NANHU[1],
        "size": "-1", "planning_department": "", "construction_department": "", "operator": ""})
    assert response.status_code == 200 and ConstructionProject.objects.count() == before
    assert client_for("mobile").get("/construction/new/").status_code == 403


def test_the_design_form_reserves_sites(register, client_for):
    project = register()
    response = client_for("owner").post(f"/construction/{project.code}/design/", {
        "machine_room_m2": "10", "power_kw": "50", "duct_holes": "4", "roof_m2": "100",
        "sites": "\n".join(f"{s['name']}, {s['lon']}, {s['lat']}" for s in reserved_sites(5))})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.reserved_sites == 5 and project.site_reservations.count() == 5
    bad = client_for("owner").post(f"/construction/{project.code}/design/", {
        "machine_room_m2": "10", "power_kw": "50", "duct_holes": "4", "roof_m2": "100", "sites": "一号楼, 东经"})
    assert bad.status_code == 200 and project.site_reservations.count() == 5
    assert client_for("planning").get(f"/construction/{project.code}/design/").status_code == 403


@pytest.mark.clause("zj", "4", level="partial")
def test_the_ledger_page_and_its_downloads(designed, register, users, client_for):
    _in_acceptance(designed, users)
    register(name="=HYPERLINK(\"x\")", kind="municipal_road", size="3.2")
    office = client_for("office")
    page = office.get("/construction/ledger/").content.decode()
    assert 'id="ledger-table"' in page and "南湖区" in page
    rows = list(csv.reader(io.StringIO(office.get("/construction/ledger/?format=csv").content.decode("utf-8-sig"))))
    nanhu = next(r for r in rows if r[0] == "南湖区")
    # 2 projects; 0 in review; 1 building or in acceptance; 0 accepted; share 0 of 1; sites required 5 + 7, reserved 5
    assert nanhu[1] == "2" and nanhu[3] == "1" and nanhu[4] == "0" and nanhu[5] == "0.0000" and nanhu[6] == "12"
    assert nanhu[7] == "5" and nanhu[8] == "0"
    services.project_accept(actor=users["construction"], project=ConstructionProject.objects.get(
        state=ProjectState.ACCEPTANCE))
    rows = list(csv.reader(io.StringIO(office.get("/construction/ledger/?format=csv").content.decode("utf-8-sig"))))
    nanhu = next(r for r in rows if r[0] == "南湖区")
    assert nanhu[4] == "1" and nanhu[5] == "1.0000" and nanhu[8] == "5"
    xlsx = office.get("/construction/ledger/?format=xlsx")
    assert zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    # a party sees the counts of its own projects only
    assert "南湖区" in client_for("tower").get("/construction/ledger/").content.decode()
    mobile = list(csv.reader(io.StringIO(
        client_for("mobile").get("/construction/ledger/?format=csv").content.decode("utf-8-sig"))))
    assert all(r[1] == "0" for r in mobile[1:])


def test_the_guideline_page_is_public_and_says_whose_figures_they_are(register, client):
    register()
    page = client.get("/construction/guideline/").content.decode()
    assert client.get("/construction/guideline/").status_code == 200 and 'id="guideline-table"' in page


# -- API ---------------------------------------------------------------------------------------------------------
def _json(client, method, url, data=None):
    import json

    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")


def test_the_api_registers_designs_submits_and_refuses(client_for, users):
    owner = client_for("owner")
    created = _json(owner, "post", "/api/v1/construction/projects", {
        "name": "南湖站前枢纽", "kind": "transport_hub", "county": "330402", "size": "5000", "lon": NANHU[0],
        "lat": NANHU[1], "planning_department": "jx-nrp", "construction_department": "jx-housing",
        "operator": "jx-tower"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["required"]["sites"] == 2 and "design" in body["actions"] and "submit" in body["actions"]
    code = body["code"]
    bad = _json(owner, "put", f"/api/v1/construction/projects/{code}/design", {"power_kw": "-3"})
    assert bad.status_code == 422 and "power_kw" in bad.json()["detail"]
    short = _json(owner, "post", f"/api/v1/construction/projects/{code}/submit")
    assert short.status_code == 422 and "sites" in short.json()["detail"]
    ok = _json(owner, "put", f"/api/v1/construction/projects/{code}/design", {
        "machine_room_m2": "20", "power_kw": "30", "duct_holes": 6, "roof_m2": "60", "sites": reserved_sites(2)})
    assert ok.status_code == 200 and ok.json()["reserved"]["sites"] == 2
    assert _json(client_for("schools"), "post", f"/api/v1/construction/projects/{code}/submit").status_code == 404
    submitted = _json(owner, "post", f"/api/v1/construction/projects/{code}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "in_review"
    review = next(r for r in submitted.json()["reviews"] if r["kind"] == "planning")
    refused = _json(client_for("construction"), "post", f"/api/v1/construction/projects/{code}/approve",
                    {"review": review["id"]})
    assert refused.status_code == 403
    assert client_for("planning").get(f"/api/v1/construction/projects/{code}").json()["reviews"]
    assert client_for("office").get("/api/v1/construction/ledger").status_code == 200


def test_the_api_refuses_a_bad_registration_with_the_field(client_for):
    response = _json(client_for("owner"), "post", "/api/v1/construction/projects", {
        "name": "x", "kind": "castle", "county": "330402", "size": "1", "lon": NANHU[0], "lat": NANHU[1],
        "planning_department": "jx-nrp", "construction_department": "jx-housing", "operator": "jx-tower"})
    assert response.status_code == 422 and "kind" in response.json()["detail"]
    assert _json(client_for("mobile"), "post", "/api/v1/construction/projects", {
        "name": "x", "kind": "housing", "county": "330402", "size": "1", "lon": NANHU[0], "lat": NANHU[1],
        "planning_department": "jx-nrp", "construction_department": "jx-housing",
        "operator": "jx-tower"}).status_code == 403
