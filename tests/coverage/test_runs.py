"""Coverage runs in the platform: the job, its stored results against the rasters it wrote, gaps, the indicator,
restart after a dead worker, and access over HTTP."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import rasterio
from django.core.exceptions import PermissionDenied, ValidationError
from rasterio.features import rasterize
from shapely.geometry import shape

from rollout5g.core.radio.grid import project_geometry
from rollout5g.coverage import services
from rollout5g.coverage.choices import ResultKind, RunScope, Verdict
from rollout5g.coverage.models import CoverageAreaResult, CoverageRun
from rollout5g.coverage.selectors import coverage_share_indicator, key_area_coverage
from rollout5g.jobs.models import Job, JobStatus
from rollout5g.jobs.services import _claim_next, requeue_stale_jobs, run_queued_jobs
from rollout5g.organizations.models import Organization
from rollout5g.policy.indicators import observe
from rollout5g.policy.models import Indicator
from rollout5g.regions.models import Region
from rollout5g.sites.models import KeyArea

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2021, 12, 31)
WUZHEN = "乌镇镇区"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _run_job(run) -> CoverageRun:
    run_queued_jobs()
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return run


@pytest.fixture
def wuzhen_run(users):
    """Both key areas of area type 乌镇镇区 (the town and the conference venue inside it) at 50 m."""
    areas = KeyArea.objects.filter(area_type=WUZHEN)
    assert areas.count() == 2
    run = services.start_run(users["office"], scope=RunScope.KEY_AREAS, key_areas=list(areas), resolution_m=50,
                             as_of=AS_OF)
    return _run_job(run)


def _covered_share_from_rasters(run, geometry):
    """Covered share recomputed from the GeoTIFFs the job wrote, with the polygon rasterised by pixel centre."""
    with rasterio.open(run.output_dir / "rsrp.tif") as r, rasterio.open(run.output_dir / "sinr.tif") as s, \
            rasterio.open(run.output_dir / "server.tif") as v:
        rsrp, sinr, server, transform, crs = r.read(1), s.read(1), v.read(1), r.transform, r.crs
    mask = rasterize([(project_geometry(shape(geometry), crs.to_string()), 1)], out_shape=rsrp.shape,
                     transform=transform, fill=0, all_touched=False, dtype="uint8").astype(bool)
    # covered at the run's location probability: both thresholds raised by its shadow-fading margin
    m = run.margin_db
    covered = (server >= 0) & (rsrp >= run.rsrp_min + m) & (sinr >= run.sinr_min + m)
    return int(mask.sum()), int((covered & mask).sum()), covered, mask, transform


def test_key_area_run_results_equal_the_rasters(wuzhen_run):
    run = wuzhen_run
    assert run.succeeded and run.cell_count > 1000 and run.backend in ("cpu", "gpu")
    results = list(run.results.order_by("name"))
    assert [r.kind for r in results] == [ResultKind.KEY_AREA] * 2
    for r in results:
        pixels, covered, *_ = _covered_share_from_rasters(run, r.key_area.geometry)
        assert (r.pixels, r.covered_pixels) == (pixels, covered)
        assert r.covered_share == pytest.approx(covered / pixels)
        assert r.target_share == r.key_area.coverage_share_target and r.due_year == r.key_area.due_year
        assert r.verdict == (Verdict.MET if r.covered_share >= r.target_share else Verdict.NOT_MET)  # due 2019
    summary = json.loads((run.output_dir / "summary.json").read_text())
    assert {a["name"]: a["covered_share"] for a in summary["areas"]} == {r.name: r.covered_share for r in results}
    assert summary["pixels"] == run.pixel_count and summary["cells"] == run.cell_count and summary["run"] == run.pk
    for layer in ("rsrp", "sinr", "covered"):
        assert (run.output_dir / f"overlay-{layer}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (south, west), (north, east) = run.overlay["bounds"]
    town = shape(KeyArea.objects.get(name="乌镇镇区").geometry)
    assert west <= town.bounds[0] and east >= town.bounds[2] and south <= town.bounds[1] and north >= town.bounds[3]


def test_gap_polygons_lie_inside_the_area_and_cover_the_uncovered_pixels(wuzhen_run):
    run = wuzhen_run
    r = run.results.get(name="乌镇镇区")
    assert r.covered_share < 1 and r.gap_count > 0
    area = shape(r.key_area.geometry)
    gaps = shape(r.gaps)
    assert gaps.is_valid and area.buffer(1e-6).contains(gaps)  # clipped to the area (1e-6° ~ 0.1 m of rounding)
    pixels, covered, *_ = _covered_share_from_rasters(run, r.key_area.geometry)
    uncovered_m2 = (pixels - covered) * run.resolution_m ** 2
    # pixels at the boundary stick out by up to half a pixel, simplification moves edges by up to half a pixel:
    # kept + dropped gap area matches the uncovered pixels' area within 10 %
    assert r.gap_area_m2 + r.dropped_gap_m2 == pytest.approx(uncovered_m2, rel=0.10)
    assert all(p.area >= 0 for p in getattr(gaps, "geoms", [gaps]))
    gaps_utm = project_geometry(gaps, "EPSG:32651")
    assert gaps_utm.area == pytest.approx(r.gap_area_m2, rel=0.01)
    assert min(p.area for p in gaps_utm.geoms) >= 2500 * 0.99


@pytest.mark.clause("jx", "二(三)6", level="partial")
def test_the_indicator_comes_from_the_latest_run(wuzhen_run, users):
    indicator = Indicator.objects.get(key="jx-coverage-wuzhen-town")
    region = Region.objects.get(pk="330483")
    rows = list(wuzhen_run.results.all())
    pooled = Decimal(sum(r.covered_pixels for r in rows)) / Decimal(sum(r.pixels for r in rows))
    assert coverage_share_indicator(indicator, region, AS_OF) == pooled.quantize(Decimal("0.0001"))
    obs = observe(indicator, region, AS_OF)
    assert obs.value == pooled.quantize(Decimal("0.0001")) and obs.source == "computed: coverage.share"
    # a run on an earlier network is not used for a later date when a newer one exists, and a run on a later
    # network never measures an earlier target
    early = _run_job(services.start_run(users["office"], scope=RunScope.KEY_AREAS,
                                        key_areas=list(KeyArea.objects.filter(area_type=WUZHEN)), resolution_m=50,
                                        as_of=dt.date(2019, 6, 30)))
    early_rows = list(early.results.all())
    early_share = Decimal(sum(r.covered_pixels for r in early_rows)) / Decimal(sum(r.pixels for r in early_rows))
    assert early_share != pooled  # (at 90 % a denser network is not always better covered: more interference)
    assert coverage_share_indicator(indicator, region, AS_OF) == pooled.quantize(Decimal("0.0001"))
    # (the demo's own runs are of the networks at the ends of 2019-2021: 30 September 2019 sees only the early run)
    assert coverage_share_indicator(indicator, region, dt.date(2019, 9, 30)) == early_share.quantize(Decimal("0.0001"))
    assert coverage_share_indicator(indicator, region, dt.date(2019, 1, 1)) is None  # no run of a network that old
    # an operator's own-cells run is not the city's coverage
    mobile_only = _run_job(services.start_run(users["mobile"], scope=RunScope.KEY_AREAS, own_cells_only=True,
                                              key_areas=list(KeyArea.objects.filter(area_type=WUZHEN)),
                                              resolution_m=50, as_of=AS_OF))
    assert mobile_only.operator.code == "jx-mobile"
    assert coverage_share_indicator(indicator, region, AS_OF) == pooled.quantize(Decimal("0.0001"))
    # the indicator is at 90 % location probability: a later run at the median (50 %) does not replace it
    median = _run_job(services.start_run(users["office"], scope=RunScope.KEY_AREAS, location_probability=0.5,
                                         key_areas=list(KeyArea.objects.filter(area_type=WUZHEN)), resolution_m=50,
                                         as_of=AS_OF))
    assert median.location_probability == 0.5 and median.covered_share > wuzhen_run.covered_share
    assert coverage_share_indicator(indicator, region, AS_OF) == pooled.quantize(Decimal("0.0001"))
    assert key_area_coverage()[0]["location_probability"] == 0.9


@pytest.mark.clause("jx", "二(一)4", level="partial")
@pytest.mark.clause("jx", "二(三)6", level="partial")
def test_key_area_coverage_for_the_dashboard(wuzhen_run):
    rows = key_area_coverage(run=wuzhen_run)
    assert {r["area"] for r in rows} == {"乌镇镇区", "乌镇世界互联网大会会址"}
    one = next(r for r in rows if r["area"] == "乌镇镇区")
    res = wuzhen_run.results.get(name="乌镇镇区")
    assert one["covered_share"] == res.covered_share and one["target"] == 0.95 and one["due_year"] == 2019
    assert one["district"] == "桐乡市" and one["run_id"] == wuzhen_run.pk and one["met"] == (res.covered_share >= 0.95)
    latest = key_area_coverage()
    assert latest and latest[0]["run_id"] == wuzhen_run.pk  # the newest whole-network run


def test_a_job_abandoned_by_a_dead_worker_is_requeued_and_completes(users, data_dir):
    area = KeyArea.objects.get(name="嘉兴南站")
    run = services.start_run(users["office"], scope=RunScope.KEY_AREAS, key_areas=[area], resolution_m=25,
                             as_of=AS_OF)
    # a worker claims the job, writes half of its outputs, a stale row, and dies
    job = _claim_next("worker-that-dies")
    assert job.pk == run.job_id
    run.output_dir.mkdir(parents=True)
    (run.output_dir / "summary.json").write_text("{half written")
    CoverageAreaResult.objects.create(run=run, kind=ResultKind.KEY_AREA, key_area=area, name="stale", pixels=1,
                                      covered_pixels=0, covered_share=0.0)
    later = job.heartbeat_at + dt.timedelta(minutes=5)
    assert requeue_stale_jobs(now=later) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "restarted" in job.message
    run = _run_job(run)
    job.refresh_from_db()
    assert job.attempts == 2 and job.progress == 1.0
    assert list(run.results.values_list("name", flat=True)) == ["嘉兴南站"]
    summary = json.loads((run.output_dir / "summary.json").read_text())
    assert summary["areas"][0]["covered_share"] == run.results.get().covered_share


def test_city_and_region_runs_have_district_rows(users):
    run = services.start_run(users["office"], scope=RunScope.REGION, region=Region.objects.get(pk="330424"),
                             resolution_m=200, as_of=AS_OF)
    run = _run_job(run)
    districts = list(run.results.filter(kind=ResultKind.DISTRICT))
    assert [d.name for d in districts] == ["海盐县"] and districts[0].target_share is None
    assert districts[0].verdict == Verdict.NO_TARGET
    names = set(run.results.filter(kind=ResultKind.KEY_AREA).values_list("name", flat=True))
    assert "海盐县城区" in names and "南湖景区" not in names  # only key areas touching the county
    assert run.pixel_count >= districts[0].pixels  # the union: key areas touching the county may reach out of it


def test_start_run_rejects_bad_input(users):
    office = users["office"]
    with pytest.raises(ValidationError) as exc:
        services.start_run(office, scope=RunScope.REGION, resolution_m=1, model="okumura", band="n99")
    assert set(exc.value.message_dict) == {"region", "resolution_m", "model", "band"}
    with pytest.raises(ValidationError):
        services.start_run(office, scope=RunScope.REGION, region=Region.objects.get(pk="330100"))  # Hangzhou
    with pytest.raises(ValidationError):
        services.start_run(office, scope=RunScope.KEY_AREAS, key_areas=[])
    with pytest.raises(PermissionDenied):
        services.start_run(users["mobile"], operator=Organization.objects.get(code="jx-telecom"))
    for name in ("planning", "enterprise", "owner"):
        with pytest.raises(PermissionDenied):
            services.start_run(users[name])
    assert not CoverageRun.objects.filter(created_by__username__in=["mobile", "planning"]).exists()


def test_verdict_rules():
    assert services.verdict(0.96, 0.95, 2019, AS_OF) == Verdict.MET
    assert services.verdict(0.90, 0.95, 2019, AS_OF) == Verdict.NOT_MET
    assert services.verdict(0.90, 0.95, 2021, AS_OF) == Verdict.NOT_MET  # due this very year: not later
    assert services.verdict(0.90, 0.95, 2025, AS_OF) == Verdict.DUE_LATER
    assert services.verdict(0.90, None, None, AS_OF) == Verdict.NO_TARGET
