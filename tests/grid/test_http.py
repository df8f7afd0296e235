"""Pages and API of the power-supply assurance over HTTP: who may do what, form and API errors, a retried POST,
and the public summary that names no company, site or price."""

import datetime as dt
from decimal import Decimal

import pytest

from rollout5g.grid import services
from rollout5g.grid.choices import OutageKind
from rollout5g.grid.models import Finding, OutageNotice, SpecialCheck, TransferSupplyPrice

from .conftest import at

pytestmark = pytest.mark.django_db


def _notice(users, sites):
    return services.outage_notify(actor=users["power"], kind="planned", sites=[sites["s1"], sites["s3"]],
                                  starts_at=at("2026-11-10 08:00"), expected_end=at("2026-11-10 12:00"),
                                  notified_at=at("2026-11-07 08:00"))


@pytest.mark.clause("jx", "三(四)", level="partial")
def test_notify_acknowledge_and_restore_through_the_pages(users, sites, client_for):
    power = client_for("power")
    form = {"kind": "unplanned", "starts_at": "2026-11-16T08:00", "expected_end": "2026-11-16T12:00",
            "sites": "S-GRID-1, S-GRID-2", "area": "测试线", "reason": "故障", "_once": "tok-1"}
    first = power.post("/power/outages/new/", form)
    again = power.post("/power/outages/new/", form)  # the same form sent twice
    assert first.status_code == 302 and again.status_code == 302
    assert OutageNotice.objects.count() == 1
    notice = OutageNotice.objects.get()
    url = f"/power/outages/{notice.code}/"
    assert first["Location"] == url

    page = client_for("mobile").get(url).content.decode()
    assert str(OutageKind.UNPLANNED.label) in page and ">unplanned<" not in page  # labels, not internal values
    ack = notice.acks.get(organization__code="jx-mobile")
    assert f'id="ack-{ack.pk}"' in page and 'id="action-restore"' not in page
    other = notice.acks.get(organization__code="jx-tower")
    # telecom has no site in this notice: it does not see it; tower may not acknowledge mobile's row
    assert client_for("unicom").get(url).status_code == 404
    assert client_for("tower").post(f"{url}acknowledge/", {"ack": ack.pk}).status_code == 403
    assert client_for("mobile").post(f"{url}acknowledge/", {"ack": ack.pk}).status_code == 302
    ack.refresh_from_db()
    other.refresh_from_db()
    assert ack.state == "acknowledged" and other.state == "pending"

    assert client_for("mobile").post(f"{url}restore/", {}).status_code == 403
    assert 'id="action-restore"' in power.get(url).content.decode()
    assert power.post(f"{url}restore/", {"actual_end": "2026-11-16T09:30"}).status_code == 302
    notice.refresh_from_db()
    assert notice.state == "restored" and notice.hours == Decimal("1.50")

    stats = client_for("office").get("/power/statistics/").content.decode()
    assert 'id="month-table"' in stats and "2026-11" in stats


