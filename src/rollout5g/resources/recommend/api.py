"""Site recommendation API, mounted at /api/open-list/recommend: queue a recommendation (a background job) and
read its progress and result. Operators and the programme office only; the result is the job's JSON."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent

from .config import RecommendError
from .selectors import recommendations_for
from .services import can_recommend, submit_recommendation

router = Router(tags=["Site recommendation"], auth=session_or_token)


class RecommendIn(Schema):
    area: str | None = None  # "key_area:<id>" or "region:<adcode>"
    polygon: dict | None = None  # or a WGS-84 GeoJSON polygon
    n_sites: int | None = None
    target_share: float | None = None  # 0-1
    band: str = "n78"
    operator: str | None = None  # organization code: only this operator's existing cells
    method: str = "greedy"  # or "exact"
    min_spacing_m: float = 250.0
    resolution_m: float = 50.0


class SubmittedOut(Schema):
    job_id: int
    status: str
    url: str


class RecommendationOut(Schema):
    job_id: int
    title: str
    status: str
    progress: float
    message: str
    error: str
    params: dict
    created_at: datetime
    finished_at: datetime | None
    result: Any | None


def _check(request):
    if not can_recommend(request.user):
        raise HttpError(403, "site recommendation is for operators and the programme office")


@router.post("", response={201: SubmittedOut}, summary="Queue a site recommendation")
@idempotent
def submit(request, payload: RecommendIn):
    _check(request)
    if (payload.area is None) == (payload.polygon is None):
        raise HttpError(422, "give either area ('key_area:<id>' or 'region:<adcode>') or polygon")
    if not 10 <= payload.resolution_m <= 500:
        raise HttpError(422, f"resolution_m must be 10-500 m, got {payload.resolution_m:g}")
    if payload.n_sites is not None and payload.n_sites < 1:
        raise HttpError(422, f"n_sites must be >= 1, got {payload.n_sites}")
    if payload.target_share is not None and not 0 < payload.target_share <= 1:
        raise HttpError(422, f"target_share must be in (0, 1], got {payload.target_share}")
    try:
        job = submit_recommendation(actor=request.user, area=payload.area or payload.polygon,
                                    n_sites=payload.n_sites, target_share=payload.target_share, band=payload.band,
                                    operator=payload.operator, method=payload.method,
                                    min_spacing_m=payload.min_spacing_m, resolution_m=payload.resolution_m)
    except RecommendError as exc:
        raise HttpError(422, str(exc)) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return 201, {"job_id": job.pk, "status": job.status, "url": f"/api/open-list/recommend/{job.pk}"}


@router.get("/{job_id}", response=RecommendationOut, summary="Progress and result of a recommendation")
def result(request, job_id: int):
    _check(request)
    job = get_object_or_404(recommendations_for(request.user), pk=job_id)
    return {"job_id": job.pk, "title": job.title, "status": job.status, "progress": job.progress,
            "message": job.message, "error": job.error, "params": job.params, "created_at": job.created_at,
            "finished_at": job.finished_at, "result": job.result}
