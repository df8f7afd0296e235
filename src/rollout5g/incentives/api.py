"""JSON API of this capability, mounted at /api/industry. Reads apply the same ``restrict()`` rules as the pages."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from rollout5g.platform.routes import PUBLIC_API, api_record

from .models import Application, Carrier, IndustryProfile, PilotProject, PublicNotice
from .selectors import ledger_entries_for, ledger_totals
from .trace import trace_lines

router = Router(tags=["Industry"])


class FirmOut(Schema):
    code: str
    name: str
    region: str
    tier: str
    product_lines: list[str]
    named_in_document: bool
    document_clause: str

    @staticmethod
    def resolve_code(obj):
        return obj.organization.code

    @staticmethod
    def resolve_name(obj):
        return obj.organization.name

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class CarrierOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    region: str
    recognised_on: dt.date | None
    named_in_document: bool
    recognitions: list[str]

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_recognitions(obj):
        return [r.level for r in obj.recognitions.all()]


class PilotOut(Schema):
    code: str
    name: str
    field: str
    category: str
    status: str
    lead: str
    region: str
    levels: list[str]
    named_in_document: bool

    @staticmethod
    def resolve_lead(obj):
        return obj.lead.code

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class ApplicationOut(Schema):
    number: str
    enterprise: str
    clause: str
    track: str
    state: str
    year: int
    project_title: str
    project_ref: str
    computed_amount: Decimal | None
    unrounded_amount: Decimal | None
    adjusted_amount: Decimal | None
    adjustment_reason: str
    granted_amount: Decimal | None
    trace: list[str]
    notice_start: dt.date | None
    notice_end: dt.date | None

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.code

    @staticmethod
    def resolve_trace(obj):
        return trace_lines(obj.trace)

    @staticmethod
    def resolve_clause(obj):
        return obj.clause.key


class NoticeOut(Schema):
    enterprise_name: str
    project_title: str
    clause_name: str
    clause_ref: str
    amount: Decimal
    start: dt.date
    end: dt.date


class LedgerOut(Schema):
    application: str
    kind: str
    amount: Decimal
    clause: str
    region: str
    enterprise: str
    year: int
    booked_on: dt.date
    reference: str

    @staticmethod
    def resolve_application(obj):
        return obj.application.number

    @staticmethod
    def resolve_clause(obj):
        return obj.clause.key

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.code


@router.get("/firms", response=list[FirmOut], openapi_extra=PUBLIC_API)
@paginate
def firms(request):
    return IndustryProfile.objects.restrict(request.user).select_related("organization")


@router.get("/carriers", response=list[CarrierOut], openapi_extra=PUBLIC_API)
@paginate
def carriers(request, kind: str = ""):
    qs = Carrier.objects.restrict(request.user).prefetch_related("recognitions")
    return qs.filter(kind=kind) if kind else qs


@router.get("/pilots", response=list[PilotOut], openapi_extra=PUBLIC_API)
@paginate
def pilots(request, category: str = ""):
    qs = PilotProject.objects.restrict(request.user).select_related("lead").prefetch_related("recognitions")
    return qs.filter(category=category) if category else qs


@router.get("/applications", response=list[ApplicationOut], openapi_extra=PUBLIC_API)
@paginate
def applications(request, state: str = "", track: str = ""):
    qs = Application.objects.restrict(request.user).select_related("enterprise", "clause")
    if state:
        qs = qs.filter(state=state)
    if track:
        qs = qs.filter(track=track)
    return qs


@router.get("/applications/{number}", response=ApplicationOut,
            openapi_extra=api_record("incentives.Application", "number", "number", public=True))
def application(request, number: str):
    return get_object_or_404(Application.objects.restrict(request.user).select_related("enterprise", "clause"),
                             number=number)


@router.get("/notices", response=list[NoticeOut], openapi_extra=PUBLIC_API)
def notices(request):
    """Claims in public notice today (no login needed)."""
    return list(PublicNotice.objects.restrict(request.user).filter(end__gte=dt.date.today()))


@router.get("/ledger", response=list[LedgerOut], openapi_extra=PUBLIC_API)
@paginate
def ledger(request, year: int | None = None):
    qs = ledger_entries_for(request.user)
    return qs.filter(year=year) if year else qs


class TotalsOut(Schema):
    """Approved, paid, clawed back and net paid [CNY, decimal strings]."""

    approved: str
    paid: str
    clawed_back: str
    net_paid: str


class LedgerTotalsOut(Schema):
    all: TotalsOut
    clause: dict[str, TotalsOut]
    region: dict[str, TotalsOut]
    year: dict[str, TotalsOut]


@router.get("/ledger/totals", response=LedgerTotalsOut, openapi_extra=PUBLIC_API)
def ledger_totals_view(request, year: int | None = None):
    """Approved, paid, clawed back and net paid [CNY, strings] in all, per clause, per region and per year."""
    qs = ledger_entries_for(request.user)
    if year:
        qs = qs.filter(year=year)
    totals = ledger_totals(qs)

    def s(t):
        return {k: str(v) for k, v in t.items()}

    return {"all": s(totals["all"]), **{dim: {str(k): s(v) for k, v in totals[dim].items()}
                                        for dim in ("clause", "region", "year")}}


# the industry workflows' operations (listing pipeline, first-of-kind, talent, events and cases, alliances)
from . import industry_api  # noqa: E402,F401
