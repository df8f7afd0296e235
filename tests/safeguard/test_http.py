"""Pages and API of the security of critical facilities over HTTP: every route as an anonymous visitor, as each role,
as the facility's operator and security units and as another operator or an unrelated department; locations only on
the parties' detail page and API; the forms and steps through the pages; field errors that write nothing; retried
POSTs that create nothing twice; labels, not internal values."""

import pytest
from django.test import Client

from rollout5g.safeguard import services
from rollout5g.safeguard.choices import EventState, FacilityKind, Severity
from rollout5g.safeguard.models import CriticalFacility, SecurityAssessment, SecurityEvent

pytestmark = pytest.mark.django_db

#: Who sees a facility of mobile and its events: its operator, the three security units, the programme office.
INSIDERS = ("mobile", "cac", "ca", "police", "office")
#: Signed-in people who may open the security pages but see nothing of it.
OUTSIDERS = ("telecom", "tower", "planning", "radio")
#: Roles the pages do not admit at all.
REFUSED = ("owner", "enterprise")


def _routes(f, e):
    pages = ["/safeguard/", "/safeguard/facilities/", "/safeguard/facilities/new/", f"/safeguard/facilities/{f.code}/",
             "/safeguard/events/", "/safeguard/events/new/", f"/safeguard/events/{e.code}/"]
    posts = [f"/safeguard/facilities/{f.code}/{s}/" for s in ("assess", "rate", "retire")]
    posts += [f"/safeguard/events/{e.code}/{s}/" for s in ("warn", "analyse", "respond", "close")]
    api_get = ["/api/safeguard/facilities", f"/api/safeguard/facilities/{f.code}", "/api/safeguard/events",
               f"/api/safeguard/events/{e.code}", "/api/safeguard/overview"]
    api_post = ["/api/safeguard/facilities", f"/api/safeguard/facilities/{f.code}/assess", "/api/safeguard/events",
                f"/api/safeguard/events/{e.code}/warn"]
    return pages, posts, api_get, api_post


@pytest.fixture
def world(users, facility, event):
    f = facility()
    return f, event(at=f)


def test_the_public_sees_nothing(world):
    f, e = world
    pages, posts, api_get, api_post = _routes(f, e)
    anonymous = Client()
    for url in pages + posts:
        response = anonymous.get(url) if url in pages else anonymous.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in api_get:
        assert anonymous.get(url).status_code == 401, url
    for url in api_post:
        assert anonymous.post(url, {}, content_type="application/json").status_code == 401, url
    for url in ("/", "/api/openapi.json"):  # nothing of a facility on a public page
        body = anonymous.get(url).content.decode()
        assert f.code not in body and f"{f.lon:.5f}" not in body and f.name not in body


def test_each_role_and_organization_over_http(world, client_for):
    f, e = world
    pages, posts, api_get, _ = _routes(f, e)
    for name in REFUSED:  # resource owners and enterprises: refused before the view runs
        client = client_for(name)
        for url in pages:
            assert client.get(url).status_code == 403, (name, url)
        for url in posts:
            assert client.post(url, {"_once": "x"}).status_code == 403, (name, url)
    for name in INSIDERS:
        client = client_for(name)
        detail = client.get(f"/safeguard/facilities/{f.code}/")
        assert detail.status_code == 200, name
        assert f"{f.lon:.5f}" in detail.content.decode()  # the location, to the parties only
        assert client.get(f"/safeguard/events/{e.code}/").status_code == 200, name
        assert f.code in client.get("/safeguard/facilities/").content.decode(), name
        assert e.code in client.get("/safeguard/events/").content.decode(), name
        assert client.get(f"/api/safeguard/facilities/{f.code}").json()["lon"] == f.lon, name
        assert [x["code"] for x in client.get("/api/safeguard/events").json()["items"]] == [e.code], name
    for name in OUTSIDERS:  # another operator, an unrelated department: nothing, anywhere
        client = client_for(name)
        assert client.get("/safeguard/").status_code == 200, name
        for url in (f"/safeguard/facilities/{f.code}/", f"/safeguard/events/{e.code}/"):
            assert client.get(url).status_code == 404, (name, url)
        for url in posts:
            assert client.post(url, {"_once": f"{name}{url}"}).status_code == 404, (name, url)
        for url in ("/safeguard/", "/safeguard/facilities/", "/safeguard/events/", "/safeguard/events/new/"):
            body = client.get(url).content.decode()
            assert f.code not in body and e.code not in body, (name, url)
        assert client.get(f"/api/safeguard/facilities/{f.code}").status_code == 404, name
        assert client.get(f"/api/safeguard/events/{e.code}").status_code == 404, name
        assert client.get("/api/safeguard/facilities").json()["items"] == [], name
        assert client.get("/api/safeguard/events").json()["items"] == [], name
        overview = client.get("/api/safeguard/overview").json()
        assert overview["facilities"] == 0 and overview["by_month"] == [], name
    # the list API never carries a location
    listed = client_for("mobile").get("/api/safeguard/facilities").json()["items"][0]
    assert "lon" not in listed and "lat" not in listed and "address" not in listed


