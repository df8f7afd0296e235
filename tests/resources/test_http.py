"""The open list from outside, over HTTP: public page and API, drafts never leak, downloads with their CRS, the
request round trip through the pages and the API, and who may change what."""

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from rollout5g.core.geo import wgs84_to_gcj02
from rollout5g.resources import services
from rollout5g.resources.choices import ResourceKind
from rollout5g.resources.models import FeeComplaint, PublicResource, SiteRequest

pytestmark = pytest.mark.django_db
LON, LAT = 120.7530, 30.7590


@pytest.fixture
def draft(users):
    """A draft batch 3 with a new entry nobody outside the office may see."""
    services.resource_create(actor=users["owner"], owner=users["owner"].organization, name="草稿中的路灯杆",
                             kind=ResourceKind.STREET_LIGHT_POLE, lon=LON, lat=LAT, code="JX-OL-DRAFT1")
    return services.release_create(actor=users["office"], notice_start=dt.date(2030, 1, 1),
                                   notice_end=dt.date(2030, 1, 9), title="内部草稿")


def _own_resource(users, username="owner", **kw):
    fields = {"name": "测试路灯杆", "kind": ResourceKind.STREET_LIGHT_POLE, "lon": LON, "lat": LAT}
    fields.update(kw)
    return services.resource_create(actor=users[username], owner=users[username].organization, **fields)


