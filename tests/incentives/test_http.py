"""Access rules and pages, from the outside through HTTP."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from rollout5g.incentives.models import Application, LedgerEntry
from rollout5g.incentives.selectors import ledger_totals

pytestmark = pytest.mark.django_db

PUBLIC = ["/industry/", "/industry/firms/", "/industry/firms/ind-wingtech/", "/industry/carriers/",
          "/industry/carriers/?kind=park", "/industry/carriers/pk-science-city-5g/", "/industry/pilots/",
          "/industry/pilots/pl-jiali-5g-factory/", "/industry/notices/", "/api/industry/firms",
          "/api/industry/carriers", "/api/industry/pilots", "/api/industry/notices"]
PRIVATE = ["/industry/applications/", "/industry/applications/new/", "/industry/matches/", "/industry/ledger/",
           "/industry/ledger.xlsx"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PRIVATE)
def test_private_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_sees_only_the_notice(client):
    app = Application.objects.get(state="in_notice")
    page = client.get("/industry/notices/").content.decode()
    assert app.project_title in page and "1,703,703.57" in page or "1703703.57" in page
    assert client.get(f"/industry/applications/{app.number}/").status_code == 302
    api = client.get("/api/industry/applications").json()
    assert api["count"] == 0
    assert client.get(f"/api/industry/applications/{app.number}").status_code == 404
    assert client.get("/api/industry/ledger").json()["count"] == 0
    notices = client.get("/api/industry/notices").json()
    assert [n["project_title"] for n in notices] == [app.project_title]
    assert "trace" not in notices[0] and "facts" not in notices[0]


def test_enterprise_sees_only_its_own(client_for, users):
    mine = set(Application.objects.filter(enterprise=users["enterprise"].organization).values_list("number",
                                                                                                   flat=True))
    theirs = Application.objects.exclude(enterprise=users["enterprise"].organization).first()
    c = client_for("enterprise")
    listed = {a["number"] for a in c.get("/api/industry/applications?limit=500").json()["items"]}
    assert listed == mine and mine
    assert c.get(f"/industry/applications/{theirs.number}/").status_code == 404
    assert c.get(f"/api/industry/applications/{theirs.number}").status_code == 404
    assert theirs.project_title not in c.get("/industry/applications/").content.decode()
    entries = {e["application"] for e in c.get("/api/industry/ledger?limit=500").json()["items"]}
    assert entries <= mine
    # acting on another's claim through a POST is refused too
    assert c.post(f"/industry/applications/{theirs.number}/withdraw/").status_code == 404


def test_reviewers_see_their_programme_others_nothing(client_for):
    total = Application.objects.count()
    for reviewer in ("office", "finance"):
        assert client_for(reviewer).get("/api/industry/applications?limit=500").json()["count"] == total
    for outsider in ("police", "mobile", "planning"):
        c = client_for(outsider)
        assert c.get("/api/industry/applications").json()["count"] == 0
        assert c.get(f"/industry/applications/{Application.objects.first().number}/").status_code == 404


def test_apply_review_notice_over_http(client_for, users):
    ent = client_for("enterprise")
    from rollout5g.policy.models import IncentiveClause

    clause = IncentiveClause.objects.get(key="jx-5g-smart-upgrade-subsidy")
    r = ent.post("/industry/applications/new/", {
        "clause": clause.pk, "project_title": "HTTP改造", "project_ref": "t:http", "year": "2021",
        "amount_equipment_investment": "12345678.91", "amount_technology_it_investment": "2345678.37",
        "declare_project": "smart_upgrade_using_5g"})
    assert r.status_code == 302
    app = Application.objects.get(project_ref="t:http")
    assert app.computed_amount == Decimal("1703703.57")
    url = f"/industry/applications/{app.number}/"
    ent.post(url + "invoice/", {"number": "H-1", "issued_on": "2021-03-01", "amount": "12345678.91",
                                "seller": "供应商", "seller_tax_id": "91330400H"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = ent.post(url + "evidence/", {"kind": "invoice", "file": SimpleUploadedFile("inv.pdf", b"%PDF-1.4 x")}, follow=True)
    assert "inv.pdf" in ok.content.decode(), [str(m) for m in ok.context["messages"]]
    bad = ent.post(url + "evidence/", {"kind": "other", "file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "allowed types" in bad.content.decode()
    ent.post(url + "submit/")
    app.refresh_from_db()
    assert app.state == "submitted" and app.evidence.count() == 1
    evidence_url = f"/industry/evidence/{app.evidence.get().pk}/"
    assert client_for("wingtech").get(evidence_url).status_code == 404
    assert client_for("office").get(evidence_url).status_code == 200
    office = client_for("office")
    page = office.get(url).content.decode()
    assert "1,234,567.891" in page and "1,703,703.565" in page
    office.post(url + "review/", {"eligibility_checked": "1", "evidence_checked": "1"})
    office.post(url + "notice/")
    app.refresh_from_db()
    assert app.state == "in_notice"
    # a second claim reusing the invoice is refused with the earlier claim's number
    r = ent.post("/industry/applications/new/", {
        "clause": clause.pk, "project_title": "复用发票", "project_ref": "t:http2", "year": "2022",
        "amount_equipment_investment": "1", "amount_technology_it_investment": "1",
        "declare_project": "smart_upgrade_using_5g"})
    second = Application.objects.get(project_ref="t:http2")
    page = ent.post(f"/industry/applications/{second.number}/invoice/",
                    {"number": "H-1", "issued_on": "2021-03-01", "amount": "1", "seller": "供应商",
                     "seller_tax_id": "91330400H"}, follow=True).content.decode()
    assert app.number in page and "already claimed" in page


def test_ledger_totals_reconcile_and_excel_matches(client_for):
    entries = LedgerEntry.objects.all()
    totals = ledger_totals(entries)
    for kind in ("approved", "paid", "clawed_back"):
        assert totals["all"][kind] == sum((e.amount for e in entries if e.kind == kind), Decimal(0))
        for dim, attr in (("clause", "clause.key"), ("region", "region_id"), ("year", "year")):
            for key, t in totals[dim].items():
                expected = sum((e.amount for e in entries if e.kind == kind
                                and (e.clause.key if attr == "clause.key" else getattr(e, attr)) == key), Decimal(0))
                assert t[kind] == expected
            assert sum((t[kind] for t in totals[dim].values()), Decimal(0)) == totals["all"][kind]
    assert totals["all"]["net_paid"] == totals["all"]["paid"] - totals["all"]["clawed_back"]
    assert totals["all"]["clawed_back"] == Decimal("40000.00")
    response = client_for("office").get("/industry/ledger.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    lines = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(lines) == entries.count()
    by_clause = {row[0]: row[1:] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    for key, t in totals["clause"].items():
        assert [Decimal(str(v)) for v in by_clause[key]] == [t["approved"], t["paid"], t["clawed_back"],
                                                             t["net_paid"]]
    by_year = {row[0]: row[1:] for row in wb.worksheets[3].iter_rows(min_row=2, values_only=True)}
    with translation.override("zh-hans"):  # the export speaks the request's language, Chinese by default
        total = translation.gettext("Total")
    assert Decimal(str(by_year[total][1])) == totals["all"]["paid"] == sum(
        (Decimal(str(r[6])) for r in lines if r[5] == "paid"), Decimal(0))
    api = client_for("office").get("/api/industry/ledger/totals").json()
    assert Decimal(api["all"]["net_paid"]) == totals["all"]["net_paid"]


def test_office_runs_matching_and_enterprise_confirms(client_for):
    office = client_for("office")
    assert office.post("/industry/matches/").status_code == 302
    assert client_for("enterprise").post("/industry/matches/").status_code == 403
    parkco = client_for("parkco")
    page = parkco.get("/industry/matches/").content.decode()
    app = Application.objects.get(project_ref="park:pk-science-city-5g")
    assert app.number in page and app.computed_amount == Decimal("2000000.00")  # provincial, not 2 m + 1 m
    parkco.post(f"/industry/applications/{app.number}/submit/")
    app.refresh_from_db()
    assert app.state == "submitted"


def test_indicator_sources_count_the_registry():
    import datetime as dt

    from rollout5g.policy.indicators import observe
    from rollout5g.policy.models import Indicator
    from rollout5g.regions.models import Region

    jx = Region.objects.get(adcode="330400")
    leading = observe(Indicator.objects.get(key="jx-5g-leading-firms"), jx, dt.date(2021, 12, 31))
    # 5 backbone (闻泰, 德景, 富士康, 富通, 博创) + 2 leading (佳利, 麒盛) + 1 eagle (博为)
    assert leading.value == 8 and leading.source == "computed: industry.leading_firms"
    clusters = observe(Indicator.objects.get(key="jx-5g-industry-clusters"), jx, dt.date(2021, 12, 31))
    assert clusters.value == 4
    parks = observe(Indicator.objects.get(key="zj-5g-industrial-parks"), Region.objects.get(adcode="330000"),
                    dt.date(2020, 12, 31))
    assert parks.value == 1  # the 2021 demo parks are not yet recognised at the end of 2020