def test_operators_see_only_their_own_facilities(users, sites, facility, client_for):
    own = facility()
    theirs = facility(actor=users["telecom"], site=sites["telecom"], name="电信 枢纽站")
    for name, mine, other in (("mobile", own, theirs), ("telecom", theirs, own)):
        client = client_for(name)
        codes = [x["code"] for x in client.get("/api/safeguard/facilities").json()["items"]]
        assert codes == [mine.code], name
        assert client.get(f"/safeguard/facilities/{other.code}/").status_code == 404
    both = [x["code"] for x in client_for("cac").get("/api/safeguard/facilities").json()["items"]]
    assert both == [own.code, theirs.code]


@pytest.mark.clause("zj", "31")
def test_register_assess_and_handle_an_event_through_the_pages(users, sites, client_for):
    mobile, cac = client_for("mobile"), client_for("cac")
    form = {"name": "移动 枢纽站", "kind": "site", "criticality": "2", "site": "S-SEC-1", "region": "",
            "address": "", "lon": "", "lat": "", "protection": "门禁", "_once": "f-1"}
    first = mobile.post("/safeguard/facilities/new/", form)
    again = mobile.post("/safeguard/facilities/new/", form)  # the same form sent twice
    assert first.status_code == 302 and again.status_code == 302 and CriticalFacility.objects.count() == 1
    f = CriticalFacility.objects.get()
    url = f"/safeguard/facilities/{f.code}/"
    assert first["Location"] == url
    page = mobile.get(url).content.decode()
    assert str(FacilityKind.SITE.label) in page and ">site<" not in page
    assert 'id="action-assess"' in page and 'id="action-retire"' in page and 'id="action-rate"' not in page
    assert 'id="action-rate"' in cac.get(url).content.decode()

    mobile.post(f"{url}assess/", {"assessor_name": "第三方测评机构", "assessed_on": "2026-11-16", "scope": "数据安全",
                                  "severity_1": "high", "description_1": "<script>alert(1)</script>",
                                  "measure_1": "关闭", "_once": "a-1"})
    assert SecurityAssessment.objects.get().conclusion == "high"
    page = mobile.get(url).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page  # escaped

    body = {"facility": f.code, "title": "伪基站", "description": "周边发现伪基站", "source": "monitoring",
            "category": "fake_station", "severity": "general", "detected_on": "2026-11-16", "_once": "e-1"}
    created = mobile.post("/safeguard/events/new/", body)
    assert created.status_code == 302 and SecurityEvent.objects.count() == 1
    e = SecurityEvent.objects.get()
    event_url = f"/safeguard/events/{e.code}/"
    page = cac.get(event_url).content.decode()
    assert str(Severity.GENERAL.label) in page and ">general<" not in page and 'id="action-warn"' in page
    assert mobile.post(f"{event_url}warn/", {"warning": "x", "_once": "m"}).status_code == 403
    cac.post(f"{event_url}warn/", {"warning": "请核查", "_once": "c-1"})
    cac.post(f"{event_url}analyse/", {"analysis": "研判", "category": "fake_station", "severity": "general",
                                      "_once": "c-2"})
    mobile.post(f"{event_url}respond/", {"response": "已联合公安查处", "responded_on": "2026-11-16", "_once": "m-2"})
    cac.post(f"{event_url}close/", {"conclusion": "办结", "_once": "c-3"})
    e.refresh_from_db()
    assert e.state == EventState.CLOSED
    overview = cac.get("/safeguard/").content.decode()
    assert "2026年11月" in overview and 'id="by-state"' in overview
    assert client_for("mobile").get("/api/safeguard/overview").json()["by_month"] == [
        {"month": "2026-11", "detected": 1, "open": 0, "handled": 1}]


