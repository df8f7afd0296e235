"""Coverage pages and API over HTTP: who sees which run, starting runs, the map overlay, downloads and gaps."""

import datetime as dt

import pytest

from rollout5g.coverage import services
from rollout5g.coverage.choices import RunScope
from rollout5g.coverage.models import CoverageRun
from rollout5g.jobs.services import run_queued_jobs
from rollout5g.sites.models import KeyArea

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2021, 12, 31)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def station():
    return KeyArea.objects.get(name="嘉兴南站")


@pytest.fixture
def mobile_run(client_for, station):
    """China Mobile's run on its own cells, started through the API."""
    c = client_for("mobile")
    response = c.post("/api/coverage/runs", {"scope": "key_areas", "key_areas": [station.pk], "resolution_m": 25,
                                             "own_cells_only": True, "as_of": "2021-12-31"},
                      content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    run = CoverageRun.objects.get(pk=body["run_id"])
    assert run.job_id == body["job_id"] and run.operator.code == "jx-mobile" and not run.shared
    run_queued_jobs()
    run.refresh_from_db()
    return run


def test_operator_run_is_seen_by_its_operator_and_the_office_only(mobile_run, client_for, client):
    pk = mobile_run.pk
    urls = [f"/coverage/runs/{pk}/", f"/api/coverage/runs/{pk}", f"/api/coverage/runs/{pk}/gaps.geojson",
            f"/coverage/runs/{pk}/overlay/rsrp.png", f"/coverage/runs/{pk}/files/summary.json",
            f"/coverage/runs/{pk}/gaps.geojson"]
    for user in ("mobile", "office", "planning"):
        c = client_for(user)
        for url in urls:
            assert c.get(url).status_code == 200, (user, url)
        assert any(r["id"] == pk for r in c.get("/api/coverage/runs").json())
    telecom = client_for("telecom")
    for url in urls:
        assert telecom.get(url).status_code == 404, url
    assert all(r["id"] != pk for r in telecom.get("/api/coverage/runs").json())
    assert f'href="/coverage/runs/{pk}/"' not in telecom.get("/coverage/").content.decode()
    enterprise = client_for("enterprise")
    assert enterprise.get("/coverage/").status_code == 403
    assert enterprise.get(f"/coverage/runs/{pk}/").status_code == 403
    assert enterprise.get("/api/coverage/runs").status_code == 403
    assert client.get("/coverage/").status_code == 302  # anonymous: to the login page
    assert client.get(f"/api/coverage/runs/{pk}").status_code == 404
    assert client.post("/api/coverage/runs", {}, content_type="application/json").status_code == 401


def test_office_whole_network_run_is_shared_with_every_operator(users, client_for, station):
    run = services.start_run(users["office"], scope=RunScope.KEY_AREAS, key_areas=[station], resolution_m=50,
                             as_of=AS_OF)
    assert run.shared
    for user in ("telecom", "mobile", "unicom"):
        assert client_for(user).get(f"/api/coverage/runs/{run.pk}").status_code == 200
    assert client_for("enterprise").get(f"/api/coverage/runs/{run.pk}").status_code == 403


def test_api_run_detail_has_status_progress_and_area_results(mobile_run, client_for, station):
    body = client_for("mobile").get(f"/api/coverage/runs/{mobile_run.pk}").json()
    assert body["status"] == "succeeded" and body["progress"] == 1.0 and body["operator"] == "jx-mobile"
    (result,) = body["results"]
    assert result["key_area"] == station.pk and result["covered_share"] == mobile_run.results.get().covered_share
    gaps = client_for("mobile").get(f"/api/coverage/runs/{mobile_run.pk}/gaps.geojson").json()
    assert gaps["type"] == "FeatureCollection" and gaps["min_gap_m2"] == 2500
    for f in gaps["features"]:
        assert f["geometry"]["type"] == "MultiPolygon" and f["properties"]["key_area_id"] == station.pk


def test_api_rejects_bad_input_with_reasons(client_for):
    c = client_for("office")
    r = c.post("/api/coverage/runs", {"scope": "region", "region": "999999"}, content_type="application/json")
    assert r.status_code == 422 and "region" in r.json()["detail"]
    r = c.post("/api/coverage/runs", {"scope": "city", "resolution_m": 0.5, "band": "n99"},
               content_type="application/json")
    assert r.status_code == 422 and "resolution_m" in r.json()["detail"] and "band" in r.json()["detail"]
    r = client_for("planning").post("/api/coverage/runs", {}, content_type="application/json")
    assert r.status_code == 403


def test_start_a_run_from_the_page_and_see_its_results(client_for, station):
    c = client_for("office")
    page = c.get("/coverage/")
    assert page.status_code == 200 and 'id="run-form"' in page.content.decode()
    assert 'value="20.0"' in page.content.decode()  # the form defaults to 20 m
    response = c.post("/coverage/", {"scope": "key_areas", "key_areas": [station.pk], "resolution_m": 30,
                                     "model": "uma", "los_mode": "weighted", "band": "", "rsrp_min": -105,
                                     "sinr_min": -3, "as_of": "2021-12-31"})
    run = CoverageRun.objects.order_by("-pk").first()
    assert response.status_code == 302 and response["Location"] == f"/coverage/runs/{run.pk}/"
    pending = c.get(f"/coverage/runs/{run.pk}/").content.decode()
    assert 'id="job-progress"' in pending and 'id="key-area-table"' not in pending
    run_queued_jobs()
    html = c.get(f"/coverage/runs/{run.pk}/").content.decode()
    assert 'id="key-area-table"' in html and "嘉兴南站" in html and 'data-status="succeeded"' in html
    share = run.results.get().covered_share
    assert f"{100 * share:.1f}%" in html
    png = c.get(f"/coverage/runs/{run.pk}/overlay/covered.png")
    assert png["Content-Type"] == "image/png" and b"".join(png.streaming_content)[:4] == b"\x89PNG"
    tif = c.get(f"/coverage/runs/{run.pk}/files/rsrp.tif")
    assert tif.status_code == 200 and "attachment" in tif["Content-Disposition"]
    assert c.get(f"/coverage/runs/{run.pk}/files/secret.txt").status_code == 404
    assert c.get(f"/coverage/runs/{run.pk}/overlay/elevation.png").status_code == 404


def test_form_errors_are_shown_and_nothing_is_started(client_for):
    c = client_for("office")
    before = CoverageRun.objects.count()
    response = c.post("/coverage/", {"scope": "region", "resolution_m": 20, "model": "uma", "los_mode": "weighted",
                                     "rsrp_min": -105, "sinr_min": -3})
    assert response.status_code == 200 and set(response.context["form"].errors) == {"region"}
    assert CoverageRun.objects.count() == before


def test_departments_see_runs_but_cannot_start_one(client_for):
    c = client_for("planning")
    page = c.get("/coverage/")
    assert page.status_code == 200 and 'id="run-form"' not in page.content.decode()
    assert c.post("/coverage/", {"scope": "city"}).status_code == 403