@pytest.mark.clause("zj", "7", level="built")
def test_public_page_needs_no_login_and_shows_the_latest_batch(client):
    resp = client.get("/open-list/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "第2批" in body and "第1批" in body and 'id="open-list-map"' in body and "WGS-84" in body
    filtered = client.get("/open-list/", {"kind": "school", "region": "330483"})
    rows = filtered.context["page"].object_list
    assert rows and all(e.snapshot["kind"] == "school" and e.snapshot["region"] == "330483" for e in rows)


def test_public_map_api_returns_the_published_points_with_filters(client):
    data = client.get("/api/open-list/releases/latest/map", {"kind": "hospital"}).json()
    assert data["release"] == 2 and data["crs"] == "wgs84" and data["count"] > 0
    kind = data["columns"].index("kind")
    assert {p[kind] for p in data["points"]} == {"hospital"}


def test_drafts_never_leak_to_the_public_or_operators(client, client_for, draft):
    assert client.get("/open-list/releases/3/").status_code == 404
    assert client.get("/open-list/releases/3/download.csv").status_code == 404
    assert client.get("/api/open-list/releases/3").status_code == 404
    assert client.get("/api/open-list/releases/3/entries").status_code == 404
    assert [r["number"] for r in client.get("/api/open-list/releases").json()] == [2, 1]
    assert "内部草稿" not in client.get("/open-list/").content.decode()
    assert client_for("mobile").get("/api/open-list/releases/3").status_code == 404
    # the new live entry is in no published release, so the public finds it nowhere
    assert client.get("/api/open-list/releases/latest/entries", {"q": "JX-OL-DRAFT1"}).json()["count"] == 0
    assert client.get("/api/open-list/resources").status_code == 401
    office = client_for("office")
    assert office.get("/open-list/releases/3/").status_code == 200
    assert [r["number"] for r in office.get("/api/open-list/releases").json()] == [3, 2, 1]


def test_office_publishes_a_draft_through_the_page_and_then_it_is_public(client, client_for, draft):
    assert client_for("owner").post("/open-list/releases/3/publish/").status_code == 403  # the route is the programme office's
    office = client_for("office")
    assert office.post("/open-list/releases/3/publish/").status_code == 302
    assert client.get("/api/open-list/releases/3").json()["added_count"] == 1
    diff = client.get("/api/open-list/releases/3/diff").json()
    assert diff["base"] == 2 and "JX-OL-DRAFT1" in diff["added"]


@pytest.mark.clause("zj", "7", level="built")
def test_release_page_shows_the_diff(client):
    resp = client.get("/open-list/releases/2/")
    assert resp.status_code == 200
    diff = resp.context["diff"]
    assert len(diff["added"]) == 320 and len(diff["changed"]) == 90 and len(diff["withdrawn"]) == 40
    body = resp.content.decode()
    assert 'id="diff-changed"' in body and "+320" in body and "−40" in body
    api = client.get("/api/open-list/releases/2/diff").json()
    assert api["base"] == 1 and len(api["changed"]) == 90
    assert all(fields for fields in api["changed"].values())


def test_downloads_state_the_coordinate_system(client):
    csv_resp = client.get("/open-list/releases/2/download.csv", {"kind": "hospital"})
    assert csv_resp.status_code == 200 and csv_resp["X-Coordinate-System"] == "wgs84"
    text = csv_resp.content.decode("utf-8-sig")
    assert text.startswith("编号,")  # the header is the first line: no comment line above it
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["类型"] for r in rows} == {"医院"} and rows[0]["坐标系"] == "WGS-84 (EPSG:4326)"
    assert rows[0]["WKT"] == f"POINT ({rows[0]['经度']} {rows[0]['纬度']})"
    assert {r["智慧杆"] for r in rows} <= {"是", "否"} and {r["演示数据"] for r in rows} == {"是"}

    wgs = client.get("/open-list/releases/2/download.geojson").json()
    gcj_resp = client.get("/open-list/releases/2/download.geojson", {"crs": "gcj02"})
    gcj = gcj_resp.json()
    assert "crs" not in wgs  # RFC 7946: WGS-84 longitude/latitude, no crs member
    assert wgs["properties"]["coordinate_system"].startswith("WGS-84")
    assert gcj["properties"]["coordinate_system"].startswith("GCJ-02") and "gcj02" in gcj["name"]
    assert "gcj02.geojson" in gcj_resp["Content-Disposition"]
    assert len(wgs["features"]) == len(gcj["features"]) == 2880
    (lon, lat), (glon, glat) = wgs["features"][0]["geometry"]["coordinates"], gcj["features"][0]["geometry"]["coordinates"]
    elon, elat = wgs84_to_gcj02(lon, lat)
    assert abs(glon - float(elon)) < 1e-6 and abs(glat - float(elat)) < 1e-6 and abs(glon - lon) > 1e-4
    props = wgs["features"][0]["properties"]
    assert props["kind_label"] and props["kind_label"] != props["kind"]

    xlsx = client.get("/open-list/releases/1/download.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    ws = book.worksheets[0]
    assert ws["A1"].value == "编号" and ws.max_row == 1 + 2600  # the table starts in A1: GDAL reads it as a layer
    headers = [c.value for c in ws[1]]
    kinds = {ws.cell(row=r, column=headers.index("类型") + 1).value for r in range(2, ws.max_row + 1)}
    assert "路灯杆" in kinds and not any("_" in k for k in kinds)
    assert {ws.cell(row=r, column=headers.index("智慧杆") + 1).value for r in range(2, ws.max_row + 1)} <= {"是", "否"}
    rows = list(book["说明"].iter_rows(values_only=True))
    about = dict((row[0], row[1]) for row in rows[:rows.index((None, None))])  # the description above the columns
    assert "第1批" in about["标题"] and about["坐标系"].startswith("WGS-84")
    assert client.get("/open-list/releases/1/download.csv", {"crs": "bd09"}).status_code == 400
    api = client.get("/api/open-list/releases/1/geojson", {"crs": "gcj02", "kind": "venue"}).json()
    assert api["properties"]["coordinate_system"].startswith("GCJ-02") and api["features"]


def test_an_owner_cannot_edit_another_owners_resource(client_for, users):
    theirs = _own_resource(users, "schools", kind=ResourceKind.SCHOOL, name="实验小学楼顶")
    owner = client_for("owner")
    assert owner.get(f"/open-list/resources/{theirs.code}/").status_code == 404
    resp = owner.post(f"/open-list/resources/{theirs.code}/edit/", {"name": "改名", "kind": "school", "lon": LON,
                                                                     "lat": LAT})
    assert resp.status_code == 404
    resp = owner.post(f"/open-list/resources/{theirs.code}/action/", {"action": "availability",
                                                                      "availability": "unavailable", "reason": "x"})
    assert resp.status_code == 404
    assert owner.get(f"/api/open-list/resources/{theirs.code}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "实验小学楼顶" and theirs.availability == "open"
    # an operator may look at it but not change it
    mobile = client_for("mobile")
    assert mobile.get(f"/open-list/resources/{theirs.code}/").status_code == 200
    assert mobile.get(f"/open-list/resources/{theirs.code}/edit/").status_code == 403
    # its owner may
    schools = client_for("schools")
    resp = schools.post(f"/open-list/resources/{theirs.code}/edit/", {"name": "实验小学综合楼楼顶", "kind": "school",
                                                                       "lon": LON, "lat": LAT, "height_m": 24})
    assert resp.status_code == 302
    theirs.refresh_from_db()
    assert theirs.name == "实验小学综合楼楼顶" and theirs.height_m == 24


def test_owner_adds_confirms_and_withdraws_through_the_pages(client_for, users):
    owner = client_for("owner")
    assert owner.get("/open-list/manage/").status_code == 200
    resp = owner.post("/open-list/resources/new/", {"name": "页面新增路灯杆", "kind": "street_light_pole", "lon": LON,
                                                    "lat": LAT, "crs": "wgs84", "smart_pole": "on",
                                                    "smart_pole_capacity": 3})
    assert resp.status_code == 302
    r = PublicResource.objects.get(name="页面新增路灯杆")
    assert r.owner.code == "jx-jiacheng-group" and r.smart_pole and r.smart_pole_capacity == 3
    PublicResource.objects.filter(pk=r.pk).update(last_confirmed_on=dt.date(2020, 1, 1))
    assert r.code in owner.get("/open-list/manage/", {"unconfirmed": "1", "q": r.code}).content.decode()
    owner.post(f"/open-list/resources/{r.code}/action/", {"action": "confirm"})
    r.refresh_from_db()
    assert r.last_confirmed_on == dt.date.today()
    owner.post(f"/open-list/resources/{r.code}/action/", {"action": "withdraw", "reason": ""})
    assert not PublicResource.objects.get(pk=r.pk).withdrawn  # a reason is required
    owner.post(f"/open-list/resources/{r.code}/action/", {"action": "withdraw", "reason": "道路拓宽"})
    assert PublicResource.objects.get(pk=r.pk).withdrawn
    own_list = owner.get("/open-list/manage/").context["page"].object_list
    assert {x.owner.code for x in own_list} == {"jx-jiacheng-group"}


def test_request_round_trip_through_the_pages(client_for, users):
    r = _own_resource(users)
    mobile, owner = client_for("mobile"), client_for("owner")
    assert mobile.get(f"/open-list/requests/new/?resource={r.code}").status_code == 200
    resp = mobile.post("/open-list/requests/new/", {"resource": r.code, "band": "n78", "planned_year": 2026,
                                                    "purpose": "补盲"})
    assert resp.status_code == 302
    req = SiteRequest.objects.get(resource=r)
    page = owner.get(f"/open-list/requests/{req.code}/")
    assert page.status_code == 200 and 'id="answer-form"' in page.content.decode() and page.context["clock"]
    # another operator does not see it
    assert client_for("telecom").get(f"/open-list/requests/{req.code}/").status_code == 404
    # a coordination fee is refused with the rule
    resp = owner.post(f"/open-list/requests/{req.code}/action/", {"action": "accept", "charge_kind_1": "coordination",
                                                                  "charge_amount_1": "8000"}, follow=True)
    assert "仅可按实结算电费" in resp.content.decode()  # "only the actual power cost may be passed on"
    assert SiteRequest.objects.get(pk=req.pk).status == "submitted"
    # the requester cannot accept its own request
    mobile.post(f"/open-list/requests/{req.code}/action/", {"action": "accept"})
    assert SiteRequest.objects.get(pk=req.pk).status == "submitted"
    resp = owner.post(f"/open-list/requests/{req.code}/action/", {"action": "accept", "conditions": "电费按实结算",
                                                                  "charge_kind_1": "power", "charge_basis_1": "按表"})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.status == "accepted" and req.planned_site.organization.code == "jx-mobile"
    detail = mobile.get(f"/open-list/requests/{req.code}/").content.decode()
    assert req.planned_site.code in detail and 'id="complain-link"' in detail
    listing = mobile.get("/open-list/requests/").context["page"].object_list
    assert req in listing and all(x.requester.code == "jx-mobile" for x in listing)


def test_decline_without_reason_is_refused_on_the_page(client_for, users):
    r = _own_resource(users)
    req = services.site_request_create(actor=users["tower"], resource=r)
    owner = client_for("owner")
    owner.post(f"/open-list/requests/{req.code}/action/", {"action": "decline", "reason": ""})
    assert SiteRequest.objects.get(pk=req.pk).status == "submitted"
    owner.post(f"/open-list/requests/{req.code}/action/", {"action": "decline", "reason": "杆体迁移"})
    assert SiteRequest.objects.get(pk=req.pk).status == "declined"


@pytest.mark.clause("jx", "二(一)3", level="built")
def test_request_round_trip_through_the_api(client_for, users):
    r = _own_resource(users)
    mobile, owner = client_for("mobile"), client_for("owner")
    resp = mobile.post("/api/open-list/requests", {"resource": r.code, "planned_year": 2026},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    code = resp.json()["code"]
    assert resp.json()["status"] == "submitted" and resp.json()["owner"] == "jx-jiacheng-group"
    bad = owner.post(f"/api/open-list/requests/{code}/answer",
                     {"action": "accept", "charges": [{"kind": "entry", "amount_cny": 10000}]},
                     content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422 and "actual power cost" in bad.json()["detail"]
    assert "Charge 1: Entry fee" in bad.json()["detail"] and "may not be charged" in bad.json()["detail"]
    no_reason = owner.post(f"/api/open-list/requests/{code}/answer", {"action": "decline"},
                           content_type="application/json")
    assert no_reason.status_code == 422 and "decline_reason" in no_reason.json()["detail"]
    assert client_for("telecom").post(f"/api/open-list/requests/{code}/answer", {"action": "accept"},
                                      content_type="application/json").status_code == 404
    ok = owner.post(f"/api/open-list/requests/{code}/answer",
                    {"action": "accept", "charges": [{"kind": "power", "basis": "按表计量"}]},
                    content_type="application/json")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["status"] == "accepted" and body["planned_site"] and body["charges"][0]["kind"] == "power"
    assert mobile.get(f"/api/open-list/requests/{code}").json()["planned_site"] == body["planned_site"]
    assert mobile.get(f"/api/open-list/resources/{r.code}").json()["hosted_operators"] == ["jx-mobile"]
    near = mobile.post("/api/open-list/requests", {"lon": 121.9, "lat": 30.9, "radius_m": 100},
                       content_type="application/json")
    assert near.status_code == 422 and "radius_m" in near.json()["detail"]


@pytest.mark.clause("jx", "三(四)", level="partial")
def test_fee_complaint_through_the_pages_reaches_the_office(client_for, users):
    r = _own_resource(users)
    req = services.site_request_create(actor=users["mobile"], resource=r)
    mobile = client_for("mobile")
    resp = mobile.post("/open-list/complaints/new/", {"request": req.code, "fee_kind": "entry", "amount_cny": "20000",
                                                      "description": "口头要求进场费"})
    assert resp.status_code == 302
    complaint = FeeComplaint.objects.get(request=req)
    office, telecom = client_for("office"), client_for("telecom")
    assert office.get("/open-list/complaints/").status_code == 200
    assert telecom.get(f"/open-list/complaints/{complaint.code}/").status_code == 404
    assert client_for("owner").get(f"/open-list/complaints/{complaint.code}/").status_code == 200  # the respondent
    office.post(f"/open-list/complaints/{complaint.code}/", {"to_status": "investigating"})
    office.post(f"/open-list/complaints/{complaint.code}/", {"to_status": "upheld", "resolution": "责令停止收费"})
    complaint.refresh_from_db()
    assert complaint.status == "upheld"
    mobile.post(f"/open-list/complaints/{complaint.code}/", {"to_status": "dismissed", "resolution": "x"})
    assert FeeComplaint.objects.get(pk=complaint.pk).status == "upheld"
    api = mobile.post("/api/open-list/complaints", {"resource": r.code, "fee_kind": "sharing",
                                                    "description": "分摊费"}, content_type="application/json")
    assert api.status_code == 201 and api.json()["respondent"] == "jx-jiacheng-group"


def test_anonymous_users_are_sent_to_login_for_the_working_pages():
    c = Client()
    for url in ("/open-list/manage/", "/open-list/requests/", "/open-list/complaints/", "/open-list/requests/new/"):
        resp = c.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], url
    assert c.get("/api/open-list/requests").status_code == 401
    assert json.loads(c.get("/api/open-list/releases/2").content)["entry_count"] == 2880
