"""JSON API of the 5G facilities of construction projects, mounted at /api/construction. Lists and details read
through ``restrict()``; writes call the same services as the pages (403 when the user may not act, 422 naming the
field for bad input — the platform's error handler turns the services' exceptions into problem details)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.organizations.models import Organization
from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.tenancy import scope_district_regions
from rollout5g.platform.workflow import available_actions
from rollout5g.regions.models import Region

from . import services
from .models import ConstructionProject, DesignReview, FacilityGuideline
from .selectors import ledger

router = Router(tags=["Construction projects"])


class FacilitiesOut(Schema):
    sites: int
    machine_room_m2: Decimal
    power_kw: Decimal
    duct_holes: int
    roof_m2: Decimal


class DesignReviewOut(Schema):
    id: int
    round: int
    kind: str
    department: str
    decision: str
    findings: str
    received_on: dt.date
    limit_days: int

    @staticmethod
    def resolve_department(obj):
        return obj.department.code


class ConstructionProjectOut(Schema):
    code: str
    name: str
    kind: str
    state: str
    county: str
    size: Decimal
    developer: str
    operator: str
    registered_on: dt.date
    accepted_on: dt.date | None
    required: FacilitiesOut
    reserved: FacilitiesOut
    built: FacilitiesOut

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_developer(obj):
        return obj.developer.code

    @staticmethod
    def resolve_operator(obj):
        return obj.operator.code

    @staticmethod
    def resolve_required(obj):
        return obj.facilities("required")

    @staticmethod
    def resolve_reserved(obj):
        return obj.facilities("reserved")

    @staticmethod
    def resolve_built(obj):
        return obj.facilities("built")


class ConstructionProjectDetailOut(ConstructionProjectOut):
    reviews: list[DesignReviewOut]
    planned_sites: list[str]
    actions: list[str]

    @staticmethod
    def resolve_reviews(obj):
        return list(obj.reviews.select_related("department"))

    @staticmethod
    def resolve_planned_sites(obj):
        return [r.planned_site.code for r in obj.site_reservations.select_related("planned_site") if r.planned_site_id]

    @staticmethod
    def resolve_actions(obj, context):
        return [name for name, ok in available_actions(context["request"].user, obj).items() if ok]


class ConstructionProjectIn(Schema):
    name: str
    kind: str
    county: str
    size: Decimal
    lon: float
    lat: float
    planning_department: str
    construction_department: str
    operator: str
    developer: str = ""
    address: str = ""


class ReservedSiteIn(Schema):
    name: str = ""
    lon: float
    lat: float
    site_type: str = ""


class ConstructionDesignIn(Schema):
    machine_room_m2: Decimal | None = None
    power_kw: Decimal | None = None
    duct_holes: int | None = None
    roof_m2: Decimal | None = None
    sites: list[ReservedSiteIn] | None = None
    note: str = ""


class ConstructionStepIn(Schema):
    note: str = ""
    findings: str = ""
    review: int | None = None
    built: FacilitiesOut | None = None


class FacilityGuidelineOut(Schema):
    kind: str
    size_per_site: Decimal
    min_sites: int
    machine_room_m2: Decimal
    power_kw_per_site: Decimal
    duct_holes: int
    roof_m2_per_site: Decimal
    is_default: bool


class ConstructionLedgerOut(Schema):
    county: str
    name: str
    projects: int
    in_review: int
    building: int
    accepted: int
    accepted_share: Decimal | None
    required_sites: int
    reserved_sites: int
    planned_sites: int


def _organization(code: str, field: str) -> Organization | None:
    if not code:
        return None
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise HttpError(422, f"{field}: no organization {code!r}")
    return org


def _detail(request, project) -> ConstructionProject:
    return ConstructionProject.objects.select_related("developer", "operator").get(pk=project.pk)


def _get(request, code: str) -> ConstructionProject:
    return get_object_or_404(ConstructionProject.objects.restrict(request.user)
                             .select_related("developer", "operator"), code=code)


@router.get("/guideline", response=list[FacilityGuidelineOut], openapi_extra=PUBLIC_API,
            summary="The construction guideline: what a kind of project reserves, by size")
def guideline(request):
    return list(FacilityGuideline.objects.restrict(request.user))


@router.get("/projects", response=list[ConstructionProjectOut], auth=session_or_token, summary="Projects you may see")
@paginate
def project_list(request, state: str = "", county: str = ""):
    qs = ConstructionProject.objects.restrict(request.user).select_related("developer", "operator")
    if state:
        qs = qs.filter(state=state)
    if county:
        qs = qs.filter(region_id=county)
    return qs


@router.post("/projects", response={201: ConstructionProjectDetailOut}, auth=session_or_token,
             summary="Register a construction project (its required 5G facilities come from the guideline)")
@idempotent
def project_create(request, payload: ConstructionProjectIn):
    region = Region.objects.filter(pk=payload.county).first()
    if region is None:
        raise HttpError(422, f"county: no region {payload.county!r}")
    project = services.project_register(
        actor=request.user, name=payload.name, kind=payload.kind, region=region, size=payload.size, lon=payload.lon,
        lat=payload.lat, address=payload.address,
        planning_department=_organization(payload.planning_department, "planning_department"),
        construction_department=_organization(payload.construction_department, "construction_department"),
        operator=_organization(payload.operator, "operator"),
        developer=_organization(payload.developer, "developer"))
    return Status(201, _detail(request, project))


@router.get("/projects/{code}", response=ConstructionProjectDetailOut, auth=session_or_token,
            openapi_extra=api_record("construction.ConstructionProject", "code", "code"), summary="One project")
def project_detail(request, code: str):
    return _detail(request, _get(request, code))


@router.put("/projects/{code}/design", response=ConstructionProjectDetailOut, auth=session_or_token,
            summary="The 5G facilities and sites the design reserves")
@idempotent
def project_design(request, code: str, payload: ConstructionDesignIn):
    project = _get(request, code)
    facilities = {k: v for k, v in payload.dict(exclude={"sites", "note"}).items() if v is not None}
    sites = [s.dict() for s in payload.sites] if payload.sites is not None else None
    project = services.project_design(actor=request.user, project=project, facilities=facilities, sites=sites,
                                      note=payload.note)
    return _detail(request, project)


@router.post("/projects/{code}/{step}", response=ConstructionProjectDetailOut, auth=session_or_token,
             summary="A step of a project: submit, approve/return (a review), start, request_acceptance, accept, "
                     "rectify")
@idempotent
def project_step(request, code: str, step: str, payload: ConstructionStepIn):
    project = _get(request, code)
    if step in ("approve", "return"):
        review = DesignReview.objects.filter(project=project, pk=payload.review or 0).first()
        if review is None:
            raise HttpError(422, "review: no such review of this project")
        services.review_decide(actor=request.user, review=review, approve=step == "approve",
                               findings=payload.findings)
    elif step == "submit":
        services.project_submit(actor=request.user, project=project, note=payload.note)
    elif step == "start":
        services.project_start(actor=request.user, project=project, note=payload.note)
    elif step == "request_acceptance":
        if payload.built is None:
            raise HttpError(422, "built: state what was built")
        services.project_request_acceptance(actor=request.user, project=project, built=payload.built.dict(),
                                            note=payload.note)
    elif step == "accept":
        services.project_accept(actor=request.user, project=project, note=payload.note)
    elif step == "rectify":
        services.project_rectify(actor=request.user, project=project, findings=payload.findings)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _detail(request, _get(request, code))


@router.get("/ledger", response=list[ConstructionLedgerOut], auth=session_or_token,
            summary="Projects and their 5G facilities by county of the home region (the projects you may see)")
def ledger_api(request):
    return [{"county": r.region.adcode, "name": r.region.name, "projects": r.projects, "in_review": r.in_review,
             "building": r.building, "accepted": r.accepted, "accepted_share": r.accepted_share,
             "required_sites": r.required_sites, "reserved_sites": r.reserved_sites, "planned_sites": r.planned_sites}
            for r in ledger(ConstructionProject.objects.restrict(request.user),
                          scope_district_regions(request.user))]
