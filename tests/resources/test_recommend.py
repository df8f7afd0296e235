"""Site recommendation: the service on a small area of the demo, its constraints, the exact gap, the CLI, the pages,
the one-step conversion and access, from outside (HTTP, CliRunner)."""

import math

import numpy as np
import pytest
import shapely
from django.utils import translation
from shapely.geometry import box, mapping

from rollout5g.organizations.models import Organization
from rollout5g.platform.actors import SYSTEM
from rollout5g.resources.recommend.config import MACRO, POLE, RecommendError
from rollout5g.resources.recommend.engine import recommend_sites
from rollout5g.resources.recommend.selectors import find_area

# A 3 x 3 km square around 余新镇 (南湖区), a coverage gap of the demo scenario with published plan entries.
LON0, LAT0 = 120.933, 30.686
DLON, DLAT = 0.0157, 0.0135
AREA = box(LON0 - DLON, LAT0 - DLAT, LON0 + DLON, LAT0 + DLAT)
M_PER_DEG_LON = 111320.0 * math.cos(math.radians(LAT0))


def east(lon, metres):
    return lon + metres / M_PER_DEG_LON


@pytest.fixture
def resources(db):
    from rollout5g.resources.services import resource_create

    owner = Organization.objects.get(code="jx-jiacheng-group")

    def make(code, kind, lon, lat, **kw):
        return resource_create(actor=SYSTEM, owner=owner, code=code, name=f"test {code}", kind=kind, lon=lon, lat=lat,
                               **kw)

    school_lon, school_lat = LON0 - 0.008, LAT0 + 0.008
    return {
        "r1": make("T-R1", "gov_rooftop", LON0 + 0.005, LAT0 + 0.003, height_m=30.0),
        "r2": make("T-R2", "street_light_pole", LON0 - 0.008, LAT0 - 0.006),
        "reserved": make("T-R3", "gov_rooftop", LON0 + 0.008, LAT0 - 0.008, availability="reserved",
                         availability_reason="held for the tower company"),
        "school": make("T-R4", "school", school_lon, school_lat),
        "near_school": make("T-R5", "gov_rooftop", east(school_lon, 60.0), school_lat),
        "pole_near_school": make("T-R6", "street_light_pole", east(school_lon, -60.0), school_lat),
        "near_r1": make("T-R7", "gov_rooftop", east(LON0 + 0.005, 100.0), LAT0 + 0.003),
    }


def _xy(lon, lat):
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(lon, lat)


def test_defaults_match_hand_computed_values():
    # 200 W over 273 PRB: 10 log10(200e3 / (12 * 273)) = 17.86 dBm (the demo's n78 macros)
    assert MACRO.rs_power_dbm(273) == pytest.approx(17.86, abs=0.005)
    # EMF main-beam compliance distance: sqrt(P G / (4 pi S)), S = 1/5 x 3500/7500 W/m2 (GB 8702-2014, HJ/T 10.3)
    s_lim = 0.2 * 3500 / 7500
    assert math.sqrt(200 * 10 ** 1.65 / (4 * math.pi * s_lim)) == pytest.approx(87.3, abs=0.1)
    assert math.sqrt(60 * 10 ** 1.25 / (4 * math.pi * s_lim)) == pytest.approx(30.2, abs=0.1)
    assert (MACRO.total_power_w, MACRO.gain_dbi, POLE.total_power_w, POLE.gain_dbi) == (200.0, 16.5, 60.0, 12.5)


def test_recommendation_respects_constraints_and_exact_gap(resources):
    res = recommend_sites(area=AREA, n_sites=6, resolution_m=100.0, method="exact", min_spacing_m=250.0)
    by_code = {p["code"]: p for p in res["proposals"]}
    excluded = {e["code"]: e["reason"] for e in res["excluded"]}
    # availability, EMF (the macro config's 87 m zone reaches the school 60 m away; the pole's 30 m does not;
    # the school roof itself is a sensitive building)
    assert excluded["T-R3"].startswith("not open")
    assert excluded["T-R5"].startswith("EMF compliance distance 87 m reaches school T-R4")
    assert excluded["T-R4"].startswith("EMF")
    assert "T-R6" not in excluded
    assert not {"T-R3", "T-R4", "T-R5"} & set(by_code)
    # spacing between chosen sites
    chosen = np.array([_xy(p["lon"], p["lat"]) for p in res["proposals"]])
    for i in range(len(chosen)):
        for j in range(i + 1, len(chosen)):
            assert np.hypot(*(chosen[i] - chosen[j])) >= 250.0
    assert not {"T-R1", "T-R7"} <= set(by_code)
    # the result is consistent: gains add up, shares grow, the exact optimum bounds the heuristic
    assert res["proposals"], "the gap area must get proposals"
    assert sum(p["gain_weight"] for p in res["proposals"]) == pytest.approx(res["weight_after"] - res["weight_before"])
    gains = [p["gain_weight"] for p in res["proposals"]]
    assert gains == sorted(gains, reverse=True)
    n_new = sum(p["gain_pixels"] for p in res["proposals"])
    assert res["pixel_share_after"] * res["counts"]["pixels"] == pytest.approx(
        res["pixel_share_before"] * res["counts"]["pixels"] + n_new)
    assert res["share_after"] > res["share_before"]
    assert res["status"] == "Optimal"
    assert res["optimum"] >= res["heuristic_objective"]
    assert res["heuristic_gap"] == pytest.approx((res["optimum"] - res["heuristic_objective"]) / res["optimum"])
    greedy = recommend_sites(area=AREA, n_sites=6, resolution_m=100.0, method="greedy", min_spacing_m=250.0)
    assert greedy["objective"] == pytest.approx(res["heuristic_objective"])
    assert set(res["timings"]) == {"area", "existing", "demand", "candidates", "footprints", "solve", "result"}