def test_bad_input_gives_a_field_error_and_writes_nothing(users, sites, client_for):
    mobile = client_for("mobile")
    response = mobile.post("/safeguard/facilities/new/", {"name": "机房", "kind": "core_room", "criticality": "1",
                                                          "region": "330402", "lon": "east", "lat": "30.7",
                                                          "_once": "bad-1"})
    assert response.status_code == 200 and response.context["form"].errors.get("lon")
    assert not CriticalFacility.objects.exists()
    bad = mobile.post("/api/safeguard/facilities", {"name": "x", "kind": "site", "criticality": "2",
                                                    "site": "S-SEC-2"}, content_type="application/json")
    assert bad.status_code == 422 and "site" in str(bad.json())  # S-SEC-2 is telecom's
    assert client_for("cac").post("/api/safeguard/facilities", {"name": "x", "kind": "site", "criticality": "2",
                                                                "site": "S-SEC-1"},
                                  content_type="application/json").status_code == 403
    assert not CriticalFacility.objects.exists()


def test_the_api_records_an_event_once_and_takes_the_steps(users, facility, client_for):
    f = facility()
    mobile, cac = client_for("mobile"), client_for("cac")
    body = {"facility": f.code, "title": "异常登录", "description": "管理面异常登录", "source": "monitoring",
            "category": "intrusion", "severity": "serious"}
    created = mobile.post("/api/safeguard/events", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = mobile.post("/api/safeguard/events", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201 and again.status_code == 201 and SecurityEvent.objects.count() == 1
    code = created.json()["code"]
    assert created.json()["due"] == "2026-11-18" and created.json()["actions"] == []
    # another operator's facility, or none: a field of the body, answered as a field error (422), never a 404 that
    # would tell the facility exists
    for facility in (f.code, "NO-SUCH-FACILITY", ""):
        refused = client_for("telecom").post("/api/safeguard/events", {**body, "facility": facility},
                                             content_type="application/json")
        assert refused.status_code == 422 and "facility" in str(refused.json()), facility
    bad = mobile.post("/api/safeguard/events", {**body, "severity": "huge"}, content_type="application/json")
    assert bad.status_code == 422 and "severity" in str(bad.json())
    step = f"/api/safeguard/events/{code}/warn"
    assert mobile.post(step, {"warning": "x"}, content_type="application/json").status_code == 403
    detail = cac.post(step, {"warning": "请核查"}, content_type="application/json").json()
    assert detail["state"] == "warned" and "analyse" in detail["actions"]
    assert cac.post(f"/api/safeguard/events/{code}/close", {"conclusion": "x"},
                    content_type="application/json").status_code == 422  # not responded yet
    assert cac.post(f"/api/safeguard/events/{code}/nope", {}, content_type="application/json").status_code == 404
    assessed = mobile.post(f"/api/safeguard/facilities/{f.code}/assess",
                           {"assessor_name": "自评", "assessed_on": "2026-11-16", "scope": "全面",
                            "findings": [{"severity": "low", "description": "x", "measure": "y"}]},
                           content_type="application/json").json()
    assert assessed["assessment_due"] == "2027-11-16" and assessed["assessments"][0]["conclusion"] == "low"
    overview = cac.get("/api/safeguard/overview").json()
    assert overview["facilities"] == 1 and overview["without_assessment"] == []
    assert {x["value"]: x["count"] for x in overview["by_state"]}["warned"] == 1
    assert services  # the module is importable through the app
