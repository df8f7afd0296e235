"""The platform on Dask: a run started from the web page computes on the scheduler named by
``settings.ROLLOUT5G_DASK_SCHEDULER`` (a local one here), with the job's progress and the same results as a local
run; and a run's GIS outputs: the server table, RFC 7946 gaps, the location probability on the page."""

import csv
import datetime as dt
import json

import pytest
import rasterio

from rollout5g.coverage import services
from rollout5g.coverage.choices import RunScope
from rollout5g.coverage.gaps import rings_follow_rfc7946
from rollout5g.coverage.models import CoverageRun
from rollout5g.jobs.models import Job, JobStatus
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


def test_a_run_started_from_the_page_computes_on_the_dask_scheduler(client_for, station, settings, users):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        settings.ROLLOUT5G_DASK_SCHEDULER = cluster.scheduler_address
        assert services.dask_scheduler() == cluster.scheduler_address
        c = client_for("office")
        response = c.post("/coverage/", {"scope": "key_areas", "key_areas": [station.pk], "resolution_m": 25,
                                         "model": "uma", "los_mode": "weighted", "band": "", "rsrp_min": -105,
                                         "sinr_min": -3, "location_probability": "0.9", "as_of": "2021-12-31"})
        run = CoverageRun.objects.order_by("-pk").first()
        assert response.status_code == 302 and response["Location"] == f"/coverage/runs/{run.pk}/"
        assert run_queued_jobs() == 1
        assert "compute_chunks" in cluster.scheduler.task_prefixes, "the chunks were tasks of the scheduler"
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.SUCCEEDED and job.progress == 1.0 and job.result["backend"] == "dask"
    assert run.backend == "dask" and run.location_probability == 0.9
    html = c.get(f"/coverage/runs/{run.pk}/").content.decode()
    assert 'id="key-area-table"' in html and f"{100 * run.results.get().covered_share:.1f}%" in html
    # the same run computed locally gives the same numbers and the same rasters
    settings.ROLLOUT5G_DASK_SCHEDULER = None
    local = services.start_run(users["office"], scope=RunScope.KEY_AREAS, key_areas=[station], resolution_m=25,
                               as_of=AS_OF)
    run_queued_jobs()
    local.refresh_from_db()
    assert local.backend in ("cpu", "gpu")
    assert local.results.get().covered_pixels == run.results.get().covered_pixels
    with rasterio.open(run.output_dir / "rsrp.tif") as a, rasterio.open(local.output_dir / "rsrp.tif") as b:
        assert (a.read(1) == b.read(1)).all()


def test_run_outputs_are_gis_ready(client_for, station, users):
    run = services.start_run(users["office"], scope=RunScope.KEY_AREAS, key_areas=[station], resolution_m=25,
                             as_of=AS_OF, location_probability=0.95)
    run_queued_jobs()
    run.refresh_from_db()
    c = client_for("office")
    html = c.get(f"/coverage/runs/{run.pk}/").content.decode()
    assert 'id="run-probability"' in html and "95" in html
    for name in ("server.csv", "server.json", "gaps.geojson", "rsrp.tif"):
        assert f"/coverage/runs/{run.pk}/files/{name}" in html, name
    # the server table covers every index of server.tif
    table = c.get(f"/coverage/runs/{run.pk}/files/server.csv")
    assert table.status_code == 200 and table["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(b"".join(table.streaming_content).decode().splitlines()))
    indices = {int(r["index"]) for r in rows}
    with rasterio.open(run.output_dir / "server.tif") as v:
        server = v.read(1)
        assert v.tags()["LOCATION_PROBABILITY"] == "0.95"
    assert set(server[server >= 0].tolist()) <= indices
    assert {r["operator"] for r in rows} >= {"jx-mobile"} and all(r["site_id"] for r in rows)
    # gaps: RFC 7946 — WGS-84 (no crs member), counter-clockwise exterior rings
    gaps = c.get(f"/coverage/runs/{run.pk}/gaps.geojson")
    assert gaps["Content-Type"] == "application/geo+json"
    doc = gaps.json()
    assert "crs" not in doc and doc["location_probability"] == 0.95
    assert doc["features"], "the station has gaps at 95 %"
    for f in doc["features"]:
        assert rings_follow_rfc7946(f["geometry"])
        lon, lat = f["geometry"]["coordinates"][0][0][0]
        assert 120 < lon < 122 and 30 < lat < 31.5
    stored = json.loads((run.output_dir / "gaps.geojson").read_text())
    assert [f["properties"]["key_area_id"] for f in stored["features"]] == [station.pk]
    assert all(rings_follow_rfc7946(f["geometry"]) for f in stored["features"])


def test_site_recommendation_computes_the_existing_coverage_on_the_dask_scheduler(settings):
    """The recommendation's raster part (the existing network's coverage of the area) goes to the scheduler too,
    and gives the result of a local run."""
    from dask.distributed import LocalCluster
    from shapely.geometry import box

    from rollout5g.organizations.models import Organization
    from rollout5g.platform.actors import SYSTEM
    from rollout5g.resources.recommend import recommend_sites
    from rollout5g.resources.services import resource_create

    lon0, lat0 = 120.933, 30.686  # 余新镇, a gap of the registry world
    owner = Organization.objects.get(code="jx-jiacheng-group")
    resource_create(actor=SYSTEM, owner=owner, code="T-D1", name="test T-D1", kind="gov_rooftop", lon=lon0 + 0.005,
                    lat=lat0 + 0.003, height_m=30.0)
    area = box(lon0 - 0.0157, lat0 - 0.0135, lon0 + 0.0157, lat0 + 0.0135)
    settings.ROLLOUT5G_DASK_SCHEDULER = None
    local = recommend_sites(area=area, n_sites=1, resolution_m=100.0)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        settings.ROLLOUT5G_DASK_SCHEDULER = cluster.scheduler_address
        on_dask = recommend_sites(area=area, n_sites=1, resolution_m=100.0)
        assert "compute_chunk_masks" in cluster.scheduler.task_prefixes
    assert on_dask["proposals"] == local["proposals"]
    assert on_dask["share_before"] == local["share_before"]