def test_first_proposal_gain_is_its_whole_footprint_and_target_mode(resources):
    res = recommend_sites(area=mapping(AREA), n_sites=2, resolution_m=100.0)
    first = res["proposals"][0]
    assert first["gain_pixels"] == first["footprint_pixels"] > 0
    assert first["gain_km2"] == pytest.approx(first["gain_pixels"] * 0.01)
    target = min(0.99, res["share_after"])
    tres = recommend_sites(area=AREA, target_share=target, resolution_m=100.0)
    assert tres["target_met"] and tres["share_after"] >= target - 1e-9
    assert len(tres["proposals"]) <= 2


def test_bad_parameters_and_unknown_area(db):
    with translation.override("en"):
        with pytest.raises(RecommendError, match="either a number of new sites or a covered-share target"):
            recommend_sites(area=AREA, n_sites=3, target_share=0.9)
        with pytest.raises(RecommendError, match="Unknown method best; valid: greedy, exact"):
            recommend_sites(area=AREA, n_sites=3, method="best")
        with pytest.raises(RecommendError, match="Band x9 is not supported"):
            recommend_sites(area=AREA, n_sites=3, band="x9")
        with pytest.raises(RecommendError, match="non-empty polygon"):
            recommend_sites(area=shapely.Point(LON0, LAT0), n_sites=3)
    with translation.override("zh-hans"), pytest.raises(RecommendError) as exc:  # the reader's language
        recommend_sites(area=AREA, n_sites=3, band="x9")
    assert "x9" in str(exc.value)
    with translation.override("en"), pytest.raises(RecommendError, match="Unknown area 嘉兴南湖站.*similar: .*嘉兴南站"):
        find_area("嘉兴南湖站")
    assert find_area("南湖区").ref == "region:330402"
    assert find_area("嘉兴科技城").ref.startswith("key_area:")


def test_cli_prints_proposals_and_gap(resources):
    from typer.testing import CliRunner

    from rollout5g.cli import app

    out = CliRunner().invoke(app, ["recommend", "--area", "南湖区", "--sites", "3", "--exact", "--resolution", "200"])
    assert out.exit_code == 0, out.output
    assert "Proposed sites: 南湖区, n78 (exact)" in out.output
    assert "covered share before" in out.output and "-> after" in out.output
    assert "optimum" in out.output and "gap" in out.output
    bad = CliRunner().invoke(app, ["recommend", "--area", "嘉兴南湖站", "--sites", "3"])
    assert bad.exit_code == 2
    assert "嘉兴南湖站" in bad.output and "嘉兴南站" in bad.output  # the unknown name and the similar ones


def _submit(client, **extra):
    data = {"area": "region:330402", "n_sites": "3", "band": "n78", "operator": "", "min_spacing_m": "250",
            "resolution_m": "200", **extra}
    return client.post("/open-list/recommend/", data)


