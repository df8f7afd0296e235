"""The EMF pages and API over HTTP: the public page and the request form without login, no private data shown
publicly, refusals by role and organization, a field error that writes nothing, retried POSTs that create nothing
twice, escaped science articles."""

import json

import pytest
from django.test import Client

from rollout5g.emf import services
from rollout5g.emf.models import MeasurementRequest, MonitoringResult, SciencePost, SitePage

pytestmark = pytest.mark.django_db


@pytest.mark.clause("jx", "三(四)-2", level="partial")
def test_the_public_page_in_plain_words_without_login(users, published, site):
    services.result_record(actor=users["ecology"], site=site, point="南湖路 1 号 门口", measured_on="2026-11-10",
                           value=0.6, unit="V/m", instrument="NBM-550")
    anonymous = Client()
    listing = anonymous.get("/emf/sites/").content.decode()
    assert "测试基站 南湖一号" in listing and "S-EMF-1" not in listing
    page = anonymous.get(f"/emf/sites/{published.code}/").content.decode()
    band = published.estimate.bands[0]
    assert "46.7" in page  # the limit f/7500 at 3.5 GHz, 46.7 μW/cm²
    assert f"{band.percent:.2f}" in page  # its share, as the estimate computed it
    assert "南湖路一带" in page and "0.600" in page and "NBM-550" in page
    for private in ("S-EMF-1", str(site.lon)[:8], "南湖路 1 号</dd>"):  # no site code, no coordinates
        assert private not in page
    assert 'id="action-publish"' not in page and 'id="page-history"' not in page
    api = anonymous.get(f"/api/emf/sites/{published.code}").json()
    assert api["bands"][0]["band"] == "n78" and api["results"][0]["value"] == 0.6 and api["actions"] == []


def test_a_draft_is_not_public_and_steps_are_refused_over_http(users, page, client_for):
    url = f"/emf/sites/{page.code}/"
    assert Client().get(url).status_code == 404
    assert Client().get(f"/api/emf/sites/{page.code}").status_code == 404
    assert client_for("ecology").get(url).status_code == 200
    assert 'id="action-publish"' in client_for("ecology").get(url).content.decode()
    assert client_for("unicom").get(url).status_code == 404  # not its site
    assert client_for("mobile").post(f"{url}publish/").status_code == 403  # may read, may not publish
    assert client_for("planning").post("/emf/sites/new/", {"site": "S-EMF-2"}).status_code == 200  # form page…
    assert not SitePage.objects.filter(site__code="S-EMF-2").exists()  # …and nothing written
    assert client_for("ecology").post(f"{url}publish/", {"_once": "p-1"}).status_code == 302
    page.refresh_from_db()
    assert page.state == "published"


def test_the_request_form_no_login_once_and_private(published, client_for):
    form = {"name": "李四", "phone": "13812345678", "place": "南湖路 5 号", "description": "担心辐射",
            "page": published.code, "_once": "form-token-1"}
    first = Client().post("/emf/request/", form)
    again = Client().post("/emf/request/", form)  # the same form sent twice
    assert first.status_code == 302 and again.status_code == 302 and first["Location"] == again["Location"]
    row = MeasurementRequest.objects.get()
    assert row.page == published
    status = Client().get(first["Location"]).content.decode()
    assert row.code in status and "13812345678" not in status and "李四" not in status
    assert Client().get(f"/emf/request/{row.code}/wrong-key/").status_code == 404
    assert "13812345678" not in Client().get(f"/emf/sites/{published.code}/").content.decode()
    # the department sees who asked; another department and an operator do not
    assert "13812345678" in client_for("ecology").get(f"/emf/requests/{row.code}/").content.decode()
    assert client_for("planning").get(f"/emf/requests/{row.code}/").status_code == 404
    assert client_for("mobile").get("/emf/requests/").status_code == 403
    assert client_for("planning").post(f"/emf/requests/{row.code}/answer/", {"answer": "x"}).status_code == 404


def test_bad_input_gives_a_field_error_and_writes_nothing(client_for):
    response = Client().post("/emf/request/", {"name": "王五", "phone": "abc", "place": "x", "_once": "t"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert MeasurementRequest.objects.count() == 0
    response = client_for("ecology").post("/emf/results/new/", {
        "point": "p", "measured_on": "2026-11-10", "value": "1", "unit": "mW", "height_m": "1.7", "instrument": "i"})
    assert response.status_code == 200 and MonitoringResult.objects.count() == 0


def test_api_request_once_per_token_and_answer(users, published, client_for):
    body = {"name": "赵六", "phone": "13900001111", "place": "南湖路 7 号", "token": "api-token-1"}
    first = Client().post("/api/emf/requests", json.dumps(body), content_type="application/json")
    again = Client().post("/api/emf/requests", json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"] and MeasurementRequest.objects.count() == 1
    assert "phone" not in first.json() and "name" not in first.json()
    code = first.json()["code"]
    ecology = client_for("ecology")
    detail = ecology.get(f"/api/emf/requests/{code}").json()
    assert detail["actions"] == ["schedule", "answer", "decline"] and detail["phone"] == "13900001111"
    refused = client_for("planning").post(f"/api/emf/requests/{code}/decline", json.dumps({"answer": "x"}),
                                          content_type="application/json")
    assert refused.status_code == 404
    bad = ecology.post(f"/api/emf/requests/{code}/answer", json.dumps({"answer": ""}),
                       content_type="application/json")
    assert bad.status_code == 422
    done = ecology.post(f"/api/emf/requests/{code}/decline", json.dumps({"answer": "该处为配电房，非通信基站"}),
                        content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "declined"
    assert Client().get(f"/api/emf/requests/{code}").status_code == 401


@pytest.mark.clause("jx", "三(四)-2", level="partial")
def test_science_articles_are_published_and_escaped(users, client_for):
    post = services.post_create(actor=users["ecology"], title="5G基站辐射知多少", summary="科普",
                                body="第一段<script>alert(1)</script>\n\n第二段")
    assert Client().get(f"/emf/science/{post.code}/").status_code == 404
    assert client_for("mobile").post(f"/emf/science/{post.code}/publish/").status_code == 404  # a draft is not seen
    assert client_for("ecology").post(f"/emf/science/{post.code}/publish/").status_code == 302
    refused = client_for("planning").post(f"/emf/science/{post.code}/withdraw/", {"reason": "x"})
    assert refused.status_code == 403  # seen (published), not its article
    page = Client().get(f"/emf/science/{post.code}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert post.title in Client().get("/emf/science/").content.decode()
    assert SciencePost.objects.get().state == "published"
