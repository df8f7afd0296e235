"""JSON API of the open list, mounted at /api/open-list.

Anonymous callers read published releases only (``ListRelease.objects.restrict``): a draft is a 404 to them.
The live list, requests and complaints need a logged-in session and follow the same access rules as the pages.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.access import CHANGE
from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.apischema import file_response
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record

from . import downloads, services
from .models import FeeComplaint, ListRelease, PublicResource, ReleaseEntry, SiteRequest
from .selectors import filter_entries, latest_release, release_diff

router = Router(tags=["Open list"])


class ReleaseMapOut(Schema):
    """Compact points of a release: one row per entry, in the order of ``columns``."""

    release: int
    crs: str
    columns: list[str]
    count: int
    points: list[list[Any]]


class ReleaseOut(Schema):
    number: int
    label: str
    title: str
    notice_start: dt.date
    notice_end: dt.date
    published_at: dt.datetime | None
    entry_count: int
    added_count: int
    changed_count: int
    withdrawn_count: int


class EntryFilters(Schema):
    region: str = ""
    kind: str = ""
    owner: str = ""
    availability: str = ""
    smart_pole: str = ""
    q: str = ""


class EntryOut(Schema):
    code: str
    snapshot: dict


class DiffOut(Schema):
    number: int
    base: int | None
    added: list[str]
    changed: dict[str, list[str]]
    withdrawn: list[str]


class ResourceOut(Schema):
    code: str
    name: str
    kind: str
    owner: str
    region: str = Field(alias="region_id")
    lon: float
    lat: float
    address: str
    height_m: float | None
    load_kg: float | None
    power_kw_available: float | None
    cabinet_space_m2: float | None
    conditions: str
    availability: str
    availability_reason: str
    smart_pole: bool
    smart_pole_capacity: int
    hosted_operators: list[str]
    withdrawn: bool
    is_synthetic: bool
    last_confirmed_on: dt.date | None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_hosted_operators(obj):
        return sorted(o.code for o in obj.hosted_operators.all())


class ChargeIn(Schema):
    kind: str
    amount_cny: Decimal | None = None
    basis: str = ""


class ChargeOut(Schema):
    kind: str
    amount_cny: Decimal | None
    basis: str


class RequestIn(Schema):
    resource: str | None = None
    lon: float | None = None
    lat: float | None = None
    radius_m: float | None = None
    band: str = "n78"
    purpose: str = ""
    planned_year: int | None = None


class AnswerIn(Schema):
    action: str = Field(description="accept | propose | decline | agree | withdraw")
    conditions: str = ""
    charges: list[ChargeIn] = []
    reason: str = ""


class RequestOut(Schema):
    code: str
    requester: str
    owner: str
    resource: str
    status: str
    band: str
    planned_year: int
    received_on: dt.date
    due_on: dt.date
    due_provisional: bool
    answered_on: dt.date | None
    conditions: str
    decline_reason: str
    shares_with: str | None
    planned_site: str | None
    matched_distance_m: float | None
    charges: list[ChargeOut]

    @staticmethod
    def resolve_requester(obj):
        return obj.requester.code

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code

    @staticmethod
    def resolve_resource(obj):
        return obj.resource.code

    @staticmethod
    def resolve_shares_with(obj):
        return obj.shares_with.code if obj.shares_with_id else None

    @staticmethod
    def resolve_planned_site(obj):
        return obj.planned_site.code if obj.planned_site_id else None

    @staticmethod
    def resolve_charges(obj):
        return list(obj.charges.all())


class ComplaintIn(Schema):
    request: str | None = None
    resource: str | None = None
    fee_kind: str
    amount_cny: Decimal | None = None
    description: str


class ComplaintOut(Schema):
    code: str
    complainant: str
    respondent: str
    request: str | None
    fee_kind: str
    amount_cny: Decimal | None
    status: str
    filed_on: dt.date

    @staticmethod
    def resolve_complainant(obj):
        return obj.complainant.code

    @staticmethod
    def resolve_respondent(obj):
        return obj.respondent.code

    @staticmethod
    def resolve_request(obj):
        return obj.request.code if obj.request_id else None


def _release(request, number: str) -> ListRelease:
    releases = ListRelease.objects.restrict(request.user)
    if number == "latest":  # in a province deployment ?city=<adcode> names the city (default: any city's newest)
        release = latest_release(region=request.GET.get("city") or None)
        if release is None:
            raise HttpError(404, "nothing has been published yet")
        return release
    if not number.isdigit():
        raise HttpError(404, f"no release {number!r}")
    return get_object_or_404(releases, number=int(number))


def _entries(request, release: ListRelease, filters: EntryFilters):
    return filter_entries(ReleaseEntry.objects.restrict(request.user).filter(release=release), filters.dict())


@router.get("/releases", response=list[ReleaseOut], summary="Published releases (第N批); the office also sees drafts", openapi_extra=PUBLIC_API)
def list_releases(request):
    return list(ListRelease.objects.restrict(request.user).order_by("-number"))


@router.get("/releases/{number}", response=ReleaseOut, summary="One release ('latest' for the newest published; ?city=<adcode>: that city's)", openapi_extra=PUBLIC_API)
def get_release(request, number: str):
    return _release(request, number)


@router.get("/releases/{number}/entries", response=list[EntryOut], summary="Entries of a release, as published", openapi_extra=PUBLIC_API)
@paginate
def list_entries(request, number: str, filters: Query[EntryFilters]):
    return _entries(request, _release(request, number), filters).order_by("code")


@router.get("/releases/{number}/diff", response=DiffOut, summary="Added, changed (with fields) and withdrawn codes", openapi_extra=PUBLIC_API)
def get_diff(request, number: str):
    release = _release(request, number)
    if not release.is_published:
        raise HttpError(409, f"{release.label} is a draft: its diff exists once it is published")
    diff = release_diff(release)
    return {"number": release.number, "base": diff["base"].number if diff["base"] else None,
            "added": diff["added"], "changed": diff["changed"], "withdrawn": diff["withdrawn"]}


@router.get("/releases/{number}/geojson", summary="A published release as GeoJSON (crs=wgs84 default, or gcj02)",
            openapi_extra={**PUBLIC_API, **file_response("GeoJSON FeatureCollection", "application/geo+json")})
def release_geojson(request, number: str, filters: Query[EntryFilters], crs: str = "wgs84"):
    release = _release(request, number)
    if not release.is_published:
        raise HttpError(409, "drafts are not published")
    try:
        crs = downloads.normalise_crs(crs)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    snapshots = list(_entries(request, release, filters).order_by("code").values_list("snapshot", flat=True))
    return HttpResponse(downloads.to_geojson(release, snapshots, crs), content_type="application/geo+json")


@router.get("/releases/{number}/map", response=ReleaseMapOut, summary="Compact points of a published release for the public map", openapi_extra=PUBLIC_API)
def release_map(request, number: str, filters: Query[EntryFilters]):
    release = _release(request, number)
    if not release.is_published:
        raise HttpError(409, "drafts are not published")
    rows = _entries(request, release, filters).order_by("code").values_list("snapshot", flat=True)
    keys = ("code", "name", "kind", "owner_name", "region_name", "address", "availability", "smart_pole",
            "smart_pole_capacity", "hosted_operators", "height_m")
    points = [[s["lon"], s["lat"], *[s.get(k) for k in keys]] for s in rows]
    return {"release": release.number, "crs": "wgs84", "columns": ["lon", "lat", *keys], "count": len(points),
            "points": points}


@router.get("/resources", response=list[ResourceOut], auth=session_or_token, summary="The live list you may see")
@paginate
def list_resources(request, filters: Query[EntryFilters]):
    qs = PublicResource.objects.restrict(request.user).select_related("owner").prefetch_related("hosted_operators")
    f = filters.dict()
    if f["region"]:
        qs = qs.filter(region_id=f["region"])
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["owner"]:
        qs = qs.filter(owner__code=f["owner"])
    if f["availability"]:
        qs = qs.filter(availability=f["availability"])
    return qs.order_by("code")


@router.get("/resources/{code}", response=ResourceOut, auth=session_or_token,
            openapi_extra=api_record("resources.PublicResource", "code", "code"))
def get_resource(request, code: str):
    return get_object_or_404(PublicResource.objects.restrict(request.user).select_related("owner"), code=code)


@router.get("/requests", response=list[RequestOut], auth=session_or_token, summary="Site requests you may see")
@paginate
def list_requests(request, status: str = ""):
    qs = SiteRequest.objects.restrict(request.user).select_related("requester", "owner", "resource", "shares_with",
                                                                   "planned_site")
    return qs.filter(status=status) if status else qs


@router.get("/requests/{code}", response=RequestOut, auth=session_or_token,
            openapi_extra=api_record("resources.SiteRequest", "code", "code"))
def get_request(request, code: str):
    return get_object_or_404(SiteRequest.objects.restrict(request.user), code=code)


@router.post("/requests", response={201: RequestOut}, auth=session_or_token,
             summary="Ask for a resource, or for the nearest open resource within radius_m of (lon, lat)")
@idempotent
def create_request(request, payload: RequestIn):
    resource = None
    if payload.resource:
        resource = PublicResource.objects.restrict(request.user).filter(code=payload.resource).first()
        if resource is None:
            raise HttpError(404, f"no resource {payload.resource}")
    site_request = services.site_request_create(
        actor=request.user, resource=resource, lon=payload.lon, lat=payload.lat, radius_m=payload.radius_m,
        band=payload.band, purpose=payload.purpose, planned_year=payload.planned_year)
    return 201, site_request


@router.post("/requests/{code}/answer", response=RequestOut, auth=session_or_token,
             summary="Owner: accept / propose / decline; requester: agree / withdraw")
@idempotent
def answer_request(request, code: str, payload: AnswerIn):
    site_request = get_object_or_404(SiteRequest.objects.restrict(request.user, CHANGE), code=code)
    user, charges = request.user, [c.dict() for c in payload.charges]
    if payload.action == "accept":
        services.site_request_accept(actor=user, request=site_request, conditions=payload.conditions, charges=charges)
    elif payload.action == "propose":
        services.site_request_propose(actor=user, request=site_request, conditions=payload.conditions, charges=charges)
    elif payload.action == "decline":
        services.site_request_decline(actor=user, request=site_request, reason=payload.reason)
    elif payload.action == "agree":
        services.site_request_agree(actor=user, request=site_request)
    elif payload.action == "withdraw":
        services.site_request_withdraw(actor=user, request=site_request, reason=payload.reason)
    else:
        raise ValidationError({"action": f"unknown {payload.action!r}; valid: accept, propose, decline, agree, "
                                         "withdraw"})
    return SiteRequest.objects.get(pk=site_request.pk)


@router.get("/complaints", response=list[ComplaintOut], auth=session_or_token)
def list_complaints(request):
    return list(FeeComplaint.objects.restrict(request.user).select_related("complainant", "respondent", "request"))


@router.post("/complaints", response={201: ComplaintOut}, auth=session_or_token, summary="Report an entry-fee demand")
@idempotent
def create_complaint(request, payload: ComplaintIn):
    site_request = resource = None
    if payload.request:
        site_request = SiteRequest.objects.restrict(request.user).filter(code=payload.request).first()
        if site_request is None:
            raise HttpError(404, f"no request {payload.request}")
    if payload.resource:
        resource = PublicResource.objects.restrict(request.user).filter(code=payload.resource).first()
        if resource is None:
            raise HttpError(404, f"no resource {payload.resource}")
    complaint = services.fee_complaint_file(actor=request.user, request=site_request, resource=resource,
                                            fee_kind=payload.fee_kind, amount_cny=payload.amount_cny,
                                            description=payload.description)
    return 201, complaint
