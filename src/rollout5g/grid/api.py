"""JSON API of the power-supply assurance, mounted at /api/power. Lists and details read through ``restrict()``;
writes call the same services as the pages (403 when the user may not act, 422 naming the field for bad input —
the platform's error handler turns the services' exceptions into problem details)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import PUBLIC_API, api_record
from rollout5g.platform.workflow import available_actions
from rollout5g.regions.models import Region
from rollout5g.sites.models import Site

from . import services
from .models import OutageNotice, ReferencePrice, SpecialCheck, TransferSupplyPrice
from .selectors import outage_statistics, summary_figures

router = Router(tags=["Power supply assurance"])


def _actions(user, obj) -> list[str]:
    return [name for name, ok in available_actions(user, obj).items() if ok]


class AckOut(Schema):
    id: int
    organization: str
    sites: int
    state: str
    acknowledged_at: dt.datetime | None

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.code


class OutageNoticeOut(Schema):
    code: str
    kind: str
    state: str
    utility: str
    starts_at: dt.datetime
    expected_end: dt.datetime
    actual_end: dt.datetime | None
    notified_at: dt.datetime
    area: str

    @staticmethod
    def resolve_utility(obj):
        return obj.utility.code


class NoticeDetailOut(OutageNoticeOut):
    reason: str
    sites: list[str]
    acks: list[AckOut]
    actions: list[str]

    @staticmethod
    def resolve_sites(obj):
        return sorted(s.code for s in obj.sites.all())

    @staticmethod
    def resolve_acks(obj):
        return list(obj.acks.select_related("organization"))

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class NoticeIn(Schema):
    kind: str
    starts_at: dt.datetime
    expected_end: dt.datetime
    sites: list[str]
    area: str = ""
    reason: str = ""


class GridStepIn(Schema):
    note: str = ""
    reason: str = ""
    order: str = ""
    summary: str = ""
    actual_end: dt.datetime | None = None
    ack: int | None = None
    price: int | None = None
    finding: int | None = None
    rectified_price: Decimal | None = None


class ReferenceOut(Schema):
    id: int
    name: str
    price_per_kwh: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    source: str


class ReferenceIn(Schema):
    name: str
    price_per_kwh: Decimal
    valid_from: dt.date
    valid_to: dt.date | None = None
    source: str = ""


class PriceOut(Schema):
    code: str
    site: str
    payer: str
    supplier: str
    observed_on: dt.date
    price_per_kwh: Decimal
    reference_price: Decimal
    markup: Decimal
    markup_share: Decimal

    @staticmethod
    def resolve_site(obj):
        return obj.site.code

    @staticmethod
    def resolve_payer(obj):
        return obj.payer.code


class PriceIn(Schema):
    site: str
    supplier: str
    price_per_kwh: Decimal
    observed_on: dt.date
    note: str = ""


class FindingOut(Schema):
    id: int
    price: str
    markup: Decimal
    order: str
    state: str
    ordered_on: dt.date
    limit_days: int
    rectified_price: Decimal | None
    verified_on: dt.date | None

    @staticmethod
    def resolve_price(obj):
        return obj.price.code


class CheckOut(Schema):
    code: str
    title: str
    department: str
    county: str | None
    period_from: dt.date
    period_to: dt.date
    state: str
    rectify_limit_days: int

    @staticmethod
    def resolve_department(obj):
        return obj.department.code

    @staticmethod
    def resolve_county(obj):
        return obj.region_id


class CheckDetailOut(CheckOut):
    findings: list[FindingOut]
    actions: list[str]

    @staticmethod
    def resolve_findings(obj, context):
        from .models import Finding

        return list(Finding.objects.restrict(context["request"].user).filter(check_run=obj)
                    .select_related("price"))

    @staticmethod
    def resolve_actions(obj, context):
        return _actions(context["request"].user, obj)


class CheckIn(Schema):
    title: str
    period_from: dt.date
    period_to: dt.date
    county: str = ""
    rectify_limit_days: int | None = None


class StatsOut(Schema):
    key: str
    label: str
    notices: int
    planned: int
    unplanned: int
    sites: int
    site_hours: Decimal
    acknowledged: int
    pending: int
    mean_ack_hours: Decimal | None


# -- outages -----------------------------------------------------------------------------------------------------
def _notice(request, code) -> OutageNotice:
    return get_object_or_404(OutageNotice.objects.restrict(request.user).select_related("utility"), code=code)


@router.get("/outages", response=list[OutageNoticeOut], auth=session_or_token, summary="Outage notices you may see")
@paginate
def outage_list(request, kind: str = "", state: str = ""):
    qs = OutageNotice.objects.restrict(request.user).select_related("utility")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs


@router.post("/outages", response={201: NoticeDetailOut}, auth=session_or_token,
             summary="The power company notifies an outage (planned or unplanned) of some sites")
@idempotent
def outage_create(request, payload: NoticeIn):
    notice = services.outage_notify(actor=request.user, kind=payload.kind, sites=payload.sites,
                                    starts_at=payload.starts_at, expected_end=payload.expected_end,
                                    area=payload.area, reason=payload.reason)
    return Status(201, OutageNotice.objects.select_related("utility").get(pk=notice.pk))


@router.get("/outages/{code}", response=NoticeDetailOut, auth=session_or_token,
            openapi_extra=api_record("grid.OutageNotice", "code", "code"), summary="One outage notice")
def outage_detail(request, code: str):
    return _notice(request, code)


@router.post("/outages/{code}/{step}", response=NoticeDetailOut, auth=session_or_token,
             summary="A step of a notice: restore, cancel, acknowledge (an acknowledgement: ack)")
@idempotent
def outage_step(request, code: str, step: str, payload: GridStepIn):
    notice = _notice(request, code)
    if step == "restore":
        services.outage_restore(actor=request.user, notice=notice, actual_end=payload.actual_end, note=payload.note)
    elif step == "cancel":
        services.outage_cancel(actor=request.user, notice=notice, reason=payload.reason)
    elif step == "acknowledge":
        ack = notice.acks.filter(pk=payload.ack or 0).first()
        if ack is None:
            raise HttpError(422, "ack: no such acknowledgement of this notice")
        services.outage_acknowledge(actor=request.user, ack=ack, note=payload.note)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _notice(request, code)


@router.get("/statistics", response=list[StatsOut], auth=session_or_token,
            summary="Outage statistics per month or per county (by=month|county) of the notices you may see")
def outage_stats(request, by: str = "month", year: int | None = None):
    if by not in ("month", "county"):
        raise HttpError(422, "by: month or county")
    notices = OutageNotice.objects.restrict(request.user)
    if year:
        notices = notices.filter(starts_at__year=year)
    return [{**{k: getattr(r, k) for k in ("key", "label", "notices", "planned", "unplanned", "sites", "site_hours",
                                           "acknowledged", "pending")}, "mean_ack_hours": r.mean_ack_hours}
            for r in outage_statistics(notices, by=by)]


@router.get("/summary", response=dict, openapi_extra=PUBLIC_API,
            summary="Figures of outages, transfer-supply prices and checks (no company, site or price named)")
def summary(request):
    figures = summary_figures()
    figures["months"] = [{"month": r.key, "notices": r.notices, "site_hours": str(r.site_hours),
                          "mean_ack_hours": None if r.mean_ack_hours is None else str(r.mean_ack_hours)}
                         for r in figures["months"]]
    figures.pop("total")
    return figures


# -- prices ------------------------------------------------------------------------------------------------------
@router.get("/reference-prices", response=list[ReferenceOut], openapi_extra=PUBLIC_API,
            summary="The provincial reference prices with their validity")
def reference_list(request):
    return list(ReferencePrice.objects.restrict(request.user))


@router.post("/reference-prices", response={201: ReferenceOut}, auth=session_or_token,
             summary="The programme office enters a provincial reference price")
@idempotent
def reference_create(request, payload: ReferenceIn):
    return Status(201, services.reference_price_create(actor=request.user, **payload.dict()))


@router.get("/prices", response=list[PriceOut], auth=session_or_token, summary="Transfer-supply prices you may see")
@paginate
def price_list(request, marked_up: bool = False):
    qs = TransferSupplyPrice.objects.restrict(request.user).select_related("site", "payer")
    return qs.filter(markup__gt=0) if marked_up else qs


@router.post("/prices", response={201: PriceOut}, auth=session_or_token,
             summary="An operator records the transfer-supply price charged at one of its sites")
@idempotent
def price_create(request, payload: PriceIn):
    site = Site.objects.restrict(request.user).filter(code=payload.site).first()
    if site is None:
        raise HttpError(422, f"site: no site {payload.site!r} of yours")
    row = services.price_record(actor=request.user, site=site, supplier=payload.supplier,
                                price_per_kwh=payload.price_per_kwh, observed_on=payload.observed_on,
                                note=payload.note)
    return Status(201, TransferSupplyPrice.objects.select_related("site", "payer").get(pk=row.pk))


# -- checks ------------------------------------------------------------------------------------------------------
def _check(request, code) -> SpecialCheck:
    return get_object_or_404(SpecialCheck.objects.restrict(request.user).select_related("department"), code=code)


@router.get("/checks", response=list[CheckOut], auth=session_or_token, summary="Special checks you may see")
@paginate
def check_list(request):
    return SpecialCheck.objects.restrict(request.user).select_related("department")


@router.post("/checks", response={201: CheckDetailOut}, auth=session_or_token,
             summary="A checking department starts a special check of transfer-supply prices")
@idempotent
def check_create(request, payload: CheckIn):
    region = None
    if payload.county:
        region = Region.objects.filter(pk=payload.county).first()
        if region is None:
            raise HttpError(422, f"county: no region {payload.county!r}")
    check = services.check_start(actor=request.user, title=payload.title, period_from=payload.period_from,
                                 period_to=payload.period_to, region=region,
                                 rectify_limit_days=payload.rectify_limit_days)
    return Status(201, SpecialCheck.objects.select_related("department").get(pk=check.pk))


@router.get("/checks/{code}", response=CheckDetailOut, auth=session_or_token,
            openapi_extra=api_record("grid.SpecialCheck", "code", "code"), summary="One special check")
def check_detail(request, code: str):
    return _check(request, code)


@router.post("/checks/{code}/{step}", response=CheckDetailOut, auth=session_or_token,
             summary="A step of a check: finding (price, order), report (finding, rectified_price), verify, "
                     "reopen (finding, order), close (summary)")
@idempotent
def check_step(request, code: str, step: str, payload: GridStepIn):
    check = _check(request, code)
    if step == "finding":
        price = TransferSupplyPrice.objects.filter(pk=payload.price or 0).first()
        services.finding_record(actor=request.user, check=check, price=price, order=payload.order)
    elif step == "close":
        services.check_close(actor=request.user, check=check, summary=payload.summary)
    elif step in ("report", "verify", "reopen"):
        finding = check.findings.filter(pk=payload.finding or 0).first()
        if finding is None:
            raise HttpError(422, "finding: no such finding of this check")
        if step == "report":
            services.finding_report(actor=request.user, finding=finding,
                                    rectified_price="" if payload.rectified_price is None else payload.rectified_price,
                                    note=payload.note)
        elif step == "verify":
            services.finding_verify(actor=request.user, finding=finding, note=payload.note)
        else:
            services.finding_reopen(actor=request.user, finding=finding, order=payload.order)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _check(request, code)
