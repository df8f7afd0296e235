"""Access to every route of the industry workflows, from outside over HTTP: anonymous visitors, a role the route does
not admit, the people who act. Pages name steps and states by their labels, money in ¥ with separators; the API
answers 403 to a refused step and 422 naming the field for bad input."""

import pytest
from django.contrib.messages import get_messages

from rollout5g.incentives.industry_models import (
    Alliance,
    ApplicationCase,
    FirstOfKind,
    IndustryEvent,
    ListingCompany,
    TalentEntry,
    TalentSupport,
)
from rollout5g.organizations.models import Organization
from rollout5g.platform.workflow import declared

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/industry/first/", "/industry/talent/", "/industry/events/", "/industry/gallery/",
                "/industry/alliances/"]
SIGNED_IN_PAGES = ["/industry/listings/", "/industry/talent/support/", "/industry/cases/"]
#: page -> (a role it refuses, a user it admits)
ROLE_PAGES = {
    "/industry/listings/new/": ("enterprise", "jrb"),
    "/industry/first/new/": ("jrb", "enterprise"),
    "/industry/talent/entries/new/": ("enterprise", "talent"),
    "/industry/talent/support/new/": ("enterprise", "talent"),
    "/industry/events/new/": ("enterprise", "office"),
    "/industry/cases/new/": ("office", "enterprise"),
}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_answer_anonymous_visitors(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_signed_in_pages_send_anonymous_visitors_to_the_login(client, client_for, url):
    assert client.get(url).status_code == 302 and "/login" in client.get(url)["Location"]
    assert client_for("enterprise").get(url).status_code == 200


@pytest.mark.parametrize("url", list(ROLE_PAGES))
def test_role_pages_refuse_other_roles_and_admit_the_actors(client, client_for, url):
    refused, admitted = ROLE_PAGES[url]
    assert client.get(url).status_code == 302
    assert client_for(refused).get(url).status_code == 403
    assert client_for(refused).post(url, {}).status_code == 403
    assert client_for(admitted).get(url).status_code == 200


def test_listing_pages_and_steps_over_http(client, client_for):
    jrb = client_for("jrb")
    firm = Organization.objects.get(code="ind-wingtech")
    r = jrb.post("/industry/listings/new/", {"enterprise": firm.pk, "since": "2026-01-05", "note": "重点培育"})
    assert r.status_code == 302
    company = ListingCompany.objects.get(enterprise=firm)
    url = f"/industry/listings/{company.code}/"
    assert client.get(url).status_code == 302  # to the login
    assert client_for("wingtech").get(url).status_code == 200  # the enterprise follows its own stages
    assert client_for("enterprise").get(url).status_code == 404  # another firm does not
    assert client_for("wingtech").post(url + "tutoring/", {"on": "2026-03-01"}).status_code == 403
    r = jrb.post(url + "tutoring/", {"on": "2026-03-01"})
    message = [str(m) for m in get_messages(r.wsgi_request)][-1]
    assert str(declared(ListingCompany, "tutoring").label) in message  # the step's label, not its code
    page = jrb.get(url).content.decode()
    assert "2026年3月1日" in page and 'id="step-apply"' in page and 'id="step-tutoring"' not in page
    r = jrb.post(url + "apply/", {"on": "2026-02-01"})  # before the present stage: refused, named
    assert any("on" in str(m) for m in get_messages(r.wsgi_request))
    assert ListingCompany.objects.get(pk=company.pk).stage == "tutoring"
    assert jrb.post(url + "nonsense/").status_code == 404


def test_first_of_kind_pages_and_evidence_over_http(client, client_for):
    ent = client_for("enterprise")
    r = ent.post("/industry/first/new/", {"kind": "material", "product": "高频覆铜板", "description": "……"})
    assert r.status_code == 302
    a = FirstOfKind.objects.get(product="高频覆铜板")
    url = f"/industry/first/{a.number}/"
    assert ent.post(url + "submit/").status_code == 302 and FirstOfKind.objects.get(pk=a.pk).state == "draft"
    from django.core.files.uploadedfile import SimpleUploadedFile

    ent.post(url + "evidence/", {"evidence": SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4")})
    evidence = a.evidence.get()
    ent.post(url + "submit/")
    assert FirstOfKind.objects.get(pk=a.pk).state == "submitted"
    download = f"/industry/first/evidence/{evidence.pk}/"
    assert ent.get(download).status_code == 200
    assert client_for("industrydept").get(download).status_code == 200
    assert client_for("wingtech").get(download).status_code == 404
    assert client.get(download).status_code == 302
    assert ent.post(url + "recognise/", {"level": "provincial", "document": "x"}).status_code == 403
    client_for("industrydept").post(url + "recognise/", {"level": "provincial", "document": "首批次认定"})
    assert FirstOfKind.objects.get(pk=a.pk).state == "recognised"
    page = client.get(url).content.decode()  # now public, without the evidence
    assert "高频覆铜板" in page and "检测报告.pdf" not in page


def test_talent_pages_over_http(client, client_for):
    talent = client_for("talent")
    r = talent.post("/industry/talent/entries/new/", {"year": "2026", "field": "optical", "title": "硅光芯片封装",
                                                      "level": "high", "shortage": "short"})
    assert r.status_code == 302
    entry = TalentEntry.objects.get(title="硅光芯片封装")
    assert client_for("planning").post(f"/industry/talent/entries/{entry.pk}/retire/").status_code in (403, 404)
    talent.post(f"/industry/talent/entries/{entry.pk}/retire/")
    assert TalentEntry.objects.get(pk=entry.pk).state == "retired"
    r = talent.post("/industry/talent/support/new/", {"kind": "housing", "amount": "abc", "person": "某人"})
    assert r.status_code == 200 and 'class="error"' in r.content.decode()  # the form again, with the error
    assert not TalentSupport.objects.filter(person="某人").exists()
    r = talent.post("/industry/talent/support/new/", {"kind": "housing", "amount": "88000.5", "person": "某人"})
    support = TalentSupport.objects.get(person="某人")
    assert r.status_code == 302
    page = talent.get("/industry/talent/support/").content.decode()
    assert "¥88,000.50" in page
    url = f"/industry/talent/support/{support.number}/revoke/"
    assert client_for("office").post(url, {"note": "x"}).status_code == 403
    talent.post(url, {"note": "离职"})
    assert TalentSupport.objects.get(pk=support.pk).state == "revoked"


def test_event_and_case_pages_over_http(client, client_for, today):
    office = client_for("office")
    r = office.post("/industry/events/new/", {"kind": "forum", "title": "5G论坛（测试）", "starts_on": today.isoformat(),
                                              "ends_on": today.isoformat(), "place": "会场", "organiser": "市经信局"})
    assert r.status_code == 302
    event = IndustryEvent.objects.get(title="5G论坛（测试）")
    assert client.get(f"/industry/events/{event.code}/").status_code == 200
    assert client_for("enterprise").post(f"/industry/events/{event.code}/cancel/", {"note": "x"}).status_code == 403
    office.post(f"/industry/events/{event.code}/cancel/", {"note": "天气原因"})
    assert IndustryEvent.objects.get(pk=event.pk).state == "cancelled"
    r = client_for("enterprise").post("/industry/cases/new/", {"title": "5G远程运维（测试）", "field": "other",
                                                               "summary": "摘要"})
    case = ApplicationCase.objects.get(title="5G远程运维（测试）")
    assert r.status_code == 302 and case.state == "submitted"
    assert client_for("enterprise").post(f"/industry/cases/{case.number}/publish/").status_code == 403
    office.post(f"/industry/cases/{case.number}/publish/")
    assert client.get(f"/industry/cases/{case.number}/").status_code == 200
    assert "5G远程运维（测试）" in client.get("/industry/gallery/").content.decode()


def test_alliance_pages_over_http(client, client_for):
    pole = Alliance.objects.get(kind="smart_pole")
    url = f"/industry/alliances/{pole.code}/"
    assert client.get(url).status_code == 200
    assert client.post(url + "activity/", {}).status_code == 302  # to the login
    saisi = Organization.objects.get(code="ind-saisi")
    assert client_for("unicom").post(url + "admit/", {"organization": saisi.pk}).status_code == 403
    client_for("tower").post(url + "admit/", {"organization": saisi.pk})
    assert pole.memberships.filter(organization=saisi, left_on__isnull=True).exists()
    page = client_for("tower").get(url).content.decode()
    assert 'id="action-activity"' in page and 'id="action-admit"' in page
    assert 'id="action-admit"' not in client_for("unicom").get(url).content.decode()


# -- API -------------------------------------------------------------------------------------------------------------
def test_api_of_the_workflows(client, client_for):
    jrb, ent = client_for("jrb"), client_for("enterprise")
    body = {"enterprise": "ind-wingtech", "since": "2026-02-02"}
    r = jrb.post("/api/industry/listings", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["stage"] == "cultivating" and "tutoring" in r.json()["actions"]
    code = r.json()["code"]
    assert ent.post(f"/api/industry/listings/{code}/tutoring", {}, content_type="application/json").status_code \
        in (403, 404)
    r = jrb.post(f"/api/industry/listings/{code}/tutoring", {"on": "2026-01-01"}, content_type="application/json")
    assert r.status_code == 422 and "on" in r.content.decode()
    r = jrb.post(f"/api/industry/listings/{code}/tutoring", {"on": "2026-03-03"}, content_type="application/json")
    assert r.status_code == 200 and [c["stage"] for c in r.json()["changes"]] == ["cultivating", "tutoring"]
    counts = jrb.get("/api/industry/listings/counts").json()
    assert any(row["year"] == 2026 and row["stages"]["tutoring"] >= 1 for row in counts)
    assert client.get("/api/industry/listings").status_code == 401
    r = client_for("talent").post("/api/industry/talent/support", {"kind": "research", "amount": "-1", "person": "x"},
                                  content_type="application/json")
    assert r.status_code == 422 and "amount" in r.content.decode()
    r = ent.post("/api/industry/talent/support", {"kind": "research", "amount": "1", "person": "x"},
                 content_type="application/json")
    assert r.status_code == 403
    assert client.get("/api/industry/talent/catalogue").status_code == 200
    assert client.get("/api/industry/alliances").status_code == 200
    r = ent.post("/api/industry/cases", {"title": "API案例", "field": "vr", "summary": "s"},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "submitted"
    assert client.get(f"/api/industry/cases/{r.json()['number']}").status_code == 404  # not yet published


# -- the existing industry pages read in labels and yuan -------------------------------------------------------------
def test_claim_ledger_and_clause_pages_show_labels_and_yuan_not_codes(client, client_for):
    from rollout5g.incentives.models import Application

    paid = Application.objects.get(project_ref="demo:paid")
    page = client_for("office").get(f"/industry/applications/{paid.number}/").content.decode()
    history = page[page.index('id="application-history"'):]
    assert str(declared(Application, "pay").label) in history and "→ paid" not in history
    assert "pay:" not in history and "claw_back" not in history
    assert f"¥{paid.granted_amount:,.2f}" in page
    facts = page[page.index('id="facts"'):]
    assert "equipment_investment" not in facts[:facts.index("</td>")]  # the facts by their labels
    ledger = client_for("office").get("/industry/ledger/").content.decode()
    assert "jx-5g-smart-upgrade-subsidy" not in ledger and "¥" in ledger
    index = client.get("/industry/").content.decode()
    for code in ("half_up_fen", "equipment_investment", "pilot_project", "jx-5g-pilot-award", "highest"):
        assert code not in index, code
    assert "¥1,500,000" in index  # the national pilot award
