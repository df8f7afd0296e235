"""Background jobs, mounted at /api/jobs: poll a job's status and progress."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from rollout5g.platform.access import VIEW
from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.routes import api_record

from .models import Job

router = Router(tags=["Jobs"], auth=session_or_token)


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    progress: float
    message: str
    params: dict
    result: Any | None
    error: str
    subject_type: str
    subject_id: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/", response=list[JobOut])
def list_jobs(request, kind: str = "", limit: int = Query(50, ge=1, le=1000)):
    qs = Job.objects.restrict(request.user, VIEW)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[:limit])


@router.get("/{job_id}", response=JobOut, openapi_extra=api_record("jobs.Job", "job_id", "pk"))
def get_job(request, job_id: int):
    return get_object_or_404(Job.objects.restrict(request.user, VIEW), pk=job_id)
