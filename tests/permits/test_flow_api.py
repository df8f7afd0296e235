"""The Done-when batch (a new tower, a rooftop, a smart pole) through the JSON API: acceptance with a one-time
notice, resubmission, parallel review, one joint survey, one decision with a QR-verifiable certificate; access
from outside; every state change in the audit history and the timeline."""

import io

import pytest
from django.test import Client

from rollout5g.permits.models import Application, ApprovalItem
from rollout5g.permits.selectors import timeline
from rollout5g.sites.models import Site

pytestmark = pytest.mark.django_db
API = "/api/approvals"

#: Reviewer account of each department of the Jiaxing rules (core demo users plus this app's demo reviewers).
REVIEWERS = {"jx-nrp": "planning", "jx-housing": "construction", "jx-dei": "radio", "jx-ecology": "ecology",
             "jx-law-enforcement": "roads", "jx-power": "power"}


def post(client, path, data=None, status=200):
    r = client.post(path, data or {}, content_type="application/json")
    assert r.status_code == status, r.content.decode()
    return r.json()


def upload(client, code, material, name="doc.pdf"):
    f = io.BytesIO(b"%PDF-1.4 " + material.encode())
    f.name = name
    r = client.post(f"{API}/{code}/materials", {"material": material, "file": f})
    assert r.status_code == 200, r.content.decode()


