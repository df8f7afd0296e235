"""JSON API of the public EMF information, mounted at /api/emf. The public pages, measurements of published pages
and science articles are public; the public request is answered without the requester's name or phone. Writes call
the same services as the pages (403 when the user may not act, 422 naming the field for bad input)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.workflow import available_actions
from rollout5g.sites.models import Site

from . import services
from .choices import PageState, PostState
from .models import MeasurementRequest, MonitoringResult, SciencePost, SitePage

router = Router(tags=["Public EMF information"])


def _actions(user, obj) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [name for name, ok in available_actions(user, obj).items() if ok]


class BandOut(Schema):
    band: str
    label: str
    limit_w_m2: float
    estimate_w_m2: float
    percent: float


class ResultOut(Schema):
    code: str
    point: str
    measured_on: dt.date
    value: float
    unit: str
    limit: float
    percent: float
    instrument: str
    method: str


class PageOut(Schema):
    code: str
    public_name: str
    place: str
    county: str
    state: str
    assessed_on: dt.date
    published_on: dt.date | None
    percent: float | None

    @staticmethod
    def resolve_county(obj):
        return obj.region.name

    @staticmethod
    def resolve_percent(obj):
        estimate = obj.estimate
        return estimate.percent if estimate and estimate.bands else None


class PageDetailOut(PageOut):
    note: str
    bands: list[BandOut]
    results: list[ResultOut]
    actions: list[str]

    @staticmethod
    def resolve_bands(obj):
        estimate = obj.estimate
        return [{"band": b.band, "label": b.label, "limit_w_m2": b.limit_w_m2, "estimate_w_m2": b.estimate_w_m2,
                 "percent": b.percent} for b in (estimate.bands if estimate else [])]

    @staticmethod
    def resolve_results(obj, context):
        return list(MonitoringResult.objects.restrict(context["request"].user).filter(site_id=obj.site_id))

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class PageIn(Schema):
    site: str
    public_name: str = ""
    place: str = ""
    note: str = ""


class EmfStepIn(Schema):
    reason: str = ""
    note: str = ""
    answer: str = ""
    on: dt.date | None = None
    result: str = ""


class ResultIn(Schema):
    point: str
    measured_on: dt.date
    value: float
    unit: str
    instrument: str
    site: str = ""
    height_m: float = 1.7
    note: str = ""
    region: str = ""  # adcode of the region, for a measurement without a site


class PostOut(Schema):
    code: str
    title: str
    summary: str
    state: str
    published_on: dt.date | None


class PostDetailOut(PostOut):
    body: str
    source: str
    actions: list[str]

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class PostIn(Schema):
    title: str
    body: str
    summary: str = ""
    source: str = ""


class MeasurementRequestIn(Schema):
    name: str
    phone: str
    place: str
    token: str
    description: str = ""
    page: str = ""


class RequestPublicOut(Schema):
    """What the requester (and only the requester, who holds the key) reads."""

    code: str
    key: str
    state: str
    received_on: dt.date
    answer: str

    @staticmethod
    def resolve_key(obj):
        return obj.access_key


class MeasurementRequestOut(Schema):
    code: str
    state: str
    received_on: dt.date
    place: str
    name: str
    phone: str
    description: str
    scheduled_on: dt.date | None
    answer: str
    answered_on: dt.date | None
    result: str | None
    actions: list[str]

    @staticmethod
    def resolve_result(obj):
        return obj.result.code if obj.result_id else None

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


# -- pages -------------------------------------------------------------------------------------------------------
def _page(request, code) -> SitePage:
    return get_object_or_404(SitePage.objects.restrict(request.user).select_related("region"), code=code)


@router.get("/sites", response=list[PageOut], openapi_extra=PUBLIC_API,
            summary="Published EMF pages of base stations (and, for the people preparing them, their drafts)")
@paginate
def page_list(request, county: str = ""):
    qs = SitePage.objects.restrict(request.user).select_related("region")
    if not request.user.is_authenticated:
        qs = qs.filter(state=PageState.PUBLISHED)
    return qs.filter(region_id=county) if county else qs


@router.get("/sites/{code}", response=PageDetailOut, openapi_extra=api_record("emf.SitePage", "code", "code",
                                                                             public=True),
            summary="One EMF page: the estimate per band against GB 8702-2014 and the measurements")
def page_detail(request, code: str):
    return _page(request, code)


@router.post("/sites", response={201: PageDetailOut}, auth=session_or_token,
             summary="The ecology department prepares the EMF page of a site (assessed from its cells now)")
@idempotent
def page_create(request, payload: PageIn):
    site = Site.objects.restrict(request.user).filter(code=payload.site).first()
    if site is None:
        raise HttpError(422, f"site: no site {payload.site!r}")
    page = services.page_prepare(actor=request.user, site=site, public_name=payload.public_name,
                                 place=payload.place, note=payload.note)
    return Status(201, _page(request, page.code))


@router.post("/sites/{code}/{step}", response=PageDetailOut, auth=session_or_token,
             summary="A step of a page: publish, withdraw (reason), reassess")
@idempotent
def page_step(request, code: str, step: str, payload: EmfStepIn):
    page = _page(request, code)
    if step == "publish":
        services.page_publish(actor=request.user, page=page)
    elif step == "withdraw":
        services.page_withdraw(actor=request.user, page=page, reason=payload.reason)
    elif step == "reassess":
        services.page_reassess(actor=request.user, page=page)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _page(request, code)


@router.post("/results", response={201: ResultOut}, auth=session_or_token,
             summary="The ecology department records a measurement (HJ 1151-2020)")
@idempotent
def result_create(request, payload: ResultIn):
    site = None
    if payload.site:
        site = Site.objects.restrict(request.user).filter(code=payload.site).first()
        if site is None:
            raise HttpError(422, f"site: no site {payload.site!r}")
    data = payload.dict()
    data.pop("site")
    return Status(201, services.result_record(actor=request.user, site=site, **data))


# -- science -----------------------------------------------------------------------------------------------------
@router.get("/science", response=list[PostOut], openapi_extra=PUBLIC_API, summary="Science articles")
@paginate
def post_list(request):
    qs = SciencePost.objects.restrict(request.user)
    return qs if request.user.is_authenticated else qs.filter(state=PostState.PUBLISHED)


@router.get("/science/{code}", response=PostDetailOut,
            openapi_extra=api_record("emf.SciencePost", "code", "code", public=True), summary="One science article")
def post_detail(request, code: str):
    return get_object_or_404(SciencePost.objects.restrict(request.user), code=code)


@router.post("/science", response={201: PostDetailOut}, auth=session_or_token,
             summary="The ecology department writes a science article (a draft)")
@idempotent
def post_create(request, payload: PostIn):
    return Status(201, services.post_create(actor=request.user, **payload.dict()))


@router.post("/science/{code}/{step}", response=PostDetailOut, auth=session_or_token,
             summary="A step of an article: publish, withdraw (reason)")
@idempotent
def post_step(request, code: str, step: str, payload: EmfStepIn):
    post = get_object_or_404(SciencePost.objects.restrict(request.user), code=code)
    if step == "publish":
        services.post_publish(actor=request.user, post=post)
    elif step == "withdraw":
        services.post_withdraw(actor=request.user, post=post, reason=payload.reason)
    else:
        raise HttpError(404, f"no step {step!r}")
    return get_object_or_404(SciencePost.objects.restrict(request.user), code=code)


# -- requests ----------------------------------------------------------------------------------------------------
@router.post("/requests", response={201: RequestPublicOut, 200: RequestPublicOut}, openapi_extra=PUBLIC_API,
             summary="Anyone requests a measurement (rate-limited; the same token again returns the first request)")
@idempotent
def request_create(request, payload: MeasurementRequestIn):
    page = None
    if payload.page:
        page = SitePage.objects.restrict(request.user).filter(code=payload.page, state=PageState.PUBLISHED).first()
        if page is None:
            raise HttpError(422, f"page: no public page {payload.page!r}")
    row, created = services.request_submit(name=payload.name, phone=payload.phone, place=payload.place,
                                           description=payload.description, page=page, token=payload.token,
                                           client=request.META.get("REMOTE_ADDR", ""))
    return Status(201 if created else 200, row)


@router.get("/requests", response=list[MeasurementRequestOut], auth=session_or_token,
            summary="Measurement requests routed to your department")
@paginate
def request_list(request, state: str = ""):
    qs = MeasurementRequest.objects.restrict(request.user).select_related("result")
    return qs.filter(state=state) if state else qs


def _request(request, code) -> MeasurementRequest:
    return get_object_or_404(MeasurementRequest.objects.restrict(request.user).select_related("result"), code=code)


@router.get("/requests/{code}", response=MeasurementRequestOut, auth=session_or_token,
            openapi_extra=api_record("emf.MeasurementRequest", "code", "code"), summary="One measurement request")
def request_detail(request, code: str):
    return _request(request, code)


@router.post("/requests/{code}/{step}", response=MeasurementRequestOut, auth=session_or_token,
             summary="A step of a request: schedule (on), answer (answer, result), decline (answer)")
@idempotent
def request_step(request, code: str, step: str, payload: EmfStepIn):
    row = _request(request, code)
    if step == "schedule":
        services.request_schedule(actor=request.user, request=row, on=payload.on or "", note=payload.note)
    elif step == "answer":
        result = None
        if payload.result:
            result = MonitoringResult.objects.restrict(request.user).filter(code=payload.result).first()
            if result is None:
                raise HttpError(422, f"result: no measurement {payload.result!r}")
        services.request_answer(actor=request.user, request=row, answer=payload.answer, result=result)
    elif step == "decline":
        services.request_decline(actor=request.user, request=row, reason=payload.answer)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _request(request, code)
