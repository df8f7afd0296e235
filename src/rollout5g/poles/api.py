"""JSON API of the smart-pole programme, mounted at /api/poles. Standards, retrofit batches and future communities
are public; consolidations are for the people of the programme. Writes call the same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.organizations.models import Organization
from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.workflow import available_actions
from rollout5g.policy.models import PolicyTask
from rollout5g.resources.models import PublicResource

from . import services
from .models import FutureCommunity, PoleConsolidation, RetrofitBatch, StandardDocument
from .selectors import community_progress

router = Router(tags=["Smart poles"])


def _actions(user, obj) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [name for name, ok in available_actions(user, obj).items() if ok]


class StandardOut(Schema):
    code: str
    kind: str
    title: str
    number: str
    publisher: str
    published_on: dt.date
    task: str | None
    deadline: dt.date | None
    timeliness: str
    days_late: int | None

    @staticmethod
    def resolve_task(obj):
        return f"{obj.task.document.key} {obj.task.number}" if obj.task_id else None


class StandardIn(Schema):
    kind: str
    title: str
    publisher: str
    published_on: dt.date
    number: str = ""
    task: str = ""
    link: str = ""
    note: str = ""


class BatchOut(Schema):
    code: str
    year: int
    title: str
    organization: str
    planned_count: int
    done_count: int
    percent: float
    reported_on: dt.date | None

    @staticmethod
    def resolve_organization(obj):
        return str(obj.organization)


class BatchDetailOut(BatchOut):
    actions: list[str]

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class BatchIn(Schema):
    year: int
    title: str
    planned_count: int
    organization: str
    region: str = ""
    note: str = ""


class PoleReportIn(Schema):
    done_count: int
    note: str = ""


class PoleOut(Schema):
    kind: str
    description: str
    owner_name: str
    resource: str | None

    @staticmethod
    def resolve_resource(obj):
        return obj.resource.code if obj.resource_id else None


class ConsolidationOut(Schema):
    code: str
    smart_pole_name: str
    smart_pole: str | None
    county: str
    place: str
    state: str
    done_on: dt.date | None
    poles: list[PoleOut]
    actions: list[str]

    @staticmethod
    def resolve_smart_pole(obj):
        return obj.smart_pole.code if obj.smart_pole_id else None

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_poles(obj):
        return list(obj.poles.select_related("resource"))

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class ConsolidationIn(Schema):
    poles: list[str]
    smart_pole: str = ""
    smart_pole_name: str = ""
    region: str = ""
    place: str = ""
    batch: str = ""
    community: str = ""
    note: str = ""


class PoleStepIn(Schema):
    on: dt.date | None = None
    reason: str = ""


class CommunityOut(Schema):
    code: str
    name: str
    county: str
    state: str
    planned_smart_poles: int
    planned_removed_poles: int
    plan: str
    built: int
    merged: int
    actions: list[str]

    @staticmethod
    def resolve_county(obj):
        return obj.region.name

    @staticmethod
    def resolve_built(obj):
        return community_progress(obj)["built"]

    @staticmethod
    def resolve_merged(obj):
        return community_progress(obj)["merged"]

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class CommunityIn(Schema):
    name: str
    region: str
    planned_smart_poles: int
    planned_removed_poles: int = 0
    plan: str = ""


# -- standards ---------------------------------------------------------------------------------------------------
@router.get("/standards", response=list[StandardOut], openapi_extra=PUBLIC_API,
            summary="Design guide and standards with their publication date and the deadline of their task")
@paginate
def standard_list(request):
    return StandardDocument.objects.restrict(request.user).select_related("task__document")


@router.post("/standards", response={201: StandardOut}, auth=session_or_token, summary="Enter a standard document")
@idempotent
def standard_create(request, payload: StandardIn):
    data = payload.dict()
    task = None
    if data.pop("task"):
        key, _, number = payload.task.rpartition(" ")
        task = PolicyTask.objects.filter(document__key=key, number=number).first()
        if task is None:
            raise HttpError(422, f"task: no task {payload.task!r} (document key and number)")
    return Status(201, services.standard_create(actor=request.user, task=task, **data))


# -- batches -----------------------------------------------------------------------------------------------------
@router.get("/batches", response=list[BatchOut], openapi_extra=PUBLIC_API, summary="Retrofit batches with progress")
@paginate
def batch_list(request, year: int | None = None):
    qs = RetrofitBatch.objects.restrict(request.user).select_related("organization")
    return qs.filter(year=year) if year else qs


@router.get("/batches/{code}", response=BatchDetailOut,
            openapi_extra=api_record("poles.RetrofitBatch", "code", "code", public=True), summary="One batch")
def batch_detail(request, code: str):
    return get_object_or_404(RetrofitBatch.objects.restrict(request.user), code=code)


@router.post("/batches", response={201: BatchDetailOut}, auth=session_or_token,
             summary="The programme office sets a retrofit batch")
@idempotent
def batch_create(request, payload: BatchIn):
    org = Organization.objects.filter(code=payload.organization).first()
    if org is None:
        raise HttpError(422, f"organization: no organization {payload.organization!r}")
    data = payload.dict()
    data.pop("organization")
    return Status(201, services.batch_create(actor=request.user, organization=org, **data))


@router.post("/batches/{code}/report", response=BatchDetailOut, auth=session_or_token,
             summary="The responsible unit reports the poles done")
@idempotent
def batch_report(request, code: str, payload: PoleReportIn):
    batch = get_object_or_404(RetrofitBatch.objects.restrict(request.user), code=code)
    return services.batch_report(actor=request.user, batch=batch, done_count=payload.done_count, note=payload.note)


# -- consolidations ----------------------------------------------------------------------------------------------
def _consolidation(request, code) -> PoleConsolidation:
    return get_object_or_404(PoleConsolidation.objects.restrict(request.user), code=code)


@router.get("/consolidations", response=list[ConsolidationOut], auth=session_or_token,
            summary="Pole consolidations you may see")
@paginate
def consolidation_list(request, state: str = ""):
    qs = PoleConsolidation.objects.restrict(request.user)
    return qs.filter(state=state) if state else qs


@router.get("/consolidations/{code}", response=ConsolidationOut, auth=session_or_token,
            openapi_extra=api_record("poles.PoleConsolidation", "code", "code"), summary="One consolidation")
def consolidation_detail(request, code: str):
    return _consolidation(request, code)


@router.post("/consolidations", response={201: ConsolidationOut}, auth=session_or_token,
             summary="Plan a consolidation: existing poles (open-list codes or descriptions) into one smart pole")
@idempotent
def consolidation_create(request, payload: ConsolidationIn):
    smart_pole = None
    if payload.smart_pole:
        smart_pole = PublicResource.objects.restrict(request.user).filter(code=payload.smart_pole).first()
        if smart_pole is None:
            raise HttpError(422, f"smart_pole: no resource {payload.smart_pole!r}")
    batch = RetrofitBatch.objects.filter(code=payload.batch).first() if payload.batch else None
    community = FutureCommunity.objects.filter(code=payload.community).first() if payload.community else None
    row = services.consolidation_create(actor=request.user, smart_pole=smart_pole,
                                        smart_pole_name=payload.smart_pole_name, region=payload.region,
                                        place=payload.place, poles=payload.poles, batch=batch, community=community,
                                        note=payload.note)
    return Status(201, row)


@router.post("/consolidations/{code}/{step}", response=ConsolidationOut, auth=session_or_token,
             summary="A step of a consolidation: complete (on), cancel (reason)")
@idempotent
def consolidation_step(request, code: str, step: str, payload: PoleStepIn):
    row = _consolidation(request, code)
    if step == "complete":
        services.consolidation_complete(actor=request.user, consolidation=row, on=payload.on)
    elif step == "cancel":
        services.consolidation_cancel(actor=request.user, consolidation=row, reason=payload.reason)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _consolidation(request, code)


# -- communities -------------------------------------------------------------------------------------------------
@router.get("/communities", response=list[CommunityOut], openapi_extra=PUBLIC_API,
            summary="Future communities with their pole plan and the smart poles built")
@paginate
def community_list(request):
    return FutureCommunity.objects.restrict(request.user).select_related("region")


@router.get("/communities/{code}", response=CommunityOut,
            openapi_extra=api_record("poles.FutureCommunity", "code", "code", public=True), summary="One project")
def community_detail(request, code: str):
    return get_object_or_404(FutureCommunity.objects.restrict(request.user).select_related("region"), code=code)


@router.post("/communities", response={201: CommunityOut}, auth=session_or_token,
             summary="Add a future community project with its pole plan")
@idempotent
def community_create(request, payload: CommunityIn):
    row = services.community_create(actor=request.user, **payload.dict())
    return Status(201, FutureCommunity.objects.select_related("region").get(pk=row.pk))
