"""Pages and API of the interference complaints over HTTP: who may do what, form and API errors, a retried POST,
labels not internal values, and nothing of a complaint shown to anyone outside its two parties."""

import pytest

from rollout5g.spectrum import services
from rollout5g.spectrum.choices import ComplaintState, SourceKind
from rollout5g.spectrum.models import InterferenceComplaint, Measurement

pytestmark = pytest.mark.django_db

FORM = {"site": "S-RADIO-1", "cell": "", "band": "n78", "freq_low_mhz": "3400", "freq_high_mhz": "3500",
        "started_on": "2026-11-12", "symptoms": "底噪抬升", "_once": "tok-1"}


@pytest.mark.clause("zj", "32")
def test_report_and_investigate_through_the_pages(users, sites, client_for):
    mobile, radio = client_for("mobile"), client_for("radio")
    first = mobile.post("/spectrum/complaints/new/", FORM)
    again = mobile.post("/spectrum/complaints/new/", FORM)  # the same form sent twice
    assert first.status_code == 302 and again.status_code == 302
    assert InterferenceComplaint.objects.count() == 1
    c = InterferenceComplaint.objects.get()
    url = f"/spectrum/complaints/{c.code}/"
    assert first["Location"] == url

    page = radio.get(url).content.decode()
    assert str(ComplaintState.REPORTED.label) in page and ">reported<" not in page
    assert 'id="action-monitor"' in page and 'id="action-confirm"' not in page
    assert 'id="action-monitor"' not in mobile.get(url).content.decode()

    # the operator cannot take radio management's step (403), the form posts of radio management work
    assert mobile.post(f"{url}monitor/", {"_once": "m1"}).status_code == 403
    assert radio.post(f"{url}monitor/", {"_once": "r1"}).status_code == 302
    radio.post(f"{url}measure/", {"measured_on": "2026-11-16", "frequency_mhz": "3455", "level_dbm": "-58",
                                  "place": "楼顶", "_once": "r2"})
    radio.post(f"{url}measure/", {"measured_on": "2026-11-16", "frequency_mhz": "3455", "level_dbm": "-58",
                                  "place": "楼顶", "_once": "r2"})  # retried
    assert Measurement.objects.count() == 1
    bad = radio.post(f"{url}identify/", {"source_kind": "nonsense", "description": "x", "_once": "r3"}, follow=True)
    assert "source_kind" in bad.content.decode() or "nonsense" in bad.content.decode()
    radio.post(f"{url}identify/", {"source_kind": "jammer", "description": "考场屏蔽器", "_once": "r4"})
    radio.post(f"{url}resolve/", {"resolution": "屏蔽器已关闭", "resolved_on": "2026-11-16", "_once": "r5"})
    page = mobile.get(url).content.decode()
    assert str(SourceKind.JAMMER.label) in page and 'id="action-confirm"' in page
    mobile.post(f"{url}confirm/", {"_once": "m2"})
    c.refresh_from_db()
    assert c.state == ComplaintState.CLOSED

    stats = radio.get("/spectrum/statistics/").content.decode()
    assert "n78" in stats and "2026-11" in stats


def test_bad_form_input_gives_a_field_error_and_writes_nothing(users, sites, client_for):
    response = client_for("mobile").post("/spectrum/complaints/new/", {**FORM, "freq_high_mhz": "3300"})
    assert response.status_code == 200
    assert response.context["form"].errors.get("freq_high_mhz")
    assert not InterferenceComplaint.objects.exists()
    # a department may not open the report form
    assert client_for("radio").get("/spectrum/complaints/new/").status_code == 403


def test_nothing_is_shown_outside_the_parties(users, sites, client, client_for, report):
    c = report()
    url, api = f"/spectrum/complaints/{c.code}/", f"/api/spectrum/complaints/{c.code}"
    # anonymous: the pages ask for a login, the API refuses
    assert client.get(url).status_code in (302, 403) and client.get("/spectrum/").status_code in (302, 403)
    assert client.get(api).status_code in (401, 403)
    assert client.get("/api/spectrum/complaints").status_code in (401, 403)
    # another operator and an unrelated department: nothing, not in lists, details or statistics
    for name in ("telecom", "police"):
        other = client_for(name)
        assert other.get(url).status_code == 404
        assert c.code not in other.get("/spectrum/").content.decode()
        assert other.get(api).status_code == 404
        assert other.get("/api/spectrum/complaints").json()["items"] == []
        assert other.get("/api/spectrum/statistics").json() == []
    # the parties and the programme office see it
    for name in ("mobile", "radio", "office"):
        assert client_for(name).get(url).status_code == 200


def test_the_api_reports_refuses_and_names_the_field(users, sites, client_for):
    mobile, radio = client_for("mobile"), client_for("radio")
    body = {"band": "n41", "freq_low_mhz": "2515", "freq_high_mhz": "2615", "symptoms": "干扰",
            "started_on": "2026-11-10", "site": "S-RADIO-2"}
    created = mobile.post("/api/spectrum/complaints", body, content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="k-1")
    again = mobile.post("/api/spectrum/complaints", body, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201 and again.status_code == 201
    assert InterferenceComplaint.objects.count() == 1
    code = created.json()["code"]
    assert created.json()["investigator"] == "jx-dei" and created.json()["due"] == "2026-12-14"
    assert radio.post("/api/spectrum/complaints", body, content_type="application/json").status_code == 403
    bad = mobile.post("/api/spectrum/complaints", {**body, "band": "x"}, content_type="application/json")
    assert bad.status_code == 422 and "band" in str(bad.json())
    assert InterferenceComplaint.objects.count() == 1

    step = f"/api/spectrum/complaints/{code}/monitor"
    assert mobile.post(step, {}, content_type="application/json").status_code == 403
    detail = radio.post(step, {}, content_type="application/json").json()
    assert detail["state"] == "monitoring" and "measure" in detail["actions"]
    wrong = radio.post(f"/api/spectrum/complaints/{code}/resolve", {"resolution": "x"},
                       content_type="application/json")
    assert wrong.status_code == 422
    measured = radio.post(f"/api/spectrum/complaints/{code}/measure", {"measured_on": "2026-11-16",
                          "frequency_mhz": "2600", "level_dbm": "-71.5"}, content_type="application/json").json()
    assert measured["measurements"][0]["level_dbm"] == "-71.5"
    assert radio.post(f"/api/spectrum/complaints/{code}/nope", {}, content_type="application/json").status_code == 404
    stats = radio.get("/api/spectrum/statistics").json()
    assert stats == [{"band": "n41", "month": "2026-11", "received": 1, "resolved": 0, "open": 1,
                      "within_limit": 0, "mean_days": None, "sources": {}}]


def test_an_unknown_complaint_is_404(users, client_for):
    assert client_for("radio").get("/spectrum/complaints/GR-0000-0000/").status_code == 404
    assert services  # the module is importable through the app