@pytest.mark.clause("zj", "1", level="built")
@pytest.mark.clause("jx", "三(四)", level="partial")
def test_batch_of_three_sites_end_to_end(client_for, batch_sites):
    mobile, office = client_for("mobile"), client_for("office")
    bad = post(mobile, f"{API}/", {"title": "x", "project_code": "2026-33040-63-03-1"}, status=422)
    assert "2026-33040-63-03-1" in bad["detail"]  # the message names what was typed, in the reader's language
    app = post(mobile, f"{API}/", {"title": "南湖 三站", "project_code": "2026-330402-63-03-000777",
                                   "contact_name": "王工", "contact_phone": "0573-1"})
    code = app["application_code"]
    for site in batch_sites:
        app = post(mobile, f"{API}/{code}/sites", site)
    site_codes = [s["site_code"] for s in app["sites"]]
    assert len(site_codes) == 3 and all(Site.objects.get(code=c).state == "planned" for c in site_codes)
    required = {m["code"] for m in app["required_materials"]}
    assert {"site_plan", "design_drawings", "traffic_plan", "radio_parameters", "power_application"} <= required
    for material in sorted(required - {"design_drawings"}):
        upload(mobile, code, material)
    app = post(mobile, f"{API}/{code}/submit", {})
    assert app["state"] == "received"
    assert all(Site.objects.get(code=c).state == "applied" for c in site_codes)
    by_site = {}
    for i in ApprovalItem.objects.filter(application__code=code).select_related("item_type", "app_site__site"):
        by_site.setdefault(i.app_site.site.code, []).append(i.item_type.code)
    tower, rooftop, pole = site_codes
    assert sorted(by_site[tower]) == ["construction_permit", "emf_registration", "planning_permit",
                                      "power_connection", "radio_station_licence"]
    assert sorted(by_site[rooftop]) == ["emf_registration", "radio_station_licence"]
    assert "road_permit" in by_site[pole] and "construction_permit" not in by_site[pole]

    # acceptance: two departments flag the exact document / field; one notice carries everything
    post(client_for("planning"), f"{API}/{code}/flags",
         {"target": "material", "ref": "site_plan", "message": "间距未标注", "site_code": tower})
    post(client_for("roads"), f"{API}/{code}/flags", {"target": "field", "ref": "contact_name",
                                                      "message": "需填写现场负责人"})
    post(client_for("roads"), f"{API}/{code}/flags", {"target": "field", "ref": "nonsense", "message": "x"},
         status=422)
    post(client_for("police"), f"{API}/{code}/flags", {"target": "field", "ref": "title", "message": "x"},
         status=404)  # no item in this application: it cannot even see it
    post(office, f"{API}/{code}/accept", {}, status=422)  # flags open: notice first
    app = post(office, f"{API}/{code}/notice", {})
    assert app["state"] == "notice_issued"
    notice = {(d["target"], d["ref"]) for d in app["deficiencies"] if d["in_notice"]}
    assert notice == {("material", "design_drawings"), ("material", "site_plan"), ("field", "contact_name")}
    post(mobile, f"{API}/{code}/resubmit", {}, status=422)  # the drawing is still missing
    upload(mobile, code, "design_drawings")
    upload(mobile, code, "site_plan", "site_plan_v2.pdf")
    app = post(mobile, f"{API}/{code}/resubmit", {})
    assert app["state"] == "received" and all(d["resolved"] for d in app["deficiencies"])
    post(office, f"{API}/{code}/notice", {}, status=422)  # only one notice
    app = post(office, f"{API}/{code}/accept", {})
    assert app["state"] == "under_review" and len(app["items"]) == 12
    assert {i["state"] for i in app["items"]} == {"in_review"}

    # parallel review: every department sees its own items at once
    queue = client_for("planning").get(f"{API}/queue").json()
    assert {q["department"] for q in queue} == {"jx-nrp"} and {q["application"] for q in queue} >= {code}
    planning_item = next(q["id"] for q in queue if q["application"] == code)
    post(client_for("planning"), f"{API}/{code}/items/{planning_item}/decide",
         {"approve": True, "reasons": "ok"}, status=422)  # needs the joint survey first
    post(client_for("radio"), f"{API}/{code}/items/{planning_item}/decide", {"approve": True, "reasons": "ok"},
         status=403)  # not radio's item

    # one joint survey; the community is consulted first (the planning permit's rule)
    app = post(office, f"{API}/{code}/survey", {"on": "2026-11-25", "meeting_point": "塔位"})
    assert app["state"] == "survey_scheduled" and app["joint_survey"]["state"] == "scheduled"
    post(office, f"{API}/{code}/survey/hold", {"on": "2026-11-25", "record": "ok"}, status=422)
    post(office, f"{API}/{code}/survey/consultation", {"on": "2026-11-24", "notes": "居民无异议"})
    post(office, f"{API}/{code}/survey/hold", {"on": "2026-11-25", "record": "三站均具备建设条件"})
    for dept, user in REVIEWERS.items():
        app = post(client_for(user), f"{API}/{code}/survey/sign", {"opinion": f"{dept} 同意", "on": "2026-11-26"})
    assert app["state"] == "under_review"
    assert sorted(app["joint_survey"]["signed_by"]) == sorted(REVIEWERS)

    # every department decides its items with reasons; the applicant sees every comment
    for dept, user in REVIEWERS.items():
        c = client_for(user)
        mine = [i for i in c.get(f"{API}/{code}").json()["items"]]
        assert mine and {i["department"] for i in mine} == {dept}  # a department sees only its own items
        post(c, f"{API}/{code}/comments", {"text": f"{dept} 审查意见", "item": mine[0]["id"]})
        for item in mine:
            app = post(c, f"{API}/{code}/items/{item['id']}/decide",
                       {"approve": True, "reasons": f"{dept} 符合规定", "on": "2026-11-27"})
    app = mobile.get(f"{API}/{code}").json()
    assert app["state"] == "decided" and app["decision"] == "approved"
    orgs_commenting = {c["organization"] for c in app["comments"]}
    assert set(REVIEWERS) <= orgs_commenting
    assert all(Site.objects.get(code=c).state == "approved" for c in site_codes)

    # one certificate, verifiable anonymously through its QR URL, revocable
    cert = app["certificate"]
    pdf = mobile.get(f"/approvals/{code}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    anonymous = Client()
    page = anonymous.get(cert["verify_path"])
    assert page.status_code == 200 and cert["number"] in page.content.decode()
    verify = anonymous.get(f"{API}/verify/{cert['verify_path'].rstrip('/').split('/')[-1]}").json()
    assert verify["revoked"] is False and len(verify["permissions"]) == 12
    post(mobile, f"{API}/{code}/certificate/revoke", {"reason": "x"}, status=403)
    post(office, f"{API}/{code}/certificate/revoke", {"reason": "站址变更"})
    assert anonymous.get(cert["verify_path"]).content.decode().count("站址变更") == 1
    assert anonymous.get("/approvals/verify/not-a-token/").status_code == 404

    # export for the provincial platform
    export = mobile.get(f"{API}/{code}/export").json()
    assert export["format"] == "rollout5g.approval-application/1"
    assert export["project_code"] == "2026-330402-63-03-000777" and len(export["items"]) == 12

    # every state change is in the audit history and the application's timeline
    application = Application.objects.get(code=code)
    states = [e.after.get("state") for e in timeline(application)
              if e.object_type == "permits.application" and e.after and "state" in e.after]
    assert states == ["draft", "received", "notice_issued", "received", "under_review", "survey_scheduled", "under_review",
                      "decided"]
    item_events = [e for e in timeline(application) if e.object_type == "permits.approvalitem"
                   and e.action == "transition" and e.after.get("state") == "approved"]
    assert len(item_events) == 12
    page = mobile.get(f"/approvals/{code}/").content.decode()
    assert 'id="timeline"' in page and "证书已撤销" in page  # "certificate revoked"


def test_access_from_outside(client_for, users):
    done = Application.objects.get(title__contains="城市核心区")  # the demo's decided application (China Mobile)
    # another operator: 404 on the page and the API, and not in its list
    telecom = client_for("telecom")
    assert telecom.get(f"/approvals/{done.code}/").status_code == 404
    assert telecom.get(f"{API}/{done.code}").status_code == 404
    assert done.code not in {a["code"] for a in telecom.get(f"{API}/").json()}
    assert {a["applicant"] for a in telecom.get(f"{API}/").json()} == {"jx-telecom"}
    # a department without items in it: 404; with items: only its own items
    assert client_for("police").get(f"{API}/{done.code}").status_code == 404
    roads = client_for("roads").get(f"{API}/{done.code}").json()
    assert {i["department"] for i in roads["items"]} == {"jx-law-enforcement"}
    queue = client_for("ecology").get(f"{API}/queue").json()
    assert queue and {q["department"] for q in queue} == {"jx-ecology"}
    # anonymous: the login page for private pages, 401 for the API, status only on the public lookup
    anonymous = Client()
    assert anonymous.get(f"/approvals/{done.code}/").status_code == 302
    assert anonymous.get(f"{API}/{done.code}").status_code == 401
    status = anonymous.get(f"{API}/status/{done.code}").json()
    assert status["state"] == "decided" and "applicant" not in status and "sites" not in status
    page = anonymous.get("/approvals/status/", {"code": done.code})
    text = page.content.decode()
    assert page.status_code == 200 and done.code in text
    assert done.applicant.name not in text and done.sites.first().site.code not in text and "王工" not in text
    assert anonymous.get("/approvals/status/", {"code": "YJS209900001"}).status_code == 404
    draft = Application.objects.get(state="draft", title__startswith="[示例]")
    assert anonymous.get(f"{API}/status/{draft.code}").status_code == 404  # drafts are not public
    # writes: an operator cannot accept, a department cannot create
    received = Application.objects.get(state="received", title__startswith="[示例]")
    post(client_for(received.applicant.users.first().username), f"{API}/{received.code}/accept", {}, status=403)
    post(client_for("planning"), f"{API}/", {"title": "x"}, status=403)  # declared: operators (and the office) add


def test_pages(client_for):
    done = Application.objects.get(title__contains="城市核心区")
    mobile, planning, office = client_for("mobile"), client_for("planning"), client_for("office")
    home = mobile.get("/approvals/").content.decode()
    assert done.code in home and 'id="new-application"' in home
    queue = planning.get("/approvals/").content.decode()
    assert 'id="review-queue"' in queue
    assert 'id="approval-summary"' in office.get("/approvals/").content.decode()
    assert mobile.get("/approvals/new/").status_code == 200
    r = mobile.post("/approvals/new/", {"title": "页面草稿", "project_code": "2026-330402-63-03-000888"})
    app = Application.objects.get(title="页面草稿")
    assert r.status_code == 302 and r["Location"].endswith(f"/approvals/{app.code}/")
    mobile.post(f"/approvals/{app.code}/do/add-site/", {"name": "页面 楼顶", "lon": "120.75", "lat": "30.75",
                                                        "site_type": "rooftop", "on_existing_building": "on",
                                                        "transmitting": "on", "band": "n78",
                                                        "antenna_height_m": "35", "azimuths": "0,120,240",
                                                        "total_power_w": "200"})
    assert app.sites.count() == 1
    page = mobile.get(f"/approvals/{app.code}/").content.decode()
    assert 'data-material="emf_assessment"' in page and 'id="submit-form"' in page
    # the reviewer's page has the coverage-aware panel
    review = Application.objects.get(state="under_review", title__startswith="[示例]")
    page = planning.get(f"/approvals/{review.code}/").content.decode()
    assert 'class="card review"' in page and 'class="gained"' in page and "电磁辐射达标距离" in page
    assert Client().get("/approvals/rules/").status_code == 200
    assert mobile.get(f"/approvals/{done.code}/export.json").json()["application_code"] == done.code