def test_page_flow_and_one_step_conversion(resources, client_for):
    from rollout5g.jobs.services import run_queued_jobs
    from rollout5g.resources.models import SiteRequest
    from rollout5g.sites.models import PlannedSite

    mobile = client_for("mobile")
    mobile.cookies["django_language"] = "en"  # the messages below are read in English
    assert mobile.get("/open-list/recommend/").status_code == 200
    from rollout5g.jobs.models import Job

    n_jobs = Job.objects.count()
    resp = _submit(mobile, area="key_area:999999")
    assert resp.status_code == 200 and 'class="badge red"' in resp.content.decode()
    resp = _submit(mobile, target_share="90")
    assert resp.status_code == 200 and Job.objects.count() == n_jobs
    resp = _submit(mobile)
    assert resp.status_code == 302
    url = resp["Location"]
    page = mobile.get(url)
    assert page.status_code == 200 and 'id="recommend-progress"' in page.content.decode()
    run_queued_jobs()
    partial = mobile.get(url, HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"
    html = mobile.get(url).content.decode()
    assert 'id="proposals"' in html and 'id="recommend-map"' in html
    job_id = int(url.rstrip("/").split("/")[-1])
    proposals = Job.objects.get(pk=job_id).result["proposals"]
    plan_rank = next(p["rank"] for p in proposals if p["source"] == "planned_site")
    before = PlannedSite.objects.count()
    # a special-plan entry cannot become a site request, only a resource can
    resp = mobile.post(f"{url}convert/", {"rank": [plan_rank], "action": "requests"}, follow=True)
    assert "a special-plan entry, not an open-list resource" in resp.content.decode()
    resource_rank = next((p["rank"] for p in proposals if p["source"] == "resource"), None)
    if resource_rank is not None:
        n_req = SiteRequest.objects.count()
        resp = mobile.post(f"{url}convert/", {"rank": [resource_rank], "action": "requests"}, follow=True)
        assert SiteRequest.objects.count() == n_req + 1
        req = SiteRequest.objects.order_by("-pk").first()
        assert req.requester.code == "jx-mobile" and f"job #{job_id}" in req.purpose
        plan_ranks = [resource_rank]
    else:
        plan_ranks = [plan_rank]
    resp = mobile.post(f"{url}convert/", {"rank": plan_ranks + [plan_rank], "action": "plan", "planned_year": "2026"},
                       follow=True)
    text = resp.content.decode()
    assert "already in the special plan" in text
    if resource_rank is not None:
        assert "already converted" in text  # the resource became a site request above
    else:
        assert PlannedSite.objects.count() == before
    # converting again creates nothing
    again = mobile.post(f"{url}convert/", {"rank": [plan_rank], "action": "plan"}, follow=True)
    assert "already in the special plan" in again.content.decode()


def test_conversion_to_planned_site(resources, client_for):
    from rollout5g.audit.services import history_for
    from rollout5g.jobs.models import Job
    from rollout5g.jobs.services import run_queued_jobs
    from rollout5g.sites.models import PlannedSite

    office = client_for("office")
    resp = office.post("/api/open-list/recommend", {"polygon": mapping(AREA), "n_sites": 15, "resolution_m": 100,
                                                    "operator": "jx-mobile"}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    job_id = resp.json()["job_id"]
    assert office.get(f"/api/open-list/recommend/{job_id}").json()["status"] == "queued"
    run_queued_jobs()
    body = office.get(f"/api/open-list/recommend/{job_id}").json()
    assert body["status"] == "succeeded"
    rank = next(p["rank"] for p in body["result"]["proposals"] if p["source"] == "resource")
    resp = office.post(f"/open-list/recommend/{job_id}/convert/", {"rank": [rank], "action": "plan",
                                                                 "planned_year": "2026"}, follow=True)
    plan = PlannedSite.objects.order_by("-pk").first()
    assert plan.organization.code == "jx-mobile" and plan.planned_year == 2026
    assert f"Created: {plan.code}" in resp.content.decode() or plan.code in resp.content.decode()
    job = Job.objects.get(pk=job_id)
    converted = next(p for p in job.result["proposals"] if p["rank"] == rank)["converted"]
    assert converted == {"kind": "planned_site", "id": plan.pk, "code": plan.code}
    assert any(e.action == "create" for e in history_for(plan))


def test_access_is_for_operators_and_the_office(db, client, client_for):
    assert client.get("/open-list/recommend/").status_code == 302  # to the login page
    assert client.post("/api/open-list/recommend", {"area": "region:330402", "n_sites": 2},
                       content_type="application/json").status_code == 401
    enterprise = client_for("enterprise")
    assert enterprise.get("/open-list/recommend/").status_code == 403
    assert enterprise.post("/api/open-list/recommend", {"area": "region:330402", "n_sites": 2},
                           content_type="application/json").status_code == 403
    assert client_for("owner").get("/open-list/recommend/").status_code == 403
    mobile = client_for("mobile")
    resp = mobile.post("/api/open-list/recommend", {"area": "region:330402", "n_sites": 2},
                       content_type="application/json")
    job_id = resp.json()["job_id"]
    # another operator sees neither the page nor the API of mobile's recommendation; the office sees both
    assert client_for("telecom").get(f"/open-list/recommend/{job_id}/").status_code == 404
    assert client_for("telecom").get(f"/api/open-list/recommend/{job_id}").status_code == 404
    assert client_for("office").get(f"/open-list/recommend/{job_id}/").status_code == 200
    # an operator recommends for its own network only; bad input is refused with the reason
    resp = mobile.post("/api/open-list/recommend", {"area": "region:330402", "n_sites": 2, "operator": "jx-telecom"},
                       content_type="application/json")
    assert resp.status_code == 403
    resp = mobile.post("/api/open-list/recommend", {"area": "key_area:999999", "n_sites": 2},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 422 and "Unknown key area" in resp.json()["detail"]
    resp = mobile.post("/api/open-list/recommend", {"area": "region:330402", "n_sites": 2, "target_share": 0.9},
                       content_type="application/json")
    assert resp.status_code == 422
