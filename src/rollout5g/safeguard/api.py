"""JSON API of the security of critical facilities, mounted at /api/safeguard. Every operation needs a login (there
is no public operation: a facility's location never leaves the parties); lists and details read through
``restrict()``; writes call the same services as the pages (403 when the user may not act, 422 naming the field for
bad input — the platform's error handler turns the services' exceptions into problem details)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from rollout5g.platform.api_auth import session_or_token
from rollout5g.platform.idempotency import idempotent
from rollout5g.platform.routes import api_record
from rollout5g.platform.workflow import available_actions

from . import services
from .models import CriticalFacility, SecurityEvent
from .selectors import assessment_clock, overview, response_clock

router = Router(tags=["Security of critical facilities"])
FACILITY_RELATED = ("operator", "cyberspace_office", "police", "comms_admin", "region", "site")


class SafeguardFindingOut(Schema):
    severity: str
    description: str
    measure: str


class SafeguardAssessmentOut(Schema):
    code: str
    assessor: str
    assessor_name: str
    assessed_on: dt.date
    scope: str
    conclusion: str
    next_due: dt.date
    findings: list[SafeguardFindingOut]

    @staticmethod
    def resolve_assessor(obj):
        return obj.assessor.code

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.all())


class SafeguardFacilityOut(Schema):
    code: str
    name: str
    kind: str
    criticality: str
    operator: str
    site: str | None
    region: str
    state: str
    assessment_due: dt.date
    clock: str

    @staticmethod
    def resolve_operator(obj):
        return obj.operator.code

    @staticmethod
    def resolve_site(obj):
        return obj.site.code if obj.site_id else None

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_clock(obj):
        return assessment_clock(obj).state


class SafeguardFacilityDetailOut(SafeguardFacilityOut):
    address: str
    lon: float
    lat: float
    protection: str
    registered_on: dt.date
    cyberspace_office: str
    police: str
    comms_admin: str
    assessments: list[SafeguardAssessmentOut]
    actions: list[str]

    @staticmethod
    def resolve_cyberspace_office(obj):
        return obj.cyberspace_office.code

    @staticmethod
    def resolve_police(obj):
        return obj.police.code

    @staticmethod
    def resolve_comms_admin(obj):
        return obj.comms_admin.code

    @staticmethod
    def resolve_assessments(obj):
        return list(obj.assessments.prefetch_related("findings").select_related("assessor"))

    @staticmethod
    def resolve_actions(obj, context):
        return [name for name, ok in available_actions(context["request"].user, obj).items() if ok]


class SafeguardFacilityIn(Schema):
    name: str
    kind: str
    criticality: str
    site: str = ""
    region: str = ""
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    protection: str = ""


class SafeguardFindingIn(Schema):
    severity: str
    description: str
    measure: str


class SafeguardFacilityStepIn(Schema):
    note: str = ""
    criticality: str = ""
    assessor_name: str = ""
    assessed_on: dt.date | None = None
    scope: str = ""
    next_due: dt.date | None = None
    findings: list[SafeguardFindingIn] = []


class SafeguardEventOut(Schema):
    code: str
    facility: str
    title: str
    source: str
    category: str
    severity: str
    detected_on: dt.date
    state: str
    due: dt.date | None
    clock: str

    @staticmethod
    def resolve_facility(obj):
        return obj.facility.code

    @staticmethod
    def resolve_due(obj):
        return response_clock(obj).due

    @staticmethod
    def resolve_clock(obj):
        return response_clock(obj).state


class SafeguardEventDetailOut(SafeguardEventOut):
    description: str
    reported_by: str
    limit_days: int
    warning: str
    warned_on: dt.date | None
    analysis: str
    analysed_on: dt.date | None
    response: str
    responded_on: dt.date | None
    conclusion: str
    closed_on: dt.date | None
    actions: list[str]

    @staticmethod
    def resolve_reported_by(obj):
        return obj.reported_by.code

    @staticmethod
    def resolve_actions(obj, context):
        return [name for name, ok in available_actions(context["request"].user, obj).items() if ok]


class SafeguardEventIn(Schema):
    facility: str
    title: str
    description: str
    source: str
    category: str
    severity: str
    detected_on: dt.date | None = None


class SafeguardEventStepIn(Schema):
    warning: str = ""
    analysis: str = ""
    category: str = ""
    severity: str = ""
    response: str = ""
    responded_on: dt.date | None = None
    conclusion: str = ""


class SafeguardCount(Schema):
    value: str
    label: str
    count: int


class SafeguardMonthOut(Schema):
    month: str
    detected: int
    open: int
    handled: int


class SafeguardOverviewOut(Schema):
    facilities: int
    by_criticality: list[SafeguardCount]
    by_state: list[SafeguardCount]
    by_severity: list[SafeguardCount]
    by_month: list[SafeguardMonthOut]
    overdue_events: list[str]
    without_assessment: list[str]


def _facility(request, code) -> CriticalFacility:
    return get_object_or_404(CriticalFacility.objects.restrict(request.user).select_related(*FACILITY_RELATED),
                             code=code)


def _event(request, code) -> SecurityEvent:
    return get_object_or_404(SecurityEvent.objects.restrict(request.user).select_related("facility", "reported_by"),
                             code=code)


@router.get("/facilities", response=list[SafeguardFacilityOut], auth=session_or_token,
            summary="Critical facilities you may see (without their location)")
@paginate
def facility_list(request, kind: str = "", criticality: str = ""):
    qs = CriticalFacility.objects.restrict(request.user).select_related(*FACILITY_RELATED)
    if kind:
        qs = qs.filter(kind=kind)
    if criticality:
        qs = qs.filter(criticality=criticality)
    return qs


@router.post("/facilities", response={201: SafeguardFacilityDetailOut}, auth=session_or_token,
             summary="An operator registers a critical facility")
@idempotent
def facility_create(request, payload: SafeguardFacilityIn):
    facility = services.facility_register(actor=request.user, **payload.dict())
    return Status(201, _facility(request, facility.code))


@router.get("/facilities/{code}", response=SafeguardFacilityDetailOut, auth=session_or_token,
            openapi_extra=api_record("safeguard.CriticalFacility", "code", "code"),
            summary="One critical facility with its location and assessments")
def facility_detail(request, code: str):
    return _facility(request, code)


@router.post("/facilities/{code}/{step}", response=SafeguardFacilityDetailOut, auth=session_or_token,
             summary="A step: assess, rate, retire")
@idempotent
def facility_step(request, code: str, step: str, payload: SafeguardFacilityStepIn):
    f, actor, p = _facility(request, code), request.user, payload
    if step == "assess":
        services.assessment_record(actor=actor, facility=f, assessor_name=p.assessor_name, assessed_on=p.assessed_on,
                                   scope=p.scope, next_due=p.next_due, findings=[x.dict() for x in p.findings])
    elif step == "rate":
        services.facility_rate(actor=actor, facility=f, criticality=p.criticality, note=p.note)
    elif step == "retire":
        services.facility_retire(actor=actor, facility=f, note=p.note)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _facility(request, code)


@router.get("/events", response=list[SafeguardEventOut], auth=session_or_token,
            summary="Security events you may see")
@paginate
def event_list(request, state: str = "", severity: str = ""):
    qs = SecurityEvent.objects.restrict(request.user).select_related("facility", "reported_by")
    if state:
        qs = qs.filter(state=state)
    if severity:
        qs = qs.filter(severity=severity)
    return qs


@router.post("/events", response={201: SafeguardEventDetailOut}, auth=session_or_token,
             summary="The operator or a security unit records a security event at a facility")
@idempotent
def event_create(request, payload: SafeguardEventIn):
    data = payload.dict()
    facility = (CriticalFacility.objects.restrict(request.user).select_related(*FACILITY_RELATED)
                .filter(code=data.pop("facility")).first())
    if facility is None:  # a field of the body, not the address: a field error, not "not found"
        raise ValidationError({"facility": _("Choose a critical facility you may see.")})
    event = services.event_detect(actor=request.user, facility=facility, **data)
    return Status(201, _event(request, event.code))


@router.get("/events/{code}", response=SafeguardEventDetailOut, auth=session_or_token,
            openapi_extra=api_record("safeguard.SecurityEvent", "code", "code"), summary="One security event")
def event_detail(request, code: str):
    return _event(request, code)


@router.post("/events/{code}/{step}", response=SafeguardEventDetailOut, auth=session_or_token,
             summary="A step: warn, analyse, respond, close")
@idempotent
def event_step(request, code: str, step: str, payload: SafeguardEventStepIn):
    e, actor, p = _event(request, code), request.user, payload
    if step == "warn":
        services.event_warn(actor=actor, event=e, warning=p.warning)
    elif step == "analyse":
        services.event_analyse(actor=actor, event=e, analysis=p.analysis, category=p.category, severity=p.severity)
    elif step == "respond":
        services.event_respond(actor=actor, event=e, response=p.response, responded_on=p.responded_on)
    elif step == "close":
        services.event_close(actor=actor, event=e, conclusion=p.conclusion)
    else:
        raise HttpError(404, f"no step {step!r}")
    return _event(request, code)


@router.get("/overview", response=SafeguardOverviewOut, auth=session_or_token,
            summary="The situation (态势) over the facilities and events you may see")
def situation(request):
    o = overview(request.user)

    def counts(rows):
        return [{"value": value, "label": str(label), "count": n} for value, label, n in rows]

    return {"facilities": o.facilities, "by_criticality": counts(o.by_criticality), "by_state": counts(o.by_state),
            "by_severity": counts(o.by_severity),
            "by_month": [{"month": m.strftime("%Y-%m"), "detected": d, "open": op, "handled": h} for m, d, op, h in o.by_month],
            "overdue_events": [e.code for e, _ in o.overdue_events],
            "without_assessment": [f.code for f, _ in o.without_assessment]}
