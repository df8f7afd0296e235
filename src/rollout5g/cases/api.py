"""JSON API of the cases, mounted at /api/cases. Lists and details read through ``restrict()``; writes call the
same services as the pages (403 when the user may not act, 422 with the field and reason for bad input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.apischema import OpenSchema
from rollout5g.platform.idempotency import idempotent
from rollout5g.sites.models import Site

from . import actions, services
from .models import IncidentCase, PowerCase, RelocationCase
from .selectors import case_clock, rebuild_list, supply_by_county

router = Router(tags=["Cases"])


class ClockOut(Schema):
    state: str
    due: dt.date
    provisional: bool
    days_left: int | None


class CaseOut(Schema):
    number: str
    family: str
    state: str
    received_on: dt.date
    limit_days: int
    closed_on: dt.date | None
    site: str | None
    clock: ClockOut

    @staticmethod
    def resolve_site(obj):
        return obj.site.code if obj.site_id else None

    @staticmethod
    def resolve_clock(obj):
        return case_clock(obj).__dict__


class PowerOut(CaseOut):
    kind: str
    applicant: str
    handler: str
    capacity_kw: Decimal | None
    meter_number: str
    refusal_reason: str

    @staticmethod
    def resolve_applicant(obj):
        return obj.applicant.code

    @staticmethod
    def resolve_handler(obj):
        return obj.handler.code


class RelocationOut(CaseOut):
    cause: str
    operator: str
    project: str
    demanding_party: str
    notice_date: dt.date
    demolition_date: dt.date | None
    compensation_amount: Decimal | None
    compensation_basis: str
    replacement_site: str | None
    removed_on: dt.date | None
    rebuild_due: dt.date | None
    demolished_earlier: bool

    @staticmethod
    def resolve_operator(obj):
        return obj.operator.code

    @staticmethod
    def resolve_replacement_site(obj):
        return obj.replacement_site.code if obj.replacement_site_id else None


class IncidentOut(CaseOut):
    kind: str
    reporter: str
    department: str
    occurred_on: dt.date
    location: str
    description: str
    fee_amount: Decimal | None
    handler_name: str
    outcome: str

    @staticmethod
    def resolve_reporter(obj):
        return obj.reporter.code

    @staticmethod
    def resolve_department(obj):
        return obj.department.code


class PowerIn(Schema):
    site: str
    kind: str
    capacity_kw: Decimal | None = None
    meter_number: str = ""
    note: str = ""


class RelocationIn(Schema):
    site: str
    cause: str
    demanding_party: str
    notice_date: dt.date
    project: str = ""
    demolition_date: dt.date | None = None
    note: str = ""


class IncidentIn(Schema):
    kind: str
    description: str
    site: str = ""
    location: str = ""
    region: str = ""  # adcode of the region, for an incident without a site
    occurred_on: dt.date | None = None
    fee_amount: str | None = None


class ActionIn(Schema):
    on: dt.date | None = None
    note: str = ""
    reason: str = ""
    meter_number: str = ""
    amount: str = ""
    basis: str = ""
    replacement: str = ""
    handler_name: str = ""
    outcome: str = ""
    department: str = ""


class SupplyOut(Schema):
    county: str
    name: str
    direct: int
    transfer: int
    unknown: int
    conversions_done: int
    conversions_open: int
    share_direct: Decimal | None


def _site(request, code: str) -> Site | None:
    if not code:
        return None
    site = Site.objects.restrict(request.user).filter(code=code).first()
    if site is None:
        raise HttpError(422, f"site: no site {code!r} that you may see")
    return site


def _with_family(obj):
    obj.__dict__.setdefault("family", obj.family)
    return obj


@router.get("/power", response=list[PowerOut], auth=session_or_token, summary="Power cases you may see")
@paginate
def power_list(request, state: str = ""):
    qs = PowerCase.objects.restrict(request.user).select_related("site", "applicant", "handler")
    return [_with_family(c) for c in (qs.filter(state=state) if state else qs)]


@router.post("/power", response={201: PowerOut}, auth=session_or_token, summary="Apply to the power company")
@idempotent
def power_create(request, payload: PowerIn):
    site = _site(request, payload.site)
    case = services.power_apply(actor=request.user, site=site, kind=payload.kind,
                 capacity_kw=payload.capacity_kw, meter_number=payload.meter_number, note=payload.note)
    return Status(201, _with_family(case))


@router.get("/relocation", response=list[RelocationOut], auth=session_or_token, summary="Relocation cases you may see")
@paginate
def relocation_list(request, state: str = ""):
    qs = RelocationCase.objects.restrict(request.user).select_related("site", "operator", "replacement_site")
    return [_with_family(c) for c in (qs.filter(state=state) if state else qs)]


@router.post("/relocation", response={201: RelocationOut}, auth=session_or_token, summary="Record a relocation demand")
@idempotent
def relocation_create(request, payload: RelocationIn):
    site = _site(request, payload.site)
    case = services.relocation_open(actor=request.user, site=site, cause=payload.cause,
                 demanding_party=payload.demanding_party, notice_date=payload.notice_date, project=payload.project,
                 demolition_date=payload.demolition_date, note=payload.note)
    return Status(201, _with_family(case))


@router.get("/relocation/rebuild", response=list[RelocationOut], auth=session_or_token,
            summary="Sites removed that must be rebuilt, earliest due first")
def relocation_rebuild(request):
    return [_with_family(c) for c, _clock in rebuild_list(RelocationCase.objects.restrict(request.user))]


@router.get("/incident", response=list[IncidentOut], auth=session_or_token, summary="Incidents you may see")
@paginate
def incident_list(request, state: str = ""):
    qs = IncidentCase.objects.restrict(request.user).select_related("site", "reporter", "department")
    return [_with_family(c) for c in (qs.filter(state=state) if state else qs)]


@router.post("/incident", response={201: IncidentOut}, auth=session_or_token, summary="Report an incident")
@idempotent
def incident_create(request, payload: IncidentIn):
    site = _site(request, payload.site)
    case = services.incident_report(actor=request.user, kind=payload.kind, description=payload.description,
                 site=site, location=payload.location, region=payload.region or None, occurred_on=payload.occurred_on,
                 fee_amount=payload.fee_amount)
    return Status(201, _with_family(case))


@router.get("/supply", response=list[SupplyOut], auth=session_or_token,
            summary="Sites on direct and transfer supply and conversions, by county of the home city")
def supply(request):
    return [{"county": r.region.adcode, "name": r.region.name, "direct": r.direct, "transfer": r.transfer,
             "unknown": r.unknown, "conversions_done": r.conversions_done, "conversions_open": r.conversions_open,
             "share_direct": r.share_direct} for r in supply_by_county()]


OUT = {"power": PowerOut, "relocation": RelocationOut, "incident": IncidentOut}


class AnyCaseOut(OpenSchema):
    """A case of any family: the fields every case has, and those of its family (PowerOut, RelocationOut,
    IncidentOut)."""

    number: str
    family: str
    state: str
    received_on: dt.date
    limit_days: int
    closed_on: dt.date | None
    site: str | None
    clock: dict[str, Any]


def _get(request, family: str, number: str):
    if family not in actions.FAMILIES:
        raise HttpError(404, f"no case family {family!r}")
    return get_object_or_404(actions.FAMILIES[family].objects.restrict(request.user), number=number)


@router.get("/{family}/{number}", auth=session_or_token, response=AnyCaseOut,
            summary="One case (power, relocation or incident)")
def case_detail(request, family: str, number: str):
    case = _get(request, family, number)
    return OUT[family].from_orm(_with_family(case)).dict()


@router.post("/{family}/{number}/{action}", auth=session_or_token, response=AnyCaseOut,
             summary="A transition of a case: power accept/survey/complete/refuse; relocation compensation/secure/"
                     "remove/rebuilt/cancel; incident assign/start/resolve/close/reroute")
@idempotent
def case_action(request, family: str, number: str, action: str, payload: ActionIn):
    case = _get(request, family, number)
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in payload.dict().items() if v is not None}
    case = actions.perform(request.user, case, action, data)
    return OUT[family].from_orm(_with_family(case)).dict()

