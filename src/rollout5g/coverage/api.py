"""JSON API of this capability, mounted at /api/coverage."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.apischema import FeatureCollection
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.regions.models import Region
from rollout5g.sites.models import KeyArea

from . import services
from .choices import LosMode, PathLossModel, RunScope
from .models import CoverageRun
from .views import PAGE_ROLES, gaps_feature_collection

router = Router(tags=["Coverage"])


class RunIn(Schema):
    scope: str = Field(RunScope.CITY, description="city, region (one county) or key_areas")
    region: str = Field("", description="adcode of the county (scope=region); in a province deployment, of the city "
                                        "a whole-city run covers (scope=city; default: the caller's city)")
    key_areas: list[int] = Field([], description="key-area ids (scope=key_areas)")
    resolution_m: float = 20.0
    model: str = PathLossModel.UMA
    los_mode: str = LosMode.WEIGHTED
    band: str = Field("", description="e.g. n78; empty: every band")
    own_cells_only: bool = Field(False, description="operators: only the cells of their organization")
    rsrp_min: float = -105.0
    sinr_min: float = -3.0
    as_of: dt.date | None = Field(None, description="network date (cells on air then); default today")
    location_probability: float = Field(services.DEFAULT_LOCATION_PROBABILITY,
                                        description="0.5 (median), 0.9 or 0.95: share of locations at which a pixel "
                                                    "must meet the thresholds (shadow-fading margin)")
    title: str = ""


class StartedOut(Schema):
    run_id: int
    job_id: int


class AreaResultOut(Schema):
    kind: str
    name: str
    region: str | None = Field(None, alias="region_id")
    key_area: int | None = Field(None, alias="key_area_id")
    pixels: int
    covered_pixels: int
    covered_share: float
    target_share: float | None
    due_year: int | None
    verdict: str
    gap_count: int
    gap_area_m2: float


class RunOut(Schema):
    id: int
    title: str
    scope: str
    region: str | None = Field(None, alias="region_id")
    resolution_m: float
    model: str
    los_mode: str
    band: str
    operator: str | None
    rsrp_min: float
    sinr_min: float
    as_of: dt.date
    location_probability: float
    shared: bool
    created_at: dt.datetime
    status: str
    progress: float
    message: str
    job_id: int | None
    succeeded_at: dt.datetime | None
    cell_count: int | None
    pixel_count: int | None
    covered_share: float | None
    seconds: float | None

    @staticmethod
    def resolve_operator(obj):
        return obj.operator.code if obj.operator_id else None

    @staticmethod
    def resolve_status(obj):
        return obj.job.status if obj.job_id else ("succeeded" if obj.succeeded else "unknown")

    @staticmethod
    def resolve_progress(obj):
        return obj.job.progress if obj.job_id else (1.0 if obj.succeeded else 0.0)

    @staticmethod
    def resolve_message(obj):
        return obj.job.message if obj.job_id else ""


class RunDetailOut(RunOut):
    results: list[AreaResultOut]

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.order_by("kind", "name"))


def _runs(request):
    user = request.user
    if user.is_authenticated and not (user.is_superuser or user.role in PAGE_ROLES):
        raise HttpError(403, "coverage runs are for the programme office, departments and operators")
    return CoverageRun.objects.restrict(user).select_related("job", "operator")


@router.post("/runs", response={201: StartedOut}, auth=session_or_token,
             summary="Start a coverage run (a background job); returns the run id and the job id")
@idempotent
def start_run(request, payload: RunIn):
    region = None
    if payload.region:
        region = Region.objects.filter(pk=payload.region).first()
        if region is None:
            raise ValidationError({"region": f"unknown adcode {payload.region!r}"})
    key_areas = list(KeyArea.objects.filter(pk__in=payload.key_areas))
    missing = sorted(set(payload.key_areas) - {a.pk for a in key_areas})
    if missing:
        raise ValidationError({"key_areas": f"unknown ids {missing}"})
    run = services.start_run(
        request.user, scope=payload.scope, region=region, key_areas=key_areas, resolution_m=payload.resolution_m,
        model=payload.model, los_mode=payload.los_mode, band=payload.band, own_cells_only=payload.own_cells_only,
        rsrp_min=payload.rsrp_min, sinr_min=payload.sinr_min, as_of=payload.as_of,
        location_probability=payload.location_probability, title=payload.title,
    )
    return 201, {"run_id": run.pk, "job_id": run.job_id}


@router.get("/runs", response=list[RunOut], summary="Coverage runs you may see, newest first", openapi_extra=PUBLIC_API)
def list_runs(request, limit: int = Query(50, ge=1, le=1000)):
    return list(_runs(request).order_by("-pk")[:limit])


@router.get("/runs/{run_id}", response=RunDetailOut, summary="A run: status, progress and the area results",
            openapi_extra=api_record("coverage.CoverageRun", "run_id", "pk", public=True))
def get_run(request, run_id: int):
    return get_object_or_404(_runs(request), pk=run_id)


@router.get("/runs/{run_id}/gaps.geojson", response=FeatureCollection, summary="Gap polygons of the run's key areas (RFC 7946 GeoJSON: WGS-84, counter-clockwise outer rings)", openapi_extra=PUBLIC_API)
def run_gaps(request, run_id: int, area: int | None = None):
    run = get_object_or_404(_runs(request), pk=run_id)
    return JsonResponse(gaps_feature_collection(run, area), json_dumps_params={"ensure_ascii": False})