def test_the_notice_form_shows_field_errors_and_writes_nothing(users, sites, client_for):
    response = client_for("power").post("/power/outages/new/", {
        "kind": "planned", "starts_at": "2026-11-16T08:00", "expected_end": "2026-11-16T07:00",
        "sites": "S-GRID-1"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not OutageNotice.objects.exists()
    # a department that is not the power company is told so (no form), an operator is refused
    page = client_for("planning").get("/power/outages/new/")
    assert page.status_code == 200 and 'id="grid-form"' not in page.content.decode()
    assert client_for("mobile").get("/power/outages/new/").status_code == 403


def test_price_and_check_pages(users, sites, reference, client_for):
    tower = client_for("tower")
    bad = tower.post("/power/prices/new/", {"site": "S-GRID-4", "supplier": "某物业", "price_per_kwh": "0.9",
                                            "observed_on": "2026-10-20"})
    assert bad.status_code == 200 and not TransferSupplyPrice.objects.exists()  # S-GRID-4 is on direct supply
    ok = tower.post("/power/prices/new/", {"site": "S-GRID-1", "supplier": "某物业", "price_per_kwh": "0.9",
                                           "observed_on": "2026-10-20", "_once": "p-1"})
    assert ok.status_code == 302 and TransferSupplyPrice.objects.get().markup == Decimal("0.2000")
    assert client_for("market").get("/power/prices/new/").status_code == 403

    market = client_for("market")
    response = market.post("/power/checks/new/", {"title": "专项检查", "period_from": "2026-10-01",
                                                  "period_to": "2026-10-31", "_once": "c-1"})
    check = SpecialCheck.objects.get()
    assert response["Location"] == f"/power/checks/{check.code}/"
    police = client_for("police").post("/power/checks/new/", {"title": "x", "period_from": "2026-10-01",
                                                              "period_to": "2026-10-31"})
    assert police.status_code == 200 and SpecialCheck.objects.count() == 1  # not a checking department
    page = market.get(f"/power/checks/{check.code}/").content.decode()
    price = TransferSupplyPrice.objects.get()
    assert f'id="finding-{price.pk}"' in page
    assert client_for("tower").post(f"/power/checks/{check.code}/finding/",
                                    {"price": price.pk, "order": "x"}).status_code in (403, 404)
    assert market.post(f"/power/checks/{check.code}/finding/", {"price": price.pk, "order": "退还"}).status_code == 302
    finding = Finding.objects.get()
    tower_page = client_for("tower").get(f"/power/checks/{check.code}/").content.decode()
    assert f'id="report-{finding.pk}"' in tower_page and f'id="verify-{finding.pk}"' not in tower_page
    assert client_for("unicom").get(f"/power/checks/{check.code}/").status_code == 404


def test_the_public_summary_names_no_company_site_or_price(users, sites, reference, client):
    notice = _notice(users, sites)
    row = services.price_record(actor=users["tower"], site=sites["s1"], supplier="某某物业有限公司",
                                price_per_kwh="0.9500", observed_on=dt.date(2026, 10, 20))
    page = client.get("/power/summary/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="summary-months"' in text and 'id="summary-prices"' in text
    for private in ("S-GRID-1", "某某物业有限公司", "0.9500", notice.code, row.code, "铁塔"):
        assert private not in text, private
    api = client.get("/api/power/summary").json()
    assert api["prices"] == 1 and api["marked_up"] == 1 and "S-GRID-1" not in str(api)


def test_the_api_notifies_refuses_and_names_the_field(users, sites, reference, client_for):
    power = client_for("power")
    body = {"kind": "planned", "starts_at": "2026-11-20T08:00:00+08:00", "expected_end": "2026-11-20T12:00:00+08:00",
            "sites": ["S-GRID-1"]}
    created = power.post("/api/power/outages", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["sites"] == ["S-GRID-1"]
    code = created.json()["code"]
    assert client_for("mobile").post("/api/power/outages", body, content_type="application/json").status_code == 403
    bad = power.post("/api/power/outages", {**body, "sites": ["NOPE"]}, content_type="application/json")
    assert bad.status_code == 422 and "sites" in str(bad.json())
    detail = client_for("mobile").get(f"/api/power/outages/{code}").json()
    assert detail["actions"] == [] and [a["organization"] for a in detail["acks"]]
    assert client_for("mobile").post(f"/api/power/outages/{code}/cancel", {"reason": "x"},
                                     content_type="application/json").status_code == 403
    assert power.post(f"/api/power/outages/{code}/cancel", {"reason": "改期"},
                      content_type="application/json").json()["state"] == "cancelled"
    price = client_for("tower").post("/api/power/prices", {"site": "S-GRID-1", "supplier": "某物业",
                                                           "price_per_kwh": "0.85", "observed_on": "2026-10-20"},
                                     content_type="application/json")
    assert price.status_code == 201 and price.json()["markup"] == "0.1500"
    by_county = client_for("office").get("/api/power/statistics?by=county").json()
    assert by_county == []  # the only notice was cancelled
